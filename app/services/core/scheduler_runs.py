"""When the acting scheduler last ran each job, and its heartbeat (the `scheduler_run` table).

The scheduler is its own process, so /metrics (a web worker) learns from the database that
it is alive: the scheduler writes the time of every job run and of every heartbeat in a short
transaction of its own, after the job's own commit or rollback. A failed write (a database
still at an older revision, a lost connection) is logged once and never stops a job.
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa

from app.extensions import db
from app.models import SchedulerRun
from app.timeutil import now_utc

log = logging.getLogger("skm.scheduler")
HEARTBEAT = "scheduler.heartbeat"
_warned: set[str] = set()


def record(job: str, *, ok: bool, holder: str = "", now: dt.datetime | None = None) -> None:
    """Note that `job` ran now (ok or failed); commits its own transaction."""
    now = now or now_utc()
    values: dict[str, object] = {"last_run_at": now, "holder": holder[:120]}
    values["last_ok_at" if ok else "last_failed_at"] = now
    table = SchedulerRun.__table__
    try:
        updated = db.session.execute(
            sa.update(table).where(table.c.job == job).values(**values)).rowcount
        if not updated:
            db.session.execute(sa.insert(table).values(job=job, **values))
        db.session.commit()
    except sa.exc.SQLAlchemyError as exc:
        db.session.rollback()
        if "record" not in _warned:
            _warned.add("record")
            log.warning("cannot record the scheduler's runs for /metrics (%s); "
                        "run flask db upgrade", type(exc).__name__)


def last_runs(session) -> list[SchedulerRun]:  # noqa: ANN001
    """Every row: the heartbeat and each job's last run."""
    return list(session.scalars(sa.select(SchedulerRun).order_by(SchedulerRun.job)))
