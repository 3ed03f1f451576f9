"""Exchange meetings and supervision sessions: a series rule plus one row per occurrence."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, in_check
from app.models.enums import MeetingStatus
from app.timeutil import UTCDateTime

if TYPE_CHECKING:
    from app.models.mediator import Mediator
    from app.models.pool import SupervisionGroup

MEETING_KINDS = ("exchange", "supervision")


class MeetingSeries(TimestampMixin, db.Model):
    """A recurring meeting; wall-clock start in the local zone so DST never shifts it."""

    __tablename__ = "meeting_series"
    __table_args__ = (
        in_check("kind", MEETING_KINDS, "kind"),
        sa.CheckConstraint("duration_minutes > 0", name="duration_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    group_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("supervision_group.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    place: Mapped[str] = mapped_column(sa.String(250), default="")
    agenda: Mapped[str] = mapped_column(sa.Text, default="")
    rrule: Mapped[str] = mapped_column(sa.String(250))
    first_start_local: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=False))
    duration_minutes: Mapped[int] = mapped_column(default=120)
    until: Mapped[Optional[dt.date]]
    sequence: Mapped[int] = mapped_column(default=0)

    group: Mapped[Optional["SupervisionGroup"]] = relationship()
    occurrences: Mapped[list["Meeting"]] = relationship(
        back_populates="series", cascade="all, delete-orphan", order_by="Meeting.starts_at"
    )


class Meeting(TimestampMixin, db.Model):
    """One occurrence (of a series, or a single date); moved/cancelled ones override the rule."""

    __tablename__ = "meeting"
    __table_args__ = (
        in_check("kind", MEETING_KINDS, "kind"),
        in_check("status", MeetingStatus, "status"),
        sa.CheckConstraint("ends_at > starts_at", name="end_after_start"),
        sa.UniqueConstraint("series_id", "recurrence_id"),
        sa.Index("ix_meeting_starts_at", "starts_at"),
        sa.Index("ix_meeting_kind_updated_at", "kind", "updated_at"),  # feed ETags
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("meeting_series.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(sa.String(20))
    group_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("supervision_group.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    recurrence_id: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(sa.String(250), default="")
    agenda: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(20), default=MeetingStatus.SCHEDULED.value)
    sequence: Mapped[int] = mapped_column(default=0)

    series: Mapped[Optional[MeetingSeries]] = relationship(back_populates="occurrences")
    group: Mapped[Optional["SupervisionGroup"]] = relationship()
    attendances: Mapped[list["MeetingAttendance"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan"
    )


class MeetingAttendance(db.Model):
    __tablename__ = "meeting_attendance"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "mediator_id"),
        sa.CheckConstraint("rsvp IS NULL OR rsvp IN ('yes', 'no', 'maybe')", name="rsvp"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"))
    mediator_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mediator.id", ondelete="CASCADE"), index=True
    )
    rsvp: Mapped[Optional[str]] = mapped_column(sa.String(10))
    attended: Mapped[Optional[bool]]

    meeting: Mapped[Meeting] = relationship(back_populates="attendances")
    mediator: Mapped["Mediator"] = relationship()
