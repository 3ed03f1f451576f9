"""The outbox survives a poisoned message: it is marked, the others go out over real SMTP."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditLog, OutboxMessage
from app.services.core import outbox
from app.services.core.tasks import deliver_due
from tests.conftest import _Collector, csrf_token, running_smtp
from tests.pool.test_recruiting import GOOD


def _row(recipient: str, subject: str) -> OutboxMessage:
    """Write a row as an older release (or any path around enqueue) could have written it."""
    msg = OutboxMessage(recipient=recipient, subject=subject, body_text="Hallo")
    db.session.add(msg)
    db.session.flush()
    return msg


def test_unbuildable_message_is_marked_and_the_others_are_delivered(app, smtp_server):
    first = _row("eins@example.org", "Erste")
    bad = _row("zwei@example.org", "Eve\r\nBcc: mallory@example.org")
    last = _row("drei@example.org", "Dritte")
    db.session.commit()

    assert deliver_due() == {"sent": 2, "failed": 1}

    assert sorted(m["To"] for m in smtp_server.messages) == ["drei@example.org",
                                                             "eins@example.org"]
    db.session.expire_all()
    assert (first.status, last.status) == ("sent", "sent")
    assert bad.status == "dead" and bad.attempts == 1
    assert "cannot be built" in bad.last_error and "ValueError" in bad.last_error
    assert deliver_due() == {"sent": 0, "failed": 0}  # a dead message is not tried again


class _Refusing(_Collector):
    """A mail server that has no mailbox for one address."""

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if address == "weg@example.org":
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture()
def refusing_server(app):
    with running_smtp(app, _Refusing()) as handler:
        yield handler


def test_message_refused_by_the_server_does_not_hold_up_the_next(app, refusing_server):
    refused = _row("weg@example.org", "Erste")
    _row("zwei@example.org", "Zweite")
    db.session.commit()

    assert deliver_due() == {"sent": 1, "failed": 1}

    assert [m["To"] for m in refusing_server.messages] == ["zwei@example.org"]
    db.session.expire_all()
    assert refused.status == "pending" and refused.attempts == 1
    assert "no such mailbox" in refused.last_error


def test_enqueue_puts_no_user_text_raw_into_a_header(app):
    msg = outbox.enqueue("a@example.org\r\nBcc: m@example.org",
                         "Neue Bewerbung: Eve\r\nBcc: m@example.org\t" + "x" * 400, "Text")
    assert "\r" not in msg.subject and "\n" not in msg.subject and "\t" not in msg.subject
    assert msg.subject.startswith("Neue Bewerbung: Eve Bcc: m@example.org x")
    assert len(msg.subject) <= 250
    assert "\n" not in msg.recipient and "\r" not in msg.recipient
    assert outbox.header_value("  Zeile\u2028eins\x00\x1b zwei  ") == "Zeile eins zwei"


def test_application_with_crlf_in_the_name_is_delivered_without_the_header(
        client, make_user, smtp_server):
    make_user("coordinator", email="koordination@example.org")
    make_user("coordinator", email="zweite@example.org")
    data = {**GOOD, "first_name": "Eve\r\nBcc: mallory@example.org",
            "csrf_token": csrf_token(client, "/apply")}
    assert client.post("/apply", data=data).status_code == 302

    assert deliver_due() == {"sent": 2, "failed": 0}

    assert sorted(m["To"] for m in smtp_server.messages) == ["koordination@example.org",
                                                             "zweite@example.org"]
    for mail in smtp_server.messages:
        assert mail["Bcc"] is None
        assert mail["Subject"] == "Neue Bewerbung: Eve Bcc: mallory@example.org Tesfay"


# --- the coordinator's page --------------------------------------------------------------


@pytest.fixture()
def dead(app, smtp_server):
    _row("eins@example.org", "Kaputt\nBetreff")
    db.session.commit()
    deliver_due()
    return db.session.scalar(sa.select(OutboxMessage))


def test_coordinator_sees_a_dead_message_and_retries_it(client, make_user, login, dead,
                                                        smtp_server):
    coordinator = make_user("coordinator")
    login(coordinator)
    html = client.get("/coordination/outbox").get_data(as_text=True)
    assert "eins@example.org" in html and "ValueError" in html
    assert 'href="/coordination/outbox"' in html  # linked in the navigation

    token = csrf_token(client, "/coordination/outbox")
    response = client.post(f"/coordination/outbox/{dead.id}/retry",
                           data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert (dead.status, dead.attempts) == ("pending", 0)
    audit = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "outbox_retry"))
    assert audit.actor_id == coordinator.id and audit.object_id == dead.id

    # retrying a message that is no longer dead is refused with a message, not a 500
    again = client.post(f"/coordination/outbox/{dead.id}/retry", data={"csrf_token": token})
    assert again.status_code == 409
    assert "nicht mehr" in again.get_data(as_text=True)


def test_coordinator_discards_a_dead_message(client, make_user, login, dead):
    login(make_user("coordinator"))
    token = csrf_token(client, "/coordination/outbox")
    assert client.post(f"/coordination/outbox/{dead.id}/discard",
                       data={"csrf_token": token, "confirmed": "yes"}).status_code == 302
    db.session.expire_all()
    assert dead.status == "discarded"
    audit = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "outbox_discard"))
    assert json.loads(audit.details)["recipient"] == "eins@example.org"
    assert "eins@example.org" not in client.get("/coordination/outbox").get_data(as_text=True)
    assert client.post("/coordination/outbox/99999999999999999999/discard",
                       data={"csrf_token": token}).status_code == 404


@pytest.mark.parametrize("role", ["mediator", "institution"])
def test_only_coordinators_see_the_outbox(client, make_user, login, dead, role):
    login(make_user(role))
    assert client.get("/coordination/outbox").status_code == 403
    assert client.post(f"/coordination/outbox/{dead.id}/retry").status_code in (400, 403)
    db.session.expire_all()
    assert dead.status == "dead"
