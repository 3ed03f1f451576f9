"""Journey: hours with German decimals → approval → IBAN → statements → SEPA file (pain.001).

The mediator types "3,5" km and "2,80" € the German way; the coordinator approves, enters the
IBAN with spaces on the bank page, prepares the month, confirms the export and downloads the
SEPA transfer file, which must be valid pain.001.001.03 and pay exactly what the year's
allowance rule gives for 90 minutes, 3.5 km and a 2.80 € ticket.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import sepaxml
import sqlalchemy as sa
import xmlschema

from app.extensions import db
from app.models import AllowanceRule, Assignment, Mediator
from app.services.booking import assignments as booking
from app.services.core.tasks import deliver_due
from app.timeutil import to_local
from tests.browser.journey_helpers import NOW, build_world, check_page, login
from tests.factories import make_request

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
XSD = os.path.join(os.path.dirname(sepaxml.__file__), "schemas", "pain.001.001.03.xsd")
TUESDAY = dt.date(2026, 12, 8)
IBAN_TYPED = "DE02 1203 0000 0000 2020 51"  # German, grouped in fours as people write it


def _world(make_user, make_institution, make_mediator):
    world = build_world(make_user, make_institution, make_mediator)
    # a rule whose km rate makes 3.5 km a half cent: 3.5 × 35 ct = 122.5 ct → 1.23 €
    db.session.add(AllowanceRule(year=2026, hourly_rate_cents=1000, minimum_cents=0,
                                 per_km_cents=35, reimburse_tickets=True,
                                 annual_cap_cents=96000, warn_percent=80))
    req = make_request(world["kita_inst"], day=TUESDAY, time=dt.time(8, 30), minutes=90)
    assignment = booking.book(world["coordinator"], req.id, world["selam_m"].id)
    db.session.commit()
    deliver_due()  # nobody listens: the invitations just leave the outbox's way
    return world, assignment


def test_hours_in_german_decimals_reach_the_sepa_file(page, clock, live_server, make_user,
                                                       make_institution, make_mediator):
    clock(NOW)
    world, assignment = _world(make_user, make_institution, make_mediator)
    clock(assignment.starts_at + dt.timedelta(hours=4))

    login(page, "selam@example.org")
    page.goto(f"/me/assignments/{assignment.id}")
    page.get_by_label("Wie lange hat es gedauert (Minuten)?").fill("90")
    page.locator("input[name=travel_km]").fill("3,5")
    page.locator("input[name=ticket_cost]").fill("2,80")
    page.get_by_role("button", name="Meldung senden").click()
    page.wait_for_load_state()
    assert "Danke" in page.locator("[role=status], [role=alert]").first.inner_text()
    db.session.expire_all()
    reported = db.session.get(Assignment, assignment.id)
    assert (reported.travel_km, reported.ticket_cost_cents) == (Decimal("3.5"), 280)

    login(page, "koordination@example.org")
    page.goto("/coordination/requests")
    reports = page.locator("section[aria-labelledby=reports-h]")
    assert "90 Min., 3,5 km, 2,80\xa0€" in reports.inner_text()
    with page.expect_navigation():
        reports.get_by_role("button", name="Freigeben").click()
    db.session.expire_all()
    assert db.session.get(Assignment, assignment.id).report_status == "approved"

    selam = world["selam_m"]
    page.goto(f"/pool/mediators/{selam.id}/bank")
    page.get_by_label("Kontoinhaber/in").fill("Selam Tekle")
    page.get_by_label("IBAN").fill(IBAN_TYPED)
    with page.expect_navigation():
        page.get_by_role("button", name="Bankverbindung speichern").click()
    assert "DE02 •••• •••• •••• 2051" in page.get_by_role("main").inner_text()
    db.session.expire_all()
    assert db.session.get(Mediator, selam.id).iban == IBAN_TYPED.replace(" ", "")

    local = to_local(assignment.starts_at)
    page.goto(f"/reports/allowances?year={local.year}&month={local.month}")
    with page.expect_navigation():
        page.get_by_role("button",
                         name="Abrechnungen aus freigegebenen Einsätzen erstellen").click()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Auszahlungsdateien exportieren")).click()
    assert "1 Abrechnung, Summe 19,03\xa0€" in page.get_by_role("main").inner_text()
    check_page(page, "coordinator: export confirmation")
    with page.expect_navigation():
        page.get_by_role("button", name="Ja, exportieren und endgültig festschreiben").click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="SEPA-Überweisungsdatei (XML)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xml")
    xml = Path(download.path()).read_text(encoding="utf-8")

    xmlschema.XMLSchema(XSD).validate(xml)
    root = ET.fromstring(xml)  # noqa: S314 (the app's own file, just downloaded)
    txs = root.findall("p:CstmrCdtTrfInitn/p:PmtInf/p:CdtTrfTxInf", NS)
    assert len(txs) == 1
    amount = Decimal(txs[0].find("p:Amt/p:InstdAmt", NS).text)
    assert txs[0].find("p:CdtrAcct/p:Id/p:IBAN", NS).text == "DE02120300000000202051"
    assert txs[0].find("p:Cdtr/p:Nm", NS).text == "Selam Tekle"
    # the rule, worked out here by hand: 90 min at 10 €/h, 3.5 km at 35 ct, the 2.80 € ticket
    fee = Decimal(90) * 1000 / 60
    km = (Decimal("3.5") * 35).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    assert amount == (fee + km + 280) / 100 == Decimal("19.03")
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    assert Decimal(header.find("p:CtrlSum", NS).text) == amount
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AllowanceRule)) == 1
