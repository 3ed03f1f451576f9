"""Fast smoke tests of the benchmark tools: the generator at a tiny scale and the statistics."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from bench.generate import generate
from bench.run import table
from bench.stats import percentile, summarise, verdict

TODAY = dt.date(2026, 3, 2)


def _dump(path) -> list:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT id, institution_id, starts_at, language_code, status FROM "
            "interpreting_request ORDER BY id LIMIT 50").fetchall()


def test_generator_loads_a_consistent_deterministic_data_set(tmp_path):
    first, second = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    counts = generate(f"sqlite:///{first}", scale=0.002, seed=3, today=TODAY)
    assert counts["mediator"] == 10 and counts["institution"] == 6
    assert counts["interpreting_request"] == 2000 + 4 + 3
    assert counts["assignment"] > 1500
    generate(f"sqlite:///{second}", scale=0.002, seed=3, today=TODAY)
    assert _dump(first) == _dump(second)
    with sqlite3.connect(first) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        open_rows = conn.execute(
            "SELECT count(*) FROM interpreting_request WHERE status IN ('submitted', 'offered') "
            "AND starts_at > '2026-03-02'").fetchone()[0]
        assert open_rows >= 4  # 4 open, plus any future request no one was free for
        overlapping = conn.execute(
            "SELECT count(*) FROM assignment a JOIN assignment b ON a.mediator_id = "
            "b.mediator_id AND a.id < b.id AND a.starts_at < b.ends_at AND b.starts_at < "
            "a.ends_at WHERE a.status != 'cancelled' AND b.status != 'cancelled'").fetchone()
        assert overlapping == (0,)
        live = conn.execute("SELECT request_id, count(*) FROM assignment WHERE status != "
                            "'cancelled' GROUP BY request_id HAVING count(*) > 1").fetchall()
        assert live == []
        assert conn.execute("SELECT count(*) FROM app_user WHERE role = 'coordinator'"
                            ).fetchone() == (1,)


def test_generated_rows_read_back_through_the_models(app, tmp_path):
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from app.models import Assignment, User

    path = tmp_path / "c.sqlite"
    generate(f"sqlite:///{path}", scale=0.001, seed=1, today=TODAY)
    engine = sa.create_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        done = session.scalars(sa.select(Assignment).where(
            Assignment.report_status == "approved").limit(1)).one()
        assert done.starts_at.tzinfo is not None and done.starts_at < done.ends_at
        assert done.reported_minutes >= done.request.duration_minutes
        coordinator = session.scalars(sa.select(User).where(User.role == "coordinator")).one()
        assert coordinator.check_password("bench-password")
    engine.dispose()


def test_percentiles_interpolate_like_numpy():
    samples = [float(v) for v in range(1, 101)]  # 1..100
    assert percentile(samples, 50) == 50.5
    assert percentile(samples, 95) == pytest.approx(95.05)
    assert percentile([7.0], 95) == 7.0
    assert summarise([3.0, 1.0, 2.0]) == {"n": 3, "p50": 2.0, "p95": 2.9, "max": 3.0}
    with pytest.raises(ValueError):
        percentile([], 50)


def test_verdicts_and_table():
    assert verdict(40, 50, higher_is_better=False) == "met"
    assert verdict(60, 50, higher_is_better=False) == "missed"
    assert verdict(0.4, 0.5, higher_is_better=True) == "missed"
    assert verdict(None, 5, higher_is_better=False) == "-"
    text = table({
        "feed_ms": {"status": "not available yet", "target": 30, "unit": "ms",
                    "higher_is_better": False, "verdict": "-", "note": "404"},
        "healthz_ms": {"status": "ok", "p50": 1.0, "p95": 2.0, "target": 5, "unit": "ms",
                       "higher_is_better": False, "verdict": "met"},
    })
    assert "not available yet" in text and "met" in text


def test_bench_derives_the_feed_token_the_app_accepts(app, make_user):
    from app.services.calendar import feeds
    from bench.run import feed_token

    user = make_user("mediator")
    expected = feeds.token_for(user)
    assert feed_token(user.id, user.feed_secret, app.config["SECRET_KEY"]) == expected
    assert feeds.poll(expected)[0].id == user.id
    assert feed_token(user.id, user.feed_secret, "another-key") != expected


def test_context_gives_every_metric_a_real_path(tmp_path):
    from bench.run import METRICS, context

    path = tmp_path / "ctx.sqlite"
    generate(f"sqlite:///{path}", scale=0.002, seed=3, today=dt.datetime.now(dt.UTC).date())
    ctx = context(f"sqlite:///{path}", "k" * 32)
    assert ctx["busy_user_id"] and ctx["feed_token"].startswith(f"{ctx['busy_user_id']}.")
    paths = {m.name: m.url(ctx) for m in METRICS}
    assert None not in paths.values()
    assert paths["candidates_ms"] == f"/coordination/requests/{ctx['open_request_id']}"
    assert paths["dashboard_ms"] == "/coordination/requests"
    assert paths["report_year_ms"].startswith("/reports/?kind=year&year=")


def test_import_bench_imports_every_row_and_a_second_run_changes_nothing(tmp_path):
    from bench.import_bench import measure

    entry = measure(f"sqlite:///{tmp_path / 'bench.sqlite'}", rows=60)
    assert entry["status"] == "ok" and entry["target"] == 60.0
    assert entry["note"].startswith("60 rows")
