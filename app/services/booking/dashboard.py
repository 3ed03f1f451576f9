"""Read what the coordinator's request dashboard and a mediator's offer page list.

Why here and not in the views: each list is a rule of the office (what counts as open, which
reports wait for approval, how many rows a glance needs), and views run no query of their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Assignment, Institution, InterpretingRequest, Mediator, Offer
from app.models.enums import AssignmentStatus, OfferStatus, ReportStatus, RequestStatus
from app.models.request import OPEN_REQUEST_STATUSES
from app.timeutil import now_utc


class RequestLine(NamedTuple):
    """One line of the dashboard's short request lists (unfilled, upcoming assignments)."""

    id: int
    starts_at: dt.datetime
    status: str
    language_code: str
    institution_name: str
    unfilled_reason: str | None
    mediator_name: str | None  # the live assignment's mediator (upcoming list)


class AssignmentLine(NamedTuple):
    """One line of the reports-to-approve and no-show lists."""

    id: int
    request_id: int
    starts_at: dt.datetime
    mediator_name: str
    reported_minutes: int | None
    completion_assumed: bool
    travel_km: object
    ticket_cost_cents: int | None


@dataclass(frozen=True)
class Dashboard:
    """The coordinator's lists beside the paged open requests."""

    unfilled: list[RequestLine]
    reports: list[AssignmentLine]
    no_shows: list[AssignmentLine]
    assigned: list[RequestLine]
    counts: dict[str, int]


def open_requests_query(condition: sa.ColumnElement[bool] | None = None) -> sa.Select:
    """Return the open requests, most urgent first (paged by the caller: there are many).

    `condition` narrows them to one of `request_filters.COORDINATOR_FILTERS`.
    """
    return (
        sa.select(InterpretingRequest)
        .where(InterpretingRequest.status.in_(OPEN_REQUEST_STATUSES))
        .where(condition if condition is not None else sa.true())
        # the list shows the institution's name and counts the offers by status: loading
        # just those columns halves the objects' cost on a page of fifty requests
        .options(selectinload(InterpretingRequest.institution).load_only(Institution.name),
                 selectinload(InterpretingRequest.offers).load_only(Offer.status))
        .order_by(InterpretingRequest.starts_at, InterpretingRequest.id)
    )


UNFILLED_DAYS = 90  # the dashboard counts the requests left unfilled in this many days


def counts(now: dt.datetime) -> dict[str, int]:
    """Count the requests per open status and the recently unfilled ones.

    Why unfilled only of the last UNFILLED_DAYS: the number to act on is the recent one, and
    counting every unfilled request ever made the dashboard slower with every year of history.
    One statement of scalar counts, each an index-only range scan (an OR of statuses in one
    scan made PostgreSQL visit the table's pages instead).
    """
    req = InterpretingRequest

    def count(*where) -> sa.ScalarSelect:
        return sa.select(sa.func.count()).select_from(req).where(*where).scalar_subquery()

    row = db.session.execute(sa.select(
        count(req.status == RequestStatus.SUBMITTED),
        count(req.status == RequestStatus.OFFERED),
        count(req.status == RequestStatus.UNFILLED,
              req.starts_at >= now - dt.timedelta(days=UNFILLED_DAYS)),
    )).one()
    return {"submitted": row[0], "offered": row[1], "unfilled": row[2],
            "unfilled_days": UNFILLED_DAYS}


def _request_lines(*where, order, limit: int) -> list[RequestLine]:
    r, a, m = InterpretingRequest, Assignment, Mediator
    name = sa.func.trim(m.first_name + " " + m.last_name)
    rows = db.session.execute(
        sa.select(r.id, r.starts_at, r.status, r.language_code, Institution.name,
                  r.unfilled_reason, name)
        .join(Institution, Institution.id == r.institution_id)
        .outerjoin(a, sa.and_(a.request_id == r.id, a.status != AssignmentStatus.CANCELLED))
        .outerjoin(m, m.id == a.mediator_id)
        .where(*where).order_by(*order).limit(limit))
    return [RequestLine(*row) for row in rows]


def _assignment_lines(*where, order, limit: int) -> list[AssignmentLine]:
    a, m = Assignment, Mediator
    rows = db.session.execute(
        sa.select(a.id, a.request_id, a.starts_at, sa.func.trim(m.first_name + " " + m.last_name),
                  a.reported_minutes, a.completion_assumed, a.travel_km, a.ticket_cost_cents)
        .join(m, m.id == a.mediator_id).where(*where).order_by(*order).limit(limit))
    return [AssignmentLine(*row) for row in rows]


def coordinator_dashboard(now: dt.datetime) -> Dashboard:
    """Return the short lists of the dashboard: unfilled, reports, no-shows, coming up.

    Plain rows of the columns the page shows, one query per list: as ORM objects with their
    relations the four lists were 57 ms of the page, as rows 15 ms.
    """
    r, a = InterpretingRequest, Assignment
    return Dashboard(
        unfilled=_request_lines(r.status == RequestStatus.UNFILLED, order=(r.starts_at.desc(),),
                                limit=20),
        reports=_assignment_lines(a.report_status == ReportStatus.REPORTED, order=(a.starts_at,),
                                  limit=50),
        no_shows=_assignment_lines(a.mediator_no_show.is_(True), order=(a.starts_at.desc(),),
                                   limit=20),
        assigned=_request_lines(r.status == RequestStatus.ASSIGNED, r.starts_at > now,
                                order=(r.starts_at,), limit=50),
        counts=counts(now))


@dataclass(frozen=True)
class MediatorOffers:
    """A mediator's open offers, upcoming and recent assignments."""

    pending: list[Offer]
    upcoming: list[Assignment]
    past: list[Assignment]


def report_due(mediator_id: int, now: dt.datetime) -> sa.ColumnElement[bool]:
    """The mediator's assignments that have begun and still wait for the hours report
    (none sent yet, or the office returned it)."""
    return sa.and_(Assignment.mediator_id == mediator_id,
                   Assignment.status != AssignmentStatus.CANCELLED,
                   Assignment.starts_at <= now,
                   Assignment.report_status.in_((ReportStatus.NONE, ReportStatus.RETURNED)),
                   Assignment.mediator_no_show.is_(False))


def mediator_offers(mediator_id: int, now: dt.datetime, past_limit: int = 30, *,
                    reports_only: bool = False) -> MediatorOffers:
    """Return what the mediator's offer page lists; only this mediator's rows.

    `reports_only` lists as past assignments exactly those still waiting for a report.
    """
    pending = db.session.scalars(
        sa.select(Offer).where(Offer.mediator_id == mediator_id,
                               Offer.status == OfferStatus.PENDING,
                               Offer.expires_at > now)
        .options(selectinload(Offer.request).selectinload(InterpretingRequest.institution))
        .order_by(Offer.expires_at)
    ).all()
    mine = (sa.select(Assignment).where(Assignment.mediator_id == mediator_id)
            .options(selectinload(Assignment.request)
                     .selectinload(InterpretingRequest.institution)))
    upcoming = db.session.scalars(
        mine.where(Assignment.status == AssignmentStatus.ACTIVE, Assignment.starts_at > now)
        .order_by(Assignment.starts_at)
    ).all()
    past_where = (report_due(mediator_id, now) if reports_only else
                  sa.and_(Assignment.status != AssignmentStatus.CANCELLED,
                          Assignment.starts_at <= now))
    past = db.session.scalars(
        mine.where(past_where).order_by(Assignment.starts_at.desc()).limit(past_limit)
    ).all()
    return MediatorOffers(pending=list(pending), upcoming=list(upcoming), past=list(past))


def institution_requests_query(institution_id: int,
                               condition: sa.ColumnElement[bool] | None = None,
                               now: dt.datetime | None = None) -> sa.Select:
    """Return an institution's own requests, nearest first (paged by the caller).

    Coming appointments first, the soonest at the top (today, this week, later), then the
    past ones, the most recent first: the list used to run "later" before "today".
    `condition` narrows them to one of `request_filters.INSTITUTION_FILTERS`.
    """
    r = InterpretingRequest
    now = now or now_utc()
    past = r.starts_at < now
    return (
        sa.select(r)
        .where(r.institution_id == institution_id)
        .where(condition if condition is not None else sa.true())
        .options(selectinload(r.assignments).selectinload(Assignment.mediator))
        .order_by(sa.case((past, 1), else_=0),
                  sa.case((past, None), else_=r.starts_at).asc(),
                  r.starts_at.desc(), r.id.desc())
    )
