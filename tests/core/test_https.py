"""HTTPS settings without the browser: headers, the CSRF check's Referer and the reasons it
logs, the plain-HTTP warning, DATABASE_URL normalisation, gunicorn's trust of forwarded
headers and the nginx site's token masking (the whole chain: tests/browser/test_https_proxy.py).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from app import ConfigError, create_app
from app.calendar import logmask
from app.extensions import db
from app.services.calendar import feeds
from config import TestingConfig, database_url
from tests.net import CSRF_RE, HttpSession, free_port
from tests.production import ProductionTestConfig, production_env

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HTTPS = "https://skm.example"


def _production(uri: str = "sqlite://", **settings):
    attrs = {"SQLALCHEMY_DATABASE_URI": uri, "BASE_URL": HTTPS, "SERVER_NAME": None, **settings}
    return create_app(type("Prod", (ProductionTestConfig,), attrs))


def _security_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "app.security" and r.levelno == logging.WARNING]


def test_referrer_policy_per_page(app, client, make_user):
    """Same-origin pages send a Referer (the CSRF check needs it); token URLs only the origin."""
    assert client.get("/auth/login").headers["Referrer-Policy"] == "same-origin"
    for path in ("/auth/reset/some.token", "/auth/invite/some.token",
                 "/me/offers/answer/some.token", "/requests/follow-up/some.token"):
        assert client.get(path).headers["Referrer-Policy"] == "strict-origin", path
    feed = client.get(f"/calendar/{feeds.token_for(make_user('coordinator'))}.ics")
    assert feed.status_code == 200 and feed.headers["Referrer-Policy"] == "no-referrer"


def test_hsts_only_in_production_over_https():
    production = _production().test_client()
    assert production.get("/healthz", base_url=HTTPS).headers[
        "Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in production.get(
        "/healthz", base_url="http://skm.example").headers
    testing = create_app(TestingConfig).test_client()
    assert "Strict-Transport-Security" not in testing.get("/healthz",
                                                          base_url="https://skm.test").headers


def test_csrf_over_https_needs_a_same_origin_referer_and_logs_why(app, make_user, caplog):
    """No Referer or a foreign one: 400 and one WARNING naming the reason, never the token."""
    make_user("coordinator", email="k@example.org")
    production = _production(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        _refusals_are_logged(production.test_client(), caplog)
    finally:
        with production.app_context():
            db.engine.dispose()  # its own pool: no connection may outlive the test


def _refusals_are_logged(client, caplog) -> None:
    token = CSRF_RE.search(client.get("/auth/login", base_url=HTTPS).get_data(as_text=True))[1]
    form = {"csrf_token": token, "email": "k@example.org", "password": "correct-horse-battery"}
    caplog.set_level(logging.INFO)
    for referer, reason in ((None, "The referrer header is missing."),
                            ("https://evil.example/page?secret=1",
                             "The referrer does not match the host.")):
        caplog.clear()
        headers = {"Referer": referer} if referer else {}
        answer = client.post("/auth/login", base_url=HTTPS, data=form, headers=headers)
        assert answer.status_code == 400 and "Formular abgelaufen" in answer.get_data(as_text=True)
        (line,) = _security_lines(caplog)
        message = line.getMessage()
        assert reason in message and "accounts.login" in message
        assert token not in message and "secret" not in message and "/page" not in message
        assert ("https://evil.example" if referer else "Referer origin none") in message
    caplog.clear()
    answer = client.post("/auth/login", base_url=HTTPS, data=form,
                         headers={"Referer": f"{HTTPS}/auth/login"})
    assert answer.status_code == 302 and _security_lines(caplog) == []


def test_production_over_plain_http_says_why_forms_fail(caplog):
    """Secure cookies never come back over http: production refuses an http BASE_URL at
    start, and a request that still arrives over http gets a warning on each refusal."""
    caplog.set_level(logging.INFO)
    with pytest.raises(ConfigError, match="BASE_URL 'http://skm.example' does not start"):
        _production(BASE_URL="http://skm.example")
    app = _production()
    caplog.clear()
    page = app.test_client().get("/auth/login", base_url="http://skm.example")
    token = CSRF_RE.search(page.get_data(as_text=True))[1]
    # the browser dropped the Secure session cookie: a fresh client posts the form
    answer = app.test_client().post("/auth/login", base_url="http://skm.example",
                                    data={"csrf_token": token, "email": "a@example.org",
                                          "password": "x"})
    assert answer.status_code == 400
    (line,) = _security_lines(caplog)
    assert "plain HTTP" in line.getMessage() and "TRUSTED_PROXIES" in line.getMessage()
    assert token not in line.getMessage()
    caplog.clear()
    _production()
    assert _security_lines(caplog) == []


@pytest.mark.parametrize(("given", "expected"), [
    ("postgres://u:p@db:5432/skm", "postgresql+psycopg://u:p@db:5432/skm"),
    ("postgresql://u@db/skm?sslmode=require", "postgresql+psycopg://u@db/skm?sslmode=require"),
    ("postgresql+psycopg://u@db/skm", "postgresql+psycopg://u@db/skm"),
    ("sqlite:///instance/skm_pool.sqlite", "sqlite:///instance/skm_pool.sqlite"),
    ("sqlite://", "sqlite://"),
])
def test_database_url_gets_the_installed_driver(given, expected):
    assert database_url(given) == expected


def test_postgres_url_from_the_environment_connects():
    """`postgres://` in DATABASE_URL works end to end (it failed: No module named psycopg2)."""
    target = os.environ.get("SKM_TEST_POSTGRES_URL",
                            "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    plain = "postgres://" + target.split("://", 1)[1]
    try:
        psycopg.connect(plain.replace("postgres://", "postgresql://", 1), connect_timeout=3).close()
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL reachable")
    code = ("from app import create_app; from app.extensions import db; import sqlalchemy as sa\n"
            "app = create_app()\n"
            "with app.app_context(): print(app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0],"
            " db.session.scalar(sa.text('select 1')))")
    env = production_env(DATABASE_URL=plain, SECRET_KEY=secrets.token_hex(16), BASE_URL=HTTPS)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["postgresql+psycopg", "1"]


@contextlib.contextmanager
def _gunicorn(tmp_path, trusted: str, *, with_config: bool = True):
    """Run gunicorn (production) with or without the shipped gunicorn.conf.py; yield its port."""
    port = free_port()
    env = production_env(SECRET_KEY=secrets.token_hex(16),
               DATABASE_URL=f"sqlite:///{tmp_path / 'skm.sqlite'}", BASE_URL=HTTPS,
               TRUSTED_PROXIES=trusted, GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="1")
    config = ["-c", "gunicorn.conf.py"] if with_config else ["-c", os.devnull, "-b",
                                                             f"127.0.0.1:{port}", "wsgi:app"]
    log = tmp_path / f"gunicorn-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([str(BIN / "gunicorn"), *config], cwd=ROOT, env=env,  # noqa: S603
                                stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, log.read_text()
            with contextlib.suppress(OSError):
                if HttpSession(port).get("/healthz")[0] == 200:
                    break
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield port
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def _seen_as_https(port: int) -> bool:
    """Whether the app took a loopback request claiming `X-Forwarded-Proto: https` as secure."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
        response = conn.getresponse()
        response.read()
    finally:
        conn.close()
    return response.getheader("Strict-Transport-Security") is not None  # only on https


def test_gunicorn_believes_forwarded_headers_only_as_configured(tmp_path):
    """TRUSTED_PROXIES=0: no rewrite of the scheme (gunicorn alone did it for loopback)."""
    with _gunicorn(tmp_path, "0", with_config=False) as port:
        assert _seen_as_https(port)  # gunicorn's default: loopback may set the scheme
    with _gunicorn(tmp_path, "0") as port:
        assert not _seen_as_https(port)
    with _gunicorn(tmp_path, "1") as port:
        assert _seen_as_https(port)


def _nginx_masks() -> list[tuple[re.Pattern, str]]:
    """Read the token-masking map of the shipped nginx site as Python regexes."""
    site = (ROOT / "deploy" / "nginx" / "skm-pool.conf").read_text()
    block = re.search(r"map \$request_uri \$skm_pool_log_uri \{(.*?)\n\}", site, re.S)[1]
    masks = []
    for pattern, value in re.findall(r'"~(.+?)"\s+"(.+?)";', block):
        regex = re.compile(pattern.replace("(?<", "(?P<"))
        masks.append((regex, re.sub(r"\$\{(\w+)\}", r"\\g<\1>", value)))
    return masks


def test_every_token_route_reaches_the_logs_masked(app):
    """Each URL with a `<token>` part, as the app routes it, is masked in nginx's log (the
    shipped site's map) and in gunicorn's or werkzeug's (app/calendar/logmask.py)."""
    masks = _nginx_masks()
    routes = [rule for rule in app.url_map.iter_rules() if "token" in rule.arguments]
    assert len(routes) >= 6
    for rule in routes:
        path = re.sub(r"<(?:\w+:)?token>", "Zm9v.YmFy-c2VjcmV0", rule.rule)
        by_nginx = next((match.expand(value) for regex, value in masks
                         if (match := regex.match(path))), path)  # the value replaces all
        by_app = logmask.mask(f'"GET {path} HTTP/1.1" 200')
        for masked in (by_nginx, by_app):
            assert "Zm9v" not in masked and "c2VjcmV0" not in masked, (rule.rule, masked)
            assert "***" in masked, rule.rule
