"""Ratings and debriefs in the GDPR export, the erasure and the retention purge.

Apart from `privacy.py` so that module stays readable; it calls these. A rating is about the
mediator's work, so it is part of *their* export (Art. 15 GDPR: the data held about them,
handed out by the office, never shown in the app) and goes with their erasure; a debrief is
the mediator's own text. Both are deleted `FEEDBACK_RETENTION_DAYS` after they were written.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import Assignment, Debrief, Rating, User
from app.models.enums import AssignmentStatus
from app.services.core import audit


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _ratings_of_mediator(mediator_id: int) -> sa.Select:
    requests = sa.select(Assignment.request_id).where(
        Assignment.mediator_id == mediator_id, Assignment.status != AssignmentStatus.CANCELLED)
    return sa.select(Rating).where(Rating.request_id.in_(requests)).order_by(Rating.id)


def _debriefs_of_mediator(mediator_id: int) -> sa.Select:
    mine = sa.select(Assignment.id).where(Assignment.mediator_id == mediator_id)
    return sa.select(Debrief).where(Debrief.assignment_id.in_(mine)).order_by(Debrief.id)


def export_mediator(mediator_id: int) -> dict:
    """Return the mediator's debriefs and the ratings of their assignments."""
    debriefs = [{"assignment_id": d.assignment_id, "created_at": _iso(d.created_at),
                 "text": d.text, "burdened": d.burdened, "share_content": d.share_content,
                 "follow_up_note": d.follow_up_note, "follow_up_done": d.follow_up_done}
                for d in db.session.scalars(_debriefs_of_mediator(mediator_id))]
    ratings = [{"request_id": r.request_id, "created_at": _iso(r.created_at),
                "stars": r.stars, "comment": r.comment}
               for r in db.session.scalars(_ratings_of_mediator(mediator_id))]
    return {"debriefs": debriefs, "ratings": ratings}


def export_user(user: User) -> list[dict]:
    """Return the ratings an institution account wrote."""
    return [{"request_id": r.request_id, "created_at": _iso(r.created_at), "stars": r.stars,
             "comment": r.comment}
            for r in db.session.scalars(sa.select(Rating).where(Rating.created_by_id == user.id)
                                        .order_by(Rating.id))]


def erase_mediator(mediator_id: int) -> int:
    """Delete the mediator's debriefs and the ratings about their work; return how many."""
    rows = [*db.session.scalars(_debriefs_of_mediator(mediator_id)),
            *db.session.scalars(_ratings_of_mediator(mediator_id))]
    for row in rows:
        db.session.delete(row)
    db.session.flush()
    return len(rows)


def purge(now: dt.datetime) -> int:
    """Delete ratings and debriefs older than FEEDBACK_RETENTION_DAYS (daily retention job)."""
    cutoff = now - dt.timedelta(days=current_app.config["FEEDBACK_RETENTION_DAYS"])
    count = 0
    for model in (Rating, Debrief):
        result = db.session.execute(sa.delete(model).where(model.created_at < cutoff)
                                    .execution_options(synchronize_session=False))
        count += result.rowcount or 0
    if count:
        audit.record(None, "purge_feedback", "request", None, count=count)
    db.session.flush()
    return count
