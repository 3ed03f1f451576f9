"""On site, by phone, by video: matching and planning per mode, pay, who sees the way in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.extensions import db
from app.models import Assignment
from app.services.allowances import statements as allowances
from app.services.matching import ranking as matching
from app.services.matching import solver
from app.timeutil import from_local
from tests.factories import NOW, eligible, make_booking, make_request

UTC = dt.UTC
LINK = "https://video.example/skm-Zq8pR2"


@pytest.fixture()
def kita(app, clock, make_institution):
    clock(NOW)
    return make_institution(kind="kita", district="Nord")


def _book(m, req) -> Assignment:
    a = Assignment(request=req, mediator=m, starts_at=req.starts_at, ends_at=req.ends_at)
    db.session.add(a)
    db.session.flush()
    return a


def _match(req):
    result = matching.match(req)
    return ({c.mediator.id: c for c in result.ranked},
            {e.mediator.id: e.reasons for e in result.excluded})


def test_travel_buffer_only_between_two_on_site_appointments(kita, make_institution,
                                                             make_mediator):
    """An on-site job ending 10 min before: eligible by phone, not on site elsewhere."""
    m = eligible(make_mediator, takes_phone=True, takes_video=True)
    earlier = make_request(make_institution(name="Schule Süd"), time=dt.time(8, 50),
                           status="assigned")
    _book(m, earlier)  # 08:50–09:50, on site
    on_site = make_request(kita, time=dt.time(10))
    by_phone = make_request(kita, time=dt.time(10), mode="phone", phone_number="0421 1",
                            phone_caller="mediator")
    ranked, excluded = _match(on_site)
    assert m.id not in ranked
    assert excluded[m.id] == [f"Überschneidung mit Einsatz (Anfrage {earlier.id}) am 03.12. "
                              "08:50–09:50 Uhr (inkl. 30 Min. Fahrzeit)"]
    ranked, excluded = _match(by_phone)
    assert m.id in ranked and m.id not in excluded
    # booking checks the same rules
    assert matching.check_eligible(by_phone, m) == []
    # a video call right before an on-site job needs no buffer either
    video = make_request(kita, time=dt.time(11, 0), minutes=50, mode="video",
                         meeting_url=LINK)
    _book(m, video)  # 11:00–11:50
    after = make_request(kita, time=dt.time(12, 0))
    assert m.id in _match(after)[0]
    # a real overlap still excludes, without a travel time in the reason
    clash = make_request(kita, time=dt.time(11, 30), mode="phone", phone_number="1",
                         phone_caller="institution")
    assert _match(clash)[1][m.id] == [
        f"Überschneidung mit Einsatz (Anfrage {video.id}) am 03.12. 11:00–11:50 Uhr"]


def test_a_mediator_who_does_not_take_the_mode_is_excluded_with_the_reason(kita,
                                                                          make_mediator):
    on_site_only = eligible(make_mediator)  # the default: existing mediators stay on site
    phone_only = eligible(make_mediator, takes_on_site=False, takes_phone=True)
    video = make_request(kita, mode="video", meeting_url=LINK)
    ranked, excluded = _match(video)
    assert excluded[on_site_only.id] == ["Übernimmt keine Einsätze per Video"]
    assert excluded[phone_only.id] == ["Übernimmt keine Einsätze per Video"]
    ranked, excluded = _match(make_request(kita, time=dt.time(14)))
    assert on_site_only.id in ranked
    assert excluded[phone_only.id] == ["Übernimmt keine Einsätze vor Ort"]
    summary = matching.reason_labels()
    assert summary["mode"] == "Übernimmt diese Einsatzart nicht"


def test_district_and_mobility_do_not_score_for_remote_requests(kita, make_mediator):
    near = eligible(make_mediator, district="Nord", takes_phone=True)
    far = eligible(make_mediator, district="Süd", mobility="foot", takes_phone=True)
    on_site, _ = _match(make_request(kita))
    assert on_site[near.id].score > on_site[far.id].score
    ranked, _ = _match(make_request(kita, time=dt.time(14), mode="phone", phone_number="1",
                                    phone_caller="mediator"))
    parts = {c.key: c for c in ranked[near.id].components}
    assert (parts["district"].points, parts["district"].detail) == (0, "nicht nötig (telefonisch)")
    assert ranked[near.id].score == ranked[far.id].score


def test_planner_books_a_phone_call_right_after_an_on_site_job():
    start = dt.datetime(2026, 12, 3, 8, tzinfo=UTC)
    hour = dt.timedelta(hours=1)
    on_site = solver.PlanRequest(1, start, start + hour)
    phone = solver.PlanRequest(2, start + hour + dt.timedelta(minutes=10), start + 2 * hour,
                               on_site=False)
    elsewhere = solver.PlanRequest(3, start + hour + dt.timedelta(minutes=10),
                                   start + 2 * hour)
    buffer = dt.timedelta(minutes=30)
    assert not solver.conflicts(on_site, phone, buffer)
    assert solver.conflicts(on_site, elsewhere, buffer)
    plan = solver.PlanInput(requests=[on_site, phone], eligible={1: {7: 5}, 2: {7: 5}},
                            capacity={7: 3}, buffer=buffer)
    result = solver.solve(plan, time_limit_s=5, workers=1)
    assert result.assignments == {1: 7, 2: 7} and solver.check(plan, result.assignments) == []
    plan = solver.PlanInput(requests=[on_site, elsewhere], eligible={1: {7: 5}, 3: {7: 5}},
                            capacity={7: 3}, buffer=buffer)
    assert solver.solve(plan, time_limit_s=5, workers=1).covered == 1


def test_remote_assignments_pay_no_travel_and_the_rule_sets_their_time(app):
    rule = allowances.default_rule(2026)
    assert allowances.amounts(rule, 90, Decimal("10.0"), 350) == (2250, 650)
    assert allowances.amounts(rule, 90, Decimal("10.0"), 350, remote=True) == (2250, 0)
    rule.remote_time_percent = 50
    assert allowances.amounts(rule, 90, Decimal("10.0"), 350, remote=True) == (1125, 0)
    assert allowances.amounts(rule, 20, None, None, remote=True) == (750, 0)  # half the minimum


def test_month_statement_leaves_out_travel_reported_for_a_phone_call(app, clock, make_user,
                                                                   make_institution,
                                                                   make_mediator):
    clock(dt.datetime(2026, 4, 2, 9, tzinfo=UTC))
    inst, m = make_institution(), make_mediator()
    for mode, day in (("on_site", 3), ("phone", 4)):
        a = make_booking(inst, m, from_local(dt.date(2026, 3, day), dt.time(10)),
                            mode=mode, status="completed")
        a.status, a.report_status, a.reported_minutes = "completed", "approved", 60
        a.travel_km, a.ticket_cost_cents = Decimal("10.0"), 290
    db.session.flush()
    (statement,) = allowances.generate_statements(2026, 3, make_user("coordinator"))
    assert (statement.fee_cents, statement.travel_cents) == (3000, 300 + 290)
