"""The one check for redirect targets that come from the user (`next=`, the language switch).

Why: a target must stay on this site (no open redirect), and a CR/LF in it used to reach the
Location header, where werkzeug refuses it with a 500 after a successful login. A target that
is not a plain local path is dropped and the caller falls back to its default page.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

MAX_LENGTH = 2000
# any control character, also percent-encoded (%0d%0a), backslashes and bidi overrides
_REFUSED = re.compile("[\x00-\x1f\x7f-\x9f\\\\\u202a-\u202e\u2066-\u2069]")


def safe_next(target: str | None) -> str | None:
    """Return the target if it is a local path without control characters, else None."""
    if not target or len(target) > MAX_LENGTH:
        return None
    if _REFUSED.search(target) or _REFUSED.search(unquote(target)):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
