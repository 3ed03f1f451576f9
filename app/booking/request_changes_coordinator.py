"""Coordinator views that enter or change requests: phone intake and editing any request.

Both use the institution's request form and the same services, so validation, the lead-time
rule and the duplicate warning are the same whoever types the request.
"""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from app.booking import bp
from app.booking.coordinator_forms import OfficeEditForm, PhoneIntakeForm
from app.booking.request_edit_institution import edit_view
from app.booking.request_forms import prepare, request_data, request_form_page
from app.models import InterpretingRequest
from app.services.booking import intake
from app.web.forms import bounded_int
from app.web.guards import coordinator_required
from app.web.transaction import commit_or_message
from app.web.views import load_or_404


def _chosen(form: PhoneIntakeForm) -> int | None:
    """Return the institution the form names (posted, or `?institution_id=` from its page)."""
    if form.institution_id.data is None and request.method == "GET":
        try:
            form.institution_id.data = bounded_int(request.args.get("institution_id", ""))
        except ValueError:
            return None
    value = form.institution_id.data
    return value if isinstance(value, int) else None


@bp.route("/coordination/requests/new", methods=["GET", "POST"])
@coordinator_required
def phone_intake():
    form = PhoneIntakeForm()
    form.institution_id.choices = [("", _l("– please choose –")),
                                   *intake.institution_choices()]
    prepare(form, _chosen(form))
    outcome = None
    if form.validate_on_submit():
        outcome = commit_or_message(intake.submit, current_user, form.institution_id.data,
                                    request_data(form), confirmed=form.confirm_duplicate.data,
                                    holidays_confirmed=form.confirm_holidays.data,
                                    on_behalf=True)
        if outcome.ok and outcome.result.created:
            created = outcome.result.created
            flash(ngettext("%(num)d request was entered for the institution.",
                           "%(num)d requests were entered for the institution.", len(created)),
                  "success")
            if any(r.urgent for r in created):
                flash(_("The appointment is at short notice and marked urgent."), "warning")
            return redirect(url_for("booking.request_detail", request_id=created[0].id))
    return request_form_page(form, outcome, phone_intake=True)


@bp.route("/coordination/requests/<int:request_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit_request(request_id: int):
    req = load_or_404(InterpretingRequest, request_id)
    return edit_view(req, may_edit=req.is_cancellable,
                     back_url=url_for("booking.request_detail", request_id=req.id),
                     refused=_("A completed, cancelled or unfilled request cannot be changed "
                               "any more."), form_class=OfficeEditForm, office=True)
