"""Propose a week's assignments: OR-Tools CP-SAT beside a greedy baseline.

Why a solver: hand assignment (and a greedy loop) books the best mediator for the first
request and so can leave a later request with no one free; CP-SAT looks at the whole week.
The input is solver-independent (`PlanInput`): the matching service decides who is eligible
(language, availability, documents, absences, clashes with existing bookings) and how well
each fits (integer soft score), and reports each mediator's remaining weekly capacity. The
planner adds the rules that couple requests: one mediator per request, no two overlapping
requests (travel buffer included between two on-site requests; a phone or video request
needs none) for one mediator, at most `capacity` requests each.

Objective, strictly lexicographic: 1. requests covered, 2. total soft score, 3. fairness
(sum of squared loads, so two mediators with one request each beat one with two).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PlanRequest:
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    on_site: bool = True  # phone and video requests need no travel buffer


@dataclass
class PlanInput:
    """requests; eligible[request id] = {mediator id: soft score}; capacity[mediator id]."""

    requests: list[PlanRequest]
    eligible: dict[int, dict[int, int]]
    capacity: dict[int, int]
    buffer: dt.timedelta = dt.timedelta(minutes=30)


@dataclass
class PlanResult:
    assignments: dict[int, int] = field(default_factory=dict)  # request id -> mediator id
    covered: int = 0
    score: int = 0
    fairness_penalty: int = 0
    status: str = ""
    objective: float = 0.0
    bound: float = 0.0
    gap: float = 0.0
    seconds: float = 0.0
    method: str = ""


def conflicts(a: PlanRequest, b: PlanRequest, buffer: dt.timedelta) -> bool:
    """Tell whether one mediator cannot serve both (the intervals plus buffer overlap; the
    buffer only counts between two on-site requests, as in matching's overlap rule)."""
    gap = buffer if a.on_site and b.on_site else dt.timedelta(0)
    return a.starts_at < b.ends_at + gap and b.starts_at < a.ends_at + gap


def _conflict_cliques(requests: list[PlanRequest], buffer: dt.timedelta) -> list[list[int]]:
    """Return cliques that cover every conflicting pair: the on-site requests with the
    buffer, and all requests without it (an on-site and a remote request conflict only when
    they really overlap, which is not an interval graph with one buffer for all)."""
    on_site = [r for r in requests if r.on_site]
    cliques = _cliques(on_site, buffer)
    if len(on_site) < len(requests):
        cliques += _cliques(requests, dt.timedelta(0))
    return cliques


def _cliques(requests: list[PlanRequest], buffer: dt.timedelta) -> list[list[int]]:
    """Return the maximal sets of mutually conflicting requests (interval-graph cliques).

    Extending every interval by the buffer makes "conflict" plain interval overlap, and in an
    interval graph the requests running at each start point form the maximal cliques, so a few
    at-most-one constraints replace all pairwise ones.
    """
    ordered = sorted(requests, key=lambda r: r.starts_at)
    cliques: list[list[int]] = []
    active: list[PlanRequest] = []
    for req in ordered:
        active = [a for a in active if req.starts_at < a.ends_at + buffer]
        active.append(req)
        if len(active) > 1:
            cliques.append([a.id for a in active])
    return [c for i, c in enumerate(cliques)
            if not (i + 1 < len(cliques) and set(c) <= set(cliques[i + 1]))]


def _evaluate(plan: PlanInput, assignments: dict[int, int]) -> tuple[int, int]:
    score = sum(plan.eligible[r][m] for r, m in assignments.items())
    loads: dict[int, int] = {}
    for m in assignments.values():
        loads[m] = loads.get(m, 0) + 1
    return score, sum(v * v for v in loads.values())


def greedy(plan: PlanInput) -> PlanResult:
    """Assign requests by start time to the best-scoring mediator still free (the baseline)."""
    started = time.perf_counter()
    booked: dict[int, list[PlanRequest]] = {}
    assignments: dict[int, int] = {}
    for req in sorted(plan.requests, key=lambda r: (r.starts_at, r.id)):
        ranked = sorted(plan.eligible.get(req.id, {}).items(), key=lambda kv: (-kv[1], kv[0]))
        for mediator_id, _score in ranked:
            taken = booked.setdefault(mediator_id, [])
            if len(taken) >= plan.capacity.get(mediator_id, 0):
                continue
            if any(conflicts(req, other, plan.buffer) for other in taken):
                continue
            taken.append(req)
            assignments[req.id] = mediator_id
            break
    score, penalty = _evaluate(plan, assignments)
    return PlanResult(assignments, len(assignments), score, penalty, "HEURISTIC",
                      seconds=time.perf_counter() - started, method="greedy")


def solve(plan: PlanInput, time_limit_s: float = 10.0, workers: int = 2,
          seed: int = 0) -> PlanResult:
    """Solve the week with CP-SAT within the time limit; report status, bound and gap.

    The limit covers building the model too (a second for 500 requests): CP-SAT searches
    for what is left of it, at least a fifth.
    """
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    model = cp_model.CpModel()
    by_id = {r.id: r for r in plan.requests}
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    per_mediator: dict[int, list[int]] = {}
    covered = []
    for req in plan.requests:
        chosen = []
        for mediator_id in plan.eligible.get(req.id, {}):
            if plan.capacity.get(mediator_id, 0) <= 0:
                continue
            x[req.id, mediator_id] = model.new_bool_var(f"x_{req.id}_{mediator_id}")
            chosen.append(x[req.id, mediator_id])
            per_mediator.setdefault(mediator_id, []).append(req.id)
        if chosen:
            model.add_at_most_one(chosen)  # one mediator per request
            covered.extend(chosen)
    penalty_terms = []
    max_penalty = 0
    for mediator_id, request_ids in per_mediator.items():
        mine = [x[r, mediator_id] for r in request_ids]
        for clique in _conflict_cliques([by_id[r] for r in request_ids], plan.buffer):
            model.add_at_most_one(x[r, mediator_id] for r in clique)
        cap = min(plan.capacity[mediator_id], len(request_ids))
        if len(request_ids) > cap:
            model.add(sum(mine) <= cap)
        if cap >= 2:  # load == sum of ordered steps; step k costs 2k-1, so cost == load²
            steps = [model.new_bool_var(f"l_{mediator_id}_{k}") for k in range(1, cap + 1)]
            model.add(sum(steps) == sum(mine))
            for a, b in zip(steps, steps[1:], strict=False):
                model.add_implication(b, a)
            penalty_terms.extend((2 * k - 1) * s for k, s in enumerate(steps, start=1) if k > 1)
            max_penalty += cap * cap - 1
    score_terms = [plan.eligible[r][m] * v for (r, m), v in x.items()]
    max_score = sum(max(plan.eligible.get(r.id, {}).values(), default=0) for r in plan.requests)
    w_score = max_penalty + 1
    w_cover = w_score * max(0, max_score) + max_penalty + 1
    model.maximize(w_cover * sum(covered) + w_score * sum(score_terms) - sum(penalty_terms))

    solver = cp_model.CpSolver()
    built_s = time.perf_counter() - started
    solver.parameters.max_time_in_seconds = max(time_limit_s / 5, time_limit_s - built_s)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    result = PlanResult(status=solver.status_name(status), method="cp-sat")
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        result.assignments = {r: m for (r, m), v in x.items() if solver.boolean_value(v)}
        result.objective = solver.objective_value
        result.bound = solver.best_objective_bound
        result.gap = abs(result.bound - result.objective) / max(1.0, abs(result.objective))
    result.covered = len(result.assignments)
    result.score, result.fairness_penalty = _evaluate(plan, result.assignments)
    result.seconds = time.perf_counter() - started
    return result


def check(plan: PlanInput, assignments: dict[int, int]) -> list[str]:
    """Return every broken rule of a proposal (empty when it is valid); tests and UI use it."""
    problems = []
    by_id = {r.id: r for r in plan.requests}
    booked: dict[int, list[PlanRequest]] = {}
    for request_id, mediator_id in assignments.items():
        if mediator_id not in plan.eligible.get(request_id, {}):
            problems.append(f"request {request_id}: mediator {mediator_id} not eligible")
        booked.setdefault(mediator_id, []).append(by_id[request_id])
    for mediator_id, reqs in booked.items():
        if len(reqs) > plan.capacity.get(mediator_id, 0):
            problems.append(f"mediator {mediator_id}: over capacity")
        problems.extend(
            f"mediator {mediator_id}: requests {a.id} and {b.id} overlap"
            for i, a in enumerate(reqs) for b in reqs[i + 1:] if conflicts(a, b, plan.buffer))
    return problems

