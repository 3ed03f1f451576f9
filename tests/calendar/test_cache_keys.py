"""Cache keys cover what they serve: every field an event builder reads, every Speaker field.

The feed memoises each serialised event on a key of the values it is built from; a field the
builder reads but the key leaves out would serve a stale event for as long as the key stays
the same. So the builders declare what they read (`ical.*_EVENT_FIELDS`), the feed builds
its keys from those declarations, and these tests run each builder on a recording proxy and
compare what it really read with the declaration.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.extensions import db
from app.models import Meeting
from app.services.calendar import ical
from app.services.calendar import meetings as msvc
from app.services.matching import cache as fact_cache
from app.services.matching.facts import Speaker
from tests.factories import make_booking

UTC = dt.UTC


class Recorder:
    """Stand in for a model object and log the dotted path of every attribute read.

    Related objects come back wrapped (their reads are logged under the relation's name);
    Python properties run on the proxy, so `Institution.address` logs street, postcode and
    city, the columns it is made of.
    """

    __slots__ = ("_target", "_prefix", "_log")

    def __init__(self, target, prefix: str, log: set[str]) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_prefix", prefix)
        object.__setattr__(self, "_log", log)

    def __getattr__(self, name: str):
        path = self._prefix + name
        declared = getattr(type(self._target), name, None)
        if isinstance(declared, property):
            return declared.fget(self)
        value = getattr(self._target, name)
        if isinstance(value, db.Model):
            return Recorder(value, path + ".", self._log)
        self._log.add(path)
        return value


def _reads(build) -> set[str]:
    log: set[str] = set()
    build(lambda obj, prefix="": Recorder(obj, prefix, log))
    return log


def _compare(read: set[str], declared: tuple[str, ...]) -> tuple[set[str], set[str]]:
    """Return (read but not declared, declared but never read). A relation that was None
    (logged by its own name) stands for the declared fields behind it."""
    unlisted = {p for p in read if p not in declared
                and not any(d.startswith(p + ".") for d in declared)}
    unread = {d for d in declared if d not in read
              and not any(d.startswith(p + ".") for p in read)}
    return unlisted, unread


def test_assignment_event_reads_exactly_the_declared_fields(
        app, make_institution, make_mediator):
    inst = make_institution(phone="0421 1", email="kita@example.org")
    med = make_mediator(phone="0170 2", share_phone=True)
    starts = dt.datetime(2026, 12, 3, 9, tzinfo=UTC)
    at_address = make_booking(inst, med, starts, place_kind="address", address="Weg 1")
    at_institution = make_booking(inst, med, starts + dt.timedelta(days=1))
    by_video = make_booking(inst, med, starts + dt.timedelta(days=2), mode="video",
                               meeting_url="https://video.example/skm-x")
    we_call = make_booking(inst, med, starts + dt.timedelta(days=3), mode="phone",
                              phone_number="0421 9", phone_caller="institution")
    they_call = make_booking(inst, med, starts + dt.timedelta(days=4), mode="phone",
                                phone_number="0421 9", phone_caller="mediator")
    read: set[str] = set()
    for assignment in (at_address, at_institution, by_video, we_call, they_call):
        for viewer in ("mediator", "institution", "coordinator"):
            with force_locale("de"):
                read |= _reads(lambda wrap, a=assignment, v=viewer: ical.assignment_event(
                    wrap(a), v, feed=True))
    assert _compare(read, ical.ASSIGNMENT_EVENT_FIELDS) == (set(), set())


@pytest.fixture()
def series(app, clock):
    clock(dt.datetime(2026, 1, 5, 9, tzinfo=UTC))
    series = msvc.create_series(
        kind="exchange", title="Austausch", place="Rathaus", agenda="Fälle",
        first_day=dt.date(2026, 1, 13), start=dt.time(18, 0), duration_minutes=120,
        pattern="monthly", interval=2, until=dt.date(2026, 12, 31))
    db.session.flush()
    return series


def test_series_and_occurrence_events_read_exactly_the_declared_fields(app, series):
    first, second = series.occurrences[:2]
    msvc.update_occurrence(first, day=first.starts_at.date(), start=dt.time(17, 0),
                           duration_minutes=90, place="Bürgerhaus", agenda="Neu")
    msvc.cancel_occurrence(second)
    single = msvc.create_single(kind="exchange", title="Einmalig", place="Saal", agenda="",
                                day=dt.date(2026, 2, 2), start=dt.time(10, 0),
                                duration_minutes=60)
    db.session.flush()
    with force_locale("de"):
        series_read = _reads(lambda wrap: ical.series_event(
            wrap(series), [wrap(second, "cancelled.")], feed=True))
        occurrence_read = set()
        for meeting in (first, single):
            occurrence_read |= _reads(
                lambda wrap, m=meeting: ical.occurrence_event(wrap(m), feed=True))
    cancelled_read = {p.removeprefix("cancelled.") for p in series_read
                      if p.startswith("cancelled.")}
    series_read -= {"cancelled." + p for p in cancelled_read}
    assert _compare(series_read, ical.SERIES_EVENT_FIELDS) == (set(), set())
    assert _compare(cancelled_read, ical.SERIES_CANCELLED_FIELDS) == (set(), set())
    assert _compare(occurrence_read, ical.OCCURRENCE_EVENT_FIELDS) == (set(), set())
    assert "series" in occurrence_read  # the single meeting: no series, read as None
    assert isinstance(single, Meeting) and single.series_id is None


def test_feed_keys_are_built_from_the_declarations(app, make_institution, make_mediator,
                                                   series):
    from app.services.calendar import feeds

    a = make_booking(make_institution(), make_mediator(),
                        dt.datetime(2026, 12, 3, 9, tzinfo=UTC))
    assert feeds.assignment_key(a) == ical.field_values(a, ical.ASSIGNMENT_EVENT_FIELDS)
    occurrence = series.occurrences[0]
    assert feeds.occurrence_key(occurrence) == ical.field_values(
        occurrence, ical.OCCURRENCE_EVENT_FIELDS)
    assert feeds.series_key(series, []) == (
        *ical.field_values(series, ical.SERIES_EVENT_FIELDS), ())


def test_every_speaker_field_change_invalidates_the_copy(app, make_mediator):
    """A field added to Speaker is cached, so changing it must rewrite the stamp."""
    mediator = make_mediator()
    db.session.commit()
    new_values = {"first_name": "Neu", "last_name": "Name", "status": "inactive",
                  "gender": "male", "district": "Vegesack", "mobility": "car",
                  "max_per_week": 1, "takes_on_site": False, "takes_phone": True,
                  "takes_video": True, "sort_name": "name\tneu"}
    assert set(new_values) == set(Speaker._fields) - {"id"}
    for name, value in new_values.items():
        setattr(mediator, name, value)
        assert fact_cache._touches_facts(db.session()), name
        db.session.rollback()
    mediator.notes = "unrelated"
    assert not fact_cache._touches_facts(db.session())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(type(mediator))) == 1
