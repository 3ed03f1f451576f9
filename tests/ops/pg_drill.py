"""PostgreSQL pieces of the restore drill (tests/ops/test_restore.py): scratch databases, a
migrated and seeded source, a thread that inserts while pg_dump runs, counts from a dump."""

from __future__ import annotations

import contextlib
import datetime as dt
import subprocess
import threading
import time
from collections.abc import Iterator

import psycopg
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from config import TestingConfig
from tests.scratch import PG_URL, pg_databases
from tests.scratch import admin_url as _admin_url

SEEDED = 40  # sent_reminder rows written before the inserter starts


def libpq(url: str) -> str:
    """The URL as libpq tools (pg_dump, pg_restore, psycopg) take it."""
    return _admin_url(url)


def server_major() -> int:
    with psycopg.connect(libpq(PG_URL)) as conn:
        return int(conn.execute("SHOW server_version_num").fetchone()[0]) // 10000


@contextlib.contextmanager
def databases(count: int) -> Iterator[list[str]]:
    """Create `count` empty databases; drop them afterwards."""
    with pg_databases("skm_drill", count) as urls:
        yield urls


def migrate_and_seed(url: str) -> None:
    """Bring `url` to the migrations' head and write rows into a few tables."""

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Config)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    now = dt.datetime.now(dt.UTC)
    with psycopg.connect(libpq(url)) as conn:
        for i in range(SEEDED):
            conn.execute("INSERT INTO sent_reminder (key, created_at) VALUES (%s, %s)",
                         (f"seed-{i}", now))
        for i in range(25):
            conn.execute("INSERT INTO audit_log (at, actor_label, action, object_type, "
                         "details) VALUES (%s, '', 'drill', 't', %s)", (now, f"row {i}"))


class Inserter(threading.Thread):
    """Insert one committed row at a time into sent_reminder until stopped."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.count, self._halt = url, 0, threading.Event()

    def run(self) -> None:
        with psycopg.connect(libpq(self.url), autocommit=True) as conn:
            while not self._halt.is_set():
                conn.execute("INSERT INTO sent_reminder (key, created_at) VALUES (%s, now())",
                             (f"live-{self.count}",))
                self.count += 1

    def wait_for(self, count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.count < count:
            assert time.monotonic() < deadline, "the inserter stalled"
            time.sleep(0.01)

    def __enter__(self) -> Inserter:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self._halt.set()
        self.join(10)


def counts_in_dump(pg_restore: str, dump) -> dict[str, int]:
    """Count the rows of every table as the dump holds them (its COPY blocks)."""
    script = subprocess.run([pg_restore, "--data-only", "-f", "-", str(dump)],
                            capture_output=True, text=True, check=True).stdout
    counts: dict[str, int] = {}
    table = None
    for line in script.splitlines():
        if table is None and line.startswith("COPY "):
            table = line.split()[1].split(".")[-1].strip('"')
            counts[table] = 0
        elif table is not None:
            if line == "\\.":
                table = None
            else:
                counts[table] += 1
    return counts


def table_counts(url: str) -> dict[str, int]:
    """Count the rows of every table in the public schema."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            names = sa.inspect(conn).get_table_names()
            return {n: conn.execute(sa.text(f'SELECT count(*) FROM "{n}"')).scalar()
                    for n in names}
    finally:
        engine.dispose()


def ids_are_a_prefix(url: str, table: str) -> bool:
    """Tell whether the ids are 1..n without a gap: one consistent moment of one writer."""
    with psycopg.connect(libpq(url)) as conn:
        low, high, n = conn.execute(f'SELECT min(id), max(id), count(*) FROM "{table}"').fetchone()
    return (low, high) == (1, n)
