"""Clean every query and form value once, where werkzeug parses the request.

Why here and not in each form: a NUL byte in a search box reached PostgreSQL (which refuses it,
so the page failed), and not every parameter goes through a form (`page`, `show`, `next`, the
RSVP answer). The request class below drops control characters (NUL, ESC, C1, the bidi
overrides) from every name and value of `request.args` and `request.form` before any view or
form sees them; tabs and line breaks stay, because text areas need them (a browser never sends
one in a single-line field). Redirect targets refuse line breaks (app/web/redirects.py); values
that reach a header or a file name have their own sanitiser there.
"""

from __future__ import annotations

from flask import Flask
from flask import Request as FlaskRequest
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

from app.services.core.bounds import parse_id, strip_controls


def _clean(value):
    return strip_controls(value) if isinstance(value, str) else value  # files stay untouched


class CleanMultiDict(ImmutableMultiDict):
    """An immutable multi-dict whose string keys and values carry no control characters."""

    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
            return
        if isinstance(mapping, MultiDict):
            pairs = mapping.items(multi=True)
        elif isinstance(mapping, dict):
            pairs = ((k, v) for k, vs in mapping.items()
                     for v in (vs if isinstance(vs, list | tuple) else [vs]))
        else:
            pairs = mapping
        super().__init__([(_clean(k), _clean(v)) for k, v in pairs])


class CleanRequest(FlaskRequest):
    """Flask's request with cleaned `args` and `form` (see the module docstring)."""

    parameter_storage_class = CleanMultiDict


def ids_from(values) -> set[int]:
    """Read ids a view takes without a form (checkbox lists): ASCII digits within INTEGER.

    Why not `int(v) for v if v.isdigit()`: isdigit() accepts "²", which int() refuses, and a
    20-digit id overflowed the database; both are simply not ids of anything.
    """
    return {i for i in map(parse_id, values) if i is not None}


def register_input(app: Flask) -> None:
    """Make every request of the app parse its parameters with CleanRequest."""
    app.request_class = CleanRequest
