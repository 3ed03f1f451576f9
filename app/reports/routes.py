"""Coordinator views for statistics: the period page, CSV/XLSX downloads, the yearly report."""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _

from app.i18n import ui_language
from app.reports import bp
from app.reports.forms import PeriodForm
from app.services.core.errors import DomainError
from app.services.core.periods import (
    Period,
    custom_period,
    month_period,
    quarter_period,
    year_period,
)
from app.services.reports import charts
from app.services.reports import exports as report_export
from app.services.reports import statistics as reports
from app.services.reports import yearly as yearly_report
from app.timeutil import today_local
from app.web import downloads
from app.web.guards import coordinator_required
from app.web.views import found_or_404


def _locale() -> str:
    return ui_language()


def _period(form: PeriodForm) -> Period:
    """Turn the validated selector into a period (custom ranges may raise DomainError)."""
    year = form.year.data or today_local().year
    if form.kind.data == "month":
        return month_period(year, form.month.data)
    if form.kind.data == "quarter":
        return quarter_period(year, form.quarter.data)
    if form.kind.data == "custom":
        return custom_period(form.start.data, form.end.data)
    return year_period(year)


def _selected_period() -> tuple[PeriodForm, Period | None]:
    form = PeriodForm(request.args)
    if not request.args.get("year"):
        form.year.data = form.year.data or today_local().year
    if not form.validate():
        return form, None
    try:
        return form, _period(form)
    except DomainError as error:
        form.end.errors = [*form.end.errors, str(error)]
        return form, None


def _tables(period: Period) -> tuple[list[reports.Table], dict, list[str]]:
    """Return the key-figures table first, then every figure, plus the generated sentences."""
    tables, lead = reports.build_report(period, _locale())
    by_key = {t.key: t for t in tables}
    key_table, facts = yearly_report.key_figures(period, by_key, lead)
    text = yearly_report.sentences(period, facts, by_key["recruiting_gap"],
                                   by_key["unfilled_by_reason"])
    return [key_table, *tables], lead, text


@bp.route("/")
@coordinator_required
def index():
    form, period = _selected_period()
    if period is None:
        return render_template("reports/index.html", form=form, period=None), 400
    tables, lead, text = _tables(period)
    svgs = {t.key: charts.render(t) for t in tables[1:]}
    return render_template("reports/index.html", form=form, period=period, tables=tables,
                           lead=lead, sentences=text, charts=svgs, query=request.args.to_dict())


@bp.route("/csv/<key>")
@coordinator_required
def table_csv(key: str):
    form, period = _selected_period()
    if period is None:
        abort(400)
    table = found_or_404(next((t for t in _tables(period)[0] if t.key == key), None))
    name = f"SKM-{report_export.file_stem(table.short_title)}-{period.slug}.csv"
    return Response(report_export.table_csv(table, _locale()),
                    mimetype="text/csv",  # Flask adds "; charset=utf-8" to text/* itself
                    headers={"Content-Disposition": downloads.attachment(name)})


@bp.route("/export.xlsx")
@coordinator_required
def workbook():
    form, period = _selected_period()
    if period is None:
        abort(400)
    data = report_export.workbook(_tables(period)[0], period, _("Period"))
    stem = report_export.file_stem(_("Statistics report"))  # babel reads no f-string
    name = f"SKM-{stem}-{period.slug}.xlsx"
    return Response(data,
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": downloads.attachment(name)})


@bp.route("/yearly")
@coordinator_required
def yearly():
    """Show the printable yearly report, always in German (it goes to the town council)."""
    year = request.args.get("year", type=int) or today_local().year
    if not 2000 <= year <= 2100:
        abort(404)
    with force_locale("de"):
        period = year_period(year)
        tables, lead, text = _tables(period)
        svgs = {t.key: charts.render(t) for t in tables[1:]}
        return render_template("reports/yearly.html", year=year, period=period,
                               tables=tables, lead=lead, sentences=text, charts=svgs)
