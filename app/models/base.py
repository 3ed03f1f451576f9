"""Shared column helpers for the models."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.textfold import SORT_NAME_LENGTH, fold_fields, sort_name
from app.timeutil import UTCDateTime, now_utc


def in_check(column: str, values: Iterable[str], name: str, *, or_null: bool = False,
             or_empty: bool = False) -> sa.CheckConstraint:
    """Build a named CHECK constraint that limits a string column to a set of values (an enum
    of `app.models.enums` or a tuple), optionally also allowing NULL or the empty string.

    The SQL text is the one the migrations wrote: change it only with a migration.
    """
    quoted = ", ".join(f"'{v}'" for v in values)
    sql = f"{column} IN ({quoted})"
    if or_null:
        sql = f"{column} IS NULL OR {sql}"
    if or_empty:
        sql = f"{column} = '' OR {sql}"
    return sa.CheckConstraint(sql, name=name)


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


class SortNameMixin:
    """Keep the German sort key of the name (`SORT_FIELDS`, last name first) in `sort_name`.

    Why a stored key: a paginated list is ordered by the database, and neither SQLite's byte
    order nor a PostgreSQL locale sorts "Özdemir" under O. The key (app.textfold.sort_name)
    is compared byte by byte: SQLite's default, and COLLATE "C" on PostgreSQL whatever the
    database's locale. Written like `search_key` on every ORM insert and update.
    """

    SORT_FIELDS: tuple[str, ...] = ()

    sort_name: Mapped[str] = mapped_column(
        sa.String(SORT_NAME_LENGTH).with_variant(
            sa.String(SORT_NAME_LENGTH, collation="C"), "postgresql"),
        default="", server_default="")

    def refresh_sort_name(self) -> None:
        self.sort_name = sort_name(*(getattr(self, f) for f in self.SORT_FIELDS))


@sa.event.listens_for(SortNameMixin, "before_insert", propagate=True)
@sa.event.listens_for(SortNameMixin, "before_update", propagate=True)
def _fill_sort_name(_mapper, _connection, target: SortNameMixin) -> None:
    target.refresh_sort_name()
