"""Rank the mediators for one request and say why the others are excluded.

The coordinator must be able to trust the list, so every exclusion carries the exact reason
and every score is shown as its components. It must also stay fast with thousands of
mediators and a long history: mediators are prefiltered by language in SQL and everything else
is batch-loaded in a fixed handful of queries (never one query per mediator).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from sqlalchemy.orm import load_only

from app.extensions import db
from app.labels import label
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
from app.services.mediators import police_certificate_due
from app.timeutil import now_utc, to_local

LEVEL_POINTS = {"native": 15, "C2": 12, "C1": 9, "B2": 5, "B1": 2}
CERTIFICATE_KINDS = ("school", "kita")
FAIRNESS_DAYS = 90
MAX_FAIRNESS = 20
MAX_DURATION = dt.timedelta(minutes=480)
CONTINUITY_PERIOD = dt.timedelta(days=365)  # "knows this institution": served it this year
MEDIATOR_COLUMNS = ("id", "first_name", "last_name", "status", "gender", "district",
                    "mobility", "max_per_week")


@dataclass
class Component:
    """One part of a score, shown to the coordinator as label, points and detail."""

    key: str
    label: str
    points: int
    detail: str = ""


@dataclass
class Candidate:
    mediator: Mediator
    components: list[Component] = field(default_factory=list)
    recent_minutes: int = 0

    @property
    def score(self) -> int:
        return sum(c.points for c in self.components)


@dataclass
class Excluded:
    mediator: Mediator
    reasons: list[str]


@dataclass
class MatchResult:
    ranked: list[Candidate]
    excluded: list[Excluded]


@dataclass
class Context:
    """Everything the rules need about the speakers of the request's language, loaded at once."""

    req: InterpretingRequest
    buffer: dt.timedelta
    languages: dict[int, list] = field(default_factory=dict)
    documents: dict[int, dict] = field(default_factory=dict)
    windows: dict[int, list] = field(default_factory=dict)
    has_windows: set[int] = field(default_factory=set)
    absent: set[int] = field(default_factory=set)
    busy: dict[int, list] = field(default_factory=dict)
    week_load: dict[int, int] = field(default_factory=dict)
    completed_modules: dict[int, set[int]] = field(default_factory=dict)
    required_modules: list[QualificationModule] = field(default_factory=list)
    recent_minutes: dict[int, int] = field(default_factory=dict)
    served_institution: set[int] = field(default_factory=set)
    served_earlier: set[int] = field(default_factory=set)


# -- loading -------------------------------------------------------------------------------


def _week_bounds(req: InterpretingRequest) -> tuple[dt.datetime, dt.datetime]:
    """Return the UTC bounds of the local ISO week that holds the appointment."""
    local = to_local(req.starts_at)
    monday = local.date() - dt.timedelta(days=local.weekday())
    start = dt.datetime.combine(monday, dt.time(0), tzinfo=local.tzinfo)
    return start.astimezone(dt.UTC), (start + dt.timedelta(days=7)).astimezone(dt.UTC)


def _minutes_between(start, end):
    """Return an SQL expression for the minutes between two timestamp columns."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.extract("epoch", end - start) / 60
    return (sa.func.julianday(end) - sa.func.julianday(start)) * 1440


def load_context(req: InterpretingRequest, now: dt.datetime | None = None) -> tuple[
    list[Mediator], Context
]:
    """Load the speakers of the request's language and all facts the rules need.

    Facts are read as plain rows (not ORM objects) and every range query is bounded on both
    sides, so each one is an index range scan whatever the length of the history.
    """
    now = now or now_utc()
    buffer = dt.timedelta(minutes=current_app.config["TRAVEL_BUFFER_MINUTES"])
    ctx = Context(req=req, buffer=buffer)
    own_id = req.id or 0
    speakers = sa.select(MediatorLanguage.mediator_id).where(
        MediatorLanguage.code == req.language_code
    )
    mediators = list(
        db.session.scalars(
            sa.select(Mediator)
            .where(Mediator.id.in_(speakers), Mediator.erased_at.is_(None))
            .options(load_only(*(getattr(Mediator, c) for c in MEDIATOR_COLUMNS)))
            .order_by(Mediator.last_name, Mediator.first_name, Mediator.id)
        )
    )
    for row in db.session.execute(
        sa.select(MediatorLanguage.mediator_id, MediatorLanguage.variety, MediatorLanguage.level)
        .where(MediatorLanguage.code == req.language_code)
    ):
        ctx.languages.setdefault(row.mediator_id, []).append(row)
    for row in db.session.execute(
        sa.select(Document.mediator_id, Document.kind, Document.recorded_on,
                  Document.has_relevant_entry).where(Document.mediator_id.in_(speakers))
    ):
        ctx.documents.setdefault(row.mediator_id, {})[row.kind] = row

    local_start = to_local(req.starts_at)
    day = local_start.date()
    for row in db.session.execute(
        sa.select(Availability.mediator_id, Availability.weekday, Availability.start_time,
                  Availability.end_time).where(Availability.mediator_id.in_(speakers))
    ):
        ctx.has_windows.add(row.mediator_id)
        if row.weekday == local_start.weekday():
            ctx.windows.setdefault(row.mediator_id, []).append(row)
    ctx.absent = set(
        db.session.scalars(
            sa.select(Absence.mediator_id).where(
                Absence.mediator_id.in_(speakers),
                Absence.start_date <= day,
                Absence.end_date >= day,
            )
        )
    )
    for row in db.session.execute(
        sa.select(Assignment.mediator_id, Assignment.starts_at, Assignment.ends_at).where(
            Assignment.mediator_id.in_(speakers),
            Assignment.status != "cancelled",
            Assignment.request_id != own_id,
            Assignment.starts_at < req.ends_at + buffer,
            # bounded below too (no appointment is longer than 8 h): an index range scan
            Assignment.starts_at > req.starts_at - buffer - MAX_DURATION,
            Assignment.ends_at > req.starts_at - buffer,
        )
    ):
        ctx.busy.setdefault(row.mediator_id, []).append(row)
    week_start, week_end = _week_bounds(req)
    ctx.week_load = dict(
        db.session.execute(
            sa.select(Assignment.mediator_id, sa.func.count())
            .where(
                Assignment.mediator_id.in_(speakers),
                Assignment.status == "active",
                Assignment.request_id != own_id,
                Assignment.starts_at >= week_start,
                Assignment.starts_at < week_end,
            )
            .group_by(Assignment.mediator_id)
        ).all()
    )
    ctx.required_modules = list(
        db.session.scalars(
            sa.select(QualificationModule)
            .where(QualificationModule.required.is_(True))
            .order_by(QualificationModule.position)
        )
    )
    if ctx.required_modules:
        for mediator_id, module_id in db.session.execute(
            sa.select(ModuleCompletion.mediator_id, ModuleCompletion.module_id).where(
                ModuleCompletion.mediator_id.in_(speakers),
                ModuleCompletion.module_id.in_([m.id for m in ctx.required_modules]),
            )
        ):
            ctx.completed_modules.setdefault(mediator_id, set()).add(module_id)
    return mediators, ctx




def load_score_facts(ctx: Context, ids: list[int], now: dt.datetime) -> None:
    """Load what the soft scores need, for the eligible mediators only (a smaller set)."""
    req = ctx.req
    if not ids:
        return
    minutes = sa.func.sum(
        sa.func.coalesce(
            Assignment.reported_minutes,
            _minutes_between(Assignment.starts_at, Assignment.ends_at),
        )
    )
    ctx.recent_minutes = {
        mid: round(total or 0)
        for mid, total in db.session.execute(
            sa.select(Assignment.mediator_id, minutes)
            .where(
                Assignment.mediator_id.in_(ids),
                Assignment.status != "cancelled",
                Assignment.starts_at >= now - dt.timedelta(days=FAIRNESS_DAYS),
                Assignment.starts_at < now,
            )
            .group_by(Assignment.mediator_id)
        )
    }
    ctx.served_institution = set(
        db.session.scalars(
            sa.select(Assignment.mediator_id)
            .join(InterpretingRequest, InterpretingRequest.id == Assignment.request_id)
            .where(
                Assignment.mediator_id.in_(ids),
                Assignment.status != "cancelled",
                InterpretingRequest.institution_id == req.institution_id,
                InterpretingRequest.starts_at >= now - CONTINUITY_PERIOD,
                InterpretingRequest.id != (req.id or 0),
            )
            .distinct()
        )
    )
    if req.follow_up_of_id:
        ctx.served_earlier = set(
            db.session.scalars(
                sa.select(Assignment.mediator_id).where(
                    Assignment.request_id == req.follow_up_of_id,
                    Assignment.status != "cancelled",
                )
            )
        )


# -- hard rules ------------------------------------------------------------------------------


def _certificate_valid(doc, day: dt.date) -> bool:
    """Apply `mediators.police_certificate_valid_on` to a loaded document row."""
    return (
        doc is not None
        and not doc.has_relevant_entry
        and doc.recorded_on <= day < police_certificate_due(doc)
    )


def _fmt_time(value: dt.datetime) -> str:
    return format_time(to_local(value), "HH:mm")


def exclusion_reasons(m: Mediator, ctx: Context) -> list[str]:
    """Return every hard rule the mediator breaks for this request (empty: a candidate)."""
    req = ctx.req
    reasons: list[str] = []
    local_start, local_end = to_local(req.starts_at), to_local(req.ends_at)
    day = local_start.date()
    if m.status != "active":
        reasons.append(_("Not active (status: %(status)s)",
                         status=label("mediator_status", m.status)))
    if not ctx.languages.get(m.id):
        reasons.append(_("Does not speak the language"))
    if m.id in ctx.absent:
        reasons.append(_("Absent on %(day)s", day=format_date(day, "dd.MM.yyyy")))
    for a in ctx.busy.get(m.id, []):
        reasons.append(
            _("Overlapping assignment %(start)s–%(end)s (incl. %(minutes)s min travel time)",
              start=_fmt_time(a.starts_at), end=_fmt_time(a.ends_at),
              minutes=int(ctx.buffer.total_seconds() // 60))
        )
    if m.id not in ctx.has_windows:
        reasons.append(_("No availability declared"))
    elif not any(
        w.start_time <= local_start.time() and local_end.time() <= w.end_time
        and local_end.date() == day
        for w in ctx.windows.get(m.id, [])
    ):
        reasons.append(_("Outside the declared availability"))
    load = ctx.week_load.get(m.id, 0)
    if load >= m.max_per_week:
        reasons.append(_("Weekly limit reached (%(load)s of %(limit)s in week %(week)s)",
                         load=load, limit=m.max_per_week, week=local_start.isocalendar()[1]))
    done = ctx.completed_modules.get(m.id, set())
    missing = [mod.code for mod in ctx.required_modules if mod.id not in done]
    if missing:
        reasons.append(_("Required modules missing: %(modules)s", modules=", ".join(missing)))
    docs = ctx.documents.get(m.id, {})
    if "pledge" not in docs:
        reasons.append(_("Confidentiality pledge missing"))
    if req.institution.kind in CERTIFICATE_KINDS and not _certificate_valid(
        docs.get("police_certificate"), day
    ):
        reasons.append(_("Extended police certificate missing or not valid on %(day)s",
                         day=format_date(day, "dd.MM.yyyy")))
    return reasons


# -- soft scores ---------------------------------------------------------------------------


def _language_components(m: Mediator, ctx: Context) -> list[Component]:
    langs = ctx.languages.get(m.id, [])
    wanted = ctx.req.variety.strip().casefold()
    exact = [x for x in langs if wanted and x.variety.strip().casefold() == wanted]
    best = max(exact or langs, key=lambda x: LEVEL_POINTS.get(x.level, 0))
    parts = []
    if wanted:
        if exact:
            parts.append(Component("variety", _("Variety"), 20,
                                   _("speaks %(variety)s", variety=best.variety)))
        else:
            parts.append(Component("variety", _("Variety"), 0, _("other variety")))
    parts.append(Component("level", _("Language level"), LEVEL_POINTS.get(best.level, 0),
                           label("language_level", best.level)))
    return parts


def _gender_component(m: Mediator, ctx: Context) -> Component:
    wanted = ctx.req.preferred_gender
    if wanted == "none":
        return Component("gender", _("Gender preference"), 0, _("no preference"))
    if m.gender == wanted:
        return Component("gender", _("Gender preference"), 15, _("matches"))
    return Component("gender", _("Gender preference"), -15, _("does not match"))


def _continuity_component(m: Mediator, ctx: Context) -> Component:
    if m.id in ctx.served_earlier:
        return Component("continuity", _("Continuity"), 25, _("served the earlier request"))
    if m.id in ctx.served_institution:
        return Component("continuity", _("Continuity"), 10, _("knows this institution"))
    return Component("continuity", _("Continuity"), 0, "")


def _fairness_component(minutes: int, most: int) -> Component:
    points = MAX_FAIRNESS if most <= 0 else round(MAX_FAIRNESS * (1 - minutes / most))
    hours = f"{minutes / 60:.1f}".replace(".", ",")
    return Component("fairness", _("Fairness"), points,
                     _("%(hours)s h in the last 90 days", hours=hours))


def _district_component(m: Mediator, ctx: Context) -> Component:
    district = ctx.req.institution.district
    if district and m.district == district:
        return Component("district", _("District / mobility"), 10, _("same district"))
    points = {"car": 5, "public": 5, "bike": 2, "foot": 0}.get(m.mobility, 0)
    return Component("district", _("District / mobility"), points, label("mobility", m.mobility))


def score(m: Mediator, ctx: Context, most_minutes: int) -> Candidate:
    """Build a candidate with every soft score component."""
    minutes = ctx.recent_minutes.get(m.id, 0)
    parts = _language_components(m, ctx)
    parts += [
        _gender_component(m, ctx),
        _continuity_component(m, ctx),
        _fairness_component(minutes, most_minutes),
        _district_component(m, ctx),
    ]
    return Candidate(mediator=m, components=parts, recent_minutes=minutes)


def match(req: InterpretingRequest, now: dt.datetime | None = None) -> MatchResult:
    """Return the ranked candidates and the excluded speakers (with reasons) for a request."""
    now = now or now_utc()
    mediators, ctx = load_context(req, now)
    eligible: list[Mediator] = []
    excluded: list[Excluded] = []
    for m in mediators:
        reasons = exclusion_reasons(m, ctx)
        if reasons:
            excluded.append(Excluded(m, reasons))
        else:
            eligible.append(m)
    load_score_facts(ctx, [m.id for m in eligible], now)
    most = max((ctx.recent_minutes.get(m.id, 0) for m in eligible), default=0)
    ranked = [score(m, ctx, most) for m in eligible]
    ranked.sort(key=lambda c: (-c.score, c.recent_minutes, c.mediator.last_name, c.mediator.id))
    return MatchResult(ranked=ranked, excluded=excluded)


def check_eligible(req: InterpretingRequest, mediator: Mediator) -> list[str]:
    """Return the exclusion reasons of one mediator for a request (used right before booking)."""
    _mediators, ctx = load_context(req)
    return exclusion_reasons(mediator, ctx)
