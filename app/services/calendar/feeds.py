"""Private calendar feeds: secret token URLs, per-viewer event selection, cheap ETags.

A token is `<user id>.<HMAC(SECRET_KEY, user id + per-user feed_secret)>`: a database dump
alone (without SECRET_KEY) yields no working URL, rotating the secret kills the old URL at
once, and NULL (revoked) yields none at all.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import threading
from functools import lru_cache
from types import SimpleNamespace
from typing import NamedTuple
from urllib.parse import quote

import sqlalchemy as sa
from cachetools import LRUCache
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.i18n import speaking
from app.models import (
    Assignment,
    Institution,
    InterpretingRequest,
    Mediator,
    Meeting,
    MeetingSeries,
    SupervisionMember,
    User,
)
from app.models.enums import AssignmentStatus, MeetingStatus, Role
from app.models.user import new_feed_secret
from app.services.calendar import feed_listener, ical
from app.services.core import audit, link_people, signing
from app.services.core.bounds import parse_id
from app.services.core.links import external_url
from app.timeutil import UTC, UTCDateTime, now_utc

PAST_DAYS = 365  # feeds carry a year of history: enough for clients, small enough to be fast
LIVE_ASSIGNMENT = (AssignmentStatus.ACTIVE, AssignmentStatus.COMPLETED)


def _mac(user_id: int, secret: str, key: str | None = None) -> str:
    """The MAC of a feed token under `key` (default SECRET_KEY, the key new URLs get)."""
    key_bytes = (key or current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key_bytes, f"feed:{user_id}:{secret}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")  # 192 bits


def token_for(user: User) -> str | None:
    """Return the user's feed token, or None when the feed is revoked."""
    if not user.feed_secret:
        return None
    return f"{user.id}.{_mac(user.id, user.feed_secret)}"


def _user_id(token: str) -> tuple[int, str] | None:
    """Split a token into the user id and the MAC, or None when it cannot be one."""
    user_part, _sep, mac = token.partition(".")
    user_id = parse_id(user_part)  # ASCII digits within INTEGER: beyond it no user exists
    if user_id is None or not mac or len(token) > 80:
        return None
    return user_id, mac


def _mac_matches(mac: str, user_id: int, secret: str) -> bool:
    """True under SECRET_KEY or a key of SECRET_KEY_FALLBACKS (a rotation keeps URLs working)."""
    return any(hmac.compare_digest(mac.encode(), _mac(user_id, secret, key).encode())
               for key in signing.key_ring())


def rotate(user: User, actor: User | None = None) -> str:
    """Give the user a new secret (the old URL stops working at once) and return the token."""
    user.feed_secret = new_feed_secret()
    audit.record(actor or user, "feed_rotate", "user", user.id)
    db.session.flush()
    return token_for(user)


def revoke(user: User, actor: User | None) -> None:
    """Switch the user's feed off until they create a new link themselves."""
    user.feed_secret = None
    audit.record(actor, "feed_revoke", "user", user.id)
    db.session.flush()


def feed_urls(user: User) -> dict[str, str] | None:
    """Return the https, webcal and Google links of a user's feed (None when revoked)."""
    token = token_for(user)
    if token is None:
        return None
    https = external_url("calendar.feed", token=token)
    webcal = "webcal://" + https.split("://", 1)[1]
    google = "https://calendar.google.com/calendar/render?cid=" + quote(webcal, safe="")
    return {"https": https, "webcal": webcal, "google": google}


# --- what each viewer sees -------------------------------------------------------------------
def _since() -> dt.datetime:
    """The start of the feed's window: midnight UTC a year ago (the same all day, so the
    poll statement's text changes once a day and the database can keep its plan)."""
    today = now_utc().date()
    return dt.datetime.combine(today - dt.timedelta(days=PAST_DAYS), dt.time(0), tzinfo=UTC)


def _assignment_filter(user, since=None) -> list:
    since = _since() if since is None else since
    conds = [Assignment.status.in_(LIVE_ASSIGNMENT), Assignment.starts_at >= since]
    if user.role == Role.MEDIATOR:
        conds.append(Assignment.mediator_id == user.mediator_id)
    elif user.role == Role.INSTITUTION:
        conds.append(Assignment.request_id.in_(
            sa.select(InterpretingRequest.id).where(
                InterpretingRequest.institution_id == user.institution_id)
            .correlate_except(InterpretingRequest)))  # the poll's owner row, two levels up
    return conds


def _meeting_scope(user):
    """Return a condition on (kind, group_id) columns of series/meetings, or None for nothing."""
    if user.role == Role.COORDINATOR:
        return lambda model: sa.true()
    if user.role != Role.MEDIATOR:
        return None
    groups = sa.select(SupervisionMember.group_id).where(
        SupervisionMember.mediator_id == user.mediator_id).correlate_except(SupervisionMember)
    return lambda model: sa.or_(model.kind == "exchange", model.group_id.in_(groups))


class FeedOwner(NamedTuple):
    """The few user columns a calendar poll needs (no ORM object, no transaction)."""

    id: int
    role: str
    locale: str | None
    feed_secret: str
    mediator_id: int | None
    institution_id: int | None
    updated_at: dt.datetime


FEED_ROLES = (Role.MEDIATOR, Role.INSTITUTION, Role.COORDINATOR)


def _aggregates(role: str) -> list[tuple]:
    """Return (rows, their updated_at, conditions) for each row set a viewer's feed text
    depends on, written against the polled app_user row (correlated), so one statement
    serves every user."""
    viewer = SimpleNamespace(role=role, mediator_id=User.mediator_id,
                             institution_id=User.institution_id)
    since = sa.bindparam("since", type_=UTCDateTime, literal_execute=True)
    parts: list[tuple] = [
        (Assignment, Assignment.updated_at, _assignment_filter(viewer, since=since))]
    scope = _meeting_scope(viewer)
    if scope is not None:  # a few series rows per group
        parts.append((MeetingSeries, MeetingSeries.updated_at, [scope(MeetingSeries)]))
    if role == Role.COORDINATOR:
        parts.append((Meeting, Meeting.updated_at, []))
    elif scope is not None:
        # the mediator's occurrences, split so each half reads an index (an OR would scan)
        parts.append((Meeting, Meeting.updated_at, [Meeting.kind == "exchange"]))
        # a join, not `group_id IN (...)`: for max() over an IN list SQLite walks the whole
        # updated_at index (1.2 ms for a mediator without a group) instead of the group's rows
        parts.append((sa.join(Meeting, SupervisionMember,
                              SupervisionMember.group_id == Meeting.group_id),
                      Meeting.updated_at,
                      [SupervisionMember.mediator_id == viewer.mediator_id]))
    return parts


@lru_cache(maxsize=1)
def _poll_statement() -> sa.Select:
    """Build (once) the one statement a calendar poll costs: the owner row and every
    aggregate the feed's text depends on.

    Why one statement for every role: a calendar app polls each feed about hourly and most
    polls end in a 304. Each role's aggregates sit behind `CASE WHEN role = ...`, which both
    databases evaluate only for the matching branch; they refer to the owner row itself, and
    the window's start (the same all day) is written into the text, so the user id is the
    only bound parameter and PostgreSQL keeps one generic plan instead of planning every
    poll (planning took twice as long as executing). Each part is an index probe; the latest
    `updated_at` of institutions, mediators and requests (shown in events) are plain scalar
    subqueries (SQLite scans the whole index when the same max() is in a FROM subquery).
    """
    latest = [sa.select(sa.func.max(model.updated_at)).scalar_subquery()
              for model in (Institution, Mediator, InterpretingRequest)]
    inputs = []
    for role in FEED_ROLES:
        for source, updated_at, conditions in _aggregates(role):
            for aggregate in (sa.func.count(), sa.func.max(updated_at)):
                sub = sa.select(aggregate).select_from(source).where(*conditions)
                inputs.append(sa.case((User.role == role, sub.scalar_subquery())))
    return sa.select(
        User.id, User.role, User.locale, User.feed_secret, User.mediator_id,
        User.institution_id, User.updated_at, *latest, *inputs,
    ).where(User.id == sa.bindparam("user_id"), User.is_enabled.is_(True),
            User.feed_secret.is_not(None), *link_people.account_alive())  # dies with its person


def _etag(owner, inputs: list) -> tuple[str, dt.datetime]:
    parts: list = [owner.id, owner.locale, owner.feed_secret, *inputs]
    stamps = [v if v.tzinfo else v.replace(tzinfo=UTC)
              for v in (owner.updated_at, *parts) if isinstance(v, dt.datetime)]
    etag = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return etag, max(stamps).replace(microsecond=0)


def poll(token: str) -> tuple[FeedOwner, str, dt.datetime] | None:
    """Check a feed token and return its owner and ETag; memory first (feed_listener).

    Why not the ORM session: a poll runs on every calendar refresh; without a transaction
    it costs one small query (no BEGIN/ROLLBACK round trips), or none when remembered.
    """
    parts = _user_id(token)
    if parts is None:
        return None
    polled = feed_listener.poll(current_app, parts[0], _read_poll)
    if polled is None or not _mac_matches(parts[1], polled[0].id, polled[0].feed_secret):
        return None
    return polled


def _read_poll(user_id: int) -> tuple[FeedOwner, str, dt.datetime] | None:
    """Read the owner and compute the ETag with one statement on an autocommit connection."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        row = conn.execute(_poll_statement(), {"user_id": user_id, "since": _since()}).first()
    if row is None:
        return None
    size = len(FeedOwner._fields)
    return (owner := FeedOwner(*row[:size]), *_etag(owner, list(row[size:])))


# Whole feeds by (user id, ETag): the ETag covers every input of the text, so a hit is never
# stale, and a poll after an unchanged hour costs two small queries and no serialising.
# Bounded in bytes per worker (FEED_CACHE_BYTES); least recently used feeds go first.
_FEEDS: LRUCache[tuple[int, str], bytes] | None = None
_FEEDS_LOCK = threading.Lock()


def _feed_cache() -> LRUCache[tuple[int, str], bytes]:
    global _FEEDS
    size = current_app.config["FEED_CACHE_BYTES"]
    with _FEEDS_LOCK:
        if _FEEDS is None or _FEEDS.maxsize != size:
            _FEEDS = LRUCache(maxsize=size, getsizeof=len)
        return _FEEDS


def cached_feed(owner: FeedOwner, etag: str) -> bytes | None:
    """Return the owner's feed for this ETag, building it only when it is not cached.

    A hit needs no ORM object at all; None means the owner vanished since the poll.
    """
    cache, key = _feed_cache(), (owner.id, etag)
    with _FEEDS_LOCK:
        body = cache.get(key)
    if body is None:
        user = db.session.get(User, owner.id)
        if user is None:
            return None
        body = build_feed(user)
        if len(body) <= cache.maxsize:
            with _FEEDS_LOCK:
                cache[key] = body
    return body


def calendar_name(user: User) -> str:
    if user.role == Role.MEDIATOR:
        return _("SKM-Pool: my appointments")
    if user.role == Role.INSTITUTION:
        return _("SKM-Pool: %(name)s", name=user.institution.name)
    return _("SKM-Pool: all appointments")


def build_feed(user: User) -> bytes:
    """Build the user's whole feed in their language (events memoised, see ical.cached_event)."""
    locale = user.locale or "de"
    with speaking(locale):
        cal = ical.new_calendar(calendar_name(user))
        stmt = (
            sa.select(Assignment).where(*_assignment_filter(user)).order_by(Assignment.starts_at)
            .options(selectinload(Assignment.mediator),
                     selectinload(Assignment.request).selectinload(
                         InterpretingRequest.institution))
        )
        viewer = user.role
        events = []
        for a in db.session.scalars(stmt):
            events.append(ical.cached_event(
                ("A", viewer, locale, ical.host(), *assignment_key(a)),
                lambda a=a: ical.assignment_event(a, viewer, feed=True)))
        scope = _meeting_scope(user)
        if scope is not None:
            events += _meeting_events(scope, locale)
        return ical.assemble(cal, events)


def assignment_key(a: Assignment) -> tuple:
    """Return the values `ical.assignment_event` builds from (its declared fields)."""
    return ical.field_values(a, ical.ASSIGNMENT_EVENT_FIELDS)


def series_key(s: MeetingSeries, cancelled: list[Meeting]) -> tuple:
    """Return the values `ical.series_event` builds from, cancelled occurrences included."""
    return (*ical.field_values(s, ical.SERIES_EVENT_FIELDS),
            tuple(ical.field_values(m, ical.SERIES_CANCELLED_FIELDS) for m in cancelled))


def occurrence_key(m: Meeting) -> tuple:
    """Return the values `ical.occurrence_event` builds from (its declared fields)."""
    return ical.field_values(m, ical.OCCURRENCE_EVENT_FIELDS)


def _meeting_events(scope, locale: str) -> list[bytes]:
    series_list = list(db.session.scalars(sa.select(MeetingSeries).where(scope(MeetingSeries))))
    special = db.session.scalars(
        sa.select(Meeting).where(scope(Meeting), sa.or_(
            sa.and_(Meeting.series_id.is_(None), Meeting.status == MeetingStatus.SCHEDULED,
                    Meeting.starts_at >= _since()),
            sa.and_(Meeting.series_id.is_not(None),
                    sa.or_(Meeting.status == MeetingStatus.CANCELLED, Meeting.sequence > 0)),
        )).order_by(Meeting.starts_at)
    ).all()
    cancelled: dict[int, list[Meeting]] = {}
    for m in special:
        if m.series_id is not None and m.status == MeetingStatus.CANCELLED:
            cancelled.setdefault(m.series_id, []).append(m)
    by_id = {s.id: s for s in series_list}
    host = ical.host()
    events = []
    for s in series_list:
        gone = cancelled.get(s.id, [])
        key = ("S", locale, host, *series_key(s, gone))
        events.append(ical.cached_event(
            key, lambda s=s, gone=gone: ical.series_event(s, gone, feed=True)))
    for m in special:
        if m.series_id is None or (ical.is_override(m) and m.series_id in by_id):
            key = ("M", locale, host, *occurrence_key(m))
            events.append(ical.cached_event(key, lambda m=m: ical.occurrence_event(m, feed=True)))
    return events
