"""The coordinator's side of the open-request board: the "first come, first served" switch.

Choosing among the volunteers goes through the usual assign view (`booking.assign`),
so it takes the same locks and checks as any assignment.
"""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField

from app.booking import bp
from app.booking.requests_coordinator import request_detail
from app.models import InterpretingRequest
from app.services.booking import board as board_svc
from app.web.guards import coordinator_required
from app.web.transaction import commit_or_message
from app.web.views import load_or_404


class FirstComeForm(FlaskForm):
    """On or off (the page posts one of two buttons)."""

    enabled = BooleanField()


@bp.route("/coordination/requests/<int:request_id>/first-come", methods=["POST"])
@coordinator_required
def board_first_come(request_id: int):
    load_or_404(InterpretingRequest, request_id)
    form = FirstComeForm()
    if not form.validate_on_submit():
        abort(400)
    outcome = commit_or_message(board_svc.set_first_come, current_user, request_id,
                                bool(form.enabled.data))
    if not outcome.ok:
        flash(outcome.error, "error")
        return request_detail(request_id, status=409)
    if outcome.result is not None:
        flash(_("First come, first served: the earliest volunteer was assigned."), "success")
    elif form.enabled.data:
        flash(_("First come, first served: the first eligible volunteer will be booked at "
                "once."), "success")
    else:
        flash(_("The volunteers wait for your choice again."), "success")
    return redirect(url_for("booking.request_detail", request_id=request_id))
