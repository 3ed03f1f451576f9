"""Read what the coordinator's request dashboard and a mediator's offer page list.

Why here and not in the views: each list is a rule of the office (what counts as open, which
reports wait for approval, how many rows a glance needs), and views run no query of their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Assignment, InterpretingRequest, Offer
from app.models.request import OPEN_REQUEST_STATUSES


@dataclass(frozen=True)
class Dashboard:
    """The coordinator's lists beside the paged open requests."""

    unfilled: list[InterpretingRequest]
    reports: list[Assignment]
    no_shows: list[Assignment]
    assigned: list[InterpretingRequest]
    counts: dict[str, int]


def open_requests_query(condition: sa.ColumnElement[bool] | None = None) -> sa.Select:
    """Return the open requests, most urgent first (paged by the caller: there are many).

    `condition` narrows them to one of `request_filters.COORDINATOR_FILTERS`.
    """
    return (
        sa.select(InterpretingRequest)
        .where(InterpretingRequest.status.in_(OPEN_REQUEST_STATUSES))
        .where(condition if condition is not None else sa.true())
        .options(selectinload(InterpretingRequest.institution),
                 selectinload(InterpretingRequest.offers))
        .order_by(InterpretingRequest.starts_at, InterpretingRequest.id)
    )


UNFILLED_DAYS = 90  # the dashboard counts the requests left unfilled in this many days


def counts(now: dt.datetime) -> dict[str, int]:
    """Count the requests per open status, the recently unfilled ones and the pending offers.

    Why unfilled only of the last UNFILLED_DAYS: the number to act on is the recent one, and
    counting every unfilled request ever made the dashboard slower with every year of history.
    One statement of scalar counts, each an index-only range scan (an OR of statuses in one
    scan made PostgreSQL visit the table's pages instead).
    """
    req = InterpretingRequest

    def count(*where) -> sa.ScalarSelect:
        return sa.select(sa.func.count()).select_from(req).where(*where).scalar_subquery()

    row = db.session.execute(sa.select(
        count(req.status == "submitted"),
        count(req.status == "offered"),
        count(req.status == "unfilled", req.starts_at >= now - dt.timedelta(days=UNFILLED_DAYS)),
        sa.select(sa.func.count()).select_from(Offer).where(Offer.status == "pending")
        .scalar_subquery(),
    )).one()
    return {"submitted": row[0], "offered": row[1], "unfilled": row[2], "awaiting": row[3],
            "unfilled_days": UNFILLED_DAYS}


def coordinator_dashboard(now: dt.datetime) -> Dashboard:
    """Return the short lists of the dashboard: unfilled, reports, no-shows, coming up."""
    unfilled = db.session.scalars(
        sa.select(InterpretingRequest)
        .where(InterpretingRequest.status == "unfilled")
        .options(selectinload(InterpretingRequest.institution))
        .order_by(InterpretingRequest.starts_at.desc()).limit(20)
    ).all()
    reports = db.session.scalars(
        sa.select(Assignment).where(Assignment.report_status == "reported")
        .options(selectinload(Assignment.mediator), selectinload(Assignment.request))
        .order_by(Assignment.starts_at).limit(50)
    ).all()
    no_shows = db.session.scalars(
        sa.select(Assignment).where(Assignment.mediator_no_show.is_(True))
        .options(selectinload(Assignment.mediator), selectinload(Assignment.request))
        .order_by(Assignment.starts_at.desc()).limit(20)
    ).all()
    assigned = db.session.scalars(
        sa.select(InterpretingRequest)
        .where(InterpretingRequest.status == "assigned", InterpretingRequest.starts_at > now)
        .options(selectinload(InterpretingRequest.institution),
                 selectinload(InterpretingRequest.assignments).selectinload(Assignment.mediator))
        .order_by(InterpretingRequest.starts_at).limit(50)
    ).all()
    return Dashboard(unfilled=list(unfilled), reports=list(reports), no_shows=list(no_shows),
                     assigned=list(assigned), counts=counts(now))


@dataclass(frozen=True)
class MediatorOffers:
    """A mediator's open offers, upcoming and recent assignments."""

    pending: list[Offer]
    upcoming: list[Assignment]
    past: list[Assignment]


def report_due(mediator_id: int, now: dt.datetime) -> sa.ColumnElement[bool]:
    """The mediator's assignments that have begun and still wait for the hours report."""
    return sa.and_(Assignment.mediator_id == mediator_id, Assignment.status != "cancelled",
                   Assignment.starts_at <= now, Assignment.report_status == "none",
                   Assignment.mediator_no_show.is_(False))


def mediator_offers(mediator_id: int, now: dt.datetime, past_limit: int = 30, *,
                    reports_only: bool = False) -> MediatorOffers:
    """Return what the mediator's offer page lists; only this mediator's rows.

    `reports_only` lists as past assignments exactly those still waiting for a report.
    """
    pending = db.session.scalars(
        sa.select(Offer).where(Offer.mediator_id == mediator_id, Offer.status == "pending",
                               Offer.expires_at > now)
        .options(selectinload(Offer.request).selectinload(InterpretingRequest.institution))
        .order_by(Offer.expires_at)
    ).all()
    mine = (sa.select(Assignment).where(Assignment.mediator_id == mediator_id)
            .options(selectinload(Assignment.request)
                     .selectinload(InterpretingRequest.institution)))
    upcoming = db.session.scalars(
        mine.where(Assignment.status == "active", Assignment.starts_at > now)
        .order_by(Assignment.starts_at)
    ).all()
    past_where = (report_due(mediator_id, now) if reports_only else
                  sa.and_(Assignment.status != "cancelled", Assignment.starts_at <= now))
    past = db.session.scalars(
        mine.where(past_where).order_by(Assignment.starts_at.desc()).limit(past_limit)
    ).all()
    return MediatorOffers(pending=list(pending), upcoming=list(upcoming), past=list(past))


def institution_requests_query(institution_id: int,
                               condition: sa.ColumnElement[bool] | None = None) -> sa.Select:
    """Return an institution's own requests, newest first (paged by the caller).

    `condition` narrows them to one of `request_filters.INSTITUTION_FILTERS`.
    """
    return (
        sa.select(InterpretingRequest)
        .where(InterpretingRequest.institution_id == institution_id)
        .where(condition if condition is not None else sa.true())
        .options(selectinload(InterpretingRequest.assignments).selectinload(Assignment.mediator))
        .order_by(InterpretingRequest.starts_at.desc(), InterpretingRequest.id.desc())
    )
