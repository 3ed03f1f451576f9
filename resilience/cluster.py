"""A throwaway PostgreSQL cluster in a temp dir, which the fault tests may restart at will.

Why not the machine's main cluster: other test runs use it at the same time, so restarting
it would break them. The cluster runs as the `postgres` system user (initdb refuses root).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time

import psycopg

from tests.net import free_port

BIN = "/usr/lib/postgresql/15/bin"


class Cluster:
    """initdb + pg_ctl on a free loopback port; trust auth for the local test user only."""

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="skm-pg-")
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        self._as_root = os.geteuid() == 0
        if self._as_root:
            user = pwd.getpwnam("postgres")
            os.chown(self.dir, user.pw_uid, user.pw_gid)
        self._run([f"{BIN}/initdb", "-D", self.data, "-U", "postgres", "-A", "trust",
                   "--no-sync", "-E", "UTF8"])
        self.start()

    def _run(self, cmd: list[str]) -> None:
        if self._as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL,  # noqa: S603
                       stderr=subprocess.DEVNULL, cwd=self.dir)

    def start(self) -> None:
        opts = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off "
                "-c max_connections=100")
        self._run([f"{BIN}/pg_ctl", "-D", self.data, "-o", opts, "-l",
                   os.path.join(self.dir, "log"), "-w", "-t", "30", "start"])

    def stop(self) -> None:
        self._run([f"{BIN}/pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop"])

    def restart(self, down_seconds: float) -> None:
        """Stop the server, keep it down for a while (the outage), start it again."""
        self.stop()
        time.sleep(down_seconds)
        self.start()

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def destroy(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
