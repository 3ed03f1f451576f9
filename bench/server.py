"""Start gunicorn on loopback for the benchmark and talk HTTP to it like a browser would.

Why a real gunicorn and raw http.client: the figures must include WSGI, sessions, templates and
the database driver as in production, and no client library's overhead should blur them.
"""

from __future__ import annotations

import re
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.net import HttpSession, free_port
from tests.production import production_env

ROOT = Path(__file__).resolve().parent.parent


class Gunicorn:
    """A gunicorn master with `workers` sync workers serving wsgi:app from `database_url`."""

    def __init__(self, database_url: str, workers: int = 2):
        self.port = free_port()
        self.secret_key = secrets.token_hex(16)  # the bench derives feed tokens with it
        env = production_env(DATABASE_URL=database_url, SECRET_KEY=self.secret_key,
                             LOGIN_RATE_LIMIT="1000 per minute")
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


class Client(HttpSession):
    """One user agent for the measurements (see tests.net.HttpSession); a failed login raises."""

    def __init__(self, port: int):
        super().__init__(port, timeout=60)

    def login(self, email: str, password: str) -> None:
        if not super().login(email, password):
            raise RuntimeError(f"login as {email} failed")
