"""Mediator views for offers and assignments; everything is scoped to the logged-in mediator.

The signed e-mail links (`answer_offer`) work without a password: the token names exactly one
offer, expires, and is useless once that offer is answered.
"""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.booking import bp
from app.booking.follow_up_forms import DebriefForm, ReportForm
from app.extensions import db
from app.models import Assignment, Offer
from app.models.enums import CancelledBy, Role
from app.services.booking import assignments as booking
from app.services.booking import dashboard, debriefs
from app.services.booking import offers as offer_svc
from app.services.booking.offer_state import appointment_ics, offer_state
from app.services.calendar import remote
from app.services.core.errors import DomainError
from app.services.core.link_people import LinkGoneError
from app.timeutil import now_utc
from app.web.guards import role_required
from app.web.transaction import Outcome, commit_or_message
from app.web.views import form_page, found_or_404, link_gone_page, own_or_404, speak_to

mediator_required = role_required(Role.MEDIATOR)
OFFER_PAGE_LISTS = ("offers", "upcoming", "reports")  # ?show=: one list of the offers page


class DeclineForm(FlaskForm):
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=500)])


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Why do you cancel?"), validators=[DataRequired(), Length(max=500)])


@bp.route("/me/offers")
@mediator_required
def my_offers():
    """Show my open offers, upcoming and past assignments (or one list: a start-page card's)."""
    now = now_utc()
    show = request.args.get("show", "")
    show = show if show in OFFER_PAGE_LISTS else ""
    lists = dashboard.mediator_offers(current_user.mediator_id, now,
                                      reports_only=show == "reports")
    return render_template("booking/mediator/offers.html", pending=lists.pending,
                           upcoming=lists.upcoming, past=lists.past,
                           decline_form=DeclineForm(), now=now, show=show)


def _answer(offer_id: int, action: str, reason: str = "") -> Outcome:
    own_or_404(Offer, offer_id)  # someone else's offer id in the URL: it does not exist for them
    if action == "accept":
        return commit_or_message(offer_svc.accept_offer, offer_id, current_user)
    return commit_or_message(offer_svc.decline_offer, offer_id, reason, current_user)


@bp.route("/me/offers/<int:offer_id>/accept", methods=["POST"])
@mediator_required
def accept_offer(offer_id: int):
    return _after_answer(_answer(offer_id, "accept"), _("Thank you! The appointment is now yours."))


@bp.route("/me/offers/<int:offer_id>/decline", methods=["POST"])
@mediator_required
def decline_offer(offer_id: int):
    form = DeclineForm()
    if not form.validate_on_submit():
        abort(400)
    return _after_answer(_answer(offer_id, "decline", form.reason.data or ""),
                         _("You have declined the offer."))


def _after_answer(outcome: Outcome, success: str):
    """Redirect after success; show the dashboard with the message and a 409 otherwise."""
    if outcome.flash(success):
        return redirect(url_for("booking.my_offers"))
    return my_offers(), 409


@bp.route("/me/offers/answer/<token>", methods=["GET", "POST"])
def answer_offer(token: str):
    """Answer an offer from the e-mail link, without logging in (GET asks, POST answers).

    Once answered (or taken, cancelled, withdrawn, expired) the link shows what became of the
    offer, every time it is opened, with links onwards.
    """
    try:
        offer, action = offer_svc.read_token(token)
    except LinkGoneError as exc:  # the mediator left or was erased, the account disabled
        return link_gone_page(exc)
    except DomainError as exc:
        return render_template("booking/mediator/answer.html", error=str(exc), offer=None), 400
    speak_to(offer.mediator.user)
    form = DeclineForm()
    error = None
    posted = form.validate_on_submit()
    if posted and offer_state(offer).key != "pending":
        posted, error = False, _("Nothing was changed: the offer is no longer open.")
    if posted:
        if action == "accept":
            outcome = commit_or_message(offer_svc.accept_offer, offer.id)
        else:
            outcome = commit_or_message(offer_svc.decline_offer, offer.id,
                                        form.reason.data or "")
        error = outcome.error
        offer = db.session.get(Offer, offer.id)
    current = offer_state(offer)
    status = 409 if error else 200
    return render_template("booking/mediator/answer.html", offer=offer, req=offer.request,
                           action=action, form=form, error=error, state=current,
                           token=token), status


@bp.route("/me/offers/answer/<token>/appointment.ics")
def answer_offer_ics(token: str):
    """The own appointment as an .ics file ("add to calendar"), through the same signed link."""
    try:
        offer, _action = offer_svc.read_token(token)
    except DomainError:
        abort(404)
    body = found_or_404(appointment_ics(offer))
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition":
                             f'attachment; filename="skm-termin-{offer.request_id}.ics"'})


def _report_form(a: Assignment) -> ReportForm:
    """Return the report form holding what is stored, so a page opened again shows it.

    A field the browser did not send at all keeps the stored value; one sent empty was
    cleared by the mediator and clears it.
    """
    return ReportForm(data={"minutes": a.reported_minutes or a.request.duration_minutes,
                            "travel_km": a.travel_km, "ticket_cost": a.ticket_cost_cents})


def _debrief_form(a: Assignment):
    """Return the debrief form holding what the mediator wrote before (their own text)."""
    stored = debriefs.debrief_of(a)
    if stored is None:
        return DebriefForm()
    return DebriefForm(data={"debrief": stored.text, "burdened": stored.burdened,
                             "share_content": stored.share_content})


@bp.route("/me/assignments/<int:assignment_id>", methods=["GET", "POST"])
@mediator_required
def my_assignment(assignment_id: int):
    """Show one assignment with the report form (after) or the cancel form (before)."""
    a = own_or_404(Assignment, assignment_id)
    form = _report_form(a)
    if form.validate_on_submit():
        outcome = commit_or_message(booking.report_hours, current_user, a,
                                    minutes=form.minutes.data, travel_km=form.travel_km.number,
                                    ticket_cost_cents=form.ticket_cost.cents)
        if outcome.ok:
            flash(_("Thank you! Your report was sent."), "success")
            return redirect(url_for("booking.my_assignment", assignment_id=a.id))
        form.minutes.errors = [outcome.error]
    return form_page("booking/mediator/assignment.html", form, a=a, req=a.request,
                     cancel_form=CancelForm(), now=now_utc(), debrief_form=_debrief_form(a),
                     joining=remote.access(a.request, "mediator", a.mediator))


@bp.route("/me/assignments/<int:assignment_id>/cancel", methods=["POST"])
@mediator_required
def cancel_my_assignment(assignment_id: int):
    a = own_or_404(Assignment, assignment_id)
    form = CancelForm()
    if form.validate_on_submit():
        outcome = commit_or_message(booking.cancel_assignment, current_user, a.id,
                                    by=CancelledBy.MEDIATOR, reason=form.reason.data)
        if outcome.ok:
            flash(_("You have cancelled the appointment. The office has been told."), "success")
            if outcome.result.late_cancellation:
                flash(_("This is a late cancellation (less than 24 hours before)."), "warning")
            return redirect(url_for("booking.my_offers"))
        form.reason.errors = [outcome.error]
    return render_template("booking/mediator/assignment.html", a=a, req=a.request,
                           form=_report_form(a), cancel_form=form, now=now_utc(),
                           debrief_form=_debrief_form(a)), 400
