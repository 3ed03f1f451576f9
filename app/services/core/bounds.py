"""Keep typed values inside what the app and its databases can hold: dates, integers, text.

Why one module: a day like 9999-12-31 was accepted and then broke every page that adds an hour
or a week to it; 0001-01-01 broke the conversion to UTC; an id beyond INTEGER failed in the
driver; a NUL byte is refused by PostgreSQL. Forms (app/web/forms.py), the request parser
(app/web/input.py) and the services that accept dates all ask these functions, so a bound
lives in one place and a service called from the CLI or a job is as safe as a form.
"""

from __future__ import annotations

import datetime as dt
import re

from flask import current_app, has_app_context
from flask_babel import format_date
from flask_babel import gettext as _

from app.services.core.errors import DomainError
from app.timeutil import today_local

INT32_MAX = 2**31 - 1  # ids and counters are INTEGER columns on PostgreSQL
INT32_MIN = -(2**31)
# birth dates, "joined on", certificate and pledge dates, report ranges: plausible, not a window
RECORD_YEARS = (1900, 2100)
DEFAULT_APPOINTMENT_YEARS = 2

# C0 and C1 control characters except TAB, LF and CR, and the bidirectional embeddings,
# overrides and isolates (U+202A-U+202E, U+2066-U+2069) that disguise text ("gpj.exe").
# LRM/RLM (U+200E/U+200F) stay: they are legitimate in Arabic and Hebrew text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def strip_controls(text: str) -> str:
    """Drop control and bidi-override characters; keep tabs and line breaks (text areas)."""
    return _CONTROL.sub("", text)


def fits_int32(value: int) -> bool:
    """Say whether an integer fits the database's INTEGER column."""
    return INT32_MIN <= value <= INT32_MAX


def parse_id(text: str | None) -> int | None:
    """Read a positive database id from text: ASCII digits within INTEGER, else None."""
    if not text or not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    value = int(text)
    return value if 0 < value <= INT32_MAX else None


def _shift_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def appointment_window(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """Return the first and last day an appointment, meeting, absence or week may have.

    APPOINTMENT_WINDOW_YEARS (default 2) on either side of today: far enough for any real
    planning and history, near enough that adding weeks or hours never leaves the calendar.
    """
    years = (current_app.config["APPOINTMENT_WINDOW_YEARS"]
             if has_app_context() else DEFAULT_APPOINTMENT_YEARS)
    today = today or today_local()
    return _shift_years(today, -years), _shift_years(today, years)


def record_window() -> tuple[dt.date, dt.date]:
    """Return the first and last day of a birth-like date (pledges, certificates, reports)."""
    return dt.date(RECORD_YEARS[0], 1, 1), dt.date(RECORD_YEARS[1], 12, 31)


def outside_message(first: dt.date, last: dt.date) -> str:
    """Say which dates are accepted, in the user's language and date format."""
    return _("Please enter a date between %(first)s and %(last)s.",
             first=format_date(first, "short"), last=format_date(last, "short"))


def check_day(day: dt.date, window: tuple[dt.date, dt.date]) -> None:
    """Refuse a day outside the window with a message naming the window."""
    first, last = window
    if not first <= day <= last:
        raise DomainError(outside_message(first, last))


def check_appointment_day(day: dt.date) -> None:
    """Refuse an appointment-like day outside the configured window (services call this)."""
    check_day(day, appointment_window())


def check_appointment_week(monday: dt.date) -> None:
    """Refuse a week (given by its Monday) that does not touch the appointment window."""
    first, last = appointment_window()
    check_day(monday, (first - dt.timedelta(days=6), last))


def check_record_day(day: dt.date) -> None:
    """Refuse a birth-like day outside 1900-2100."""
    check_day(day, record_window())
