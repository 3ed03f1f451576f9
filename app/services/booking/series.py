"""Cancel the dates of a weekly series in one step and tell every person concerned once.

Why: a series of ten weekly appointments used to be ten cancellations, and a mediator booked
on several of the dates got one e-mail per date. Here each date is cancelled with the same
rule as a single cancellation (`assignments.cancel_locked`: assignment released, offers
withdrawn, late flag), and then every recipient gets one message listing their dates, with
all the iTIP CANCEL events for their calendar in its one attachment. Dates that already began,
were completed or cancelled are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import render_template
from flask_babel import gettext as _
from flask_babel import ngettext

from app.extensions import db
from app.models import InterpretingRequest, User
from app.services.booking.assignments import cancel_locked, lock_request
from app.services.calendar import itip as invitations
from app.services.core import audit
from app.services.core.errors import DomainError
from app.services.core.recipients import Kind, Recipient, recipients, speaking
from app.timeutil import now_utc, to_local

SCOPES = ("one", "following", "all")


def series_dates(req: InterpretingRequest, scope: str) -> list[InterpretingRequest]:
    """Return the dates a cancellation with `scope` would cancel, in date order."""
    if scope not in SCOPES:
        raise DomainError(_("Please choose which dates to cancel."))
    if scope == "one" or req.series_key is None:
        return [req] if req.is_cancellable and req.starts_at > now_utc() else []
    stmt = sa.select(InterpretingRequest).where(
        InterpretingRequest.series_key == req.series_key,
        InterpretingRequest.institution_id == req.institution_id,
        InterpretingRequest.is_cancellable,
        InterpretingRequest.starts_at > now_utc(),
    )
    if scope == "following":
        stmt = stmt.where(InterpretingRequest.starts_at >= req.starts_at)
    return list(db.session.scalars(stmt.order_by(InterpretingRequest.starts_at)))


@dataclass
class _Notice:
    rcpt: Recipient
    cancelled: list[InterpretingRequest] = field(default_factory=list)
    withdrawn: list[InterpretingRequest] = field(default_factory=list)
    events: list = field(default_factory=list)


def cancel_series(actor: User, request_id: int, *, scope: str, by: str,
                  reason: str) -> list[InterpretingRequest]:
    """Cancel this date, this and the following ones, or the whole series' open future dates."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Please give a reason."))
    first = db.session.get(InterpretingRequest, request_id)
    if first is None:
        raise DomainError(_("This request does not exist."))
    # lock in id order, the order every other booking path locks in, so nobody deadlocks
    ids = sorted(r.id for r in series_dates(first, scope))
    locked = [lock_request(i) for i in ids]
    dates = sorted((r for r in locked if r.is_cancellable and r.starts_at > now_utc()),
                   key=lambda r: r.starts_at)
    if not dates:
        if scope == "one" or first.series_key is None:
            raise DomainError(_("This request can no longer be cancelled."))
        raise DomainError(_("No date of this series can still be cancelled."))
    notices: dict[str, _Notice] = {}

    def notice(rcpt: Recipient) -> _Notice:
        return notices.setdefault(rcpt.email, _Notice(rcpt))

    for req in dates:
        released, withdrawn = cancel_locked(req, by=by, reason=reason, notify=False)
        for assignment in released:
            for rcpt, event in invitations.assignment_cancel_events(assignment):
                notice(rcpt).events.append(event)
                notice(rcpt).cancelled.append(req)
        for offer in withdrawn:
            for rcpt in recipients(Kind.OFFER_WITHDRAWN, offer):
                notice(rcpt).withdrawn.append(req)
    for rcpt in recipients(Kind.INSTITUTION_NOTICE, dates[0]):
        n = notice(rcpt)
        n.cancelled = list(dates)  # the institution hears of every date, assigned or not
    for n in notices.values():
        _queue(n, reason)
    audit.record(actor, "cancel_series", "request", first.id, by=by, reason=reason,
                 scope=scope, count=len(dates), request_ids=[r.id for r in dates],
                 dates=[to_local(r.starts_at).strftime("%Y-%m-%d %H:%M") for r in dates],
                 late=[r.id for r in dates if r.late_cancellation])
    return dates


def _queue(n: _Notice, reason: str) -> None:
    cancelled = sorted(set(n.cancelled), key=lambda r: r.starts_at)
    withdrawn = sorted(set(n.withdrawn) - set(cancelled), key=lambda r: r.starts_at)
    with speaking(n.rcpt):
        count = len(cancelled) or len(withdrawn)
        subject = ngettext("%(num)d appointment cancelled", "%(num)d appointments cancelled",
                           count)
        body = render_template("email/series_cancelled.txt", rcpt=n.rcpt, cancelled=cancelled,
                               withdrawn=withdrawn, reason=reason, has_events=bool(n.events))
        invitations.send_cancellations(n.rcpt, n.events, subject, body)
