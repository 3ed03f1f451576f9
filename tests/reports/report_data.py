"""A small fixed data set for the report and allowance tests, with hand-computed figures.

Year 2026, clock frozen on 15 Dec 2026. Local (Europe/Berlin) edge cases: 00:30 on the 1st
belongs to the new month although it is still the old month in UTC, also right after the
switch to summer time (29 Mar 2026) and after the switch back (25 Oct 2026).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from app.extensions import db
from app.models import (
    Cohort,
    InterpretingRequest,
    Meeting,
    MeetingAttendance,
)
from app.timeutil import UTC, from_local
from tests.factories import make_assignment, make_request

NOW = dt.datetime(2026, 12, 15, 12, 0, tzinfo=UTC)


def local(y, m, d, hh=10, mm=0) -> dt.datetime:
    return from_local(dt.date(y, m, d), dt.time(hh, mm))


def utc(y, m, d, hh=0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, tzinfo=UTC)


def dated_request(institution, starts_at, language, status, outcome=None, created=None,
                  assigned=None) -> InterpretingRequest:
    """A request of the data set: created ten days ahead unless `created` says otherwise."""
    return make_request(institution, starts_at=starts_at, language=language, status=status,
                        outcome=outcome, created_at=created or starts_at - dt.timedelta(days=10),
                        assigned_at=assigned)


def build(make_institution, make_mediator) -> dict:
    """Create the data set and return the objects tests refer to."""
    c15 = Cohort(year=2015, name="Jahrgang 2015")
    c16 = Cohort(year=2016, name="Jahrgang 2016")
    db.session.add_all([c15, c16])
    db.session.flush()
    m1 = make_mediator(languages=(("tir", "", "native"),), cohort_id=c15.id,
                       first_name="Almaz", last_name="Tesfay", iban="DE02 1203 0000 0000 2020 51")
    m2 = make_mediator(languages=(("tir", "", "C1"), ("prs", "", "native")), cohort_id=c16.id,
                       first_name="Farid", last_name="Ahmadi")
    m3 = make_mediator(languages=(("kmr", "", "native"),), cohort_id=c15.id, status="paused")
    make_mediator(languages=(("kmr", "", "native"),), cohort_id=c15.id, status="retired")
    kita = make_institution(name="Kita Sonnenschein", kind="kita")
    school = make_institution(name="Grundschule Am Park", kind="school")

    r1 = dated_request(kita, local(2026, 2, 28, 23, 30), "tir", "completed", "took_place",
                      created=utc(2026, 2, 20, 12), assigned=utc(2026, 2, 21, 12))
    r2 = dated_request(kita, local(2026, 3, 1, 0, 30), "tir", "completed", "no_show",
                      created=utc(2026, 2, 25), assigned=utc(2026, 2, 25, 6))
    r3 = dated_request(school, local(2026, 3, 28), "prs", "cancelled")  # last CET Saturday
    dated_request(school, local(2026, 3, 29), "prs", "unfilled")  # first CEST day
    r5 = dated_request(school, local(2026, 4, 1, 0, 30), "kmr", "assigned",
                      created=utc(2026, 3, 20), assigned=utc(2026, 3, 22))
    dated_request(kita, local(2026, 11, 1, 0, 30), "kmr", "unfilled")  # after DST ended
    dated_request(kita, local(2026, 11, 10), "tir", "submitted")
    dated_request(kita, local(2025, 12, 31, 23, 30), "tir", "unfilled")  # 2025 locally
    dated_request(kita, local(2027, 1, 1, 0, 30), "tir", "unfilled")  # 2027 locally, 2026 UTC

    a1 = make_assignment(r1, m1, status="completed", reported_minutes=90, travel_km=Decimal("10.0"),
                         report_status="approved")
    a2 = make_assignment(r2, m2, status="completed", report_status="approved", ticket_cost_cents=350)
    make_assignment(r3, m2, status="cancelled")
    make_assignment(r5, m1, status="active")

    held_exchange = Meeting(kind="exchange", title="Austausch", starts_at=local(2026, 5, 10, 18),
                            ends_at=local(2026, 5, 10, 20))
    cancelled = Meeting(kind="exchange", title="Austausch", starts_at=local(2026, 7, 10, 18),
                        ends_at=local(2026, 7, 10, 20), status="cancelled")
    supervision = Meeting(kind="supervision", title="Supervision",
                          starts_at=local(2026, 6, 1, 17), ends_at=local(2026, 6, 1, 19))
    future = Meeting(kind="supervision", title="Supervision", starts_at=local(2026, 12, 20, 17),
                     ends_at=local(2026, 12, 20, 19))
    db.session.add_all([held_exchange, cancelled, supervision, future])
    db.session.flush()
    db.session.add_all([
        MeetingAttendance(meeting_id=held_exchange.id, mediator_id=m1.id, attended=True),
        MeetingAttendance(meeting_id=held_exchange.id, mediator_id=m2.id, attended=False),
        MeetingAttendance(meeting_id=held_exchange.id, mediator_id=m3.id, attended=None),
        MeetingAttendance(meeting_id=cancelled.id, mediator_id=m1.id, attended=True),
        MeetingAttendance(meeting_id=supervision.id, mediator_id=m1.id, attended=True),
        MeetingAttendance(meeting_id=supervision.id, mediator_id=m2.id, attended=True),
        MeetingAttendance(meeting_id=future.id, mediator_id=m1.id, attended=True),
    ])
    db.session.commit()
    return {"m1": m1, "m2": m2, "m3": m3, "kita": kita, "school": school, "a1": a1, "a2": a2}
