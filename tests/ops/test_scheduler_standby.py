"""What the scheduler says and does around outages: database down at start, another holder,
a lost lock, an SMTP outage. Each state is logged once, when it begins."""

from __future__ import annotations

import datetime as dt
import logging
import os

import pytest
import sqlalchemy as sa
from flask import Flask

from app import scheduler
from app.extensions import db
from app.models import InterpretingRequest, Meeting, OutboxMessage, SentReminder
from app.scheduler_lock import SchedulerLock
from app.services.core import outbox
from app.services.core.outbox import enqueue
from app.services.core.tasks import deliver_due
from tests.conftest import _Collector, running_smtp
from tests.factories import make_request
from tests.net import free_port


class StopError(Exception):
    pass


def _messages(caplog, name: str = "skm.scheduler") -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == name]


def test_start_with_the_database_down_waits_with_backoff(app, caplog):
    """Start-up while PostgreSQL is down: wait 1, 2, 4, 8 s (said once), then stand by."""
    reachable = app.config["SQLALCHEMY_DATABASE_URI"]
    mini = Flask(__name__, instance_path=app.instance_path)
    mini.config.update(SQLALCHEMY_DATABASE_URI=(
        f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/down"))
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 4:  # the database is back
            mini.config["SQLALCHEMY_DATABASE_URI"] = reachable
        if len(sleeps) == 6:
            raise StopError

    caplog.set_level(logging.INFO, logger="skm.scheduler")
    with scheduler.single_instance(app) as holder:  # another scheduler has the lock
        assert holder.held
        with pytest.raises(StopError):
            scheduler.run_forever(mini, poll_seconds=0.5, sleep=sleep)
    assert sleeps == [1, 2, 4, 8, 0.5, 0.5]
    said = _messages(caplog)
    assert len(said) == 3, said
    assert said[0].startswith("database unreachable (") and "back-off" in said[0]
    assert said[1] == "database reachable again"
    assert said[2] == (f"another scheduler holds the lock (pid {os.getpid()} on "
                       f"{os.uname().nodename}); standing by")


def test_no_wait_names_the_holder(app):
    with scheduler.single_instance(app), pytest.raises(RuntimeError, match=f"pid {os.getpid()}"):
        scheduler.run_forever(app, wait=False)


class _LostLock(SchedulerLock):
    """A lock the database dropped after `checks` successful checks."""

    def __init__(self, checks: int) -> None:
        self.held, self.checks = True, checks

    def alive(self) -> bool:
        self.checks -= 1
        if self.checks < 0:
            self.held, self.lost_reason = False, "connection closed"
        return self.held


def test_a_lost_lock_stops_every_job_before_it_acts(app, clock, smtp_server, caplog,
                                                    make_institution, make_user):
    clock(dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC))
    make_user("coordinator", email="koord@example.org")
    begun = make_request(make_institution(), day=dt.date(2026, 11, 30))
    enqueue("waiting@example.org", "Wartet", "Text")
    db.session.commit()
    caplog.set_level(logging.INFO, logger="skm.scheduler")

    assert scheduler.act(app, _LostLock(checks=0)) is False  # lost before the first job

    said = _messages(caplog)
    assert said[-1] == "lock lost (connection closed); standing by"
    assert not [m for m in said if "failed" in m]
    assert smtp_server.messages == []
    db.session.expire_all()
    assert db.session.get(InterpretingRequest, begun.id).status == "submitted"
    assert "skm.scheduler_fence" not in app.extensions  # the fence is removed with the term


def test_a_lock_lost_during_a_run_commits_nothing_of_it(app, clock, smtp_server,
                                                        make_institution, make_user):
    clock(dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC))
    make_user("coordinator", email="koord@example.org")
    begun = make_request(make_institution(), day=dt.date(2026, 11, 30))
    db.session.commit()
    tick = next(job for job in scheduler.JOBS if job.id == "requests.tick")
    from app.services.core import fence

    fence.install(app, _LostLock(checks=1).alive)  # fine before the run, lost before commit
    try:
        with pytest.raises(fence.LockLostError):
            scheduler.run_job(app, tick)
    finally:
        fence.remove(app)
    db.session.expire_all()
    assert db.session.get(InterpretingRequest, begun.id).status == "submitted"


def test_a_lock_lost_between_units_commits_none_after_it(app, clock, make_mediator):
    """Reminders commit one meeting at a time, each after the fence: the first meeting's
    reminder stays committed, the second is never committed once the lock is gone."""
    now = dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC)
    clock(now)
    make_mediator(email="unit@example.org")
    for minutes in (30, 60):
        start = now + dt.timedelta(days=7, minutes=-minutes)
        db.session.add(Meeting(kind="exchange", title="Austauschtreffen", place="Rathaus",
                               starts_at=start, ends_at=start + dt.timedelta(hours=2)))
    db.session.commit()
    job = next(job for job in scheduler.JOBS if job.id == "reminders.meetings")
    from app.services.core import fence

    fence.install(app, _LostLock(checks=2).alive)  # the run, the first unit; then lost
    try:
        with pytest.raises(fence.LockLostError):
            scheduler.run_job(app, job)
    finally:
        fence.remove(app)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 1
    if db.engine.dialect.name == "postgresql":  # pysqlite commits a first SAVEPOINT's RELEASE
        assert db.session.scalar(sa.select(sa.func.count(SentReminder.id))) == 1


def test_smtp_outage_and_recovery_are_logged_once_each(app, caplog):
    outbox._SMTP["down"] = False
    for n in range(3):
        enqueue(f"r{n}@example.org", "Betreff", "Text")
    db.session.commit()
    caplog.set_level(logging.INFO, logger="skm.outbox")
    app.config["MAIL_PORT"] = free_port()  # nobody listens there
    for _ in range(3):  # three scheduler runs during the outage
        assert deliver_due()["sent"] == 0
        db.session.execute(sa.update(OutboxMessage).values(
            next_attempt_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)))
        db.session.commit()
    said = _messages(caplog, "skm.outbox")
    assert len(said) == 1, said
    assert said[0].startswith("SMTP unreachable: ") and said[0].endswith("; 3 messages waiting")
    with running_smtp(app, _Collector()) as server:
        assert deliver_due()["sent"] == 3
        assert deliver_due()["sent"] == 0
    assert len(server.messages) == 3
    assert _messages(caplog, "skm.outbox")[1:] == ["SMTP reachable again"]
