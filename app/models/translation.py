"""A message of the mediators' side as the pool's own reviewers corrected it."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import UTCDateTime, now_utc


class TranslationOverride(db.Model):
    """One reviewed translation of one message into one of the mediators' languages.

    Why a table and not the catalog file: a volunteer reviews the wording in a spreadsheet
    and the office imports it in the app (`app.services.core.translation_review`); every
    worker applies it at once, without a release, and the catalog file stays the source.
    `forms` holds one text, or one per plural form of the language.
    """

    __tablename__ = "translation_override"
    __table_args__ = (sa.UniqueConstraint("locale", "msgid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    locale: Mapped[str] = mapped_column(sa.String(5))
    msgid: Mapped[str] = mapped_column(sa.Text)
    forms: Mapped[list] = mapped_column(sa.JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, default=now_utc, onupdate=now_utc)
