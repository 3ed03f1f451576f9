"""Password strength (zxcvbn) wherever a password is set, and reset links that do not pile up."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import User
from app.services.core import accounts
from app.services.core.errors import DomainError
from app.services.core.tasks import deliver_due
from tests.conftest import csrf_token


def _reset_link(client, smtp_server, email: str) -> str:
    client.post("/auth/forgot", data={"email": email,
                                      "csrf_token": csrf_token(client, "/auth/forgot")})
    deliver_due()
    body = smtp_server.messages[-1].get_body(preferencelist=("plain",)).get_content()
    return re.search(r"http://skm\.test(/auth/\S+)", body).group(1)


def _choose(client, path: str, password: str):
    return client.post(path, data={"password": password, "confirm": password,
                                   "csrf_token": csrf_token(client, path)})


def test_long_but_common_password_is_refused_in_german(app, client, make_user, smtp_server):
    user = make_user("mediator", email="mittlerin@example.org")
    path = _reset_link(client, smtp_server, user.email)
    response = _choose(client, path, "passwort1234")  # 12 characters, guessed in seconds
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Dieses Passwort ist zu leicht zu erraten." in html
    assert "Fügen Sie ein oder zwei Wörter hinzu." in html
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password("correct-horse-battery")


def test_password_that_repeats_the_account_is_refused_in_english(app, client, make_user,
                                                                 smtp_server):
    user = make_user("coordinator", email="rosalinde.brandauer@example.org", locale="en")
    path = _reset_link(client, smtp_server, user.email)
    client.post("/language/en", data={"csrf_token": csrf_token(client, path), "next": path})
    html = _choose(client, path, "Rosalinde.Brandauer").get_data(as_text=True)
    assert "This password is too easy to guess." in html


def test_strong_password_is_taken_and_very_long_ones_do_not_crash(app, client, make_user,
                                                                  smtp_server):
    user = make_user("coordinator", email="lang@example.org")
    path = _reset_link(client, smtp_server, user.email)
    long_one = "Ein Satz über Wolken, Fähren und den Rhein bei Nacht " * 3  # > 72 characters
    assert _choose(client, path, long_one).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(long_one)


def test_too_long_password_gets_a_message_not_a_500(app, client, make_user, smtp_server):
    user = make_user("coordinator", email="riesig@example.org")
    path = _reset_link(client, smtp_server, user.email)
    response = _choose(client, path, "x7Q!" * 100)
    assert response.status_code == 200
    assert "Höchstens 200 Zeichen." in response.get_data(as_text=True)


def test_invitation_refuses_a_weak_password(app, client, make_user, smtp_server):
    user = accounts.create_user("neu@example.org", "coordinator", name="Neu")
    accounts.invite(None, user)
    db.session.commit()
    deliver_due()
    body = smtp_server.messages[-1].get_body(preferencelist=("plain",)).get_content()
    path = re.search(r"http://skm\.test(/auth/\S+)", body).group(1)
    response = _choose(client, path, "sommer2025!")
    assert "Dieses Passwort ist zu leicht zu erraten." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash is None


def test_service_refuses_a_weak_password_even_without_the_form(app):
    from app.services.core import passwords

    with pytest.raises(DomainError, match="zu leicht zu erraten"):
        accounts.create_user("dienst@example.org", "coordinator", password="qwertzuiop1")
    assert passwords.problems("Lindenblüte-Kanal-7") == []


def test_cli_users_create_refuses_a_weak_password(app, runner):
    result = runner.invoke(args=["users", "create", "--role", "coordinator",
                                 "--email", "cli@example.org", "--password", "password123"])
    assert result.exit_code != 0
    assert "zu leicht zu erraten" in result.output
    assert db.session.scalar(sa.select(User).where(User.email == "cli@example.org")) is None
    ok = runner.invoke(args=["users", "create", "--role", "coordinator",
                             "--email", "cli@example.org", "--password", "Lindenblüte-Kanal-7"])
    assert ok.exit_code == 0, ok.output


def test_a_newer_reset_link_kills_the_older_ones(app, client, make_user, smtp_server):
    user = make_user("coordinator", email="zweimal@example.org")
    first = _reset_link(client, smtp_server, user.email)
    second = _reset_link(client, smtp_server, user.email)
    assert first != second
    response = client.get(first)
    assert response.status_code == 302
    assert "bereits verwendet" in client.get(response.headers["Location"]).get_data(
        as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password("correct-horse-battery")
    assert _choose(client, second, "Lindenblüte-Kanal-7").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password("Lindenblüte-Kanal-7")
    # and the used newest link cannot be used again
    assert client.get(second).status_code == 302
