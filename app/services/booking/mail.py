"""Queue the request e-mails that are not calendar invitations (offers, notices, alerts).

Assignment confirmations and cancellations are iTIP invitations sent by
`app.services.calendar.itip`; this module only covers the mails around them, always through the
outbox in the caller's transaction.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import InterpretingRequest, Mediator, Offer, User
from app.services.core import outbox


def _link(endpoint: str, **values) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def _mediator_address(m: Mediator) -> tuple[str, str]:
    """Return the mediator's address and locale ("" when they want no e-mail)."""
    user = m.user
    email = (user.email if user is not None else "") or m.email
    locale = user.locale if user is not None and user.locale else "de"
    return (email if m.notify_by_email else ""), locale


def institution_recipients(req: InterpretingRequest) -> list[tuple[str, str]]:
    """Return (email, locale) of the institution's enabled users, else its general address."""
    users = db.session.scalars(
        sa.select(User).where(User.institution_id == req.institution_id, User.is_enabled)
    ).all()
    found = [(u.email, u.locale or "de") for u in users]
    if not found and req.institution.email:
        found = [(req.institution.email, "de")]
    return found


def coordinator_recipients() -> list[tuple[str, str]]:
    users = db.session.scalars(
        sa.select(User).where(User.role == "coordinator", User.is_enabled).order_by(User.id)
    ).all()
    return [(u.email, u.locale or "de") for u in users]


def _send(recipient: str, locale: str, subject, template: str, **ctx) -> None:
    with force_locale(locale):
        subject = str(subject)
        body = render_template(f"email/{template}.txt", **ctx)
    outbox.enqueue(recipient, subject, body)


def offer_mail(offer: Offer, accept_token: str, decline_token: str) -> None:
    email, locale = _mediator_address(offer.mediator)
    if not email:
        return
    _send(
        email, locale, _l("New interpreting request for you"), "offer",
        offer=offer, req=offer.request, mediator=offer.mediator,
        accept_link=_link("mediator.answer_offer", token=accept_token),
        decline_link=_link("mediator.answer_offer", token=decline_token),
        dashboard_link=_link("mediator.offers"),
    )


def withdrawn_mail(offer: Offer) -> None:
    email, locale = _mediator_address(offer.mediator)
    if email:
        _send(email, locale, _l("An interpreting request is no longer open"), "offer_withdrawn",
              offer=offer, req=offer.request, mediator=offer.mediator)


def escalation_mail(req: InterpretingRequest, auto_offered: int) -> None:
    for email, locale in coordinator_recipients():
        _send(email, locale, _l("Request still without a mediator"), "escalation", req=req,
              auto_offered=auto_offered,
              link=_link("coordination.request_detail", request_id=req.id))


def institution_notice(req: InterpretingRequest, kind: str, reason: str = "") -> None:
    """Tell the institution that its mediator cancelled, was replaced, or none was found."""
    subjects = {
        "mediator_cancelled": _l("Your mediator had to cancel"),
        "reassigned": _l("Another mediator will come"),
        "unfilled": _l("No mediator could be found"),
    }
    for email, locale in institution_recipients(req):
        _send(email, locale, subjects[kind], f"institution_{kind}", req=req, reason=reason,
              link=_link("requests.detail", request_id=req.id))


def coordinator_notice(req: InterpretingRequest, reason: str) -> None:
    """Alert the coordinators that a mediator cancelled (the request is open again)."""
    for email, locale in coordinator_recipients():
        _send(email, locale, _l("A mediator cancelled an assignment"), "coordinator_cancelled",
              req=req, reason=reason,
              link=_link("coordination.request_detail", request_id=req.id))
