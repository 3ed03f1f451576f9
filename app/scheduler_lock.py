"""The scheduler's lock: one acting scheduler per installation, and who holds it.

PostgreSQL: a session-level advisory lock on a dedicated, non-pooled connection whose
`application_name` names this process, so a standby can say which process holds it (from
`pg_locks`), and the holder can ask whether it still does. SQLite: an fcntl lock on a file
next to the database, with the holder's pid written into it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import threading
from collections.abc import Iterator

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.pool import NullPool

LOCK_KEY = 0x534B4D01  # "SKM" + 1: the advisory lock id of the scheduler
APP_NAME = "skm-scheduler"
_HOLDERS = sa.text(
    "SELECT l.pid, a.application_name FROM pg_locks l "
    "LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = 0 "
    "AND l.objid::bigint = :k AND l.objsubid = 1 "
    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())")
_MINE = sa.text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
    "AND classid::bigint = 0 AND objid::bigint = :k AND objsubid = 1 "
    "AND pid = pg_backend_pid()")


def whoami() -> str:
    return f"pid {os.getpid()} on {socket.gethostname()}"


class SchedulerLock:
    """The lock as this process sees it: held or not, who holds it, why it was lost."""

    held = False
    holder = ""  # who holds it when this process does not ("pid 12 on host")
    lost_reason = ""

    def __bool__(self) -> bool:
        return self.held

    def alive(self) -> bool:
        """Tell whether this process still holds the lock (the fence of every job)."""
        return self.held

    def release(self) -> None:
        self.held = False


class PostgresLock(SchedulerLock):
    def __init__(self, url: str) -> None:
        self._mutex = threading.Lock()  # APScheduler runs jobs in threads; one connection
        self._engine = sa.create_engine(url, poolclass=NullPool, connect_args={
            "application_name": f"{APP_NAME} {whoami()}"[:63], "connect_timeout": 5,
            "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
            "keepalives_count": 3})
        self._conn = None
        try:
            conn = self._engine.connect()
            try:
                self.held = bool(conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"),
                                              {"k": LOCK_KEY}).scalar())
                if not self.held:
                    self.holder = _describe(conn.execute(_HOLDERS, {"k": LOCK_KEY}).first())
                conn.commit()  # the lock is session-level: it outlives this transaction
            except BaseException:
                conn.close()
                raise
        except BaseException:
            self._engine.dispose()
            raise
        if self.held:
            self._conn = conn
        else:
            conn.close()
            self._engine.dispose()

    def alive(self) -> bool:
        with self._mutex:
            if not self.held or self._conn is None:
                return False
            try:
                mine = self._conn.execute(_MINE, {"k": LOCK_KEY}).scalar()
                self._conn.commit()
            except sa.exc.DBAPIError:
                self.held, self.lost_reason = False, "connection closed"
                return False
            if not mine:
                self.held, self.lost_reason = False, "no longer held by this connection"
            return self.held

    def release(self) -> None:
        with self._mutex:
            self.held = False
            if self._conn is not None:
                with contextlib.suppress(sa.exc.DBAPIError):
                    self._conn.close()  # closing the session releases the lock
                self._conn = None
            self._engine.dispose()


def _describe(row) -> str:
    """Say who holds the lock: the scheduler's own pid and host, else the backend's pid."""
    if row is None:
        return "holder unknown, it may just have let go"
    pid, name = row
    if name and name.startswith(APP_NAME + " "):
        return name[len(APP_NAME) + 1:]
    return f"database backend pid {pid}"


class FileLock(SchedulerLock):
    def __init__(self, path: str) -> None:
        self._handle = open(path, "a+")  # noqa: SIM115 (held until release)
        try:
            fcntl.flock(self._handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._handle.seek(0)
            self.holder = self._handle.read().strip() or "holder unknown"
            self._handle.close()
            return
        self.held = True
        self._handle.truncate(0)
        self._handle.write(whoami())
        self._handle.flush()

    def release(self) -> None:
        if self.held:
            self.held = False
            self._handle.close()


@contextlib.contextmanager
def single_instance(app: Flask) -> Iterator[SchedulerLock]:
    """Yield the lock (truthy while this process holds it); release it at the end.

    Raises the database's OperationalError when PostgreSQL cannot be reached.
    """
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    lock = PostgresLock(url) if url.startswith("postgresql") else FileLock(_file(app, url))
    try:
        yield lock
    finally:
        lock.release()


def _file(app: Flask, url: str) -> str:
    path = sa.engine.make_url(url).database
    if not path or path == ":memory:":
        os.makedirs(app.instance_path, exist_ok=True)
        return os.path.join(app.instance_path, "scheduler.lock")
    return f"{path}.scheduler.lock"
