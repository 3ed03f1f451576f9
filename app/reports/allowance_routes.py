"""Coordinator views for expense allowances: rules per year, monthly statements, payout file."""

from __future__ import annotations

import re

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.extensions import db
from app.i18n import ui_language
from app.models import AllowanceStatement, Mediator
from app.reports import bp
from app.reports.forms import (
    ActionForm,
    AllowanceRuleForm,
    CorrectionForm,
    ExportConfirmForm,
    MonthForm,
)
from app.services.allowances import month as month_svc
from app.services.allowances import payout as allowance_reports
from app.services.allowances import sepa
from app.services.allowances import statements as allowances
from app.services.core.errors import DomainError
from app.timeutil import today_local
from app.web.confirm import ask, confirmed
from app.web.forms import please_choose
from app.web.guards import coordinator_required
from app.web.transaction import commit_or_message
from app.web.views import form_page, load_or_404

BATCH_RE = re.compile(r"SKM-\d{4}-\d{2}-E\d{6,10}")


def _year_month() -> tuple[int, int]:
    """Read the month selector; fall back to the current month."""
    form = MonthForm(request.args)
    if request.args and form.validate() and form.year.data:
        return form.year.data, form.month.data
    today = today_local()
    return today.year, today.month


def correction_field_choices() -> list:
    return please_choose(month_svc.correction_choices())


def _month_page(year: int, month: int, correction_form=None, status: int = 200):
    form = MonthForm(data={"year": year, "month": month})
    statements = allowances.month_statements(year, month)
    warning = month_svc.cap_warning(year, month, statements)
    correction_form = correction_form or CorrectionForm()
    correction_form.mediator_id.choices = correction_field_choices()
    plan = allowances.export_plan(year, month)
    return render_template(
        "reports/allowances.html", form=form, year=year, month=month, statements=statements,
        caps=warning.caps, near_cap=warning.names, rule=allowances.rule_for(year),
        action_form=ActionForm(),
        correction_form=correction_form,
        has_drafts=any(s.exported_at is None for s in statements),
        has_exported=any(s.exported_at is not None for s in statements),
        without_iban={s.id for s in plan.without_iban},
        runs=allowance_reports.export_runs(year, month),
    ), status


def _check_month(year: int, month: int) -> None:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        abort(404)


@bp.route("/allowances")
@coordinator_required
def allowance_month():
    year, month = _year_month()
    return _month_page(year, month)


@bp.route("/allowances/<int:year>/<int:month>/generate", methods=["POST"])
@coordinator_required
def generate(year: int, month: int):
    _check_month(year, month)
    if not ActionForm().validate_on_submit():
        abort(400)
    outcome = commit_or_message(month_svc.generate, year, month, current_user)
    if not outcome.flash():
        return _month_page(year, month, status=409)
    generated = outcome.result
    flash(ngettext("%(num)d statement prepared.", "%(num)d statements prepared.",
                   len(generated.statements)), "success")
    if generated.near_cap:
        flash(_("Close to or above the tax-free annual cap: %(names)s. Please check before "
                "paying out.", names=", ".join(generated.near_cap)), "error")
    return redirect(url_for("reports.allowance_month", year=year, month=month))


@bp.route("/allowances/<int:year>/<int:month>/export", methods=["GET", "POST"])
@coordinator_required
def export(year: int, month: int):
    """Ask before freezing (count, sum, who is left out); freeze on the confirmed POST."""
    _check_month(year, month)
    form = ExportConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        outcome = commit_or_message(allowances.export_month, year, month, current_user,
                                    confirmed=(form.count.data, form.total_cents.data))
        if not outcome.ok:
            flash(outcome.error, "error")
            return _confirm_page(year, month, status=409)
        flash(ngettext("%(num)d statement exported and frozen. Download the files below.",
                       "%(num)d statements exported and frozen. Download the files below.",
                       len(outcome.result)), "success")
        return redirect(url_for("reports.allowance_month", year=year, month=month))
    return _confirm_page(year, month)


def _confirm_page(year: int, month: int, status: int = 200):
    plan = allowances.export_plan(year, month)
    form = ExportConfirmForm(formdata=None, count=plan.count, total_cents=plan.total_cents)
    return render_template("reports/export_confirm.html", year=year, month=month, plan=plan,
                           form=form, **_warning(year, month)), status


def _warning(year: int, month: int) -> dict:
    """The month's cap warning for a template: badges (caps) and banner names (near_cap)."""
    warning = month_svc.cap_warning(year, month)
    return {"caps": warning.caps, "near_cap": warning.names}


@bp.route("/allowances/<int:year>/<int:month>/payout.csv")
@coordinator_required
def payout(year: int, month: int):
    """Download again everything already exported for the month (the frozen values)."""
    _check_month(year, month)
    return _payout_response(allowance_reports.exported_statements(year, month), year, month)


def _run(year: int, month: int, batch: str):
    """Return the statements of one export run; the id is ours or the page does not exist."""
    if not BATCH_RE.fullmatch(batch):
        abort(404)
    statements = allowance_reports.exported_statements(year, month, batch)
    if not statements:
        abort(404)
    return statements


@bp.route("/allowances/<int:year>/<int:month>/runs/<batch>.csv")
@coordinator_required
def run_csv(year: int, month: int, batch: str):
    """Download the payout CSV of one export run."""
    _check_month(year, month)
    return _payout_response(_run(year, month, batch), year, month, suffix=f"-{batch}")


@bp.route("/allowances/<int:year>/<int:month>/runs/<batch>.xml")
@coordinator_required
def run_sepa(year: int, month: int, batch: str):
    """Download the SEPA credit transfer file (pain.001) of one export run."""
    _check_month(year, month)
    statements = _run(year, month, batch)
    try:
        xml = sepa.sepa_xml(statements, batch)
    except DomainError as exc:
        flash(str(exc), "error")
        return _month_page(year, month, status=409)
    return Response(xml, mimetype="application/xml", headers={
        "Content-Disposition": f'attachment; filename="{batch}.xml"'})


def _payout_response(statements, year: int, month: int, suffix: str = "") -> Response:
    text = allowance_reports.payout_csv(statements, ui_language())
    name = f"skm-payout-{year}-{month:02d}{suffix}"  # suffix: a batch id matching BATCH_RE
    # Flask adds "; charset=utf-8" to text/* itself
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}.csv"'})


@bp.route("/allowances/<int:year>/<int:month>/corrections", methods=["POST"])
@coordinator_required
def add_correction(year: int, month: int):
    _check_month(year, month)
    form = CorrectionForm()
    form.mediator_id.choices = correction_field_choices()
    if not form.validate_on_submit():
        return _month_page(year, month, correction_form=form, status=400)
    mediator = db.session.get(Mediator, form.mediator_id.data)
    outcome = commit_or_message(allowances.add_correction, mediator, year, month,
                                form.fee.cents or 0, form.travel.cents or 0, form.note.data,
                                current_user)
    if not outcome.ok:
        form.fee.errors = [*form.fee.errors, outcome.error]
        return _month_page(year, month, correction_form=form, status=400)
    flash(_("Correction added."), "success")
    return redirect(url_for("reports.allowance_month", year=year, month=month))


def _statement(statement_id: int) -> AllowanceStatement:
    return load_or_404(AllowanceStatement, statement_id)


@bp.route("/allowances/statements/<int:statement_id>")
@coordinator_required
def statement(statement_id: int):
    item = _statement(statement_id)
    return render_template("reports/statement.html", statement=item, action_form=ActionForm())


@bp.route("/allowances/statements/<int:statement_id>/delete", methods=["POST"])
@coordinator_required
def delete_statement(statement_id: int):
    item = _statement(statement_id)
    year, month = item.year, item.month
    if not ActionForm().validate_on_submit():
        abort(400)
    text = f"{item.month:02d}/{item.year}"
    if item.mediator is not None:
        text = f"{item.mediator.full_name}, {text}"
    if not confirmed():
        return ask(_("Delete the draft statement %(statement)s?", statement=text),
                   back=url_for("reports.statement", statement_id=item.id),
                   button=_("Yes, delete"))
    if not commit_or_message(allowances.delete_statement, item, current_user).flash(
            _("Draft statement %(statement)s deleted.", statement=text)):
        if db.session.get(AllowanceStatement, statement_id) is None:  # deleted meanwhile
            return _month_page(year, month, status=409)
        return render_template("reports/statement.html", statement=_statement(statement_id),
                               action_form=ActionForm()), 409
    return redirect(url_for("reports.allowance_month", year=year, month=month))


@bp.route("/allowances/rules")
@coordinator_required
def rules():
    this_year = today_local().year
    years = sorted({*range(this_year - 2, this_year + 2), *allowances.stored_years()})
    return render_template("reports/rules.html",
                           rules=[allowances.rule_for(y) for y in years])


@bp.route("/allowances/rules/<int:year>", methods=["GET", "POST"])
@coordinator_required
def edit_rule(year: int):
    if not 2000 <= year <= 2100:
        abort(404)
    form = AllowanceRuleForm()
    if request.method == "GET":
        form.fill(allowances.rule_for(year))
    elif form.validate_on_submit():
        outcome = commit_or_message(allowances.save_rule, year, current_user, **form.values())
        if outcome.flash(_("Allowance rule for %(year)s saved.", year=year)):
            return redirect(url_for("reports.rules"))
    return form_page("reports/rule_form.html", form, year=year)
