"""Names, places and institutions are found with and without accents, in any case.

Runs on SQLite and (with SKM_TEST_POSTGRES_URL) on PostgreSQL: the folded `search_key`
is compared with a plain LIKE on both.
"""

from __future__ import annotations

import pytest

from app.extensions import db
from app.services.pool import institutions, mediators

NAMES = [
    ("Ayşe", "Şahin"),          # Turkish: ş, and the dotless ı below
    ("Mehmet", "Çelik"),
    ("Yıldız", "Öztürk"),
    ("ʿAbd al-Raḥmān", "Al-Saʿdī"),  # Arabic, scholarly transliteration
    ("Małgorzata", "Łukasiewicz"),   # Polish: ł is not decomposed by NFKD
    ("Jürgen", "Großmann"),          # German: ß
]


def _found(text: str) -> set[str]:
    return {m.last_name for m in db.session.scalars(mediators.search_query(text=text))}


@pytest.mark.parametrize(("typed", "expected"), [
    ("Şahin", "Şahin"), ("sahin", "Şahin"), ("ŞAHİN", "Şahin"), ("SAHIN", "Şahin"),
    ("Çelik", "Çelik"), ("celik", "Çelik"),
    ("yildiz", "Öztürk"), ("Yıldız", "Öztürk"), ("ozturk", "Öztürk"),
    ("abd al-rahman", "Al-Saʿdī"), ("al-sadi", "Al-Saʿdī"), ("Al-Saʿdī", "Al-Saʿdī"),
    ("lukasiewicz", "Łukasiewicz"), ("ŁUKASIEWICZ", "Łukasiewicz"), ("malgorzata", "Łukasiewicz"),
    ("grossmann", "Großmann"), ("Großmann", "Großmann"), ("jurgen", "Großmann"),
])
def test_mediators_are_found_with_and_without_diacritics(app, make_mediator, typed, expected):
    for first, last in NAMES:
        make_mediator(first_name=first, last_name=last)
    db.session.commit()
    assert _found(typed) == {expected}


def test_search_key_follows_an_edit_and_an_erasure(app, make_mediator):
    mediator = make_mediator(first_name="Ayşe", last_name="Şahin", notes="spricht Türkçe")
    db.session.commit()
    assert _found("turkce") == {"Şahin"}
    mediator.last_name = "Kılıç"
    db.session.commit()
    assert _found("kilic") == {"Kılıç"} and _found("sahin") == set()


def test_wildcards_typed_are_literal(app, make_mediator):
    make_mediator(first_name="Anna", last_name="Nowak")
    db.session.commit()
    assert _found("%") == set() and _found("_") == set()


def test_institutions_are_found_by_name_and_place_without_accents(
        client, login, make_user, make_institution):
    make_institution(name="Grundschule Łąkowa", street="Fröbelstraße 3", city="Mühlheim")
    make_institution(name="Kita Sonnenschein", street="Am Markt 1", city="Mainz")
    login(make_user("coordinator"))

    def names(text: str) -> set[str]:
        return {i.name for i in db.session.scalars(institutions.search_query(text=text))}

    assert names("lakowa") == {"Grundschule Łąkowa"}
    assert names("FROBELSTRASSE") == {"Grundschule Łąkowa"}
    assert names("muhlheim") == {"Grundschule Łąkowa"}
    html = client.get("/coordination/institutions?q=%C5%81%C4%85kowa").get_data(as_text=True)
    assert "Grundschule Łąkowa" in html and "Kita Sonnenschein" not in html


def test_the_mediator_list_page_finds_a_turkish_name_typed_with_its_letters(
        client, login, make_user, make_mediator):
    make_mediator(first_name="Ayşe", last_name="Şahin")
    make_mediator(first_name="Anna", last_name="Nowak")
    login(make_user("coordinator"))
    html = client.get("/pool/mediators?q=%C5%9Eahin").get_data(as_text=True)  # "Şahin"
    assert "Şahin" in html and "Nowak" not in html
