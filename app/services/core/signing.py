"""Every signed token of the app, under one key ring: SECRET_KEY and SECRET_KEY_FALLBACKS.

New tokens are signed with SECRET_KEY; tokens signed with a key in SECRET_KEY_FALLBACKS still
verify, so a rotation ends nothing until the old key is removed from the fallbacks
(docs/operations.md, "Rotate keys"). The order follows Flask's session cookie: itsdangerous
signs with the last key and tries every key when it verifies.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer


def key_ring() -> list[str]:
    """The fallbacks, then the current key (the one new tokens are signed with)."""
    config = current_app.config
    return [*config["SECRET_KEY_FALLBACKS"], config["SECRET_KEY"]]


def serializer(salt: str, *, timed: bool = True) -> URLSafeTimedSerializer | URLSafeSerializer:
    """A URL-safe serializer for `salt` that signs with SECRET_KEY and accepts the fallbacks;
    `timed` ones carry a timestamp for `loads(..., max_age=...)`."""
    return (URLSafeTimedSerializer if timed else URLSafeSerializer)(key_ring(), salt=salt)
