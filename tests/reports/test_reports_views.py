"""The reports area through HTTP: access, CSV and XLSX contents, yearly report, allowances."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.extensions import db
from app.models import AllowanceRule, AllowanceStatement
from tests.conftest import csrf_token

PAGES = [
    "/reports/",
    "/reports/?kind=month&year=2026&month=3",
    "/reports/csv/requests_by_month?kind=year&year=2026",
    "/reports/export.xlsx?kind=year&year=2026",
    "/reports/yearly?year=2026",
    "/reports/allowances?year=2026&month=3",
    "/reports/allowances/rules",
    "/reports/allowances/rules/2026",
    "/reports/allowances/2026/3/payout.csv",
]


@pytest.mark.parametrize("role", ["institution", "mediator"])
def test_other_roles_get_403(client, make_user, login, role):
    login(make_user(role))
    for page in PAGES:
        assert client.get(page).status_code == 403, page
    assert client.post("/reports/allowances/2026/3/generate").status_code in (400, 403)


def test_anonymous_users_are_sent_to_login(client):
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 302 and "/auth/login" in response.location, page


def test_report_page_shows_charts_tables_and_nav(client, data, coordinator):
    html = client.get("/reports/?kind=year&year=2026").get_data(as_text=True)
    assert 'aria-current="page">Berichte<' in html
    assert html.count('role="img"') == 12  # incl. requests by mode and the two not served
    assert html.count("<svg") == 12 and "<title id=" in html
    assert 'scope="row"' in html and 'scope="col"' in html
    assert "Im Jahr 2026 wurden 3 Einsätze in 2 Sprachen für 2 Einrichtungen vermittelt." in html
    assert html.count("Als CSV herunterladen") == 13
    assert "<script>" not in html and "cdn" not in html.lower()
    # the CSP forbids inline styles: the charts use presentation attributes only
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) == html.count("<svg") and not any("style=" in svg or "<style" in svg for svg in svgs)


def test_custom_period_errors_keep_the_input(client, data, coordinator):
    response = client.get("/reports/?kind=custom&start=2026-05-01&end=2026-04-01")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Das Enddatum darf nicht vor dem Startdatum liegen." in html
    assert 'value="2026-05-01"' in html and 'value="2026-04-01"' in html
    assert client.get("/reports/?kind=custom&start=2026-05-01").status_code == 400
    assert client.get("/reports/?year=abc").status_code == 400


def test_csv_download_has_the_hand_computed_rows(client, data, coordinator):
    response = client.get("/reports/csv/requests_by_month?kind=year&year=2026")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Monat", "Vermittelt", "Nicht erschienen", "Storniert", "Nicht besetzt",
                       "Offen", "Gesamt"]
    assert rows[3] == ["März 2026", "0", "1", "1", "1", "0", "3"]
    assert len(rows) == 13
    hours = client.get("/reports/csv/volunteer_hours?kind=year&year=2026").get_data(as_text=True)
    assert "Feb. 2026;1,5;1;1" in hours
    assert client.get("/reports/csv/nope?kind=year&year=2026").status_code == 404


def _trim(row) -> list:
    values = list(row)
    while values and values[-1] is None:
        values.pop()
    return values


def test_xlsx_has_one_sheet_per_table(client, data, coordinator):
    response = client.get("/reports/export.xlsx?kind=quarter&year=2026&quarter=1")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert len(book.sheetnames) == 13  # incl. requests by mode and the two not served
    sheet = book.worksheets[1]
    assert sheet.title == "Anfragen pro Monat"  # Excel allows 31: a short name of its own
    rows = [_trim(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Anfragen pro Monat nach Ergebnis"]
    assert rows[3] == ["Monat", "Vermittelt", "Nicht erschienen", "Storniert", "Nicht besetzt",
                       "Offen", "Gesamt"]
    assert rows[4:] == [["Jan. 2026", 0, 0, 0, 0, 0, 0], ["Feb. 2026", 1, 0, 0, 0, 0, 1],
                        ["März 2026", 0, 1, 1, 1, 0, 3]]
    key = [_trim(r) for r in book["Kennzahlen"].iter_rows(values_only=True)]
    assert ["Anfragen", 4] in key  # Q1: four requests


def test_yearly_report_is_german_and_printable(client, data, coordinator):
    client.post("/language/en", data={"csrf_token": csrf_token(client, "/reports/")})
    html = client.get("/reports/yearly?year=2026").get_data(as_text=True)
    assert '<html lang="de" dir="ltr">' in html
    assert "<h1>Jahresbericht SKM-Pool 2026</h1>" in html
    assert "Im Jahr 2026 wurden 3 Einsätze in 2 Sprachen" in html
    assert "2,5 Stunden" in html
    assert re.findall(r"<script[^>]*>", html) == [
        '<script src="/static/js/print.js" defer></script>'.replace("</script>", "")]
    assert "css/reports.css" in html
    with client.get("/static/css/reports.css") as css:
        assert css.get_data(as_text=True).count("@media print") == 1
    assert client.get("/reports/yearly?year=1800").status_code == 404


def test_allowance_flow_through_the_pages(client, data, coordinator):
    page = "/reports/allowances?year=2026&month=2"
    token = csrf_token(client, page)
    response = client.post("/reports/allowances/2026/2/generate", data={"csrf_token": token})
    assert response.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "Almaz Tesfay" in html and "25,50\u00a0€" in html  # 1,5 h × 15 € + 10 km × 0,30 €
    confirm = client.get("/reports/allowances/2026/2/export").get_data(as_text=True)
    assert "1 Abrechnung, Summe 25,50\u00a0€" in confirm
    form = dict(re.findall(r'name="(csrf_token|count|total_cents)"[^>]*value="([^"]*)"',
                           confirm))
    assert (form["count"], form["total_cents"]) == ("1", "2550")
    response = client.post("/reports/allowances/2026/2/export", data=form)
    assert response.status_code == 302
    statement = db.session.scalar(sa.select(AllowanceStatement))
    html = client.get(page).get_data(as_text=True)
    run_csv = f"/reports/allowances/2026/2/runs/{statement.export_batch}.csv"
    assert run_csv in html and "Coordinator 1" in html  # who exported, with the files
    response = client.get(run_csv)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))
    assert rows[1][:4] == ["Almaz Tesfay", "DE02120300000000202051", "25,50", "02/2026"]
    again = client.post("/reports/allowances/2026/2/export", data=form)
    assert again.status_code == 409
    assert "keine neuen Abrechnungen" in again.get_data(as_text=True)
    response = client.post(f"/reports/allowances/statements/{statement.id}/delete",
                           data={"csrf_token": token, "confirmed": "yes"})
    assert response.status_code == 409
    assert "bereits exportiert" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(AllowanceStatement, statement.id) is not None
    payout = client.get("/reports/allowances/2026/2/payout.csv").get_data(as_text=True)
    assert "25,50" in payout and statement.reference in payout


def test_correction_form_keeps_input_on_error(client, data, coordinator):
    page = "/reports/allowances?year=2026&month=2"
    token = csrf_token(client, page)
    response = client.post("/reports/allowances/2026/2/corrections", data={
        "csrf_token": token, "mediator_id": data["m1"].id, "fee": "zwölf", "travel": "0",
        "note": "Nachtrag Fahrt"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Bitte geben Sie einen Betrag wie 15,50 ein." in html and 'value="zwölf"' in html
    response = client.post("/reports/allowances/2026/2/corrections", data={
        "csrf_token": token, "mediator_id": data["m1"].id, "fee": "-7,50", "travel": "0",
        "note": "Nachtrag Fahrt"})
    assert response.status_code == 302
    statement = db.session.scalar(sa.select(AllowanceStatement))
    assert (statement.kind, statement.total_cents) == ("correction", -750)


def test_rule_form_accepts_german_amounts(client, coordinator):
    page = "/reports/allowances/rules/2026"
    html = client.get(page).get_data(as_text=True)
    assert 'value="960,00"' in html and 'value="15,00"' in html
    token = csrf_token(client, page)
    form = {"csrf_token": token, "hourly_rate": "17,50", "minimum": "10", "per_km": "0,35",
            "reimburse_tickets": "y", "annual_cap": "1.000,00", "warn_percent": "75"}
    bad = client.post(page, data={**form, "per_km": "-1"})
    assert bad.status_code == 400 and 'value="-1"' in bad.get_data(as_text=True)
    assert client.post(page, data=form).status_code == 302
    rule = db.session.scalar(sa.select(AllowanceRule).where(AllowanceRule.year == 2026))
    assert (rule.hourly_rate_cents, rule.minimum_cents, rule.per_km_cents,
            rule.annual_cap_cents, rule.warn_percent) == (1750, 1000, 35, 100000, 75)
    assert "1.000,00\u00a0€" in client.get("/reports/allowances/rules").get_data(as_text=True)


def test_generating_warns_about_the_annual_cap(client, data, coordinator):
    from app.services.allowances import statements as allowances

    allowances.save_rule(2026, coordinator, annual_cap_cents=2000, warn_percent=80)
    db.session.commit()
    token = csrf_token(client, "/reports/allowances?year=2026&month=2")
    response = client.post("/reports/allowances/2026/2/generate", data={"csrf_token": token},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Nahe am oder über dem steuerfreien Jahresbetrag: Almaz Tesfay." in html
    assert "Freibetrag überschritten" in html  # 22,50 € of 20,00 €
