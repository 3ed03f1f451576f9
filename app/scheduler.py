"""The background scheduler: its own process (`flask scheduler run`), never a web worker.

Jobs are declared where their work lives, in `app/services/<domain>/tasks.py` (id, entry
point, interval, misfire policy); this module only collects those lists into `JOBS` and runs
them. Each entry point commits once per unit of work after a fence check
(`app.services.core.jobs`; docs/architecture.md, *Scheduled jobs*). Only one scheduler acts at
a time (`app.scheduler_lock`), and every job is fenced: it checks that this process still holds
the lock before it runs, before each commit and before each SMTP send
(`services.core.fence`), so a holder that lost its lock in a database restart stops acting
instead of running beside the next holder. Jobs also claim their rows, so two schedulers
never act on one row.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask

from app.extensions import db
from app.scheduler_lock import LOCK_KEY, SchedulerLock, single_instance, whoami
from app.services.booking import tasks as booking_tasks
from app.services.calendar import tasks as calendar_tasks
from app.services.core import fence, scheduler_runs
from app.services.core import tasks as core_tasks
from app.services.core.jobs import Job
from app.services.pool import tasks as pool_tasks

log = logging.getLogger("skm.scheduler")
MAX_BACKOFF = 60  # seconds between attempts while the database is unreachable

# The domains with scheduled work, in the order their jobs run in a pass (`run_all_once`, the
# catch-up after start): the outbox first. A new domain's tasks.py is added here.
TASK_MODULES = (core_tasks, calendar_tasks, booking_tasks, pool_tasks)
JOBS: list[Job] = [job for module in TASK_MODULES for job in module.JOBS]


def run_job(app: Flask, job: Job) -> object:
    """Run one job in a fresh app context; a failure is logged and never kills the process.

    Fenced: it starts only while this process holds the scheduler lock, and the job checks
    the fence again before each commit; a lost lock raises `fence.LockLostError` (the unit
    under way is rolled back) for the caller to stop. The job commits its own units.
    """
    with app.app_context():
        try:
            fence.check()
            result = job.func()
            db.session.rollback()  # the job committed its units; the record commits nothing else
            scheduler_runs.record(job.id, ok=True, holder=whoami())  # for /metrics
            return result
        except fence.LockLostError:
            db.session.rollback()
            raise
        except Exception:  # a job must not take the scheduler down
            db.session.rollback()
            log.exception("job %s failed", job.id)
            scheduler_runs.record(job.id, ok=False, holder=whoami())
            return None
        finally:
            db.session.remove()


def run_all_once(app: Flask) -> dict[str, object]:
    """Run every job once in registry order (tests, cron-style operation, drills)."""
    beat(app, force=True)
    return {job.id: run_job(app, job) for job in JOBS}


class _Run:
    """One term as the acting scheduler: ends when the lock is lost (said once)."""

    def __init__(self, lock: SchedulerLock, app: Flask | None = None) -> None:
        self.lock = lock
        self.app = app
        self.lost = False
        self.scheduler = None
        self._mutex = threading.Lock()

    def lose(self) -> None:
        with self._mutex:
            if self.lost:
                return
            self.lost = True
        log.error("lock lost (%s); standing by", self.lock.lost_reason or "connection closed")
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)

    def job(self, app: Flask, job: Job) -> None:
        if self.lost:
            return
        try:
            run_job(app, job)
        except fence.LockLostError:
            self.lose()

    def heartbeat(self) -> None:
        """Notice a lost lock between jobs too, not only when the next job is due."""
        if not self.lost and not self.lock.alive():
            self.lose()
        elif not self.lost and self.app is not None:
            beat(self.app)


_BEAT_EVERY = 30.0  # seconds: a heartbeat write at most this often (SQLite's writers)
_last_beat = [float("-inf")]


def beat(app: Flask, *, force: bool = False) -> None:
    """Leave the acting scheduler's heartbeat in the database (/metrics reads it)."""
    if not force and time.monotonic() - _last_beat[0] < _BEAT_EVERY:
        return
    _last_beat[0] = time.monotonic()
    with app.app_context():
        try:
            scheduler_runs.record(scheduler_runs.HEARTBEAT, ok=True, holder=whoami())
        finally:
            db.session.remove()


def build_scheduler(app: Flask, run: _Run | None = None):
    """Create the BlockingScheduler with every collected job (fenced through `run`).

    Besides them it adds only its own heartbeat, the lock check between jobs (not a job of
    any domain, and not in `JOBS`).
    """""
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler(timezone="UTC")
    for job in JOBS:
        seconds = job.minutes * 60
        if job.interval_setting:  # e.g. mail latency: an operator's choice (and tests')
            seconds = app.config[job.interval_setting]
        func, args = (run_job, (app, job)) if run is None else (run.job, (app, job))
        scheduler.add_job(
            func, "interval", args=args, id=job.id, seconds=seconds,
            misfire_grace_time=job.misfire_grace_time, coalesce=job.coalesce,
            max_instances=1, replace_existing=True,
        )
    if run is not None:
        run.scheduler = scheduler
        scheduler.add_job(run.heartbeat, "interval", id="scheduler.heartbeat",
                          seconds=app.config["SCHEDULER_HEARTBEAT_SECONDS"],
                          misfire_grace_time=60, coalesce=True, max_instances=1)
    return scheduler


def act(app: Flask, lock: SchedulerLock) -> bool:
    """Act as the scheduler while the lock holds: catch up, then schedule.

    Return False when the lock was lost (the caller stands by), True on a normal shutdown.
    """
    run = _Run(lock, app)
    fence.install(app, lock.alive)
    try:
        log.info("scheduler lock acquired (%s); running %d jobs", whoami(), len(JOBS))
        beat(app, force=True)
        for job in JOBS:  # catch up at once: reminders missed while down go out now
            run.job(app, job)
            if run.lost:
                return False
        build_scheduler(app, run).start()
        return not run.lost
    finally:
        fence.remove(app)


def run_forever(app: Flask, *, wait: bool = True, poll_seconds: float | None = None,
                sleep: Callable[[float], object] = time.sleep) -> None:
    """Take the lock (or stand by until it is free) and act; never exit while waiting.

    While the database is unreachable (also at start-up) it retries with back-off (1, 2, 4
    ... 60 s). Each state is logged once when it begins: database unreachable, reachable
    again, another scheduler holds the lock (and which), lock lost.
    """
    poll = poll_seconds or app.config["SCHEDULER_POLL_SECONDS"]
    said, delay = "", 1.0
    while True:
        try:
            with single_instance(app) as lock:
                if said == "database down":
                    log.info("database reachable again")
                delay = 1.0
                if lock:
                    said = ""
                    if act(app, lock):
                        return
                    continue  # lost: ask again at once (the database tells who holds it)
                if not wait:
                    raise RuntimeError(f"another scheduler holds the lock ({lock.holder})")
                if said != f"held {lock.holder}":
                    log.info("another scheduler holds the lock (%s); standing by", lock.holder)
                    said = f"held {lock.holder}"
        except sa.exc.DBAPIError as exc:
            if said != "database down":
                log.warning("database unreachable (%s); retrying with back-off up to %d s",
                            _first_line(exc), MAX_BACKOFF)
                said = "database down"
            sleep(delay)
            delay = min(delay * 2, MAX_BACKOFF)
            continue
        sleep(poll)


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


__all__ = ["JOBS", "LOCK_KEY", "TASK_MODULES", "Job", "act", "build_scheduler", "run_all_once",
           "run_forever", "run_job", "single_instance"]
