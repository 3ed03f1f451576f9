"""Institution area: submit and follow interpreting requests."""

from flask import Blueprint

bp = Blueprint("requests", __name__)

from app.requests import edit_routes, follow_up_routes, routes  # noqa: E402,F401
