"""Login, logout, CSRF, rate limit and the open-redirect guard."""

from tests.conftest import csrf_token


def test_login_page_is_german_by_default(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="de" dir="ltr">' in html
    assert "Anmelden" in html and "Passwort vergessen?" in html


def test_login_success_redirects_to_role_start_page(client, make_user, login):
    user = make_user("coordinator")
    response = login(user)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/")
    start = client.get("/")  # the start page itself now (it was a redirect to the requests)
    assert start.status_code == 200 and 'data-card="no_candidate"' in start.get_data(as_text=True)


def test_wrong_password_shows_german_message_and_keeps_email(client, make_user, login):
    user = make_user("coordinator")
    response = login(user, password="wrong-password")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "E-Mail-Adresse oder Passwort ist falsch." in html
    assert f'value="{user.email}"' in html


def test_empty_login_form_shows_field_errors_in_german(client):
    token = csrf_token(client, "/auth/login")
    html = client.post("/auth/login", data={"csrf_token": token}).get_data(as_text=True)
    assert "Dieses Feld wird benötigt." in html


def test_post_without_csrf_token_is_rejected(client, make_user):
    user = make_user("coordinator")
    response = client.post("/auth/login", data={"email": user.email,
                                                "password": "correct-horse-battery"})
    assert response.status_code == 400
    assert "Formular abgelaufen" in response.get_data(as_text=True)


def test_login_is_rate_limited(client, make_user, app):
    user = make_user("coordinator")
    token = csrf_token(client, "/auth/login")
    codes = [
        client.post("/auth/login", data={"email": user.email, "password": "nope-nope",
                                         "csrf_token": token}).status_code
        for _ in range(6)
    ]
    assert codes[:5] == [200] * 5
    assert codes[5] == 429
    assert "Zu viele Versuche" in client.post(
        "/auth/login", data={"email": user.email, "password": "x", "csrf_token": token}
    ).get_data(as_text=True)


def test_disabled_user_cannot_log_in(client, make_user, login):
    user = make_user("coordinator", is_enabled=False)
    response = login(user)
    assert "E-Mail-Adresse oder Passwort ist falsch." in response.get_data(as_text=True)


def test_next_parameter_cannot_redirect_elsewhere(client, make_user):
    user = make_user("coordinator")
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/auth/forgot")})
        token = csrf_token(client, "/auth/login")  # the login starts a new session each time
        response = client.post(f"/auth/login?next={target}", data={
            "email": user.email, "password": "correct-horse-battery", "csrf_token": token})
        assert response.status_code == 302
        assert "evil" not in response.headers["Location"]
        assert "javascript" not in response.headers["Location"]


def test_next_parameter_allows_local_path(client, make_user):
    user = make_user("coordinator")
    token = csrf_token(client, "/auth/login")
    response = client.post("/auth/login?next=/coordination/institutions", data={
        "email": user.email, "password": "correct-horse-battery", "csrf_token": token})
    assert response.headers["Location"] == "/coordination/institutions"


def test_logout_requires_post_and_logs_out(client, make_user, login):
    user = make_user("coordinator")
    login(user)
    assert client.get("/auth/logout").status_code == 405
    token = csrf_token(client, "/pool/mediators")
    client.post("/auth/logout", data={"csrf_token": token})
    assert client.get("/pool/mediators").status_code == 302


def test_switch_to_english(client):
    token = csrf_token(client, "/auth/login")
    response = client.post("/language/en", data={"csrf_token": token, "next": "/auth/login"})
    assert response.headers["Location"] == "/auth/login"
    html = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in html and "Forgot your password?" in html


def test_unknown_page_gives_german_404(client):
    response = client.get("/does-not-exist")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.get_data(as_text=True)
