"""Builders for request tests: an eligible mediator, a request, a fixed clock."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Availability,
    Document,
    InterpretingRequest,
    ModuleCompletion,
    QualificationModule,
)
from app.timeutil import from_local

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)  # Tuesday 09:00 in Berlin
DAY = dt.date(2026, 12, 3)  # Thursday


def eligible(make_mediator, *, weekday: int = 3, start=dt.time(8), end=dt.time(18), **kwargs):
    """Create an active mediator who passes every hard rule for a Thursday request."""
    m = make_mediator(**kwargs)
    m.availability.append(Availability(weekday=weekday, start_time=start, end_time=end))
    m.documents.append(Document(kind="pledge", recorded_on=dt.date(2025, 1, 10)))
    m.documents.append(Document(kind="police_certificate", recorded_on=dt.date(2025, 1, 10),
                                issued_on=dt.date(2025, 1, 2), has_relevant_entry=False))
    for module in db.session.scalars(
        sa.select(QualificationModule).where(QualificationModule.required.is_(True))
    ):
        m.completions.append(ModuleCompletion(module_id=module.id,
                                              completed_on=dt.date(2024, 5, 1)))
    db.session.flush()
    return m


def make_request(institution, *, day=DAY, time=dt.time(10), minutes=60, language="tir",
                 status="submitted", **kwargs) -> InterpretingRequest:
    starts = from_local(day, time)
    req = InterpretingRequest(
        institution=institution, starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=minutes), duration_minutes=minutes,
        language_code=language, occasion=kwargs.pop("occasion", "parent_meeting"),
        status=status, created_at=kwargs.pop("created_at", NOW), **kwargs,
    )
    db.session.add(req)
    db.session.flush()
    return req
