"""Coordinator's week planner: propose offers for a week's open requests, review, send all."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.booking import bp
from app.booking.week_plan_forms import WeekForm, chosen, line_field_name, plan_form
from app.services.booking import week_plan
from app.timeutil import today_local
from app.web.guards import coordinator_required
from app.web.transaction import commit_or_message


def _replan() -> list[int]:
    """Read the requests the coordinator asked to plan again (bad values are ignored)."""
    return [rid for rid in request.args.getlist("replan", type=int) if 0 < rid < 2**31]


def _render(week_form, week, form, status=200):
    return render_template("booking/coordinator/week_plan.html", week_form=week_form, week=week,
                           form=form, field_name=line_field_name), status


@bp.route("/coordination/planner")
@coordinator_required
def planner():
    """Show the week chooser; with a week chosen, solve it and show the proposal."""
    week_form = WeekForm(request.args)
    if "day" not in request.args:
        week_form.day.data = today_local()
        return _render(week_form, None, None)
    if not week_form.validate():
        return _render(week_form, None, None, 400)
    week = week_plan.propose(week_plan.monday_of(week_form.day.data), _replan())
    form = plan_form(week.lines, formdata=None, week=week.monday)
    return _render(week_form, week, form)


@bp.route("/coordination/planner/send", methods=["POST"])
@coordinator_required
def planner_send():
    """Send one offer per chosen line; on refusal show the page again with the choices kept."""
    probe = plan_form([])
    if not probe.week.validate(probe) or probe.week.data is None:
        flash(_("Please choose the week again."), "error")
        return redirect(url_for("booking.planner"))
    monday = week_plan.monday_of(probe.week.data)
    week, _input = week_plan.build(monday, _replan())
    form = plan_form(week.lines)
    week_form = WeekForm(formdata=None, day=monday)
    if not form.validate_on_submit():
        return _render(week_form, week, form, 400)
    outcome = commit_or_message(week_plan.send, current_user, monday,
                                chosen(form, week.lines), _replan())
    if not outcome.flash():
        return _render(week_form, week, form, 409)
    flash(ngettext("%(num)d offer was sent.", "%(num)d offers were sent.", outcome.result),
          "success")
    return redirect(url_for("booking.requests_dashboard"))
