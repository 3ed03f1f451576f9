"""HTTP security headers and the database-outage page.

Feed URLs carry secret tokens, so no page may leak its URL through the Referer header.
"""

from __future__ import annotations

from flask import Flask, Response, render_template
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError, OperationalError

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # inline style attributes (e.g. SVG charts) are allowed; inline scripts never are
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def register_security(app: Flask) -> None:
    """Add security headers to every response and answer database outages with a 503."""

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response

    def _unavailable(_exc):
        from app.extensions import db

        db.session.rollback()
        body = render_template(
            "errors/error.html",
            code=503,
            title=_("Temporarily unavailable"),
            text=_("The database cannot be reached at the moment. Please try again shortly."),
        )
        return body, 503, {"Retry-After": "30"}

    app.register_error_handler(OperationalError, _unavailable)
    app.register_error_handler(DBAPIError, _unavailable)
