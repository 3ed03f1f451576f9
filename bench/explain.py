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
    from app.services.pool.mediators import search_query

    return search_query(language="tir").limit(20)


def _mediator_assignments(now: dt.datetime) -> sa.Select:
    from app.models import Assignment

    return sa.select(Assignment.id).where(
        Assignment.mediator_id == 1,
        Assignment.starts_at >= now - dt.timedelta(days=7),
        Assignment.starts_at < now + dt.timedelta(days=7))


def _speakers():
    from app.models import MediatorLanguage

    return sa.select(MediatorLanguage.mediator_id).where(MediatorLanguage.code == "tir")


def _matching_bookings(now: dt.datetime) -> sa.Select:
    """Mirror `matching_facts.load_time_facts`: the speakers' live bookings in a request's
    window (its ISO week, widened by travel time and the longest appointment), with each
    booking's mode (the travel buffer only counts between two on-site appointments)."""
    from app.models import Assignment, InterpretingRequest

    return sa.select(Assignment.mediator_id, Assignment.starts_at, Assignment.ends_at,
                     Assignment.status, Assignment.request_id, InterpretingRequest.mode).join(
        InterpretingRequest, InterpretingRequest.id == Assignment.request_id).where(
        Assignment.mediator_id.in_(_speakers()), Assignment.status != "cancelled",
        Assignment.starts_at >= now - dt.timedelta(hours=8, minutes=30),
        Assignment.starts_at < now + dt.timedelta(days=7, minutes=30))


def _matching_fairness(now: dt.datetime) -> sa.Select:
    """Mirror `matching.score_facts.load_score_facts`: minutes served in the last 90 days."""
    from app.models import Assignment

    return (sa.select(Assignment.mediator_id, sa.func.count()).where(
        Assignment.mediator_id.in_(_speakers()), Assignment.status != "cancelled",
        Assignment.starts_at >= now - dt.timedelta(days=90), Assignment.starts_at < now)
        .group_by(Assignment.mediator_id))


def _dashboard_open(_now: dt.datetime) -> sa.Select:
    """Mirror the coordinator dashboard's first table (open requests by start)."""
    from app.models import InterpretingRequest as R

    return (sa.select(R.id).where(R.status.in_(("submitted", "offered")))
            .order_by(R.starts_at, R.id).limit(50))


def _dashboard_assigned(now: dt.datetime) -> sa.Select:
    """Mirror the dashboard's upcoming assigned requests."""
    from app.models import InterpretingRequest as R

    return (sa.select(R.id).where(R.status == "assigned", R.starts_at > now)
            .order_by(R.starts_at).limit(50))


def _dashboard_reports(_now: dt.datetime) -> sa.Select:
    """Mirror the dashboard's reports awaiting approval."""
    from app.models import Assignment

    return (sa.select(Assignment.id).where(Assignment.report_status == "reported")
            .order_by(Assignment.starts_at).limit(50))


HOT_QUERIES = [
    HotQuery("open_requests_by_status_start", _open_requests,
             ("ix_interpreting_request_status_starts_at",)),
    HotQuery("mediators_by_language", _mediators_by_language,
             ("ix_mediator_language_code_mediator",)),
    HotQuery("mediator_week_assignments", _mediator_assignments,
             ("ix_assignment_mediator_starts_at",)),
    # at scale the week's live bookings in one range scan (migration 0026); on a small table
    # PostgreSQL may probe per speaker or take the report's (status, starts_at) index
    HotQuery("matching_speaker_bookings", _matching_bookings,
             ("ix_assignment_live_starts_at", "ix_assignment_mediator_starts_at",
              "ix_assignment_status_starts_at_report")),
    # per speaker at scale (a few eligible ones, 90 days each); a small table may take the
    # live bookings' range index instead
    HotQuery("matching_fairness_minutes", _matching_fairness,
             ("ix_assignment_mediator_starts_at", "ix_assignment_live_starts_at")),
    HotQuery("dashboard_open_requests", _dashboard_open,
             ("ix_interpreting_request_status_starts_at",)),
    HotQuery("dashboard_assigned_upcoming", _dashboard_assigned,
             ("ix_interpreting_request_status_starts_at",)),
    HotQuery("dashboard_reports_awaiting", _dashboard_reports,
             ("ix_assignment_report_status_starts_at",)),
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
