"""Home page per role, language switch and error pages."""

from flask import Blueprint

bp = Blueprint("site", __name__)

from app.site import legal_routes, routes  # noqa: E402,F401
