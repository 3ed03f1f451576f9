"""The pool of mediators, managed by the coordinator."""

from flask import Blueprint

bp = Blueprint("pool", __name__)

from app.pool import bank_routes, people, routes, training  # noqa: E402,F401
