"""After the appointment: follow-up e-mails, the institution's rating, the mediator's debrief.

Kept apart from the request aggregate because these rows are personal data with their own
retention period (`FEEDBACK_RETENTION_DAYS`) and their own readers (coordinators only).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import in_check
from app.timeutil import UTCDateTime, now_utc

if TYPE_CHECKING:
    from app.models.meeting import Meeting
    from app.models.request import Assignment, InterpretingRequest

FOLLOW_UP_AUDIENCES = ("institution", "mediator")
# what the institution answers on the confirmation link; "cancelled_at_door" is stored as the
# request outcome "no_show" (the mediator came, the appointment did not happen)
FOLLOW_UP_ANSWERS = ("took_place", "no_show", "cancelled_at_door", "mediator_no_show")


class FollowUp(db.Model):
    """One follow-up e-mail per assignment and audience; the row is also the link's use-once."""

    __tablename__ = "follow_up"
    __table_args__ = (
        sa.UniqueConstraint("assignment_id", "audience"),
        in_check("audience", FOLLOW_UP_AUDIENCES, "audience"),
        sa.Index("ix_follow_up_answered_at_sent_at", "answered_at", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assignment.id", ondelete="CASCADE"))
    audience: Mapped[str] = mapped_column(sa.String(20))
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    answered_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    answer: Mapped[str] = mapped_column(sa.String(30), default="")

    assignment: Mapped["Assignment"] = relationship()


class Rating(db.Model):
    """The institution's rating of the interpreting: seen by coordinators only."""

    __tablename__ = "rating"
    __table_args__ = (sa.CheckConstraint("stars BETWEEN 1 AND 5", name="stars"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("interpreting_request.id", ondelete="CASCADE"), unique=True)
    stars: Mapped[int]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    created_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL"))

    request: Mapped["InterpretingRequest"] = relationship()


class Debrief(db.Model):
    """The mediator's debrief; `burdened` alerts the coordinators at once."""

    __tablename__ = "debrief"
    __table_args__ = (sa.Index("ix_debrief_burdened_done", "burdened", "follow_up_done"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assignment.id", ondelete="CASCADE"), unique=True)
    text: Mapped[str] = mapped_column(sa.Text, default="")
    burdened: Mapped[bool] = mapped_column(default=False)
    # the mediator allows the content on the supervision agenda (else only the name shows)
    share_content: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    follow_up_note: Mapped[str] = mapped_column(sa.Text, default="")
    follow_up_done: Mapped[bool] = mapped_column(default=False)
    meeting_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="SET NULL"), index=True)

    assignment: Mapped["Assignment"] = relationship()
    meeting: Mapped[Optional["Meeting"]] = relationship()
