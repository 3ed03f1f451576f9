"""Every mail path follows the one recipient policy: outbox rows, and real SMTP where it counts.

Each test drives the real service (offers, iTIP, reminders, notices, accounts, recruiting) and
reads who got a row in which language, with the mediator opted in and opted out.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Document, Offer, OutboxMessage
from app.services.booking import mail as request_mail
from app.services.calendar import meetings as msvc
from app.services.calendar import tasks as calendar_tasks
from app.services.calendar.itip import assignment_changed
from app.services.core import accounts
from app.services.core.tasks import deliver_due
from app.services.pool import recruiting
from tests.factories import make_booking

UTC = dt.UTC


def _rows() -> list[tuple[str, str]]:
    rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return [(r.recipient, r.subject) for r in rows]


def _to() -> list[str]:
    return sorted({email for email, _ in _rows()})


def _clear() -> None:
    db.session.execute(sa.delete(OutboxMessage))
    db.session.flush()


@pytest.fixture()
def world(app, clock, make_user, make_mediator, make_institution):
    clock(dt.datetime(2026, 3, 1, 9, tzinfo=UTC))
    english = make_mediator(email="kontakt@example.org")
    make_user("mediator", mediator=english, email="konto@example.org", locale="en")
    out = make_mediator(email="out@example.org", notify_by_email=False)
    bare = make_institution(name="Kita ohne Konto", email="kita@example.org")
    served = make_institution(name="Schule mit Konto", email="schule@example.org")
    make_user("institution", institution=served, email="leitung@example.org", locale="en")
    make_user("coordinator", email="koord@example.org", locale="en")
    db.session.commit()
    return {"english": english, "out": out, "bare": bare, "served": served}


def _offer(world, mediator) -> Offer:
    assignment = make_booking(world["bare"], mediator, dt.datetime(2026, 3, 30, 8, tzinfo=UTC))
    offer = Offer(request=assignment.request, mediator=mediator,
                  expires_at=dt.datetime(2026, 3, 20, tzinfo=UTC))
    db.session.add(offer)
    db.session.flush()
    return offer


def test_offer_and_withdrawal_honour_the_opt_out(world):
    for mediator in (world["english"], world["out"]):
        offer = _offer(world, mediator)
        request_mail.offer_mail(offer, "a", "d")
        request_mail.withdrawn_mail(offer)
    assert _rows() == [("konto@example.org", "New interpreting request for you"),
                       ("konto@example.org", "An interpreting request is no longer open")]


def test_assignment_invitation_honours_opt_out_cancellation_does_not(world):
    assignment = make_booking(world["bare"], world["out"],
                                 dt.datetime(2026, 3, 30, 8, tzinfo=UTC))
    assignment_changed(assignment, "created")
    assert _to() == ["kita@example.org"]  # the institution address, no accounts there
    _clear()
    assignment.status = "cancelled"
    assignment_changed(assignment, "cancelled")
    assert _to() == ["kita@example.org", "out@example.org"]
    assert all(subject.startswith("Termin abgesagt") for _, subject in _rows())


def test_assignment_invitation_to_institution_accounts_in_their_language(world):
    assignment = make_booking(world["served"], world["english"],
                                 dt.datetime(2026, 3, 30, 8, tzinfo=UTC))
    assignment_changed(assignment, "created")
    rows = dict(_rows())
    assert sorted(rows) == ["konto@example.org", "leitung@example.org"]  # not its address
    assert all(subject.startswith("New appointment") for subject in rows.values())


def test_meeting_invitation_honours_opt_out_cancellation_does_not(world):
    meeting = msvc.create_single(kind="exchange", title="Austausch", place="Rathaus",
                                 agenda="", day=dt.date(2026, 4, 14), start=dt.time(18),
                                 duration_minutes=90)
    assert _rows() == [("konto@example.org", "New appointment: Exchange meeting: Austausch")]
    _clear()
    msvc.cancel_occurrence(meeting)
    assert _to() == ["konto@example.org", "out@example.org"]


def test_reminders_honour_the_opt_out_and_the_account_language(world, clock, make_mediator,
                                                                make_user):
    disabled = make_mediator(email="zweit@example.org")
    make_user("mediator", mediator=disabled, email="gesperrt@example.org", locale="en",
              is_enabled=False)
    for mediator in (world["out"], disabled):
        make_booking(world["bare"], mediator, dt.datetime(2026, 3, 10, 8, tzinfo=UTC))
    db.session.commit()
    clock(dt.datetime(2026, 3, 9, 8, 10, tzinfo=UTC))
    assert calendar_tasks.send_assignment_reminders() == 1
    (row,) = _rows()  # the contact address, in the language of the person's own account
    assert row[0] == "zweit@example.org" and row[1].startswith("Reminder:")


def test_meeting_reminder_honours_the_opt_out(world, clock):
    msvc.create_single(kind="exchange", title="Austausch", place="Rathaus", agenda="",
                       day=dt.date(2026, 3, 10), start=dt.time(18), duration_minutes=90)
    _clear()
    db.session.commit()
    clock(dt.datetime(2026, 3, 9, 18, 0, tzinfo=UTC))
    assert calendar_tasks.send_meeting_reminders() == 1
    assert _to() == ["konto@example.org"]


def test_document_notice_honours_the_opt_out_coordinators_always_get_theirs(world, clock):
    clock(dt.datetime(2026, 6, 1, 9, tzinfo=UTC))
    for mediator in (world["english"], world["out"]):
        db.session.add(Document(mediator=mediator, kind="police_certificate",
                                recorded_on=dt.date(2021, 7, 1), issued_on=dt.date(2021, 6, 20)))
    db.session.commit()
    assert calendar_tasks.send_document_reminders() == 3
    rows = _rows()
    assert sorted(email for email, _ in rows) == [
        "konto@example.org", "koord@example.org", "koord@example.org"]
    assert any(s.startswith("Your Extended police certificate") for _, s in rows)


@pytest.mark.parametrize("which, expected", [
    ("bare", [("kita@example.org", "Ihre Sprachmittlung musste absagen")]),
    ("served", [("leitung@example.org", "Your mediator had to cancel")]),
])
def test_institution_notice_same_fallback_as_the_invitation(world, which, expected):
    assignment = make_booking(world[which], world["english"],
                                 dt.datetime(2026, 3, 30, 8, tzinfo=UTC))
    request_mail.institution_notice(assignment.request, "mediator_cancelled", "krank")
    assert _rows() == expected


def test_coordinator_mails_in_the_coordinators_language(world, clock):
    assignment = make_booking(world["bare"], world["english"],
                                 dt.datetime(2026, 3, 30, 8, tzinfo=UTC), status="submitted")
    request_mail.escalation_mail(assignment.request, 0)
    request_mail.coordinator_notice(assignment.request, "krank")
    recruiting.submit_application(recruiting.Application(
        first_name="Sara", last_name="Haile", email="sara@example.org", phone="", gender="female",
        district="Nord", german_level="B2", languages=[("tir", "", "native")]))
    db.session.commit()
    clock(dt.datetime(2026, 3, 25, 7, tzinfo=UTC))
    assert calendar_tasks.send_open_requests_digest() == 1
    assert _rows() == [
        ("koord@example.org", "Request still without a mediator"),
        ("koord@example.org", "A mediator cancelled an assignment"),
        ("koord@example.org", "New application: Sara Haile"),
        ("koord@example.org", "1 open request in the next 7 days"),
    ]


def test_account_mail_ignores_the_opt_out(world):
    user = world["english"].user
    world["english"].notify_by_email = False
    accounts.invite(None, user)
    accounts.request_reset("KONTO@example.org")
    user.is_enabled = False
    accounts.request_reset("konto@example.org")
    assert _rows() == [("konto@example.org", "Your access to SKM-Pool"),
                       ("konto@example.org", "Reset your SKM-Pool password")]


def test_delivered_over_smtp_institution_address_and_must_have_cancellation(world, smtp_server):
    """The opted-out mediator's inbox sees only the cancellation; the Kita both, in German."""
    assignment = make_booking(world["bare"], world["out"],
                                 dt.datetime(2026, 3, 30, 8, tzinfo=UTC))
    assignment_changed(assignment, "created")
    assignment.status = "cancelled"
    assignment_changed(assignment, "cancelled")
    request_mail.institution_notice(assignment.request, "mediator_cancelled", "krank")
    db.session.commit()
    assert deliver_due()["sent"] == 4
    got = sorted((m["To"], m["Subject"].split(":")[0]) for m in smtp_server.messages)
    assert got == [("kita@example.org", "Ihre Sprachmittlung musste absagen"),
                   ("kita@example.org", "Neuer Termin"),
                   ("kita@example.org", "Termin abgesagt"),
                   ("out@example.org", "Termin abgesagt")]
