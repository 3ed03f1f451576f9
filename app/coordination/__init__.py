"""Coordinator area: institutions and their accounts (requests follow in their own issue)."""

from flask import Blueprint

bp = Blueprint("coordination", __name__)

from app.coordination import planner_routes, requests_routes, routes  # noqa: E402,F401
