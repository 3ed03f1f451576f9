"""Where the database stands against the code: reachable, at the migrations' head, outbox drained.

Read by `/readyz`, the start-up check of every worker and `flask restore`. Why the head is
computed once per process: it changes only with a new deployment (a new process), and reading
the migration scripts costs tens of milliseconds. Nothing here creates a missing SQLite file
(connecting would), so a wrong path shows up as "missing", not as an empty database.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.models import OutboxMessage
from app.models.enums import OutboxStatus

log = logging.getLogger(__name__)


@functools.cache
def _scripts(directory: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """Return the heads and every known revision of the migration scripts in `directory`."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(directory)
    known = frozenset(s.revision for s in script.walk_revisions())
    return tuple(sorted(script.get_heads())), known


def _directory() -> str:
    return os.path.abspath(current_app.extensions["migrate"].directory)


def code_heads() -> tuple[str, ...]:
    """The revision(s) this code expects: the head of `migrations/versions`."""
    return _scripts(_directory())[0]


def missing_sqlite_file(url: sa.engine.URL) -> Path | None:
    """Return the path of a file-based SQLite database that does not exist, else None."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if url.database.startswith("file:"):
        return None  # a URI filename: its options decide; SQLite reports the problem itself
    path = Path(url.database)
    return None if path.exists() else path


@dataclass(frozen=True)
class SchemaState:
    """The revisions in `alembic_version` (None: no such table) against the code's heads."""

    database: tuple[str, ...] | None
    code: tuple[str, ...]
    known: frozenset[str] = frozenset()

    @property
    def at_head(self) -> bool:
        return self.database == self.code

    @property
    def reason(self) -> str:
        if not self.database:
            return "schema not migrated"
        if self.at_head:
            return "schema at head"
        if self.known and not set(self.database) <= self.known:
            return "schema ahead of code"
        return "schema behind"

    def describe(self) -> str:
        """Say in one line where the schema stands and what the operator does about it."""
        code = ", ".join(self.code)
        if not self.database:
            return f"database not migrated (no alembic_version), code expects {code}: " \
                   "run flask db upgrade"
        at = ", ".join(self.database)
        if self.at_head:
            return f"database at {at}, the code's head"
        if self.reason == "schema ahead of code":
            return f"database at {at}, which this code does not know (code expects {code}): " \
                   "deploy the code that matches the database"
        return f"database at {at}, code expects {code}: run flask db upgrade"


def schema_state(conn: sa.Connection) -> SchemaState:
    """Read `alembic_version` on `conn` and compare it with the code's heads."""
    heads, known = _scripts(_directory())
    if not sa.inspect(conn).has_table("alembic_version"):
        return SchemaState(None, heads, known)
    rows = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars()
    return SchemaState(tuple(sorted(rows)), heads, known)


def oldest_due_outbox(conn: sa.Connection, now: dt.datetime) -> dt.datetime | None:
    """When the longest-waiting message became due: pending (not sent, not dead) and due now."""
    return conn.execute(
        sa.select(sa.func.min(OutboxMessage.next_attempt_at)).where(
            OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
    ).scalar()


def readiness(engine: sa.Engine, now: dt.datetime) -> dict:
    """Tell whether this worker can serve: a dict with "status" "ready" or "not ready".

    Not ready when the database is missing or unreachable, its schema is not at the code's
    head, or a due e-mail has waited longer than READY_OUTBOX_MAX_AGE_MINUTES (the sender,
    i.e. the scheduler, is not running); "reason" says which, "detail" how.
    """
    outbox_max_age = dt.timedelta(minutes=current_app.config["READY_OUTBOX_MAX_AGE_MINUTES"])
    missing = missing_sqlite_file(engine.url)
    if missing is not None:
        return {"status": "not ready", "reason": "database missing",
                "detail": f"SQLite file {missing.name} does not exist: run flask db upgrade"}
    try:
        with engine.connect() as conn:
            state = schema_state(conn)
            if not state.at_head:
                return {"status": "not ready", "reason": state.reason,
                        "detail": state.describe(), "schema": list(state.database or ()),
                        "code": list(state.code)}
            oldest = oldest_due_outbox(conn, now)
    except sa.exc.DBAPIError as exc:
        reachable = not (exc.connection_invalidated or isinstance(exc, sa.exc.OperationalError))
        return {"status": "not ready",
                "reason": "database error" if reachable else "database unreachable",
                "detail": type(exc.orig).__name__}
    waited = (now - oldest) if oldest is not None else dt.timedelta(0)
    minutes = int(waited.total_seconds() // 60)
    if waited > outbox_max_age:
        return {"status": "not ready", "reason": "outbox not drained",
                "detail": f"an e-mail has been due for {minutes} minutes: is the scheduler "
                          "(flask scheduler run) running?",
                "outbox_oldest_due_minutes": minutes}
    return {"status": "ready", "schema": list(state.code), "outbox_oldest_due_minutes": minutes}


def log_schema_at_start(engine: sa.Engine) -> None:
    """Log one line when this worker's database is not at the code's head (or not there).

    Why at start: new code before `flask db upgrade` fails on the first query of a missing
    column; the operator should read the cause once, before the first user does.
    """
    try:
        heads = code_heads()
        missing = missing_sqlite_file(engine.url)
        if missing is not None:
            log.warning("database file %s does not exist, code expects %s: run flask db upgrade",
                        missing, ", ".join(heads))
            return
        with engine.connect() as conn:
            state = schema_state(conn)
    except sa.exc.DBAPIError as exc:
        log.warning("database not reachable at start (%s): %s", type(exc.orig).__name__,
                    str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else "")
        return
    finally:
        engine.dispose()  # no pooled connection may outlive a fork (gunicorn --preload)
    if not state.at_head:
        log.warning("%s", state.describe())
