"""Per-worker copies of rarely changing facts, each family checked against a stamp on use.

Why: some pages read the same slowly changing rows on every request (a language's thousand
speakers, the office's language names). A family of such facts has one row in `fact_stamp`
holding a random value; every commit that changes the family through the ORM rewrites it in
the same transaction (a session event, so no code path can forget it), and a reader compares
that stamp with the one its copy was loaded under. A reader therefore never uses a copy
older than the last write committed before it read the stamp.

One statement reads every family's stamp (`read`); a family whose copy may be as old as the
request (`peek`) reuses what this transaction read already, so the candidates page checks
the speakers and the language names in one round trip.

A family registers a detector (`register`): given a session, does it hold pending changes
of the family? A transaction that changed a family reads it fresh and keeps nothing; a
rolled-back stamp is never seen again. Writes that bypass the ORM (Core statements, psql)
do not rewrite a stamp: code that writes these tables with Core calls `touch()` in its
transaction; for psql the copies expire after `SPEAKER_CACHE_SECONDS`, and
`flask refresh-facts` rewrites every stamp by hand.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

import sqlalchemy as sa
from cachetools import TTLCache
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import FactStamp

_CHANGED = "fact_families_changed"  # session.info: families this transaction changed
_READ = "fact_stamps_read"  # session.info: the stamps this transaction read
_DETECTORS: dict[str, Callable[[Session], bool]] = {}


def register(family: str, detector: Callable[[Session], bool]) -> None:
    """Declare a family of cached facts and how to see its pending changes in a session."""
    _DETECTORS[family] = detector


def changed_in(session: Session, family: str) -> bool:
    """Tell whether this transaction changed the family (flushed or still pending)."""
    return family in session.info.get(_CHANGED, ()) or _DETECTORS[family](session)


def _before_flush(session: Session, _context, _instances) -> None:
    changed = session.info.get(_CHANGED, set())
    for family, detector in _DETECTORS.items():
        if family not in changed and detector(session):
            changed.add(family)
    if changed:
        session.info[_CHANGED] = changed


def touch(family: str, session: Session | None = None) -> None:
    """Rewrite the family's stamp (in the session's transaction): every copy is now stale."""
    table = FactStamp.__table__
    session = session or db.session()
    session.connection().execute(
        sa.update(table).where(table.c.name == family).values(stamp=uuid.uuid4().hex))
    session.info.pop(_READ, None)


def touch_all(session: Session | None = None) -> None:
    """Rewrite every family's stamp (after editing the database by hand)."""
    session = session or db.session()
    session.connection().execute(sa.update(FactStamp.__table__).values(stamp=uuid.uuid4().hex))
    session.info.pop(_READ, None)


def _before_commit(session: Session) -> None:
    """Rewrite the stamps as the transaction's last statements (row locks held briefly)."""
    session.flush()  # commit flushes after this hook; the stamps must see those changes too
    for family in sorted(session.info.pop(_CHANGED, ())):
        touch(family, session)


def _forget(session: Session, transaction) -> None:
    """A transaction's flags and stamps end with it (committed or rolled back)."""
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)
        session.info.pop(_READ, None)


def install() -> None:
    """Listen on every ORM session (idempotent: the app factory may run more than once)."""
    for name, listener in (("before_flush", _before_flush), ("before_commit", _before_commit),
                           ("after_transaction_end", _forget)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def read(session: Session) -> dict[str, str]:
    """Read every family's stamp now (one statement) and remember them for `peek`."""
    stamps = dict(session.execute(sa.select(FactStamp.name, FactStamp.stamp)).all())
    session.info[_READ] = stamps
    return stamps


def peek(session: Session) -> dict[str, str]:
    """Return the stamps this transaction read already, else read them."""
    stamps = session.info.get(_READ)
    return stamps if stamps is not None else read(session)


_COPIES: TTLCache | None = None
_LOCK = threading.Lock()


def _copies() -> TTLCache:
    global _COPIES
    ttl = current_app.config["SPEAKER_CACHE_SECONDS"]
    with _LOCK:
        if _COPIES is None or _COPIES.ttl != ttl:
            _COPIES = TTLCache(maxsize=256, ttl=ttl)
        return _COPIES


def cached(family: str, key: str, load: Callable[[str], object], *, fresh: bool = True):
    """Return `load(key)`, from this worker's copy while the family's stamp is unchanged.

    `fresh` reads the stamp now; without it, a stamp this transaction read already will do
    (for facts a request may see as of its start). Reads straight through (and keeps
    nothing) when this transaction has changed the family itself (its view is not committed
    yet), when the stamp row is missing, or when the copies are switched off
    (`SPEAKER_CACHE_SECONDS = 0`).
    """
    if not current_app.config["SPEAKER_CACHE_SECONDS"]:
        return load(key)
    session = db.session()
    if changed_in(session, family):
        return load(key)
    stamp = (read(session) if fresh else peek(session)).get(family)
    if stamp is None:
        return load(key)
    copies = _copies()
    with _LOCK:
        entry = copies.get((family, key))
    if entry is not None and entry[0] == stamp:
        return entry[1]
    value = load(key)  # read after the stamp: never older than it
    with _LOCK:
        copies[(family, key)] = (stamp, value)
    return value


def clear() -> None:
    """Drop this worker's copies (tests, and after editing the database by hand)."""
    with _LOCK:
        if _COPIES is not None:
            _COPIES.clear()
