"""Public pages every German public-service site needs (BITV 2.0, TMG/DDG, GDPR).

Accessibility statement with its feedback form, Leichte Sprache, imprint and privacy notice.
Their facts (town, office, contacts, arbitration body) come from the configuration, so a town
changes environment variables, not templates.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app, redirect, render_template, url_for
from flask_babel import gettext as _

from app.extensions import limiter
from app.services.core.feedback import send_accessibility_feedback
from app.site import bp
from app.site.forms import AccessibilityFeedbackForm
from app.web.transaction import commit_or_message
from app.web.views import form_page


def _feedback_limit() -> str:
    return current_app.config["ACCESSIBILITY_FEEDBACK_RATE_LIMIT"]


def _reviewed_on() -> dt.date | None:
    try:
        return dt.date.fromisoformat(current_app.config["ACCESSIBILITY_REVIEWED_ON"])
    except (TypeError, ValueError):
        return None


@bp.route("/barrierefreiheit", methods=["GET", "POST"])
@limiter.limit(_feedback_limit, methods=["POST"])
def accessibility():
    """Show the accessibility statement and take feedback into the office's outbox."""
    form = AccessibilityFeedbackForm()
    if form.validate_on_submit():
        outcome = commit_or_message(
            send_accessibility_feedback,
            current_app.config["OFFICE_EMAIL"],
            message=form.message.data,
            name=form.name.data or "",
            email=form.email.data or "",
            page=form.page.data or "",
        )
        if outcome.flash(_("Thank you. Your feedback has been sent to the office.")):
            return redirect(url_for("site.accessibility"))
    return form_page("site/accessibility.html", form, reviewed_on=_reviewed_on())


@bp.route("/leichte-sprache")
def easy_language():
    """Explain the service in Leichte Sprache (always German)."""
    return render_template("site/easy_language.html")


@bp.route("/impressum")
def imprint():
    return render_template("site/imprint.html")


@bp.route("/datenschutz")
def privacy():
    return render_template("site/privacy.html")
