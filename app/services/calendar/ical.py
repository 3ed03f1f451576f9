"""Build RFC 5545 events for feeds and iTIP invitations from assignments and meetings.

Feeds and invitations share these builders so a UID, a SEQUENCE and the event text are the
same in both; the caller wraps them in `force_locale(...)` for the recipient's language.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlsplit

import icalendar
from cachetools import LRUCache
from flask import current_app
from flask_babel import gettext as _

from app.i18n import ui_language
from app.labels import label
from app.models import Assignment, Meeting, MeetingSeries
from app.models.enums import AssignmentStatus, MeetingStatus
from app.services.calendar import remote
from app.services.core.languages import language_name
from app.timeutil import UTC, local_tz, now_utc

PRODID = "-//MIB//SKM-Pool//DE"
ONE_HOUR = dt.timedelta(hours=1)


def host() -> str:
    """Return the host part of BASE_URL: UIDs must stay stable across requests and restarts."""
    return urlsplit(current_app.config["BASE_URL"]).hostname or "skm-pool"


def assignment_uid(assignment_id: int) -> str:
    return f"assignment-{assignment_id}@{host()}"


def meeting_uid(meeting: Meeting) -> str:
    """Return the UID of an occurrence: its series' UID, or its own for a single meeting."""
    if meeting.series_id is not None:
        return series_uid(meeting.series_id)
    return f"meeting-{meeting.id}@{host()}"


def series_uid(series_id: int) -> str:
    return f"series-{series_id}@{host()}"


def new_calendar(name: str, method: str | None = None) -> icalendar.Calendar:
    """Start a VCALENDAR with the headers real clients read (name, refresh interval)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    else:
        cal.add("name", name)
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", current_app.config["TIMEZONE"])
        cal.add("refresh-interval", ONE_HOUR, parameters={"VALUE": "DURATION"})
        cal["X-PUBLISHED-TTL"] = icalendar.vDuration(ONE_HOUR)  # add() would write 1:00:00
    return cal


def finish(cal: icalendar.Calendar) -> bytes:
    """Add a VTIMEZONE for every TZID used and serialise with CRLF and 75-octet folding."""
    cal.add_missing_timezones()
    return cal.to_ical()


def _local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(local_tz())


def _event(uid: str, sequence: int, modified: dt.datetime, feed: bool) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    # RFC 5545 3.8.7.2: without METHOD (a feed) DTSTAMP is the last revision in the store;
    # in an iTIP message it is the moment the message was made.
    event.add("dtstamp", (modified if feed else now_utc()).astimezone(UTC))
    event.add("sequence", sequence)
    event.add("last-modified", modified.astimezone(UTC))
    return event


def _lang(code: str, variety: str) -> str:
    name = language_name(code, ui_language())
    return f"{name} ({variety})" if variety else name


# What each builder below reads, as attribute paths from its first argument, for every viewer
# and branch: the feed memoises events on exactly these values (`field_values`, used by
# `feeds`), so a field the builder reads must be listed here or feeds serve stale events.
# tests/calendar/test_cache_keys.py runs the builders on a recording proxy and compares.
ASSIGNMENT_EVENT_FIELDS = (
    "id", "sequence", "status", "starts_at", "ends_at", "updated_at",
    "request.place_kind", "request.address", "request.room", "request.language_code",
    "request.variety", "request.occasion", "request.mode", "request.meeting_url",
    "request.phone_number", "request.phone_caller",
    "request.institution.name", "request.institution.street", "request.institution.postcode",
    "request.institution.city", "request.institution.phone", "request.institution.email",
    "mediator.first_name", "mediator.last_name", "mediator.phone", "mediator.share_phone",
)
SERIES_EVENT_FIELDS = (
    "id", "sequence", "updated_at", "kind", "title", "place", "agenda", "rrule",
    "first_start_local", "duration_minutes", "until",
)
SERIES_CANCELLED_FIELDS = ("recurrence_id",)  # read from each cancelled occurrence
OCCURRENCE_EVENT_FIELDS = (
    "id", "series_id", "series.sequence", "sequence", "updated_at", "kind", "title", "place",
    "agenda", "recurrence_id", "starts_at", "ends_at",
)


def field_values(obj, fields: tuple[str, ...]) -> tuple:
    """Read each dotted path of `fields` from `obj` (None past a relation that is None)."""
    values = []
    for path in fields:
        value = obj
        for name in path.split("."):
            value = None if value is None else getattr(value, name)
        values.append(value)
    return tuple(values)


def assignment_event(assignment: Assignment, viewer: str, *, sequence: int | None = None,
                     feed: bool = False):
    """Return the VEVENT of an assignment with the text a `viewer` role may see."""
    req = assignment.request
    inst = req.institution
    mediator = assignment.mediator
    language = _lang(req.language_code, req.variety)
    joining = remote.access(req, viewer, mediator)
    if req.is_remote:
        place = joining.location
    else:
        place = req.address if req.place_kind == "address" and req.address else inst.address
        if req.room:
            place = f"{place}, {req.room}" if place else req.room
    event = _event(assignment_uid(assignment.id),
                   assignment.sequence if sequence is None else sequence, assignment.updated_at,
                   feed)
    lines = [_("Occasion: %(occasion)s", occasion=label("occasion", req.occasion)),
             _("Language: %(language)s", language=language)]
    if viewer == "mediator":
        summary = _("Interpreting %(language)s: %(institution)s", language=language,
                    institution=inst.name)
        contact = ", ".join(p for p in (inst.phone, inst.email) if p)
        lines.append(_("Institution: %(name)s", name=inst.name))
        if contact:
            lines.append(_("Contact: %(contact)s", contact=contact))
    elif viewer == "institution":
        summary = _("Interpreting %(language)s with %(name)s", language=language,
                    name=mediator.first_name)
        lines.append(_("Mediator: %(name)s", name=mediator.first_name))
        if mediator.share_phone and mediator.phone:
            lines.append(_("Phone: %(phone)s", phone=mediator.phone))
    else:
        summary = _("%(mediator)s at %(institution)s (%(language)s)",
                    mediator=mediator.full_name, institution=inst.name, language=language)
    lines += joining.lines
    event.add("summary", summary)
    event.add("location", place)
    if joining.url:
        event.add("url", joining.url)
    event.add("description", "\n".join(lines))
    event.add("dtstart", _local(assignment.starts_at))
    event.add("dtend", _local(assignment.ends_at))
    cancelled = assignment.status == AssignmentStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def meeting_summary(kind: str, title: str) -> str:
    prefix = _("Exchange meeting") if kind == "exchange" else _("Supervision")
    return title if title.startswith(prefix) else f"{prefix}: {title}"


def _meeting_text(event: icalendar.Event, kind: str, title: str, place: str, agenda: str):
    event.add("summary", meeting_summary(kind, title))
    if place:
        event.add("location", place)
    if agenda:
        event.add("description", _("Agenda: %(agenda)s", agenda=agenda))


def series_event(series: MeetingSeries, cancelled: list[Meeting], *,
                 sequence: int | None = None, feed: bool = False):
    """Return the master VEVENT (RRULE, EXDATE for cancelled occurrences) of a series."""
    event = _event(series_uid(series.id), series.sequence if sequence is None else sequence,
                   series.updated_at, feed)
    _meeting_text(event, series.kind, series.title, series.place, series.agenda)
    start = series.first_start_local.replace(tzinfo=local_tz())
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=series.duration_minutes))
    rule = icalendar.vRecur.from_ical(series.rrule)
    if series.until is not None:
        rule["UNTIL"] = [dt.datetime.combine(series.until, dt.time(23, 59, 59),
                                             tzinfo=local_tz()).astimezone(UTC)]
    event.add("rrule", rule)
    if cancelled:
        event.add("exdate", [_local(m.recurrence_id) for m in cancelled])
    event.add("status", "CONFIRMED")
    return event


def occurrence_event(meeting: Meeting, *, sequence: int | None = None, cancelled=False,
                     feed: bool = False):
    """Return the VEVENT of a single meeting, or an override (RECURRENCE-ID) in a series."""
    base = meeting.series.sequence if meeting.series is not None else 0
    event = _event(meeting_uid(meeting), base + meeting.sequence if sequence is None
                   else sequence, meeting.updated_at, feed)
    _meeting_text(event, meeting.kind, meeting.title, meeting.place, meeting.agenda)
    if meeting.recurrence_id is not None:
        event.add("recurrence-id", _local(meeting.recurrence_id))
    event.add("dtstart", _local(meeting.starts_at))
    event.add("dtend", _local(meeting.ends_at))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def is_override(meeting: Meeting) -> bool:
    """Tell whether an occurrence differs from its rule (moved, own agenda or place)."""
    return (meeting.series_id is not None and meeting.status == MeetingStatus.SCHEDULED
            and meeting.sequence > 0)



# --- fast feed assembly --------------------------------------------------------------------

CACHE_SIZE = 20_000
_CACHE: LRUCache[tuple, bytes] = LRUCache(maxsize=CACHE_SIZE)
_CACHE_LOCK = threading.Lock()


def cached_event(key: tuple, build: Callable[[], icalendar.Event]) -> bytes:
    """Return a serialised VEVENT, memoised on every input that shapes its text.

    The key holds the values the event is built from (not just an id), so a hit can never be
    stale; serialising is the expensive part of a feed.
    """
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
    if hit is not None:
        return hit
    data = build().to_ical()
    with _CACHE_LOCK:
        _CACHE[key] = data
    return data


@lru_cache(maxsize=8)
def vtimezone(tzid: str) -> bytes:
    """Return the VTIMEZONE of a zone (built once per process)."""
    return icalendar.Timezone.from_tzid(tzid).to_ical()


def assemble(cal: icalendar.Calendar, events: list[bytes]) -> bytes:
    """Join the calendar header, the VTIMEZONE every event's TZID needs and the events."""
    end = b"END:VCALENDAR\r\n"
    head = cal.to_ical()
    parts = [head[: -len(end)]]
    if events:
        parts.append(vtimezone(current_app.config["TIMEZONE"]))
    parts += events
    parts.append(end)
    return b"".join(parts)
