"""Coordinator page for the review of the mediators' languages by the pool's own speakers."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.accounts import bp
from app.accounts.translations_forms import ReviewUploadForm
from app.i18n import MEDIATOR_ONLY_LANGUAGES, UI_LANGUAGES
from app.services.pool import translation_review as review
from app.web.downloads import attachment
from app.web.guards import coordinator_required
from app.web.transaction import commit_or_message

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _language(locale: str) -> str:
    if locale not in MEDIATOR_ONLY_LANGUAGES:
        abort(404)
    return locale


@bp.route("/coordination/translations", methods=["GET"])
@coordinator_required
def translations(form: ReviewUploadForm | None = None, status: int = 200):
    rows = []
    for locale in MEDIATOR_ONLY_LANGUAGES:
        entries = review.entries(locale)
        rows.append({"locale": locale, "name": UI_LANGUAGES[locale], "messages": len(entries),
                     "reviewed": len(review.overrides(locale))})
    return render_template("accounts/translations.html", rows=rows,
                           form=form or ReviewUploadForm()), status


@bp.route("/coordination/translations/<locale>.xlsx")
@coordinator_required
def translation_sheet(locale: str):
    data = review.export_workbook(_language(locale))
    name = _("Review %(language)s.xlsx", language=locale)
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": attachment(name)})


@bp.route("/coordination/translations/<locale>", methods=["POST"])
@coordinator_required
def translation_import(locale: str):
    locale = _language(locale)
    form = ReviewUploadForm()
    if not form.validate_on_submit():
        return translations(form, 400)
    outcome = commit_or_message(review.import_workbook, current_user, locale,
                                form.file.data.read())
    if not outcome.ok:
        form.file.errors = [outcome.error]
        return translations(form, 400)
    review.forget(locale)
    count = len(outcome.result)
    if count:
        outcome.flash(success=ngettext("%(num)d message of %(language)s changed.",
                                       "%(num)d messages of %(language)s changed.", count,
                                       language=UI_LANGUAGES[locale]))
    else:
        outcome.flash(success=_("The sheet changes nothing: every text is as it was."))
    return redirect(url_for("accounts.translations"))
