"""The named filters of the request lists, shared by the lists and the start-page cards.

Why one place: a start-page card promises "3 requests without a candidate" and links to the
list with `?filter=no_candidate`; the count and the list must be the same query, or the card
lies. Each filter is a SQL condition, so counting is one query however many requests exist.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import InterpretingRequest, Mediator, MediatorLanguage, Offer
from app.models.enums import MediatorStatus, OfferStatus, RequestStatus
from app.services.core.languages import matching_codes
from app.services.matching import cache as fact_cache

# the coordinator's list (`/coordination/requests?filter=...`)
COORDINATOR_FILTERS = ("new", "no_candidate", "unanswered", "soon")
# the institution's list (`/requests/?filter=...`)
INSTITUTION_FILTERS = ("upcoming", "waiting", "confirm")
SOON = dt.timedelta(hours=48)


def codes_without_speakers(now: dt.datetime) -> list[str]:
    """Return the languages of coming open requests that no active mediator can serve.

    Why not the full matching per request: a state-wide pool has thousands of open requests
    and a thousand speakers per widely spoken language; the date-independent rule "somebody
    active speaks it" (macrolanguages included, as matching reads them) takes two queries.
    A request whose language has a speaker may still lack a free one on that day: the
    request's candidate page says so.
    """
    wanted = db.session.scalars(
        sa.select(InterpretingRequest.language_code).distinct()
        .where(InterpretingRequest.is_open, InterpretingRequest.starts_at > now)).all()
    if not wanted:
        return []
    spoken = fact_cache.cached("\x00spoken", _spoken_codes)
    return sorted(code for code in wanted if not spoken & set(matching_codes(code)))


def _spoken_codes(_key: str) -> frozenset[str]:
    """Return the languages some active mediator speaks (a speaker fact: cached per worker
    under the same stamp as the candidate lists, so a new speaker shows at once)."""
    return frozenset(db.session.scalars(
        sa.select(MediatorLanguage.code).distinct().join(Mediator)
        .where(Mediator.status == MediatorStatus.ACTIVE, Mediator.erased_at.is_(None))))


def coordinator_condition(name: str, now: dt.datetime) -> sa.ColumnElement[bool]:
    """Return the SQL condition of a coordinator filter over open requests (unknown: none)."""
    coming = sa.and_(InterpretingRequest.is_open, InterpretingRequest.starts_at > now)
    if name == "new":  # received, nobody in the office has acted on it yet
        return InterpretingRequest.status == RequestStatus.SUBMITTED
    if name == "no_candidate":
        return sa.and_(coming, InterpretingRequest.language_code.in_(
            codes_without_speakers(now)))
    if name == "unanswered":
        cutoff = now - dt.timedelta(hours=current_app.config["ESCALATION_HOURS"])
        return sa.and_(coming, sa.exists().where(
            Offer.request_id == InterpretingRequest.id, Offer.status == OfferStatus.PENDING,
            Offer.created_at <= cutoff))
    if name == "soon":
        return sa.and_(coming, InterpretingRequest.starts_at <= now + SOON)
    return InterpretingRequest.is_open


def institution_condition(name: str, now: dt.datetime) -> sa.ColumnElement[bool] | None:
    """Return the SQL condition of an institution filter (None: every own request)."""
    if name == "upcoming":
        return sa.and_(InterpretingRequest.status == RequestStatus.ASSIGNED,
                       InterpretingRequest.starts_at > now)
    if name == "waiting":
        return sa.and_(InterpretingRequest.is_open, InterpretingRequest.starts_at > now)
    if name == "confirm":  # booked, the appointment has begun, no outcome recorded yet
        return sa.and_(InterpretingRequest.status == RequestStatus.ASSIGNED,
                       InterpretingRequest.starts_at <= now)
    return None


def coordinator_counts(now: dt.datetime) -> dict[str, int]:
    """Count every coordinator filter: the numbers the start cards and the request list show
    beside their links, so a label never carries two numbers."""
    return {name: count(coordinator_condition(name, now)) for name in COORDINATOR_FILTERS}


def count(condition: sa.ColumnElement[bool], *extra: sa.ColumnElement[bool]) -> int:
    """Count the requests matching a filter condition (and any extra ones)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(InterpretingRequest)
                             .where(condition, *extra)) or 0
