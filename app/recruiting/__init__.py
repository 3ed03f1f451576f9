"""Public recruiting pages: the application form and the privacy notice (no login)."""

from flask import Blueprint

bp = Blueprint("recruiting", __name__)

from app.recruiting import routes  # noqa: E402,F401
