"""Security headers, the outage page and cookie flags."""

from app import create_app
from config import TestingConfig
from tests.production import ProductionTestConfig


def test_security_headers_on_every_page(client):
    for path in ("/auth/login", "/does-not-exist", "/healthz"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in csp
        assert headers["Referrer-Policy"] == "same-origin"  # tests/core/test_https.py for more
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_csp_allows_nothing_inline(client):
    """Neither scripts nor styles may be inline: no 'unsafe-inline' in any directive."""
    csp = client.get("/auth/login").headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "style-src 'self'" in csp.split(";")[2]


def test_templates_contain_no_inline_script(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert "<script>" not in html and "onclick=" not in html


def test_database_outage_gives_503_page():
    """A database that cannot be reached gives a friendly 503, not a traceback."""

    class Down(TestingConfig):
        SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://postgres@127.0.0.1:9/none"
        SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"connect_timeout": 2}}
        WTF_CSRF_ENABLED = False

    app = create_app(Down)
    response = app.test_client().post(
        "/auth/login", data={"email": "a@example.org", "password": "whatever-1"}
    )
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert "Vorübergehend nicht erreichbar" in response.get_data(as_text=True)


def test_production_cookies_are_secure():
    class Prod(ProductionTestConfig):
        pass

    app = create_app(Prod)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["REMEMBER_COOKIE_SECURE"]
    with app.test_client() as client:
        assert "Strict-Transport-Security" in client.get("/healthz",
                                                         base_url="https://localhost").headers
