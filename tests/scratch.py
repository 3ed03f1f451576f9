"""Throwaway PostgreSQL databases for tests: the one place that creates and drops them.

Why one place: the suite, the migration tests, the restore drill and the health tests each
need empty databases of their own on the machine's shared server; every one must be dropped
again (WITH FORCE, since a test may leave a connection behind) even when the test fails.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import psycopg

PG_URL = os.environ.get("SKM_TEST_POSTGRES_URL")


def admin_url(url: str) -> str:
    """The URL as psycopg and the libpq tools take it (no SQLAlchemy driver name)."""
    return url.replace("postgresql+psycopg://", "postgresql://")


@contextlib.contextmanager
def pg_databases(prefix: str, count: int = 1) -> Iterator[list[str]]:
    """Create `count` empty databases on PG_URL's server; yield their URLs; drop them after."""
    names = [f"{prefix}_{uuid.uuid4().hex[:8]}" for _ in range(count)]
    base = PG_URL.rpartition("/")[0]
    with psycopg.connect(admin_url(PG_URL), autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield [f"{base}/{name}" for name in names]
    finally:
        with psycopg.connect(admin_url(PG_URL), autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
