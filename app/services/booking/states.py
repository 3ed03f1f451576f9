"""Allowed status transitions of requests, assignments and offers, in one explicit table.

Keeping the table in one place means every service asks the same question before it changes a
status, and an illegal move (say, assigning a cancelled request) is refused with a message
instead of silently corrupting the workflow.
"""

from __future__ import annotations

from flask_babel import gettext as _

from app.labels import label
from app.models import Assignment, InterpretingRequest, Offer
from app.models.enums import AssignmentStatus, OfferStatus, RequestStatus
from app.services.core.errors import DomainError

RS, AS, OS = RequestStatus, AssignmentStatus, OfferStatus

REQUEST_TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    RS.SUBMITTED: frozenset({RS.OFFERED, RS.ASSIGNED, RS.CANCELLED, RS.UNFILLED}),
    RS.OFFERED: frozenset({RS.SUBMITTED, RS.ASSIGNED, RS.CANCELLED, RS.UNFILLED}),
    # back to "submitted" when the mediator cancels: the request returns to matching at once
    RS.ASSIGNED: frozenset({RS.SUBMITTED, RS.COMPLETED, RS.CANCELLED}),
    RS.UNFILLED: frozenset({RS.CANCELLED}),
    RS.COMPLETED: frozenset(),
    RS.CANCELLED: frozenset(),
}

ASSIGNMENT_TRANSITIONS: dict[AssignmentStatus, frozenset[AssignmentStatus]] = {
    AS.ACTIVE: frozenset({AS.CANCELLED, AS.COMPLETED}),
    AS.CANCELLED: frozenset(),
    AS.COMPLETED: frozenset(),
}

OFFER_TRANSITIONS: dict[OfferStatus, frozenset[OfferStatus]] = {
    OS.PENDING: frozenset({OS.ACCEPTED, OS.DECLINED, OS.WITHDRAWN, OS.EXPIRED}),
    OS.ACCEPTED: frozenset(),
    OS.DECLINED: frozenset(),
    OS.WITHDRAWN: frozenset(),
    OS.EXPIRED: frozenset(),
}


def can_move(table: dict, current: str, new: str) -> bool:
    """Tell whether a status may change from current to new (stored strings compare equal to
    the enum members the tables are keyed by)."""
    return new in table.get(current, frozenset())


def move_request(req: InterpretingRequest, new: RequestStatus) -> None:
    """Change a request's status or refuse with a message naming both states."""
    if not can_move(REQUEST_TRANSITIONS, req.status, new):
        raise DomainError(
            _(
                "A request that is “%(current)s” cannot become “%(new)s”.",
                current=label("request_status", req.status),
                new=label("request_status", new),
            )
        )
    req.status = new


def move_assignment(assignment: Assignment, new: AssignmentStatus) -> None:
    """Change an assignment's status or refuse with a message."""
    if not can_move(ASSIGNMENT_TRANSITIONS, assignment.status, new):
        raise DomainError(
            _(
                "An assignment that is “%(current)s” cannot become “%(new)s”.",
                current=label("assignment_status", assignment.status),
                new=label("assignment_status", new),
            )
        )
    assignment.status = new


def move_offer(offer: Offer, new: OfferStatus) -> None:
    """Change an offer's status or refuse: an answered offer cannot be answered again."""
    if not can_move(OFFER_TRANSITIONS, offer.status, new):
        raise DomainError(
            _(
                "This offer has already been answered or is no longer open (%(current)s).",
                current=label("offer_status", offer.status),
            )
        )
    offer.status = new
