"""PostgreSQL can answer the hot queries from their indexes (EXPLAIN, no sequential scan)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.extensions import db
from bench.explain import HOT_QUERIES, explain, index_report


@pytest.fixture()
def pg(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("EXPLAIN proof runs on PostgreSQL only")
    with db.engine.connect() as conn:
        conn.execute(sa.text("SET enable_seqscan = off"))
        yield conn
        conn.rollback()


def test_every_hot_query_can_use_its_index(pg):
    now = dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)
    report = index_report(pg, now)
    assert set(report) == {q.name for q in HOT_QUERIES}
    missing = {name: r["plan"] for name, r in report.items() if not r["uses_index"]}
    assert missing == {}


def test_explain_tells_a_sequential_scan_apart(pg):
    # Filtering on an unindexed column leaves no index to use: the helper must not say otherwise.
    from app.models import InterpretingRequest as R

    plan = explain(pg, sa.select(R.id).where(R.note == "x"))
    assert "ix_interpreting_request_status_starts_at" not in plan
    assert "Seq Scan" in plan
