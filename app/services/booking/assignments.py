"""Book, cancel, reassign and complete assignments without ever double-booking anyone.

Every booking first locks the request row and then the mediator row (always in that order, so
two bookings cannot deadlock), re-reads the facts under the lock and only then writes. On
PostgreSQL a competing transaction waits for the lock and then sees the committed booking; the
partial unique index `uq_assignment_live_request` is the last line of defence. SQLite has no
row locks but only one writer: `_sqlite_write_lock` makes the booking transaction the writer
before it reads, so the loser waits (busy_timeout) and then gets the same message as on
PostgreSQL. Should a lock still time out, `app.web.transaction.commit_or_message` reports a
conflict instead of an error page.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.extensions import db
from app.models import Assignment, InterpretingRequest, Mediator, Offer, User
from app.models.enums import (
    AssignmentStatus,
    CancelledBy,
    OfferStatus,
    Outcome,
    ReportStatus,
    RequestStatus,
)
from app.services.booking import mail as request_mail
from app.services.booking.states import move_assignment, move_offer, move_request
from app.services.calendar import itip as invitations
from app.services.core import audit
from app.services.core.errors import DomainError, NotAllowedError
from app.services.matching import ranking as matching
from app.timeutil import now_utc


def _sqlite_write_lock(table: str, row_id: int) -> None:
    """Take SQLite's single write lock before reading (it has no row locks).

    pysqlite begins a transaction only at the first write, so without this the overlap check
    could read before a competing booking commits. The no-op UPDATE makes this transaction the
    writer first (waiting up to busy_timeout); every read after it sees the committed state.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(sa.text(f"UPDATE {table} SET id = id WHERE id = :id"), {"id": row_id})


def lock_request(request_id: int) -> InterpretingRequest:
    """Load a request with a row lock (and fresh values), or refuse when it does not exist."""
    _sqlite_write_lock("interpreting_request", request_id)
    req = db.session.scalars(
        sa.select(InterpretingRequest)
        .where(InterpretingRequest.id == request_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if req is None:
        raise DomainError(_("This request does not exist."))
    return req


def lock_mediator(mediator_id: int) -> Mediator:
    mediator = db.session.scalars(
        sa.select(Mediator)
        .where(Mediator.id == mediator_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if mediator is None:
        raise DomainError(_("This mediator does not exist."))
    return mediator


def _has_live_assignment(request_id: int) -> bool:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Assignment).where(
            Assignment.request_id == request_id, Assignment.status != AssignmentStatus.CANCELLED
        )
    ) > 0


def _strict_overlap(mediator: Mediator, req: InterpretingRequest) -> bool:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Assignment).where(
            Assignment.mediator_id == mediator.id,
            Assignment.status == AssignmentStatus.ACTIVE,
            Assignment.request_id != req.id,
            Assignment.starts_at < req.ends_at,
            Assignment.ends_at > req.starts_at,
        )
    ) > 0


def withdraw_pending_offers(req: InterpretingRequest, *, keep: Offer | None = None,
                            notify: bool = True) -> list[Offer]:
    """Withdraw every other pending offer of the request and (unless told not to) tell them."""
    withdrawn = []
    for offer in db.session.scalars(
        sa.select(Offer).where(Offer.request_id == req.id, Offer.status == OfferStatus.PENDING)
    ):
        if keep is not None and offer.id == keep.id:
            continue
        move_offer(offer, OfferStatus.WITHDRAWN)
        offer.answered_at = now_utc()
        if notify:
            request_mail.withdrawn_mail(offer)
        withdrawn.append(offer)
    return withdrawn


def book(
    actor: User | None,
    request_id: int,
    mediator_id: int,
    *,
    override_reason: str = "",
    offer: Offer | None = None,
) -> Assignment:
    """Assign a mediator to an open request under row locks; excluded ones need a reason.

    A real time overlap is refused even with an override: nobody can be in two places.
    """
    req = lock_request(request_id)
    if not req.is_open or _has_live_assignment(req.id):
        raise DomainError(_("This request already has a mediator or is no longer open."))
    if req.starts_at <= now_utc():
        raise DomainError(_("The appointment has already begun."))
    mediator = lock_mediator(mediator_id)
    if _strict_overlap(mediator, req):
        raise DomainError(
            _("%(name)s is already booked at this time.", name=mediator.full_name)
        )
    reasons = matching.check_eligible(req, mediator)
    override_reason = override_reason.strip()
    if reasons and not override_reason:
        raise DomainError(
            _("%(name)s is excluded: %(reasons)s. Give a reason to assign anyway.",
              name=mediator.full_name, reasons="; ".join(reasons))
        )
    move_request(req, RequestStatus.ASSIGNED)
    req.assigned_at = now_utc()
    assignment = Assignment(
        mediator=mediator,
        starts_at=req.starts_at,
        ends_at=req.ends_at,
        created_by_id=actor.id if actor is not None and actor.is_authenticated else None,
        override_reason=override_reason if reasons else "",
    )
    req.assignments.append(assignment)
    withdraw_pending_offers(req, keep=offer)
    db.session.flush()
    invitations.assignment_changed(assignment, "created")
    audit.record(actor, "assign", "request", req.id, mediator_id=mediator.id,
                 assignment_id=assignment.id, override_reason=assignment.override_reason,
                 excluded_reasons=reasons, via_offer=offer.id if offer else None)
    return assignment


def _late(starts_at: dt.datetime) -> bool:
    hours = current_app.config["LATE_CANCELLATION_HOURS"]
    return starts_at - now_utc() < dt.timedelta(hours=hours)


def cancel_assignment(
    actor: User | None, assignment_id: int, *, by: str, reason: str
) -> Assignment:
    """Cancel a live assignment; the request goes back to matching at once."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Please give a reason."))
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        raise DomainError(_("This assignment does not exist."))
    req = lock_request(assignment.request_id)
    db.session.refresh(assignment)
    if assignment.starts_at <= now_utc():
        raise DomainError(_("The appointment has already begun."))
    move_assignment(assignment, AssignmentStatus.CANCELLED)
    assignment.cancelled_at = now_utc()
    assignment.cancelled_by = by
    assignment.cancel_reason = reason
    assignment.late_cancellation = _late(assignment.starts_at)
    move_request(req, RequestStatus.SUBMITTED)
    req.assigned_at = None
    req.escalated_at = None
    db.session.flush()
    invitations.assignment_changed(assignment, "cancelled")
    audit.record(actor, "cancel_assignment", "assignment", assignment.id, by=by, reason=reason,
                 late=assignment.late_cancellation)
    if by == CancelledBy.MEDIATOR:
        request_mail.institution_notice(req, "mediator_cancelled", reason)
        request_mail.coordinator_notice(req, reason)
    return assignment


def reassign(actor: User, request_id: int, mediator_id: int, *, reason: str,
             override_reason: str = "") -> Assignment:
    """Replace the assigned mediator with another one and tell the institution."""
    req = lock_request(request_id)
    current = req.live_assignment
    if current is None or current.status != AssignmentStatus.ACTIVE:
        raise DomainError(_("This request has no active assignment to change."))
    if current.mediator_id == mediator_id:
        raise DomainError(_("This mediator is already assigned."))
    cancel_assignment(actor, current.id, by=CancelledBy.COORDINATOR, reason=reason)
    assignment = book(actor, req.id, mediator_id, override_reason=override_reason)
    request_mail.institution_notice(req, "reassigned", reason.strip())
    return assignment


def cancel_request(actor: User, request_id: int, *, by: str, reason: str) -> InterpretingRequest:
    """Cancel a request (institution or coordinator) with its assignment and open offers."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Please give a reason."))
    req = lock_request(request_id)
    cancel_locked(req, by=by, reason=reason)
    audit.record(actor, "cancel_request", "request", req.id, by=by, reason=reason,
                 late=req.late_cancellation)
    return req


def cancel_locked(req: InterpretingRequest, *, by: str, reason: str,
                  notify: bool = True) -> tuple[list[Assignment], list[Offer]]:
    """Cancel a locked request, its live assignment and open offers; return what was undone.

    With `notify=False` the caller tells the people concerned itself (a series cancelled in
    one step sends each person one message instead of one per date).
    """
    move_request(req, RequestStatus.CANCELLED)
    req.cancelled_at = now_utc()
    req.cancel_reason = reason
    req.late_cancellation = _late(req.starts_at)
    released = []
    for assignment in req.assignments:
        if assignment.status == AssignmentStatus.ACTIVE:
            move_assignment(assignment, AssignmentStatus.CANCELLED)
            assignment.cancelled_at = now_utc()
            assignment.cancelled_by = by
            assignment.cancel_reason = reason
            assignment.late_cancellation = req.late_cancellation
            if notify:
                invitations.assignment_changed(assignment, "cancelled")
            released.append(assignment)
    withdrawn = withdraw_pending_offers(req, notify=notify)
    db.session.flush()
    return released, withdrawn


def record_outcome(actor: User, request_id: int, outcome: str, *,
                   mediator_no_show: bool = False) -> InterpretingRequest:
    """Record after the date that the appointment took place or that someone did not come."""
    if outcome not in (Outcome.TOOK_PLACE, Outcome.NO_SHOW):
        raise DomainError(_("Unknown outcome."))
    req = lock_request(request_id)
    if req.starts_at > now_utc():
        raise DomainError(_("You can confirm the appointment only after it has begun."))
    assignment = req.live_assignment
    if assignment is None:
        raise DomainError(_("This request has no assignment."))
    move_request(req, RequestStatus.COMPLETED)
    req.outcome = outcome
    req.outcome_at = now_utc()
    move_assignment(assignment, AssignmentStatus.COMPLETED)
    assignment.mediator_no_show = mediator_no_show
    db.session.flush()
    audit.record(actor, "outcome", "request", req.id, outcome=outcome,
                 mediator_no_show=mediator_no_show)
    return req


def report_hours(actor: User, assignment: Assignment, *, minutes: int,
                 travel_km: Decimal | None, ticket_cost_cents: int | None) -> Assignment:
    """Let the mediator report actual duration and travel after the appointment."""
    if actor.mediator_id != assignment.mediator_id:
        raise NotAllowedError(_("This is not your assignment."))
    return store_report(actor, assignment, minutes=minutes, travel_km=travel_km,
                        ticket_cost_cents=ticket_cost_cents)


def store_report(actor: User | None, assignment: Assignment, *, minutes: int,
                 travel_km: Decimal | None, ticket_cost_cents: int | None) -> Assignment:
    """Store a report whose sender is already known to be the mediator (login or signed link)."""
    if assignment.status == AssignmentStatus.CANCELLED:
        raise DomainError(_("This assignment was cancelled."))
    if assignment.starts_at > now_utc():
        raise DomainError(_("You can report only after the appointment."))
    if assignment.report_status == ReportStatus.APPROVED:
        raise DomainError(_("Your report has already been approved."))
    if not 0 <= minutes <= 960:
        raise DomainError(_("The duration must be between 0 and 960 minutes."))
    assignment.reported_minutes = minutes
    assignment.travel_km = travel_km
    assignment.ticket_cost_cents = ticket_cost_cents
    assignment.report_status = ReportStatus.REPORTED
    assignment.reported_at = now_utc()
    db.session.flush()
    audit.record(actor, "report_hours", "assignment", assignment.id, minutes=minutes,
                 travel_km=travel_km, ticket_cost_cents=ticket_cost_cents)
    return assignment
