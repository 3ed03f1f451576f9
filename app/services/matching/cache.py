"""A per-worker copy of each language's speaker facts, checked against a stamp on every use.

Why: the candidates page of a widely spoken language reads a thousand speakers and ~8,000
fact rows (languages, documents, availability, modules). Those change a few times a day;
the page is read all day. Every commit that changes such a fact through the ORM rewrites a
random stamp (`FactStamp`, one primary-key row) in the same transaction, and a reader
compares that stamp with the one its copy was loaded under. A reader therefore never uses a
copy older than the last committed write, just as if it had read the rows itself.

Only what does not depend on the date is cached (`SpeakerFacts`); bookings and absences are
read fresh for every request. Booking re-checks under row locks with fresh reads
(`matching.check_eligible`), so the cache can never double-book anyone.

Writes that bypass the ORM (Core statements, psql) do not rewrite the stamp: code that
writes these tables with Core must call `touch()` in its transaction; for psql the copies
expire after `SPEAKER_CACHE_SECONDS`, and `flask refresh-facts` rewrites the stamp by hand.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from itertools import chain

import sqlalchemy as sa
from cachetools import TTLCache
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import (
    Availability,
    Document,
    FactStamp,
    Mediator,
    MediatorLanguage,
    ModuleCompletion,
    QualificationModule,
)
from app.services.matching.speaker import FACT_ATTRIBUTES

STAMP = "speakers"
_CHANGED = "speaker_facts_changed"  # session.info flag: this transaction changed facts
_CHILDREN = (MediatorLanguage, Availability, Document, ModuleCompletion, QualificationModule)


def _touches_facts(session: Session) -> bool:
    """Tell whether the session's pending changes alter any speaker fact.

    A Mediator counts only for the attributes the facts are read from (`FACT_ATTRIBUTES`),
    so a booking (which adds to `mediator.assignments`) or a new note does not throw every
    worker's copy away.
    """
    for obj in chain(session.new, session.deleted):
        if isinstance(obj, (Mediator, *_CHILDREN)):
            return True
    for obj in session.dirty:
        if isinstance(obj, _CHILDREN) and session.is_modified(obj):
            return True
        if isinstance(obj, Mediator):
            attrs = sa.inspect(obj).attrs
            if any(attrs[name].history.has_changes() for name in FACT_ATTRIBUTES):
                return True
    return False


def _before_flush(session: Session, _context, _instances) -> None:
    if not session.info.get(_CHANGED) and _touches_facts(session):
        session.info[_CHANGED] = True


def touch(session: Session | None = None) -> None:
    """Rewrite the stamp (in the session's transaction): every worker's copy is now stale."""
    table = FactStamp.__table__
    (session or db.session()).connection().execute(
        sa.update(table).where(table.c.name == STAMP).values(stamp=uuid.uuid4().hex))


def _before_commit(session: Session) -> None:
    """Rewrite the stamp as the transaction's last statement (the row lock is held briefly)."""
    session.flush()  # commit flushes after this hook; the stamp must see those changes too
    if session.info.pop(_CHANGED, False):
        touch(session)


def _forget(session: Session, transaction) -> None:
    """A rolled-back (or closed) transaction's changes are gone: so is the flag."""
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)


def install() -> None:
    """Listen on every ORM session (idempotent: the app factory may run more than once)."""
    for name, listener in (("before_flush", _before_flush), ("before_commit", _before_commit),
                           ("after_transaction_end", _forget)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


_COPIES: TTLCache | None = None
_LOCK = threading.Lock()


def _copies() -> TTLCache:
    global _COPIES
    ttl = current_app.config.get("SPEAKER_CACHE_SECONDS", 600)
    with _LOCK:
        if _COPIES is None or _COPIES.ttl != ttl:
            _COPIES = TTLCache(maxsize=128, ttl=ttl)
        return _COPIES


def cached(language_code: str, load: Callable[[str], object]):
    """Return `load(language_code)`, from this worker's copy while the stamp is unchanged.

    Reads straight through (and keeps nothing) when this transaction has changed facts
    itself (its view is not committed yet), when the stamp row is missing, or when the
    cache is switched off (`SPEAKER_CACHE_SECONDS = 0`).
    """
    if not current_app.config.get("SPEAKER_CACHE_SECONDS", 600):
        return load(language_code)
    session = db.session()
    if session.info.get(_CHANGED) or _touches_facts(session):
        return load(language_code)
    stamp = session.execute(
        sa.select(FactStamp.stamp).where(FactStamp.name == STAMP)).scalar()
    if stamp is None:
        return load(language_code)
    copies = _copies()
    with _LOCK:
        entry = copies.get(language_code)
    if entry is not None and entry[0] == stamp:
        return entry[1]
    value = load(language_code)  # read after the stamp: never older than it
    with _LOCK:
        copies[language_code] = (stamp, value)
    return value


def clear() -> None:
    """Drop this worker's copies (tests, and after editing the database by hand)."""
    with _LOCK:
        if _COPIES is not None:
            _COPIES.clear()
