"""Load, in a fixed handful of queries, every fact the matching rules and scores need.

Kept apart from `app.services.matching.ranking` (the rules and scores) so that module stays
readable.
Facts are read as plain rows, not ORM objects, and every range query is bounded on both sides,
so each one is an index range scan whatever the length of the history.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date

from app.extensions import db
from app.models import (
    Absence,
    Assignment,
    Availability,
    Document,
    InterpretingRequest,
    Mediator,
    MediatorLanguage,
    ModuleCompletion,
    QualificationModule,
)
from app.models.enums import AssignmentStatus
from app.services.core.document_dates import years_after
from app.services.core.languages import matching_codes
from app.services.matching import cache as fact_cache
from app.services.matching.speaker import Speaker
from app.timeutil import to_local

CERTIFICATE_KINDS = ("school", "kita")  # institutions where § 72a SGB VIII applies
MAX_DURATION = dt.timedelta(minutes=480)


def buffer_between(buffer: dt.timedelta, mode: str, other_mode: str) -> dt.timedelta:
    """Return the travel time to keep between two appointments of these modes.

    Only two appointments on site need travel between them: a phone call or a video
    meeting can be held right before or after anything (docs/modes.md).
    """
    return buffer if mode == "on_site" and other_mode == "on_site" else dt.timedelta(0)


@dataclass
class Context:
    """Everything the rules need about the speakers of the request's language, loaded at once."""

    req: InterpretingRequest
    buffer: dt.timedelta  # the configured travel buffer (applies between on-site jobs only)
    local_start: dt.datetime | None = None  # the appointment in local time, computed once
    local_end: dt.datetime | None = None
    day_text: str = ""
    # the appointment's local day and times, its mode and the Speaker/Mediator attribute
    # saying whether someone takes that mode: asked of every speaker, computed once
    day: dt.date | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    one_day: bool = True
    mode: str = "on_site"
    takes_attr: str = "takes_on_site"
    # asked of every speaker, so computed once per request (ORM attribute and config reads
    # were a third of the rule time for a thousand speakers)
    needs_certificate: bool = False
    certificate_years: int = 5
    certificate_spans: dict[int, tuple[dt.date, dt.date]] = field(default_factory=dict)
    languages: dict[int, list] = field(default_factory=dict)
    documents: dict[int, dict] = field(default_factory=dict)
    windows: dict[int, list] = field(default_factory=dict)
    has_windows: set[int] = field(default_factory=set)
    week_windows: dict[int, list] = field(default_factory=dict)  # every window, for the reason
    absent: dict[int, tuple[dt.date, dt.date]] = field(default_factory=dict)  # the absence
    busy: dict[int, list] = field(default_factory=dict)
    week_load: dict[int, int] = field(default_factory=dict)
    completed_modules: dict[int, set[int]] = field(default_factory=dict)
    required_modules: list[RequiredModule] = field(default_factory=list)
    recent_minutes: dict[int, int] = field(default_factory=dict)
    served_institution: set[int] = field(default_factory=set)
    served_earlier: set[int] = field(default_factory=set)


def _week_bounds(req: InterpretingRequest) -> tuple[dt.datetime, dt.datetime]:
    """Return the UTC bounds of the local ISO week that holds the appointment."""
    local = to_local(req.starts_at)
    monday = local.date() - dt.timedelta(days=local.weekday())
    start = dt.datetime.combine(monday, dt.time(0), tzinfo=local.tzinfo)
    return start.astimezone(dt.UTC), (start + dt.timedelta(days=7)).astimezone(dt.UTC)


class RequiredModule(NamedTuple):
    id: int
    code: str


@dataclass
class SpeakerFacts:
    """What the rules need about one language's speakers that does not depend on the date."""

    mediators: list[Speaker]
    languages: dict[int, list] = field(default_factory=dict)
    documents: dict[int, dict] = field(default_factory=dict)
    windows: dict[int, dict[int, list]] = field(default_factory=dict)  # weekday -> mediator
    has_windows: set[int] = field(default_factory=set)
    # mediator -> all windows, by weekday and start: the exclusion reason names them
    week_windows: dict[int, list] = field(default_factory=dict)
    completed_modules: dict[int, set[int]] = field(default_factory=dict)
    required_modules: list[RequiredModule] = field(default_factory=list)
    _spans: dict[int, dict[int, tuple[dt.date, dt.date]]] = field(default_factory=dict,
                                                                   repr=False)

    def certificate_spans(self, years: int) -> dict[int, tuple[dt.date, dt.date]]:
        """Return mediator -> (inspected on, due on) of each police certificate without a
        relevant entry, computed once per validity: the rule asks a thousand speakers per
        request, and reading three fields of a row and the due date each time was its
        heaviest part."""
        spans = self._spans.get(years)
        if spans is None:
            spans = self._spans[years] = {
                mid: (doc[2], years_after(doc[2], years))
                for mid, docs in self.documents.items()
                if (doc := docs.get("police_certificate")) is not None and not doc[3]
            }
        return spans


@dataclass
class TimeFacts:
    """Absences and bookings of the speakers within one time window (a request or a week)."""

    absences: dict[int, list[tuple[dt.date, dt.date]]] = field(default_factory=dict)
    assignments: dict[int, list] = field(default_factory=dict)


def _speakers(language_code: str | None, mediator_id: int | None = None):
    """Select the speakers of a language, or (language None) one mediator in all languages."""
    query = sa.select(MediatorLanguage.mediator_id)
    if language_code is not None:
        query = query.where(MediatorLanguage.code.in_(matching_codes(language_code)))
    if mediator_id is not None:
        query = query.where(MediatorLanguage.mediator_id == mediator_id)
    return query


def load_speakers(language_code: str | None, mediator_id: int | None = None) -> SpeakerFacts:
    """Load the speakers of a language and their date-independent facts (six queries).

    Rows are indexed, not read by attribute: a thousand speakers bring ~10,000 fact rows, and
    Row attribute access cost more than the queries themselves. `mediator_id` (with language
    None) loads one mediator with every language they speak: the open-request board.
    """
    speakers = _speakers(language_code, mediator_id)
    facts = SpeakerFacts(mediators=[Speaker(*row) for row in db.session.execute(
        sa.select(*(getattr(Mediator, c) for c in Speaker._fields))
        .where(Mediator.id.in_(speakers), Mediator.erased_at.is_(None))
        .order_by(Mediator.sort_name, Mediator.id)
    )])
    for row in db.session.execute(
        sa.select(MediatorLanguage.mediator_id, MediatorLanguage.variety, MediatorLanguage.level,
                  MediatorLanguage.code)
        .where(MediatorLanguage.code.in_(matching_codes(language_code)) if language_code
               else MediatorLanguage.mediator_id.in_(speakers))
    ):
        facts.languages.setdefault(row[0], []).append(row)
    for row in db.session.execute(
        sa.select(Document.mediator_id, Document.kind, Document.recorded_on,
                  Document.has_relevant_entry).where(Document.mediator_id.in_(speakers))
    ):
        facts.documents.setdefault(row[0], {})[row[1]] = row
    for row in db.session.execute(
        sa.select(Availability.mediator_id, Availability.weekday, Availability.start_time,
                  Availability.end_time).where(Availability.mediator_id.in_(speakers))
    ):
        facts.has_windows.add(row[0])
        facts.windows.setdefault(row[1], {}).setdefault(row[0], []).append(row)
        facts.week_windows.setdefault(row[0], []).append(row)
    for rows in facts.week_windows.values():
        rows.sort(key=lambda r: (r[1], r[2]))
    facts.required_modules = [RequiredModule(*row) for row in db.session.execute(
        sa.select(QualificationModule.id, QualificationModule.code)
        .where(QualificationModule.required.is_(True))
        .order_by(QualificationModule.position)
    )]
    if facts.required_modules:
        for mediator_id, module_id in db.session.execute(
            sa.select(ModuleCompletion.mediator_id, ModuleCompletion.module_id).where(
                ModuleCompletion.mediator_id.in_(speakers),
                ModuleCompletion.module_id.in_([m.id for m in facts.required_modules]),
            )
        ):
            facts.completed_modules.setdefault(mediator_id, set()).add(module_id)
    return facts


def speaker_facts(language_code: str, cached: bool) -> SpeakerFacts:
    """Return the language's speaker facts, fresh or from this worker's stamped copy."""
    return fact_cache.cached(language_code, load_speakers) if cached else load_speakers(
        language_code)


def time_window(req: InterpretingRequest, buffer: dt.timedelta) -> tuple[dt.datetime,
                                                                         dt.datetime]:
    """Return the UTC span whose bookings the rules read for a request: its ISO week (weekly
    limit) and the appointment with travel buffer and the longest possible overlap."""
    week_start, week_end = _week_bounds(req)
    return (min(week_start, req.starts_at - buffer - MAX_DURATION),
            max(week_end, req.ends_at + buffer))


def _time_selects(speakers, first_day, last_day, start, end) -> tuple[sa.Select, sa.Select]:
    """Select the absences and the live bookings of `speakers` within a window (each
    argument a value or a bind parameter)."""
    absences = sa.select(Absence.mediator_id, Absence.start_date, Absence.end_date).where(
        Absence.mediator_id.in_(speakers),
        Absence.start_date <= last_day,
        Absence.end_date >= first_day,
    )
    bookings = (
        sa.select(Assignment.mediator_id, Assignment.starts_at, Assignment.ends_at,
                  Assignment.status, Assignment.request_id, InterpretingRequest.mode)
        .join(InterpretingRequest, InterpretingRequest.id == Assignment.request_id)
        .where(
            Assignment.mediator_id.in_(speakers),
            Assignment.status != AssignmentStatus.CANCELLED,
            Assignment.starts_at >= start,
            Assignment.starts_at < end,
        )
    )
    return absences, bookings


@functools.cache
def _language_time_selects() -> tuple[sa.Select, sa.Select]:
    """`_time_selects` for a language's speakers with every value bound, built once: from
    request to request only the values change, and building the two statements and walking
    them for SQLAlchemy's cache key cost half a millisecond on every candidates page."""
    speakers = sa.select(MediatorLanguage.mediator_id).where(
        MediatorLanguage.code.in_(sa.bindparam("codes", expanding=True)))
    return _time_selects(speakers, *(sa.bindparam(name) for name in
                                     ("first_day", "last_day", "start", "end")))


def load_time_facts(language_code: str | None, start: dt.datetime, end: dt.datetime,
                    mediator_id: int | None = None) -> TimeFacts:
    """Load the speakers' absences and live bookings between `start` and `end` (two queries).

    Both are bounded on both sides (no appointment is longer than 8 h), so each is an index
    range scan however long the history.
    """
    first_day, last_day = to_local(start).date(), to_local(end).date()
    params: dict = {}
    if language_code is not None and mediator_id is None:
        absences, bookings = _language_time_selects()
        params = {"codes": list(matching_codes(language_code)), "first_day": first_day,
                  "last_day": last_day, "start": start, "end": end}
    else:
        absences, bookings = _time_selects(_speakers(language_code, mediator_id), first_day,
                                           last_day, start, end)
    facts = TimeFacts()
    for mediator_id, first, last in db.session.execute(absences, params):
        facts.absences.setdefault(mediator_id, []).append((first, last))
    for row in db.session.execute(bookings, params):
        facts.assignments.setdefault(row[0], []).append(row)
    return facts


def context_for(req: InterpretingRequest, speakers: SpeakerFacts, timed: TimeFacts,
                buffer: dt.timedelta) -> Context:
    """Cut one request's facts out of its language's facts and a window's bookings."""
    ctx = Context(req=req, buffer=buffer, languages=speakers.languages,
                  documents=speakers.documents, has_windows=speakers.has_windows,
                  week_windows=speakers.week_windows,
                  completed_modules=speakers.completed_modules,
                  required_modules=speakers.required_modules)
    local_start = ctx.local_start = to_local(req.starts_at)
    local_end = ctx.local_end = to_local(req.ends_at)
    day = ctx.day = local_start.date()
    ctx.start_time, ctx.end_time = local_start.time(), local_end.time()
    ctx.one_day = local_end.date() == day
    ctx.mode = req.mode or "on_site"
    ctx.takes_attr = f"takes_{ctx.mode}"
    ctx.day_text = format_date(day, "dd.MM.yyyy")
    ctx.windows = speakers.windows.get(local_start.weekday(), {})
    ctx.needs_certificate = req.institution.kind in CERTIFICATE_KINDS
    ctx.certificate_years = current_app.config["POLICE_CERT_VALID_YEARS"]
    if ctx.needs_certificate:
        ctx.certificate_spans = speakers.certificate_spans(ctx.certificate_years)
    for mid, spans in timed.absences.items():
        span = next(((first, last) for first, last in spans if first <= day <= last), None)
        if span is not None:
            ctx.absent[mid] = span
    own_id = req.id or 0
    mode = req.mode or "on_site"
    week_start, week_end = _week_bounds(req)
    earliest = req.starts_at - buffer - MAX_DURATION
    for mid, rows in timed.assignments.items():
        load = 0
        for row in rows:
            _mid, starts, ends, status, request_id, other_mode = row
            if request_id == own_id:
                continue
            if status == AssignmentStatus.ACTIVE and week_start <= starts < week_end:
                load += 1
            gap = buffer_between(buffer, mode, other_mode)
            if earliest < starts < req.ends_at + gap and ends > req.starts_at - gap:
                ctx.busy.setdefault(mid, []).append(row)
        if load:
            ctx.week_load[mid] = load
    return ctx


def load_context(req: InterpretingRequest, cached: bool = False) -> tuple[list[Speaker],
                                                                          Context]:
    """Load the speakers of the request's language and all facts the rules need; `cached`
    takes the speaker facts from this worker's stamped copy (`fact_cache`)."""
    buffer = dt.timedelta(minutes=current_app.config["TRAVEL_BUFFER_MINUTES"])
    speakers = speaker_facts(req.language_code, cached)
    timed = load_time_facts(req.language_code, *time_window(req, buffer))
    return speakers.mediators, context_for(req, speakers, timed, buffer)
