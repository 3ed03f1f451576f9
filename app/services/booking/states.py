"""Allowed status transitions of requests, assignments and offers, in one explicit table.

Keeping the table in one place means every service asks the same question before it changes a
status, and an illegal move (say, assigning a cancelled request) is refused with a message
instead of silently corrupting the workflow.
"""

from __future__ import annotations

from flask_babel import gettext as _

from app.labels import label
from app.models import Assignment, InterpretingRequest, Offer
from app.services.core.errors import DomainError

REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    "submitted": frozenset({"offered", "assigned", "cancelled", "unfilled"}),
    "offered": frozenset({"submitted", "assigned", "cancelled", "unfilled"}),
    # back to "submitted" when the mediator cancels: the request returns to matching at once
    "assigned": frozenset({"submitted", "completed", "cancelled"}),
    "unfilled": frozenset({"cancelled"}),
    "completed": frozenset(),
    "cancelled": frozenset(),
}

ASSIGNMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    "active": frozenset({"cancelled", "completed"}),
    "cancelled": frozenset(),
    "completed": frozenset(),
}

OFFER_TRANSITIONS: dict[str, frozenset[str]] = {
    "pending": frozenset({"accepted", "declined", "withdrawn", "expired"}),
    "accepted": frozenset(),
    "declined": frozenset(),
    "withdrawn": frozenset(),
    "expired": frozenset(),
}


def can_move(table: dict[str, frozenset[str]], current: str, new: str) -> bool:
    """Tell whether a status may change from current to new."""
    return new in table.get(current, frozenset())


def move_request(req: InterpretingRequest, new: str) -> None:
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


def move_assignment(assignment: Assignment, new: str) -> None:
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


def move_offer(offer: Offer, new: str) -> None:
    """Change an offer's status or refuse: an answered offer cannot be answered again."""
    if not can_move(OFFER_TRANSITIONS, offer.status, new):
        raise DomainError(
            _(
                "This offer has already been answered or is no longer open (%(current)s).",
                current=label("offer_status", offer.status),
            )
        )
    offer.status = new
