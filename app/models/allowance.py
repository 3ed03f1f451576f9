"""Expense-allowance rules per calendar year and the monthly statements paid to mediators."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.base import TimestampMixin, in_check
from app.timeutil import UTCDateTime, now_utc

if TYPE_CHECKING:
    from app.models.mediator import Mediator
    from app.models.user import User

STATEMENT_KINDS = ("regular", "correction")


class AllowanceRule(TimestampMixin, db.Model):
    """The allowance rule and the tax-free cap (§ 3 Nr. 26a EStG) of one calendar year."""

    __tablename__ = "allowance_rule"
    __table_args__ = (
        sa.CheckConstraint(
            "hourly_rate_cents >= 0 AND minimum_cents >= 0 AND per_km_cents >= 0 "
            "AND annual_cap_cents >= 0",
            name="non_negative",
        ),
        sa.CheckConstraint("warn_percent BETWEEN 1 AND 100", name="warn_percent"),
        sa.CheckConstraint("remote_time_percent BETWEEN 0 AND 100", name="remote_time_percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    hourly_rate_cents: Mapped[int]
    minimum_cents: Mapped[int] = mapped_column(default=0)
    per_km_cents: Mapped[int] = mapped_column(default=30)
    reimburse_tickets: Mapped[bool] = mapped_column(default=True)
    annual_cap_cents: Mapped[int]
    warn_percent: Mapped[int] = mapped_column(default=80)
    # how much of the time allowance a phone or video assignment pays (100: the same as on
    # site); remote assignments never pay travel
    remote_time_percent: Mapped[int] = mapped_column(default=100, server_default="100")


class AllowanceStatement(db.Model):
    """A mediator's statement for one month; frozen once exported (corrections are new rows)."""

    __tablename__ = "allowance_statement"
    __table_args__ = (
        in_check("kind", STATEMENT_KINDS, "kind"),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name="month"),
        sa.Index("ix_allowance_statement_year_month", "year", "month"),
        sa.Index("ix_allowance_statement_mediator_year", "mediator_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mediator_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("mediator.id", ondelete="SET NULL")
    )
    year: Mapped[int]
    month: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(20), default="regular")
    minutes: Mapped[int] = mapped_column(default=0)
    fee_cents: Mapped[int] = mapped_column(default=0)
    travel_cents: Mapped[int] = mapped_column(default=0)
    total_cents: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )
    exported_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    exported_by_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )
    # one export run: the SEPA message id, shared by the statements frozen together
    export_batch: Mapped[str] = mapped_column(sa.String(35), default="", index=True)
    reference: Mapped[str] = mapped_column(sa.String(40), default="")
    payee_name: Mapped[str] = mapped_column(sa.String(170), default="")
    iban: Mapped[str] = mapped_column(sa.String(34), default="")
    bic: Mapped[str] = mapped_column(sa.String(11), default="")

    mediator: Mapped[Optional["Mediator"]] = relationship()
    exported_by: Mapped[Optional["User"]] = relationship(foreign_keys=[exported_by_id])
    lines: Mapped[list["AllowanceStatementLine"]] = relationship(
        back_populates="statement", cascade="all, delete-orphan",
        order_by="AllowanceStatementLine.service_date",
    )


class AllowanceStatementLine(db.Model):
    """One assignment (or a manual correction) on a statement, with the amounts as computed."""

    __tablename__ = "allowance_statement_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("allowance_statement.id", ondelete="CASCADE"), index=True
    )
    assignment_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("assignment.id", ondelete="SET NULL"), index=True
    )
    service_date: Mapped[dt.date]
    minutes: Mapped[int] = mapped_column(default=0)
    travel_km: Mapped[Decimal] = mapped_column(sa.Numeric(7, 1), default=Decimal("0"))
    ticket_cents: Mapped[int] = mapped_column(default=0)
    fee_cents: Mapped[int] = mapped_column(default=0)
    travel_cents: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(sa.String(500), default="")

    statement: Mapped[AllowanceStatement] = relationship(back_populates="lines")


class ExportedStatementError(Exception):
    """Raised by the ORM guard when code tries to change an exported statement."""


def _was_exported(statement: AllowanceStatement) -> bool:
    history = sa.inspect(statement).attrs.exported_at.history
    before = (history.deleted or history.unchanged or [None])[0]
    return before is not None


@event.listens_for(AllowanceStatement, "before_update")
@event.listens_for(AllowanceStatement, "before_delete")
def _guard_statement(mapper, connection, target: AllowanceStatement) -> None:
    """Refuse any change to an exported statement, whatever code path tries it."""
    if _was_exported(target):
        raise ExportedStatementError(f"allowance statement {target.id} is exported")


@event.listens_for(AllowanceStatementLine, "before_update")
@event.listens_for(AllowanceStatementLine, "before_delete")
def _guard_line(mapper, connection, target: AllowanceStatementLine) -> None:
    statement = target.statement
    if statement is not None and statement.exported_at is not None:
        raise ExportedStatementError(f"line {target.id} belongs to an exported statement")
