"""Serve the meeting pages: the audited coordinator actions and the lists the pages show.

The rules of meetings live in `meetings`; this module adds who did it (the audit trail) and
the read queries of the pages, so the views call one function and run no query of their own.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Mediator,
    Meeting,
    MeetingAttendance,
    MeetingSeries,
    SupervisionGroup,
    SupervisionMember,
    User,
)
from app.models.enums import MediatorStatus
from app.services.calendar import meetings
from app.services.core import audit

GROUP_MEMBER_STATUSES = (MediatorStatus.ACTIVE, MediatorStatus.IN_TRAINING, MediatorStatus.PAUSED)


def create_series(actor: User, **values) -> MeetingSeries:
    series = meetings.create_series(**values)
    audit.record(actor, "create", "meetingseries", series.id)
    return series


def create_single(actor: User, **values) -> Meeting:
    meeting = meetings.create_single(**values)
    audit.record(actor, "create", "meeting", meeting.id)
    return meeting


def update_occurrence(actor: User, meeting: Meeting, **values) -> bool:
    """Change one occurrence; audited only when something changed."""
    changed = meetings.update_occurrence(meeting, **values)
    if changed:
        audit.record(actor, "update", "meeting", meeting.id)
    return changed


def cancel_occurrence(actor: User, meeting: Meeting) -> None:
    meetings.cancel_occurrence(meeting)
    audit.record(actor, "cancel", "meeting", meeting.id)


def save_group(actor: User, group: SupervisionGroup | None, **values) -> SupervisionGroup:
    group = meetings.save_group(group, **values)
    audit.record(actor, "update", "supervision_group", group.id)
    return group


# --- what the pages list ---------------------------------------------------------------------


def meetings_query(show: str, now: dt.datetime) -> sa.Select:
    """Return the upcoming (or, for show="past", the past) meetings; paged by the caller."""
    stmt = sa.select(Meeting).options(selectinload(Meeting.group))
    if show == "past":
        return stmt.where(Meeting.starts_at < now).order_by(Meeting.starts_at.desc())
    return stmt.where(Meeting.starts_at >= now).order_by(Meeting.starts_at)


def groups(*, with_members: bool = False) -> list[SupervisionGroup]:
    """Return every supervision group by name (with its members loaded, for the list)."""
    stmt = sa.select(SupervisionGroup).order_by(SupervisionGroup.name)
    if with_members:
        stmt = stmt.options(
            selectinload(SupervisionGroup.members).selectinload(SupervisionMember.mediator))
    return list(db.session.scalars(stmt))


def group_candidates() -> list[Mediator]:
    """Return the mediators who can be put in a supervision group."""
    return list(db.session.scalars(
        sa.select(Mediator).where(Mediator.status.in_(GROUP_MEMBER_STATUSES))
        .order_by(Mediator.sort_name, Mediator.id)))


def _visible(mediator_id: int) -> sa.ColumnElement[bool]:
    in_groups = sa.select(SupervisionMember.group_id).where(
        SupervisionMember.mediator_id == mediator_id)
    return sa.or_(Meeting.kind == "exchange", Meeting.group_id.in_(in_groups))


def visible_to(mediator_id: int) -> sa.ColumnElement[bool]:
    """The meetings a mediator may see: every exchange and the own groups' sessions."""
    return _visible(mediator_id)


def visible_meeting(meeting_id: int, mediator: Mediator) -> Meeting | None:
    """Return the meeting if the mediator may see it (every exchange, own group sessions)."""
    return db.session.scalar(
        sa.select(Meeting).where(Meeting.id == meeting_id, _visible(mediator.id)))


def mediator_meetings(mediator: Mediator, now: dt.datetime, limit: int = 30):
    """Return the mediator's coming meetings, own answers, and (attended, recorded) counts."""
    rows = list(db.session.scalars(
        sa.select(Meeting).where(_visible(mediator.id), Meeting.ends_at >= now)
        .order_by(Meeting.starts_at).limit(limit)
    ))
    answers = dict(db.session.execute(
        sa.select(MeetingAttendance.meeting_id, MeetingAttendance.rsvp).where(
            MeetingAttendance.mediator_id == mediator.id,
            MeetingAttendance.meeting_id.in_([m.id for m in rows]))
    ).all())
    attended, recorded = db.session.execute(
        sa.select(sa.func.sum(sa.case((MeetingAttendance.attended.is_(True), 1), else_=0)),
                  sa.func.count(MeetingAttendance.id))
        .where(MeetingAttendance.mediator_id == mediator.id,
               MeetingAttendance.attended.is_not(None))
    ).one()
    return rows, answers, int(attended or 0), recorded
