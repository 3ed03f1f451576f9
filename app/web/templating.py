"""Jinja filters and globals: local time, language names, labels."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import Flask, has_request_context, request, url_for
from flask_babel import (
    format_currency,
    format_date,
    format_datetime,
    format_decimal,
    format_time,
)
from markupsafe import Markup

from app.i18n import RIGHT_TO_LEFT, UI_LANGUAGES, current, languages_for, moment, plural_count
from app.labels import label
from app.models.enums import VOCABULARY
from app.services.core.languages import endonym, language_name
from app.services.pool import bank
from app.timeutil import to_local
from app.web.day_groups import day_groups
from app.web.markup import button, thead
from app.web.navigation import NAV_ITEMS

# the settings a town replaces (config.py, docs/ui.md); templates read them as town.<lowercase>
TOWN_SETTINGS = (
    "TOWN_NAME", "OFFICE_NAME", "OFFICE_EMAIL", "OFFICE_PHONE", "OFFICE_ADDRESS", "LOGO_FILE",
    "IMPRINT_REPRESENTATIVE", "IMPRINT_CONTENT_RESPONSIBLE", "IMPRINT_SUPERVISORY_AUTHORITY",
    "IMPRINT_VAT_ID", "PRIVACY_CONTACT", "PRIVACY_AUTHORITY", "ARBITRATION_BODY_NAME",
    "ARBITRATION_BODY_URL",
)


# status value -> KERN badge colour; anything not listed is neutral information. The coded
# values that have an enum carry their tone (app/models/enums.py); the rest are listed here
BADGE_TONES = {value: tone for enum in VOCABULARY for value, tone in enum.tones().items()} | {
    "yes": "success", "exported": "success", "paid": "success",
    "no": "danger", "overdue": "danger", "late": "danger", "override": "danger",
    "reason_missing": "warning", "urgent": "warning", "maybe": "warning", "draft": "warning",
    "open": "warning",
}
_BADGE = Markup('<span class="kern-badge kern-badge--{} badge-{}">'
                '<span class="kern-label">{}</span></span>')


def badge(kind: str, value, text: str | None = None) -> Markup:
    """Render a coded value as a KERN badge in its colour, labelled in the UI language.

    A function, not a Jinja macro: list pages show one or more per row, and each macro call
    cost about five times a function call (a fifth of the dashboard's template time).
    """
    return _BADGE.format(BADGE_TONES.get(str(value), "info"), value, text or label(kind, value))


def _locale() -> str:
    return current().identifier


def _install_gettext(app: Flask) -> None:
    """Give Jinja's i18n extension the memoised catalog (`app.i18n`: as Flask-Babel does,
    minus the per-call lookup); autoescaping and %-formatting stay the extension's."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: current().translations.ugettext(s),
        ngettext=lambda s, p, n: current().translations.ungettext(s, p, n),
        pgettext=lambda c, s: current().translations.upgettext(c, s),
        npgettext=lambda c, s, p, n: current().translations.unpgettext(c, s, p, n),
        newstyle=True,
    )


def register_templating(app: Flask) -> None:
    """Register the filters every template relies on."""
    _install_gettext(app)

    @app.template_filter("localdt")
    def localdt(value: dt.datetime | None, fmt: str = "short") -> str:
        if value is None:
            return ""
        if _locale() == "de" and fmt == "short":
            # the German short form is fixed: strftime is ~20x cheaper than Babel, and list
            # pages show a few hundred dates
            aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)  # naive means UTC
            return to_local(aware).strftime("%d.%m.%Y, %H:%M Uhr")
        return moment(value) if fmt == "short" else format_datetime(value, fmt)

    @app.template_filter("localdate")
    def localdate(value: dt.date | dt.datetime | None, fmt: str = "medium") -> str:
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            return format_datetime(value, "dd.MM.yyyy" if _locale() == "de" else "medium")
        return format_date(value, "dd.MM.yyyy" if _locale() == "de" and fmt == "medium" else fmt)

    @app.template_filter("number")
    def number(value, fmt: str | None = None) -> str:
        """Format a number in the UI language (de: 1.234,5; fmt a CLDR pattern like "0.0")."""
        return format_decimal(value, fmt) if value is not None else ""

    @app.template_filter("timerange")
    def timerange(start: dt.datetime | None, end: dt.datetime | None) -> str:
        """Format a span on one day: de "01.03.2026, 09:00–10:30 Uhr",
        en "1 Mar 2026, 09:00–10:30"."""
        if start is None or end is None:
            return localdt(start or end)
        if _locale() == "de":
            return (f"{format_datetime(start, 'dd.MM.yyyy, HH:mm')}"
                    f"–{format_datetime(end, 'HH:mm')} Uhr")
        return f"{moment(start)}–{format_time(end, 'short')}"

    @app.template_filter("money")
    def money(cents: int | None) -> str:
        """Format integer cents as a currency amount in the UI language (de: 1.234,50 €)."""
        return format_currency(Decimal(cents or 0) / 100, "EUR")

    @app.template_filter("iban_masked")
    def iban_masked(iban: str | None) -> str:
        """Show an IBAN in a list without revealing it (DE89 •••• •••• •••• 3000)."""
        return bank.mask(iban or "")

    @app.template_filter("language")
    def language(code: str) -> str:
        return language_name(code, _locale())

    @app.template_filter("endonym")
    def own_name(code: str) -> str:
        """The language's own name when it differs from the UI's name for it, else ""."""
        own = endonym(code)
        return own if own and own.casefold() != language_name(code, _locale()).casefold() else ""

    @app.template_global("label")
    def label_global(kind: str, value) -> str:
        return label(kind, value)

    app.add_template_global(day_groups, "day_groups")
    app.add_template_global(badge, "badge")
    app.add_template_global(button, "button")
    app.add_template_global(thead, "thead")
    app.add_template_global(plural_count, "plural_count")
    # templates compare with the members: {% if a.status == AssignmentStatus.CANCELLED %}
    app.jinja_env.globals.update({enum.__name__: enum for enum in VOCABULARY})

    @app.template_global("url_with")
    def url_with(**changes) -> str:
        """Return the current URL with some query arguments replaced (for pagination)."""
        args = request.args.to_dict()
        args.update(dict(changes.items()))
        return url_for(request.endpoint, **(request.view_args or {}), **args)

    @app.context_processor
    def inject_locale() -> dict:
        """The UI language, its writing direction and the languages the switch offers."""
        from flask_login import current_user

        language = _locale()
        return {"current_locale": language, "nav_items": NAV_ITEMS,
                "text_direction": "rtl" if language in RIGHT_TO_LEFT else "ltr",
                "ui_languages": [(code, UI_LANGUAGES[code])
                                 for code in languages_for(current_user)]}

    @app.context_processor
    def inject_page() -> dict:
        """Where the page is, so templates never read `request`: the endpoint marks the
        current menu entry, `current_path` brings a GET page back after the language switch."""
        if not has_request_context():
            return {"current_endpoint": None, "current_path": ""}
        return {"current_endpoint": request.endpoint,
                "current_path": request.full_path if request.method == "GET" else ""}

    @app.context_processor
    def inject_town() -> dict:
        """Give every page the town's identity (header, footer, legal pages) from the config."""
        return {"town": {key.lower(): app.config[key] for key in TOWN_SETTINGS}}
