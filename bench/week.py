"""Build a seeded planning week (300 requests, 1,000 mediators) as a planner input.

Why in memory: the planner's input is the matching service's verdict (eligible mediators and
soft scores), which does not exist yet on this branch; this week applies the same kinds of
hard rules (language, declared weekday/time window, weekly capacity) so the solver and the
greedy baseline face a realistic, tight week. Once merged, a week from the database can be fed
through `app.services.matching.ranking` instead.
"""

from __future__ import annotations

import datetime as dt
import random

from app.services.matching.solver import PlanInput, PlanRequest
from bench import people

UTC = dt.UTC


def planning_week(requests: int = 300, mediators: int = 1000, seed: int = 8) -> PlanInput:
    """Return the planner input for one generated week (Monday 2026-03-02, UTC)."""
    rng = random.Random(seed)
    monday = dt.datetime(2026, 3, 2, tzinfo=UTC)
    speaks: dict[str, list[int]] = {}
    windows: dict[int, list[tuple[int, int, int]]] = {}
    level: dict[int, int] = {}
    capacity: dict[int, int] = {}
    for m in range(1, mediators + 1):
        codes = set(rng.choices(people.LANGUAGES, people.LANGUAGE_WEIGHTS,
                                k=rng.choice((1, 1, 2, 2, 3, 4))))
        for code in codes:
            speaks.setdefault(code, []).append(m)
        windows[m] = []
        for day in rng.sample(range(5), rng.randint(1, 3)):
            start = rng.randint(7, 13)
            windows[m].append((day, start * 60, min(20, start + rng.randint(3, 6)) * 60))
        level[m] = rng.randint(0, 40)
        capacity[m] = rng.choice((1, 1, 2, 2, 3))
    reqs, eligible = [], {}
    for rid in range(1, requests + 1):
        day = rng.randrange(5)
        start_min = rng.randrange(8 * 4, 16 * 4) * 15
        minutes = rng.choice((45, 60, 60, 90, 120))
        start = monday + dt.timedelta(days=day, minutes=start_min)
        reqs.append(PlanRequest(rid, start, start + dt.timedelta(minutes=minutes)))
        code = rng.choices(people.LANGUAGES, people.LANGUAGE_WEIGHTS)[0]
        eligible[rid] = {
            m: 50 + level[m] + rng.randint(0, 10)
            for m in speaks.get(code, [])
            if any(d == day and s <= start_min and start_min + minutes <= e
                   for d, s, e in windows[m])
        }
    return PlanInput(reqs, eligible, capacity, buffer=dt.timedelta(minutes=30))
