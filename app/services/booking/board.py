"""The open-request board: what a mediator sees, "Ich kann", withdrawing, first come.

A mediator sees the open requests whose hard rules they pass (`matching.board`), and only
what they need to decide: date, time, district, language, occasion. Never the note, the
family, the address or the institution's contact: those come with the booking. A sign-up
is a `BoardSignup`; the coordinator picks among the volunteers with the usual ranking, or
the request is "first come, first served" and the first eligible volunteer is booked at
once through `assignments.book`, under the same request and mediator row locks as an
accepted offer (the loser waits for the lock and then reads "Schon vergeben").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Assignment, BoardSignup, InterpretingRequest, Offer, User
from app.models.enums import OfferStatus
from app.services.booking.assignments import book, lock_request
from app.services.core import audit
from app.services.core.errors import DomainError, NotAllowedError
from app.services.matching import board as eligibility
from app.services.matching import ranking as matching
from app.timeutil import now_utc

BOARD_LIMIT = 200  # the soonest open requests a board considers; later ones come up in time


@dataclass(frozen=True)
class BoardEntry:
    """One line of the board: only what a volunteer needs to decide (no note, no address)."""

    request_id: int
    starts_at: dt.datetime
    duration_minutes: int
    language_code: str
    variety: str
    occasion: str
    place_kind: str
    district: str
    institution_kind: str
    signed_up: bool


@dataclass(frozen=True)
class Volunteer:
    """A mediator who said "Ich kann", with their score (eligible) or what excludes them."""

    mediator_id: int
    name: str
    signed_up_at: dt.datetime
    candidate: matching.Candidate | None
    reasons: list[str]


def taken_message() -> str:
    return _("Already taken: another mediator was quicker. Thank you all the same!")


def first_come(req: InterpretingRequest) -> bool:
    """Tell whether the first eligible volunteer is booked at once (request or setting)."""
    return bool(req.board_first_come or current_app.config["BOARD_FIRST_COME"])


def board(mediator_id: int, now: dt.datetime | None = None) -> list[BoardEntry]:
    """Return the open requests the mediator may take, soonest first, and their own sign-ups.

    A fixed number of queries (eleven) however many requests are open: the languages filter
    in SQL, the hard rules over all requests at once (`matching.board.eligible_requests`).
    """
    now = now or now_utc()
    facts = eligibility.mediator_facts(mediator_id)
    codes = eligibility.request_codes(facts)
    if not codes:
        return []
    requests = db.session.scalars(
        sa.select(InterpretingRequest)
        .where(InterpretingRequest.is_open, InterpretingRequest.starts_at > now,
               InterpretingRequest.language_code.in_(sorted(codes)))
        .options(selectinload(InterpretingRequest.institution))
        .order_by(InterpretingRequest.starts_at, InterpretingRequest.id)
        .limit(BOARD_LIMIT)
    ).all()
    if not requests:
        return []
    ids = [r.id for r in requests]
    signed = set(db.session.scalars(
        sa.select(BoardSignup.request_id).where(
            BoardSignup.mediator_id == mediator_id, BoardSignup.withdrawn_at.is_(None),
            BoardSignup.request_id.in_(ids))))
    # one request, one channel per person: an offer made to them is answered on the offers
    # page, and the board does not ask them a second time
    offered = set(db.session.scalars(_pending_offer(mediator_id, now).with_only_columns(
        Offer.request_id).where(Offer.request_id.in_(ids))))
    fits = {r.id for r in eligibility.eligible_requests(facts, requests)}
    return [_entry(r, r.id in signed) for r in requests
            if (r.id in fits or r.id in signed) and r.id not in offered]


def _pending_offer(mediator_id: int, now: dt.datetime) -> sa.Select:
    """The mediator's offers still awaiting their answer."""
    return sa.select(Offer).where(Offer.mediator_id == mediator_id,
                                  Offer.status == OfferStatus.PENDING,
                                  Offer.expires_at > now)


def _entry(req: InterpretingRequest, signed_up: bool) -> BoardEntry:
    return BoardEntry(
        request_id=req.id, starts_at=req.starts_at, duration_minutes=req.duration_minutes,
        language_code=req.language_code, variety=req.variety, occasion=req.occasion,
        place_kind=req.place_kind, district=req.institution.district,
        institution_kind=req.institution.kind, signed_up=signed_up)


def _own_mediator(actor: User) -> int:
    if actor is None or actor.mediator_id is None:
        raise NotAllowedError(_("Only mediators can offer to take a request."))
    return actor.mediator_id


def _signup(request_id: int, mediator_id: int) -> BoardSignup | None:
    return db.session.scalars(sa.select(BoardSignup).where(
        BoardSignup.request_id == request_id, BoardSignup.mediator_id == mediator_id)
    ).one_or_none()


def sign_up(actor: User, request_id: int) -> Assignment | None:
    """Record "Ich kann"; on a first-come request book the volunteer at once (the assignment).

    The request row is locked first, so of twenty volunteers clicking at once one books
    and the others wait, then find the request taken.
    """
    mediator_id = _own_mediator(actor)
    req = lock_request(request_id)
    if not req.is_open:
        raise DomainError(taken_message())
    now = now_utc()
    if req.starts_at <= now:
        raise DomainError(_("The appointment has already begun."))
    if db.session.scalar(_pending_offer(mediator_id, now).where(Offer.request_id == req.id)
                         .with_only_columns(Offer.id)) is not None:
        raise DomainError(_("You already have an offer for this request: please answer it "
                            "on your offers page."))
    if matching.check_eligible(req, actor.mediator):
        raise DomainError(_("This request does not fit your languages, times or documents."))
    signup = _signup(req.id, mediator_id)
    if signup is not None and signup.is_live and not first_come(req):
        raise DomainError(_("You have already offered to take this request."))
    if signup is None:
        signup = BoardSignup(request_id=req.id, mediator_id=mediator_id)
        db.session.add(signup)
    signup.created_at, signup.withdrawn_at = now, None
    db.session.flush()
    if not first_come(req):
        audit.record(actor, "board_signup", "request", req.id, mediator_id=mediator_id)
        return None
    assignment = book(actor, req.id, mediator_id)
    audit.record(actor, "board_book", "request", req.id, mediator_id=mediator_id,
                 assignment_id=assignment.id)
    return assignment


def withdraw(actor: User, request_id: int) -> BoardSignup:
    """Take a sign-up back, as long as the office has not decided about the request."""
    mediator_id = _own_mediator(actor)
    req = lock_request(request_id)
    signup = _signup(req.id, mediator_id)
    if signup is None or not signup.is_live:
        raise DomainError(_("You have not offered to take this request."))
    if not req.is_open:
        raise DomainError(_("The office has already decided about this request."))
    signup.withdrawn_at = now_utc()
    db.session.flush()
    audit.record(actor, "board_withdraw", "request", req.id, mediator_id=mediator_id)
    return signup


def volunteers(req: InterpretingRequest, result: matching.MatchResult | None) -> list[Volunteer]:
    """Return the live volunteers of a request: eligible ones in ranking order, then the rest.

    `result` is the request's match (the coordinator's page has it already): the volunteers
    get the same scores and reasons as the candidate list, without matching again.
    """
    signups = db.session.scalars(
        sa.select(BoardSignup).where(BoardSignup.request_id == req.id,
                                     BoardSignup.withdrawn_at.is_(None))
        .options(selectinload(BoardSignup.mediator))
        .order_by(BoardSignup.created_at, BoardSignup.id)
    ).all()
    if not signups:
        return []
    by_id = {s.mediator_id: s for s in signups}
    found: list[Volunteer] = []
    ranked = result.ranked if result is not None else []
    excluded = {e.mediator.id: e.reasons for e in result.excluded} if result else {}
    for c in ranked:
        s = by_id.pop(c.mediator.id, None)
        if s is not None:
            found.append(Volunteer(s.mediator_id, c.mediator.full_name, s.created_at, c, []))
    for s in by_id.values():
        reasons = excluded.get(s.mediator_id) or [matching.reason_labels()["language"]]
        found.append(Volunteer(s.mediator_id, s.mediator.full_name, s.created_at, None,
                               reasons))
    return found


def set_first_come(actor: User, request_id: int, enabled: bool) -> Assignment | None:
    """Switch "first come, first served" for a request; switching it on books the earliest
    eligible volunteer already signed up, if any (the assignment)."""
    req = lock_request(request_id)
    if not req.is_open:
        raise DomainError(_("This request already has a mediator or is no longer open."))
    req.board_first_come = enabled
    db.session.flush()
    audit.record(actor, "board_first_come", "request", req.id, enabled=enabled)
    if not enabled:
        return None
    eligible = {c.mediator.id for c in matching.match(req).ranked}
    first = next((s for s in db.session.scalars(
        sa.select(BoardSignup).where(BoardSignup.request_id == req.id,
                                     BoardSignup.withdrawn_at.is_(None))
        .order_by(BoardSignup.created_at, BoardSignup.id)) if s.mediator_id in eligible), None)
    if first is None:
        return None
    assignment = book(actor, req.id, first.mediator_id)
    audit.record(actor, "board_book", "request", req.id, mediator_id=first.mediator_id,
                 assignment_id=assignment.id)
    return assignment
