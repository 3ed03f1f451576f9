"""The outbox and scheduler figures /metrics reads at each scrape (app/web/metrics.py).

Outbox: queued (pending) and dead messages, how long the oldest pending one has existed and
how long the longest-waiting due one has waited (the /readyz rule).
Scheduler: its heartbeat and each job's last run, success and failure (`scheduler_run`).
Cheap enough for a scrape every 15-60 s.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

from app.models import OutboxMessage
from app.models.enums import OutboxStatus
from app.services.core import scheduler_runs

# the outbox states the metrics count (sent and discarded mails are history)
WATCHED = (OutboxStatus.PENDING, OutboxStatus.DEAD)


@dataclass
class Figures:
    outbox: dict[str, int] = field(default_factory=dict)  # status -> count (pending, dead)
    outbox_oldest_pending_age: float = 0.0  # seconds since the oldest pending was written
    outbox_oldest_due_age: float = 0.0  # seconds the longest-waiting due message has waited
    heartbeat: float | None = None  # unix time of the scheduler's last heartbeat
    jobs: dict[str, dict[str, float | None]] = field(default_factory=dict)


def _age(then: dt.datetime | None, now: dt.datetime) -> float:
    return max((now - then).total_seconds(), 0.0) if then is not None else 0.0


def _unix(value: dt.datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


def figures(session, now: dt.datetime) -> Figures:  # noqa: ANN001
    """Read the outbox and scheduler figures now (a few indexed aggregate queries)."""
    out = Figures()
    counts = dict(session.execute(
        sa.select(OutboxMessage.status, sa.func.count())
        .where(OutboxMessage.status.in_(WATCHED)).group_by(OutboxMessage.status)
    ).all())
    out.outbox = {status.value: int(counts.get(status, 0)) for status in WATCHED}
    pending = OutboxMessage.status == OutboxStatus.PENDING
    out.outbox_oldest_pending_age = _age(session.scalar(
        sa.select(sa.func.min(OutboxMessage.created_at)).where(pending)), now)
    out.outbox_oldest_due_age = _age(session.scalar(
        sa.select(sa.func.min(OutboxMessage.next_attempt_at))
        .where(pending, OutboxMessage.next_attempt_at <= now)), now)
    for row in scheduler_runs.last_runs(session):
        if row.job == scheduler_runs.HEARTBEAT:
            out.heartbeat = _unix(row.last_run_at)
        else:
            out.jobs[row.job] = {"run": _unix(row.last_run_at), "ok": _unix(row.last_ok_at),
                                 "failed": _unix(row.last_failed_at)}
    return out
