"""Count working days as the office does: Monday to Friday, without the state's holidays.

Why its own module: the lead time of a request ("at least three working days") is promised
to institutions, and a Fronleichnam or Allerheiligen in between is no day on which anyone
finds a mediator. The state comes from `HOLIDAY_STATE` (Rheinland-Pfalz by default); the
holiday names come from the `holidays` package in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from flask import current_app
from flask_babel import format_date

from app.i18n import ui_language
from app.timeutil import today_local

_LANGUAGES = {"de": "de", "en": "en_US"}


@lru_cache(maxsize=64)
def _calendar(state: str, year: int, language: str) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("DE", subdiv=state or None, years=year,
                                          language=language))


def public_holidays(first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """Return the state's public holidays from `first` to `last` (both included), named."""
    state = current_app.config["HOLIDAY_STATE"]
    language = _LANGUAGES.get(ui_language()[:2], "de")
    found: dict[dt.date, str] = {}
    for year in range(first.year, last.year + 1):
        for day, name in _calendar(state, year, language).items():
            if first <= day <= last:
                found[day] = name
    return dict(sorted(found.items()))


def skipped_holidays(day: dt.date, today: dt.date | None = None) -> dict[dt.date, str]:
    """Return the holidays on weekdays after today up to `day`: the days the count skips."""
    today = today or today_local()
    if day <= today:
        return {}
    return {d: name for d, name in public_holidays(today + dt.timedelta(days=1), day).items()
            if d.weekday() < 5}


def working_days_until(day: dt.date, today: dt.date | None = None) -> int:
    """Count the working days after today up to and including `day`."""
    today = today or today_local()
    if day <= today:
        return 0
    weekdays = sum((today + dt.timedelta(days=i)).weekday() < 5
                   for i in range(1, (day - today).days + 1))
    return weekdays - len(skipped_holidays(day, today))


def lead_deadline(lead_days: int, today: dt.date | None = None) -> dt.date:
    """Return the first day that is `lead_days` working days away (not urgent from then on)."""
    today = today or today_local()
    day = today
    while working_days_until(day, today) < lead_days:
        day += dt.timedelta(days=1)
    return day


def holiday_text(found: dict[dt.date, str]) -> str:
    """Name skipped holidays for a message: "Fronleichnam (27.05.2027)"."""
    return ", ".join(f"{name} ({format_date(day, 'dd.MM.yyyy')})" for day, name in found.items())
