"""Offers to mediators: send, answer (dashboard or signed e-mail link), expire, escalate.

The first acceptance wins because accepting books through `assignments.book`, which locks the
request row: a second acceptance waits for the first and then finds the request taken. The
periodic tasks at the bottom flush but never commit; their job (`booking/tasks.py: tick`, also
`flask requests tick`) commits after calling them.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.extensions import db
from app.models import InterpretingRequest, Mediator, Offer, User
from app.models.enums import OfferStatus, RequestStatus
from app.models.request import OFFER_CHANNELS
from app.services.booking import mail as request_mail
from app.services.booking.assignments import book, lock_request, withdraw_pending_offers
from app.services.booking.states import move_offer, move_request
from app.services.core import audit, link_people
from app.services.core.errors import DomainError, NotAllowedError
from app.services.matching import ranking as matching
from app.timeutil import now_utc

SALT = "offer-answer"
ACTIONS = ("accept", "decline")


def _serializer() -> URLSafeTimedSerializer:
    from app.services.core import signing  # here: the rest of the module is another's change

    return signing.serializer(SALT)


def make_token(offer: Offer, action: str) -> str:
    """Sign a link that answers exactly this offer (single use: the offer must be pending)."""
    return _serializer().dumps([offer.id, offer.mediator_id, action])


def read_token(token: str) -> tuple[Offer, str]:
    """Return the offer and action of a signed link, or refuse an expired or forged one."""
    max_age = current_app.config["OFFER_TTL_HOURS"] * 3600
    try:
        offer_id, mediator_id, action = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise DomainError(_("This link has expired.")) from exc
    except (BadSignature, ValueError, TypeError) as exc:
        raise DomainError(_("This link is not valid.")) from exc
    offer = db.session.get(Offer, offer_id) if isinstance(offer_id, int) else None
    if offer is None or offer.mediator_id != mediator_id or action not in ACTIONS:
        raise DomainError(_("This link is not valid."))
    check_link(offer)
    return offer, action


def check_link(offer: Offer) -> None:
    """Refuse (`LinkGoneError`) the link of a mediator who left or whose account was disabled."""
    link_people.check(mediator=offer.mediator, user=offer.mediator.user)


def send_offers(
    actor: User | None, request_id: int, mediator_ids: list[int], *, ttl_hours: int | None = None,
    channel: str = "email",
) -> list[Offer]:
    """Offer an open request to several eligible mediators at once and e-mail them.

    `channel="phone"` records offers the coordinator made on the phone (a volunteer without
    an account or address): the recipient policy sends no mail for them, and the coordinator
    records the answer with `accept_offer`/`decline_offer` acting for the mediator.
    """
    if channel not in OFFER_CHANNELS:
        raise DomainError(_("Please choose how the mediator was asked."))
    if not mediator_ids:
        raise DomainError(_("Please choose at least one mediator."))
    req = lock_request(request_id)
    if not req.is_open:
        raise DomainError(_("This request already has a mediator or is no longer open."))
    now = now_utc()
    if req.starts_at <= now:
        raise DomainError(_("The appointment has already begun."))
    result = matching.match(req, now)
    eligible = {c.mediator.id: c.mediator for c in result.ranked}
    already = set(
        db.session.scalars(sa.select(Offer.mediator_id).where(Offer.request_id == req.id))
    )
    ttl = dt.timedelta(hours=ttl_hours or current_app.config["OFFER_TTL_HOURS"])
    offers = []
    for mediator_id in mediator_ids:
        mediator = eligible.get(mediator_id)
        if mediator is None:
            m = db.session.get(Mediator, mediator_id)
            raise DomainError(_("%(name)s cannot get an offer for this request.",
                                name=m.full_name if m else mediator_id))
        if mediator_id in already:
            raise DomainError(_("%(name)s has already had an offer for this request.",
                                name=mediator.full_name))
        offer = Offer(mediator_id=mediator_id, expires_at=min(now + ttl, req.starts_at),
                      created_at=now, channel=channel)
        req.offers.append(offer)
        offers.append(offer)
    if req.status == RequestStatus.SUBMITTED:
        move_request(req, RequestStatus.OFFERED)
    db.session.flush()
    for offer in offers:
        request_mail.offer_mail(offer, make_token(offer, "accept"), make_token(offer, "decline"))
    audit.record(actor, "send_offers", "request", req.id, mediator_ids=mediator_ids,
                 channel=channel)
    return offers


def _check_owner(offer: Offer, actor: User | None) -> None:
    """Let the mediator answer their own offer, and a coordinator answer for them (phone)."""
    if actor is None or actor.is_coordinator:
        return
    if actor.mediator_id != offer.mediator_id:
        raise NotAllowedError(_("This offer is not for you."))


def accept_offer(offer_id: int, actor: User | None = None):
    """Accept an offer: the first acceptance books the mediator, later ones get a message.

    A coordinator recording a phoned-in answer comes through here too, so the answer takes
    the same request and mediator locks as an acceptance from the e-mail link.
    """
    offer = db.session.get(Offer, offer_id)
    if offer is None:
        raise DomainError(_("This offer does not exist."))
    _check_owner(offer, actor)
    req = lock_request(offer.request_id)
    db.session.refresh(offer)
    if actor is None:  # the e-mail link: the person may have left since the page was read
        check_link(offer)
    taken = not req.is_open
    if taken and offer.status in (OfferStatus.PENDING, OfferStatus.WITHDRAWN):
        raise DomainError(_("Sorry, another mediator has already taken this appointment. "
                            "Thank you all the same!"))
    if offer.status != OfferStatus.PENDING:
        move_offer(offer, OfferStatus.ACCEPTED)  # raises the "already answered" message
    if offer.expires_at <= now_utc():
        raise DomainError(_("This offer has expired."))
    move_offer(offer, OfferStatus.ACCEPTED)
    offer.answered_at = now_utc()
    assignment = book(actor, req.id, offer.mediator_id, offer=offer)
    audit.record(actor, "accept_offer", "offer", offer.id, request_id=req.id)
    return assignment


def decline_offer(offer_id: int, reason: str = "", actor: User | None = None) -> Offer:
    """Decline an offer; when no offer is left open, the request waits for the coordinator."""
    offer = db.session.get(Offer, offer_id)
    if offer is None:
        raise DomainError(_("This offer does not exist."))
    _check_owner(offer, actor)
    req = lock_request(offer.request_id)
    db.session.refresh(offer)
    if actor is None:
        check_link(offer)
    move_offer(offer, OfferStatus.DECLINED)
    offer.answered_at = now_utc()
    offer.decline_reason = reason.strip()[:500]
    db.session.flush()
    _back_to_submitted_if_unanswered(req)
    audit.record(actor, "decline_offer", "offer", offer.id, request_id=req.id)
    return offer


def withdraw_offers_of(mediator_id: int) -> list[Offer]:
    """Withdraw every pending offer of a mediator who leaves (retired, erased, disabled).

    Each request is locked first, as an acceptance locks it, so an answer in the same moment
    either wins before (and is then withdrawn with the assignment's own rules) or finds the
    offer withdrawn. A request left without pending offers goes back to the coordinator. No
    mail: the person has left. The caller audits (one entry for the departure).
    """
    pending = (Offer.mediator_id == mediator_id, Offer.status == OfferStatus.PENDING)
    request_ids = db.session.scalars(
        sa.select(Offer.request_id).where(*pending).distinct().order_by(Offer.request_id)).all()
    withdrawn: list[Offer] = []
    for request_id in request_ids:
        req = lock_request(request_id)
        for offer in db.session.scalars(
                sa.select(Offer).where(*pending, Offer.request_id == req.id)
                .execution_options(populate_existing=True)).all():
            move_offer(offer, OfferStatus.WITHDRAWN)
            offer.answered_at = now_utc()
            withdrawn.append(offer)
        db.session.flush()
        _back_to_submitted_if_unanswered(req)
    db.session.flush()
    return withdrawn


def _back_to_submitted_if_unanswered(req: InterpretingRequest) -> None:
    pending = db.session.scalar(
        sa.select(sa.func.count()).select_from(Offer).where(
            Offer.request_id == req.id, Offer.status == OfferStatus.PENDING
        )
    )
    if req.status == RequestStatus.OFFERED and not pending:
        move_request(req, RequestStatus.SUBMITTED)


# -- periodic tasks (flush, never commit) ------------------------------------------------------
# Each claims the request rows it acts on (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite has one
# writer): a second scheduler, or a view booking the request, makes it skip that request until
# the next run, so no request is expired, escalated or marked unfilled (and mailed) twice. The
# request is locked before its offers, in the same order as the views take them.


def _claim_requests(*where) -> list[InterpretingRequest]:
    return list(db.session.scalars(
        sa.select(InterpretingRequest).where(*where)
        .order_by(InterpretingRequest.starts_at, InterpretingRequest.id)
        .with_for_update(skip_locked=True).execution_options(populate_existing=True)))


def expire_offers(now: dt.datetime) -> int:
    """Mark pending offers past their expiry as expired."""
    due = (Offer.status == OfferStatus.PENDING, Offer.expires_at <= now)
    claimed = _claim_requests(
        InterpretingRequest.id.in_(sa.select(Offer.request_id).where(*due)))
    if not claimed:
        return 0
    offers = db.session.scalars(
        sa.select(Offer).where(*due, Offer.request_id.in_([r.id for r in claimed]))
        .order_by(Offer.id).with_for_update()
    ).all()
    for offer in offers:
        move_offer(offer, OfferStatus.EXPIRED)
        offer.answered_at = now
    db.session.flush()
    for req in {o.request for o in offers}:
        _back_to_submitted_if_unanswered(req)
    db.session.flush()
    return len(offers)


def escalate_unanswered(now: dt.datetime) -> int:
    """Alert the coordinators about open requests older than ESCALATION_HOURS (once each).

    With AUTO_OFFER_NEXT the next best candidates without an offer also get one.
    """
    cfg = current_app.config
    cutoff = now - dt.timedelta(hours=cfg["ESCALATION_HOURS"])
    requests = _claim_requests(
        InterpretingRequest.is_open,
        InterpretingRequest.escalated_at.is_(None),
        InterpretingRequest.created_at <= cutoff,
        InterpretingRequest.starts_at > now,
    )
    for req in requests:
        req.escalated_at = now
        auto = 0
        if cfg["AUTO_OFFER_NEXT"]:
            offered = {o.mediator_id for o in req.offers}
            nxt = [c.mediator.id for c in matching.match(req, now).ranked
                   if c.mediator.id not in offered][: cfg["AUTO_OFFER_COUNT"]]
            if nxt:
                auto = len(send_offers(None, req.id, nxt))
        request_mail.escalation_mail(req, auto)
        audit.record(None, "escalate", "request", req.id, auto_offered=auto)
    db.session.flush()
    return len(requests)


def mark_unfilled(now: dt.datetime) -> int:
    """Turn open requests whose appointment has begun into `unfilled` and tell the institution."""
    requests = _claim_requests(InterpretingRequest.is_open, InterpretingRequest.starts_at <= now)
    for req in requests:
        for offer in req.offers:
            if offer.status == OfferStatus.PENDING:
                move_offer(offer, OfferStatus.EXPIRED)
                offer.answered_at = now
        move_request(req, RequestStatus.UNFILLED)
        request_mail.institution_notice(req, "unfilled")
        audit.record(None, "unfilled", "request", req.id)
    db.session.flush()
    return len(requests)


def tick(now: dt.datetime | None = None) -> dict[str, int]:
    """Run all periodic request tasks in order (the job in booking/tasks.py then commits)."""
    now = now or now_utc()
    return {
        "expired": expire_offers(now),
        "unfilled": mark_unfilled(now),
        "escalated": escalate_unanswered(now),
    }


__all__ = [
    "accept_offer", "decline_offer", "escalate_unanswered", "expire_offers", "make_token",
    "check_link", "mark_unfilled", "read_token", "send_offers", "tick", "withdraw_offers_of",
    "withdraw_pending_offers",
]
