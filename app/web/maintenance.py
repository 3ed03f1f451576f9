"""Maintenance mode in the web layer: a banner on every page, 503 for every change.

While `flask maintenance on "Text"` is in force (`app.services.core.maintenance`), a request
that would change something (POST, PUT, PATCH, DELETE; after the CSRF check) gets a 503 page
with the operator's text and Retry-After, before any view runs, so nothing is saved half-way
through an upgrade.
Pages (GET, HEAD) work and show the text in a KERN alert. Probes (/healthz, /readyz),
/metrics, static files and calendar feeds never read the switch: they keep working and cost
no query.
"""

from __future__ import annotations

from flask import Flask, render_template, request

from app.services.core import maintenance
from app.web import errors

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
EXEMPT_ENDPOINTS = frozenset({"static", "site.healthz", "site.readyz", "calendar.feed"})
EXEMPT_PATHS = ("/metrics",)
RETRY_AFTER = "300"


def _exempt() -> bool:
    return request.endpoint in EXEMPT_ENDPOINTS or request.path.startswith(EXEMPT_PATHS)


def register_maintenance(app: Flask) -> None:
    @app.before_request
    def _pause_changes():
        if request.method not in UNSAFE or _exempt():
            return None
        notice = maintenance.current()
        if notice is None:
            return None
        errors.mark_logged()  # an announced pause, not an error worth an ERROR line
        body = render_template("errors/maintenance.html", notice=notice)
        return body, 503, {"Retry-After": RETRY_AFTER, "Cache-Control": "no-store"}

    @app.context_processor
    def _maintenance_notice() -> dict:
        """Pages read the switch only when they render the banner (see base.html)."""
        return {"maintenance_notice": maintenance.current}
