"""The login and "forgot password" forms tell nobody who has an account, and an anonymous reset
request does not kill an invitation that was not used yet."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import sqlalchemy as sa

import app.models.user as user_model
from app.extensions import db, limiter
from app.models import OutboxMessage, User
from app.services.core import accounts
from app.services.core.tasks import deliver_due
from tests.conftest import csrf_token


@pytest.fixture()
def hashes(app, monkeypatch):
    """Count the password-hash checks (the expensive part of a login), not the time."""
    user_model.dummy_password_check("warm-up")  # the dummy hash is made once per process
    calls = Counter()
    real = user_model.check_password_hash

    def counted(pwhash, password):
        calls["check"] += 1
        return real(pwhash, password)

    monkeypatch.setattr(user_model, "check_password_hash", counted)
    return calls


def _login(client, email, password="wrong-password-1"):
    limiter.reset()
    return client.post("/auth/login", data={"email": email, "password": password,
                                            "csrf_token": csrf_token(client, "/auth/login")})


def test_every_failed_login_costs_one_hash(client, make_user, hashes):
    make_user("coordinator", email="known@example.org")
    make_user("coordinator", email="off@example.org", is_enabled=False)
    invited = make_user("institution", email="invited@example.org")
    invited.password_hash = None
    db.session.commit()
    for email, password in (("known@example.org", "wrong-password-1"),
                            ("nobody@example.org", "wrong-password-1"),
                            ("off@example.org", "correct-horse-battery"),
                            ("invited@example.org", "wrong-password-1")):
        before = hashes["check"]
        response = _login(client, email, password)
        assert response.status_code == 200 and "E-Mail-Adresse oder Passwort ist falsch" in response.get_data(
            as_text=True)
        assert hashes["check"] - before == 1, email
    before = hashes["check"]
    assert _login(client, "known@example.org", "correct-horse-battery").status_code == 302
    assert hashes["check"] - before == 1


def test_forgot_password_does_the_same_work_for_unknown_addresses(client, make_user, hashes,
                                                                  monkeypatch):
    make_user("mediator", email="known@example.org")
    work = Counter()
    for name in ("make_token", "render_template"):
        real = getattr(accounts, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            work[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(accounts, name, counted)
    done = {}
    for email in ("known@example.org", "nobody@example.org"):
        work.clear()
        limiter.reset()
        response = client.post("/auth/forgot", data={
            "email": email, "csrf_token": csrf_token(client, "/auth/forgot")})
        assert response.status_code == 302
        done[email] = dict(work, hashes=hashes["check"])
    assert done["known@example.org"] == done["nobody@example.org"]
    assert done["nobody@example.org"]["render_template"] >= 1
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 1  # known only


def _links(smtp_server) -> list[tuple[str, str]]:
    deliver_due()
    found = []
    for message in smtp_server.messages:
        body = message.get_body(preferencelist=("plain",)).get_content()
        found.append((message["Subject"], re.search(r"http://skm\.test(/auth/\S+)", body)[1]))
    return found


def test_a_reset_request_does_not_kill_a_pending_invitation(client, make_user, smtp_server):
    user = make_user("institution", email="leitung@example.org")
    user.password_hash = None
    accounts.invite(None, user)
    db.session.commit()
    [(subject, invitation)] = _links(smtp_server)
    limiter.reset()
    response = client.post("/auth/forgot", data={
        "email": "leitung@example.org", "csrf_token": csrf_token(client, "/auth/forgot")})
    assert response.status_code == 302
    assert client.get(invitation).status_code == 200, "the invitation link was killed"
    password = "a-new-password-1"
    response = client.post(invitation, data={
        "password": password, "confirm": password, "csrf_token": csrf_token(client, invitation)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(password)  # the first link worked
    [first, again] = _links(smtp_server)
    assert again[0] == subject and again[1].startswith("/auth/invite/")  # not a reset
