"""Load, faults and recovery with real processes: two gunicorns, a scheduler, PostgreSQL, SMTP.

Run with `make test-resilience` (a few minutes). What it proves is listed in the README.
"""

from __future__ import annotations

import threading
import time

from resilience import checks
from resilience.driver import Load
from resilience.stack import Stack, flask

LOAD_SECONDS = 35
MAX_REQUESTS = 4000


def _assert_clean(stack: Stack, mailbox, in_flight: int = 0) -> dict:
    """No double booking; every outbox row received, and once.

    `in_flight`: messages that may arrive twice because a sender was killed after the SMTP
    server had taken the message but before the row was marked sent (at most one per kill;
    the copy has the same Message-ID, so receivers can drop it).
    """
    overlaps, doubles = checks.double_bookings(stack.url)
    assert overlaps == [], f"overlapping live assignments: {overlaps}"
    assert doubles == [], f"requests with more than one live assignment: {doubles}"
    rows = checks.wait_until_delivered(stack.url)
    report = checks.delivery_report(rows, mailbox.message_ids())
    assert report["not_sent"] == [] and report["missing"] == [], report
    assert len(report["twice"]) <= in_flight and report["unknown"] == [], report
    counts = [mailbox.message_ids().count(m) for m in report["twice"]]
    assert all(n == 2 for n in counts), counts
    return report


def test_load_has_no_server_errors_no_double_bookings_and_mails_once(stack, mailbox):
    load = Load(stack.ports, mailbox, LOAD_SECONDS, MAX_REQUESTS)
    load.start()
    load.join()
    rec = load.record
    print("load statuses:", dict(rec.statuses), "connection errors:", len(rec.errors))
    print("refused:", dict(rec.refused))
    assert rec.total() > 200
    assert rec.server_errors == [] and not rec.unavailable, rec.server_errors[:5]
    assert rec.errors == []
    with checks.connect(stack.url) as conn:
        accepted = conn.execute(
            "SELECT count(*) FROM offer WHERE status = 'accepted'").fetchone()[0]
        submitted = conn.execute(
            "SELECT count(*) FROM interpreting_request WHERE created_at > now() - interval "
            "'10 minutes'").fetchone()[0]
    assert submitted > 5 and accepted > 0, (submitted, accepted)
    report = _assert_clean(stack, mailbox)
    print("outbox:", report["rows"], "rows, all received exactly once")


def test_postgres_restart_during_load_gives_503_then_recovers(stack, mailbox, cluster):
    load = Load(stack.ports, mailbox, 30, MAX_REQUESTS, seed=9)
    load.start()
    time.sleep(6)
    outage_start = time.monotonic()
    cluster.restart(down_seconds=5)
    outage_end = time.monotonic()
    load.join()
    rec = load.record
    print("restart statuses:", dict(rec.statuses), "connection errors:", len(rec.errors))
    assert rec.server_errors == [], rec.server_errors[:5]
    assert rec.unavailable, "no request saw the outage"
    for _t, _path, body in rec.unavailable:
        assert "Traceback" not in body and "<html" in body.lower()
    assert rec.errors == []  # gunicorn kept answering: a 503 page, never a dropped connection
    assert any(t > outage_end + 2 for t in rec.ok_after), "no success after the restart"
    assert outage_end - outage_start >= 5
    # a message whose "sent" commit died with the server goes out again (same Message-ID)
    _assert_clean(stack, mailbox, in_flight=1)


def _enqueue(stack: Stack, count: int) -> None:
    script = (
        "from app import create_app\n"
        "from app.extensions import db\n"
        "from app.services.core.outbox import enqueue\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        f"    for n in range({count}):\n"
        "        enqueue(f'drill{n}@example.org', f'Drill {n}', 'Body ' * 200)\n"
        "    db.session.commit()\n")
    import subprocess
    import sys

    subprocess.run([sys.executable, "-c", script], env=stack.env, check=True,  # noqa: S603
                   cwd=str(checks.__file__).rsplit("/resilience/", 1)[0], timeout=120)


def test_scheduler_killed_mid_delivery_loses_nothing_and_resends_at_most_the_one_in_flight(
        stack, mailbox):
    rows_before = len(checks.outbox_rows(stack.url))
    ids = mailbox.message_ids()
    resent_before = len({m for m in ids if ids.count(m) > 1})  # earlier tests' crashes
    slow = threading.Event()
    original = mailbox.handle_DATA

    async def slow_data(server, session, envelope):
        if slow.is_set():
            import asyncio

            await asyncio.sleep(0.02)
        return await original(server, session, envelope)

    mailbox.handle_DATA = slow_data
    slow.set()
    try:
        _enqueue(stack, 300)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # kill once delivery is under way
            sent = sum(1 for r in checks.outbox_rows(stack.url)[rows_before:] if r[2] == "sent")
            if sent >= 30:
                break
            time.sleep(0.05)
        stack.kill_scheduler()
        sent_at_kill = sum(1 for r in checks.outbox_rows(stack.url)[rows_before:]
                           if r[2] == "sent")
        assert 0 < sent_at_kill < 300, sent_at_kill
        stack.start_scheduler()
        report = _assert_clean(stack, mailbox, in_flight=resent_before + 1)
    finally:
        slow.clear()
        mailbox.handle_DATA = original
    print("killed after", sent_at_kill, "of 300; total rows", report["rows"],
          "; resent in-flight message:", report["twice"] or "none")


def test_schema_is_current_on_the_load_database(stack):
    result = flask(stack.env, "db", "current")
    assert "(head)" in result.stdout
    with checks.connect(stack.url) as conn:
        assert conn.execute("SELECT count(*) FROM app_user").fetchone()[0] >= 4


def test_statement_operations_race_on_a_real_cluster(cluster):
    """All pairs of operations on a month's statements at once (tests/reports/allowance_race.py)."""
    import itertools
    import uuid

    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from config import TestingConfig
    from tests.reports.allowance_race import OPERATIONS, build_month, race, settle_and_check

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = cluster.create_database(f"skm_money_{uuid.uuid4().hex[:8]}")

    app = create_app(Config)
    with app.app_context():
        upgrade()
        try:
            for n, names in enumerate(itertools.combinations_with_replacement(OPERATIONS, 2)):
                ids = build_month(2030, 1 + n)
                outcomes, paid = race(app, names, ids)
                settle_and_check(ids, outcomes, paid)
        finally:
            db.session.remove()
            db.engine.dispose()
