"""After the appointment: the day-after e-mails with signed links, their answers, assumption.

A day after an assignment ends the institution is asked whether it took place and the
mediator to report hours and travel. Each mail carries a signed link that needs no password.
The `FollowUp` row is both the "sent" mark (unique per assignment and audience, so a second
scheduler or a restart never mails twice) and the link's state: it expires
`FOLLOW_UP_LINK_DAYS` after sending (measured on the app clock, not the signature's own
timestamp, so tests and operators see one time) and works once. `send_follow_ups` and
`assume_completions` flush; their jobs in `booking/tasks.py` commit.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Assignment, FollowUp, InterpretingRequest, Mediator
from app.models.enums import AssignmentStatus, Outcome, ReportStatus, RequestStatus
from app.models.follow_up import FOLLOW_UP_ANSWERS
from app.services.booking import debriefs
from app.services.booking.assignments import lock_request, record_outcome, store_report
from app.services.booking.states import move_assignment, move_request
from app.services.core import audit, jobs, link_people
from app.services.core.errors import DomainError
from app.services.core.links import external_url
from app.services.core.recipients import Kind, queue, recipients, speaking
from app.timeutil import now_utc

SALT = "follow-up"


def _cfg(name: str):
    return current_app.config[name]


def _serializer() -> URLSafeSerializer:
    from app.services.core import signing  # here: the rest of the module is another's change

    return signing.serializer(SALT, timed=False)


def make_token(follow_up: FollowUp) -> str:
    """Sign a link that names exactly this follow-up (its audience and assignment too)."""
    return _serializer().dumps([follow_up.id, follow_up.audience, follow_up.assignment_id])


def read_token(token: str, audience: str) -> FollowUp:
    """Return the follow-up a signed link names, or refuse a forged or foreign one."""
    try:
        follow_up_id, aud, assignment_id = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError) as exc:
        raise DomainError(_("This link is not valid.")) from exc
    follow_up = db.session.get(FollowUp, follow_up_id) if isinstance(follow_up_id, int) else None
    if (follow_up is None or aud != audience or follow_up.audience != audience
            or follow_up.assignment_id != assignment_id):
        raise DomainError(_("This link is not valid."))
    check_link(follow_up)
    return follow_up


def check_link(follow_up: FollowUp) -> None:
    """Refuse (`LinkGoneError`) a day-after link whose people have left.

    The mediator's report link dies with the mediator (retired, erased, account disabled);
    the institution's confirmation and rating link dies with the institution and once the
    mediator whose work it rates was erased (erasure deleted the ratings of their work).
    """
    a = follow_up.assignment
    if follow_up.audience == "mediator":
        link_people.check(mediator=a.mediator, user=a.mediator.user)
    else:
        link_people.check(institution=a.request.institution, about=a.mediator)


def is_answered(follow_up: FollowUp) -> bool:
    """Tell whether the question was answered, by this link or on the normal pages."""
    a = follow_up.assignment
    if follow_up.answered_at is not None or a.status == AssignmentStatus.CANCELLED:
        return True
    if follow_up.audience == "institution":
        return a.request.status != RequestStatus.ASSIGNED
    return a.report_status != ReportStatus.NONE


def link_state(follow_up: FollowUp, now: dt.datetime | None = None) -> str:
    """Return "open", "answered" or "expired" (answered wins: the page says it was done)."""
    if is_answered(follow_up):
        return "answered"
    expires = follow_up.sent_at + dt.timedelta(days=_cfg("FOLLOW_UP_LINK_DAYS"))
    return "expired" if (now or now_utc()) >= expires else "open"



def open_link(token: str, audience: str) -> tuple[FollowUp | None, str, str | None]:
    """Read a follow-up link for both link pages: (follow-up, state, error message).

    A forged or wrong-audience token gives state "invalid" with the reason, a link whose
    people have left "gone" (`link_people`); otherwise the state is the link's own ("open",
    used, expired ...).
    """
    try:
        follow_up = read_token(token, audience)
    except link_people.LinkGoneError as exc:
        return None, "gone", str(exc)
    except DomainError as exc:
        return None, "invalid", str(exc)
    return follow_up, link_state(follow_up), None

def _claim(assignment: Assignment, audience: str, now: dt.datetime) -> FollowUp | None:
    """Insert the follow-up row; None when another process already has it."""
    if not jobs.claim(FollowUp, assignment_id=assignment.id, audience=audience, sent_at=now):
        return None
    return db.session.scalar(sa.select(FollowUp).where(
        FollowUp.assignment_id == assignment.id, FollowUp.audience == audience))


_MAILS = {
    "institution": (Kind.FOLLOW_UP_CONFIRMATION, _l("Did the appointment take place?"),
                    "email/follow_up_confirmation.txt", "booking.follow_up_answer"),
    "mediator": (Kind.REPORT_REMINDER, _l("Please report your assignment"),
                 "email/report_reminder.txt", "booking.follow_up_report"),
}


def _send(follow_up: FollowUp) -> None:
    kind, subject, template, endpoint = _MAILS[follow_up.audience]
    a = follow_up.assignment
    link = external_url(endpoint, token=make_token(follow_up))
    for rcpt in recipients(kind, a):
        with speaking(rcpt):
            body = render_template(template, a=a, req=a.request, link=link,
                                   days=_cfg("FOLLOW_UP_LINK_DAYS"))
            queue(rcpt, str(subject), body)


def due_assignments(now: dt.datetime) -> list[Assignment]:
    """Return active assignments that ended a day ago (within the window) and are unanswered."""
    after = now - dt.timedelta(hours=_cfg("FOLLOW_UP_AFTER_HOURS"))
    window = after - dt.timedelta(days=_cfg("FOLLOW_UP_WINDOW_DAYS"))
    return list(db.session.scalars(
        sa.select(Assignment).join(Assignment.request).where(
            Assignment.status == AssignmentStatus.ACTIVE, Assignment.ends_at <= after,
            Assignment.ends_at > window)
        .options(selectinload(Assignment.mediator).selectinload(Mediator.user),
                 selectinload(Assignment.request).selectinload(InterpretingRequest.institution))
        .order_by(Assignment.ends_at, Assignment.id)))


def send_follow_ups(now: dt.datetime | None = None) -> int:
    """Queue the day-after mails: the institution's confirmation, the mediator's report."""
    now = now or now_utc()
    asked = {(f.assignment_id, f.audience) for f in db.session.scalars(
        sa.select(FollowUp).join(Assignment).where(Assignment.status == AssignmentStatus.ACTIVE))}
    count = 0
    for a in due_assignments(now):
        wanted = []
        if a.request.status == RequestStatus.ASSIGNED:
            wanted.append("institution")
        if a.report_status == ReportStatus.NONE:
            wanted.append("mediator")
        for audience in wanted:
            if (a.id, audience) in asked:
                continue
            follow_up = _claim(a, audience, now)
            if follow_up is None:
                continue
            follow_up.assignment = a
            _send(follow_up)
            count += 1
    db.session.flush()
    return count


def _lock_open(follow_up_id: int) -> FollowUp:
    """Lock the request behind a follow-up and refuse a used or expired link."""
    follow_up = db.session.get(FollowUp, follow_up_id)
    lock_request(follow_up.assignment.request_id)
    db.session.refresh(follow_up)
    check_link(follow_up)  # left in the meantime: nothing is stored
    state = link_state(follow_up)
    if state == "answered":
        raise DomainError(_("This question has already been answered. Thank you!"))
    if state == "expired":
        raise DomainError(_("This link has expired."))
    return follow_up


def answer_confirmation(follow_up_id: int, answer: str, *, stars: int | None = None,
                        comment: str = "") -> FollowUp:
    """Record the institution's answer from the link (once), with an optional rating."""
    if answer not in FOLLOW_UP_ANSWERS:
        raise DomainError(_("Unknown outcome."))
    follow_up = _lock_open(follow_up_id)
    req = follow_up.assignment.request
    record_outcome(None, req.id,
                   Outcome.TOOK_PLACE if answer == Outcome.TOOK_PLACE else Outcome.NO_SHOW,
                   mediator_no_show=answer == "mediator_no_show")
    follow_up.answered_at = now_utc()
    follow_up.answer = answer
    if stars is not None:
        debriefs.rate(None, req, stars, comment)
    db.session.flush()
    audit.record(None, "follow_up_answer", "request", req.id, answer=answer)
    return follow_up


def answer_report(follow_up_id: int, *, minutes: int, travel_km: Decimal | None,
                  ticket_cost_cents: int | None, debrief: debriefs.DebriefData | None = None,
                  ) -> FollowUp:
    """Store the mediator's report from the link (once), with an optional debrief."""
    follow_up = _lock_open(follow_up_id)
    a = follow_up.assignment
    actor = a.mediator.user
    store_report(actor, a, minutes=minutes, travel_km=travel_km,
                 ticket_cost_cents=ticket_cost_cents)
    follow_up.answered_at = now_utc()
    follow_up.answer = "reported"
    if debrief is not None:
        debriefs.save_debrief(actor, a, debrief)
    db.session.flush()
    return follow_up


def unanswered_query(now: dt.datetime) -> sa.Select:
    """Select follow-ups still unanswered `FOLLOW_UP_ESCALATE_DAYS` after sending, oldest first."""
    cutoff = now - dt.timedelta(days=_cfg("FOLLOW_UP_ESCALATE_DAYS"))
    return (
        sa.select(FollowUp).join(FollowUp.assignment).join(Assignment.request)
        .where(FollowUp.answered_at.is_(None), FollowUp.sent_at <= cutoff,
               Assignment.status != AssignmentStatus.CANCELLED,
               sa.or_(sa.and_(FollowUp.audience == "institution",
                              InterpretingRequest.status == RequestStatus.ASSIGNED),
                      sa.and_(FollowUp.audience == "mediator",
                              Assignment.report_status == ReportStatus.NONE)))
        .options(selectinload(FollowUp.assignment).selectinload(Assignment.mediator),
                 selectinload(FollowUp.assignment).selectinload(Assignment.request)
                 .selectinload(InterpretingRequest.institution))
        .order_by(FollowUp.sent_at, FollowUp.id)
    )


def unanswered_follow_ups(session, now: dt.datetime) -> int:
    """Count what the coordinator must chase (for the dashboard or the start page)."""
    return session.scalar(sa.select(sa.func.count()).select_from(
        unanswered_query(now).order_by(None).subquery())) or 0


def coordinator_counts(session, now: dt.datetime) -> dict[str, int]:
    """Return the two figures of the dashboard line: unanswered follow-ups, burdened debriefs."""
    return {"follow_ups": unanswered_follow_ups(session, now),
            "burdened": debriefs.burdened_debriefs(session)}


def assume_completions(now: dt.datetime | None = None) -> int:
    """Complete assignments nobody answered as "took place" with the planned duration.

    Off unless ASSUME_COMPLETION_AFTER_DAYS is set. Only when neither side answered: a
    report or an outcome means someone is on it, and the coordinator decides the rest. The
    report waits for approval like any other, marked as assumed.
    """
    days = current_app.config.get("ASSUME_COMPLETION_AFTER_DAYS")
    if days is None:
        return 0
    now = now or now_utc()
    ids = db.session.scalars(
        sa.select(Assignment.id).join(Assignment.request).where(
            Assignment.status == AssignmentStatus.ACTIVE,
            Assignment.report_status == ReportStatus.NONE,
            InterpretingRequest.status == RequestStatus.ASSIGNED,
            Assignment.ends_at <= now - dt.timedelta(days=days))
        .order_by(Assignment.id)).all()
    count = 0
    for assignment_id in ids:
        a = db.session.get(Assignment, assignment_id)
        req = lock_request(a.request_id)
        db.session.refresh(a)
        if (a.status != AssignmentStatus.ACTIVE or a.report_status != ReportStatus.NONE
                or req.status != RequestStatus.ASSIGNED):
            continue  # answered while we waited for the lock
        move_request(req, RequestStatus.COMPLETED)
        req.outcome = Outcome.TOOK_PLACE
        req.outcome_at = now
        move_assignment(a, AssignmentStatus.COMPLETED)
        a.reported_minutes = req.duration_minutes
        a.report_status = ReportStatus.REPORTED
        a.reported_at = now
        a.completion_assumed = True
        db.session.flush()
        audit.record(None, "assume_completion", "assignment", a.id,
                     minutes=req.duration_minutes)
        count += 1
    return count
