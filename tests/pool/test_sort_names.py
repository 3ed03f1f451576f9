"""Lists of people and institutions are in German order (DIN 5007-1), paged by the database.

Runs on SQLite and (with SKM_TEST_POSTGRES_URL) on PostgreSQL. Ordered by last name as
stored, SQLite put "Özdemir" and "de Vries" after "Zander", and PostgreSQL followed the
database's locale; the stored key `sort_name` (app.textfold.sort_name) sorts the same on
both, byte by byte (COLLATE "C" on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AllowanceStatement, Institution, Mediator
from app.services.allowances import payout
from app.services.booking import intake
from app.services.pool import institutions, mediators
from app.textfold import sort_name

# (last name, first name), in the order a German reader expects
PEOPLE = [("Ahmadi", "Nasrin"), ("Berg", "Zoe"), ("Bergmann", "Anna"), ("De", "Jan"),
          ("de Vries", "Maria"), ("Devries", "Bram"), ("Özdemir", "Ayşe"), ("Ulrich", "Tom"),
          ("Ünal", "Emre"), ("Zander", "Lea")]
PLACES = ["Amt für Soziales", "de Vries Stiftung", "Grundschule Straße 3",
          "Grundschule Strasse 4", "Kita „Regenbogen“", "Özgür e.V.", "Überseeschule",
          "Ulmenschule", "Zwergenland"]


def _shuffled(items: list) -> list:
    return items[1::2][::-1] + items[::2]


def _listed(client, path: str) -> list[str]:
    """The names a list page links to, top to bottom."""
    page = client.get(path).get_data(as_text=True)
    return [html.unescape(n) for n in re.findall(r'href="/[a-z/]+/\d+">([^<]+)</a>', page)]


def test_the_key_orders_byte_by_byte_as_din_5007_1():
    keys = [sort_name(last, first) for last, first in _shuffled(PEOPLE)]
    assert sorted(keys) == [sort_name(last, first) for last, first in PEOPLE]
    assert sort_name("Straße") == sort_name("STRASSE") == sort_name("Strasse") == "strasse"
    assert sort_name("Łukasiewicz", "Małgorzata") == "lukasiewicz\tmalgorzata"
    assert sort_name("„Regenbogen“ e.V.") == "regenbogen e v"
    assert len(sort_name("x" * 300)) == 200  # the column's length: cut, not refused


def test_the_mediator_list_is_in_german_order_across_pages(app, client, coordinator,
                                                           make_mediator, monkeypatch):
    for last, first in _shuffled(PEOPLE):
        make_mediator(last_name=last, first_name=first)
    db.session.commit()
    listed = [m.last_name for m in db.session.scalars(mediators.search_query())]
    assert listed == [last for last, _first in PEOPLE]

    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 4)
    pages = [_listed(client, f"/pool/mediators?page={n}") for n in (1, 2, 3)]
    assert pages == [[f"{last}, {first}" for last, first in PEOPLE[i:i + 4]]
                     for i in (0, 4, 8)]


def test_the_institution_lists_are_in_german_order(app, client, coordinator, make_institution,
                                                   monkeypatch):
    for name in _shuffled(PLACES):
        make_institution(name=name)
    db.session.commit()
    assert [i.name for i in db.session.scalars(institutions.search_query())] == PLACES
    assert [name for _id, name in intake.institution_choices()] == PLACES

    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 5)
    pages = [_listed(client, f"/coordination/institutions?page={n}") for n in (1, 2)]
    assert pages == [PLACES[:5], PLACES[5:]]


def test_the_key_follows_an_edit(app, make_mediator, make_institution):
    mediator = make_mediator(last_name="Zander", first_name="Lea")
    institution = make_institution(name="Zwergenland")
    db.session.commit()
    mediator.last_name = "Özdemir"
    institution.name = "Überseeschule"
    db.session.commit()
    assert db.session.scalar(sa.select(Mediator.sort_name)) == "ozdemir\tlea"
    assert db.session.scalar(sa.select(Institution.sort_name)) == "uberseeschule"


def test_the_payout_file_lists_payees_in_german_order(app):
    """The payee names frozen at export (the account holder's), first name first."""
    payees = ["Ahmad Nasiri", "bram devries", "Élodie Martin", "Özlem Kaya", "Ulla Roth",
              "Ümit Arslan", "Zoe Berg"]
    exported = dt.datetime(2026, 4, 1, 9, tzinfo=dt.UTC)
    for name in sorted(payees, key=str.encode):  # the order of before: bytes
        db.session.add(AllowanceStatement(year=2026, month=3, payee_name=name,
                                          exported_at=exported, export_batch="B1"))
    db.session.commit()
    assert [s.payee_name for s in payout.exported_statements(2026, 3, "B1")] == payees


def test_postgresql_compares_the_key_byte_by_byte(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite compares text byte by byte anyway")
    collations = db.session.execute(sa.text(
        "SELECT table_name, collation_name FROM information_schema.columns "
        "WHERE column_name = 'sort_name' ORDER BY table_name")).all()
    assert [tuple(row) for row in collations] == [("institution", "C"), ("mediator", "C")]
