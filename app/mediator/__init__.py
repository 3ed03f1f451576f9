"""The mediator's own area (self-service)."""

from flask import Blueprint

bp = Blueprint("mediator", __name__)

from app.mediator import assignments, board, meetings, routes, self_service  # noqa: E402,F401
