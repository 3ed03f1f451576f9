"""Why a request was not served: the coordinator's reason.

When the office cancels a request, the coordinator picks a reason from `UNFILLED_REASONS`
(with free text for "other"). When the scheduler marks a request `unfilled`
(`offers.mark_unfilled`), the reason stays empty and the coordinator's lists show
"reason missing" until one is picked on the request page. The reports count both
(`app/services/reports/unfilled.py`).
"""

from __future__ import annotations

from flask_babel import gettext as _

from app.models import InterpretingRequest, User
from app.models.enums import CancelledBy, RequestStatus
from app.models.request import UNFILLED_REASONS
from app.services.booking import series
from app.services.booking.assignments import lock_request
from app.services.core import audit
from app.services.core.errors import DomainError

NOTE_MAX = 500


def clean_reason(reason: str | None, note: str | None) -> tuple[str, str]:
    """Check a picked reason; "other" needs its free text, the others keep none."""
    if reason not in UNFILLED_REASONS:
        raise DomainError(_("Please choose why the request could not be served."))
    note = (note or "").strip()
    if reason == "other" and not note:
        raise DomainError(_("Please describe the other reason."))
    if len(note) > NOTE_MAX:
        raise DomainError(_("The reason is too long."))
    return reason, note if reason == "other" else ""


def needs_reason(req: InterpretingRequest) -> bool:
    """An unfilled request without a reason: the coordinator's list says "reason missing"."""
    return req.status == RequestStatus.UNFILLED and req.unfilled_reason is None


def may_have_reason(req: InterpretingRequest) -> bool:
    """Unfilled requests, and those the office cancelled (they got a reason then)."""
    return req.status == RequestStatus.UNFILLED or req.unfilled_reason is not None


def set_reason(actor: User, request_id: int, reason: str | None,
               note: str | None = "") -> InterpretingRequest:
    """Record (or correct) why an unfilled or office-cancelled request was not served."""
    reason, note = clean_reason(reason, note)
    req = lock_request(request_id)
    if not may_have_reason(req):
        raise DomainError(_("Only a request that was not served can get this reason."))
    req.unfilled_reason, req.unfilled_note = reason, note
    audit.record(actor, "unfilled_reason", "request", req.id, reason=reason)
    return req


def cancel_series_by_office(actor: User, request_id: int, *, scope: str, reason: str,
                            unfilled_reason: str | None,
                            unfilled_note: str | None = "") -> list[InterpretingRequest]:
    """Cancel one date or part of a series for the office, each with why it was not served."""
    picked, note = clean_reason(unfilled_reason, unfilled_note)
    done = series.cancel_series(actor, request_id, scope=scope,
                                by=CancelledBy.COORDINATOR, reason=reason)
    for req in done:
        req.unfilled_reason, req.unfilled_note = picked, note
        audit.record(actor, "unfilled_reason", "request", req.id, reason=picked)
    return done

