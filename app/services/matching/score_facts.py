"""Load what the soft scores need: minutes served lately (fairness) and bookings per
institution (continuity), for the eligible speakers only.

Kept apart from `app.services.matching.facts` (what the hard rules need): the scores are
read for the few eligible speakers after the rules, the rule facts for all of them.
"""

from __future__ import annotations

import datetime as dt
import functools

import sqlalchemy as sa

from app.extensions import db
from app.models import Assignment, InterpretingRequest
from app.models.enums import AssignmentStatus
from app.services.matching.facts import Context

FAIRNESS_DAYS = 90
CONTINUITY_PERIOD = dt.timedelta(days=365)  # "knows this institution": served it this year


def _minutes_between(start, end):
    """Return an SQL expression for the minutes between two timestamp columns."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.extract("epoch", end - start) / 60
    return (sa.func.julianday(end) - sa.func.julianday(start)) * 1440


def _recent_select(ids, since, until, *head) -> sa.Select:
    """Select (head..., mediator, minutes served between `since` and `until`) per mediator
    (ids and bounds values or bind parameters)."""
    minutes = sa.func.sum(
        sa.func.coalesce(
            Assignment.reported_minutes,
            _minutes_between(Assignment.starts_at, Assignment.ends_at),
        )
    )
    return (
        sa.select(*head, Assignment.mediator_id, minutes)
        .where(
            Assignment.mediator_id.in_(ids),
            Assignment.status != AssignmentStatus.CANCELLED,
            Assignment.starts_at >= since,
            Assignment.starts_at < until,
        )
        .group_by(Assignment.mediator_id)
    )


def _served_select(ids, institution_ids, since, *head) -> sa.Select:
    """Select (head..., mediator, request) of the live bookings at the institutions since
    `since` (ids, institutions and bound values or bind parameters)."""
    return (
        sa.select(*head, Assignment.mediator_id, Assignment.request_id)
        .join(InterpretingRequest, InterpretingRequest.id == Assignment.request_id)
        .where(
            Assignment.mediator_id.in_(ids),
            Assignment.status != AssignmentStatus.CANCELLED,
            InterpretingRequest.institution_id.in_(institution_ids),
            InterpretingRequest.starts_at >= since,
        )
    )


def load_recent_minutes(ids: list[int], now: dt.datetime) -> dict[int, int]:
    """Return the minutes each mediator served in the last 90 days (fairness)."""
    if not ids:
        return {}
    return {mid: round(total or 0)
            for mid, total in db.session.execute(
                _recent_select(ids, now - dt.timedelta(days=FAIRNESS_DAYS), now))}


def load_served(ids, institution_ids: set[int], now: dt.datetime) -> dict[int, list[tuple]]:
    """Return, per institution, (mediator, request) pairs of this year's live bookings
    (continuity: "knows this institution"). `ids` is a list or a subquery of mediator ids."""
    served: dict[int, list[tuple]] = {}
    if not institution_ids:
        return served
    for inst_id, mediator_id, request_id in db.session.execute(
        _served_select(ids, sorted(institution_ids), now - CONTINUITY_PERIOD,
                       InterpretingRequest.institution_id)
    ):
        served.setdefault(inst_id, []).append((mediator_id, request_id))
    return served


def apply_score_facts(ctx: Context, recent: dict[int, int],
                      served: dict[int, list[tuple]]) -> None:
    """Cut one request's score facts out of facts loaded for many (the week planner)."""
    req = ctx.req
    own = req.id or 0
    ctx.recent_minutes = recent
    ctx.served_institution = {mid for mid, rid in served.get(req.institution_id, ())
                              if rid != own}
    if req.follow_up_of_id:
        ctx.served_earlier = set(
            db.session.scalars(
                sa.select(Assignment.mediator_id).where(
                    Assignment.request_id == req.follow_up_of_id,
                    Assignment.status != AssignmentStatus.CANCELLED,
                )
            )
        )


@functools.cache
def _score_union(dialect: str) -> sa.CompoundSelect:
    """Both score facts of one request as one UNION ALL, told apart by the first column,
    with every value bound and built once per dialect (the minutes differ): building and
    walking it for SQLAlchemy's cache key on every candidates page cost more than the
    database's work."""
    ids = sa.bindparam("ids", expanding=True)
    return sa.union_all(
        _recent_select(ids, sa.bindparam("fair_since"), sa.bindparam("now"),
                       sa.literal_column("1")),
        _served_select(ids, sa.bindparam("institutions", expanding=True),
                       sa.bindparam("known_since"), sa.literal_column("2")),
    )


def load_score_facts(ctx: Context, ids: list[int], now: dt.datetime) -> None:
    """Load what the soft scores need, for the eligible mediators only (a smaller set), in
    one statement: on the candidates page every round trip to the database counts."""
    if not ids:
        return
    inst_id = ctx.req.institution_id
    recent: dict[int, int] = {}
    pairs: list[tuple] = []
    statement = _score_union(db.session.get_bind().dialect.name)
    for kind, mediator_id, value in db.session.execute(statement, {
        "ids": ids, "institutions": [inst_id], "now": now,
        "fair_since": now - dt.timedelta(days=FAIRNESS_DAYS),
        "known_since": now - CONTINUITY_PERIOD,
    }):
        if kind == 1:
            recent[mediator_id] = round(value or 0)
        else:
            pairs.append((mediator_id, int(value)))
    apply_score_facts(ctx, recent, {inst_id: pairs})
