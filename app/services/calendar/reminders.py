"""Reminders: poll what is due, claim a unique key, queue the e-mail; the job commits.

The key (`SentReminder.key`, unique) is written in the same transaction as the outbox row, so
a restart, a missed run or a second scheduler never sends a reminder twice; a reminder missed
while the scheduler was down is still sent within the grace period. Each function yields the
number queued after every unit of work (a meeting, an assignment, a document, the day's
digest); its job in `calendar/tasks.py` commits there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import format_date, format_datetime, ngettext
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.i18n import moment, ui_language
from app.labels import label
from app.models import (
    Assignment,
    Document,
    InterpretingRequest,
    Mediator,
    Meeting,
    MeetingAttendance,
    SentReminder,
)
from app.models.enums import AssignmentStatus, MediatorStatus, MeetingStatus, Role
from app.services.calendar import ical
from app.services.core import jobs
from app.services.core.document_dates import police_certificate_due
from app.services.core.languages import language_name
from app.services.core.links import external_url
from app.services.core.recipients import Kind, Recipient, queue, recipients, speaking
from app.timeutil import now_utc, to_local


def _cfg(name: str):
    """A reminder setting (type and default in config.py)."""
    return current_app.config[name]


def _claim(key: str) -> bool:
    """Insert the reminder key; False when someone (another process too) already has it."""
    return jobs.claim(SentReminder, key=key)


def _mail(rcpt: Recipient, subject: str, intro: str, lines: list[str]) -> None:
    with speaking(rcpt):
        body = render_template("email/reminder.txt", intro=intro, lines=lines)
    queue(rcpt, subject, body)


def _fmt(value: dt.datetime) -> str:
    """Format a moment for the recipient's locale (call inside `force_locale`).

    German mail reads "13.01.2026 18:00 Uhr", English mail "13 Jan 2026, 18:00".
    """
    if ui_language() == "de":
        return format_datetime(value, "dd.MM.yyyy HH:mm 'Uhr'")
    return moment(value)


def _fmt_date(value: dt.date) -> str:
    """Format a date for the recipient's locale (call inside `force_locale`)."""
    return format_date(value, "dd.MM.yyyy" if ui_language() == "de" else "medium")


def meeting_reminders() -> Iterator[int]:
    """Remind invitees of meetings and supervision sessions N days before (7 and 1)."""
    from app.services.calendar.invitees import invitees

    now = now_utc()
    grace = dt.timedelta(hours=_cfg("REMINDER_GRACE_HOURS"))
    for days in _cfg("MEETING_REMINDER_DAYS"):
        lead = dt.timedelta(days=days)
        meetings = db.session.scalars(
            sa.select(Meeting).where(
                Meeting.status == MeetingStatus.SCHEDULED, Meeting.starts_at > now,
                Meeting.starts_at <= now + lead, Meeting.starts_at > now + lead - grace)
            .order_by(Meeting.starts_at)
        ).all()
        for meeting in meetings:
            declined = set(db.session.scalars(
                sa.select(MeetingAttendance.mediator_id).where(
                    MeetingAttendance.meeting_id == meeting.id, MeetingAttendance.rsvp == "no")))
            stamp = f"{meeting.starts_at:%Y%m%dT%H%M}"
            attending = [m for m in invitees(meeting) if m.id not in declined]
            count = 0
            for rcpt in recipients(Kind.MEETING_REMINDER, meeting, invitees=attending):
                key = f"meeting:{meeting.id}:{stamp}:{days}d:{rcpt.mediator_id}"
                if not _claim(key):
                    continue
                with speaking(rcpt):
                    title = ical.meeting_summary(meeting.kind, meeting.title)
                    subject = _("Reminder: %(title)s on %(when)s", title=title,
                                when=_fmt(meeting.starts_at))
                    lines = [_("When: %(when)s", when=_fmt(meeting.starts_at))]
                    if meeting.place:
                        lines.append(_("Where: %(place)s", place=meeting.place))
                    if meeting.agenda:
                        lines.append(_("Agenda: %(agenda)s", agenda=meeting.agenda))
                    intro = _("this is a reminder of the following meeting:")
                _mail(rcpt, subject, intro, lines)
                count += 1
            yield count


def assignment_reminders() -> Iterator[int]:
    """Remind the mediator of an active assignment 24 hours before it starts."""
    now = now_utc()
    lead = dt.timedelta(hours=_cfg("ASSIGNMENT_REMINDER_HOURS"))
    grace = dt.timedelta(hours=_cfg("REMINDER_GRACE_HOURS"))
    stmt = (
        sa.select(Assignment).where(
            Assignment.status == AssignmentStatus.ACTIVE, Assignment.starts_at > now,
            Assignment.starts_at <= now + lead, Assignment.starts_at > now + lead - grace)
        .options(selectinload(Assignment.mediator).selectinload(Mediator.user),
                 selectinload(Assignment.request).selectinload(InterpretingRequest.institution))
    )
    for assignment in db.session.scalars(stmt).all():
        to = recipients(Kind.ASSIGNMENT_REMINDER, assignment)
        key = f"assignment:{assignment.id}:{assignment.starts_at:%Y%m%dT%H%M}:remind"
        if not to or not _claim(key):
            continue
        (rcpt,) = to
        with speaking(rcpt):
            event = ical.assignment_event(assignment, "mediator")
            summary = str(event["SUMMARY"])
            subject = _("Reminder: %(title)s on %(when)s", title=summary,
                        when=_fmt(assignment.starts_at))
            lines = [summary, _("When: %(when)s", when=_fmt(assignment.starts_at)),
                     _("Where: %(place)s", place=str(event.get("LOCATION", ""))),
                     str(event.get("DESCRIPTION", ""))]
            intro = _("tomorrow you have this interpreting assignment:")
        _mail(rcpt, subject, intro, lines)
        yield 1


def document_reminders() -> Iterator[int]:
    """Warn mediator and coordinators when a police certificate is due within 60 days."""
    today = to_local(now_utc()).date()
    horizon = today + dt.timedelta(days=_cfg("DOCUMENT_WARNING_DAYS"))
    docs = db.session.scalars(
        sa.select(Document).join(Mediator).where(
            Document.kind == "police_certificate",
            Mediator.status.in_((MediatorStatus.ACTIVE, MediatorStatus.IN_TRAINING)))
        .options(selectinload(Document.mediator).selectinload(Mediator.user))
    ).all()
    for doc in docs:
        due = police_certificate_due(doc)
        if not today <= due <= horizon:
            continue
        mediator = doc.mediator
        count = 0
        for rcpt in recipients(Kind.DOCUMENT_DUE, doc):
            if not _claim(f"document:{doc.id}:{due.isoformat()}:{rcpt.email}"):
                continue
            with speaking(rcpt):
                kind = label("document_kind", doc.kind)
                if rcpt.role == Role.MEDIATOR:
                    subject = _("Your %(document)s must be renewed", document=kind)
                    intro = _("your %(document)s must be shown again by %(date)s. Please "
                              "bring a new one to the office.", document=kind,
                              date=_fmt_date(due))
                    lines = []
                else:
                    subject = _("%(document)s due: %(name)s", document=kind,
                                name=mediator.full_name)
                    intro = _("this document must be inspected again soon:")
                    lines = [mediator.full_name, _("Due on: %(date)s",
                                                   date=_fmt_date(due))]
            _mail(rcpt, subject, intro, lines)
            count += 1
        yield count


def open_requests_digest() -> Iterator[int]:
    """Send each coordinator one daily list of open requests in the next 7 days (one unit)."""
    now = now_utc()
    local = to_local(now)
    if local.hour < _cfg("DIGEST_HOUR"):
        return
    requests = db.session.scalars(
        sa.select(InterpretingRequest).where(
            InterpretingRequest.is_open,
            InterpretingRequest.starts_at > now,
            InterpretingRequest.starts_at <= now + dt.timedelta(days=7))
        .order_by(InterpretingRequest.starts_at)
        .options(selectinload(InterpretingRequest.institution))
    ).all()
    if not requests:
        return
    count = 0
    for rcpt in recipients(Kind.OPEN_REQUESTS_DIGEST):
        if not _claim(f"digest:{local.date().isoformat()}:{rcpt.user_id}"):
            continue
        with speaking(rcpt):
            locale = ui_language()
            lines = [f"{_fmt(r.starts_at)} · {language_name(r.language_code, locale)}"
                     f" · {r.institution.name} · {label('request_status', r.status)}\n"
                     f"  {external_url('booking.request_detail', request_id=r.id)}"
                     for r in requests]
            subject = ngettext("%(num)d open request in the next 7 days",
                               "%(num)d open requests in the next 7 days", len(requests))
            intro = _("these requests in the next 7 days have no mediator yet:")
        _mail(rcpt, subject, intro, lines)
        count += 1
    yield count
