"""One factory per entity: every test builds its rows here, so a new required column is
added in one place. conftest's `make_*` fixtures number these per test."""

from __future__ import annotations

import datetime as dt
import itertools

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Assignment,
    Availability,
    Document,
    Institution,
    InterpretingRequest,
    Mediator,
    MediatorLanguage,
    ModuleCompletion,
    QualificationModule,
    User,
)
from app.timeutil import from_local

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)  # Tuesday 09:00 in Berlin
DAY = dt.date(2026, 12, 3)  # Thursday
PASSWORD = "correct-horse-battery"


def numbered(factory):
    """Give each call of `factory` the next number (1, 2, ...): unique names per test."""
    counter = itertools.count(1)
    return lambda *args, **kwargs: factory(next(counter), *args, **kwargs)


def make_institution(n: int, **kwargs) -> Institution:
    values = {"name": f"Kita Test {n}", "kind": "kita", "district": "Nord",
              "street": f"Teststraße {n}", "postcode": "55218", "city": "Rheinstadt"}
    values.update(kwargs)
    inst = Institution(**values)
    db.session.add(inst)
    db.session.flush()
    return inst


def make_mediator(n: int, languages=(("tir", "", "native"),), **kwargs) -> Mediator:
    values = {"first_name": f"Vorname{n}", "last_name": f"Nachname{n}", "gender": "female",
              "status": "active", "email": f"mittler{n}@example.org", "district": "Nord",
              "mobility": "public", "german_level": "B2"}
    values.update(kwargs)
    mediator = Mediator(**values)
    for code, variety, level in languages:
        mediator.languages.append(MediatorLanguage(code=code, variety=variety, level=level))
    db.session.add(mediator)
    db.session.flush()
    return mediator


def make_user(n: int, role: str = "coordinator", password: str = PASSWORD, *,
              new_institution, new_mediator, **kwargs) -> User:
    """Commit a user; an institution or mediator user gets a fresh record unless given one."""
    if role == "institution" and "institution" not in kwargs:
        kwargs["institution"] = new_institution()
    if role == "mediator" and "mediator" not in kwargs:
        kwargs["mediator"] = new_mediator()
    user = User(email=kwargs.pop("email", f"{role}{n}@example.org"), role=role,
                name=kwargs.pop("name", f"{role.title()} {n}"), **kwargs)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


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


def make_request(institution, *, starts_at: dt.datetime | None = None, day=DAY,
                 time=dt.time(10), minutes=60, language="tir", status="submitted",
                 **kwargs) -> InterpretingRequest:
    """A request at `starts_at`, or at `day` and local `time` (Thursday 10:00 by default)."""
    starts = starts_at or from_local(day, time)
    req = InterpretingRequest(
        institution=institution, starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=minutes), duration_minutes=minutes,
        language_code=language, occasion=kwargs.pop("occasion", "parent_meeting"),
        status=status, created_at=kwargs.pop("created_at", NOW), **kwargs,
    )
    db.session.add(req)
    db.session.flush()
    return req


def make_assignment(request, mediator, **values) -> Assignment:
    """An assignment of `mediator` to an existing request, at the request's times."""
    a = Assignment(request_id=request.id, mediator_id=mediator.id,
                   starts_at=request.starts_at, ends_at=request.ends_at, **values)
    db.session.add(a)
    db.session.flush()
    return a


def make_booking(institution, mediator, starts_at: dt.datetime, minutes: int = 60,
                 **request_kwargs) -> Assignment:
    """An assigned request (room and a private note set) with its assignment."""
    values = {"institution": institution, "starts_at": starts_at,
              "ends_at": starts_at + dt.timedelta(minutes=minutes),
              "duration_minutes": minutes, "language_code": "tir", "occasion": "parent_meeting",
              "status": "assigned", "room": "Raum 2",
              "note": "Familie Haile, Vater krank"}
    values.update(request_kwargs)
    req = InterpretingRequest(**values)
    db.session.add(req)
    db.session.flush()
    assignment = Assignment(request=req, mediator=mediator, starts_at=req.starts_at,
                            ends_at=req.ends_at)
    db.session.add(assignment)
    db.session.flush()
    return assignment
