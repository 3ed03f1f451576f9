"""The transactional e-mail outbox: queue inside the business transaction, deliver later."""

from __future__ import annotations

import contextlib
import datetime as dt
import smtplib
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import OutboxMessage
from app.timeutil import now_utc


def enqueue(
    recipient: str,
    subject: str,
    body_text: str,
    *,
    body_html: str = "",
    ics: str = "",
    ics_method: str = "",
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Queue an e-mail in the caller's transaction; a repeated dedupe_key queues nothing."""
    if dedupe_key is not None:
        exists = db.session.scalar(
            sa.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
        )
        if exists:
            return None
    msg = OutboxMessage(
        recipient=recipient,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        ics=ics,
        ics_method=ics_method,
        dedupe_key=dedupe_key,
    )
    db.session.add(msg)
    db.session.flush()
    return msg


def build_email(msg: OutboxMessage, sender: str) -> EmailMessage:
    """Turn an outbox row into a MIME message (text, optional HTML and iTIP parts)."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = msg.recipient
    email["Subject"] = msg.subject
    # deterministic per row: a resend after a crash carries the same id, so it can be deduped
    stamp = int(msg.created_at.timestamp()) if msg.created_at else 0
    email["Message-ID"] = f"<outbox-{msg.id}-{stamp}@skm-pool>"
    email.set_content(msg.body_text)
    if msg.body_html:
        email.add_alternative(msg.body_html, subtype="html")
    if msg.ics:
        method = msg.ics_method or "PUBLISH"
        email.add_alternative(
            msg.ics.encode("utf-8"),
            maintype="text",
            subtype="calendar",
            params={"method": method, "charset": "UTF-8"},
        )
    return email


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=min(2 ** attempts, 240))


def deliver_due(limit: int = 100) -> dict[str, int]:
    """Send due messages one by one, committing each result so a crash never resends a sent one.

    Each row is claimed with a row lock (SKIP LOCKED on PostgreSQL), so two senders never
    deliver the same message.
    """
    cfg = current_app.config
    sent = failed = 0
    smtp: smtplib.SMTP | None = None
    try:
        for _ in range(limit):
            stmt = (
                sa.select(OutboxMessage)
                .where(
                    OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now_utc()
                )
                .order_by(OutboxMessage.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
            msg = db.session.scalars(stmt).first()
            if msg is None:
                break
            try:
                if smtp is None:
                    smtp = _connect(cfg)
                smtp.send_message(build_email(msg, cfg["MAIL_DEFAULT_SENDER"]))
            except (OSError, smtplib.SMTPException) as exc:
                msg.attempts += 1
                msg.last_error = str(exc)[:2000]
                if _permanent(exc):  # the server refuses this message: give up after N tries
                    if msg.attempts >= cfg["OUTBOX_MAX_ATTEMPTS"]:
                        msg.status = "dead"
                    msg.next_attempt_at = now_utc() + _backoff(msg.attempts)
                else:  # the server is down or busy: an outage delays, it never kills a message
                    msg.next_attempt_at = now_utc() + min(
                        _backoff(msg.attempts), dt.timedelta(minutes=15))
                db.session.commit()
                failed += 1
                smtp = None
                break  # the server is unwell: try again on the next run
            msg.status = "sent"
            msg.sent_at = now_utc()
            msg.attempts += 1
            try:
                db.session.commit()
            except IntegrityError:  # pragma: no cover - defensive
                db.session.rollback()
            sent += 1
    finally:
        if smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
    return {"sent": sent, "failed": failed}


def _permanent(exc: Exception) -> bool:
    """Tell a 5xx refusal of this message from an outage (connection error, 4xx)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return True
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and code >= 500 and not isinstance(
        exc, smtplib.SMTPConnectError | smtplib.SMTPServerDisconnected)


def _connect(cfg) -> smtplib.SMTP:
    smtp = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"])
    if cfg["MAIL_USE_TLS"]:
        smtp.starttls()
    if cfg["MAIL_USERNAME"]:
        smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
    return smtp
