"""What a scheduled job is, and the one rule by which it commits.

Jobs live in `app/services/<domain>/tasks.py`: each such module declares its `JOBS` and holds
their entry points; `app.scheduler` only collects the lists. The rule every entry point
follows (docs/architecture.md, *Scheduled jobs*):

    A job commits once per unit of work it claims, and checks the scheduler's fence right
    before the first thing of that unit leaves the process: its commit (`commit`), or the
    e-mail it hands to the SMTP server, whose commit then records the send (`commit_sent`).
    Services flush and never commit; one with several units yields after each (`commit_each`).

Why: a scheduler that lost its lock must stop before it acts again, and a unit that is
committed on its own is never redone by the next run or the next holder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.services.core import fence


@dataclass(frozen=True)
class Job:
    """One periodic job: a fixed id (stored in `scheduler_run`), its entry point, its timing."""

    id: str
    func: Callable[[], object]  # a function of the declaring tasks.py module
    minutes: int
    misfire_grace_time: int  # seconds a late run is still made (APScheduler's default is 1 s)
    coalesce: bool = True  # after downtime run once, not once per missed interval
    interval_setting: str | None = None  # a config key in seconds that overrides `minutes`

    @property
    def ref(self) -> str:
        """The entry point as "module:function", as logs and tests name it."""
        return f"{self.func.__module__}:{self.func.__qualname__}"


def commit() -> None:
    """End one unit of work: check the fence, then commit."""
    fence.check()
    db.session.commit()


def commit_sent() -> None:
    """End a unit whose e-mail the SMTP server has taken: record it, without a second check.

    The fence was checked right before the send; rolling the record back now would only make
    the next scheduler send the message again.
    """
    db.session.commit()


def commit_each(units: Iterable[int]) -> int:
    """Commit after every unit a service yields (its count); return the total."""
    total = 0
    for count in units:
        commit()
        total += count
    return total


def claim(model: type, **values) -> bool:
    """Insert the row that marks a unit of work as taken; False when its unique key already is
    (by this job, or another process: PostgreSQL waits for that one to end).

    `INSERT … ON CONFLICT DO NOTHING` inside the unit's own transaction, so the claim commits
    or rolls back with the rest of the unit. A savepoint would not do on SQLite: opened before
    any write, it is the outermost transaction and its RELEASE commits the claim at once.
    """
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = db.session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert
    # RETURNING, not rowcount: psycopg reports -1 for this statement
    stmt = insert(model).values(**values).on_conflict_do_nothing().returning(sa.literal(1))
    return db.session.execute(stmt).first() is not None
