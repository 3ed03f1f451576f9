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
    from bench.context import feed_token

    user = make_user("mediator")
    expected = feeds.token_for(user)
    assert feed_token(user.id, user.feed_secret, app.config["SECRET_KEY"]) == expected
    assert feeds.poll(expected)[0].id == user.id
    assert feed_token(user.id, user.feed_secret, "another-key") != expected


def test_context_gives_every_metric_a_real_path(tmp_path):
    from bench.context import context
    from bench.run import METRICS

    path = tmp_path / "ctx.sqlite"
    generate(f"sqlite:///{path}", scale=0.002, seed=3, today=dt.datetime.now(dt.UTC).date())
    ctx = context(f"sqlite:///{path}", "k" * 32)
    assert ctx["busy_user_id"] and ctx["feed_token"].startswith(f"{ctx['busy_user_id']}.")
    paths = {m.name: m.url(ctx) for m in METRICS}
    assert None not in paths.values()
    assert paths["candidates_ms"] == f"/coordination/requests/{ctx['open_request_id']}"
    assert paths["candidates_arabic_ms"] == f"/coordination/requests/{ctx['arabic_request_id']}"
    assert paths["dashboard_ms"] == "/coordination/requests"
    assert paths["report_year_ms"].startswith("/reports/?kind=year&year=")
    with sqlite3.connect(path) as conn:
        # the generator books single languages; the context copies one open request to "ara"
        assert conn.execute("SELECT language_code, status FROM interpreting_request WHERE id = ?",
                            (ctx["arabic_request_id"],)).fetchone()[0] == "ara"
        speakers = conn.execute("SELECT count(DISTINCT mediator_id) FROM mediator_language "
                                "WHERE code = ?", (ctx["language"],)).fetchone()[0]
    assert ctx["speakers"] == speakers > 0
    assert ctx["arabic_speakers"] >= 1
    assert context(f"sqlite:///{path}", "k" * 32)["arabic_request_id"] == ctx["arabic_request_id"]


def test_ratios_are_judged_on_every_run():
    from bench.ratios import combine_runs, ratio_summary

    summary = ratio_summary([10.0, 20.0, 30.0], [1.0, 2.0, 3.0])
    assert summary["baseline_p50"] == 2.0 and summary["ratio_p50"] == 10.0
    assert summary["ratio_p95"] == pytest.approx(29.0 / 2.0, abs=0.01)
    runs = [{"status": "ok", "p50": 1, "p95": 2, "baseline_p50": 0.1, "ratio_p95": r}
            for r in (20.0, 24.0, 26.0)]
    missed = combine_runs(runs, 25)
    assert missed["verdict"] == "missed" and missed["verdict_note"] == "met in 2 of 3 runs"
    assert missed["ratio_p95"] == 24.0 and missed["ratio_spread"] == 0.25
    assert [r["ratio_p95"] for r in missed["runs"]] == [20.0, 24.0, 26.0]
    assert combine_runs(runs, 30)["verdict"] == "met"
    rps = [{"status": "ok", "value": v} for v in (0.9, 0.7, 0.85)]
    assert combine_runs(rps, 0.8, higher_is_better=True)["verdict"] == "missed"
    assert combine_runs(rps, 0.6, higher_is_better=True)["value"] == 0.85
    assert combine_runs([{"status": "not available yet"}], 30) == {"status": "not available yet"}


def test_interleaving_alternates_the_baseline_and_the_page():
    from bench.ratios import interleaved

    calls = []

    class Recorder:
        def get(self, path, headers=None):
            calls.append(path)
            return 200, {}, b""

    page, base, failed = interleaved(Recorder(), Recorder(), "/page", 4)
    assert calls == ["/healthz", "/page"] * 4 and len(page) == len(base) == 4
    assert failed is None


def test_cost_curve_svg_draws_three_log_scaled_lines():
    from defusedxml import ElementTree

    from bench.curve import database_for, growth, render_svg

    def point(requests, speakers, factor):
        return {"requests": requests, "speakers": speakers, "metrics": {
            "candidates_ms": {"status": "ok", "p95": 2.0 * factor},
            "dashboard_ms": {"status": "ok", "p95": 30.0},
            "feed_ms": {"status": "ok", "p95": 3.0}}}

    curve = [point(10_035, 10, 1), point(100_350, 100, 8), point(1_003_500, 1000, 70)]
    svg = render_svg(curve)
    root = ElementTree.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    lines = root.findall(f"{ns}polyline")
    assert len(lines) == 3 and all(len(p.get("points").split()) == 3 for p in lines)
    xs = [float(p.split(",")[0]) for p in lines[0].get("points").split()]
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1], abs=0.5)  # log scale: equal steps
    texts = {t.text for t in root.iter(f"{ns}text")}
    assert {"10 k", "100 k", "1 M", "candidates", "dashboard", "feed"} <= texts
    assert root.find(f"{ns}title").text.startswith("Cost curve")
    assert "style=" not in svg
    assert growth(curve)["candidates_ms"] == {"p95_factor": 70.0, "requests_factor": 100.0,
                                              "speakers_factor": 100.0}
    assert database_for("postgresql+psycopg://h/skm_bench", 0.01).endswith("/skm_bench_s0_01")
    assert database_for("sqlite:////tmp/b.sqlite", 0.1) == "sqlite:////tmp/b_s0_1.sqlite"
    assert database_for("sqlite:////tmp/b.sqlite", 1.0) == "sqlite:////tmp/b.sqlite"


def test_import_bench_imports_every_row_and_a_second_run_changes_nothing(tmp_path):
    from bench.import_bench import measure

    entry = measure(f"sqlite:///{tmp_path / 'bench.sqlite'}", rows=60)
    assert entry["status"] == "ok" and entry["target"] == 60.0
    assert entry["note"].startswith("60 rows")
