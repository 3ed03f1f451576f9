"""The e-mail outbox, sent-reminder keys, iTIP sequence numbers, the audit log and the
scheduler's last runs."""

from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import in_check
from app.models.enums import OutboxStatus
from app.timeutil import UTCDateTime, now_utc


class OutboxMessage(db.Model):
    """An e-mail written in the same transaction as the change that caused it."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        in_check("status", OutboxStatus, "status"),
        sa.Index("ix_outbox_message_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(250))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    ics: Mapped[str] = mapped_column(sa.Text, default="")
    ics_method: Mapped[str] = mapped_column(sa.String(20), default="")
    dedupe_key: Mapped[Optional[str]] = mapped_column(sa.String(200), unique=True)
    status: Mapped[str] = mapped_column(sa.String(10), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
    sent_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")


class SentReminder(db.Model):
    """A unique key per reminder, so restarts or a second scheduler never send one twice."""

    __tablename__ = "sent_reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)


class IcsSequence(db.Model):
    """The last iTIP SEQUENCE sent per event UID and recipient."""

    __tablename__ = "ics_sequence"
    __table_args__ = (sa.UniqueConstraint("uid", "recipient"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(sa.String(200))
    recipient: Mapped[str] = mapped_column(sa.String(254))
    sequence: Mapped[int] = mapped_column(default=0)


class AuditLog(db.Model):
    """Append-only record of who touched personal data or assignments."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    actor_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("app_user.id", ondelete="SET NULL")
    )
    actor_label: Mapped[str] = mapped_column(sa.String(254), default="")
    action: Mapped[str] = mapped_column(sa.String(40))
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[Optional[int]]
    details: Mapped[str] = mapped_column(sa.Text, default="")


class FactStamp(db.Model):
    """A random stamp per family of cached facts, rewritten by every commit that changes them.

    Why random and not a counter: a stamp written by a transaction that rolls back is never
    committed, so a copy cached under it can never pass for the current one
    (see `app.services.matching.cache`).
    """

    __tablename__ = "fact_stamp"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    stamp: Mapped[str] = mapped_column(sa.String(32))


class SchedulerRun(db.Model):
    """When the acting scheduler last ran each job (and its heartbeat): read by /metrics.

    One row per job id of `app.scheduler.JOBS`, plus `scheduler.heartbeat`, written by the
    scheduler after each run in a transaction of its own (`app.services.core.scheduler_runs`).
    """

    __tablename__ = "scheduler_run"

    job: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    last_run_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    last_ok_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    last_failed_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime)
    holder: Mapped[str] = mapped_column(sa.String(120), default="")
class MaintenanceNotice(db.Model):
    """Maintenance mode: while this one row exists, every page shows `message` and every
    change (POST, PUT, PATCH, DELETE) is answered 503 (`app.services.core.maintenance`).

    In the database, not in a worker's memory or a file, so every worker of every host sees
    the same switch (`flask maintenance on|off`).
    """

    __tablename__ = "maintenance_notice"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1 (the service writes it)
    message: Mapped[str] = mapped_column(sa.Text, default="")
    since: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=now_utc)
