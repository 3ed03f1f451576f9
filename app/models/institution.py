"""Institutions (schools, Kitas, counselling services) and their contact persons."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import SearchKeyMixin, SortNameMixin, TimestampMixin, in_check

if TYPE_CHECKING:
    from app.models.user import User

INSTITUTION_KINDS = ("school", "kita", "counselling", "other")


class Institution(SearchKeyMixin, SortNameMixin, TimestampMixin, db.Model):
    __tablename__ = "institution"
    SEARCH_FIELDS = ("name", "street", "postcode", "city", "district")
    SORT_FIELDS = ("name",)
    __table_args__ = (
        in_check("kind", INSTITUTION_KINDS, "kind"),
        sa.Index("ix_institution_updated_at", "updated_at"),  # feed ETags
        sa.Index("ix_institution_sort_name", "sort_name", "id"),  # the lists by name
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    street: Mapped[str] = mapped_column(sa.String(200), default="")
    postcode: Mapped[str] = mapped_column(sa.String(10), default="")
    city: Mapped[str] = mapped_column(sa.String(100), default="")
    district: Mapped[str] = mapped_column(sa.String(100), default="", index=True)
    phone: Mapped[str] = mapped_column(sa.String(50), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(default=True)

    contacts: Mapped[list["ContactPerson"]] = relationship(
        back_populates="institution", cascade="all, delete-orphan", order_by="ContactPerson.name"
    )
    users: Mapped[list["User"]] = relationship(back_populates="institution")

    @property
    def address(self) -> str:
        return ", ".join(p for p in (self.street, f"{self.postcode} {self.city}".strip()) if p)


class ContactPerson(db.Model):
    __tablename__ = "contact_person"

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("institution.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(120))
    function: Mapped[str] = mapped_column(sa.String(120), default="")
    phone: Mapped[str] = mapped_column(sa.String(50), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")

    institution: Mapped[Institution] = relationship(back_populates="contacts")
