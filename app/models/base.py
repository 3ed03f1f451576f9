"""Shared column helpers for the models."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.timeutil import UTCDateTime, now_utc


def in_check(column: str, values: Iterable[str], name: str) -> sa.CheckConstraint:
    """Build a named CHECK constraint that limits a string column to a set of values."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return sa.CheckConstraint(f"{column} IN ({quoted})", name=name)


class TimestampMixin:
    """Created/updated timestamps in UTC."""

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, default=now_utc, onupdate=now_utc
    )
