"""Logins and failed logins reach the audit log: never the password, bounded in volume."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.extensions import db, limiter
from app.models import AuditLog
from tests.conftest import csrf_token


def _post(client, email, password):
    limiter.reset()
    return client.post("/auth/login", data={"email": email, "password": password,
                                            "csrf_token": csrf_token(client, "/auth/login")})


def _rows(action):
    return list(db.session.scalars(sa.select(AuditLog).where(AuditLog.action == action)
                                   .order_by(AuditLog.id)))


def test_login_is_audited(client, make_user):
    user = make_user("coordinator", email="anna@example.org")
    db.session.commit()
    assert _post(client, "anna@example.org", "correct-horse-battery").status_code == 302
    (row,) = _rows("login")
    assert (row.actor_id, row.object_id) == (user.id, user.id)


def test_failed_logins_are_audited_without_password_one_row_a_minute(client, make_user, clock):
    start = clock(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC))
    user = make_user("coordinator", email="anna@example.org")
    db.session.commit()
    for _ in range(5):
        assert _post(client, "anna@example.org", "Geheim-Versuch-99").status_code == 200
    for _ in range(3):  # a password typed into the address field
        assert _post(client, "Passwort-im-Feld-1@x.de", "whatever-1").status_code == 200
    rows = _rows("login_failed")
    assert [r.object_id for r in rows] == [user.id, None]
    text = " ".join(f"{r.actor_label} {r.details}" for r in rows)
    assert "Passwort-im-Feld-1@x.de".lower() not in text.lower()
    assert "Geheim-Versuch-99" not in text and "Passwort-im-Feld" not in text
    assert "whatever-1" not in text
    # a minute later the next failure is recorded again
    clock(start + dt.timedelta(seconds=61))
    _post(client, "anna@example.org", "Geheim-Versuch-99")
    assert len(_rows("login_failed")) == 3


def test_audit_page_says_the_new_entries(client, login, make_user):
    coordinator = make_user("coordinator", email="chef@example.org")
    db.session.commit()
    _post(client, "chef@example.org", "falsch-falsch-1")
    _post(client, "nobody@example.org", "falsch-falsch-1")
    assert login(coordinator).status_code == 302
    from app.services.core.audit_text import sentences

    with client.application.test_request_context(headers={"Accept-Language": "en"}):
        said = " ".join(sentences(_rows("login_failed") + _rows("login")).values())
    assert "A login as" in said or "Anmeldung" in said
    assert "logged in" in said or "angemeldet" in said
