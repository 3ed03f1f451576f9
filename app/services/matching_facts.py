"""Load, in a fixed handful of queries, every fact the matching rules and scores need.

Kept apart from `app.services.matching` (the rules and scores) so that module stays readable.
Facts are read as plain rows, not ORM objects, and every range query is bounded on both sides,
so each one is an index range scan whatever the length of the history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date
from sqlalchemy.orm import load_only

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
from app.timeutil import to_local

FAIRNESS_DAYS = 90
MAX_DURATION = dt.timedelta(minutes=480)
CONTINUITY_PERIOD = dt.timedelta(days=365)  # "knows this institution": served it this year
MEDIATOR_COLUMNS = ("id", "first_name", "last_name", "status", "gender", "district",
                    "mobility", "max_per_week")


@dataclass
class Context:
    """Everything the rules need about the speakers of the request's language, loaded at once."""

    req: InterpretingRequest
    buffer: dt.timedelta
    local_start: dt.datetime | None = None  # the appointment in local time, computed once
    local_end: dt.datetime | None = None
    day_text: str = ""
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


def load_context(req: InterpretingRequest) -> tuple[list[Mediator], Context]:
    """Load the speakers of the request's language and all facts the rules need.

    Facts are read as plain rows (not ORM objects) and every range query is bounded on both
    sides, so each one is an index range scan whatever the length of the history.
    """
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
    # rows are indexed, not read by attribute: a thousand speakers bring ~10,000 fact rows,
    # and Row attribute access cost more than the queries themselves
    for row in db.session.execute(
        sa.select(MediatorLanguage.mediator_id, MediatorLanguage.variety, MediatorLanguage.level)
        .where(MediatorLanguage.code == req.language_code)
    ):
        ctx.languages.setdefault(row[0], []).append(row)
    for row in db.session.execute(
        sa.select(Document.mediator_id, Document.kind, Document.recorded_on,
                  Document.has_relevant_entry).where(Document.mediator_id.in_(speakers))
    ):
        ctx.documents.setdefault(row[0], {})[row[1]] = row

    local_start = ctx.local_start = to_local(req.starts_at)
    ctx.local_end = to_local(req.ends_at)
    day = local_start.date()
    ctx.day_text = format_date(day, "dd.MM.yyyy")
    weekday = local_start.weekday()
    for row in db.session.execute(
        sa.select(Availability.mediator_id, Availability.weekday, Availability.start_time,
                  Availability.end_time).where(Availability.mediator_id.in_(speakers))
    ):
        ctx.has_windows.add(row[0])
        if row[1] == weekday:
            ctx.windows.setdefault(row[0], []).append(row)
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
        ctx.busy.setdefault(row[0], []).append(row)
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
