"""Sessions that really end: logout, password change/reset and the coordinator's button."""

from __future__ import annotations

import re

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditLog, User
from app.services.core.tasks import deliver_due
from tests.conftest import IsolatedClient, csrf_token

PAGE = "/pool/mediators"  # a coordinator page: 200 when logged in, 302 to login otherwise


def _cookie(client, name: str) -> str:
    cookie = client.get_cookie(name, domain="skm.test")
    assert cookie is not None, f"no {name} cookie"
    return cookie.value


def _fresh_client(app, **cookies):
    """A second browser that only has the given (copied) cookies."""
    app.test_client_class = IsolatedClient
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value, domain="skm.test")
    return other


def _login(client, user, password="correct-horse-battery", remember=False):
    data = {"email": user.email, "password": password,
            "csrf_token": csrf_token(client, "/auth/login")}
    if remember:
        data["remember"] = "y"
    response = client.post("/auth/login", data=data)
    assert response.status_code == 302
    return response


def _logout(client):
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, PAGE)})


def test_session_cookie_copied_before_logout_is_dead_after_it(app, client, make_user):
    _login(client, make_user("coordinator"))
    copied = _cookie(client, "session")
    assert _fresh_client(app, session=copied).get(PAGE).status_code == 200
    _logout(client)
    assert client.get(PAGE).status_code == 302
    assert _fresh_client(app, session=copied).get(PAGE).status_code == 302


def test_remember_cookie_alone_is_dead_after_logout(app, client, make_user):
    response = _login(client, make_user("coordinator"), remember=True)
    remember = _cookie(client, "remember_token")
    set_cookie = [c for c in response.headers.getlist("Set-Cookie") if "remember_token" in c]
    assert set_cookie and "SameSite=Lax" in set_cookie[0] and "HttpOnly" in set_cookie[0]
    assert _fresh_client(app, remember_token=remember).get(PAGE).status_code == 200
    _logout(client)
    assert _fresh_client(app, remember_token=remember).get(PAGE).status_code == 302


def test_password_reset_ends_sessions_opened_before(app, client, make_user, smtp_server):
    user = make_user("coordinator", email="reset-me@example.org")
    _login(client, user, remember=True)
    remember = _cookie(client, "remember_token")
    other = _fresh_client(app)
    other.post("/auth/forgot", data={"email": user.email,
                                     "csrf_token": csrf_token(other, "/auth/forgot")})
    deliver_due()
    body = smtp_server.messages[-1].get_body(preferencelist=("plain",)).get_content()
    path = re.search(r"http://skm\.test(/auth/\S+)", body).group(1)
    other.post(path, data={"password": "Lindenblüte-Kanal-7", "confirm": "Lindenblüte-Kanal-7",
                           "csrf_token": csrf_token(other, path)})
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password("Lindenblüte-Kanal-7")
    assert client.get(PAGE).status_code == 302
    assert _fresh_client(app, remember_token=remember).get(PAGE).status_code == 302


def test_password_change_keeps_this_session_and_ends_the_others(app, client, make_user):
    user = make_user("coordinator")
    _login(client, user)
    elsewhere = _fresh_client(app)
    _login(elsewhere, user, remember=True)
    remember = _cookie(elsewhere, "remember_token")
    assert client.get("/auth/password").status_code == 200
    response = client.post("/auth/password", data={
        "current": "correct-horse-battery", "password": "Lindenblüte-Kanal-7",
        "confirm": "Lindenblüte-Kanal-7", "csrf_token": csrf_token(client, "/auth/password")})
    assert response.status_code == 302
    assert client.get(PAGE).status_code == 200
    assert elsewhere.get(PAGE).status_code == 302
    assert _fresh_client(app, remember_token=remember).get(PAGE).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password("Lindenblüte-Kanal-7")
    assert db.session.scalar(sa.select(AuditLog).where(
        AuditLog.action == "password_change", AuditLog.object_id == user.id)) is not None


def test_password_change_needs_the_current_password(app, client, make_user):
    user = make_user("coordinator")
    _login(client, user)
    response = client.post("/auth/password", data={
        "current": "not-my-password", "password": "Lindenblüte-Kanal-7",
        "confirm": "Lindenblüte-Kanal-7", "csrf_token": csrf_token(client, "/auth/password")})
    assert response.status_code == 400
    assert "Das bisherige Passwort stimmt nicht." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password("correct-horse-battery")
    assert client.get(PAGE).status_code == 200


def test_coordinator_ends_all_sessions_of_a_user(app, client, make_user):
    coordinator = make_user("coordinator")
    volunteer = make_user("mediator")
    volunteer_browser = _fresh_client(app)
    _login(volunteer_browser, volunteer, remember=True)
    remember = _cookie(volunteer_browser, "remember_token")
    assert volunteer_browser.get("/me/profile").status_code == 200
    url = f"/auth/users/{volunteer.id}/end-sessions"
    # a mediator may not press it, not even for themselves; a GET changes nothing
    assert volunteer_browser.post(url, data={
        "csrf_token": csrf_token(volunteer_browser, "/me/profile")}).status_code == 403
    _login(client, coordinator)
    page = f"/pool/mediators/{volunteer.mediator_id}"
    html = client.get(page).get_data(as_text=True)
    assert f'action="{url}"' in html and "Alle Sitzungen beenden" in html
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 400  # no CSRF token
    assert volunteer_browser.get("/me/profile").status_code == 200
    response = client.post(url, data={"csrf_token": csrf_token(client, page)})
    assert response.status_code == 302 and response.headers["Location"].endswith(page)
    assert volunteer_browser.get("/me/profile").status_code == 302
    assert _fresh_client(app, remember_token=remember).get("/me/profile").status_code == 302
    assert client.get(PAGE).status_code == 200  # the coordinator's own session goes on
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "end_sessions"))
    assert entry.object_id == volunteer.id and entry.actor_id == coordinator.id
    assert client.post("/auth/users/99999999999/end-sessions", data={
        "csrf_token": csrf_token(client, page)}).status_code == 404


def test_institution_page_offers_the_button_for_each_account(app, client, make_user):
    contact = make_user("institution")
    _login(client, make_user("coordinator"))
    page = f"/coordination/institutions/{contact.institution_id}"
    html = client.get(page).get_data(as_text=True)
    assert f'action="/auth/users/{contact.id}/end-sessions"' in html
    response = client.post(f"/auth/users/{contact.id}/end-sessions",
                           data={"csrf_token": csrf_token(client, page)})
    assert response.headers["Location"].endswith(page)


def test_csrf_token_changes_at_login(app, client, make_user):
    before = csrf_token(client, "/auth/login")
    client.post("/auth/login", data={"email": make_user("coordinator").email,
                                     "password": "correct-horse-battery", "csrf_token": before})
    after = csrf_token(client, PAGE)
    assert after != before
    # the token an attacker planted before the login no longer works
    assert client.post("/auth/logout", data={"csrf_token": before}).status_code == 400
    assert client.get(PAGE).status_code == 200


def test_language_choice_survives_the_login(app, client, make_user):
    client.post("/language/en", data={"csrf_token": csrf_token(client, "/auth/login"),
                                      "next": "/auth/login"})
    _login(client, make_user("coordinator", locale="de"))
    assert '<html lang="en" dir="ltr">' in client.get(PAGE).get_data(as_text=True)


def test_disabled_user_loses_an_open_session(app, client, make_user):
    user = make_user("coordinator")
    _login(client, user)
    user.is_enabled = False
    db.session.commit()
    assert client.get(PAGE).status_code == 302


def test_session_ids_without_a_version_or_garbled_are_logged_out(app, client, make_user):
    """Sessions from before migration 0012 carry a bare user id: they must log in again."""
    user = make_user("coordinator")
    for stale in (str(user.id), f"{user.id}.x", f"{user.id}.{user.session_version + 5}",
                  "9" * 40 + ".1", ".1"):
        with client.session_transaction() as sess:
            sess["_user_id"] = stale
            sess["_fresh"] = True
        assert client.get(PAGE).status_code == 302, stale
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
    assert client.get(PAGE).status_code == 200
