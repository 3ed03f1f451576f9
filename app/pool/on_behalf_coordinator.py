"""Coordinator acting for a volunteer: times, absences, contact data (answers to offers:
`app/booking/offers_coordinator.py`).

Why: a volunteer without an account, or one who phones in, can otherwise never change
"Meine Zeiten" and so never becomes eligible. These views call the very self-service
functions the mediator uses (`app.services.pool.self_service`) with the person as
`mediator=`; the coordinator is the actor in every audit entry.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.models import Mediator
from app.pool import bp
from app.pool.self_service_forms import (
    AbsenceForm,
    AvailabilityForm,
    OnBehalfProfileForm,
)
from app.services.pool import self_service as svc
from app.timeutil import today_local
from app.web.confirm import ask, confirmed, describe_absence, describe_window
from app.web.guards import coordinator_required, live_mediator_or_404
from app.web.transaction import commit_or_message
from app.web.views import form_page, member_or_404


def _times_page(mediator: Mediator, availability_form=None, absence_form=None):
    today = today_local()
    status = 400 if (availability_form or absence_form) else 200
    return render_template(
        "pool/on_behalf_times.html", mediator=mediator,
        availability_form=availability_form or AvailabilityForm(prefix="availability"),
        absence_form=absence_form or AbsenceForm(prefix="absence"),
        absences=[a for a in mediator.absences if a.end_date >= today]), status


@bp.route("/pool/mediators/<int:mediator_id>/times")
@coordinator_required
def on_behalf_times(mediator_id: int):
    """Show the person's weekly times and absences with forms to change them."""
    return _times_page(live_mediator_or_404(mediator_id))


def _back_to_times(mediator: Mediator, message: str):
    flash(message, "success")
    return redirect(url_for("pool.on_behalf_times", mediator_id=mediator.id))


@bp.route("/pool/mediators/<int:mediator_id>/times/availability", methods=["POST"])
@coordinator_required
def on_behalf_add_availability(mediator_id: int):
    mediator = live_mediator_or_404(mediator_id)
    form = AvailabilityForm(prefix="availability")
    if not form.validate_on_submit():
        return _times_page(mediator, availability_form=form)
    outcome = commit_or_message(svc.add_availability, current_user, form.weekday.data,
                                form.start.data, form.end.data, mediator=mediator)
    if not outcome.ok:
        form.end.errors = [outcome.error]
        return _times_page(mediator, availability_form=form)
    return _back_to_times(mediator, _("Time added."))


@bp.route("/pool/mediators/<int:mediator_id>/times/availability/<int:availability_id>/delete",
          methods=["POST"])
@coordinator_required
def on_behalf_remove_availability(mediator_id: int, availability_id: int):
    mediator = live_mediator_or_404(mediator_id)
    text = describe_window(member_or_404(mediator.availability, availability_id))
    if not confirmed():
        return ask(_("Remove the time %(time)s of %(name)s?", time=text,
                     name=mediator.full_name),
                   back=url_for("pool.on_behalf_times", mediator_id=mediator.id))
    if not commit_or_message(svc.remove_availability, current_user, availability_id,
                             mediator=mediator).ok:
        abort(404)
    return _back_to_times(mediator, _("Time %(time)s removed.", time=text))


@bp.route("/pool/mediators/<int:mediator_id>/times/absences", methods=["POST"])
@coordinator_required
def on_behalf_add_absence(mediator_id: int):
    mediator = live_mediator_or_404(mediator_id)
    form = AbsenceForm(prefix="absence")
    if not form.validate_on_submit():
        return _times_page(mediator, absence_form=form)
    outcome = commit_or_message(svc.add_absence, current_user, form.start.data, form.end.data,
                                form.reason.data or "", mediator=mediator)
    if not outcome.ok:
        form.end.errors = [outcome.error]
        return _times_page(mediator, absence_form=form)
    return _back_to_times(mediator, _("Absence added."))


@bp.route("/pool/mediators/<int:mediator_id>/times/absences/<int:absence_id>/delete",
          methods=["POST"])
@coordinator_required
def on_behalf_remove_absence(mediator_id: int, absence_id: int):
    mediator = live_mediator_or_404(mediator_id)
    text = describe_absence(member_or_404(mediator.absences, absence_id))
    if not confirmed():
        return ask(_("Remove the absence %(days)s of %(name)s?", days=text,
                     name=mediator.full_name),
                   back=url_for("pool.on_behalf_times", mediator_id=mediator.id))
    if not commit_or_message(svc.remove_absence, current_user, absence_id,
                             mediator=mediator).ok:
        abort(404)
    return _back_to_times(mediator, _("Absence %(days)s removed.", days=text))


@bp.route("/pool/mediators/<int:mediator_id>/settings", methods=["GET", "POST"])
@coordinator_required
def on_behalf_profile(mediator_id: int):
    """Change contact data, weekly limit and notification settings as the person would."""
    mediator = live_mediator_or_404(mediator_id)
    form = OnBehalfProfileForm(obj=mediator)
    if not form.is_submitted() and mediator.user is not None:
        form.locale.data = mediator.user.locale
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in svc.CONTACT_FIELDS
                  + svc.SETTINGS_FIELDS}
        for name in ("email", "phone", "district"):
            values[name] = values[name] or ""
        outcome = commit_or_message(svc.update_profile, current_user, values,
                                    locale=form.locale.data, mediator=mediator)
        if outcome.flash(_("The data has been saved.")):
            return redirect(url_for("pool.mediator", mediator_id=mediator.id))
        form.form_errors.append(outcome.error)
    return form_page("pool/on_behalf_profile.html", form, mediator=mediator)
