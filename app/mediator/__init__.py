"""The mediator's own area (self-service)."""

from flask import Blueprint

bp = Blueprint("mediator", __name__)

from app.mediator import (  # noqa: E402,F401
    assignments,
    board,
    follow_up_routes,
)
