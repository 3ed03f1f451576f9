"""Queue the request e-mails that are not calendar invitations (offers, notices, alerts).

Assignment confirmations and cancellations are iTIP invitations sent by
`app.services.calendar.itip`; this module only covers the mails around them, always through the
outbox in the caller's transaction. Who gets each one, in which language, and whether the
mediator's opt-out applies is `app.services.core.recipients`' decision, not this module's.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l

from app.models import Assignment, InterpretingRequest, Offer
from app.services.core.links import external_url as _link
from app.services.core.recipients import Kind, queue, recipients, speaking


def _send(kind: Kind, subject_obj, subject, template: str, **ctx) -> None:
    """Queue one mail per recipient the policy names, rendered in each one's language."""
    for rcpt in recipients(kind, subject_obj):
        with speaking(rcpt):
            queue(rcpt, str(subject), render_template(f"email/{template}.txt", **ctx))


def offer_mail(offer: Offer, accept_token: str, decline_token: str) -> None:
    _send(
        Kind.OFFER, offer, _l("New interpreting request for you"), "offer",
        offer=offer, req=offer.request, mediator=offer.mediator,
        accept_link=_link("booking.answer_offer", token=accept_token),
        decline_link=_link("booking.answer_offer", token=decline_token),
        dashboard_link=_link("booking.my_offers"),
    )


def withdrawn_mail(offer: Offer) -> None:
    _send(Kind.OFFER_WITHDRAWN, offer, _l("An interpreting request is no longer open"),
          "offer_withdrawn", offer=offer, req=offer.request, mediator=offer.mediator)


def escalation_mail(req: InterpretingRequest, auto_offered: int) -> None:
    _send(Kind.ESCALATION, req, _l("Request still without a mediator"), "escalation", req=req,
          auto_offered=auto_offered, link=_link("booking.request_detail", request_id=req.id))


def institution_notice(req: InterpretingRequest, kind: str, reason: str = "") -> None:
    """Tell the institution that its mediator cancelled, was replaced or released after a
    change, or that none was found."""
    subjects = {
        "mediator_cancelled": _l("Your mediator had to cancel"),
        "reassigned": _l("Another mediator will come"),
        "unfilled": _l("No mediator could be found"),
        "released": _l("Your changed request: we are looking for a mediator again"),
    }
    _send(Kind.INSTITUTION_NOTICE, req, subjects[kind], f"institution_{kind}", req=req,
          reason=reason, link=_link("booking.our_request", request_id=req.id))


def released_mail(assignment: Assignment) -> None:
    """Tell the mediator that a changed request no longer fits them (beside the iTIP CANCEL)."""
    _send(Kind.ASSIGNMENT_RELEASED, assignment, _l("Your assignment was changed and cancelled"),
          "assignment_released", assignment=assignment, req=assignment.request,
          mediator=assignment.mediator)


def coordinator_notice(req: InterpretingRequest, reason: str) -> None:
    """Alert the coordinators that a mediator cancelled (the request is open again)."""
    _send(Kind.MEDIATOR_CANCELLED, req, _l("A mediator cancelled an assignment"),
          "coordinator_cancelled", req=req, reason=reason,
          link=_link("booking.request_detail", request_id=req.id))


def report_corrected_mail(assignment: Assignment, changes: dict[str, list]) -> None:
    """Tell the mediator which reported values the office corrected (old and new)."""
    _send(Kind.REPORT_REVIEWED, assignment, _l("Your report was corrected and approved"),
          "report_corrected", assignment=assignment, req=assignment.request,
          mediator=assignment.mediator, changes=changes,
          link=_link("booking.my_assignment", assignment_id=assignment.id))


def report_returned_mail(assignment: Assignment) -> None:
    """Tell the mediator that the office returned their report, and why."""
    _send(Kind.REPORT_REVIEWED, assignment, _l("Please check your report again"),
          "report_returned", assignment=assignment, req=assignment.request,
          mediator=assignment.mediator, reason=assignment.return_reason,
          link=_link("booking.my_assignment", assignment_id=assignment.id))
