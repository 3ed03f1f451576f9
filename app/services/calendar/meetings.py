"""Exchange meetings and supervision sessions: series, occurrences, RSVP and attendance.

A series keeps its rule on local wall-clock time; occurrences are materialised as rows over a
horizon (extended by the scheduler) so each can be moved, re-agendaed or cancelled alone.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from dateutil.rrule import rrulestr
from flask_babel import gettext as _

from app.extensions import db
from app.models import (
    Mediator,
    Meeting,
    MeetingAttendance,
    MeetingSeries,
    SupervisionGroup,
    SupervisionMember,
)
from app.models.enums import MeetingStatus
from app.services.calendar import itip as invitations
from app.services.calendar.invitees import invitees, is_invited
from app.services.core import bounds
from app.services.core.errors import DomainError
from app.timeutil import UTC, from_local, local_tz, now_utc, to_local

HORIZON_DAYS = 548  # about 18 months of occurrences exist as rows
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def build_rrule(first_day: dt.date, pattern: str, interval: int) -> str:
    """Return an RRULE for 'monthly on the same n-th weekday' or 'weekly' every `interval`."""
    if interval < 1 or interval > 12:
        raise DomainError(_("The interval must be between 1 and 12."))
    code = WEEKDAY_CODES[first_day.weekday()]
    if pattern == "weekly":
        return f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={code}"
    nth = (first_day.day - 1) // 7 + 1
    return f"FREQ=MONTHLY;INTERVAL={interval};BYDAY={-1 if nth == 5 else nth}{code}"


def _local_starts(series: MeetingSeries, until_local: dt.datetime) -> list[dt.datetime]:
    rule = rrulestr(series.rrule, dtstart=series.first_start_local)
    last = until_local
    if series.until is not None:
        last = min(last, dt.datetime.combine(series.until, dt.time(23, 59)))
    return list(rule.between(series.first_start_local, last, inc=True))


def materialise(series: MeetingSeries, horizon_days: int = HORIZON_DAYS) -> list[Meeting]:
    """Create the rows for occurrences up to the horizon that do not exist yet."""
    until_local = to_local(now_utc()).replace(tzinfo=None) + dt.timedelta(days=horizon_days)
    existing = set(
        db.session.scalars(
            sa.select(Meeting.recurrence_id).where(Meeting.series_id == series.id)
        )
    )
    created = []
    for start_local in _local_starts(series, until_local):
        start = start_local.replace(tzinfo=local_tz()).astimezone(UTC)
        if start in existing:
            continue
        meeting = Meeting(
            series=series, kind=series.kind, group_id=series.group_id, title=series.title,
            recurrence_id=start, starts_at=start,
            ends_at=start + dt.timedelta(minutes=series.duration_minutes),
            place=series.place, agenda=series.agenda,
        )
        db.session.add(meeting)
        created.append(meeting)
    db.session.flush()
    return created


def extend_all_series() -> int:
    """Materialise the next occurrences of every series (idempotent; the job commits)."""
    count = 0
    for series in db.session.scalars(sa.select(MeetingSeries)):
        count += len(materialise(series))
    db.session.flush()
    return count


def _check_group(kind: str, group: SupervisionGroup | None) -> None:
    if kind == "supervision" and group is None:
        raise DomainError(_("A supervision session needs a supervision group."))
    if kind == "exchange" and group is not None:
        raise DomainError(_("An exchange meeting belongs to no supervision group."))


def create_series(
    *, kind: str, title: str, place: str, agenda: str, first_day: dt.date, start: dt.time,
    duration_minutes: int, pattern: str, interval: int, until: dt.date | None,
    group: SupervisionGroup | None = None,
) -> MeetingSeries:
    """Create a series, its occurrences and send one invitation per invitee."""
    _check_group(kind, group)
    for day in (first_day, until) if until else (first_day,):
        bounds.check_appointment_day(day)
    if from_local(first_day, start) <= now_utc():
        raise DomainError(_("The first meeting must be in the future."))
    if until is not None and until < first_day:
        raise DomainError(_("The end date must not be before the first meeting."))
    series = MeetingSeries(
        kind=kind, title=title, place=place, agenda=agenda, group=group,
        rrule=build_rrule(first_day, pattern, interval),
        first_start_local=dt.datetime.combine(first_day, start),
        duration_minutes=duration_minutes, until=until,
    )
    db.session.add(series)
    db.session.flush()
    materialise(series)
    invitations.series_changed(series, "created")
    return series


def create_single(
    *, kind: str, title: str, place: str, agenda: str, day: dt.date, start: dt.time,
    duration_minutes: int, group: SupervisionGroup | None = None,
) -> Meeting:
    """Create a one-off meeting and invite its invitees."""
    _check_group(kind, group)
    bounds.check_appointment_day(day)
    starts_at = from_local(day, start)
    if starts_at <= now_utc():
        raise DomainError(_("The meeting must be in the future."))
    meeting = Meeting(
        kind=kind, group=group, title=title, place=place, agenda=agenda, starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=duration_minutes),
    )
    db.session.add(meeting)
    db.session.flush()
    invitations.meeting_changed(meeting, "created")
    return meeting


def update_occurrence(
    meeting: Meeting, *, day: dt.date, start: dt.time, duration_minutes: int, place: str,
    agenda: str,
) -> bool:
    """Move or re-agenda one occurrence; the rest of the series stays untouched."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError(_("A cancelled meeting cannot be changed."))
    bounds.check_appointment_day(day)
    starts_at = from_local(day, start)
    ends_at = starts_at + dt.timedelta(minutes=duration_minutes)
    if starts_at != meeting.starts_at and starts_at <= now_utc():
        raise DomainError(_("The meeting must be in the future."))
    changed = (starts_at, ends_at, place, agenda) != (
        meeting.starts_at, meeting.ends_at, meeting.place, meeting.agenda)
    if not changed:
        return False
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.place, meeting.agenda = place, agenda
    meeting.sequence += 1
    db.session.flush()
    invitations.meeting_changed(meeting, "updated")
    return True


def cancel_occurrence(meeting: Meeting) -> None:
    """Cancel one occurrence (EXDATE in feeds, METHOD:CANCEL to the invitees)."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError(_("This meeting is already cancelled."))
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    db.session.flush()
    invitations.meeting_changed(meeting, "cancelled")


def _attendance(meeting: Meeting, mediator_id: int) -> MeetingAttendance:
    row = db.session.scalar(
        sa.select(MeetingAttendance).where(
            MeetingAttendance.meeting_id == meeting.id,
            MeetingAttendance.mediator_id == mediator_id)
    )
    if row is None:
        row = MeetingAttendance(meeting_id=meeting.id, mediator_id=mediator_id)
        db.session.add(row)
    return row


def set_rsvp(meeting: Meeting, mediator: Mediator, answer: str) -> None:
    """Store a mediator's yes/no/maybe for an upcoming meeting they are invited to."""
    if answer not in ("yes", "no", "maybe"):
        raise DomainError(_("Please choose yes, no or maybe."))
    if not is_invited(meeting, mediator):
        raise DomainError(_("You are not invited to this meeting."))
    if meeting.status == MeetingStatus.CANCELLED or meeting.ends_at <= now_utc():
        raise DomainError(_("You can only answer for upcoming meetings."))
    _attendance(meeting, mediator.id).rsvp = answer
    db.session.flush()


def record_attendance(meeting: Meeting, present_ids: set[int]) -> None:
    """Record who attended a past meeting (every invitee gets attended true/false)."""
    if meeting.starts_at > now_utc():
        raise DomainError(_("Attendance can be recorded once the meeting has begun."))
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError(_("A cancelled meeting has no attendance."))
    ids = {m.id for m in invitees(meeting)} | {
        a.mediator_id for a in meeting.attendances}
    for mediator_id in ids:
        _attendance(meeting, mediator_id).attended = mediator_id in present_ids
    db.session.flush()


def rates_per_person() -> list[tuple[Mediator, int, int]]:
    """Return (mediator, attended, recorded) over all recorded meetings, in one query."""
    attended = sa.func.sum(sa.case((MeetingAttendance.attended.is_(True), 1), else_=0))
    rows = db.session.execute(
        sa.select(Mediator, attended, sa.func.count(MeetingAttendance.id))
        .join(MeetingAttendance, MeetingAttendance.mediator_id == Mediator.id)
        .where(MeetingAttendance.attended.is_not(None))
        .group_by(Mediator.id)
        .order_by(Mediator.sort_name, Mediator.id)
    )
    return [(m, int(a or 0), int(n)) for m, a, n in rows]


def rates_per_meeting(limit: int = 50) -> list[tuple[Meeting, int, int]]:
    """Return (meeting, attended, recorded) for the latest past meetings, in one query."""
    attended = sa.func.sum(sa.case((MeetingAttendance.attended.is_(True), 1), else_=0))
    rows = db.session.execute(
        sa.select(Meeting, attended, sa.func.count(MeetingAttendance.id))
        .join(MeetingAttendance, MeetingAttendance.meeting_id == Meeting.id)
        .where(MeetingAttendance.attended.is_not(None))
        .group_by(Meeting.id)
        .order_by(Meeting.starts_at.desc())
        .limit(limit)
    )
    return [(m, int(a or 0), int(n)) for m, a, n in rows]


def save_group(
    group: SupervisionGroup | None, *, name: str, supervisor_name: str, supervisor_email: str,
    member_ids: list[int],
) -> SupervisionGroup:
    """Create or update a supervision group and replace its members."""
    taken = db.session.scalar(
        sa.select(SupervisionGroup.id).where(
            sa.func.lower(SupervisionGroup.name) == sa.func.lower(name))
    )
    if taken is not None and (group is None or taken != group.id):
        raise DomainError(_("A group with this name already exists."))
    group = group or SupervisionGroup()
    group.name, group.supervisor_name = name, supervisor_name
    group.supervisor_email = supervisor_email.strip().lower()
    wanted = set(member_ids)
    group.members = [m for m in group.members if m.mediator_id in wanted]
    have = {m.mediator_id for m in group.members}
    for mediator_id in sorted(wanted - have):
        group.members.append(SupervisionMember(mediator_id=mediator_id))
    db.session.add(group)
    db.session.flush()
    return group
