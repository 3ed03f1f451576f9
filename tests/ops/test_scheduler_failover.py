"""Two real `flask scheduler run` processes through a database outage: one acts at a time.

The outage is simulated on a database of its own (the machine's cluster is shared): new
connections are refused, every backend is terminated (the lock holder's lock connection
too, as in a restart), and three seconds later connections are allowed again. Then due work
arrives. Each process sends from its own address, so the mails say who acted: everything
due after the outage must be done exactly once, and only by the scheduler holding the lock.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from app.models import AuditLog, Institution, InterpretingRequest, Mediator, Offer, User
from app.services.core.outbox import enqueue
from app.timeutil import now_utc
from config import TestingConfig
from tests.conftest import PG_URL, _admin_url, _Collector, running_smtp
from tests.production import production_env

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not PG_URL, reason="advisory locks exist on PostgreSQL only")


@pytest.fixture()
def failover_db():
    name = f"skm_failover_{uuid.uuid4().hex[:8]}"
    admin = _admin_url(PG_URL).rpartition("/")[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_URL.rpartition("/")[0] + "/" + name

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    application = create_app(Config)
    with application.app_context():
        upgrade()
    yield application, name, admin
    with application.app_context():
        db.engine.dispose()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _outage(admin: str, name: str, seconds: float) -> None:
    """Refuse connections, drop every one (a restart), come back after `seconds`."""
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
        time.sleep(seconds)
        conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _log(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def _due_work(app, n_mails: int) -> dict[str, list[int]]:
    """Requests already begun (unfilled), past escalation, with an expired offer; mails."""
    now = now_utc()
    with app.app_context():
        inst = db.session.scalar(sa.select(Institution))
        mediator_id = db.session.scalar(sa.select(Mediator.id))
        ids: dict[str, list[int]] = {"begun": [], "escalate": [], "offered": []}
        for kind, starts, status, age in (("begun", -1, "submitted", 30),
                                          ("escalate", 30, "submitted", 30),
                                          ("offered", 50, "offered", 1)):
            for _ in range(3):
                start = now + dt.timedelta(hours=starts)
                req = InterpretingRequest(
                    institution=inst, starts_at=start, ends_at=start + dt.timedelta(hours=1),
                    duration_minutes=60, language_code="tir", occasion="parent_meeting",
                    status=status, created_at=now - dt.timedelta(hours=age))
                db.session.add(req)
                db.session.flush()
                if kind == "offered":
                    db.session.add(Offer(request=req, mediator_id=mediator_id,
                                         expires_at=now - dt.timedelta(minutes=5),
                                         created_at=now - dt.timedelta(hours=1)))
                ids[kind].append(req.id)
        for n in range(n_mails):
            enqueue(f"due{n}@example.org", f"Due {n}", "Text")
        db.session.commit()
        db.session.remove()
    return ids


def test_two_schedulers_through_a_database_restart_act_once(failover_db, tmp_path,
                                                            make_institution, make_mediator,
                                                            make_user):
    app, name, admin = failover_db
    with app.app_context():
        inst = make_institution()
        make_user("institution", institution=inst, email="kita@example.org")
        make_user("coordinator", email="koord@example.org")
        make_mediator()
        db.session.commit()
        db.session.remove()
    with running_smtp(app, _Collector()) as smtp:
        logs = tmp_path
        procs = {}
        try:
            for who in ("a", "b"):
                env = production_env(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
                           MAIL_SERVER="127.0.0.1",
                           MAIL_PORT=str(app.config["MAIL_PORT"]),
                           MAIL_DEFAULT_SENDER=f"scheduler-{who}@skm.example",
                           OUTBOX_INTERVAL_SECONDS="1", SCHEDULER_POLL_SECONDS="1",
                           SCHEDULER_HEARTBEAT_SECONDS="600", FEED_LISTEN="0")
                out = open(logs / f"{who}.log", "wb")  # noqa: SIM115 (the child keeps it)
                procs[who] = subprocess.Popen(  # noqa: S603
                    [sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "run"],
                    cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
                out.close()
                if who == "a":
                    _wait(lambda: "scheduler lock acquired" in _log(logs / "a.log"), 60,
                          "the first scheduler to take the lock")
            _wait(lambda: "standing by" in _log(logs / "b.log"), 60,
                  "the second scheduler to stand by")

            _outage(admin, name, 3)
            ids = _due_work(app, n_mails=12)
            expected = 12 + 3 + 3  # the queued mails, "unfilled" notices, escalations
            _wait(lambda: len(smtp.messages) >= expected, 90, "every due mail")
            time.sleep(4)  # time enough for a second sender to show itself
        finally:
            for proc in procs.values():
                proc.terminate()
            for proc in procs.values():
                proc.wait(timeout=30)
    log_a, log_b = _log(logs / "a.log"), _log(logs / "b.log")
    report = f"\n--- a ---\n{log_a}\n--- b ---\n{log_b}"

    # the standby named the holder; the old holder noticed at its next job, before acting
    assert (f"another scheduler holds the lock (pid {procs['a'].pid} on"
            in log_b.split("database unreachable")[0]), report
    assert "lock lost (connection closed); standing by" in log_a, report
    # exactly one process acted after the outage: the one that took the lock again
    senders = {m["From"] for m in smtp.messages}
    assert len(senders) == 1, (senders, report)
    (sender,) = senders
    holder = re.search(r"scheduler-(\w)@", sender).group(1)
    other = "b" if holder == "a" else "a"
    holder_pid = procs[holder].pid
    assert (f"another scheduler holds the lock (pid {holder_pid} on"
            in _log(logs / f"{other}.log")), report
    # each due thing done once
    subjects = Counter(m["Subject"] for m in smtp.messages)
    digests = [s for s in subjects if "offene Anfragen" in s]  # from 07:00 local time only
    assert sum(subjects.values()) == expected + len(digests), subjects
    assert all(subjects[f"Due {n}"] == 1 for n in range(12)), subjects
    assert subjects["Anfrage noch ohne Sprachmittlung"] == 3, subjects
    assert [subjects[s] for s in digests] in ([], [1]), subjects
    with app.app_context():
        s = db.session
        audit = s.execute(sa.select(AuditLog.action, AuditLog.object_id)).all()
        assert sorted(audit) == sorted([("unfilled", i) for i in ids["begun"]]
                                       + [("escalate", i) for i in ids["escalate"]]), audit
        statuses = s.scalars(sa.select(Offer.status).where(
            Offer.request_id.in_(ids["offered"]))).all()
        assert statuses == ["expired"] * 3
        assert s.scalar(sa.select(sa.func.count(User.id))) == 2
        db.session.remove()
