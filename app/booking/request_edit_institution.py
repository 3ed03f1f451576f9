"""Change a request: the institution while it is open; the same view serves the coordinator.

The form is the request form (`RequestEditForm`, without weeks and follow-up), filled from
the request on GET; the service decides what the change means for offers and assignment.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.booking import bp
from app.booking.request_forms import RequestEditForm, prepare, request_data, request_form_page
from app.models import InterpretingRequest
from app.models.enums import Role
from app.services.booking import changes
from app.web.guards import role_required
from app.web.transaction import commit_or_message
from app.web.views import own_or_404


def edit_view(req: InterpretingRequest, *, may_edit: bool, back_url: str, refused: str,
              form_class: type[RequestEditForm] = RequestEditForm, office: bool = False):
    """Show and save the edit form of one request (both roles); refuse a closed request.

    The office's form (`office`, `form_class` with the internal note) is the coordinator's.
    """
    if not may_edit:
        flash(refused, "error")
        return render_template("booking/refused.html", req=req, message=refused,
                               back_url=back_url), 403
    form = form_class(data=None if request.method == "POST"
                      else changes.form_values(req, office=office))
    prepare(form, req.institution_id)
    outcome = None
    if form.validate_on_submit():
        outcome = commit_or_message(changes.update_request, current_user, req.id,
                                    request_data(form), confirmed=form.confirm_duplicate.data)
        if outcome.ok and not outcome.result.duplicates:
            _flash_change(outcome.result)
            return redirect(back_url)
    return request_form_page(form, outcome, edit=req, back_url=back_url)


def _flash_change(result: changes.Change) -> None:
    if not result.changed:
        flash(_("Nothing was changed."), "info")
        return
    flash(_("The request was changed."), "success")
    if result.kept:
        flash(_("The assigned mediator keeps the appointment and gets an updated invitation."),
              "info")
    if result.released:
        flash(_("The assigned mediator no longer fits the changed request; the assignment was "
                "cancelled and the request is open for matching again."), "warning")
    if result.withdrawn:
        flash(_("The open offers were withdrawn; the people asked were told."), "info")


@bp.route("/requests/<int:request_id>/edit", methods=["GET", "POST"])
@role_required(Role.INSTITUTION)
def edit_our_request(request_id: int):
    req = own_or_404(InterpretingRequest, request_id)
    return edit_view(req, may_edit=req.is_open,
                     back_url=url_for("booking.our_request", request_id=req.id),
                     refused=_("This request can no longer be changed here because a mediator "
                               "is assigned or it is closed. Please call the coordination "
                               "office."))
