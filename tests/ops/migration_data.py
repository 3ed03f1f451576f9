"""Rows in every table at any revision, and snapshots of every table's primary keys.

The migration tests fill the schema *as it is at a revision* (reflected with `sa.inspect`,
never the models of today), so a migration that rebuilds or drops a table meets real rows.
Values are generic: each column gets a plausible value of its type; a value a CHECK
constraint names (an `IN` list, a lower bound) is read from the reflected constraint; foreign
keys point at the row just inserted into the referenced table, so every parent has children.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import itertools
import re
import uuid
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from tests.scratch import PG_URL, pg_databases

SKIP = {"alembic_version"}
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
BASE_TIME = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
LETTERS = "abcdefghijklmnopqrstuvwxyz"


@contextlib.contextmanager
def scratch_database(tmp_path, prefix: str = "skm_mig"):
    """Yield the URL of a new, empty database of the dialect this run tests (dropped after)."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / f'{prefix}_{uuid.uuid4().hex[:6]}.sqlite'}"
        return
    with pg_databases(prefix) as [url]:
        yield url


@contextlib.contextmanager
def app_on(url: str):
    """Push the context of an app bound to `url`; its pooled connections are closed after."""
    from app import create_app
    from app.extensions import db
    from config import TestingConfig

    app = create_app(type("Config", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def revision_chain() -> list[str]:
    """Return the revisions from the first to the head (the file names do not sort so)."""
    script = ScriptDirectory(str(MIGRATIONS))
    return [s.revision for s in reversed(list(script.walk_revisions()))]


def snapshot(engine: sa.Engine) -> dict[str, list[tuple]]:
    """Return every table's primary keys, sorted: what must survive each migration step."""
    inspector = sa.inspect(engine)
    result = {}
    with engine.connect() as conn:
        for name in sorted(set(inspector.get_table_names()) - SKIP):
            pk = inspector.get_pk_constraint(name)["constrained_columns"]
            cols = ", ".join(f'"{c}"' for c in pk)
            rows = conn.exec_driver_sql(f'SELECT {cols} FROM "{name}" ORDER BY {cols}').all()
            result[name] = [tuple(r) for r in rows]
    return result


def lost_rows(before: dict, after: dict, exact: bool = False) -> dict[str, list]:
    """Name the ids of `before` that `after` lacks (and, if `exact`, the ones it added)."""
    problems = {}
    for table, ids in before.items():
        if table not in after:
            problems[table] = ["table is gone"]
            continue
        missing = sorted(set(ids) - set(after[table]))
        extra = sorted(set(after[table]) - set(ids)) if exact else []
        if missing or extra or (exact and len(ids) != len(after[table])):
            problems[table] = [f"{len(ids)} rows before, {len(after[table])} after",
                               f"missing {missing[:10]}", *([f"added {extra[:10]}"] * bool(extra))]
    return problems


class Filler:
    """Insert one row into every table of the schema as it is now (call once per revision)."""

    def __init__(self) -> None:
        self.counter = itertools.count(1)

    def fill(self, engine: sa.Engine) -> None:
        meta = sa.MetaData()
        meta.reflect(engine)
        tables = [t for t in sa.schema.sort_tables(
            meta.tables.values(), skip_fn=lambda fk: fk.parent.table is fk.column.table)
            if t.name not in SKIP]
        checks = {t.name: [c["sqltext"] for c in sa.inspect(engine).get_check_constraints(t.name)]
                  for t in tables}
        with engine.begin() as conn:
            parents: dict[str, dict] = {}
            for table in tables:
                n = next(self.counter)
                row = {col.name: self._value(table, col, n, checks[table.name], parents)
                       for col in table.columns if not self._generated(table, col)}
                result = conn.execute(sa.insert(table).values(row).returning(*table.primary_key))
                parents[table.name] = dict(zip(table.primary_key.columns.keys(), result.one(),
                                               strict=True))

    @staticmethod
    def _generated(table: sa.Table, col: sa.Column) -> bool:
        return (col.primary_key and len(table.primary_key) == 1
                and isinstance(col.type, sa.Integer))

    def _value(self, table, col, n, checks, parents):
        for fk in col.foreign_keys:
            target = parents.get(fk.column.table.name)
            if target is not None:
                return target[fk.column.name]
            if col.nullable:
                return None
        related = [c for c in checks if re.search(rf"\b{col.name}\b", c)]
        unique = self._unique(table, col)
        kind = col.type
        if isinstance(kind, sa.Boolean):
            return False
        if isinstance(kind, sa.Integer):
            return 2000 + n if unique else _lower_bound(col.name, related, default=1)
        if isinstance(kind, sa.Numeric):
            return decimal.Decimal("1.5")
        if isinstance(kind, sa.DateTime):
            return BASE_TIME + (dt.timedelta(hours=1) if _is_end(col.name) else dt.timedelta())
        if isinstance(kind, sa.Date):
            return BASE_TIME.date() + dt.timedelta(days=int(_is_end(col.name)))
        if isinstance(kind, sa.Time):
            return dt.time(10 if _is_end(col.name) else 9)
        if isinstance(kind, sa.String | sa.Text):
            return _text(col, n, related)
        if isinstance(kind, sa.JSON):
            return [f"{col.name} {n}"]
        raise AssertionError(f"no value for {table.name}.{col.name} of type {kind!r}")

    @staticmethod
    def _unique(table: sa.Table, col: sa.Column) -> bool:
        groups = [c.columns for c in table.constraints if isinstance(c, sa.UniqueConstraint)]
        groups += [ix.columns for ix in table.indexes if ix.unique]
        return any(list(g.keys()) == [col.name] for g in groups)


def _is_end(name: str) -> bool:
    return name.startswith("end")


def _lower_bound(name: str, checks: list[str], default: int) -> int:
    """Read `name >= N`, `name > N` or `name BETWEEN N AND M` from a CHECK (either dialect)."""
    for text in checks:
        match = re.search(rf"\b{name}\)?\s*(>=|>|BETWEEN)\s*\(?(-?\d+)", text, re.IGNORECASE)
        if match:
            operator, low = match.group(1).upper(), int(match.group(2))
            return low + 1 if operator == ">" else max(low, default) if operator == ">=" else low
    return default


def _text(col: sa.Column, n: int, checks: list[str]) -> str:
    listed = [c for c in checks if re.search(r"\bIN\s*\(|ANY\s*\(", c, re.IGNORECASE)]
    for text in listed:
        literals = [v for v in re.findall(r"'([^']*)'", text) if v]
        if literals:
            return literals[0]
    length = getattr(col.type, "length", None) or 200
    if "email" in col.name or col.name == "recipient":
        return f"user{n}@example.org"
    if length <= 3:
        return "q" + LETTERS[n // 26 % 26] + LETTERS[n % 26]  # ISO 639 private-use range
    value = f"{col.name[:8]}-{n}".lower()
    return value[-length:]
