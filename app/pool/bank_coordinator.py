"""Coordinator views for a mediator's bank details: edit them, read the full IBAN on purpose.

Lists show the IBAN masked; the full IBAN appears only after the coordinator asks for it
(a POST, audited by the service).
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.models import Mediator
from app.pool import bp
from app.services.pool import bank
from app.web.forms import BankDetailsForm
from app.web.guards import coordinator_required, live_mediator_or_404
from app.web.transaction import commit_or_message
from app.web.views import form_status


def prefilled(mediator: Mediator) -> BankDetailsForm:
    """Return the form with what is stored (holder, BIC; never the IBAN itself)."""
    form = BankDetailsForm()
    if request.method == "GET":
        form.account_holder.data = mediator.account_holder or mediator.full_name
        form.bic.data = mediator.bic
    return form


def values(form: BankDetailsForm) -> dict:
    return {"holder": form.account_holder.data or "", "iban": form.iban.data or "",
            "bic": form.bic.data or "", "delete": bool(form.remove.data)}


@bp.route("/pool/mediators/<int:mediator_id>/bank", methods=["GET", "POST"])
@coordinator_required
def bank_details(mediator_id: int):
    mediator = live_mediator_or_404(mediator_id)
    form = prefilled(mediator)
    if form.validate_on_submit():
        outcome = commit_or_message(bank.update, mediator, current_user, **values(form))
        if outcome.flash(_("The bank details have been saved.")):
            return redirect(url_for("pool.mediator", mediator_id=mediator.id))
        form.iban.errors = [outcome.error]
    return _page(mediator, form)


@bp.route("/pool/mediators/<int:mediator_id>/bank/reveal", methods=["POST"])
@coordinator_required
def reveal_iban(mediator_id: int):
    """Show the full IBAN once (the read is audited)."""
    mediator = live_mediator_or_404(mediator_id)
    if not BankDetailsForm().validate_on_submit():  # the CSRF token (the fields are unused)
        abort(400)
    form = BankDetailsForm(formdata=None, account_holder=mediator.account_holder
                           or mediator.full_name, bic=mediator.bic)
    outcome = commit_or_message(bank.reveal, mediator, current_user)
    if not outcome.ok:
        form.iban.errors = [outcome.error]
        return _page(mediator, form, status=409)
    return _page(mediator, form, full_iban=outcome.result)


def _page(mediator: Mediator, form: BankDetailsForm, full_iban: str | None = None,
          status: int | None = None):
    return render_template(
        "pool/bank.html", mediator=mediator, form=form, full_iban=full_iban,
        masked=bank.mask(mediator.iban), action=url_for("pool.bank_details",
                                                        mediator_id=mediator.id),
        reveal=url_for("pool.reveal_iban", mediator_id=mediator.id),
        back=url_for("pool.mediator", mediator_id=mediator.id),
    ), status or form_status(form)
