"""The operator's account commands: reset link, disable/enable, end sessions; all audited."""

from __future__ import annotations

import json

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditLog, User
from tests.conftest import csrf_token


def _audit(action: str) -> list[AuditLog]:
    return list(db.session.scalars(sa.select(AuditLog).where(AuditLog.action == action)
                                   .order_by(AuditLog.id)))


def test_create_is_audited_as_cli(runner):
    result = runner.invoke(args=["users", "create", "--role", "coordinator", "--email",
                                 "chef@example.org"],
                           input="Lindenblüte-Kanal-7\nLindenblüte-Kanal-7\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "chef@example.org"))
    (entry,) = [e for e in _audit("create") if e.object_type == "user"]
    assert (entry.actor_label, entry.actor_id, entry.object_id) == ("CLI", None, user.id)
    assert "Lindenblüte" not in entry.details


def test_reset_password_prints_a_working_one_time_link(runner, client, make_user):
    user = make_user("coordinator", email="anna@example.org")
    db.session.commit()
    result = runner.invoke(args=["users", "reset-password", "Anna@Example.org"])
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith("http") and "/auth/reset/" in link
    path = "/auth/reset/" + link.split("/auth/reset/", 1)[1]
    form = {"password": "Wasserturm-Fähre-42", "confirm": "Wasserturm-Fähre-42",
            "csrf_token": csrf_token(client, path)}
    assert client.post(path, data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password("Wasserturm-Fähre-42")
    again = client.get(path, follow_redirects=True).get_data(as_text=True)
    assert "/auth/login" in again or "nicht mehr" in again or "no longer" in again
    (entry,) = _audit("reset_link")
    assert (entry.actor_label, entry.object_id) == ("CLI", user.id)


def test_a_second_link_kills_the_first(runner, make_user):
    make_user("coordinator", email="anna@example.org")
    db.session.commit()
    first = runner.invoke(args=["users", "reset-password", "anna@example.org"]).output
    second = runner.invoke(args=["users", "reset-password", "anna@example.org"]).output
    assert first.strip().splitlines()[-1] != second.strip().splitlines()[-1]
    from app.services.core import accounts
    from app.services.core.errors import DomainError

    token = first.strip().splitlines()[-1].rsplit("/", 1)[1]
    try:
        accounts.user_from_token(token, "reset")
    except DomainError:
        pass
    else:
        raise AssertionError("the older link still works")


def test_disable_ends_sessions_and_blocks_login_enable_restores(runner, client, login,
                                                                 make_user):
    user = make_user("coordinator", email="anna@example.org")
    db.session.commit()
    assert login(user).status_code == 302
    assert client.get("/auth/password").status_code == 200
    result = runner.invoke(args=["users", "disable", "anna@example.org"])
    assert result.exit_code == 0, result.output
    assert client.get("/auth/password").status_code in (302, 401)  # the session ended
    assert login(user).status_code == 200  # refused
    link = runner.invoke(args=["users", "reset-password", "anna@example.org"])
    assert link.exit_code == 1 and ("disabled" in link.output or "gesperrt" in link.output)
    assert "disabled already" in runner.invoke(args=["users", "disable",
                                                     "anna@example.org"]).output
    assert runner.invoke(args=["users", "enable", "anna@example.org"]).exit_code == 0
    assert login(user).status_code == 302
    assert [(e.action, e.actor_label) for e in _audit("disable") + _audit("enable")] == [
        ("disable", "CLI"), ("enable", "CLI")]


def test_end_sessions_logs_out_everywhere_and_is_audited(runner, client, login, make_user):
    user = make_user("coordinator", email="anna@example.org")
    db.session.commit()
    assert login(user).status_code == 302
    result = runner.invoke(args=["users", "end-sessions", "anna@example.org"])
    assert result.exit_code == 0, result.output
    assert client.get("/auth/password").status_code in (302, 401)
    (entry,) = _audit("end_sessions")
    assert entry.actor_label == "CLI" and json.loads(entry.details)["email"] == user.email
    assert db.session.get(User, user.id).is_enabled


def test_unknown_address_is_a_clear_error(runner):
    for command in ("reset-password", "disable", "enable", "end-sessions"):
        result = runner.invoke(args=["users", command, "nobody@example.org"])
        assert result.exit_code == 1, command
        assert "Traceback" not in result.output
        assert any(words in result.output for words in ("No account", "kein Konto"))
