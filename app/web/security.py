"""HTTP security headers and the database-outage page.

Referrer-Policy (docs/security.md): `same-origin` on ordinary pages, because Flask-WTF's CSRF
check over HTTPS needs a same-origin Referer on every form POST; `strict-origin` on pages whose
URL carries a secret token (e-mail links), so their path never leaves in a Referer while their
own forms still pass that check; the calendar feed sets `no-referrer` itself.

Nearly every page and download shows personal data (a mediator's record, exports, payout
files, the calendar page with the secret feed URL), so no response but a static asset may be
kept by a browser or proxy cache (`Cache-Control: no-store`); a view that needs revalidation
instead (the iCal feed with its ETag) sets its own Cache-Control.
"""

from __future__ import annotations

import contextlib

from flask import Flask, Response, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app.i18n import ui_language
from app.web import errors

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # no inline styles either: the SVG charts use presentation attributes and classes in
        # static/css/app.css (tests/core/test_security.py keeps 'unsafe-inline' out)
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# the page when even the error template cannot be rendered (title and text are translated
# already: gettext needs no database)
FALLBACK_PAGE = (
    '<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{code}</title>'
    "</head><body><h1>{title}</h1><p>{text}</p>{reference}</body></html>"
)


def _is_static(endpoint: str | None) -> bool:
    """Tell the app's (or a blueprint's) static files, the only responses worth caching."""
    return endpoint is not None and endpoint.rpartition(".")[2] == "static"


def referrer_policy() -> str:
    """Pick the Referrer-Policy: only the origin from a page whose URL holds a secret token."""
    if request.view_args and "token" in request.view_args:
        return "strict-origin"
    return "same-origin"


# what the database (or its connection pool) raises; each gets the page below, not Flask's 500
DATABASE_ERRORS = (DBAPIError, DisconnectionError, PoolTimeout)


def database_error_page(exc: Exception):
    """Answer an outage with 503 and Retry-After, any other database error with a 500;
    both logged with the error reference the page shows (app/web/errors.py).

    Also used by the 500 handler when the database failed outside a view (in an after-request
    hook, or while rendering), so an outage is a 503 wherever it is noticed.
    """
    kind = errors.classify(exc)
    ref = errors.log_database_error(exc, kind)
    _forget_user()  # before any text: choosing its language may load the user
    if kind == errors.OUTAGE:
        code, headers = 503, {"Retry-After": "30"}
        title = _("Temporarily unavailable")
        text = _("The database cannot be reached at the moment. Please try again shortly.")
    else:
        code, headers = 500, {}
        title = _("Something went wrong")
        text = _("An unexpected error occurred. Nothing you saved before is lost.")
    return render_error_safely(code, title, text, ref, forget_user=True), code, headers


def render_error_safely(code: int, title: str, text: str, ref: str | None = None, *,
                        forget_user: bool = False) -> str:
    """Render the error page; never fail: an error page is what is left when all else did.

    `forget_user`: the database failed, so render as anonymous (loading the user, or reading
    an expired attribute of it, would ask the failing database again). The page is tried once
    as it is and, if that fails, once more as anonymous; then a page with no template at all.
    """
    attempts = (True,) if forget_user else (False, True)
    for anonymous in attempts:
        if anonymous:
            _forget_user()
        try:
            return render_template("errors/error.html", code=code, title=title, text=text,
                                   reference=ref)
        except Exception:  # noqa: BLE001, S112 - the error page must never fail itself
            continue
    return FALLBACK_PAGE.format(
        lang=ui_language(), code=code, title=escape(title), text=escape(text),
        reference=Markup("<p>{}: <bdi>{}</bdi></p>").format(_("Error reference"), ref)
        if ref else "")


def _forget_user() -> None:
    """End the request's transaction (on a dead connection drop it: the pool makes a new one)
    and go on as anonymous, so nothing on the error page asks the database again."""
    from flask import g

    from app.extensions import db, login_manager

    try:
        db.session.rollback()
    except DBAPIError:
        db.session.invalidate()
    g._login_user = login_manager.anonymous_user()


def register_security(app: Flask) -> None:
    """Add security headers to every response and answer database outages with a 503.

    An http:// BASE_URL in production is refused at start (config.validate_production)."""

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("Referrer-Policy", referrer_policy())
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if not _is_static(request.endpoint):
            headers.setdefault("Cache-Control", "no-store")
        # only over HTTPS: browsers ignore it on http, and a wrong scheme here means a
        # missing TRUSTED_PROXIES, which the header would hide rather than fix
        if app.config["HSTS_MAX_AGE"] and request.is_secure:
            headers.setdefault("Strict-Transport-Security",
                               f"max-age={app.config['HSTS_MAX_AGE']}; includeSubDomains")
        return response

    @app.before_request
    def _page_within_reach():
        """Answer a page number beyond any list with 404 before its OFFSET overflows the DB."""
        from flask import abort, request

        page = request.args.get("page", "").strip()
        if page.isdigit() and len(page) > 6:
            abort(404)

    @app.teardown_appcontext
    def _remove_session(_exc):
        """Drop the session even when the database went away mid-request.

        Runs before Flask-SQLAlchemy's own teardown (teardowns run in reverse order), whose
        rollback on a dead connection would otherwise turn the response into a 500.
        """
        from app.extensions import db

        try:
            db.session.remove()
        except DBAPIError:
            with contextlib.suppress(Exception):
                db.session.invalidate()
            db.session.registry.clear()

    for exc_class in DATABASE_ERRORS:
        app.register_error_handler(exc_class, database_error_page)
