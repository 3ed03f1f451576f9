"""The institution's start-page cards: only the user's own institution's requests."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from app.models import InterpretingRequest
from app.models.enums import Role
from app.services.booking import request_filters as filters
from app.services.start.cards import Card, StartContext, card


def _own(ctx: StartContext, key: str, title: str, explanation: str, tone: str) -> Card:
    count = filters.count(filters.institution_condition(key, ctx.now),
                          InterpretingRequest.institution_id == ctx.user.institution_id)
    return Card(key=key, title=title, explanation=explanation, count=count, tone=tone,
                url=url_for("booking.our_requests", filter=key))


@card(Role.INSTITUTION, 10)
def confirm(ctx: StartContext) -> Card:
    return _own(ctx, "confirm", _("Appointments to confirm"),
                _("Say whether the appointment took place."), "attention")


@card(Role.INSTITUTION, 20)
def upcoming(ctx: StartContext) -> Card:
    return _own(ctx, "upcoming", _("Next appointments"),
                _("Appointments with a mediator booked."), "info")


@card(Role.INSTITUTION, 30)
def waiting(ctx: StartContext) -> Card:
    return _own(ctx, "waiting", _("Requests waiting"),
                _("Requests still waiting for a mediator."), "info")
