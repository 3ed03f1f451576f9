"""Mediators (SKM) with their languages, availability, absences and documents."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import SearchKeyMixin, SortNameMixin, TimestampMixin, in_check
from app.models.enums import MediatorStatus
from app.timeutil import UTCDateTime

if TYPE_CHECKING:
    from app.models.pool import Cohort, ModuleCompletion
    from app.models.user import User

GENDERS = ("female", "male", "diverse")
MOBILITY = ("foot", "bike", "public", "car")
GERMAN_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2", "native")
LANGUAGE_LEVELS = ("B1", "B2", "C1", "C2", "native")
# people who are no longer (or never became) part of the pool: their links stop working,
# their pending offers are withdrawn (docs/security.md, "Links that die with the person")
MEDIATOR_LEFT_STATUSES = (MediatorStatus.RETIRED, MediatorStatus.REJECTED,
                          MediatorStatus.WITHDRAWN)
# everybody else: in the pool or on their way in
MEDIATOR_IN_POOL_STATUSES = tuple(s for s in MediatorStatus if s not in MEDIATOR_LEFT_STATUSES)
DOCUMENT_KINDS = ("pledge", "police_certificate")


class Mediator(SearchKeyMixin, SortNameMixin, TimestampMixin, db.Model):
    __tablename__ = "mediator"
    SEARCH_FIELDS = ("first_name", "last_name", "email", "district", "notes")
    SORT_FIELDS = ("last_name", "first_name")
    __table_args__ = (
        in_check("gender", GENDERS, "gender"),
        in_check("mobility", MOBILITY, "mobility"),
        in_check("german_level", GERMAN_LEVELS, "german_level"),
        in_check("status", MediatorStatus, "status"),
        sa.CheckConstraint("max_per_week >= 0 AND max_per_week <= 40", name="max_per_week"),
        sa.Index("ix_mediator_status_district", "status", "district"),
        sa.Index("ix_mediator_updated_at", "updated_at"),  # feed ETags
        sa.Index("ix_mediator_sort_name", "sort_name", "id"),  # the lists by name
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(sa.String(80))
    last_name: Mapped[str] = mapped_column(sa.String(80), index=True)
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    phone: Mapped[str] = mapped_column(sa.String(50), default="")
    share_phone: Mapped[bool] = mapped_column(default=False)
    gender: Mapped[str] = mapped_column(sa.String(10))
    district: Mapped[str] = mapped_column(sa.String(100), default="")
    # None: not known (an imported list that does not say); shown as "missing", scored lowest
    mobility: Mapped[Optional[str]] = mapped_column(sa.String(10))
    german_level: Mapped[Optional[str]] = mapped_column(sa.String(6))
    status: Mapped[str] = mapped_column(sa.String(20), default=MediatorStatus.APPLICANT.value)
    cohort_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("cohort.id", ondelete="SET NULL"), index=True
    )
    joined_on: Mapped[Optional[dt.date]]
    left_on: Mapped[Optional[dt.date]]
    max_per_week: Mapped[int] = mapped_column(default=3)
    # the request modes the mediator takes (docs/modes.md); everyone took on-site work only
    # before modes existed, so that is the default
    takes_on_site: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    takes_phone: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    takes_video: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    notify_by_email: Mapped[bool] = mapped_column(default=True)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    # bank details for the payout: shown to coordinators only, validated in
    # app/services/pool/bank.py (IBAN kept compact and upper-case)
    account_holder: Mapped[str] = mapped_column(sa.String(70), default="")
    iban: Mapped[str] = mapped_column(sa.String(34), default="")
    bic: Mapped[str] = mapped_column(sa.String(11), default="")
    motivation: Mapped[str] = mapped_column(sa.Text, default="")
    consent_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    erased_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)

    cohort: Mapped[Optional["Cohort"]] = relationship(back_populates="members")
    user: Mapped[Optional["User"]] = relationship(back_populates="mediator")
    languages: Mapped[list["MediatorLanguage"]] = relationship(
        back_populates="mediator", cascade="all, delete-orphan", order_by="MediatorLanguage.id"
    )
    availability: Mapped[list["Availability"]] = relationship(
        back_populates="mediator",
        cascade="all, delete-orphan",
        order_by="(Availability.weekday, Availability.start_time)",
    )
    absences: Mapped[list["Absence"]] = relationship(
        back_populates="mediator", cascade="all, delete-orphan", order_by="Absence.start_date"
    )
    documents: Mapped[list["Document"]] = relationship(
        back_populates="mediator", cascade="all, delete-orphan"
    )
    completions: Mapped[list["ModuleCompletion"]] = relationship(
        back_populates="mediator", cascade="all, delete-orphan"
    )

    @property
    def has_left(self) -> bool:
        """Erased, retired, rejected or withdrawn: no link of theirs works any more."""
        return self.erased_at is not None or self.status in MEDIATOR_LEFT_STATUSES

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def takes(self, mode: str) -> bool:
        """Tell whether the mediator takes requests of a mode (on_site, phone, video)."""
        return bool(getattr(self, f"takes_{mode}", False))

    @property
    def modes(self) -> tuple[str, ...]:
        """The modes taken, in the order of `request.REQUEST_MODES`."""
        return tuple(m for m in ("on_site", "phone", "video") if self.takes(m))

    def document(self, kind: str) -> Optional["Document"]:
        return next((d for d in self.documents if d.kind == kind), None)


class MediatorLanguage(db.Model):
    __tablename__ = "mediator_language"
    __table_args__ = (
        sa.UniqueConstraint("mediator_id", "code", "variety"),
        in_check("level", LANGUAGE_LEVELS, "level"),
        sa.Index("ix_mediator_language_code_mediator", "code", "mediator_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mediator_id: Mapped[int] = mapped_column(sa.ForeignKey("mediator.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(sa.String(3))
    variety: Mapped[str] = mapped_column(sa.String(80), default="")
    level: Mapped[Optional[str]] = mapped_column(sa.String(6))  # None: not known
    confirmed: Mapped[bool] = mapped_column(default=True)

    mediator: Mapped[Mediator] = relationship(back_populates="languages")


class Availability(db.Model):
    """A weekly window (local wall-clock time) in which the mediator can take assignments."""

    __tablename__ = "availability"
    __table_args__ = (
        sa.CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday"),
        sa.CheckConstraint("end_time > start_time", name="end_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mediator_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mediator.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int]
    start_time: Mapped[dt.time]
    end_time: Mapped[dt.time]

    mediator: Mapped[Mediator] = relationship(back_populates="availability")


class Absence(db.Model):
    __tablename__ = "absence"
    __table_args__ = (
        sa.CheckConstraint("end_date >= start_date", name="end_after_start"),
        sa.Index("ix_absence_mediator_dates", "mediator_id", "start_date", "end_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mediator_id: Mapped[int] = mapped_column(sa.ForeignKey("mediator.id", ondelete="CASCADE"))
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date]
    reason: Mapped[str] = mapped_column(sa.String(200), default="")

    mediator: Mapped[Mediator] = relationship(back_populates="absences")


class Document(TimestampMixin, db.Model):
    """A pledge or the § 72a SGB VIII inspection record: no copy, only the allowed facts."""

    __tablename__ = "document"
    __table_args__ = (
        sa.UniqueConstraint("mediator_id", "kind"),
        in_check("kind", DOCUMENT_KINDS, "kind"),
        sa.CheckConstraint(
            "issued_on IS NULL OR issued_on <= recorded_on", name="issued_before_recorded"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mediator_id: Mapped[int] = mapped_column(sa.ForeignKey("mediator.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    # pledge: the day it was signed; police certificate: the day it was inspected
    recorded_on: Mapped[dt.date]
    issued_on: Mapped[Optional[dt.date]]
    has_relevant_entry: Mapped[bool] = mapped_column(default=False)

    mediator: Mapped[Mediator] = relationship(back_populates="documents")
