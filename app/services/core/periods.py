"""Report periods: local (Europe/Berlin) calendar boundaries turned into UTC instants.

Why: the council counts months as people in the town live them, so a request at 00:30 on the
1st belongs to that month, although it is still the previous month in UTC. Buckets are built
here in Python and handed to SQL as a CASE over UTC boundaries, which works the same on
SQLite and PostgreSQL and keeps the range filter index-friendly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _

from app.services.core.errors import DomainError
from app.timeutil import from_local

PERIOD_KINDS = ("month", "quarter", "year", "custom")
MAX_DAYS = 5 * 366


@dataclass(frozen=True)
class Period:
    """A half-open local date range [start, end) with its UTC boundaries."""

    kind: str
    start: dt.date
    end: dt.date  # exclusive

    @property
    def start_utc(self) -> dt.datetime:
        return from_local(self.start, dt.time(0))

    @property
    def end_utc(self) -> dt.datetime:
        return from_local(self.end, dt.time(0))

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        if self.kind == "year":
            return str(self.start.year)
        if self.kind == "quarter":
            return _("Q%(q)s %(year)s", q=(self.start.month - 1) // 3 + 1, year=self.start.year)
        if self.kind == "month":
            return format_date(self.start, "MMMM yyyy")
        pattern = "dd.MM.yyyy"
        return f"{format_date(self.start, pattern)} – {format_date(self.last_day, pattern)}"

    @property
    def slug(self) -> str:
        return f"{self.start.isoformat()}_{self.last_day.isoformat()}"

    def months(self) -> list[dt.date]:
        """Return the first day of every local month that overlaps the period."""
        first = self.start.replace(day=1)
        result = []
        while first < self.end:
            result.append(first)
            first = _add_months(first, 1)
        return result

    def contains(self, column) -> sa.ColumnElement[bool]:
        """Return a SQL condition: the UTC column lies inside the period."""
        return sa.and_(column >= self.start_utc, column < self.end_utc)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_period(year: int, month: int) -> Period:
    start = dt.date(year, month, 1)
    return Period("month", start, _add_months(start, 1))


def quarter_period(year: int, quarter: int) -> Period:
    start = dt.date(year, 3 * (quarter - 1) + 1, 1)
    return Period("quarter", start, _add_months(start, 3))


def year_period(year: int) -> Period:
    return Period("year", dt.date(year, 1, 1), dt.date(year + 1, 1, 1))


def custom_period(first_day: dt.date, last_day: dt.date) -> Period:
    """Build a custom range including both days; refuse reversed or huge ranges."""
    if last_day < first_day:
        raise DomainError(_("The end date must not be before the start date."))
    if (last_day - first_day).days > MAX_DAYS:
        raise DomainError(_("Please choose a range of at most five years."))
    return Period("custom", first_day, last_day + dt.timedelta(days=1))


def month_bucket(column, period: Period) -> sa.ColumnElement[int]:
    """Return a SQL expression numbering the local month of a UTC column (0 = first month).

    Rows outside the period get NULL; callers filter with `period.contains` first.
    """
    months = period.months()
    whens = []
    for index, first in enumerate(months[1:], start=0):
        whens.append((column < from_local(first, dt.time(0)), index))
    if not whens:
        return sa.literal(0)
    return sa.case(*whens, else_=len(months) - 1)
