"""Shared column helpers for the models."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.textfold import fold_fields
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


class SearchKeyMixin:
    """Keep a folded copy of the searchable fields (`SEARCH_FIELDS`) in `search_key`.

    Why a column the model fills and not `unaccent()`: it works the same on SQLite and
    PostgreSQL, and a search is one LIKE on one column. Written on every ORM insert and
    update; Core statements that change a searched field must set it themselves (the
    migration that added it filled the existing rows).
    """

    SEARCH_FIELDS: tuple[str, ...] = ()

    search_key: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    def refresh_search_key(self) -> None:
        self.search_key = fold_fields(*(getattr(self, f) for f in self.SEARCH_FIELDS))


@sa.event.listens_for(SearchKeyMixin, "before_insert", propagate=True)
@sa.event.listens_for(SearchKeyMixin, "before_update", propagate=True)
def _fill_search_key(_mapper, _connection, target: SearchKeyMixin) -> None:
    target.refresh_search_key()
