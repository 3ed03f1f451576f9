"""Tell who is invited to a meeting: every active mediator, or a supervision group's members.

Kept apart from `meetings` (which sends invitations through `itip`) so that `itip` can ask
for recipients without importing `meetings` back: the two modules imported each other.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Mediator, Meeting, MeetingSeries, SupervisionMember
from app.models.enums import MediatorStatus


def invitees_stmt(kind: str, group_id: int | None) -> sa.Select:
    """Select the mediators invited to a meeting: all active ones, or the group's members."""
    stmt = sa.select(Mediator).where(Mediator.status == MediatorStatus.ACTIVE).order_by(
        Mediator.sort_name, Mediator.id)
    if kind == "supervision":
        stmt = stmt.join(SupervisionMember, SupervisionMember.mediator_id == Mediator.id).where(
            SupervisionMember.group_id == group_id)
    return stmt.options(selectinload(Mediator.user))


def invitees(meeting: Meeting | MeetingSeries) -> list[Mediator]:
    return list(db.session.scalars(invitees_stmt(meeting.kind, meeting.group_id)))


def is_invited(meeting: Meeting, mediator: Mediator) -> bool:
    if mediator.status != MediatorStatus.ACTIVE:
        return False
    if meeting.kind == "exchange":
        return True
    return db.session.scalar(
        sa.select(SupervisionMember.id).where(
            SupervisionMember.group_id == meeting.group_id,
            SupervisionMember.mediator_id == mediator.id)
    ) is not None
