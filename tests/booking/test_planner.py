"""The week planner on small cases that can be checked by hand."""

from __future__ import annotations

import datetime as dt

from app.services.matching.solver import PlanInput, PlanRequest, check, conflicts, greedy, solve

UTC = dt.UTC
MONDAY = dt.datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def req(rid: int, start_h: float, minutes: int = 60) -> PlanRequest:
    start = MONDAY + dt.timedelta(hours=start_h)
    return PlanRequest(rid, start, start + dt.timedelta(minutes=minutes))


def test_buffer_makes_back_to_back_requests_conflict():
    a, b = req(1, 0), req(2, 1.25)  # 09:00 end, 09:15 start
    assert conflicts(a, b, dt.timedelta(minutes=30))
    assert not conflicts(a, b, dt.timedelta(minutes=10))


def test_solver_covers_a_request_that_greedy_leaves_open():
    # Request 1 prefers Amal (1), who is the only one able to take request 2 at the same time.
    plan = PlanInput(requests=[req(1, 0), req(2, 0.5)],
                     eligible={1: {1: 10, 2: 5}, 2: {1: 3}}, capacity={1: 3, 2: 3})
    baseline = greedy(plan)
    assert baseline.assignments == {1: 1}
    result = solve(plan, time_limit_s=5)
    assert result.status == "OPTIMAL"
    assert result.assignments == {1: 2, 2: 1}
    assert result.covered == 2 > baseline.covered
    assert result.gap == 0.0
    assert check(plan, result.assignments) == []


def test_capacity_and_buffer_are_respected():
    plan = PlanInput(requests=[req(1, 0), req(2, 3), req(3, 6), req(4, 1.2)],
                     eligible={1: {7: 1}, 2: {7: 1}, 3: {7: 1}, 4: {7: 1}},
                     capacity={7: 2}, buffer=dt.timedelta(minutes=30))
    result = solve(plan, time_limit_s=5)
    assert result.covered == 2
    assert check(plan, result.assignments) == []
    assert check(plan, {1: 7, 4: 7}) == ["mediator 7: requests 1 and 4 overlap"]


def test_score_then_fairness_break_ties():
    # Both mediators speak the language; two non-overlapping requests.
    plan = PlanInput(requests=[req(1, 0), req(2, 4)],
                     eligible={1: {1: 5, 2: 5}, 2: {1: 5, 2: 5}}, capacity={1: 5, 2: 5})
    result = solve(plan, time_limit_s=5)
    assert result.covered == 2
    assert sorted(result.assignments.values()) == [1, 2]  # load spread, not both to one
    assert result.fairness_penalty == 2
    higher = PlanInput(requests=plan.requests, eligible={1: {1: 9, 2: 5}, 2: {1: 9, 2: 5}},
                       capacity={1: 5, 2: 5})
    assert solve(higher, time_limit_s=5).assignments == {1: 1, 2: 1}  # score beats fairness


def test_nobody_eligible_gives_an_empty_but_valid_plan():
    plan = PlanInput(requests=[req(1, 0)], eligible={1: {}}, capacity={})
    result = solve(plan, time_limit_s=1)
    assert result.covered == 0 and result.assignments == {}
    assert greedy(plan).covered == 0


def test_solver_never_covers_fewer_than_greedy_on_small_random_weeks():
    from bench.week import planning_week

    for seed in range(3):
        plan = planning_week(requests=40, mediators=15, seed=seed)
        base, best = greedy(plan), solve(plan, time_limit_s=5)
        assert check(plan, base.assignments) == []
        assert check(plan, best.assignments) == []
        assert best.status == "OPTIMAL"
        assert best.covered >= base.covered
