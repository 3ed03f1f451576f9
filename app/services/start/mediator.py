"""The mediator's start-page cards: only the logged-in mediator's offers and appointments."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from app.extensions import db
from app.models import Assignment, Offer
from app.models.enums import AssignmentStatus, OfferStatus, Role
from app.services.booking import dashboard
from app.services.calendar import meeting_admin
from app.services.start.cards import Card, StartContext, card
from app.services.start.coordinator import next_meetings


def _count(stmt) -> int:
    return db.session.scalar(stmt) or 0


@card(Role.MEDIATOR, 10)
def offers(ctx: StartContext) -> Card:
    count = _count(sa.select(sa.func.count()).select_from(Offer).where(
        Offer.mediator_id == ctx.user.mediator_id, Offer.status == OfferStatus.PENDING,
        Offer.expires_at > ctx.now))
    return Card(key="offers", title=_("Offers to answer"), count=count,
                explanation=_("Appointments you are asked to take: yes or no."),
                url=url_for("booking.my_offers", show="offers"))


@card(Role.MEDIATOR, 20)
def reports(ctx: StartContext) -> Card:
    count = _count(sa.select(sa.func.count()).select_from(Assignment).where(
        dashboard.report_due(ctx.user.mediator_id, ctx.now)))
    return Card(key="reports", title=_("Reports to send"), count=count,
                explanation=_("Past appointments: report the time and travel costs."),
                url=url_for("booking.my_offers", show="reports"))


@card(Role.MEDIATOR, 30)
def upcoming(ctx: StartContext) -> Card:
    count = _count(sa.select(sa.func.count()).select_from(Assignment).where(
        Assignment.mediator_id == ctx.user.mediator_id,
        Assignment.status == AssignmentStatus.ACTIVE,
        Assignment.starts_at > ctx.now))
    return Card(key="upcoming", title=_("Next appointments"), count=count, tone="info",
                explanation=_("Appointments you have taken."),
                url=url_for("booking.my_offers", show="upcoming"))


@card(Role.MEDIATOR, 40)
def meeting(ctx: StartContext) -> Card:
    count, first = next_meetings(meeting_admin.visible_to(ctx.user.mediator_id), ctx.now)
    return Card(key="meeting", title=_("Next meeting"), count=count, tone="info",
                explanation=_("Exchange meetings and your supervision in the coming seven days."),
                detail=first.title if first else _("No meeting planned."),
                when=first.starts_at if first else None, url=url_for("calendar.my_meetings"))
