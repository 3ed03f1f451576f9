"""Coordinator views for requests: dashboard, candidates, assigning, offers, changes."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import joinedload

from app.booking import bp
from app.booking.coordinator_forms import (
    AnswerForm,
    AssignForm,
    CancelRequestForm,
    OffersForm,
    ReasonForm,
    ReassignForm,
    UnfilledReasonForm,
)
from app.booking.follow_up_forms import ReportForm
from app.extensions import db
from app.models import Assignment, InterpretingRequest, Offer
from app.models.enums import CancelledBy, OfferStatus, RequestStatus
from app.models.request import OPEN_REQUEST_STATUSES
from app.services.booking import assignments as booking
from app.services.booking import board as board_svc
from app.services.booking import (
    dashboard,
    debriefs,
    follow_up,
    offers,
    report_review,
    request_filters,
    unfilled,
)
from app.services.calendar import remote
from app.services.matching import ranking as matching
from app.timeutil import now_utc
from app.web.forms import please_choose
from app.web.guards import coordinator_required
from app.web.transaction import Outcome, commit_or_message
from app.web.views import load_or_404


@bp.route("/coordination/requests")
@coordinator_required
def requests_dashboard():
    now = now_utc()
    # a start-page card's list (unknown names show every open request)
    name = request.args.get("filter", "")
    name = name if name in request_filters.COORDINATOR_FILTERS else ""
    condition = request_filters.coordinator_condition(name, now) if name else None
    lists = dashboard.coordinator_dashboard(now)
    # most urgent first, a page at a time: a state-wide pool has thousands of open requests.
    # Unfiltered, the counts above already hold the total: no count statement of its own.
    open_requests = db.paginate(
        dashboard.open_requests_query(condition),
        per_page=current_app.config["DASHBOARD_PER_PAGE"], error_out=False,
        count=condition is not None,
    )
    if condition is None:
        open_requests.total = sum(lists.counts[s] for s in OPEN_REQUEST_STATUSES)
    return render_template(
        "booking/coordinator/requests.html", requests=open_requests.items, page=open_requests,
        unfilled=lists.unfilled, assigned=lists.assigned,
        reports=lists.reports, no_shows=lists.no_shows, counts=lists.counts, now=now,
        soon=now + dt.timedelta(hours=24), active_filter=name,
        after=follow_up.coordinator_counts(db.session, now),
        filter_counts=request_filters.coordinator_counts(now) if not name else {},
    )


EXCLUDED_SHOWN = 25  # excluded speakers listed before "show all" (fewest reasons first)


def _excluded_view(result: matching.MatchResult) -> tuple[list, list[tuple[str, int]]]:
    """Return the excluded speakers to list and a count per broken rule.

    Why not all: a widely spoken language has a thousand excluded speakers, and a page with a
    thousand override forms is slow to build and useless to read; the closest ones come
    first, the summary says what excludes the rest, and "show all" lists everyone. A
    mediator whose override form was just posted stays listed, so the typed reason survives.
    """
    excluded = result.excluded
    shown = excluded
    if request.args.get("excluded") != "all" and len(excluded) > EXCLUDED_SHOWN:
        shown = excluded[:EXCLUDED_SHOWN]
        posted = request.form.get("mediator_id", "")
        shown += [e for e in excluded[EXCLUDED_SHOWN:] if str(e.mediator.id) == posted]
    labels = matching.reason_labels()
    summary = [(labels[key], n) for key, n in Counter(result.rule_counts).most_common()]
    return shown, summary


def excluded_groups(shown: list) -> list[tuple[str, list]]:
    """Group the listed excluded speakers by their first reason, largest group first.

    Why: a thousand speakers with an override form each made the page 6,444 px tall; each
    reason is now one line that opens on demand, and so is each override form.
    """
    groups: dict[str, list] = {}
    for e in shown:
        groups.setdefault(e.reasons[0] if e.reasons else "–", []).append(e)
    return sorted(groups.items(), key=lambda item: -len(item[1]))


@bp.route("/coordination/requests/<int:request_id>")
@coordinator_required
def request_detail(request_id: int, status: int = 200, cancel_form=None, unfilled_form=None):
    # the page names the institution and every assignment's and offer's mediator: one
    # statement for all (a request has a handful of each, so the join's product is small)
    req = load_or_404(InterpretingRequest, request_id, options=(
        joinedload(InterpretingRequest.institution),
        joinedload(InterpretingRequest.assignments).joinedload(Assignment.mediator),
        joinedload(InterpretingRequest.offers).joinedload(Offer.mediator)))
    result = (matching.match(req, cached=True)
              if req.is_open or req.status == RequestStatus.ASSIGNED else None)
    offered = {o.mediator_id for o in req.offers}
    shown, summary = _excluded_view(result) if result is not None else ([], [])
    now = now_utc()
    # each form only where the page shows it (None hides its section)
    reassign_form = reason_form = None
    if req.status == RequestStatus.ASSIGNED and req.starts_at > now:
        reassign_form, reason_form = ReassignForm(), ReasonForm()
        if result is not None:
            suffix = _("excluded")
            reassign_form.mediator_id.choices = please_choose([
                (c.mediator.id, c.mediator.full_name) for c in result.ranked
            ] + [(e.mediator.id, f"{e.mediator.full_name} ({suffix})") for e in shown])
    cancel_form = ((cancel_form or CancelRequestForm(formdata=None))
                   if req.is_cancellable and req.starts_at > now else None)
    may_have_reason = unfilled.may_have_reason(req)
    unfilled_form = ((unfilled_form or UnfilledReasonForm(formdata=None, obj=req))
                     if may_have_reason else None)
    pending = req.is_open and any(o.status == OfferStatus.PENDING for o in req.offers)
    return render_template(
        "booking/coordinator/request.html", req=req, result=result, offered=offered,
        excluded_shown=shown, excluded_summary=summary, excluded_groups=excluded_groups(shown),
        # an override form sent back with an error opens again with what was typed
        typed_for=request.form.get("mediator_id", ""),
        typed_reason=request.form.get("override_reason", ""),
        typed_cancel_reason=(request.form.get("reason", "") if request.path.endswith("/cancel")
                             else ""),
        volunteers=board_svc.volunteers(req, result) if req.is_open else [],
        first_come=board_svc.first_come(req),
        offers_form=OffersForm() if result is not None and req.is_open else None,
        reason_form=reason_form, answer_form=AnswerForm() if pending else None,
        cancel_form=cancel_form, unfilled_form=unfilled_form,
        may_have_reason=may_have_reason,
        reassign_form=reassign_form, now=now, feedback=debriefs.request_feedback(req),
        joining=remote.access(req, "office", getattr(req.live_assignment, "mediator", None)),
    ), status


def _done(outcome: Outcome, success: str, request_id: int):
    if outcome.flash(success):
        return redirect(url_for("booking.request_detail", request_id=request_id))
    return request_detail(request_id, status=409)


@bp.route("/coordination/requests/<int:request_id>/assign", methods=["POST"])
@coordinator_required
def assign(request_id: int):
    load_or_404(InterpretingRequest, request_id)
    form = AssignForm()
    if not form.validate_on_submit():
        abort(400)
    outcome = commit_or_message(
        booking.book, current_user, request_id, form.mediator_id.data,
        override_reason=form.override_reason.data or "",
    )
    return _done(outcome, _("The mediator was assigned."), request_id)


@bp.route("/coordination/requests/<int:request_id>/offers", methods=["POST"])
@coordinator_required
def send_offers(request_id: int):
    load_or_404(InterpretingRequest, request_id)
    form = OffersForm()
    if not form.validate_on_submit():
        flash(_("Please choose at least one mediator."), "error")
        return request_detail(request_id, status=400)
    outcome = commit_or_message(offers.send_offers, current_user, request_id,
                                    form.mediator_ids.data, channel=form.channel.data)
    count = len(outcome.result or [])
    if form.channel.data == "phone":
        return _done(outcome, ngettext(
            "%(num)d offer made by phone was recorded; record the answer below.",
            "%(num)d offers made by phone were recorded; record the answers below.", count),
            request_id)
    return _done(outcome, ngettext("%(num)d offer was sent.", "%(num)d offers were sent.", count),
                 request_id)


@bp.route("/coordination/requests/<int:request_id>/cancel", methods=["POST"])
@coordinator_required
def cancel_request(request_id: int):
    load_or_404(InterpretingRequest, request_id)
    form = CancelRequestForm()
    if not form.validate_on_submit():
        flash(_("Please give a reason and choose why the request could not be served."),
              "error")
        return request_detail(request_id, status=400, cancel_form=form)
    outcome = commit_or_message(unfilled.cancel_series_by_office, current_user, request_id,
                                    scope=form.scope.data or "one", reason=form.reason.data,
                                    unfilled_reason=form.unfilled_reason.data,
                                    unfilled_note=form.unfilled_note.data)
    done = outcome.result
    if done and len(done) > 1:
        return _done(outcome, ngettext("%(num)d date of the series was cancelled.",
                                       "%(num)d dates of the series were cancelled.", len(done)),
                     request_id)
    return _done(outcome, _("The request was cancelled."), request_id)


@bp.route("/coordination/requests/<int:request_id>/unfilled-reason", methods=["POST"])
@coordinator_required
def unfilled_reason(request_id: int):
    """Pick why an unfilled request was not served (the scheduler leaves it empty)."""
    load_or_404(InterpretingRequest, request_id)
    form = UnfilledReasonForm()
    if not form.validate_on_submit():
        flash(_("Please choose why the request could not be served."), "error")
        return request_detail(request_id, status=400, unfilled_form=form)
    outcome = commit_or_message(unfilled.set_reason, current_user, request_id,
                                  form.unfilled_reason.data, form.unfilled_note.data)
    return _done(outcome, _("The reason was saved."), request_id)


@bp.route("/coordination/requests/<int:request_id>/unassign", methods=["POST"])
@coordinator_required
def unassign(request_id: int):
    req = load_or_404(InterpretingRequest, request_id)
    form = ReasonForm()
    current = req.live_assignment
    if not form.validate_on_submit() or current is None:
        flash(_("Please give a reason."), "error")
        return request_detail(request_id, status=400)
    outcome = commit_or_message(booking.cancel_assignment, current_user, current.id,
                                  by=CancelledBy.COORDINATOR, reason=form.reason.data)
    return _done(outcome, _("The assignment was cancelled; the request is open again."),
                 request_id)


@bp.route("/coordination/requests/<int:request_id>/reassign", methods=["POST"])
@coordinator_required
def reassign(request_id: int):
    load_or_404(InterpretingRequest, request_id)
    form = ReassignForm()
    form.mediator_id.choices = []
    if not form.validate_on_submit():
        flash(_("Please choose a mediator and give a reason."), "error")
        return request_detail(request_id, status=400)
    outcome = commit_or_message(booking.reassign, current_user, request_id,
                                  form.mediator_id.data, reason=form.reason.data,
                                  override_reason=form.override_reason.data or "")
    return _done(outcome, _("The new mediator was assigned."), request_id)


@bp.route("/coordination/assignments/<int:assignment_id>/approve", methods=["POST"])
@coordinator_required
def approve_report(assignment_id: int):
    assignment = load_or_404(Assignment, assignment_id)
    commit_or_message(report_review.approve_report, current_user, assignment).flash(
        _("The report was approved."))
    return redirect(url_for("booking.requests_dashboard"))


def _stored_report(a: Assignment) -> ReportForm:
    """The correction form, starting from what the mediator reported."""
    return ReportForm(formdata=None, data={
        "minutes": a.reported_minutes, "travel_km": a.travel_km,
        "ticket_cost": a.ticket_cost_cents})


@bp.route("/coordination/assignments/<int:assignment_id>/review")
@coordinator_required
def review_report(assignment_id: int, status: int = 200, correct_form=None, return_form=None):
    """One reported hours entry: approve it, correct it (then approved) or return it."""
    a = load_or_404(Assignment, assignment_id)
    return render_template(
        "booking/coordinator/report_review.html", a=a, req=a.request,
        correct_form=correct_form or _stored_report(a),
        return_form=return_form or ReasonForm(formdata=None)), status


def _reviewed(outcome: Outcome, success: str, assignment_id: int, **forms):
    if outcome.flash(success):
        return redirect(url_for("booking.requests_dashboard"))
    return review_report(assignment_id, status=409, **forms)


@bp.route("/coordination/assignments/<int:assignment_id>/correct", methods=["POST"])
@coordinator_required
def correct_report(assignment_id: int):
    a = load_or_404(Assignment, assignment_id)
    form = ReportForm()
    if not form.validate_on_submit():
        return review_report(assignment_id, status=400, correct_form=form)
    outcome = commit_or_message(report_review.correct_report, current_user, a,
                                minutes=form.minutes.data, travel_km=form.travel_km.number,
                                ticket_cost_cents=form.ticket_cost.cents)
    return _reviewed(outcome, _("The report was corrected and approved; the mediator was told "
                                "what changed."), assignment_id, correct_form=form)


@bp.route("/coordination/assignments/<int:assignment_id>/return", methods=["POST"])
@coordinator_required
def return_report(assignment_id: int):
    a = load_or_404(Assignment, assignment_id)
    form = ReasonForm()
    if not form.validate_on_submit() or not (form.reason.data or "").strip():
        if not form.reason.errors:
            form.reason.errors = [_("Please give a reason.")]
        return review_report(assignment_id, status=400, return_form=form)
    outcome = commit_or_message(report_review.return_report, current_user, a, form.reason.data)
    return _reviewed(outcome, _("The report was returned to the mediator with your reason."),
                     assignment_id, return_form=form)
