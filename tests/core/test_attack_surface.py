"""Attack-surface checks beside the URL-map walk: redirects, huge ids, production cookies."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from app import create_app
from tests.conftest import csrf_token
from tests.production import ProductionTestConfig

HOSTILE_NEXT = ["//evil.example/", "https://evil.example/x", "/\\evil.example", "\\\\evil",
                "javascript:alert(1)", "http:/evil.example", " //evil.example"]


def _assert_local(location: str) -> None:
    """A browser resolves the location on our own host (a backslash stays encoded)."""
    parts = urlsplit(location)
    assert parts.scheme in ("", "http", "https") and parts.netloc in ("", "skm.test"), location
    assert not location.startswith("//") and "\\" not in location, location


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_language_switch_never_redirects_off_site(target, app, client):
    token = csrf_token(client, "/auth/login")
    response = client.post("/language/en", data={"csrf_token": token, "next": target})
    assert response.status_code == 302
    _assert_local(response.headers["Location"])


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_login_never_redirects_off_site(target, app, client, make_user):
    user = make_user("coordinator")
    token = csrf_token(client, "/auth/login")
    response = client.post(f"/auth/login?next={target}", data={
        "email": user.email, "password": "correct-horse-battery", "csrf_token": token})
    assert response.status_code == 302
    _assert_local(response.headers["Location"])


def test_ids_beyond_the_database_integer_are_a_404(app, client, make_user, login):
    login(make_user("coordinator"))
    for path in ("/coordination/requests/99999999999", "/pool/mediators/9223372036854775808",
                 "/meetings/" + "9" * 40):
        assert client.get(path).status_code == 404


def test_production_cookies_are_secure_and_http_only(monkeypatch):
    class Config(ProductionTestConfig):
        pass

    application = create_app(Config)
    client = application.test_client()
    response = client.get("/auth/login", base_url="https://skm.example")
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies, "the login page sets a session cookie (CSRF token)"
    for cookie in cookies:
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_audit_filter_ignores_odd_values_with_a_message_not_a_crash(app, client, make_user,
                                                                     login):
    login(make_user("coordinator"))
    for query in ("object_id=7102530294", "object_type=a%00b", "object_id=-3",
                  "object_type=nonsense&object_id=1"):
        response = client.get(f"/pool/audit?{query}")
        assert response.status_code == 200, query  # the filter is ignored, the error shown
        assert 'class="kern-error"' in response.get_data(as_text=True), query
    assert client.get("/pool/audit").status_code == 200
    assert client.get("/pool/audit?object_type=&object_id=1").status_code == 200


def test_page_numbers_beyond_any_list_are_a_404(app, client, make_user, login):
    login(make_user("coordinator"))
    assert client.get("/pool/audit?page=9223372036854775808").status_code == 404
    assert client.get("/coordination/requests?page=99999999").status_code == 404
    assert client.get("/coordination/requests?page=2").status_code == 200
