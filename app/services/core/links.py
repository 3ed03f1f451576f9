"""Absolute links for mails, feeds and calendar files, built from BASE_URL in one place.

Why one place: mails are queued from web requests, CLI commands and scheduler jobs alike.
`url_for(..., _external=True)` needs a request or SERVER_NAME (production sets neither for the
scheduler), and adding BASE_URL to a request's own path doubles a path prefix behind a proxy.
Binding the URL map to BASE_URL gives the same link everywhere.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    """Return the absolute URL of `endpoint` on BASE_URL (scheme, host and path prefix).

    Works inside and outside a request, with or without SERVER_NAME. Endpoint names are
    plain strings, so a renamed view is one search away.
    """
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path.rstrip("/") or "/",
        url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)
