"""Coordinator recording a volunteer's answer to an offer given on the phone.

Phoned-in answers go through `offers.accept_offer`/`decline_offer`, with the same locks as an
e-mail answer.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.booking import bp
from app.booking.coordinator_forms import AnswerForm
from app.models import Offer
from app.services.booking import dashboard
from app.services.booking import offers as offer_svc
from app.timeutil import now_utc
from app.web.guards import coordinator_required, live_mediator_or_404
from app.web.transaction import commit_or_message
from app.web.views import load_or_404


@bp.route("/pool/mediators/<int:mediator_id>/offers")
@coordinator_required
def on_behalf_offers(mediator_id: int):
    """List the person's open offers, to record the answer they gave on the phone."""
    mediator = live_mediator_or_404(mediator_id)
    lists = dashboard.mediator_offers(mediator.id, now_utc(), past_limit=0)
    return render_template("booking/coordinator/on_behalf_offers.html", mediator=mediator,
                           pending=lists.pending, form=AnswerForm())


@bp.route("/pool/offers/<int:offer_id>/<any(accept, decline):answer>", methods=["POST"])
@coordinator_required
def record_answer(offer_id: int, answer: str):
    """Record a phoned-in answer: an acceptance books the person like an e-mail answer."""
    offer = load_or_404(Offer, offer_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        abort(400)
    if answer == "accept":
        outcome = commit_or_message(offer_svc.accept_offer, offer_id, current_user)
        success = _("The acceptance was recorded and the mediator is booked.")
    else:
        outcome = commit_or_message(offer_svc.decline_offer, offer_id, form.reason.data or "",
                                    current_user)
        success = _("The refusal was recorded.")
    outcome.flash(success=success)
    return redirect(url_for("booking.request_detail", request_id=offer.request_id))
