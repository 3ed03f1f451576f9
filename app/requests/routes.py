"""Institution views: list, submit, follow, cancel and confirm their own requests only."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.auth.decorators import role_required
from app.extensions import db
from app.models import InterpretingRequest
from app.models.request import OPEN_REQUEST_STATUSES
from app.requests import bp
from app.requests.forms import CancelForm, OutcomeForm, RequestForm, prepare, request_data
from app.services.booking import assignments as booking
from app.services.booking import dashboard
from app.services.booking import intake as svc
from app.timeutil import now_utc
from app.web.transaction import commit_or_message

institution_required = role_required("institution")


def _own(request_id: int) -> InterpretingRequest:
    """Load a request of the user's own institution; anything else is a 404."""
    req = db.session.get(InterpretingRequest, request_id)
    if req is None or req.institution_id != current_user.institution_id:
        abort(404)
    return req


@bp.route("/")
@institution_required
def index():
    stmt = dashboard.institution_requests_query(current_user.institution_id)
    page = db.paginate(stmt, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    return render_template("requests/index.html", page=page, visible=svc.visible_mediator,
                           now=now_utc())


@bp.route("/new", methods=["GET", "POST"])
@institution_required
def new():
    form = RequestForm()
    prepare(form, current_user.institution_id)
    duplicates = []
    if form.validate_on_submit():
        outcome = commit_or_message(svc.submit, current_user, current_user.institution_id,
                                    request_data(form), confirmed=form.confirm_duplicate.data)
        if outcome.ok and outcome.result.created:
            created = outcome.result.created
            if len(created) > 1:
                flash(ngettext("%(num)d request was submitted.",
                               "%(num)d requests were submitted.", len(created)), "success")
            else:
                flash(_("Your request was submitted."), "success")
            if any(r.urgent for r in created):
                flash(_("The appointment is at short notice and marked urgent. We will do our "
                        "best, but cannot promise a mediator."), "warning")
            return redirect(url_for("requests.detail", request_id=created[0].id))
        if outcome.ok:
            duplicates = outcome.result.duplicates
        else:
            form.form_errors.append(outcome.error)
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "requests/form.html", form=form, duplicates=duplicates,
        lead_days=current_app.config["MIN_LEAD_WORKING_DAYS"],
    ), 409 if duplicates else status


@bp.route("/<int:request_id>")
@institution_required
def detail(request_id: int, cancel_form=None, outcome_form=None):
    req = _own(request_id)
    now = now_utc()
    return render_template(
        "requests/detail.html", req=req, mediator=svc.visible_mediator(req), now=now,
        cancel_form=cancel_form or CancelForm(), outcome_form=outcome_form or OutcomeForm(),
        can_cancel=req.status in (*OPEN_REQUEST_STATUSES, "assigned") and req.starts_at > now,
        can_confirm=req.status == "assigned" and req.starts_at <= now,
    )


@bp.route("/<int:request_id>/cancel", methods=["POST"])
@institution_required
def cancel(request_id: int):
    req = _own(request_id)
    form = CancelForm()
    if form.validate_on_submit():
        result, error = commit_or_message(
            booking.cancel_request, current_user, req.id, by="institution", reason=form.reason.data
        )
        if error is None:
            flash(_("The request was cancelled."), "success")
            if result.late_cancellation:
                flash(_("This is a late cancellation (less than 24 hours before)."), "warning")
            return redirect(url_for("requests.detail", request_id=req.id))
        form.reason.errors = [error]
    return detail(request_id, cancel_form=form), 400


@bp.route("/<int:request_id>/outcome", methods=["POST"])
@institution_required
def outcome(request_id: int):
    req = _own(request_id)
    form = OutcomeForm()
    if form.validate_on_submit():
        value = form.outcome.data
        _result, error = commit_or_message(
            booking.record_outcome, current_user, req.id,
            "took_place" if value == "took_place" else "no_show",
            mediator_no_show=value == "mediator_no_show",
        )
        if error is None:
            flash(_("Thank you, your answer was saved."), "success")
            return redirect(url_for("requests.detail", request_id=req.id))
        form.outcome.errors = [error]
    return detail(request_id, outcome_form=form), 400
