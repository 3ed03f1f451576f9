"""Load what the soft scores need: minutes served lately (fairness) and bookings per
institution (continuity), for the eligible speakers only.

Kept apart from `app.services.matching.facts` (what the hard rules need): the scores are
read for the few eligible speakers after the rules, the rule facts for all of them.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.extensions import db
from app.models import Assignment, InterpretingRequest
from app.services.matching.facts import Context

FAIRNESS_DAYS = 90
CONTINUITY_PERIOD = dt.timedelta(days=365)  # "knows this institution": served it this year


def _minutes_between(start, end):
    """Return an SQL expression for the minutes between two timestamp columns."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.extract("epoch", end - start) / 60
    return (sa.func.julianday(end) - sa.func.julianday(start)) * 1440


def load_recent_minutes(ids: list[int], now: dt.datetime) -> dict[int, int]:
    """Return the minutes each mediator served in the last 90 days (fairness)."""
    if not ids:
        return {}
    minutes = sa.func.sum(
        sa.func.coalesce(
            Assignment.reported_minutes,
            _minutes_between(Assignment.starts_at, Assignment.ends_at),
        )
    )
    return {
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


def load_served(ids, institution_ids: set[int], now: dt.datetime) -> dict[int, list[tuple]]:
    """Return, per institution, (mediator, request) pairs of this year's live bookings
    (continuity: "knows this institution"). `ids` is a list or a subquery of mediator ids."""
    served: dict[int, list[tuple]] = {}
    if not institution_ids:
        return served
    for inst_id, mediator_id, request_id in db.session.execute(
        sa.select(InterpretingRequest.institution_id, Assignment.mediator_id,
                  Assignment.request_id)
        .join(InterpretingRequest, InterpretingRequest.id == Assignment.request_id)
        .where(
            Assignment.mediator_id.in_(ids),
            Assignment.status != "cancelled",
            InterpretingRequest.institution_id.in_(sorted(institution_ids)),
            InterpretingRequest.starts_at >= now - CONTINUITY_PERIOD,
        )
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
                    Assignment.status != "cancelled",
                )
            )
        )


def load_score_facts(ctx: Context, ids: list[int], now: dt.datetime) -> None:
    """Load what the soft scores need, for the eligible mediators only (a smaller set)."""
    if not ids:
        return
    apply_score_facts(ctx, load_recent_minutes(ids, now),
                      load_served(ids, {ctx.req.institution_id}, now))
