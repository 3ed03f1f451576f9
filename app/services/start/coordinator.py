"""The coordinator's start-page cards: each one count query and the list behind it."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.extensions import db
from app.models import Assignment, Meeting, OutboxMessage
from app.models.enums import MeetingStatus, OutboxStatus, ReportStatus, Role
from app.services.booking import debriefs, follow_up
from app.services.booking import request_filters as filters
from app.services.pool import privacy, recruiting
from app.services.start.cards import Card, StartContext, card

EXPIRY_DAYS = 60  # the expiring-documents list's own horizon
MEETING_DAYS = 7  # "next meeting" counts the meetings of the coming week


def _requests(ctx: StartContext, key: str, title: str, explanation: str) -> Card:
    return Card(key=key, title=title, explanation=explanation,
                count=filters.count(filters.coordinator_condition(key, ctx.now)),
                url=url_for("booking.requests_dashboard", filter=key))


@card(Role.COORDINATOR, 8)
def new_requests(ctx: StartContext) -> Card:
    return _requests(ctx, "new", _("New requests"),
                     _("Requests received that nobody has offered or assigned yet."))


@card(Role.COORDINATOR, 10)
def no_candidate(ctx: StartContext) -> Card:
    return _requests(ctx, "no_candidate", _("Requests without a candidate"),
                     _("Open requests in a language no active mediator speaks."))


@card(Role.COORDINATOR, 20)
def unanswered(ctx: StartContext) -> Card:
    return _requests(ctx, "unanswered", _("Offers without an answer"), ngettext(
        "Open requests with an offer unanswered for more than %(num)s hour.",
        "Open requests with an offer unanswered for more than %(num)s hours.",
        current_app.config["ESCALATION_HOURS"]))


@card(Role.COORDINATOR, 30)
def soon(ctx: StartContext) -> Card:
    return _requests(ctx, "soon", _("Still open in the next 48 hours"),
                     _("Appointments within two days that have no mediator yet."))


@card(Role.COORDINATOR, 40)
def reports(ctx: StartContext) -> Card:
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)
                              .where(Assignment.report_status == ReportStatus.REPORTED)) or 0
    return Card(key="reports", title=_("Reported hours to approve"), count=count,
                explanation=_("Hours and travel costs mediators have reported."),
                url=url_for("booking.requests_dashboard", _anchor="reports-h"))


@card(Role.COORDINATOR, 50)
def expiring(ctx: StartContext) -> Card:
    return Card(key="expiring", title=_("Expiring documents"),
                count=privacy.count_expiring_documents(ctx.today, EXPIRY_DAYS),
                explanation=ngettext("Police certificates due within %(num)s day or overdue.",
                                     "Police certificates due within %(num)s days or overdue.",
                                     EXPIRY_DAYS),
                url=url_for("pool.expiring_documents"))


@card(Role.COORDINATOR, 60)
def dead_mail(ctx: StartContext) -> Card:
    count = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                              .where(OutboxMessage.status == OutboxStatus.DEAD)) or 0
    return Card(key="dead_mail", title=_("E-mails not delivered"), count=count,
                explanation=_("Messages the mail server refused for good: retry or discard."),
                url=url_for("accounts.outbox_page"))


@card(Role.COORDINATOR, 70)
def applicants(ctx: StartContext) -> Card:
    return Card(key="applicants", title=_("Applicants waiting"),
                count=recruiting.count_pipeline(),
                explanation=_("Applicants and people in training waiting for the next step."),
                url=url_for("pool.applicants"))


def next_meetings(condition, now: dt.datetime) -> tuple[int, Meeting | None]:
    """Return how many meetings (matching `condition`) the coming week holds, and the next."""
    coming = sa.and_(condition, Meeting.status != MeetingStatus.CANCELLED, Meeting.starts_at >= now)
    week = db.session.scalar(sa.select(sa.func.count()).select_from(Meeting).where(
        coming, Meeting.starts_at < now + dt.timedelta(days=MEETING_DAYS))) or 0
    first = db.session.scalars(
        sa.select(Meeting).where(coming).order_by(Meeting.starts_at).limit(1)).first()
    return week, first


@card(Role.COORDINATOR, 80)
def meeting(ctx: StartContext) -> Card:
    count, first = next_meetings(sa.true(), ctx.now)
    return Card(key="meeting", title=_("Next meeting"), count=count, tone="info",
                explanation=_("Meetings in the coming seven days."),
                detail=first.title if first else _("No meeting planned."),
                when=first.starts_at if first else None, url=url_for("calendar.meetings"))


@card(Role.COORDINATOR, 5)
def burdened(ctx: StartContext) -> Card:
    """First on the page: a volunteer said a conversation weighed on them."""
    return Card(key="burdened", title=_("Conversations that weighed on a mediator"),
                count=debriefs.burdened_debriefs(db.session),
                explanation=_("Debriefs marked as a burden whose follow-up is not done yet."),
                url=url_for("booking.debriefs"))


@card(Role.COORDINATOR, 45)
def follow_ups(ctx: StartContext) -> Card:
    return Card(key="follow_ups", title=_("Follow-ups without an answer"),
                count=follow_up.unanswered_follow_ups(db.session, ctx.now),
                explanation=_("Appointments whose confirmation or report is still missing "
                              "after the reminder."),
                url=url_for("booking.follow_ups"))
