"""Charts draw what their tables count; sheets, files and audit lines use the office's words."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from app.extensions import db
from app.services.core.periods import year_period
from app.services.reports import charts
from app.services.reports import statistics as reports
from tests.factories import make_request
from tests.reports import report_data


def _drawn_totals(svg: str) -> list[str]:
    return re.findall(r'class="chart-value">([^<]*)<', svg)


def test_stacked_bars_draw_the_open_requests_the_table_counts(app, clock, make_institution):
    """The December bar said 5 where the table said 16: open requests were not drawn."""
    clock(report_data.NOW)
    inst = make_institution()
    for hour in range(10, 13):
        make_request(inst, starts_at=report_data.local(2026, 12, 18, hour), status="submitted")
    make_request(inst, starts_at=report_data.local(2026, 12, 3), status="completed",
                 outcome="took_place")
    make_request(inst, starts_at=report_data.local(2026, 12, 4), language="ara",
                 status="submitted")
    db.session.commit()
    with app.test_request_context():
        period = year_period(2026)
        for table in (reports.requests_by_month(period),
                      reports.requests_by_language(period)):
            svg = str(charts.render(table, max_rows=20))
            total = table.columns.index(table.columns[-1])
            assert _drawn_totals(svg) == [str(row[total]) for row in table.rows[:20]], table.key
        december = reports.requests_by_month(period).rows[11]
        assert december[-1] == 5 and december[-2] == 4  # four open, drawn as their own series
        assert 'id="chart-requests_by_month-p4"' in str(charts.render(
            reports.requests_by_month(period)))


def test_chart_labels_break_between_words_never_inside_one():
    label = "Nicht besetzte Anfragen nach Sprache neben den aktiven Sprachmittler/innen"
    lines = charts.label_lines(label)
    assert len(lines) == 2
    words = label.split()
    for line in lines:
        assert all(word in words for word in line.removesuffix(" …").split()), line
    assert charts.label_lines("Kindertageseinrichtung") == ["Kindertageseinrichtung"]


def test_sheets_and_csv_files_are_named_in_whole_words(client, app, clock, make_institution,
                                                       make_mediator, make_user, login):
    clock(report_data.NOW)
    report_data.build(make_institution, make_mediator)
    login(make_user("coordinator"))
    book = load_workbook(io.BytesIO(client.get("/reports/export.xlsx?kind=year&year=2026").data))
    with app.test_request_context():
        from app.reports.routes import _tables

        tables = _tables(year_period(2026))[0]
        shorts = [t.short_title for t in tables]
    assert all(len(name) <= 31 for name in shorts), shorts
    assert book.sheetnames == shorts  # every sheet carries its whole short name
    assert "Anfragen pro Monat" in book.sheetnames
    csv_file = client.get("/reports/csv/requests_by_month?kind=year&year=2026")
    disposition = csv_file.headers["Content-Disposition"]
    assert "SKM-Anfragen-pro-Monat-" in disposition and "requests_by_month" not in disposition
    kinds = client.get("/reports/csv/requests_by_kind?kind=year&year=2026")
    assert 'filename="SKM-Anfragen-nach-Einrichtungsart-' in kinds.headers["Content-Disposition"]
    workbook = client.get("/reports/export.xlsx?kind=year&year=2026")
    assert "SKM-Statistikbericht-" in workbook.headers["Content-Disposition"]
    # beyond ASCII the name travels in the RFC 5987 form, with a plain fallback
    from app.web.downloads import attachment

    assert attachment("SKM-Übersicht.csv") == (
        "attachment; filename=\"SKM-Ubersicht.csv\"; filename*=UTF-8''SKM-%C3%9Cbersicht.csv")


def test_mediator_list_shows_phone_numbers_as_typed_and_its_audit_line_reads(
        client, make_mediator, make_user, login):
    make_mediator(last_name="Haddad", phone="+49 151 2345678")
    make_mediator(last_name="Formel", phone="=HYPERLINK(\"x\")")
    db.session.commit()
    coordinator = make_user("coordinator", name="Clara Koch")
    login(coordinator)
    text = client.get("/pool/mediators/export.csv").get_data(as_text=True)
    assert "+49 151 2345678" in text and "'+49" not in text
    assert "'=HYPERLINK" in text  # a formula is still made inert
    log = client.get("/pool/audit").get_data(as_text=True)
    assert "#None" not in log
    assert "hat die Liste der Sprachmittler/innen exportiert" in log
