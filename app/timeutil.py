"""One clock and one UTC column type, so every datetime in the app is aware UTC."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, has_app_context

UTC = dt.UTC
_frozen: dt.datetime | None = None


def now_utc() -> dt.datetime:
    """Return the current aware UTC time (or the frozen test clock)."""
    if _frozen is not None:
        return _frozen
    return dt.datetime.now(UTC)


def freeze(moment: dt.datetime | None) -> None:
    """Freeze the clock at an aware moment, or unfreeze with None (tests, scheduler drills)."""
    global _frozen
    if moment is not None and moment.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen = moment


def local_tz() -> ZoneInfo:
    """Return the configured local zone (Europe/Berlin by default)."""
    name = current_app.config["TIMEZONE"] if has_app_context() else "Europe/Berlin"
    return ZoneInfo(name)


def to_local(value: dt.datetime) -> dt.datetime:
    """Convert an aware datetime to local time for display."""
    return value.astimezone(local_tz())


def from_local(day: dt.date, time: dt.time) -> dt.datetime:
    """Combine a local date and wall-clock time into an aware UTC datetime."""
    return dt.datetime.combine(day, time, tzinfo=local_tz()).astimezone(UTC)


def today_local() -> dt.date:
    """Return today's date in the local zone."""
    return to_local(now_utc()).date()


class UTCDateTime(sa.types.TypeDecorator):
    """Store aware datetimes as UTC and always return aware UTC values, also on SQLite."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
