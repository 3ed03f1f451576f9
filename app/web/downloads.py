"""The Content-Disposition of a download named in the reader's words.

Why: file names carry the report's German title ("Anfragen-pro-Monat", "Übersicht"); browsers
read the RFC 6266/5987 `filename*` for anything beyond ASCII and the plain `filename` for the
rest. `send_file` would do this too, but it also sets its own caching headers, while every
download with personal data must keep the app's `no-store`.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote


def attachment(name: str) -> str:
    """Return the header value offering `name` for saving, with an ASCII fallback."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    plain = plain.replace('"', "")
    if plain == name:
        return f'attachment; filename="{name}"'
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name)}"
