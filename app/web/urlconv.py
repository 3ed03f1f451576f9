"""URL converters that keep path values inside what the database can store.

Why: werkzeug's `int` converter accepts any length of digits, so `/requests/99999999999`
reached the database and failed there (SQLite OverflowError, PostgreSQL "integer out of
range") with a 500/503 instead of a plain 404.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from app.services.core.bounds import INT32_MAX  # ids are INTEGER columns on PostgreSQL


class BoundedIntConverter(IntegerConverter):
    """An `int` converter whose values fit a 32-bit database integer (else: 404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min,
                         max=INT32_MAX if max is None else max, signed=signed)


def register_converters(app: Flask) -> None:
    """Replace the `int` converter; call before any blueprint is registered."""
    app.url_map.converters["int"] = BoundedIntConverter
