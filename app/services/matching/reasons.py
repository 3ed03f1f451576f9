"""Word the exclusion reasons: gettext memoised per match, and the facts each reason names.

Kept apart from `app.services.matching.ranking` (the rules) so that module stays readable;
the reasons name the declared windows, the absence, the other booking and the document with
its expiry, so the coordinator can act on the phone without opening a second page.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import format_date, format_time
from flask_babel import gettext as _

from app.labels import label
from app.services.core.document_dates import years_after
from app.services.matching.facts import Context, buffer_between
from app.timeutil import to_local


def fmt_time(value: dt.datetime) -> str:
    return format_time(to_local(value), "HH:mm")


class Texts:
    """gettext memoised for one match: the locale cannot change within a request, and a
    widely spoken language has a thousand excluded speakers sharing a dozen messages."""

    def __init__(self) -> None:
        self.cache: dict[str, str] = {}

    def __call__(self, msgid: str, **variables) -> str:
        text = self.cache.get(msgid)
        if text is None:
            text = self.cache[msgid] = _(msgid)
        return text % variables if variables else text

    def label(self, kind: str, value: str) -> str:
        key = f"{kind}\x00{value}"
        text = self.cache.get(key)
        if text is None:
            text = self.cache[key] = label(kind, value)
        return text


def clock(value: dt.time) -> str:
    """Write a window bound as the office does: 14 for 14:00, 9:30 otherwise."""
    return f"{value.hour}" if not value.minute else f"{value.hour}:{value.minute:02d}"


def windows_text(rows, _: Texts) -> str:
    """Name every declared window: "Mo 14–18, Mi 9–12" (rows sorted by weekday, start)."""
    return ", ".join(f"{_.label('weekday_short', row[1])} {clock(row[2])}–{clock(row[3])}"
                     for row in rows)


def certificate_reason(doc, day: dt.date, ctx: Context, _: Texts) -> str:
    """Say what is wrong with the police certificate: missing, an entry, expired, too new."""
    if doc is None:
        return _("Extended police certificate missing (needed for %(day)s)", day=ctx.day_text)
    if doc.has_relevant_entry:
        return _("Extended police certificate of %(date)s has a relevant entry",
                 date=format_date(doc.recorded_on, "dd.MM.yyyy"))
    if doc.recorded_on > day:
        return _("Extended police certificate only inspected on %(date)s (after %(day)s)",
                 date=format_date(doc.recorded_on, "dd.MM.yyyy"), day=ctx.day_text)
    return _("Extended police certificate inspected on %(date)s expired on %(expiry)s",
             date=format_date(doc.recorded_on, "dd.MM.yyyy"),
             expiry=format_date(years_after(doc.recorded_on, ctx.certificate_years),
                                "dd.MM.yyyy"))


def absence_text(absence: tuple[dt.date, dt.date], ctx: Context, _: Texts) -> str:
    first, last = absence
    if first == last:
        return _("Absent on %(day)s", day=ctx.day_text)
    return _("Absent %(first)s–%(last)s", first=format_date(first, "dd.MM.yyyy"),
             last=format_date(last, "dd.MM.yyyy"))


def overlap_text(a, mode: str, ctx: Context, _: Texts) -> str:
    gap = buffer_between(ctx.buffer, mode, a.mode)
    when = {"request": a.request_id, "day": format_date(to_local(a.starts_at).date(), "dd.MM."),
            "start": fmt_time(a.starts_at), "end": fmt_time(a.ends_at)}
    if gap:
        return _("Overlapping assignment (request %(request)s) on %(day)s %(start)s–%(end)s "
                 "(incl. %(minutes)s min travel time)",
                 minutes=int(gap.total_seconds() // 60), **when)
    return _("Overlapping assignment (request %(request)s) on %(day)s %(start)s–%(end)s",
             **when)
