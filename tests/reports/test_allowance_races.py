"""Race every pair of operations on a month's allowance statements (generate, correct, delete,
export) with real threads and connections, and check that nothing is paid twice.

On PostgreSQL all four take the year's rule row lock and re-read the statements under it; on
SQLite the single write lock does the same. The loser gets the service's own message (or the
conflict message), never an exception, and the exports' audit entries stay exact.
"""

from __future__ import annotations

import itertools

import pytest

from tests.reports.allowance_race import OPERATIONS, build_month, race, settle_and_check
from tests.reports.report_data import NOW

ROUNDS = 4
PAIRS = list(itertools.combinations_with_replacement(OPERATIONS, 2))


@pytest.mark.parametrize("round_", range(ROUNDS))
@pytest.mark.parametrize("names", PAIRS, ids=["-".join(p) for p in PAIRS])
def test_two_statement_operations_at_once(app, clock, names, round_):
    clock(NOW)
    ids = build_month()
    outcomes, paid = race(app, names, ids)
    settle_and_check(ids, outcomes, paid)
