"""The per-worker copy of each language's speaker facts (a family of `core.stamps`).

Why: the candidates page of a widely spoken language reads a thousand speakers and ~8,000
fact rows (languages, documents, availability, modules). Those change a few times a day;
the page is read all day. Every commit that changes such a fact through the ORM rewrites the
"speakers" stamp in the same transaction, and each use compares the stamp read then with
the one its copy was loaded under (`app.services.core.stamps`), so a reader never uses a
copy older than the last committed write.

Only what does not depend on the date is cached (`SpeakerFacts`); bookings and absences are
read fresh for every request. Booking re-checks under row locks with fresh reads
(`matching.check_eligible`), so the cache can never double-book anyone. Code that writes
these tables with Core must call `touch()` in its transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import (
    Availability,
    Document,
    Mediator,
    MediatorLanguage,
    ModuleCompletion,
    QualificationModule,
)
from app.services.core import stamps
from app.services.matching.speaker import FACT_ATTRIBUTES

STAMP = "speakers"
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


stamps.register(STAMP, _touches_facts)


def touch(session: Session | None = None) -> None:
    """Rewrite the speakers' stamp (in the session's transaction): every copy is stale."""
    stamps.touch(STAMP, session)


def install() -> None:
    """Listen on every ORM session (idempotent: the app factory may run more than once)."""
    stamps.install()


def cached(language_code: str, load: Callable[[str], object]):
    """Return `load(language_code)`, from this worker's copy while the stamp is unchanged
    (read now, so a write committed a moment ago is seen)."""
    return stamps.cached(STAMP, language_code, load)


clear = stamps.clear
