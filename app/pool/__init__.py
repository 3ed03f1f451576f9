"""The pool of mediators, managed by the coordinator."""

from flask import Blueprint

bp = Blueprint("pool", __name__)

from app.pool import (  # noqa: E402,F401
    bank_routes,
    import_routes,
    on_behalf_routes,
    people,
    routes,
    training,
)
