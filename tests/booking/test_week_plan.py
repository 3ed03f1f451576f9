"""Week planner: the proposal keeps every hard rule, sending creates the offers, roles."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Assignment, Offer, OutboxMessage
from app.services.booking import week_plan
from app.services.core.errors import DomainError
from app.services.matching import ranking as matching
from app.services.matching.solver import conflicts
from tests.conftest import csrf_token
from tests.factories import DAY, NOW, eligible, make_request

MONDAY = dt.date(2026, 11, 30)


@pytest.fixture()
def week(app, clock, make_institution, make_user, make_mediator):
    """Four requests on Thursday: two overlap, one later, one in a language nobody speaks."""
    clock(NOW)
    inst = make_institution(kind="kita")
    coordinator = make_user("coordinator")
    a = eligible(make_mediator, last_name="Alpha", max_per_week=1)
    b = eligible(make_mediator, last_name="Beta", max_per_week=3)
    c = eligible(make_mediator, last_name="Gamma")
    c.documents[:] = [d for d in c.documents if d.kind != "pledge"]  # breaks a hard rule
    done = make_request(inst, day=DAY - dt.timedelta(days=1), status="assigned")
    db.session.add(Assignment(request=done, mediator=b, starts_at=done.starts_at,
                              ends_at=done.ends_at))  # one of b's three this week is used
    reqs = [make_request(inst, time=dt.time(10)), make_request(inst, time=dt.time(10, 30)),
            make_request(inst, time=dt.time(14)), make_request(inst, language="ara")]
    db.session.commit()
    return coordinator, (a, b, c), reqs


def _assert_valid(plan) -> dict[int, list]:
    """Re-check the proposal with the matching service and the overlap rule; return loads."""
    buffer = dt.timedelta(minutes=30)
    mine: dict[int, list] = {}
    for line in plan.lines:
        if line.proposed_id is None:
            continue
        mediator = line.proposed.mediator
        assert matching.check_eligible(line.request, mediator) == []
        mine.setdefault(mediator.id, []).append(line.request)
    for reqs in mine.values():
        for i, r1 in enumerate(reqs):
            for r2 in reqs[i + 1:]:
                assert not conflicts(r1, r2, buffer)
    return mine


def test_proposal_keeps_every_hard_rule_and_explains_the_gaps(week):
    _coordinator, (a, b, c), reqs = week
    plan = week_plan.propose(MONDAY)
    assert [line.request.id for line in plan.lines] == [reqs[0].id, reqs[3].id, reqs[1].id,
                                                        reqs[2].id]
    by_request = {line.request.id: line for line in plan.lines}
    mine = _assert_valid(plan)
    # capacity: a has 1, b has 3 - 1 booked = 2; overlap forces r1 and r2 apart
    assert plan.covered == 3
    assert len(mine.get(a.id, [])) <= 1 and len(mine.get(b.id, [])) <= 2
    assert c.id not in mine
    assert {by_request[reqs[0].id].proposed_id, by_request[reqs[1].id].proposed_id} == {a.id, b.id}
    nobody = by_request[reqs[3].id]
    assert nobody.proposed_id is None and nobody.reason
    _week, plan_input = week_plan.build(MONDAY)
    assert plan_input.capacity == {a.id: 1, b.id: 2}
    assert plan_input.buffer == dt.timedelta(minutes=30)


def test_a_request_left_over_by_capacity_gets_a_reason(week):
    _coordinator, (a, b, _c), reqs = week
    extra = make_request(reqs[0].institution, time=dt.time(16))
    db.session.commit()
    plan = week_plan.propose(MONDAY)
    _assert_valid(plan)
    assert plan.covered == 3  # a: 1, b: 2 - four coverable requests, three places
    left = [line for line in plan.lines if line.proposed_id is None and line.options]
    assert len(left) == 1 and left[0].reason
    assert extra.id in {line.request.id for line in plan.lines}


def test_sending_creates_one_offer_per_line_and_mails(week):
    coordinator, (a, b, _c), reqs = week
    sent = week_plan.send(coordinator, MONDAY, {reqs[0].id: a.id, reqs[1].id: b.id,
                                                 reqs[2].id: None, reqs[3].id: None})
    db.session.commit()
    assert sent == 2
    offers = {(o.request_id, o.mediator_id) for o in db.session.scalars(sa.select(Offer))}
    assert offers == {(reqs[0].id, a.id), (reqs[1].id, b.id)}
    assert reqs[0].status == "offered" and reqs[2].status == "submitted"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) >= 2


def test_sending_refuses_a_double_booking_and_sends_nothing(week):
    coordinator, (_a, b, c), reqs = week
    with pytest.raises(DomainError):
        week_plan.send(coordinator, MONDAY, {reqs[0].id: b.id, reqs[1].id: b.id})
    db.session.rollback()
    with pytest.raises(DomainError):
        week_plan.send(coordinator, MONDAY, {reqs[0].id: c.id})  # not eligible
    db.session.rollback()
    with pytest.raises(DomainError):
        week_plan.send(coordinator, MONDAY, {reqs[0].id: None})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Offer)) == 0


def test_planner_page_proposes_and_sends(week, client, login):
    coordinator, (a, b, _c), reqs = week
    login(coordinator)
    page = client.get(f"/coordination/planner?day={DAY.isoformat()}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "3 von 4" in html
    assert "Das ist der beste Plan für diese Anfragen und Sprachmittler/innen." in html
    # no solver jargon ("Optimierer … in 0,0 s. Höchstens 0,0 % unter …")
    assert "Optimierer" not in html and "%" not in html.split('id="solver-result"')[1][:300]
    assert "OPTIMAL" not in html  # the solver's status is translated
    assert 'scope="col"' in html and "nicht abgedeckt" in html
    assert a.full_name in html and b.full_name in html
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    data = {"csrf_token": token, "week": MONDAY.isoformat(),
            f"line_{reqs[0].id}": str(b.id), f"line_{reqs[1].id}": str(a.id),
            f"line_{reqs[2].id}": "", f"line_{reqs[3].id}": ""}
    done = client.post("/coordination/planner/send", data=data)
    assert done.status_code == 302 and done.headers["Location"].endswith("/coordination/requests")
    db.session.expire_all()
    offers = {(o.request_id, o.mediator_id) for o in db.session.scalars(sa.select(Offer))}
    assert offers == {(reqs[0].id, b.id), (reqs[1].id, a.id)}


def test_planner_page_keeps_the_choices_when_refused(week, client, login):
    coordinator, (_a, b, _c), reqs = week
    login(coordinator)
    token = csrf_token(client, f"/coordination/planner?day={DAY.isoformat()}")
    data = {"csrf_token": token, "week": MONDAY.isoformat(),
            f"line_{reqs[0].id}": str(b.id), f"line_{reqs[1].id}": str(b.id)}
    refused = client.post("/coordination/planner/send", data=data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "zweimal" in html
    chosen = re.findall(rf'<option selected value="{b.id}">', html)
    assert len(chosen) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Offer)) == 0


@pytest.mark.parametrize("role", ["institution", "mediator"])
def test_only_coordinators_plan(week, client, login, make_user, role):
    login(make_user(role))
    assert client.get(f"/coordination/planner?day={DAY.isoformat()}").status_code == 403
    assert client.post("/coordination/planner/send", data={}).status_code in (400, 403)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Offer)) == 0


def test_anonymous_is_sent_to_login(week, client):
    response = client.get("/coordination/planner")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_empty_week_and_bad_day(week, client, login):
    coordinator, _m, _r = week
    login(coordinator)
    empty = client.get("/coordination/planner?day=2027-02-01")
    assert empty.status_code == 200 and "keine offenen Anfragen" in empty.get_data(as_text=True)
    assert client.get("/coordination/planner?day=kaputt").status_code == 400
    assert client.get("/coordination/planner").status_code == 200


def test_a_line_without_options_names_the_commonest_rule(week):
    """Everyone who speaks the language is excluded on Friday: the line says which rule
    excludes most of them, by its name (not by one mediator's detailed reason)."""
    _coordinator, _mediators, reqs = week
    friday = make_request(reqs[0].institution, day=DAY + dt.timedelta(days=1))
    db.session.commit()
    plan = week_plan.propose(MONDAY)
    line = next(li for li in plan.lines if li.request.id == friday.id)
    assert line.proposed_id is None and not line.options
    assert "Außerhalb der angegebenen Verfügbarkeit – 3 von 3" in line.reason


@pytest.mark.parametrize("spent, expected", [(0.5, 5.0), (4.0, 4.0), (7.5, 1.0), (30.0, 1.0)])
def test_the_solver_gets_what_the_matching_left_of_the_budget(app, spent, expected):
    """A busy week's matching eats into the proposal's budget, never below the minimum."""
    app.config.update(PLANNER_TIME_LIMIT_S=5.0, PLANNER_BUDGET_S=8.0, PLANNER_MIN_SOLVE_S=1.0)
    with app.app_context():
        assert week_plan.solve_limit(spent) == expected


def test_a_proposal_spends_its_budget_on_matching_first(week, app, monkeypatch):
    """The limit handed to CP-SAT shrinks by the time the build took (on a controlled clock:
    the build takes exactly one second of it)."""
    app.config.update(PLANNER_TIME_LIMIT_S=5.0, PLANNER_BUDGET_S=5.5, PLANNER_MIN_SOLVE_S=0.2)
    clock = {"now": 1000.0}
    build = week_plan.build

    def slow_build(*args, **kwargs):
        clock["now"] += 1.0
        return build(*args, **kwargs)

    limits = []
    solve = week_plan.planner.solve
    monkeypatch.setattr(week_plan, "time", SimpleNamespace(monotonic=lambda: clock["now"]))
    monkeypatch.setattr(week_plan, "build", slow_build)
    monkeypatch.setattr(week_plan.planner, "solve",
                        lambda plan, time_limit_s: limits.append(time_limit_s) or solve(
                            plan, time_limit_s=time_limit_s))
    plan = week_plan.propose(MONDAY)
    assert plan.covered == 3
    assert limits == [4.5]  # the budget 5.5 minus the build's second, under the cap of 5.0


def test_a_language_nobody_speaks_is_said_before_who_was_asked(week):
    """Pending offers for another request at the same hour used to make the planner say
    "everyone already had an offer" for a language nobody in the pool speaks."""
    _coordinator, (a, b, _c), reqs = week
    armenian = make_request(reqs[0].institution, time=dt.time(10), language="hye")
    for mediator in (a, b):
        db.session.add(Offer(request=reqs[0], mediator=mediator, created_at=NOW,
                             expires_at=NOW + dt.timedelta(hours=24)))
    db.session.commit()
    plan, _input = week_plan.build(MONDAY)
    line = next(li for li in plan.lines if li.request.id == armenian.id)
    assert line.options == []
    assert line.reason == "Niemand im Pool spricht diese Sprache."


def test_eligible_people_held_elsewhere_are_named_as_such(week):
    _coordinator, (a, b, _c), reqs = week
    for mediator in (a, b):  # both hold an offer for the request at 10:00
        db.session.add(Offer(request=reqs[0], mediator=mediator, created_at=NOW,
                             expires_at=NOW + dt.timedelta(hours=24)))
    db.session.commit()
    plan, _input = week_plan.build(MONDAY)
    overlapping = next(li for li in plan.lines if li.request.id == reqs[1].id)
    assert overlapping.options == []
    assert "zur gleichen Zeit" in overlapping.reason
