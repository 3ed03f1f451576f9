"""Run a booking service and commit once, turning every refusal into a message (never a 500).

Races are decided by the database: on PostgreSQL the loser waits for the row lock and then
gets the service's own message; on SQLite (one writer at a time) the loser may get "database
is locked" or hit the unique index, which we report as a conflict to retry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError, OperationalError

from app.extensions import db
from app.services.core.errors import DomainError

T = TypeVar("T")


def commit_or_message(fn: Callable[..., T], *args, **kwargs) -> tuple[T | None, str | None]:
    """Call fn, commit, and return (result, None) or (None, message) after a rollback."""
    try:
        result = fn(*args, **kwargs)
        db.session.commit()
        return result, None
    except DomainError as exc:
        db.session.rollback()
        return None, str(exc)
    except (OperationalError, IntegrityError):
        db.session.rollback()
        return None, _("Someone else changed this at the same moment. Please reload the page "
                       "and try again.")
