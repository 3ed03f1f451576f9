"""Rate limits that hold with several workers (real Redis) and behind a reverse proxy."""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import subprocess
import sys
import threading
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
def _gunicorns(app, tmp_path, count: int, workers: int = 1, **settings):
    """Run `count` gunicorn processes (`workers` each) of wsgi:app on the test database."""
    env = production_env(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
                         **{"LOGIN_RATE_LIMIT": "5 per minute", "GUNICORN_WORKERS": str(workers),
                            **settings})
    ports = [free_port() for _ in range(count)]
    logs = [tmp_path / f"gunicorn-{port}.log" for port in ports]
    procs = []
    for port, log in zip(ports, logs, strict=True):
        with log.open("w") as out:
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", str(workers),
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



class _RedisLink:
    """A TCP relay to the real Redis that this test can cut and restore: an outage of its own.

    Why not stop Redis or pause its clients: other tests (and other runs) share that Redis.
    Cutting closes the listening socket and every relayed connection, so the app's next
    command fails at once (connection refused), as when Redis is down.
    """

    def __init__(self, target=("127.0.0.1", 6379)) -> None:
        self.target = target
        self.port = free_port()
        self.server: socket.socket | None = None
        self.conns: list[socket.socket] = []
        self.lock = threading.Lock()

    def up(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(16)
        self.server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def down(self) -> None:
        server, self.server = self.server, None
        if server is not None:
            with contextlib.suppress(OSError):
                server.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close alone
            server.close()  # would leave the port listening until the next connection
        with self.lock:
            conns, self.conns = self.conns, []
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def test_an_address_never_gets_more_than_the_limit_across_a_redis_outage(app, redis_prefix,
                                                                          tmp_path):
    """Before: each worker counted from zero during the outage and Redis from zero after it
    (27, 20 and 15 of 30 attempts got through). Now: limit / workers per worker while Redis
    is down, and the outage counts are handed to Redis when it is back."""
    prefix, _client = redis_prefix
    link = _RedisLink()
    link.up()
    try:
        with _gunicorns(app, tmp_path, 1, workers=2,
                        RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{link.port}/0",
                        RATELIMIT_KEY_PREFIX=prefix, LOGIN_RATE_LIMIT="10 per minute") as (
                browsers, logs):
            browser = browsers[0]
            browser.request("GET", "/auth/login")  # both workers meet Redis once
            browser.request("GET", "/auth/login")
            link.down()
            codes = [browser.login_attempt() for _ in range(15)]  # Redis unreachable
            link.up()
            time.sleep(1.5)  # past the workers' retry pause
            codes += [browser.login_attempt() for _ in range(15)]  # Redis is back
        print(f"\nattempts across the outage: {codes}")
        assert 429 in codes[:15], codes  # still limited during the outage
        assert codes.count(200) <= 10, codes  # and never more than the limit in all
        assert all(code in (200, 429) for code in codes), codes
        assert "Rate limit storage unreachable" in "".join(log.read_text() for log in logs)
    finally:
        link.down()
