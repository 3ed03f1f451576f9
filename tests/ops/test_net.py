"""The shared loopback HTTP session (tests.net) that the benchmark and the load tests use."""

from __future__ import annotations

import socket

import pytest

from bench.server import Client
from tests.net import HttpSession, free_port, serve


def test_session_logs_in_keeps_its_cookie_and_records_responses(app, make_user):
    user = make_user("coordinator")
    seen = []
    with serve(app) as url:
        port = int(url.rsplit(":", 1)[1])
        anonymous = HttpSession(port)
        assert anonymous.get("/coordination/requests")[0] == 302  # to the login page
        assert anonymous.login(user.email, "wrong password") is False
        session = HttpSession([port], text=True,
                              record=lambda method, path, status, body: seen.append(
                                  (method, path, status, type(body))))
        assert session.login(user.email, "correct-horse-battery") is True
        status, headers, body = session.get("/coordination/requests")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert isinstance(body, str) and "</html>" in body
    assert seen[:2] == [("GET", "/auth/login", 200, str), ("POST", "/auth/login", 302, str)]
    assert "session" in session.cookies


def test_free_port_is_not_listened_on():
    port = free_port()
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0


def test_benchmark_client_raises_on_a_failed_login(app, make_user):
    user = make_user("coordinator")
    with serve(app) as url:
        client = Client(int(url.rsplit(":", 1)[1]))
        with pytest.raises(RuntimeError, match="login as"):
            client.login(user.email, "wrong password")
        client.login(user.email, "correct-horse-battery")
        status, _, body = client.get("/coordination/requests")
    assert status == 200 and isinstance(body, bytes)
