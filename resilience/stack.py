"""Start the app's processes against one database: two gunicorns and one scheduler.

Every process gets the same SECRET_KEY (sessions and signed links work across them, as
behind a load balancer), the production config and the test SMTP server.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from resilience.http import Client
from tests.net import free_port
from tests.production import production_env

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def app_env(database_url: str, mail_port: int, secret: str) -> dict[str, str]:
    return production_env(DATABASE_URL=database_url,
                SECRET_KEY=secret, MAIL_SERVER="127.0.0.1", MAIL_PORT=str(mail_port),
                LOGIN_RATE_LIMIT="10000 per minute", BASE_URL="https://127.0.0.1",
                OUTBOX_INTERVAL_SECONDS="2", MAIL_TIMEOUT="5")


def flask(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env,  # noqa: S603
                          check=check, capture_output=True, text=True, timeout=300)


class Stack:
    """The gunicorns and the scheduler; each can be stopped, killed and started again."""

    def __init__(self, database_url: str, mail_port: int, log_dir: str) -> None:
        self.env = app_env(database_url, mail_port, secrets.token_hex(16))
        self.log_dir = log_dir
        self.web: list[subprocess.Popen] = []
        self.ports: list[int] = []
        self.scheduler: subprocess.Popen | None = None

    def prepare(self) -> None:
        """Create the schema and the demo data set."""
        flask(self.env, "db", "upgrade")
        flask(self.env, "seed-demo")

    def _spawn(self, cmd: list[str], log: str) -> subprocess.Popen:
        with open(os.path.join(self.log_dir, log), "ab") as out:  # the child keeps its copy
            return subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=out,  # noqa: S603
                                    stderr=subprocess.STDOUT)

    def start_web(self, processes: int = 2, workers: int = 2) -> None:
        for n in range(processes):
            port = free_port()
            self.web.append(self._spawn(
                [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
                 "--timeout", "60", "--log-level", "warning", "wsgi:app"], f"gunicorn{n}.log"))
            self.ports.append(port)
        deadline = time.monotonic() + 60
        for port in self.ports:
            while True:
                try:
                    if Client([port], lambda *a: None).get("/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start")
                time.sleep(0.2)

    def start_scheduler(self) -> None:
        self.scheduler = self._spawn(
            [str(BIN / "flask"), "--app", "wsgi", "scheduler", "run"], "scheduler.log")

    def kill_scheduler(self) -> None:
        """SIGKILL: no cleanup, no goodbye, like a crash or the OOM killer."""
        assert self.scheduler is not None
        self.scheduler.send_signal(signal.SIGKILL)
        self.scheduler.wait(timeout=10)
        self.scheduler = None

    def stop(self) -> None:
        procs = [*self.web, *([self.scheduler] if self.scheduler else [])]
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.web, self.ports, self.scheduler = [], [], None
