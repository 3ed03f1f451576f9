"""Migration 0034 gives every existing mediator and institution its German sort key.

Runs on SQLite and, with SKM_TEST_POSTGRES_URL, on PostgreSQL: a database at 0033 with
rows (more than two of the migration's batches) is upgraded; each row's `sort_name` must be
the key the app writes today, and the database must list the names in DIN 5007-1 order.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from app.textfold import sort_name
from tests.ops.migration_data import Filler, app_on, scratch_database

PEOPLE = [("Ahmadi", "Nasrin"), ("Berg", "Zoe"), ("Bergmann", "Anna"), ("de Vries", "Maria"),
          ("Großmann", "Jürgen"), ("Özdemir", "Ayşe"), ("Ulrich", "Tom"), ("Ünal", "Emre"),
          ("Zander", "Lea")]
PLACES = ["Amt für Soziales", "de Vries Stiftung", "Kita „Regenbogen“", "Özgür e.V.",
          "Überseeschule", "Ulmenschule", "Zwergenland"]
BULK = 1100  # the migration fills 500 rows at a time


def _copies(conn, table: sa.Table, changes: list[dict]) -> list[dict]:
    """Rows like the one the filler put into `table`, with the given values changed."""
    template = dict(conn.execute(sa.select(table)).mappings().one())
    template.pop("id")
    return [{**template, **change} for change in changes]


def _insert_rows(engine: sa.Engine) -> None:
    meta = sa.MetaData()
    meta.reflect(engine, only=["mediator", "institution"])
    mediator, institution = meta.tables["mediator"], meta.tables["institution"]
    people = [{"last_name": last, "first_name": first} for last, first in reversed(PEOPLE)]
    people += [{"last_name": f"Name {i:04d}", "first_name": "Öl"} for i in range(BULK)]
    with engine.begin() as conn:
        conn.execute(mediator.insert(), _copies(conn, mediator, people))
        conn.execute(institution.insert(), _copies(
            conn, institution, [{"name": name} for name in reversed(PLACES)]))


def test_0034_fills_the_sort_key_of_every_existing_row(tmp_path):
    with scratch_database(tmp_path) as url, app_on(url):
        upgrade(revision="0033")
        Filler().fill(db.engine)
        _insert_rows(db.engine)
        upgrade(revision="0034")

        with db.engine.connect() as conn:
            people = conn.execute(sa.text(
                "SELECT last_name, first_name, sort_name FROM mediator")).all()
            places = conn.execute(sa.text("SELECT name, sort_name FROM institution")).all()
            listed = conn.scalars(sa.text(
                "SELECT last_name FROM mediator WHERE first_name <> 'Öl' "
                "AND last_name NOT LIKE 'last_nam%' ORDER BY sort_name, id")).all()
            listed_places = conn.scalars(sa.text(
                "SELECT name FROM institution WHERE name NOT LIKE 'name-%' "
                "ORDER BY sort_name, id")).all()
        assert len(people) == len(PEOPLE) + BULK + 1
        assert {(last, first): key for last, first, key in people if first == "Öl"} == {
            (f"Name {i:04d}", "Öl"): f"name {i:04d}\tol" for i in range(BULK)}
        # the key the app writes (app.textfold.sort_name): if that function changes, the
        # stored keys of every row must be rebuilt by a new migration, or lists mix orders
        assert all(key == sort_name(last, first) for last, first, key in people)
        assert all(key == sort_name(name) for name, key in places)
        assert {last: key for last, _first, key in people}["Großmann"] == "grossmann\tjurgen"
        assert listed == [last for last, _first in PEOPLE]
        assert listed_places == PLACES

        inspector = sa.inspect(db.engine)
        for table in ("mediator", "institution"):
            indexes = {ix["name"]: ix["column_names"] for ix in inspector.get_indexes(table)}
            assert indexes[f"ix_{table}_sort_name"] == ["sort_name", "id"]
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                collations = set(conn.execute(sa.text(
                    "SELECT table_name, collation_name FROM information_schema.columns "
                    "WHERE column_name = 'sort_name'")).all())
            assert collations == {("mediator", "C"), ("institution", "C")}

        downgrade(revision="0033")
        columns = {c["name"] for c in sa.inspect(db.engine).get_columns("mediator")}
        assert "sort_name" not in columns
