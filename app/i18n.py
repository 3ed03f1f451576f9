"""The current locale's catalog and labels, looked up once per locale and request (or job).

Why: Flask-Babel resolves the domain, the locale and the locale's identifier string on every
gettext call; the candidate list calls gettext some 150 times and the dashboard shows a
translated status label per row, and that lookup was a tenth of those pages. The memo is
keyed by the locale object itself, so a block under `force_locale` (a mail in the
recipient's language) gets its own catalog and the page's comes back after it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from flask import g, has_app_context
from flask_babel import Domain, get_locale, get_translations

from app.models.enums import Role

# the UI languages, each named in its own language and script (the language switch shows these)
UI_LANGUAGES = {
    "de": "Deutsch",
    "en": "English",
    "ar": "العربية",
    "fa": "فارسی",
    "uk": "Українська",
    "tr": "Türkçe",
    "ru": "Русский",
}
# coordinators and institutions work in German or English; the other five languages cover what
# a mediator or applicant sees (tools/i18n.py, MEDIATOR_SOURCES)
STAFF_LANGUAGES = ("de", "en")
MEDIATOR_ONLY_LANGUAGES = ("ar", "fa", "uk", "tr", "ru")
RIGHT_TO_LEFT = frozenset({"ar", "fa"})
# Babel's plain "en" writes US dates ("12/8/26, 6:00 PM", read as 12 August here); English in
# Germany's public services is British ("8 Dec 2026, 18:00"). The catalog stays "en": gettext
# looks up "en_GB" as "en_GB", then "en".
FORMAT_LOCALES = {"en": "en_GB"}


def babel_locale(language: str | None) -> str:
    """The Babel locale for a UI language: what `force_locale` and the selector hand Babel."""
    language = language if language in UI_LANGUAGES else "de"
    return FORMAT_LOCALES.get(language, language)


def speaking(language: str | None):
    """Render what is inside the block in this UI language (with its formats: en_GB)."""
    from flask_babel import force_locale

    return force_locale(babel_locale(language))


def languages_for(user: Any) -> tuple[str, ...]:
    """The UI languages this user may choose: staff pages exist in German and English only."""
    role = getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None
    return STAFF_LANGUAGES if role in (Role.COORDINATOR, Role.INSTITUTION) else tuple(UI_LANGUAGES)


def ui_language() -> str:
    """The two-letter UI language in force ("en" under the en_GB formats), "de" outside."""
    return current().identifier


class Current(NamedTuple):
    locale: Any  # babel.Locale, or None outside a request
    translations: Any  # babel.support.Translations
    identifier: str  # the UI language: "de", "en", "ar", ... (never "en_GB")
    labels: dict  # (kind, value) -> translated label, filled by app.labels.label


def current() -> Current:
    """Return the catalog of the locale in force, from this request's (or job's) memo.

    Reads the locale Flask-Babel keeps for the request (`g._flask_babel.babel_locale`, which
    `force_locale` swaps) with one lookup; `get_locale()` took three, and a list page asks
    five hundred times. The memo lives beside it, so it ends with the request.
    """
    if not has_app_context():
        locale = get_locale()
        return Current(locale, get_translations(), _language(locale), {})
    state = g.get("_flask_babel")
    locale = getattr(state, "babel_locale", None)
    if locale is None:  # not chosen yet in this request
        locale = get_locale()
        state = g._flask_babel
    memo = getattr(state, "skm_memo", None)
    if memo is None or memo.locale is not locale:
        memo = state.skm_memo = Current(locale, get_translations(), _language(locale), {})
    return memo


def moment(value: Any) -> str:
    """A date with its time in the locale's medium order: "13 Jan 2026, 18:00" (en_GB),
    the same date and a 24-hour or local clock elsewhere; never US "1/13/26, 6:00 PM".

    Babel's "medium" date-time has seconds and "short" a numeric date; the locale's own
    pattern for joining a date and a time keeps each language's order.
    """
    from flask_babel import format_date, format_time

    locale = get_locale()
    joined = str(locale.datetime_formats["medium"]) if locale is not None else "{1}, {0}"
    return joined.replace("{1}", format_date(value, "medium")).replace(
        "{0}", format_time(value, "short"))


def plural_count(value: Any) -> int:
    """The whole number to hand `ngettext` for `value`: gettext picks plural forms by whole
    numbers, CLDR by the number as written ("1 Stunde" but "1,5 Stunden", "0.5 hours").

    A fraction takes the smallest whole number of its CLDR category; where no whole number
    has that category (Russian and Ukrainian fractions), the "few" form they use for it
    ("1,5 години"): n = 2.
    """
    number = float(value)
    if number.is_integer():
        return int(number)
    locale = current().locale
    if locale is None:
        return 2
    category = locale.plural_form(abs(number))
    return next((n for n in range(200) if locale.plural_form(n) == category), 2)


def _language(locale: Any) -> str:
    return getattr(locale, "language", None) or "de"


# --- the pool's reviewed translations over the catalog (app.services.pool.translation_review)

_OVERRIDE_SOURCE: Callable[[str], dict[str, list[str]]] | None = None
_MERGED: dict[str, tuple[Any, Any, Any]] = {}  # language: (catalog, overrides, merged)


class ReviewedDomain(Domain):
    """Flask-Babel's domain, with the reviewed messages of a mediators' language laid over
    the catalog; German and English (and a language nobody reviewed) are the catalog alone."""

    def get_translations(self):
        base = super().get_translations()
        language = _language(get_locale())
        if language not in MEDIATOR_ONLY_LANGUAGES or _OVERRIDE_SOURCE is None:
            return base
        table = _OVERRIDE_SOURCE(language)
        if not table:
            return base
        cached = _MERGED.get(language)
        if cached is not None and cached[0] is base and cached[1] is table:
            return cached[2]
        merged = _merge(base, table)
        _MERGED[language] = (base, table, merged)
        return merged


def _merge(base: Any, table: dict[str, list[str]]) -> Any:
    from babel.support import Translations

    merged = Translations()
    merged.merge(base)
    merged.plural = base.plural
    catalog = merged._catalog  # noqa: SLF001 - gettext's own table, as Translations.merge uses it
    for msgid, forms in table.items():
        if (msgid, 0) in catalog:
            for index, form in enumerate(forms):
                catalog[(msgid, index)] = form
        elif msgid in catalog:
            catalog[msgid] = forms[0]
    return merged


def install_reviews(babel: Any, source: Callable[[str], dict[str, list[str]]]) -> None:
    """Use the reviewed messages from `source(language)` over the catalogs from now on."""
    global _OVERRIDE_SOURCE
    _OVERRIDE_SOURCE = source
    babel.domain_instance = ReviewedDomain(domain="messages")
