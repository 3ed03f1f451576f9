"""Catalog completeness and configuration guards."""

import pytest

from app import create_app
from config import DEFAULT_SECRET, ProductionConfig
from tools.i18n import untranslated


def test_catalogs_are_complete():
    assert untranslated() == []


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
