"""The current locale's catalog and labels, looked up once per locale and request (or job).

Why: Flask-Babel resolves the domain, the locale and the locale's identifier string on every
gettext call; the candidate list calls gettext some 150 times and the dashboard shows a
translated status label per row, and that lookup was a tenth of those pages. The memo is
keyed by the locale object itself, so a block under `force_locale` (a mail in the
recipient's language) gets its own catalog and the page's comes back after it.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from flask import g, has_app_context
from flask_babel import get_locale, get_translations


class Current(NamedTuple):
    locale: Any  # babel.Locale, or None outside a request
    translations: Any  # babel.support.Translations
    identifier: str  # "de", "en"
    labels: dict  # (kind, value) -> translated label, filled by app.labels.label


def current() -> Current:
    """Return the catalog of the locale in force, from this request's (or job's) memo.

    Reads the locale Flask-Babel keeps for the request (`g._flask_babel.babel_locale`, which
    `force_locale` swaps) with one lookup; `get_locale()` took three, and a list page asks
    five hundred times. The memo lives beside it, so it ends with the request.
    """
    if not has_app_context():
        locale = get_locale()
        return Current(locale, get_translations(), str(locale or "de"), {})
    state = g.get("_flask_babel")
    locale = getattr(state, "babel_locale", None)
    if locale is None:  # not chosen yet in this request
        locale = get_locale()
        state = g._flask_babel
    memo = getattr(state, "skm_memo", None)
    if memo is None or memo.locale is not locale:
        memo = state.skm_memo = Current(locale, get_translations(), str(locale or "de"), {})
    return memo
