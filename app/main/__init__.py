"""Home page per role, language switch and error pages."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from app.main import legal_routes, routes  # noqa: E402,F401
