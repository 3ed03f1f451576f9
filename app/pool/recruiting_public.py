"""Public application form and privacy notice; CSRF-protected and rate-limited."""

from __future__ import annotations

import datetime as dt

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.extensions import limiter
from app.i18n import ui_language
from app.pool import bp
from app.pool.recruiting_forms import ApplicationForm
from app.services.core.languages import language_choices
from app.services.pool.recruiting import Application, submit_application
from app.web.transaction import commit_or_message
from app.web.views import form_page


def _apply_limit() -> str:
    return current_app.config["APPLY_RATE_LIMIT"]


def _to_application(form: ApplicationForm) -> Application:
    languages = [(row.form.code.data, row.form.variety.data or "", row.form.level.data)
                 for row in form.languages if row.form.code.data]
    availability: list[tuple[int, dt.time, dt.time]] = [
        (int(row.form.weekday.data), row.form.start.data, row.form.end.data)
        for row in form.availability if row.form.weekday.data]
    return Application(
        first_name=form.first_name.data, last_name=form.last_name.data,
        email=form.email.data, phone=form.phone.data or "", gender=form.gender.data,
        district=form.district.data or "", german_level=form.german_level.data,
        languages=languages, availability=availability, motivation=form.motivation.data or "")


def application_language_choices(form: ApplicationForm) -> None:
    lang_choices = [("", "–")] + language_choices(ui_language())
    for row in form.languages:
        row.form.code.choices = lang_choices


@bp.route("/apply", methods=["GET", "POST"])
@limiter.limit(_apply_limit, methods=["POST"])
def apply():
    """Let a person apply to become a mediator (no account needed)."""
    form = ApplicationForm()
    application_language_choices(form)
    if form.validate_on_submit():
        outcome = commit_or_message(submit_application, _to_application(form))
        if not outcome.ok:
            form.first_name.errors = list(form.first_name.errors) + [outcome.error]
            return render_template("pool/recruiting/apply.html", form=form), 400
        flash(_("Thank you! Your application has been sent."), "success")
        return redirect(url_for("pool.apply_thanks"))
    return form_page("pool/recruiting/apply.html", form)


@bp.route("/apply/thanks")
def apply_thanks():
    return render_template("pool/recruiting/thanks.html")


@bp.route("/privacy")
def privacy_notice():
    """Show the privacy notice (German or English by the UI language)."""
    return render_template("pool/recruiting/privacy.html")
