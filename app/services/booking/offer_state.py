"""What became of an offer, told to the mediator who opens the e-mail link.

Why: "already answered" said nothing. A volunteer who opens the link again (or clicks "Yes"
a minute too late) wants to know whether the appointment is theirs, whether someone else took
it, or whether it was cancelled, withdrawn or has expired, and where to go next.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.models import Assignment, Offer
from app.models.enums import OfferStatus, RequestStatus
from app.services.calendar import ical
from app.timeutil import now_utc


@dataclass(frozen=True)
class OfferState:
    # the states the answer page words: the offer still waits ("pending"); you have the
    # appointment ("yours"); you had it and it was cancelled ("yours_cancelled"); another
    # mediator took it ("taken"); the request was cancelled ("cancelled"); the office withdrew
    # the offer ("withdrawn"); it expired ("expired"); you declined it ("declined")
    key: str
    assignment: Assignment | None  # the mediator's own assignment ("yours" only)
    has_account: bool  # a login exists: link to the assignment page


def offer_state(offer: Offer) -> OfferState:
    """Classify the offer from the request's current state (the truth, not the offer's)."""
    req = offer.request
    mine = next((a for a in req.assignments if a.mediator_id == offer.mediator_id), None)
    live = req.live_assignment
    has_account = offer.mediator.user is not None

    def state(key: str, assignment: Assignment | None = None) -> OfferState:
        return OfferState(key, assignment, has_account)

    if live is not None and live.mediator_id == offer.mediator_id:
        return state("yours", live)
    if offer.status == OfferStatus.ACCEPTED or mine is not None:
        return state("yours_cancelled")
    if offer.status == OfferStatus.DECLINED:
        return state("declined")
    if live is not None:
        return state("taken")
    if req.status == RequestStatus.CANCELLED:
        return state("cancelled")
    if offer.status == OfferStatus.WITHDRAWN:
        return state("withdrawn")
    if offer.status == OfferStatus.EXPIRED or offer.expires_at <= now_utc() or not req.is_open:
        return state("expired")
    return state("pending")


def appointment_ics(offer: Offer) -> bytes | None:
    """The .ics of the mediator's own appointment (for "add to calendar"), else None."""
    current = offer_state(offer)
    if current.key != "yours":
        return None
    cal = ical.new_calendar("SKM-Pool", method="PUBLISH")
    cal.add_component(ical.assignment_event(current.assignment, "mediator"))
    return ical.finish(cal)
