"""Cut a date-ordered list into "Heute / Diese Woche / Später / Vergangen" groups.

Why: a coordinator's page of fifty open requests is one endless column otherwise; the
groups say at a glance what is due today. Day and week boundaries are local (Europe/Berlin
by default), weeks run Monday to Sunday, and the items keep their order (the list is paged
by the database, so a group may continue on the next page).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from app.timeutil import now_utc, to_local

TITLES = {"past": _l("In the past"), "today": _l("Today"), "week": _l("This week"),
          "later": _l("Later")}


@dataclass
class DayGroup:
    key: str
    items: list = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(TITLES[self.key])


def bucket(moment: dt.datetime, now: dt.datetime) -> str:
    """Return "past", "today", "week" (the rest of this Monday-to-Sunday week) or "later"."""
    day, today = to_local(moment).date(), to_local(now).date()
    if day < today:
        return "past"
    if day == today:
        return "today"
    sunday = today + dt.timedelta(days=6 - today.weekday())
    return "week" if day <= sunday else "later"


def _getter(when: str | Callable) -> Callable:
    if callable(when):
        return when
    path = when.split(".")

    def get(item):
        for name in path:
            item = getattr(item, name)
        return item
    return get


def day_groups(items: Iterable, now: dt.datetime | None = None,
               when: str | Callable = "starts_at") -> list[DayGroup]:
    """Group items by `bucket(when(item))`; `when` is a callable or a dotted attribute path
    ("request.starts_at"). Groups come in the order of their first item, items keep theirs
    (a list sorted by the same date gives each group once, in date order)."""
    now = now or now_utc()
    get = _getter(when)
    groups: dict[str, DayGroup] = {}
    for item in items:
        key = bucket(get(item), now)
        groups.setdefault(key, DayGroup(key)).items.append(item)
    return list(groups.values())
