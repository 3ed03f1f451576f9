"""Loopback networking shared by the tests, the benchmark and the resilience suite.

A free port and a browser-like HTTP session (cookies, CSRF tokens, the login form) over plain
`http.client`: no client library is pinned, and the benchmark's figures must include only the
server's work. `bench/` and `resilience/` import this module (the repository root is on the
path for `python -m bench.run` and for pytest, and `tests/__init__.py` imports nothing).
"""

from __future__ import annotations

import http.client
import random
import re
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import urlencode

CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def free_port() -> int:
    """Return a loopback port nobody listens on (the OS picks it; a server may bind it next)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _closed_before_sending(wsgi_app):
    """Read each response body and close it before the server writes it.

    Why: werkzeug's development server skips `close()` when the browser drops the connection
    mid-write (it does for the favicon when a page moves on), so a static file stayed open
    and its ResourceWarning failed whichever test the garbage collector ran in.
    """
    def app(environ, start_response):
        iterable = wsgi_app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            if hasattr(iterable, "close"):
                iterable.close()
    return app


@contextmanager
def serve(wsgi_app, port: int | None = None) -> Iterator[str]:
    """Serve a WSGI app on loopback in a thread for the block; yield its base URL."""
    from werkzeug.serving import make_server

    port = free_port() if port is None else port
    server = make_server("127.0.0.1", port, _closed_before_sending(wsgi_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


class HttpSession:
    """One user agent against one app server, or several (like behind a load balancer).

    Keeps the cookies the server sets and opens a new connection per request (gunicorn's sync
    workers close it anyway). Bodies come back as bytes, or as text with `text=True`;
    `record(method, path, status, body)` is called for every response when given.
    """

    def __init__(self, ports: int | list[int], *, timeout: float = 30, text: bool = False,
                 record: Callable[[str, str, int, bytes | str], object] | None = None) -> None:
        self.ports = [ports] if isinstance(ports, int) else list(ports)
        self.timeout = timeout
        self.text = text
        self.record = record
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes | str]:
        """Send one request; return the status, the headers (lower-case names) and the body."""
        conn = http.client.HTTPConnection("127.0.0.1", random.choice(self.ports),
                                          timeout=self.timeout)
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data: bytes | str = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            if self.text:
                data = data.decode("utf-8", "replace")
            if self.record is not None:
                self.record(method, path, response.status, data)
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            conn.close()

    def get(self, path: str, headers: dict[str, str] | None = None):
        return self.request("GET", path, headers=headers)

    def post(self, path: str, form: dict):
        return self.request("POST", path, form=form)

    def csrf_token(self, path: str) -> str | None:
        """Load a form page and return its CSRF token (None when the page has none)."""
        status, _, body = self.get(path)
        html = body if isinstance(body, str) else body.decode("utf-8", "replace")
        match = CSRF_RE.search(html) if status == 200 else None
        return match.group(1) if match else None

    def login(self, email: str, password: str) -> bool:
        """Log in through the real form (CSRF token included); tell whether it worked."""
        token = self.csrf_token("/auth/login")
        if token is None:
            return False
        status, _, _ = self.post("/auth/login", {"email": email, "password": password,
                                                 "csrf_token": token})
        return status == 302
