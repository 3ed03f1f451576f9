"""List who holds a calendar link, for the coordinator who can switch links off.

Apart from `feeds` (which serves and signs the feeds) because this is an office overview,
not part of answering a calendar app.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.models import User


def holders_query() -> sa.Select:
    """Return the enabled accounts with a live feed link, by role and e-mail (paged by caller)."""
    return (sa.select(User).where(User.feed_secret.is_not(None), User.is_enabled.is_(True))
            .order_by(User.role, User.email))
