"""iTIP invitations through the outbox, read back from a real SMTP server."""

from __future__ import annotations

import datetime as dt

import icalendar

from app.extensions import db
from app.services.calendar import meetings as msvc
from app.services.calendar.itip import assignment_changed
from app.services.core.tasks import deliver_due
from tests.factories import make_booking

UTC = dt.UTC


def _parts(msg):
    assert msg.get_content_type() == "multipart/alternative"
    parts = {p.get_content_type(): p for p in msg.iter_parts()}
    assert "text/plain" in parts and "text/html" in parts
    return parts


def _ics(msg):
    part = _parts(msg)["text/calendar"]
    cal = icalendar.Calendar.from_ical(part.get_content())
    return part, cal, cal.walk("VEVENT")[0]


def test_assignment_request_update_cancel(app, clock, smtp_server, make_user,
                                          make_institution, make_mediator):
    clock(dt.datetime(2026, 3, 1, 9, tzinfo=UTC))
    inst = make_institution(name="Grundschule Nord")
    mediator = make_mediator(first_name="Amanuel", last_name="Tesfay")
    make_user("mediator", mediator=mediator, email="amanuel@example.org", locale="en")
    make_user("institution", institution=inst, email="schule@example.org")
    assignment = make_booking(inst, mediator, dt.datetime(2026, 3, 30, 8, tzinfo=UTC))
    assignment_changed(assignment, "created")
    db.session.commit()
    assert deliver_due()["sent"] == 2
    by_rcpt = {m["To"]: m for m in smtp_server.messages}
    part, cal, event = _ics(by_rcpt["amanuel@example.org"])
    assert part.get_param("method") == "REQUEST" and str(cal["METHOD"]) == "REQUEST"
    assert part.get_param("charset").upper() == "UTF-8"
    assert str(event["UID"]) == f"assignment-{assignment.id}@skm.test"
    assert int(event["SEQUENCE"]) == 0
    assert str(event["ORGANIZER"]) == f"mailto:{app.config['MAIL_DEFAULT_SENDER']}"
    assert by_rcpt["amanuel@example.org"]["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert str(event["ATTENDEE"]) == "mailto:amanuel@example.org"
    assert "Interpreting" in str(event["SUMMARY"])  # the mediator reads English
    _, _, inst_event = _ics(by_rcpt["schule@example.org"])
    assert "Sprachmittlung" in str(inst_event["SUMMARY"])
    assert "Tesfay" not in inst_event.to_ical().decode()

    smtp_server.messages.clear()
    assignment.starts_at += dt.timedelta(hours=2)
    assignment.ends_at += dt.timedelta(hours=2)
    assignment_changed(assignment, "updated")
    db.session.commit()
    deliver_due()
    _, cal, event = _ics(next(m for m in smtp_server.messages
                              if m["To"] == "amanuel@example.org"))
    assert int(event["SEQUENCE"]) == 1 and str(cal["METHOD"]) == "REQUEST"

    smtp_server.messages.clear()
    assignment.status = "cancelled"
    assignment_changed(assignment, "cancelled")
    db.session.commit()
    deliver_due()
    msg = next(m for m in smtp_server.messages if m["To"] == "amanuel@example.org")
    part, cal, event = _ics(msg)
    assert part.get_param("method") == "CANCEL" and str(cal["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) == 2
    assert str(event["UID"]) == f"assignment-{assignment.id}@skm.test"


def test_series_invitation_and_cancelled_occurrence(app, clock, smtp_server, make_user,
                                                     make_mediator):
    clock(dt.datetime(2026, 1, 5, 9, tzinfo=UTC))
    make_user("mediator", mediator=make_mediator(), email="m1@example.org")
    make_mediator(email="ohne-konto@example.org")
    make_mediator(status="paused", email="pause@example.org")
    series = msvc.create_series(
        kind="exchange", title="Austauschtreffen", place="Rathaus", agenda="Fallbesprechung",
        first_day=dt.date(2026, 1, 13), start=dt.time(18, 0), duration_minutes=120,
        pattern="monthly", interval=2, until=None)
    db.session.commit()
    deliver_due()
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "m1@example.org", "ohne-konto@example.org"]  # only active mediators
    _, cal, event = _ics(smtp_server.messages[0])
    assert "RRULE" in event and str(event["UID"]) == f"series-{series.id}@skm.test"
    assert "Austauschtreffen" in smtp_server.messages[0]["Subject"]

    smtp_server.messages.clear()
    may = next(m for m in series.occurrences if m.starts_at.month == 5)
    msvc.cancel_occurrence(may)
    db.session.commit()
    deliver_due()
    assert len(smtp_server.messages) == 2
    part, cal, event = _ics(smtp_server.messages[0])
    assert part.get_param("method") == "CANCEL" and str(cal["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert event.decoded("RECURRENCE-ID").replace(tzinfo=None) == dt.datetime(2026, 5, 12, 18)
    assert "TZID=Europe/Berlin" in event.to_ical().decode()
    assert int(event["SEQUENCE"]) >= 1


def test_supervision_session_invites_members_and_supervisor(app, clock, smtp_server,
                                                            make_mediator):
    clock(dt.datetime(2026, 1, 5, 9, tzinfo=UTC))
    member, _other = make_mediator(email="member@example.org"), make_mediator()
    group = msvc.save_group(None, name="Gruppe B", supervisor_name="M. Kehl",
                            supervisor_email="Kehl@Example.org", member_ids=[member.id])
    meeting = msvc.create_single(kind="supervision", title="Supervision", place="MIB",
                                 agenda="", day=dt.date(2026, 2, 3), start=dt.time(17, 0),
                                 duration_minutes=90, group=group)
    msvc.update_occurrence(meeting, day=dt.date(2026, 2, 4), start=dt.time(17, 0),
                           duration_minutes=90, place="MIB", agenda="")
    db.session.commit()
    deliver_due()
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "kehl@example.org", "kehl@example.org", "member@example.org", "member@example.org"]
    sequences = sorted(int(_ics(m)[2]["SEQUENCE"]) for m in smtp_server.messages
                       if m["To"] == "member@example.org")
    assert sequences == [0, 1]
