"""Interpreting requests, offers to mediators and assignments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, in_check
from app.models.enums import (
    AssignmentStatus,
    OfferStatus,
    Outcome,
    PhoneCaller,
    ReportStatus,
    RequestStatus,
)
from app.timeutil import UTCDateTime, now_utc

if TYPE_CHECKING:
    from app.models.institution import Institution
    from app.models.mediator import Mediator

# still to be served (matching, offers, the coordinator's queue); the one definition: use
# `InterpretingRequest.is_open` (instances, SQL and templates) rather than listing statuses
OPEN_REQUEST_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.OFFERED)
# requests nobody served: left unfilled, or cancelled by the office with a reason
# (parenthesised: queries AND it with their own conditions)
UNSERVED_SQL = "(status = 'unfilled' OR unfilled_reason IS NOT NULL)"
# what an institution or a coordinator may still cancel (before the appointment starts)
CANCELLABLE_REQUEST_STATUSES = (*OPEN_REQUEST_STATUSES, RequestStatus.ASSIGNED)
# a mediator was booked (reports count these as served)
BOOKED_REQUEST_STATUSES = (RequestStatus.ASSIGNED, RequestStatus.COMPLETED)
OCCASIONS = (
    "parent_meeting",
    "registration",
    "support_plan",
    "parents_evening",
    "settling_in",
    "counselling",
    "other",
)
# why a request was not served: the coordinator picks one when the office cancels a
# request or for an `unfilled` one (the scheduler leaves it empty: "reason missing")
UNFILLED_REASONS = (
    "no_speaker",           # nobody in the pool speaks the language
    "none_available",       # speakers exist, none could come at that time
    "short_notice",         # the lead time was too short
    "occasion_not_served",  # the pool does not serve this occasion
    "other",                # free text in `unfilled_note`
)
PLACE_KINDS = ("institution", "address")
# how the appointment is held (docs/modes.md): on site, by phone or by video; remote modes
# need no travel (no travel buffer, district or mobility rules, no travel pay)
REQUEST_MODES = ("on_site", "phone", "video")
REMOTE_MODES = ("phone", "video")
PREFERRED_GENDERS = ("none", "female", "male")
# how the mediator was asked: a mail with answer links, or the coordinator phoned them and
# records the answer (a volunteer without an account or without an address)
OFFER_CHANNELS = ("email", "phone")
OVERLAP_CONSTRAINT = "ex_assignment_mediator_overlap"


class InterpretingRequest(TimestampMixin, db.Model):
    __tablename__ = "interpreting_request"
    __table_args__ = (
        in_check("status", RequestStatus, "status"),
        in_check("occasion", OCCASIONS, "occasion"),
        in_check("place_kind", PLACE_KINDS, "place_kind"),
        in_check("preferred_gender", PREFERRED_GENDERS, "preferred_gender"),
        in_check("mode", REQUEST_MODES, "mode"),
        in_check("phone_caller", PhoneCaller, "phone_caller", or_empty=True),
        in_check("outcome", Outcome, "outcome", or_null=True),
        in_check("unfilled_reason", UNFILLED_REASONS, "unfilled_reason", or_null=True),
        sa.CheckConstraint("duration_minutes BETWEEN 15 AND 480", name="duration"),
        sa.CheckConstraint("ends_at > starts_at", name="end_after_start"),
        sa.CheckConstraint("family_members BETWEEN 1 AND 30", name="family_members"),
        # covering on PostgreSQL: the yearly report names every status and reads one range per
        # status index-only; no index may lead with starts_at (see migrations 0009, 0019)
        sa.Index("ix_interpreting_request_status_starts_at", "status", "starts_at",
                 postgresql_include=["id", "institution_id", "language_code", "outcome",
                                     "assigned_at", "created_at", "duration_minutes",
                                     "mode"]),
        sa.Index("ix_interpreting_request_institution_starts_at", "institution_id", "starts_at"),
        sa.Index("ix_interpreting_request_language_starts_at", "language_code", "starts_at"),
        # feed ETags read max(updated_at) of all requests: an index makes it one probe
        sa.Index("ix_interpreting_request_updated_at", "updated_at"),
        # the reports' "not served" tables: only the few unserved requests of a period
        sa.Index("ix_interpreting_request_unserved_starts_at", "starts_at",
                 postgresql_include=["language_code", "unfilled_reason"],
                 postgresql_where=sa.text(UNSERVED_SQL), sqlite_where=sa.text(UNSERVED_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("institution.id", ondelete="CASCADE")
    )
    created_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int]
    place_kind: Mapped[str] = mapped_column(sa.String(20), default="institution")
    address: Mapped[str] = mapped_column(sa.String(250), default="")
    room: Mapped[str] = mapped_column(sa.String(100), default="")
    mode: Mapped[str] = mapped_column(sa.String(10), default="on_site",
                                      server_default="on_site")
    # video: the link the institution gave, or the office's room with `video_token`
    meeting_url: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    video_token: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    # phone: the number to dial (or to call back) and who dials
    phone_number: Mapped[str] = mapped_column(sa.String(50), default="", server_default="")
    phone_caller: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")
    language_code: Mapped[str] = mapped_column(sa.String(3))
    variety: Mapped[str] = mapped_column(sa.String(80), default="")
    occasion: Mapped[str] = mapped_column(sa.String(30))
    family_members: Mapped[int] = mapped_column(default=1)
    preferred_gender: Mapped[str] = mapped_column(sa.String(10), default="none")
    # the note for the mediator (written by the institution, or the office on the phone)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # the office's own note (who phoned, its view of the case): coordinators only, never in
    # an institution's or a mediator's page, mail, feed or export
    internal_note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    follow_up_of_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("interpreting_request.id", ondelete="SET NULL")
    )
    series_key: Mapped[Optional[str]] = mapped_column(sa.String(36), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default=RequestStatus.SUBMITTED.value)
    urgent: Mapped[bool] = mapped_column(default=False)
    # "first come, first served" on the open-request board: the first eligible volunteer is
    # booked at once (also for every request with the BOARD_FIRST_COME setting)
    board_first_come: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    assigned_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    escalated_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    late_cancellation: Mapped[bool] = mapped_column(default=False)
    unfilled_reason: Mapped[Optional[str]] = mapped_column(sa.String(30))
    unfilled_note: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    outcome: Mapped[Optional[str]] = mapped_column(sa.String(20))
    outcome_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    note_purged_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)

    institution: Mapped["Institution"] = relationship()
    follow_up_of: Mapped[Optional["InterpretingRequest"]] = relationship(remote_side=[id])
    offers: Mapped[list["Offer"]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="Offer.id"
    )
    assignments: Mapped[list["Assignment"]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="Assignment.id"
    )

    @hybrid_property
    def is_open(self) -> bool:
        """Tell whether the request still waits for a mediator (`where(...is_open)` in SQL)."""
        return self.status in OPEN_REQUEST_STATUSES

    @is_open.inplace.expression
    @classmethod
    def _is_open_expression(cls) -> sa.ColumnElement[bool]:
        return cls.status.in_(OPEN_REQUEST_STATUSES)

    @hybrid_property
    def is_cancellable(self) -> bool:
        """Tell whether the status still allows a cancellation (the caller checks the time)."""
        return self.status in CANCELLABLE_REQUEST_STATUSES

    @is_cancellable.inplace.expression
    @classmethod
    def _is_cancellable_expression(cls) -> sa.ColumnElement[bool]:
        return cls.status.in_(CANCELLABLE_REQUEST_STATUSES)

    @property
    def is_remote(self) -> bool:
        """Tell whether nobody travels (phone or video): no buffer, no travel pay."""
        return self.mode in REMOTE_MODES

    @property
    def on_site(self) -> bool:
        """The opposite of `is_remote` (the planner's `PlanRequest.on_site` reads the same)."""
        return not self.is_remote

    @property
    def live_assignment(self) -> Optional["Assignment"]:
        return next((a for a in self.assignments if a.status != AssignmentStatus.CANCELLED), None)


class Offer(db.Model):
    __tablename__ = "offer"
    __table_args__ = (
        sa.UniqueConstraint("request_id", "mediator_id"),
        in_check("status", OfferStatus, "status"),
        in_check("channel", OFFER_CHANNELS, "channel"),
        sa.Index("ix_offer_mediator_status", "mediator_id", "status"),
        sa.Index("ix_offer_status_expires_at", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("interpreting_request.id", ondelete="CASCADE")
    )
    mediator_id: Mapped[int] = mapped_column(sa.ForeignKey("mediator.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(sa.String(20), default=OfferStatus.PENDING.value)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    channel: Mapped[str] = mapped_column(sa.String(10), default="email", server_default="email")

    request: Mapped[InterpretingRequest] = relationship(back_populates="offers")
    mediator: Mapped["Mediator"] = relationship()


class Assignment(TimestampMixin, db.Model):
    """A mediator booked for a request; times are copied so overlap checks need one table."""

    __tablename__ = "assignment"
    __table_args__ = (
        in_check("status", AssignmentStatus, "status"),
        in_check("report_status", ReportStatus, "report_status"),
        sa.CheckConstraint("ends_at > starts_at", name="end_after_start"),
        sa.CheckConstraint(
            "reported_minutes IS NULL OR reported_minutes BETWEEN 0 AND 960",
            name="reported_minutes",
        ),
        sa.CheckConstraint("travel_km IS NULL OR travel_km >= 0", name="travel_km"),
        sa.CheckConstraint(
            "ticket_cost_cents IS NULL OR ticket_cost_cents >= 0", name="ticket_cost"
        ),
        # at most one live (active or completed) assignment per request
        sa.Index(
            "uq_assignment_live_request",
            "request_id",
            unique=True,
            sqlite_where=sa.text("status != 'cancelled'"),
            postgresql_where=sa.text("status != 'cancelled'"),
        ),
        # covering on PostgreSQL: matching's overlap, weekly-load and fairness facts and the
        # feed ETag are answered by index-only scans, without visiting the table
        sa.Index("ix_assignment_mediator_starts_at", "mediator_id", "starts_at",
                 postgresql_include=["ends_at", "status", "reported_minutes", "request_id",
                                     "updated_at"]),
        # matching's bookings of a language's speakers in one week: one range scan over the
        # week's live bookings, hash-joined to the speakers, not one probe per speaker
        sa.Index("ix_assignment_live_starts_at", "starts_at",
                 postgresql_include=["mediator_id", "ends_at", "status", "request_id"],
                 sqlite_where=sa.text("status != 'cancelled'"),
                 postgresql_where=sa.text("status != 'cancelled'")),
        # the coordinator dashboard's "reports to approve" and "no-shows" lists
        sa.Index("ix_assignment_report_status_starts_at", "report_status", "starts_at"),
        sa.Index("ix_assignment_no_show_starts_at", "mediator_no_show", "starts_at"),
        # req.assignments and selectinload by request: the partial unique index above cannot
        # serve them (it leaves out cancelled rows)
        sa.Index("ix_assignment_request_id", "request_id"),
        # the last line of defence behind booking's row locks and overlap check: no mediator
        # holds two overlapping active assignments, whatever code path writes them.
        # PostgreSQL only (btree_gist, migration 0013); half-open ranges, as the service's check
        postgresql.ExcludeConstraint(
            ("mediator_id", "="),
            (sa.func.tstzrange(sa.literal_column("starts_at"), sa.literal_column("ends_at"),
                               sa.literal_column("'[)'")), "&&"),
            name=OVERLAP_CONSTRAINT, using="gist", where=sa.text("status = 'active'"),
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("interpreting_request.id", ondelete="CASCADE")
    )
    mediator_id: Mapped[int] = mapped_column(sa.ForeignKey("mediator.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(sa.String(20), default=AssignmentStatus.ACTIVE.value)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )
    override_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    sequence: Mapped[int] = mapped_column(default=0)
    cancelled_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    cancelled_by: Mapped[str] = mapped_column(sa.String(20), default="")
    cancel_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    late_cancellation: Mapped[bool] = mapped_column(default=False)
    mediator_no_show: Mapped[bool] = mapped_column(default=False)
    report_status: Mapped[str] = mapped_column(sa.String(20), default=ReportStatus.NONE.value)
    reported_minutes: Mapped[Optional[int]]
    travel_km: Mapped[Optional[Decimal]] = mapped_column(sa.Numeric(7, 1))
    ticket_cost_cents: Mapped[Optional[int]]
    # why the office returned the report (report_status "returned"; kept after the next one)
    return_reason: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    reported_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    approved_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )
    # completed by the scheduler after nobody answered (ASSUME_COMPLETION_AFTER_DAYS)
    completion_assumed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    request: Mapped[InterpretingRequest] = relationship(back_populates="assignments")
    mediator: Mapped["Mediator"] = relationship()
