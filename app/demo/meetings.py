"""Demo meetings: the bi-monthly exchange meeting and sessions of both supervision groups.

Built directly (no invitations are queued: demo data must not flood the outbox), with some
history and attendance so the rates page has something to show, plus one moved and one
cancelled future occurrence so the feeds show RECURRENCE-ID and EXDATE.
"""

from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa

from app.models import Mediator, MeetingAttendance, MeetingSeries, SupervisionGroup
from app.models.enums import MediatorStatus, MeetingStatus
from app.services.calendar.meetings import materialise
from app.timeutil import from_local, to_local


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def _months_back(today: dt.date, months: int) -> tuple[int, int]:
    index = today.year * 12 + today.month - 1 - months
    return index // 12, index % 12 + 1


def seed_meetings(session, today: dt.date, now: dt.datetime) -> None:
    """Add the demo series (called at the end of seed_demo)."""
    rng = random.Random(4)  # noqa: S311 (demo data)
    year, month = _months_back(today, 10)
    exchange = MeetingSeries(
        kind="exchange", title="Austauschtreffen der Sprach- und Kulturmittler/innen",
        place="Rathaus Rheinstadt, Sitzungssaal 2",
        agenda="Neues aus dem MIB, Fallbesprechungen, Termine",
        rrule="FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU",
        first_start_local=dt.datetime.combine(_nth_weekday(year, month, 1, 2), dt.time(18)),
        duration_minutes=120,
    )
    session.add(exchange)
    groups = session.scalars(sa.select(SupervisionGroup).order_by(SupervisionGroup.name)).all()
    patterns = [("FREQ=WEEKLY;INTERVAL=4;BYDAY=TH", 3, dt.time(17)),
                ("FREQ=MONTHLY;INTERVAL=1;BYDAY=1WE", 2, dt.time(17, 30))]
    all_series = [exchange]
    for group, (rule, weekday, start) in zip(groups, patterns, strict=False):
        year, month = _months_back(today, 4)
        first = _nth_weekday(year, month, weekday, 1)
        series = MeetingSeries(
            kind="supervision", group=group, title=group.name, place="MIB, Besprechungsraum",
            agenda="", rrule=rule, first_start_local=dt.datetime.combine(first, start),
            duration_minutes=90)
        session.add(series)
        all_series.append(series)
    session.flush()
    for series in all_series:
        materialise(series)
    session.flush()
    future = [m for m in exchange.occurrences if m.starts_at > now]
    if len(future) >= 3:
        moved = future[1]  # one date moved by a day, with its own agenda
        local = to_local(moved.starts_at)
        moved.starts_at = from_local(local.date() + dt.timedelta(days=1), local.time())
        moved.ends_at = moved.starts_at + dt.timedelta(minutes=120)
        moved.agenda = "Gast: Jugendamt stellt die neuen Hilfen zur Erziehung vor"
        moved.sequence = 1
        future[2].status, future[2].sequence = MeetingStatus.CANCELLED, 1
    active = session.scalars(
        sa.select(Mediator).where(Mediator.status == MediatorStatus.ACTIVE)).all()
    for series in all_series:
        people = active if series.kind == "exchange" else [m.mediator for m in
                                                          series.group.members]
        for meeting in series.occurrences:
            if meeting.starts_at >= now:
                continue
            for mediator in people:
                session.add(MeetingAttendance(meeting=meeting, mediator=mediator,
                                              attended=rng.random() < 0.75))
    session.flush()
