"""The background scheduler: its own process (`flask scheduler run`), never a web worker.

Jobs are plain functions that poll the database for what is due and commit; their ids,
intervals and misfire policy are declared once in `JOBS`. Only one scheduler acts at a time:
on PostgreSQL a session-level advisory lock held on a dedicated, non-pooled connection for
the life of the process; on SQLite an fcntl lock on a file next to the database.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.pool import NullPool

from app.extensions import db

log = logging.getLogger("skm.scheduler")
LOCK_KEY = 0x534B4D01  # "SKM" + 1: the advisory lock id of the scheduler
_LOCK_CONN: dict = {}  # the connection holding the PostgreSQL lock, while held


@dataclass(frozen=True)
class Job:
    """One periodic job: a fixed id, the function's import path and its timing policy."""

    id: str
    func: str  # "module:function", imported lazily
    minutes: int
    misfire_grace_time: int  # seconds a late run is still made (APScheduler's default is 1 s)
    coalesce: bool = True  # after downtime run once, not once per missed interval


# The registry. Every job is idempotent, so coalescing missed runs loses nothing. Add jobs of
# other areas here (e.g. offer expiry, escalation, retention purge) with a fixed id.
_CAL = "app.services.calendar"
JOBS: list[Job] = [
    Job("outbox.deliver", "app.services.core.outbox:deliver_due", 1, 300),
    Job("meetings.extend_series", f"{_CAL}.meetings:extend_all_series", 24 * 60, 6 * 3600),
    Job("reminders.meetings", f"{_CAL}.reminders:send_meeting_reminders", 10, 3600),
    Job("reminders.assignments", f"{_CAL}.reminders:send_assignment_reminders", 10, 3600),
    Job("reminders.documents", f"{_CAL}.reminders:send_document_reminders", 60, 6 * 3600),
    Job("reminders.open_requests_digest", f"{_CAL}.reminders:send_open_requests_digest",
        30, 6 * 3600),
    # offer expiry, escalation of unanswered requests, unfilled marking (issue 3)
    Job("requests.tick", "app.services.booking.offers:tick", 5, 1800),
    # after the appointment (issue 17): the day-after mails, assumed completion (off by default)
    Job("follow_up.send", "app.services.booking.follow_up:send_follow_ups", 30, 6 * 3600),
    Job("follow_up.assume", "app.services.booking.follow_up:assume_completions", 60, 6 * 3600),
    # retention: request notes, police-certificate records of leavers, stale applicants
    Job("privacy.retention", "app.services.pool.privacy:run_retention", 24 * 60, 12 * 3600),
]


def resolve(job: Job) -> Callable[[], object]:
    module, _, name = job.func.partition(":")
    return getattr(importlib.import_module(module), name)


def run_job(app: Flask, job: Job) -> object:
    """Run one job in a fresh app context; a failure is logged and never kills the process."""
    with app.app_context():
        try:
            result = resolve(job)()
            db.session.commit()
            return result
        except Exception:  # a job must not take the scheduler down
            db.session.rollback()
            log.exception("job %s failed", job.id)
            return None
        finally:
            db.session.remove()


def run_all_once(app: Flask) -> dict[str, object]:
    """Run every job once in registry order (tests, cron-style operation, drills)."""
    return {job.id: run_job(app, job) for job in JOBS}


@contextlib.contextmanager
def single_instance(app: Flask) -> Iterator[bool]:
    """Yield True while this process holds the scheduler lock, False if another one has it."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("postgresql"):
        engine = sa.create_engine(url, poolclass=NullPool)
        conn = engine.connect()
        try:
            got = conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY})
            held = bool(got.scalar())
            conn.commit()  # the lock is session-level: it outlives this transaction
            if held:
                _LOCK_CONN["conn"] = conn
            yield held
        finally:
            if _LOCK_CONN.get("conn") is conn:
                del _LOCK_CONN["conn"]
            conn.close()  # closing the session releases the lock
            engine.dispose()
        return
    path = _sqlite_lock_path(app, url)
    handle = open(path, "a+")  # noqa: SIM115 (held for the whole block)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held = True
        except BlockingIOError:
            held = False
        yield held
    finally:
        handle.close()


def _sqlite_lock_path(app: Flask, url: str) -> str:
    path = sa.engine.make_url(url).database
    if not path or path == ":memory:":
        return os.path.join(app.instance_path, "scheduler.lock")
    return f"{path}.scheduler.lock"


def build_scheduler(app: Flask):
    """Create the BlockingScheduler with every job of the registry."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler(timezone="UTC")
    for job in JOBS:
        seconds = job.minutes * 60
        if job.id == "outbox.deliver":  # mail latency is an operator's choice (and tests')
            seconds = app.config.get("OUTBOX_INTERVAL_SECONDS", seconds)
        scheduler.add_job(
            run_job, "interval", args=(app, job), id=job.id, seconds=seconds,
            misfire_grace_time=job.misfire_grace_time, coalesce=job.coalesce,
            max_instances=1, replace_existing=True,
        )
    return scheduler


def _lock_alive(conn) -> bool:
    try:
        conn.execute(sa.text("SELECT 1"))
        conn.commit()
        return True
    except sa.exc.DBAPIError:
        return False


def _heartbeat(conn, scheduler, lost: list) -> None:
    """Stop acting when the connection that holds the advisory lock is gone."""
    if not _lock_alive(conn):
        log.error("scheduler lock connection lost; standing by")
        lost.append(True)
        scheduler.shutdown(wait=False)


def run_forever(app: Flask, *, wait: bool = True, poll_seconds: int = 30) -> None:
    """Take the lock (or stand by until it is free), catch up on due work, then schedule.

    On PostgreSQL a heartbeat checks the lock's connection every minute: if the database
    dropped it (restart, network), the lock is gone, so this process stops acting and goes
    back to standby instead of running beside a new holder.
    """
    while True:
        with single_instance(app) as held:
            if held:
                log.info("scheduler lock acquired; running %d jobs", len(JOBS))
                run_all_once(app)  # catch up at once: reminders missed while down go out now
                scheduler = build_scheduler(app)
                lost = []
                conn = _LOCK_CONN.get("conn")
                if conn is not None:
                    scheduler.add_job(_heartbeat, "interval", args=(conn, scheduler, lost),
                                      id="scheduler.heartbeat", minutes=1,
                                      misfire_grace_time=60, coalesce=True)
                scheduler.start()
                if not lost:
                    return
        if not wait:
            raise RuntimeError("another scheduler process holds the lock")
        log.info("another scheduler is active; standing by")
        time.sleep(poll_seconds)
