"""Rate limits that hold with several workers (real Redis) and behind a reverse proxy."""

from __future__ import annotations

import contextlib
import http.client
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from app import create_app
from app.extensions import db, limiter
from config import TestingConfig
from tests.conftest import csrf_token
from tests.net import free_port
from tests.production import production_env

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/0"


class _Browser:
    """A minimal cookie-keeping HTTP client for one gunicorn process."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str = "") -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": "skm.test"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body.encode(), headers=headers)
        response = conn.getresponse()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        text = response.read().decode()
        conn.close()
        return response.status, text

    def login_attempt(self) -> int:
        _, html = self.request("GET", "/auth/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        status, _ = self.request(
            "POST", "/auth/login",
            f"email=nobody%40example.org&password=wrong-password-1&csrf_token={token}")
        return status


def _wait_until_up(proc: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"gunicorn exited: {log.read_text()}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/healthz", headers={"Host": "skm.test"})
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                return
        except OSError:
            time.sleep(0.2)
        finally:
            conn.close()
    pytest.fail("gunicorn did not come up")


@pytest.fixture()
def redis_prefix():
    """A key prefix of its own for this run; its keys are deleted afterwards."""
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.fail("Redis must run on 127.0.0.1:6379 (.ci/run starts it)")
    prefix = f"skm-test-{uuid.uuid4().hex[:10]}"
    yield prefix, client
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)
    client.close()


@contextlib.contextmanager
def _gunicorns(app, tmp_path, count: int, **settings):
    """Run `count` single-worker gunicorn processes of wsgi:app on the test database."""
    env = production_env(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
                         LOGIN_RATE_LIMIT="5 per minute", **settings)
    ports = [free_port() for _ in range(count)]
    logs = [tmp_path / f"gunicorn-{port}.log" for port in ports]
    procs = []
    for port, log in zip(ports, logs, strict=True):
        with log.open("w") as out:
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", "1",
                 "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT))
    try:
        for proc, port, log in zip(procs, ports, logs, strict=True):
            _wait_until_up(proc, port, log)
        yield [_Browser(port) for port in ports], logs
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)


def test_login_limit_is_shared_by_two_gunicorn_processes(app, redis_prefix, tmp_path):
    prefix, redis_client = redis_prefix
    with _gunicorns(app, tmp_path, 2, RATELIMIT_STORAGE_URI=REDIS_URL,
                    RATELIMIT_KEY_PREFIX=prefix) as (browsers, _logs):
        codes = [browsers[n % 2].login_attempt() for n in range(8)]
    # five attempts in all, whichever process served them; each process alone allowed five
    assert codes == [200] * 5 + [429] * 3, codes
    # the counter lives in Redis under this run's own prefix (RATELIMIT_KEY_PREFIX)
    assert [k for k in redis_client.scan_iter(match=f"*{prefix}*") if b"accounts.login" in k]


def test_redis_outage_falls_back_to_counting_per_worker(app, tmp_path):
    with _gunicorns(app, tmp_path, 1, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0") as (
            browsers, _logs):
        codes = [browsers[0].login_attempt() for _ in range(6)]
    assert codes == [200] * 5 + [429], codes  # still limited, and no 500


def _proxy_app(database_url: str, trusted: int):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        TRUSTED_PROXIES = trusted

    return create_app(Config)


def _attempts(application, forwarded_for: str, count: int) -> list[int]:
    client = application.test_client()
    client.environ_base.update(REMOTE_ADDR="10.0.0.2",
                               HTTP_X_FORWARDED_FOR=forwarded_for)
    with application.app_context():
        token = csrf_token(client, "/auth/login")
        return [client.post("/auth/login", data={
            "email": "nobody@example.org", "password": "wrong-password-1",
            "csrf_token": token}).status_code for _ in range(count)]


def test_visitors_behind_a_trusted_proxy_are_counted_apart(app, database_url):
    application = _proxy_app(database_url, trusted=1)
    try:
        assert _attempts(application, "203.0.113.7", 6) == [200] * 5 + [429]
        assert _attempts(application, "203.0.113.8", 1) == [200]
    finally:
        with application.app_context():
            limiter.reset()
            # close its pooled connections now: left to the garbage collector, they warn
            # ("deleted while still open") inside whichever test runs then
            db.engine.dispose()


def test_forwarded_header_is_ignored_without_trusted_proxies(app, database_url):
    application = _proxy_app(database_url, trusted=0)
    try:
        assert _attempts(application, "203.0.113.7", 5) == [200] * 5
        # a client cannot dodge the limit by inventing an X-Forwarded-For value
        assert _attempts(application, "203.0.113.8", 1) == [429]
    finally:
        with application.app_context():
            limiter.reset()
            # close its pooled connections now: left to the garbage collector, they warn
            # ("deleted while still open") inside whichever test runs then
            db.engine.dispose()

