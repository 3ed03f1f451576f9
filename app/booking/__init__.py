"""Booking: requests, offers, assignments, the board, follow-up and the week plan, for the
institution, the coordinator and the mediator."""

from flask import Blueprint

bp = Blueprint("booking", __name__)

from app.booking import (  # noqa: E402,F401
    assignments_mediator,
    board_coordinator,
    board_mediator,
    follow_up_coordinator,
    follow_up_institution,
    follow_up_mediator,
    offers_coordinator,
    request_changes_coordinator,
    request_edit_institution,
    requests_coordinator,
    requests_institution,
    week_plan_coordinator,
)
