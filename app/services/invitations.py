"""iTIP invitations for assignments (the calendar issue fills in the e-mails).

The requests services call `assignment_changed` after every change to an assignment, inside
the same transaction, so invitations and feeds can never disagree with the database.
"""

from __future__ import annotations

from typing import Literal

from app.models import Assignment

Change = Literal["created", "updated", "cancelled"]


def assignment_changed(assignment: Assignment, change: Change) -> None:
    """Record a real change of an assignment: raise its SEQUENCE so calendars pick it up."""
    if change != "created":
        assignment.sequence = (assignment.sequence or 0) + 1
