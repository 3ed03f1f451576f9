"""Invitations and password resets: real e-mail over SMTP, expiring single-use links."""

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditLog, OutboxMessage, User
from app.services.core.tasks import deliver_due
from tests.conftest import csrf_token


def _link_from_mail(smtp_server) -> str:
    deliver_due()
    assert smtp_server.messages, "no e-mail arrived"
    body = smtp_server.messages[-1].get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"http://skm\.test(/auth/\S+)", body)
    assert match, body
    return match.group(1)


def _set_password(client, path, password="a-new-password-1"):
    token = csrf_token(client, path)
    return client.post(path, data={"password": password, "confirm": password,
                                   "csrf_token": token})


def test_invite_institution_user_end_to_end(client, make_user, login, make_institution,
                                            smtp_server):
    coordinator = make_user("coordinator")
    institution = make_institution(name="Kita Regenbogen")
    db.session.commit()
    login(coordinator)
    page = f"/coordination/institutions/{institution.id}"
    response = client.post(f"{page}/invite", data={
        "name": "Frau Leitung", "email": "Leitung@Kita-Regenbogen.de", "locale": "de",
        "csrf_token": csrf_token(client, page)})
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "leitung@kita-regenbogen.de"))
    assert user.role == "institution" and user.institution_id == institution.id
    assert user.password_hash is None
    assert db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "invite")) is not None

    path = _link_from_mail(smtp_server)
    mail = smtp_server.messages[-1]
    assert mail["To"] == "leitung@kita-regenbogen.de"
    assert mail["Subject"] == "Ihr Zugang zum SKM-Pool"
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/pool/mediators")})
    assert _set_password(client, path).status_code == 302

    # the link cannot be used twice
    response = client.get(path)
    assert response.status_code == 302
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "bereits verwendet" in follow

    token = csrf_token(client, "/auth/login")
    response = client.post("/auth/login", data={"email": "leitung@kita-regenbogen.de",
                                                "password": "a-new-password-1",
                                                "csrf_token": token})
    assert response.status_code == 302
    assert "Kita Regenbogen" in client.get("/", follow_redirects=True).get_data(as_text=True)


def test_invite_rejects_existing_email_case_insensitively(client, make_user, login,
                                                          make_institution):
    coordinator = make_user("coordinator", email="chef@example.org")
    institution = make_institution()
    db.session.commit()
    login(coordinator)
    page = f"/coordination/institutions/{institution.id}"
    response = client.post(f"{page}/invite", data={
        "name": "X", "email": "CHEF@example.org", "locale": "de",
        "csrf_token": csrf_token(client, page)})
    assert response.status_code == 400
    assert "Ein Konto mit dieser E-Mail-Adresse gibt es bereits." in response.get_data(
        as_text=True)


def test_invitation_link_expires(client, app, make_user, smtp_server):
    from app.services.core import accounts

    user = make_user("coordinator")
    accounts.invite(None, user)
    db.session.commit()
    path = _link_from_mail(smtp_server)
    app.config["INVITE_MAX_AGE"] = -1
    try:
        response = client.get(path)
        assert response.status_code == 302
        html = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "abgelaufen" in html
    finally:
        app.config["INVITE_MAX_AGE"] = 7 * 24 * 3600


def test_tampered_link_is_invalid(client):
    response = client.get("/auth/reset/not-a-real-token")
    assert response.status_code == 302
    assert "ungültig" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_password_reset_flow(client, make_user, smtp_server):
    user = make_user("mediator", email="mittlerin@example.org")
    response = client.post("/auth/forgot", data={"email": "Mittlerin@example.org",
                                                 "csrf_token": csrf_token(client, "/auth/forgot")})
    assert response.status_code == 302
    path = _link_from_mail(smtp_server)
    assert smtp_server.messages[-1]["Subject"] == "Passwort für den SKM-Pool zurücksetzen"
    assert _set_password(client, path, "brand-new-secret-9").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password("brand-new-secret-9")
    # second use refused
    assert client.get(path).status_code == 302
    token = csrf_token(client, "/auth/login")
    response = client.post(path, data={"password": "another-secret-99",
                                       "confirm": "another-secret-99", "csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password("brand-new-secret-9")


def test_reset_for_unknown_address_sends_nothing(client, smtp_server):
    client.post("/auth/forgot", data={"email": "nobody@example.org",
                                      "csrf_token": csrf_token(client, "/auth/forgot")})
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_short_password_refused_in_german(client, make_user, smtp_server):
    make_user("coordinator", email="kurz@example.org")
    client.post("/auth/forgot", data={"email": "kurz@example.org",
                                      "csrf_token": csrf_token(client, "/auth/forgot")})
    path = _link_from_mail(smtp_server)
    response = _set_password(client, path, "short")
    assert response.status_code == 200
    assert "Mindestens 10 Zeichen." in response.get_data(as_text=True)


def test_outbox_keeps_message_while_smtp_is_down(app, make_user):
    from app.services.core import accounts

    user = make_user("coordinator")
    accounts.invite(None, user)
    db.session.commit()
    app.config["MAIL_PORT"] = 1  # nothing listens there
    result = deliver_due()
    assert result == {"sent": 0, "failed": 1}
    msg = db.session.scalar(sa.select(OutboxMessage))
    assert msg.status == "pending" and msg.attempts == 1 and msg.last_error
