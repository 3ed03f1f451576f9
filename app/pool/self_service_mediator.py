"""Mediator self-service views: own contact data, languages, times, absences, papers, export.

Every view works on ``current_user.mediator`` through ``app.services.pool.self_service``; ids in
URLs are looked up inside the own lists only, so another person's id gives 404.
"""

from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.models.enums import Role
from app.pool import bp
from app.pool.self_service_forms import (
    AbsenceForm,
    AvailabilityForm,
    OwnLanguageForm,
    ProfileForm,
)
from app.services.core.errors import NotAllowedError
from app.services.pool import bank, privacy
from app.services.pool import self_service as svc
from app.services.pool.mediators import police_certificate_due, police_certificate_valid_on
from app.services.pool.qualification import completed_modules, missing_required_modules
from app.timeutil import today_local
from app.web.confirm import ask, confirmed, describe_absence, describe_language, describe_window
from app.web.forms import BankDetailsForm, language_field_choices
from app.web.guards import role_required
from app.web.transaction import commit_or_message
from app.web.views import form_page, form_status, member_or_404

mediator_only = role_required(Role.MEDIATOR)


def _me():
    try:
        return svc.own_mediator(current_user)
    except NotAllowedError:
        abort(403)


@bp.route("/me/profile/edit", methods=["GET", "POST"])
@mediator_only
def edit_my_profile():
    mediator = _me()
    form = ProfileForm(obj=mediator)
    if not form.is_submitted():
        form.locale.data = current_user.locale
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in svc.CONTACT_FIELDS
                  + svc.SETTINGS_FIELDS}
        values["phone"] = values["phone"] or ""
        values["district"] = values["district"] or ""
        outcome = commit_or_message(svc.update_profile, current_user, values,
                                    locale=form.locale.data)
        if outcome.ok:
            session["locale"] = form.locale.data  # the explicit choice wins over older toggles
            flash(_("Your data has been saved."), "success")
            return redirect(url_for("pool.my_profile"))
        form.form_errors.append(outcome.error)
    return form_page("pool/mediator/edit_profile.html", form)


def _languages_page(form: OwnLanguageForm | None = None, status: int = 200):
    mediator = _me()
    form = form or OwnLanguageForm()
    form.code.choices = language_field_choices()
    return render_template("pool/mediator/languages.html", mediator=mediator, form=form), status


@bp.route("/me/bank", methods=["GET", "POST"])
@mediator_only
def my_bank_details():
    """Let the mediator enter the account the allowance goes to (shown masked afterwards)."""
    mediator = _me()
    form = BankDetailsForm()
    if request.method == "GET":
        form.account_holder.data = mediator.account_holder or mediator.full_name
        form.bic.data = mediator.bic
    if form.validate_on_submit():
        outcome = commit_or_message(bank.update_own, current_user,
                                    holder=form.account_holder.data or "",
                                    iban=form.iban.data or "", bic=form.bic.data or "",
                                    delete=bool(form.remove.data))
        if outcome.flash(_("Your bank details have been saved.")):
            return redirect(url_for("pool.my_profile"))
        form.iban.errors = [outcome.error]
    return render_template(
        "pool/bank.html", mediator=mediator, form=form, full_iban=None,
        masked=bank.mask(mediator.iban), action=url_for("pool.my_bank_details"), reveal=None,
        back=url_for("pool.my_profile")), form_status(form)


@bp.route("/me/languages", methods=["GET", "POST"])
@mediator_only
def my_languages():
    form = OwnLanguageForm()
    form.code.choices = language_field_choices()
    if form.validate_on_submit():
        outcome = commit_or_message(svc.request_language, current_user, form.code.data,
                                    form.variety.data or "", form.level.data)
        if not outcome.ok:
            form.code.errors = [outcome.error]
            return _languages_page(form, 400)
        flash(_("Thank you. The office will check the new language soon."), "success")
        return redirect(url_for("pool.my_languages"))
    return _languages_page(form, form_status(form))


@bp.route("/me/languages/<int:language_id>/delete", methods=["POST"])
@mediator_only
def remove_my_language(language_id: int):
    language = member_or_404(_me().languages, language_id)
    name = describe_language(language)
    if not confirmed():
        return ask(_("Remove the language %(name)s from your list?", name=name),
                   back=url_for("pool.my_languages"))
    if not commit_or_message(svc.remove_language, current_user, language_id).ok:
        abort(404)
    flash(_("Language %(name)s removed.", name=name), "success")
    return redirect(url_for("pool.my_languages"))


@bp.route("/me/availability", methods=["GET", "POST"])
@mediator_only
def my_availability():
    mediator = _me()
    form = AvailabilityForm()
    if form.validate_on_submit():
        outcome = commit_or_message(svc.add_availability, current_user, form.weekday.data,
                                    form.start.data, form.end.data)
        if outcome.ok:
            flash(_("Time added."), "success")
            return redirect(url_for("pool.my_availability"))
        form.end.errors = [outcome.error]
    return form_page("pool/mediator/availability.html", form, mediator=mediator)


@bp.route("/me/availability/<int:availability_id>/delete", methods=["POST"])
@mediator_only
def remove_my_availability(availability_id: int):
    text = describe_window(member_or_404(_me().availability, availability_id))
    if not confirmed():
        return ask(_("Remove the time %(time)s from your list?", time=text),
                   back=url_for("pool.my_availability"))
    if not commit_or_message(svc.remove_availability, current_user, availability_id).ok:
        abort(404)
    flash(_("Time %(time)s removed.", time=text), "success")
    return redirect(url_for("pool.my_availability"))


@bp.route("/me/absences", methods=["GET", "POST"])
@mediator_only
def my_absences():
    form = AbsenceForm()
    if form.validate_on_submit():
        outcome = commit_or_message(svc.add_absence, current_user, form.start.data,
                                    form.end.data, form.reason.data or "")
        if outcome.ok:
            flash(_("Absence added."), "success")
            return redirect(url_for("pool.my_absences"))
        form.end.errors = [outcome.error]
    mediator = _me()
    today = today_local()
    upcoming = [a for a in mediator.absences if a.end_date >= today]
    return form_page("pool/mediator/absences.html", form, absences=upcoming)


@bp.route("/me/absences/<int:absence_id>/delete", methods=["POST"])
@mediator_only
def remove_my_absence(absence_id: int):
    text = describe_absence(member_or_404(_me().absences, absence_id))
    if not confirmed():
        return ask(_("Remove the absence %(days)s from your list?", days=text),
                   back=url_for("pool.my_absences"))
    if not commit_or_message(svc.remove_absence, current_user, absence_id).ok:
        abort(404)
    flash(_("Absence %(days)s removed.", days=text), "success")
    return redirect(url_for("pool.my_absences"))


@bp.route("/me/qualification")
@mediator_only
def my_qualification():
    """Show own modules, papers with their validity and the hours of this year."""
    mediator = _me()
    today = today_local()
    police = mediator.document("police_certificate")
    return render_template(
        "pool/mediator/qualification.html", mediator=mediator,
        completions=completed_modules(mediator), missing=missing_required_modules(mediator),
        pledge=mediator.document("pledge"), police=police,
        police_due=police_certificate_due(police) if police else None,
        police_valid=police_certificate_valid_on(mediator, today),
        hours=svc.hours_this_year(mediator), year=today.year)


@bp.route("/me/certificate")
@mediator_only
def my_certificate():
    mediator = _me()
    return render_template("pool/certificate.html", mediator=mediator,
                           completions=completed_modules(mediator), today=today_local())


@bp.route("/me/export.json")
@mediator_only
def my_export():
    """Give the mediator all data held about them as JSON (Art. 15 GDPR)."""
    outcome = commit_or_message(privacy.export_mediator, current_user, _me())
    if not outcome.flash():
        return redirect(url_for("pool.my_profile"))
    return Response(json.dumps(outcome.result, ensure_ascii=False, indent=2),
                    mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="my-data.json"'})
