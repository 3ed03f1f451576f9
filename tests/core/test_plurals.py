"""Numbers meet nouns only through plural forms; times, decimals and sheet names read right."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from babel.messages.pofile import read_po
from flask_babel import force_locale

from app.i18n import babel_locale
from app.services.reports.exports import _sheet_title

ROOT = Path(__file__).resolve().parents[2]
COUNT = re.compile(r"%\((n|count)\)[sd]")


def _catalog(locale: str):
    with (ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=locale)


def test_no_count_message_without_plural_forms():
    singular = [m.id for m in _catalog("de")
                if m.id and not isinstance(m.id, tuple) and COUNT.search(m.id)]
    assert not singular, f"use ngettext for: {singular}"


# a number placed before a counted noun ("%(hours)s hours"), whatever the placeholder's name
COUNTED = re.compile(r"%\(\w+\)[sd] (hours|days|months|weeks|minutes|meetings|"
                     r"characters|mediators|languages|institutions|assignments|offers|requests)\b")
# the yearly report's sentences count three things at once, which no single plural form
# fits; the case of one assignment has its own message, and a town's year has many
# languages and institutions (app/services/reports/yearly.py)
SEVERAL_COUNTS = ("In %(period)s,", "In the period %(period)s,", "Today %(mediators)s")


def test_no_number_meets_a_noun_without_plural_forms():
    """Any placeholder, not only %(num)s: "%(months)s months" read "1 months" and, in
    Arabic, used the form for 3 to 10 for every number."""
    singular = [m.id for m in _catalog("de") if m.id and not isinstance(m.id, tuple)
                and COUNTED.search(m.id) and not m.id.startswith(SEVERAL_COUNTS)]
    assert not singular, f"use ngettext for: {singular}"


def test_a_fraction_takes_the_plural_form_its_language_gives_it(app):
    expected = {("de", 1): "1 Stunde", ("de", 1.5): "1,5 Stunden", ("de", 0.5): "0,5 Stunden",
                ("en", 0.5): "0.5 hours", ("uk", 1.5): "1,5 години", ("uk", 5): "5 годин",
                ("ru", 21): "21 час", ("ar", 1.5): "1.5 ساعة", ("ar", 4): "4 ساعات"}
    page = app.jinja_env.from_string(  # as qualification.html writes the mediator's hours
        '{{ ngettext("%(num)s hour", "%(num)s hours", plural_count(v), num=v|number) }}')
    for (locale, value), text in expected.items():
        with app.test_request_context(), force_locale(locale):
            assert page.render(v=value) == text, (locale, value)


def test_every_german_plural_form_is_filled():
    plurals = [m for m in _catalog("de") if isinstance(m.id, tuple)]
    assert plurals
    assert not [m.id[0] for m in plurals if not all(m.string)]


def test_one_offer_is_singular(app):
    from flask_babel import ngettext

    with app.test_request_context(), force_locale("de"):
        assert ngettext("%(num)d offer was sent.", "%(num)d offers were sent.", 1) \
            == "1 Angebot wurde verschickt."
        assert ngettext("%(num)d offer was sent.", "%(num)d offers were sent.", 3) \
            == "3 Angebote wurden verschickt."


def test_time_range_has_one_clock_per_language(app):
    start = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)  # 09:00 in Berlin
    timerange = app.jinja_env.filters["timerange"]
    with app.test_request_context():
        with force_locale("de"):
            assert timerange(start, start + dt.timedelta(minutes=90)) \
                == "02.03.2026, 09:00–10:30 Uhr"
        with force_locale(babel_locale("en")):
            assert timerange(start, start + dt.timedelta(minutes=90)) == "2 Mar 2026, 09:00–10:30"


def test_seconds_carry_a_german_decimal_comma(app):
    number = app.jinja_env.filters["number"]
    with app.test_request_context(), force_locale("de"):
        assert number(0.0, "0.0") == "0,0" and number(1.25, "0.0") in ("1,2", "1,3")


def test_sheet_names_are_not_cut_mid_word():
    title = "Einsätze nach Sprache und Einrichtungsart"
    short = _sheet_title(title, set())
    assert len(short) <= 31 and title.startswith(short)
    assert title[len(short)] == " ", short  # ends at a word boundary
    again = _sheet_title(title, {short.lower()})
    assert len(again) <= 31 and again.endswith(" (2)")
