"""Coordinator area: institutions and their accounts (requests follow in their own issue)."""

from flask import Blueprint

bp = Blueprint("coordination", __name__)

from app.coordination import (  # noqa: E402,F401
    board_routes,
    follow_up_routes,
    planner_routes,
    request_change_routes,
    requests_routes,
)
