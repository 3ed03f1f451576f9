"""The institution's rating and the mediator's debrief, and what the coordinators do with them.

Who may read what is decided here, not in templates: a rating is for coordinators (the
institution sees only its own, on its own request); a debrief's text reaches the agenda of the
mediator's next supervision session only when the mediator allowed it (`share_content`),
otherwise the agenda names the person and says "debrief wanted".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Assignment,
    Debrief,
    InterpretingRequest,
    Meeting,
    Rating,
    SupervisionMember,
    User,
)
from app.models.enums import MeetingStatus
from app.models.request import BOOKED_REQUEST_STATUSES
from app.services.core import audit
from app.services.core.errors import DomainError, NotAllowedError
from app.timeutil import now_utc

MAX_TEXT = 4000


@dataclass(frozen=True)
class DebriefData:
    text: str
    burdened: bool
    share_content: bool


def can_rate(req: InterpretingRequest, now: dt.datetime | None = None) -> bool:
    """Tell whether the appointment is far enough for a rating (booked and begun), and the
    mediator whose work it rates was not erased (erasure deleted the ratings of their work)."""
    live = req.live_assignment
    return (live is not None and req.status in BOOKED_REQUEST_STATUSES
            and req.starts_at <= (now or now_utc()) and live.mediator.erased_at is None)


def rate(actor: User | None, req: InterpretingRequest, stars: int, comment: str) -> Rating:
    """Store (or replace) the institution's rating of the interpreting."""
    if actor is not None and actor.institution_id != req.institution_id:
        raise NotAllowedError(_("This is not your request."))
    live = req.live_assignment
    if live is not None and live.mediator.erased_at is not None:
        raise DomainError(_("The mediator's personal data was erased, so this appointment can "
                            "no longer be rated."))
    if not can_rate(req):
        raise DomainError(_("You can rate the interpreting only after the appointment."))
    if not 1 <= stars <= 5:
        raise DomainError(_("Please choose between 1 and 5 stars."))
    rating = rating_of(req) or Rating(request_id=req.id, stars=stars)
    rating.stars = stars
    rating.comment = comment.strip()[:MAX_TEXT]
    rating.created_at = now_utc()
    rating.created_by_id = actor.id if actor is not None else None
    db.session.add(rating)
    db.session.flush()
    audit.record(actor, "rate", "request", req.id, stars=stars)
    return rating


def rating_of(req: InterpretingRequest) -> Rating | None:
    return db.session.scalar(sa.select(Rating).where(Rating.request_id == req.id))


@dataclass(frozen=True)
class RequestFeedback:
    """What the coordinator's request page shows after the appointment."""

    rating: Rating | None
    debriefs: dict[int, Debrief]  # by assignment id


def request_feedback(req: InterpretingRequest) -> RequestFeedback:
    """Return the rating and the debriefs of a request (for coordinators only).

    A request that was never booked has neither (a rating needs a live assignment, a debrief
    belongs to one; assignments are cancelled, never deleted): no query for the open ones.
    """
    if not req.assignments:
        return RequestFeedback(None, {})
    rows = db.session.scalars(sa.select(Debrief).join(Assignment).where(
        Assignment.request_id == req.id))
    return RequestFeedback(rating_of(req), {d.assignment_id: d for d in rows})


def debrief_of(assignment: Assignment) -> Debrief | None:
    return db.session.scalar(sa.select(Debrief).where(Debrief.assignment_id == assignment.id))


def save_debrief(actor: User | None, assignment: Assignment, data: DebriefData) -> Debrief | None:
    """Store the mediator's debrief (the caller checked it is theirs); nothing when empty."""
    if actor is not None and actor.mediator_id != assignment.mediator_id:
        raise NotAllowedError(_("This is not your assignment."))
    if assignment.starts_at > now_utc():
        raise DomainError(_("You can report only after the appointment."))
    existing = debrief_of(assignment)
    if existing is None and not data.text.strip() and not data.burdened:
        return None
    debrief = existing or Debrief(assignment_id=assignment.id)
    debrief.text = data.text.strip()[:MAX_TEXT]
    debrief.burdened = data.burdened
    debrief.share_content = data.share_content
    debrief.created_at = now_utc()
    db.session.add(debrief)
    db.session.flush()
    audit.record(actor, "debrief", "assignment", assignment.id, burdened=data.burdened)
    return debrief


def burdened_query(*, done: bool | None = False) -> sa.Select:
    """Select debriefs with the burden flag, newest first; `done` filters the follow-up."""
    stmt = sa.select(Debrief).where(Debrief.burdened.is_(True))
    if done is not None:
        stmt = stmt.where(Debrief.follow_up_done.is_(done))
    return (stmt.options(selectinload(Debrief.assignment).selectinload(Assignment.mediator),
                         selectinload(Debrief.assignment).selectinload(Assignment.request),
                         selectinload(Debrief.meeting))
            .order_by(Debrief.created_at.desc(), Debrief.id.desc()))


def burdened_debriefs(session) -> int:
    """Count burdened debriefs whose follow-up is not done (dashboard line, start page card)."""
    return session.scalar(sa.select(sa.func.count()).select_from(Debrief).where(
        Debrief.burdened.is_(True), Debrief.follow_up_done.is_(False))) or 0


def note_follow_up(actor: User, debrief: Debrief, note: str, done: bool) -> Debrief:
    """Let the coordinator note how the burden was followed up."""
    debrief.follow_up_note = note.strip()[:MAX_TEXT]
    debrief.follow_up_done = done
    db.session.flush()
    audit.record(actor, "debrief_follow_up", "assignment", debrief.assignment_id, done=done)
    return debrief


def next_supervision(mediator_id: int, now: dt.datetime | None = None) -> Meeting | None:
    """Return the next scheduled supervision session of a group the mediator belongs to."""
    groups = sa.select(SupervisionMember.group_id).where(
        SupervisionMember.mediator_id == mediator_id)
    return db.session.scalar(
        sa.select(Meeting).where(Meeting.kind == "supervision",
                                 Meeting.status == MeetingStatus.SCHEDULED,
                                 Meeting.starts_at > (now or now_utc()),
                                 Meeting.group_id.in_(groups))
        .order_by(Meeting.starts_at, Meeting.id).limit(1))


def put_on_agenda(actor: User, debrief: Debrief) -> Meeting:
    """Put the debrief on the agenda of the mediator's next supervision session."""
    meeting = next_supervision(debrief.assignment.mediator_id)
    if meeting is None:
        raise DomainError(_("This mediator has no supervision session coming up."))
    debrief.meeting_id = meeting.id
    db.session.flush()
    audit.record(actor, "debrief_agenda", "assignment", debrief.assignment_id,
                 meeting_id=meeting.id)
    return meeting


@dataclass(frozen=True)
class AgendaItem:
    name: str
    content: str  # empty unless the mediator allowed sharing


def agenda_items(meeting: Meeting) -> list[AgendaItem]:
    """Return the debriefs on a session's agenda: name always, content only when shared."""
    rows = db.session.scalars(
        sa.select(Debrief).where(Debrief.meeting_id == meeting.id)
        .options(selectinload(Debrief.assignment).selectinload(Assignment.mediator))
        .order_by(Debrief.id)).all()
    return [AgendaItem(d.assignment.mediator.full_name, d.text if d.share_content else "")
            for d in rows]
