"""The mediator's side after the appointment: the report link and the debrief.

The report link (`follow_up_report`) works without a password like the offer links: it names
one follow-up, expires and works once; afterwards it shows a page that says so.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.booking import bp
from app.booking.assignments_mediator import mediator_required
from app.booking.assignments_mediator import my_assignment as assignment_page
from app.booking.follow_up_forms import DebriefForm, FollowUpReportForm
from app.extensions import db
from app.models import Assignment
from app.services.booking import follow_up as svc
from app.services.booking.debriefs import save_debrief
from app.web.transaction import commit_or_message
from app.web.views import form_page, link_gone_page, own_or_404, speak_to


def _page(status: int = 200, **ctx):
    ctx.setdefault("state", "open")
    ctx.setdefault("error", None)
    return render_template("booking/mediator/follow_up.html", **ctx), status


@bp.route("/me/report/<token>", methods=["GET", "POST"])
def follow_up_report(token: str):
    """Report hours and travel (and a debrief) from the e-mail link, once."""
    follow_up, state, error = svc.open_link(token, "mediator")
    if follow_up is not None:
        speak_to(follow_up.assignment.mediator.user)
    if state == "gone":  # the people of the link have left: one clear page, nothing stored
        return link_gone_page(error)
    if state != "open":
        return _page(400 if state == "invalid" else 200, error=error, state=state)
    a = follow_up.assignment
    form = FollowUpReportForm(data={"minutes": a.request.duration_minutes})
    if form.validate_on_submit():
        outcome = commit_or_message(
            svc.answer_report, follow_up.id, minutes=form.minutes.data,
            travel_km=form.travel_km.number, ticket_cost_cents=form.ticket_cost.cents,
            debrief=form.debrief_data())
        if outcome.ok:
            return _page(state="done")
        db.session.expire_all()
        if svc.open_link(token, "mediator")[1] == "gone":
            return link_gone_page(outcome.error)
        if svc.link_state(follow_up) != "open":
            return _page(state="answered")
        form.minutes.errors = [outcome.error]
    return form_page("booking/mediator/follow_up.html", form, a=a, req=a.request, error=None,
                     state="open")


@bp.route("/me/assignments/<int:assignment_id>/debrief", methods=["POST"])
@mediator_required
def debrief(assignment_id: int):
    """Save the debrief of one of my assignments."""
    a = own_or_404(Assignment, assignment_id)
    form = DebriefForm()
    if form.validate_on_submit():
        outcome = commit_or_message(save_debrief, current_user, a, form.debrief_data())
        if outcome.flash(_("Thank you. The office has your debrief.")):
            return redirect(url_for("booking.my_assignment", assignment_id=a.id))
    else:
        flash(_("Please check your input."), "error")
    page, _status = assignment_page(a.id)
    return page, 400
