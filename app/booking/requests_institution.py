"""Institution views: list, submit, follow, cancel and confirm their own requests only."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.booking import bp
from app.booking.request_forms import (
    CancelForm,
    OutcomeForm,
    RatingForm,
    RequestForm,
    prepare,
    request_data,
    request_form_page,
)
from app.extensions import db
from app.models import InterpretingRequest
from app.models.enums import CancelledBy, Outcome, RequestStatus, Role
from app.services.booking import assignments as booking
from app.services.booking import dashboard, debriefs, request_filters, series, workdays
from app.services.booking import intake as svc
from app.services.calendar import remote
from app.timeutil import now_utc
from app.web.guards import role_required
from app.web.transaction import commit_or_message
from app.web.views import own_or_404

institution_required = role_required(Role.INSTITUTION)


@bp.route("/requests/")
@institution_required
def our_requests():
    now = now_utc()
    # a start-page card's list (unknown names show every own request)
    name = request.args.get("filter", "")
    name = name if name in request_filters.INSTITUTION_FILTERS else ""
    stmt = dashboard.institution_requests_query(
        current_user.institution_id, request_filters.institution_condition(name, now), now)
    page = db.paginate(stmt, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    return render_template("booking/institution/requests.html", page=page,
                           visible=svc.visible_mediator, now=now, active_filter=name)


@bp.route("/requests/new", methods=["GET", "POST"])
@institution_required
def new_request():
    form = RequestForm()
    prepare(form, current_user.institution_id)
    outcome = None
    if form.validate_on_submit():
        outcome = commit_or_message(svc.submit, current_user, current_user.institution_id,
                                    request_data(form), confirmed=form.confirm_duplicate.data,
                                    holidays_confirmed=form.confirm_holidays.data)
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
                skipped = workdays.skipped_holidays(form.day.data)
                if skipped:
                    flash(_("Public holidays do not count as working days: %(days)s.",
                            days=workdays.holiday_text(skipped)), "info")
            return redirect(url_for("booking.our_request", request_id=created[0].id))
    return request_form_page(form, outcome)


@bp.route("/requests/<int:request_id>")
@institution_required
def our_request(request_id: int, cancel_form=None, outcome_form=None):
    req = own_or_404(InterpretingRequest, request_id)
    now = now_utc()
    return render_template(
        "booking/institution/request.html", req=req, mediator=svc.visible_mediator(req), now=now,
        cancel_form=cancel_form or CancelForm(), outcome_form=outcome_form or OutcomeForm(),
        can_cancel=req.is_cancellable and req.starts_at > now,
        can_confirm=req.status == RequestStatus.ASSIGNED and req.starts_at <= now,
        can_rate=debriefs.can_rate(req, now), rating=debriefs.rating_of(req),
        rating_form=RatingForm(),
        joining=remote.access(req, "institution", getattr(req.live_assignment, "mediator", None)),
    )


@bp.route("/requests/<int:request_id>/cancel", methods=["POST"])
@institution_required
def cancel_our_request(request_id: int):
    req = own_or_404(InterpretingRequest, request_id)
    form = CancelForm()
    if form.validate_on_submit():
        outcome = commit_or_message(
            series.cancel_series, current_user, req.id, scope=form.scope.data or "one",
            by=CancelledBy.INSTITUTION, reason=form.reason.data,
        )
        if outcome.ok:
            result = outcome.result
            if len(result) > 1:
                flash(ngettext("%(num)d date of the series was cancelled.",
                               "%(num)d dates of the series were cancelled.", len(result)),
                      "success")
            else:
                flash(_("The request was cancelled."), "success")
            if any(r.late_cancellation for r in result):
                flash(_("This is a late cancellation (less than 24 hours before)."), "warning")
            return redirect(url_for("booking.our_request", request_id=req.id))
        form.reason.errors = [outcome.error]
    return our_request(request_id, cancel_form=form), 400


@bp.route("/requests/<int:request_id>/outcome", methods=["POST"])
@institution_required
def record_outcome(request_id: int):
    req = own_or_404(InterpretingRequest, request_id)
    form = OutcomeForm()
    if form.validate_on_submit():
        value = form.outcome.data
        outcome = commit_or_message(
            booking.record_outcome, current_user, req.id,
            Outcome.TOOK_PLACE if value == Outcome.TOOK_PLACE else Outcome.NO_SHOW,
            mediator_no_show=value == "mediator_no_show",
        )
        if outcome.ok:
            flash(_("Thank you, your answer was saved."), "success")
            return redirect(url_for("booking.our_request", request_id=req.id))
        form.outcome.errors = [outcome.error]
    return our_request(request_id, outcome_form=form), 400
