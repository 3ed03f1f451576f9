"""A coordinator's display name for a language, over the reviewed list and the ISO names."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import UTCDateTime, now_utc


class LanguageName(db.Model):
    """One language's German and English display name, as the office wants it published.

    Why a table and not only the reviewed list in the code: a town that is asked for a new
    language (or prefers another name) adds it without a release.
    """

    __tablename__ = "language_names"
    __table_args__ = (sa.CheckConstraint("length(code) = 3", name="code_iso639_3"),)

    code: Mapped[str] = mapped_column(sa.String(3), primary_key=True)
    name_de: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, default=now_utc, onupdate=now_utc)
