"""The office's review of a reported hours entry: approve, correct (the mediator is told what
changed) or return it with a reason (the mediator reports again).

Why apart from `assignments`: booking and cancelling decide who comes; this decides what is
paid (allowance statements count approved values only). Flushes, never commits.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from app.extensions import db
from app.models import Assignment, User
from app.models.enums import ReportStatus
from app.services.booking import mail as request_mail
from app.services.core import audit
from app.services.core.errors import DomainError
from app.timeutil import now_utc


def _waiting(assignment: Assignment) -> None:
    if assignment.report_status != ReportStatus.REPORTED:
        raise DomainError(_("There is no report waiting for approval."))


def _approve(actor: User, assignment: Assignment) -> None:
    assignment.report_status = ReportStatus.APPROVED
    assignment.approved_at = now_utc()
    assignment.approved_by_id = actor.id


def approve_report(actor: User, assignment: Assignment) -> Assignment:
    """Approve a mediator's report (it then counts for allowance statements)."""
    _waiting(assignment)
    _approve(actor, assignment)
    db.session.flush()
    audit.record(actor, "approve_report", "assignment", assignment.id)
    return assignment


# the report's values a correction may change, in the order the mail lists them
REPORT_FIELDS = ("minutes", "travel_km", "ticket_cost_cents")


def correct_report(actor: User, assignment: Assignment, *, minutes: int,
                   travel_km: Decimal | None, ticket_cost_cents: int | None) -> Assignment:
    """Store the office's values instead of the reported ones and approve them.

    The audit keeps old and new of each changed value; the mediator gets a mail naming them.
    Unchanged values are a plain approval (no mail).
    """
    _waiting(assignment)
    if not 0 <= minutes <= 960:
        raise DomainError(_("The duration must be between 0 and 960 minutes."))
    old = (assignment.reported_minutes, assignment.travel_km, assignment.ticket_cost_cents)
    new = (minutes, travel_km, ticket_cost_cents)
    changes = {name: [before, after] for name, before, after in zip(REPORT_FIELDS, old, new,
                                                                    strict=True)
               if before != after}
    if not changes:
        return approve_report(actor, assignment)
    assignment.reported_minutes = minutes
    assignment.travel_km = travel_km
    assignment.ticket_cost_cents = ticket_cost_cents
    _approve(actor, assignment)
    db.session.flush()
    audit.record(actor, "correct_report", "assignment", assignment.id, changes={
        name: [str(v) if isinstance(v, Decimal) else v for v in pair]
        for name, pair in changes.items()})
    request_mail.report_corrected_mail(assignment, changes)
    return assignment


def return_report(actor: User, assignment: Assignment, reason: str) -> Assignment:
    """Send a report back to the mediator with a reason; they report again."""
    _waiting(assignment)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Please give a reason."))
    if len(reason) > 500:
        raise DomainError(_("The reason may be at most 500 characters long."))
    assignment.report_status = ReportStatus.RETURNED
    assignment.return_reason = reason
    db.session.flush()
    audit.record(actor, "return_report", "assignment", assignment.id, reason=reason)
    request_mail.report_returned_mail(assignment)
    return assignment
