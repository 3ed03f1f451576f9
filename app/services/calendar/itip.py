"""iTIP invitations (REQUEST / CANCEL) for assignments, meetings and supervision sessions.

The requests services call `assignment_changed` after every change to an assignment, inside
the same transaction, so invitations and feeds can never disagree with the database. Every
invitation goes through the outbox with a SEQUENCE above the last one that recipient got.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import icalendar
import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import gettext as _

from app.extensions import db
from app.models import Assignment, IcsSequence, Meeting
from app.services.core.recipients import Kind, Recipient, queue, recipients, speaking

if TYPE_CHECKING:
    from app.models import MeetingSeries

Change = Literal["created", "updated", "cancelled"]


def assignment_changed(assignment: Assignment, change: Change) -> None:
    """Record a real change of an assignment and e-mail the invitation or cancellation."""
    if change != "created":
        assignment.sequence = (assignment.sequence or 0) + 1
    db.session.flush()
    from app.services.calendar import ical

    method = "CANCEL" if change == "cancelled" else "REQUEST"
    kind = Kind.ASSIGNMENT_CANCELLATION if method == "CANCEL" else Kind.ASSIGNMENT_INVITATION
    to = recipients(kind, assignment)
    uid = ical.assignment_uid(assignment.id)
    sequences = _sequences(uid, [r.email for r in to])
    for rcpt in to:
        seq = _next_sequence(sequences, uid, rcpt.email, assignment.sequence)
        with speaking(rcpt):
            event = ical.assignment_event(assignment, rcpt.role, sequence=seq)
            if method == "CANCEL":
                event["STATUS"] = "CANCELLED"
            _send(rcpt, method, change, event)


def assignment_cancel_events(assignment: Assignment) -> list[tuple[Recipient, icalendar.Event]]:
    """Record a cancellation and build each recipient's CANCEL event without sending it.

    For a caller that cancels several appointments at once and tells each person once
    (`send_cancellations`), instead of one message per appointment.
    """
    assignment.sequence = (assignment.sequence or 0) + 1
    db.session.flush()
    from app.services.calendar import ical

    to = recipients(Kind.ASSIGNMENT_CANCELLATION, assignment)
    uid = ical.assignment_uid(assignment.id)
    sequences = _sequences(uid, [r.email for r in to])
    out = []
    for rcpt in to:
        seq = _next_sequence(sequences, uid, rcpt.email, assignment.sequence)
        with speaking(rcpt):
            event = ical.assignment_event(assignment, rcpt.role, sequence=seq)
        event["STATUS"] = "CANCELLED"
        _address(event, rcpt)
        out.append((rcpt, event))
    return out


def send_cancellations(rcpt: Recipient, events: list[icalendar.Event], subject: str,
                       body_text: str) -> None:
    """Queue one message to `rcpt`: the notice text and every CANCEL event in one calendar."""
    from app.services.calendar import ical

    ics = ""
    if events:
        cal = ical.new_calendar("", method="CANCEL")
        for event in events:
            cal.add_component(event)
        ics = ical.finish(cal).decode("utf-8")
    queue(rcpt, subject, body_text, ics=ics, ics_method="CANCEL" if ics else "")


def meeting_changed(meeting: Meeting, change: Change) -> None:
    """Invite to, update or cancel one occurrence (RECURRENCE-ID) or a single meeting."""
    from app.services.calendar import ical

    uid = ical.meeting_uid(meeting)
    method = "CANCEL" if change == "cancelled" else "REQUEST"
    to = _meeting_recipients(meeting, method)
    sequences = _sequences(uid, [r.email for r in to])
    base = (meeting.series.sequence if meeting.series is not None else 0) + meeting.sequence
    for rcpt in to:
        seq = _next_sequence(sequences, uid, rcpt.email, base)
        with speaking(rcpt):
            event = ical.occurrence_event(meeting, sequence=seq, cancelled=method == "CANCEL")
            _send(rcpt, method, change, event)


def series_changed(series: MeetingSeries, change: Change) -> None:
    """Send the whole series (one VEVENT with RRULE) to every invitee."""
    from app.services.calendar import ical

    uid = ical.series_uid(series.id)
    to = _meeting_recipients(series, "REQUEST")
    sequences = _sequences(uid, [r.email for r in to])
    for rcpt in to:
        seq = _next_sequence(sequences, uid, rcpt.email, series.sequence)
        with speaking(rcpt):
            _send(rcpt, "REQUEST", change, ical.series_event(series, [], sequence=seq))


def _meeting_recipients(meeting: Meeting | MeetingSeries, method: str) -> list[Recipient]:
    """Ask the policy about the invitees this meeting has (the calendar domain says who)."""
    from app.services.calendar.invitees import invitees

    kind = Kind.MEETING_CANCELLATION if method == "CANCEL" else Kind.MEETING_INVITATION
    return recipients(kind, meeting, invitees=invitees(meeting))


def _sequences(uid: str, emails: list[str]) -> dict[str, IcsSequence]:
    """Load the stored sequences of all recipients in one query, locked against races."""
    if not emails:
        return {}
    rows = db.session.scalars(
        sa.select(IcsSequence).where(IcsSequence.uid == uid, IcsSequence.recipient.in_(emails))
        .with_for_update()
    )
    return {row.recipient: row for row in rows}


def _next_sequence(known: dict[str, IcsSequence], uid: str, email: str, floor: int) -> int:
    row = known.get(email)
    if row is None:
        row = IcsSequence(uid=uid, recipient=email, sequence=floor)
        db.session.add(row)
        known[email] = row
    else:
        row.sequence = max(row.sequence + 1, floor)
    return row.sequence


def _address(event: icalendar.Event, rcpt: Recipient) -> None:
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    # the office by its configured name (an abbreviation means nothing in a calendar app)
    office = current_app.config["OFFICE_NAME"] or "SKM-Pool"
    event.add("organizer", f"mailto:{sender}", parameters={"CN": office})
    event.add("attendee", f"mailto:{rcpt.email}", parameters={
        "ROLE": "REQ-PARTICIPANT", "PARTSTAT": "NEEDS-ACTION", "RSVP": "FALSE"})


def _send(rcpt: Recipient, method: str, change: Change, event: icalendar.Event) -> None:
    from app.services.calendar import ical

    _address(event, rcpt)
    cal = ical.new_calendar("", method=method)
    cal.add_component(event)
    headings = {"created": _("New appointment"), "updated": _("Changed appointment"),
                "cancelled": _("Cancelled appointment")}
    context = {
        "heading": headings[change],
        "summary": str(event.get("SUMMARY", "")),
        "start": event.decoded("DTSTART"),
        "end": event.decoded("DTEND"),
        "location": str(event.get("LOCATION", "")),
        "description": str(event.get("DESCRIPTION", "")),
        "rrule": "RRULE" in event,
    }
    queue(
        rcpt,
        f"{context['heading']}: {context['summary']}",
        render_template("email/invitation.txt", **context),
        body_html=render_template("email/invitation.html", **context),
        ics=ical.finish(cal).decode("utf-8"),
        ics_method=method,
    )
