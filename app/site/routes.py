"""Landing page, language switch and error handlers."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from flask import (
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from app import i18n
from app.extensions import db
from app.models.enums import Role
from app.services.core import accounts, health
from app.services.start import cards as start_cards
from app.site import bp
from app.timeutil import now_utc
from app.web import errors, security, transaction
from app.web import metrics as app_metrics
from app.web.redirects import safe_next
from app.web.transaction import commit_or_message

log = logging.getLogger(__name__)


@bp.route("/")
def index():
    """Show the role's start page: cards that say what needs the user now."""
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    if current_user.role not in (Role.COORDINATOR, Role.INSTITUTION, Role.MEDIATOR):
        abort(403)  # the roles above are all the database allows
    return render_template("site/start.html", cards=start_cards.cards_for(current_user,
                                                                          now_utc()))


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    """Switch the UI language and remember it in the session (and the profile)."""
    if code not in i18n.languages_for(current_user):
        abort(404)
    session["locale"] = code
    if current_user.is_authenticated:
        commit_or_message(accounts.set_locale, current_user, code).flash()
    return redirect(safe_next(request.form.get("next")) or url_for("site.index"))


@bp.route("/favicon.ico")
def favicon():
    """The icon at the address browsers and feed readers ask for without reading the page
    (the pages name the SVG; a 404 here filled the logs and showed a broken icon)."""
    icon = Path(current_app.static_folder, "favicon.ico").read_bytes()  # 709 bytes
    response = current_app.response_class(icon, mimetype="image/vnd.microsoft.icon")
    response.cache_control.public, response.cache_control.max_age = True, 7 * 24 * 3600
    return response


@bp.route("/healthz")
def healthz():
    """Liveness for load balancers and the benchmark baseline: the process answers (no DB)."""
    return jsonify(status="ok")


@bp.route("/metrics")
def metrics():
    """Prometheus metrics for the configured networks or bearer token, else 404
    (app/web/metrics.py)."""
    return app_metrics.exposition()


@bp.route("/readyz")
def readyz():
    """Readiness: 200 when the database answers at the code's schema head and the outbox
    drains, else 503 with the reason (app/services/core/health.py)."""
    result = health.readiness(db.engine, now_utc())
    ready = result["status"] == "ready"
    _log_readiness_change(result)
    errors.mark_logged()  # a probe's 503 carries its reason; changes are logged above
    return jsonify(result), 200 if ready else 503


_LAST_READINESS: dict[str, str] = {}


def _log_readiness_change(result: dict) -> None:
    """Log readiness when it changes in this worker, not on every probe."""
    reason = result.get("reason", "ready")
    if _LAST_READINESS.get("reason") != reason:
        _LAST_READINESS["reason"] = reason
        level = logging.INFO if reason == "ready" else logging.WARNING
        log.log(level, "readyz: %s%s", reason,
                f" ({result['detail']})" if "detail" in result else "")


def _error(code: int, title: str, text: str, reference: str | None = None):
    return security.render_error_safely(code, title, text, reference), code


@bp.app_errorhandler(400)
def bad_request(e):
    if isinstance(e, transaction.RefusedValue):  # the database refused a value typed in
        return _error(400, _("Value not accepted"), e.description)
    return _error(400, _("Bad request"), _("The request could not be understood."))


@bp.app_errorhandler(CSRFError)
def csrf_error(_e):
    return _error(
        400,
        _("Form expired"),
        _("The form was open too long or was sent from elsewhere. Please try again."),
    )


@bp.app_errorhandler(403)
def forbidden(_e):
    return _error(403, _("Access denied"), _("You do not have permission to see this page."))


@bp.app_errorhandler(404)
def not_found(_e):
    return _error(404, _("Page not found"), _("This page does not exist (any more)."))


@bp.app_errorhandler(413)
def too_large(_e):
    return _error(413, _("File too large"),
                  _("The upload is larger than the server accepts. Please send a smaller "
                    "file."))


@bp.app_errorhandler(429)
def too_many(_e):
    return _error(
        429, _("Too many attempts"), _("Please wait a minute before you try again.")
    )


@bp.app_errorhandler(500)
def server_error(e):
    """Flask's answer to an exception no handler took; a database failure noticed outside a
    view (an after-request hook, a template) arrives here too and is answered as one."""
    original = getattr(e, "original_exception", None)
    if isinstance(original, security.DATABASE_ERRORS):
        return security.database_error_page(original)
    # a dead connection: render_error_safely drops the session if the page needs it
    with contextlib.suppress(*security.DATABASE_ERRORS):
        transaction.rollback()
    return _error(
        500,
        _("Something went wrong"),
        _("An unexpected error occurred. Nothing you saved before is lost."),
        errors.reference(),
    )
