"""Start gunicorn on loopback for the benchmark and talk HTTP to it like a browser would.

Why a real gunicorn and raw http.client: the figures must include WSGI, sessions, templates and
the database driver as in production, and no client library's overhead should blur them.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """A gunicorn master with `workers` sync workers serving wsgi:app from `database_url`."""

    def __init__(self, database_url: str, workers: int = 2):
        self.port = free_port()
        self.secret_key = secrets.token_hex(16)  # the bench derives feed tokens with it
        env = dict(os.environ, DATABASE_URL=database_url, FLASK_CONFIG="production",
                   SECRET_KEY=self.secret_key, LOGIN_RATE_LIMIT="1000 per minute")
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        self.proc = subprocess.Popen(  # noqa: S603 - fixed argument list
            [gunicorn, "-w", str(workers), "-b", f"127.0.0.1:{self.port}", "--log-level",
             "warning", "wsgi:app"], cwd=ROOT, env=env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if Client(self.port).get("/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def worker_pids(self) -> list[int]:
        """Return the worker processes (children of the master), read from /proc."""
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    status = (entry / "status").read_text()
                except OSError:
                    continue
                if re.search(rf"^PPid:\s+{self.proc.pid}$", status, re.M):
                    pids.append(int(entry.name))
        return pids

    def worker_rss_mb(self) -> float:
        """Return the largest resident set size of the workers in MB."""
        sizes = []
        for pid in self.worker_pids():
            match = re.search(r"^VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(),
                              re.M)
            if match:
                sizes.append(int(match.group(1)) / 1024)
        return round(max(sizes), 1) if sizes else 0.0

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Client:
    """One user agent: keeps its session cookie; a new connection per request (sync workers)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            conn.close()

    def get(self, path: str, headers: dict[str, str] | None = None):
        return self.request("GET", path, headers=headers)

    def login(self, email: str, password: str) -> None:
        """Log in through the real form (CSRF token included); raise when it fails."""
        from urllib.parse import urlencode

        _, _, html = self.get("/auth/login")
        match = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', html)
        if not match:
            raise RuntimeError("no CSRF token on the login page")
        form = urlencode({"email": email, "password": password,
                          "csrf_token": match.group(1).decode()})
        status, _, _ = self.request("POST", "/auth/login", body=form)
        if status != 302:
            raise RuntimeError(f"login as {email} failed ({status})")
