"""The UI language: the account's, else the browser's, else German; the mediators' side in
seven languages, right to left in Arabic and Persian; staff pages in German and English only
(app/i18n.py, app/__init__.py select_locale)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_token

HTML = re.compile(r'<html lang="(\w+)" dir="(\w+)">')


def _html(client, path: str, **headers) -> tuple[str, str]:
    return HTML.search(client.get(path, headers=headers).get_data(as_text=True)).groups()


@pytest.mark.parametrize(("browser", "expected"), [
    ("ar", ("ar", "rtl")), ("fa-IR,fa;q=0.9", ("fa", "rtl")), ("uk", ("uk", "ltr")),
    ("tr-TR", ("tr", "ltr")), ("ru", ("ru", "ltr")), ("en-GB", ("en", "ltr")),
    ("ti", ("de", "ltr")),  # no catalog: German
])
def test_the_login_page_speaks_the_browsers_language(client, browser, expected):
    assert _html(client, "/auth/login", **{"Accept-Language": browser}) == expected


def test_the_switch_names_each_language_in_its_own_script(client):
    html = client.get("/auth/login").get_data(as_text=True)
    for name in ("Deutsch", "English", "العربية", "فارسی", "Українська", "Türkçe", "Русский"):
        assert f"<span class=\"kern-label\">{name}</span>" in html


def test_a_mediator_chooses_arabic_and_keeps_it(client, make_user, make_mediator, login):
    user = make_user("mediator", mediator=make_mediator())
    login(user)
    token = csrf_token(client, "/")
    assert client.post("/language/ar", data={"csrf_token": token}).status_code == 302
    assert _html(client, "/") == ("ar", "rtl")
    from app.extensions import db
    from app.models import User

    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "ar"  # e-mails follow it


def test_staff_pages_stay_german_or_english(client, make_user, login):
    coordinator = make_user("coordinator")
    login(coordinator)
    assert _html(client, "/", **{"Accept-Language": "ar"}) == ("de", "ltr")
    token = csrf_token(client, "/")
    assert client.post("/language/ar", data={"csrf_token": token}).status_code == 404
    html = client.get("/").get_data(as_text=True)
    assert "العربية" not in html and 'lang="en"' in html  # the switch offers English only


def test_the_apps_css_mirrors_right_to_left():
    """Only logical properties (margin-inline-start, inset-inline-end, text-align: start):
    a physical "left" or "right" would stay put when Arabic or Persian turns the page."""
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static/css/app.css").read_text()
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    physical = re.findall(r"[\w-]*\b(?:left|right)\b[\w-]*\s*:|:\s*(?:left|right)\b", css)
    assert physical == []


def test_language_names_in_the_readers_language_with_the_endonym(client, make_user,
                                                                  make_mediator, login):
    mediator = make_mediator()  # speaks Tigrinya (tir)
    assert "tir" in {lang.code for lang in mediator.languages}
    login(make_user("mediator", mediator=mediator, locale="uk"))
    html = client.get("/me/languages").get_data(as_text=True)
    assert "тигринья (<bdi>ትግርኛ</bdi>)" in html  # CLDR's Ukrainian name, then Tigrinya's own
    assert "Tigrinja" not in html  # the office's German name is for German pages
