"""Reports area (coordinator only): statistics, charts, exports, yearly report, allowances."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from app.reports import allowance_routes, routes  # noqa: E402,F401
