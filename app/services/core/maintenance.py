"""Maintenance mode: one switch in the database that every worker reads.

`flask maintenance on "Text"` stores the notice (`MaintenanceNotice`, one row), `off` deletes
it. While it is on, every page shows the text in a banner and every change (POST, PUT, PATCH,
DELETE) is answered 503 with a page that says why (`app.web.maintenance`); health probes,
metrics, static files and calendar feeds go on as usual.

Why the database: a flag in a worker's memory or in a file on one host would not reach the
other workers and hosts. Why a short per-worker copy: the switch is read on every request;
each worker asks the database at most once per MAINTENANCE_CACHE_SECONDS (default 5), so
switching on takes effect everywhere within that time. The process that switches forgets
its own copy at once.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.models import MaintenanceNotice
from app.services.core import audit
from app.services.core.errors import DomainError
from app.timeutil import now_utc

log = logging.getLogger(__name__)

MAX_MESSAGE = 500
_KEY = "skm_maintenance"
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Notice:
    message: str
    since: dt.datetime


def _cache() -> dict:
    return current_app.extensions.setdefault(_KEY, {})


def forget() -> None:
    """Drop this worker's copy: the next `current()` asks the database."""
    _cache().clear()


def _read() -> Notice | None:
    row = db.session.scalar(sa.select(MaintenanceNotice).where(MaintenanceNotice.id == 1))
    return Notice(row.message, row.since) if row is not None else None


def current() -> Notice | None:
    """Return the notice while maintenance mode is on (at most a few seconds old), else None.

    A database that cannot be asked (down, or the table not created yet before `flask db
    upgrade`) counts as "off": the outage is answered by the requests themselves.
    """
    cache = _cache()
    seconds = float(current_app.config["MAINTENANCE_CACHE_SECONDS"])
    now = time.monotonic()
    if cache.get("until", 0.0) > now:
        return cache["notice"]
    try:
        notice = _read()
    except SQLAlchemyError as exc:
        db.session.rollback()  # a failed statement must not poison the request's transaction
        log.warning("maintenance: the switch could not be read (%s)", type(exc).__name__)
        return None
    with _LOCK:
        cache.update(notice=notice, until=now + seconds)
    return notice


def switch_on(message: str, *, label: str = audit.CLI) -> Notice:
    """Switch maintenance mode on with this text (or change the text while it is on)."""
    message = " ".join(message.split())
    if not message:
        raise DomainError(_("Please give a text for the maintenance notice."))
    if len(message) > MAX_MESSAGE:
        raise DomainError(ngettext("The maintenance notice may have at most %(num)d character.",
                                   "The maintenance notice may have at most %(num)d characters.",
                                   MAX_MESSAGE))
    row = db.session.get(MaintenanceNotice, 1)
    if row is None:
        row = MaintenanceNotice(id=1, since=now_utc())
        db.session.add(row)
    row.message = message
    audit.record(None, "maintenance_on", "system", None, label=label, message=message)
    db.session.flush()
    forget()
    return Notice(row.message, row.since)


def switch_off(*, label: str = audit.CLI) -> bool:
    """Switch maintenance mode off; return whether it was on."""
    forget()
    if not db.session.execute(sa.delete(MaintenanceNotice)).rowcount:
        return False
    audit.record(None, "maintenance_off", "system", None, label=label)
    db.session.flush()
    return True


def status() -> Notice | None:
    """Return the stored notice, straight from the database (for the operator)."""
    return _read()
