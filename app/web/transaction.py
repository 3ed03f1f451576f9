"""Run one service call per request and commit once, turning every refusal into a message.

This is the only place where a view's transaction ends: views call `commit_or_message` (or
`rollback` in an error handler) and never `db.session.commit()` themselves, so every view
rolls back the same way and no refusal becomes a 500.

Races are decided by the database: on PostgreSQL the loser waits for the row lock and then
gets the service's own message, or (lock time-out, serialization failure, deadlock) a
conflict; on SQLite (one writer at a time) the loser may get "database is locked" or hit a
unique index. Both are reported as a conflict to retry, never as an error page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, NamedTuple

from flask import flash
from flask_babel import gettext as _
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from werkzeug.exceptions import BadRequest

from app.extensions import db
from app.services.core.errors import DomainError

log = logging.getLogger(__name__)

# PostgreSQL SQLSTATEs of a lost race: serialization_failure, deadlock_detected,
# lock_not_available (lock_timeout or NOWAIT)
CONFLICT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
SQLITE_LOCKED = ("database is locked", "database table is locked")
DATA_EXCEPTION_CLASS = "22"  # numeric_value_out_of_range (22003), string too long (22001), ...


class RefusedValue(BadRequest):
    """A value the database refused (too large, too long): the user's input, answered with 400.

    The 400 page shows this description, so the user learns what to change.
    """


class Outcome(NamedTuple):
    """What a committed service call gave: its result, or the message to show (then None)."""

    result: Any
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error is None

    def flash(self, success: str | None = None) -> bool:
        """Flash the error, or the success text if given; return whether the call succeeded."""
        if self.error is not None:
            flash(self.error, "error")
        elif success:
            flash(success, "success")
        return self.ok


def conflict_message() -> str:
    return _("Someone else changed this at the same moment. Please reload the page "
             "and try again.")


def is_conflict(exc: DBAPIError) -> bool:
    """Tell whether a database error means "another transaction won" (worth a retry)."""
    if isinstance(exc, IntegrityError):
        return True
    orig = exc.orig
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if code in CONFLICT_SQLSTATES:
        return True
    text = str(orig).lower()
    return any(marker in text for marker in SQLITE_LOCKED)


def refused_value_message() -> str:
    return _("A value is too large (or too long) to be stored. Please check the amounts and "
             "numbers you entered and try again.")


def is_refused_value(exc: DBAPIError) -> bool:
    """Tell whether the database refused a value as such (SQLSTATE class 22), not an outage."""
    if not isinstance(exc, DataError):
        return False
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code is None or str(code).startswith(DATA_EXCEPTION_CLASS)


def commit_or_message(fn: Callable[..., Any], *args, **kwargs) -> Outcome:
    """Call fn, commit, and return Outcome(result, None), or Outcome(None, message).

    A `DomainError` gives its own (translated) message, a unique-key violation or a lock
    time-out the conflict message; either way the session is rolled back first, so nothing
    of the failed call is written. A value the database refuses (an overflowing number) is
    rolled back and answered with 400 (`RefusedValue`), never with the outage page. Any other
    exception is rolled back and re-raised.
    """
    try:
        result = fn(*args, **kwargs)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        return Outcome(None, str(exc))
    except DBAPIError as exc:
        db.session.rollback()
        if is_refused_value(exc):
            log.info("value refused in %s: %s", getattr(fn, "__qualname__", fn), exc.orig)
            raise RefusedValue(refused_value_message()) from exc
        if not is_conflict(exc):
            raise
        log.info("transaction conflict in %s: %s", getattr(fn, "__qualname__", fn), exc.orig)
        return Outcome(None, conflict_message())
    except BaseException:
        db.session.rollback()
        raise
    return Outcome(result, None)


def rollback() -> None:
    """Discard what a failed request left in the session (for error handlers)."""
    db.session.rollback()
