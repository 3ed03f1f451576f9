"""EXPLAIN the hot queries on PostgreSQL and tell which index each plan uses.

Why a list: the proof that the matching and dashboard queries use their indexes must grow with
them; add one `HotQuery` per query (the lead adds the matching/dashboard ones after merging).
The test suite runs it with `enable_seqscan = off` on a small table (the index is usable); the
benchmark runs it on the generated data set (the planner prefers the index at scale).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


@dataclass(frozen=True)
class HotQuery:
    name: str
    build: Callable[[dt.datetime], sa.Select]
    indexes: tuple[str, ...]  # any of these in the plan counts as index use


def _open_requests(now: dt.datetime) -> sa.Select:
    from app.models import InterpretingRequest as R
    from app.models.request import OPEN_REQUEST_STATUSES

    return (sa.select(R.id, R.starts_at).where(R.status.in_(OPEN_REQUEST_STATUSES),
                                               R.starts_at >= now)
            .order_by(R.starts_at).limit(20))


def _mediators_by_language(_now: dt.datetime) -> sa.Select:
    from app.services.mediators import search_query

    return search_query(language="tir").limit(20)


def _mediator_assignments(now: dt.datetime) -> sa.Select:
    from app.models import Assignment

    return sa.select(Assignment.id).where(
        Assignment.mediator_id == 1,
        Assignment.starts_at >= now - dt.timedelta(days=7),
        Assignment.starts_at < now + dt.timedelta(days=7))


HOT_QUERIES = [
    HotQuery("open_requests_by_status_start", _open_requests,
             ("ix_interpreting_request_status_starts_at",)),
    HotQuery("mediators_by_language", _mediators_by_language,
             ("ix_mediator_language_code_mediator",)),
    HotQuery("mediator_week_assignments", _mediator_assignments,
             ("ix_assignment_mediator_starts_at",)),
]


def explain(connection: sa.Connection, stmt: sa.Select) -> str:
    """Return PostgreSQL's plan for a statement (bound parameters passed, not inlined)."""
    compiled = stmt.compile(dialect=postgresql.psycopg.dialect(),
                            compile_kwargs={"render_postcompile": True})
    rows = connection.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params)
    return "\n".join(row[0] for row in rows)


def index_report(connection: sa.Connection, now: dt.datetime) -> dict[str, dict]:
    """EXPLAIN every hot query; return per query whether an expected index is used."""
    report = {}
    for query in HOT_QUERIES:
        plan = explain(connection, query.build(now))
        used = [name for name in query.indexes if name in plan]
        report[query.name] = {"uses_index": bool(used), "index": used[0] if used else None,
                              "plan": plan}
    return report
