"""Bulk-load generated rows: psycopg 3 COPY on PostgreSQL, one executemany on SQLite.

Why not the ORM: a million requests through the unit of work takes far longer than the ten
minutes the benchmark allows; COPY streams text straight into the table. Columns a generator
does not set get the model's scalar default, so every NOT NULL column is filled and a new
column added later does not break the loader silently (it raises instead).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable, Sequence
from decimal import Decimal

import sqlalchemy as sa

UTC = dt.UTC
CHUNK = 20_000


def _pg_text(value: object) -> str:
    """Format one value for COPY's text format."""
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is str:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace(
            "\r", "\\r")
    if kind is bool:
        return "t" if value else "f"
    if kind is dt.datetime:
        return value.isoformat(" ")
    return str(value)  # int, Decimal, date, time all print as PostgreSQL reads them


def _sqlite_value(value: object) -> object:
    """Convert one value the way SQLAlchemy's SQLite types store it (naive UTC text)."""
    kind = type(value)
    if kind is dt.datetime:
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if kind is dt.date:
        return value.isoformat()
    if kind is dt.time:
        return value.strftime("%H:%M:%S.%f")
    if kind is bool:
        return int(value)
    if kind is Decimal:
        return float(value)
    return value


def _defaults(table: sa.Table, given: Sequence[str], now: dt.datetime) -> tuple[list[str], list]:
    """Return the columns the generator left out and the constant value for each."""
    names, values = [], []
    for column in table.columns:
        if column.name in given:
            continue
        default = column.default
        if default is not None and default.is_scalar:
            value = default.arg
        elif default is not None and default.is_callable:
            if not isinstance(column.type, sa.types.TypeDecorator | sa.DateTime):
                raise ValueError(f"{table.name}.{column.name}: callable default, set it")
            value = now
        elif column.nullable or column.primary_key:
            continue
        else:
            raise ValueError(f"{table.name}.{column.name} is NOT NULL and has no default")
        names.append(column.name)
        values.append(value)
    return names, values


class Loader:
    """Write rows into one database; `load()` per table, `finish()` resets sequences."""

    def __init__(self, url: str, metadata: sa.MetaData, now: dt.datetime):
        self.metadata = metadata
        self.now = now
        self.counts: dict[str, int] = {}
        if url.startswith("sqlite"):
            self.dialect = "sqlite"
            self.conn = sqlite3.connect(url.split("///", 1)[1])
            self.conn.execute("PRAGMA synchronous = OFF")
            self.conn.execute("PRAGMA foreign_keys = OFF")
        else:
            import psycopg

            self.dialect = "postgresql"
            self.conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
            self.quiet_triggers = self._feed_triggers()
            for table, trigger in self.quiet_triggers:
                self.conn.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER "{trigger}"')

    def _feed_triggers(self) -> list[tuple[str, str]]:
        """Return the calendar-feed NOTIFY triggers (migration 0024) as (table, trigger).

        Why off while loading: nobody listens to a database being generated, and the
        triggers' transition tables of a million-row COPY cost minutes; they are switched
        on again in `finish()`, so the measured database behaves like production.
        """
        return [tuple(row) for row in self.conn.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgname LIKE 'skm_feed_%' ORDER BY 1, 2")]

    def load(self, table_name: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
        """Append rows (tuples in `columns` order) to a table and return how many."""
        table = self.metadata.tables[table_name]
        extra_names, extra_values = _defaults(table, columns, self.now)
        names = list(columns) + extra_names
        count = 0
        if self.dialect == "postgresql":
            tail = "".join("\t" + _pg_text(v) for v in extra_values) + "\n"
            sql = f'COPY "{table_name}" ({", ".join(names)}) FROM STDIN'
            with self.conn.cursor() as cur, cur.copy(sql) as copy:
                buf: list[str] = []
                for row in rows:
                    buf.append("\t".join(map(_pg_text, row)) + tail)
                    if len(buf) >= CHUNK:
                        copy.write("".join(buf))
                        count += len(buf)
                        buf.clear()
                if buf:
                    copy.write("".join(buf))
                    count += len(buf)
        else:
            tail = tuple(_sqlite_value(v) for v in extra_values)
            marks = ", ".join("?" * len(names))
            sql = f'INSERT INTO "{table_name}" ({", ".join(names)}) VALUES ({marks})'
            batch: list[tuple] = []
            for row in rows:
                batch.append(tuple(map(_sqlite_value, row)) + tail)
                if len(batch) >= CHUNK:
                    self.conn.executemany(sql, batch)
                    count += len(batch)
                    batch.clear()
            if batch:
                self.conn.executemany(sql, batch)
                count += len(batch)
        self.counts[table_name] = self.counts.get(table_name, 0) + count
        return count

    def finish(self) -> None:
        """Commit, move id sequences past the loaded ids, vacuum and refresh planner statistics."""
        if self.dialect == "postgresql":
            with self.conn.cursor() as cur:
                for table, trigger in self.quiet_triggers:
                    cur.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER "{trigger}"')
                for name in self.counts:
                    cur.execute(
                        f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                        f'COALESCE((SELECT max(id) FROM "{name}"), 0) + 1, false)'
                    )
            self.conn.commit()
            self.conn.autocommit = True
            # VACUUM sets the visibility map as autovacuum would in steady state, so the
            # covering indexes give index-only scans right away
            self.conn.execute("VACUUM (ANALYZE)")
        else:
            self.conn.commit()
            self.conn.execute("ANALYZE")
        self.conn.close()


def create_database(url: str) -> None:
    """Drop and recreate the database (PostgreSQL) or file (SQLite), then migrate it."""
    import os

    if url.startswith("sqlite"):
        path = url.split("///", 1)[1]
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
    else:
        import psycopg

        base, _, name = url.replace("postgresql+psycopg://", "postgresql://").rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(BenchConfig)
    with app.app_context():
        upgrade()
        db.engine.dispose()
