"""Working days of the demo calendar: weekdays without the fixed public holidays (the demo
does not need the movable ones that the booking rules know, app.services.booking.workdays)."""

from __future__ import annotations

import datetime as dt

FIXED_HOLIDAYS = {(1, 1), (5, 1), (10, 3), (11, 1), (12, 24), (12, 25), (12, 26), (12, 31)}


def workday(day: dt.date) -> bool:
    return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS


def add_workdays(day: dt.date, count: int) -> dt.date:
    while count > 0:
        day += dt.timedelta(days=1)
        count -= workday(day)
    return day


def workdays_between(start: dt.date, end: dt.date) -> int:
    return sum(workday(start + dt.timedelta(days=i)) for i in range(1, (end - start).days + 1))
