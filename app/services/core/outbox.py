"""The transactional e-mail outbox: queue inside the business transaction, deliver later.

A message that cannot be built or is refused is marked on its own row (attempts, error,
backoff, finally `dead`) and never holds up the others; a coordinator retries or discards a
dead one on the outbox page (`retry`, `discard`).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import smtplib
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.extensions import db
from app.models import OutboxMessage, User
from app.models.enums import OutboxStatus
from app.services.core import audit, fence
from app.services.core.errors import DomainError
from app.timeutil import now_utc

# C0/C1 controls (CR, LF, TAB, NUL, ESC, ...) and the Unicode line breaks str.splitlines() knows
log = logging.getLogger("skm.outbox")
_SMTP = {"down": False}  # this process's last view of the mail server, logged on change
_HEADER_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def header_value(text: str, max_length: int = 250) -> str:
    """Return user text fit for one header line: every control character or line break becomes
    a space, runs of blanks collapse, and the result is cut to the column's length.

    Why here: a name typed on the public form reaches subjects (and display names); a raw CR/LF
    would make the message unbuildable (or, worse, add headers). Every header value the outbox
    stores passes this one function.
    """
    return " ".join(_HEADER_BREAKS.sub(" ", text or "").split())[:max_length]


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
        recipient=header_value(recipient, 254),
        subject=header_value(subject, 250),
        body_text=body_text,
        body_html=body_html,
        ics=ics,
        ics_method=ics_method,
        dedupe_key=dedupe_key,
    )
    db.session.add(msg)
    db.session.flush()
    return msg


def failed_messages() -> tuple[list[OutboxMessage], list[OutboxMessage]]:
    """Return the dead messages (newest first) and those still retrying after a failure."""
    dead = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.DEAD)
        .order_by(OutboxMessage.id.desc()).limit(200)).all()
    retrying = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.attempts > 0)
        .order_by(OutboxMessage.next_attempt_at).limit(200)).all()
    return list(dead), list(retrying)


def _dead(message_id: int) -> OutboxMessage:
    msg = db.session.get(OutboxMessage, message_id, with_for_update=True)
    if msg is None or msg.status != OutboxStatus.DEAD:
        raise DomainError(_("This message is no longer waiting for a decision."))
    return msg


def retry(actor: User, message_id: int) -> OutboxMessage:
    """Queue a dead message again from scratch (say, after the mail server was fixed)."""
    msg = _dead(message_id)
    msg.status, msg.attempts, msg.next_attempt_at = OutboxStatus.PENDING, 0, now_utc()
    audit.record(actor, "outbox_retry", "outbox_message", msg.id, error=msg.last_error)
    db.session.flush()
    return msg


def discard(actor: User, message_id: int) -> OutboxMessage:
    """Give up on a dead message for good; the row stays as a record of what was not sent."""
    msg = _dead(message_id)
    msg.status = OutboxStatus.DISCARDED
    audit.record(actor, "outbox_discard", "outbox_message", msg.id, recipient=msg.recipient,
                 subject=msg.subject, error=msg.last_error)
    db.session.flush()
    return msg


def _sender_domain(sender: str) -> str:
    """Return the domain of the From address: spam filters distrust ids on a foreign host."""
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "skm-pool.invalid"


def build_email(msg: OutboxMessage, sender: str) -> EmailMessage:
    """Turn an outbox row into a MIME message (text, optional HTML and iTIP parts).

    Built at send time, so `Date` is the moment of delivery (RFC 5322 requires it).
    """
    email = EmailMessage()
    email["From"] = sender
    email["To"] = msg.recipient
    email["Subject"] = msg.subject
    email["Date"] = format_datetime(now_utc().astimezone(dt.UTC), usegmt=True)
    # deterministic per row: a resend after a crash carries the same id, so it can be deduped
    stamp = int(msg.created_at.timestamp()) if msg.created_at else 0
    email["Message-ID"] = f"<outbox-{msg.id}-{stamp}@{_sender_domain(sender)}>"
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


def claim_next() -> OutboxMessage | None:
    """Claim the next due message with a row lock (SKIP LOCKED on PostgreSQL), so two senders
    never deliver the same one."""
    return db.session.scalars(_next_due()).first()


class Sender:
    """One SMTP connection for a run of deliveries, opened at the first message that needs it.

    `deliver` notes each result on the message's row and flushes; the job
    (`app/services/core/tasks.py: deliver_due`) commits it, one message at a time, so a crash
    never resends a sent one.
    """

    def __init__(self) -> None:
        self.cfg = current_app.config
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Sender:
        return self

    def __exit__(self, *exc_info: object) -> None:
        _close(self.smtp)
        self.smtp = None

    def deliver(self, msg: OutboxMessage) -> str:
        """Send one claimed message: "sent", "failed" (this message only) or "outage".

        A failure that belongs to this message (it cannot be built, the server refuses it) is
        recorded on it and the run may go on; an outage (no connection, a 4xx) ends the run,
        since the next message would fail the same way. The scheduler's fence is checked right
        before the send: a scheduler that lost its lock sends nothing more.
        """
        cfg = self.cfg
        try:
            email = build_email(msg, cfg["MAIL_DEFAULT_SENDER"])
        except Exception as exc:  # noqa: BLE001 - any broken row must not stop the rest
            _record(msg, f"The message cannot be built: {_describe(exc)}", dead=True)
            return "failed"
        connected = self.smtp is not None
        try:
            fence.check()
            if self.smtp is None:
                self.smtp = _connect(cfg)
                connected = True
            self.smtp.send_message(email)
        except fence.LockLostError:
            raise
        except Exception as exc:  # noqa: BLE001 - recorded on the message, see below
            _close(self.smtp)
            self.smtp = None
            if not connected or _outage(exc):  # down, busy or misconfigured: next run
                msg.attempts += 1
                msg.last_error = _describe(exc)
                msg.next_attempt_at = now_utc() + min(
                    _backoff(msg.attempts), dt.timedelta(minutes=15))
                db.session.flush()
                _smtp_down(msg.last_error)
                return "outage"
            _record(msg, _describe(exc), dead=msg.attempts + 1 >= cfg["OUTBOX_MAX_ATTEMPTS"])
            return "failed"
        _smtp_up()
        msg.status = OutboxStatus.SENT
        msg.sent_at = now_utc()
        msg.attempts += 1
        db.session.flush()
        return "sent"


def _smtp_down(reason: str) -> None:
    """Log an outage once, when it begins (not once per message or run)."""
    if _SMTP["down"]:
        return
    _SMTP["down"] = True
    waiting = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)).where(
        OutboxMessage.status == OutboxStatus.PENDING))
    log.warning("SMTP unreachable: %s; %d messages waiting", reason, waiting)


def _smtp_up() -> None:
    if _SMTP["down"]:
        _SMTP["down"] = False
        log.info("SMTP reachable again")


def _next_due():
    return (
        sa.select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING,
               OutboxMessage.next_attempt_at <= now_utc())
        .order_by(OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


def _record(msg: OutboxMessage, error: str, *, dead: bool) -> None:
    """Note a failure of this one message (dead: give up until a coordinator retries it)."""
    msg.attempts += 1
    msg.last_error = error[:2000]
    msg.next_attempt_at = now_utc() + _backoff(msg.attempts)
    if dead:
        msg.status = OutboxStatus.DEAD
    db.session.flush()


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _outage(exc: Exception) -> bool:
    """Tell an outage (connection lost, 4xx) from a refusal of this message (5xx, bad data).

    A refused recipient, a 5xx answer or an error outside SMTP (say, an address the server
    cannot take) concerns this message only; the next one may well go through. Any failure
    while connecting or logging in counts as an outage (see `Sender.deliver`).
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return False
    if isinstance(exc, smtplib.SMTPConnectError | smtplib.SMTPServerDisconnected | OSError):
        return True
    code = getattr(exc, "smtp_code", None)
    if isinstance(code, int):
        return code < 500
    return False


def _close(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def _connect(cfg) -> smtplib.SMTP:
    smtp = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"])
    if cfg["MAIL_USE_TLS"]:
        smtp.starttls()
    if cfg["MAIL_USERNAME"]:
        smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
    return smtp
