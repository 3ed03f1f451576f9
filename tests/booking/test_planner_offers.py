"""The week planner and the offers agree: offers out are shown, not planned over again."""

from __future__ import annotations

import datetime as dt

import pytest

from app.extensions import db
from app.services.booking import offers, week_plan
from app.services.core.errors import DomainError
from tests.factories import DAY, NOW, eligible, make_request

MONDAY = dt.date(2026, 11, 30)


@pytest.fixture()
def week(app, clock, make_institution, make_user, make_mediator):
    """Three eligible mediators; requests on Thursday at 10:00, 10:30 (overlapping) and 14:00."""
    clock(NOW)
    inst = make_institution(kind="kita")
    coordinator = make_user("coordinator")
    people = [eligible(make_mediator, last_name=name) for name in ("Alpha", "Beta", "Gamma")]
    reqs = [make_request(inst, time=dt.time(10)), make_request(inst, time=dt.time(10, 30)),
            make_request(inst, time=dt.time(14))]
    db.session.commit()
    return coordinator, people, reqs


def _lines(plan):
    return {line.request.id: line for line in plan.lines}


def test_a_request_with_offers_out_is_shown_and_not_planned_again(week):
    coordinator, (a, b, c), reqs = week
    offers.send_offers(coordinator, reqs[2].id, [a.id, b.id])
    db.session.commit()
    line = _lines(week_plan.propose(MONDAY))[reqs[2].id]
    assert line.offers_out and [o.mediator_id for o in line.pending] == [a.id, b.id]
    assert line.proposed_id is None and line.options == [] and line.reason == ""
    again = _lines(week_plan.propose(MONDAY, replan=[reqs[2].id]))[reqs[2].id]
    assert not again.offers_out and again.proposed_id == c.id  # only on request
    assert {o.mediator.id for o in again.options} == {c.id}


def test_a_pending_offer_keeps_the_person_off_overlapping_requests(week):
    coordinator, (a, b, c), reqs = week
    offers.send_offers(coordinator, reqs[0].id, [a.id])
    db.session.commit()
    lines = _lines(week_plan.propose(MONDAY))
    overlapping = lines[reqs[1].id]
    assert a.id not in {o.mediator.id for o in overlapping.options}
    assert {o.mediator.id for o in overlapping.options} == {b.id, c.id}
    assert a.id in {o.mediator.id for o in lines[reqs[2].id].options}  # 14:00 is free


def test_the_planner_page_says_offers_out_with_who_and_since(week, client, login):
    coordinator, (a, _b, _c), reqs = week
    offers.send_offers(coordinator, reqs[2].id, [a.id])
    db.session.commit()
    login(coordinator)
    html = client.get(f"/coordination/planner?day={DAY.isoformat()}").get_data(as_text=True)
    assert "Angebote offen" in html
    assert f"{a.full_name}, per E-Mail seit 01.12.2026" in html
    assert "2 von 2 Anfragen" in html  # the line with offers out is not counted as uncovered
    assert f"replan={reqs[2].id}" in html
    replanned = client.get(f"/coordination/planner?day={DAY.isoformat()}&replan={reqs[2].id}"
                           "&replan=x&replan=99999999999")
    assert replanned.status_code == 200
    assert f'name="line_{reqs[2].id}"' in replanned.get_data(as_text=True)


def test_pending_offers_count_against_the_weekly_limit(app, clock, make_institution,
                                                       make_user, make_mediator):
    """Someone with a limit of one and an offer out this week may still accept it: the planner
    does not propose them for a second request of the week (the matching still lists them)."""
    clock(NOW)
    inst = make_institution(kind="kita")
    coordinator = make_user("coordinator")
    only = eligible(make_mediator, last_name="Einzig", max_per_week=1)
    first, second = make_request(inst, time=dt.time(10)), make_request(inst, time=dt.time(14))
    db.session.commit()
    offers.send_offers(coordinator, first.id, [only.id])
    db.session.commit()
    week, plan_input = week_plan.build(MONDAY)
    assert plan_input.capacity[only.id] == 0
    line = _lines(week_plan.propose(MONDAY))[second.id]
    assert [o.mediator.id for o in line.options] == [only.id]  # still a candidate
    assert line.proposed_id is None
    assert "Angebote" in line.reason and "Wochenlimit" in line.reason
    with pytest.raises(DomainError, match="Wochenlimit|weekly limit"):
        week_plan.send(coordinator, MONDAY, {second.id: only.id})
