"""Catalog completeness and configuration guards."""

import pytest

from app import create_app
from config import DEFAULT_SECRET, ProductionConfig
from tools.i18n import LOCALES, MEDIATOR_LOCALES, mediator_messages, untranslated


def test_catalogs_are_complete():
    """German and English whole; the five other languages on every message a mediator sees,
    each with all its plural forms (Arabic six) and the placeholders of the source."""
    assert untranslated((*LOCALES, *MEDIATOR_LOCALES)) == []


def test_the_mediator_set_follows_where_a_message_is_used():
    found = mediator_messages()
    assert "templates/booking/mediator/answer.html" in found["Answer an offer"]
    assert "Payout file (CSV)" not in found  # the coordinator's payout page: German, English


def test_production_refuses_default_secret(monkeypatch):
    class Prod(ProductionConfig):
        SECRET_KEY = DEFAULT_SECRET
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Prod)


def test_language_names_follow_ui_locale():
    from app.services.core.languages import language_name

    assert language_name("tir", "de") == "Tigrinja"
    assert language_name("tir", "en") == "Tigrinya"
    assert language_name("kmr", "de") == "Kurmandschi (Nordkurdisch)"
