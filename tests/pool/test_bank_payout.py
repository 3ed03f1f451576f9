"""Bank details (validated, masked, audited) and the SEPA transfer file read back from XML."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
import sepaxml
import sqlalchemy as sa
import xmlschema

from app.extensions import db
from app.models import AllowanceStatement, AuditLog, Mediator
from app.services.allowances import payout as allowance_reports
from app.services.allowances import sepa
from app.services.allowances import statements as allowances
from app.services.core.errors import DomainError
from app.services.pool import bank, privacy
from tests.conftest import csrf_token
from tests.reports.test_allowances import march  # noqa: F401 (fixture)

GOOD = "DE89370400440532013000"  # Commerzbank, the usual example account
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
XSD = os.path.join(os.path.dirname(sepaxml.__file__), "schemas", "pain.001.001.03.xsd")


@pytest.mark.parametrize(("iban", "message"), [
    ("DE89370400440532013001", "Prüfziffern"),  # checksum
    ("XX89370400440532013000", "unbekanntes Land"),
    ("DE8937040044053201300", "falsche Länge"),
    ("DE44123456780000000000", "Bankleitzahl 12345678"),  # checksum fine, no such bank
    ("", "IBAN ein"),
])
def test_wrong_ibans_are_refused_with_the_reason(app, iban, message):
    with pytest.raises(DomainError, match=message):
        bank.validate("Almaz Tesfay", iban)


def test_bank_details_are_stored_compact_and_checked_together(app):
    details = bank.validate("  Almaz   Tesfay ", "de89 3704 0044 0532 0130 00", "cobadeffxxx")
    assert details == bank.BankDetails("Almaz Tesfay", GOOD, "COBADEFFXXX")
    with pytest.raises(DomainError, match="anderen Land"):
        bank.validate("A", GOOD, "BNPAFRPPXXX")
    with pytest.raises(DomainError, match="BIC"):
        bank.validate("A", GOOD, "NOPE")
    assert bank.mask(GOOD) == "DE89 •••• •••• •••• 3000"


def _audit(action: str) -> list[AuditLog]:
    return list(db.session.scalars(sa.select(AuditLog).where(AuditLog.action == action)))


def test_coordinator_enters_bank_details_on_the_record(client, login, make_user, make_mediator):
    coordinator = make_user("coordinator")
    m = make_mediator(first_name="Almaz", last_name="Tesfay")
    db.session.commit()
    login(coordinator)
    page = f"/pool/mediators/{m.id}/bank"
    bad = client.post(page, data={"account_holder": "Almaz Tesfay", "iban": GOOD[:-1] + "1",
                                  "csrf_token": csrf_token(client, page)})
    assert bad.status_code == 400 and "Prüfziffern" in bad.get_data(as_text=True)
    response = client.post(page, data={"account_holder": "Almaz Tesfay",
                                       "iban": "DE89 3704 0044 0532 0130 00", "bic": "",
                                       "csrf_token": csrf_token(client, page)})
    assert response.status_code == 302
    db.session.expire_all()
    assert (m.account_holder, m.iban, m.bic) == ("Almaz Tesfay", GOOD, "")
    change = _audit("update_bank_details")
    assert len(change) == 1 and GOOD not in change[0].details  # audited, never the IBAN
    record = client.get(f"/pool/mediators/{m.id}").get_data(as_text=True)
    assert "DE89 •••• •••• •••• 3000" in record and GOOD not in record
    assert "0532 0130" not in client.get(page).get_data(as_text=True)  # the edit form too
    shown = client.post(f"/pool/mediators/{m.id}/bank/reveal",
                        data={"csrf_token": csrf_token(client, page)})
    assert shown.status_code == 200 and "DE89 3704 0044 0532 0130 00" in shown.get_data(
        as_text=True)
    assert len(_audit("read_bank_details")) == 1
    # an empty IBAN field keeps the stored one; the holder can change alone
    client.post(page, data={"account_holder": "A. Tesfay", "iban": "",
                            "csrf_token": csrf_token(client, page)})
    db.session.expire_all()
    assert (m.account_holder, m.iban) == ("A. Tesfay", GOOD)


@pytest.mark.parametrize("role", ["mediator", "institution"])
def test_only_coordinators_see_other_peoples_bank_details(client, login, make_user,
                                                          make_mediator, role):
    m = make_mediator(iban=GOOD)
    db.session.commit()
    login(make_user(role))
    assert client.get(f"/pool/mediators/{m.id}/bank").status_code == 403
    assert client.post(f"/pool/mediators/{m.id}/bank/reveal").status_code in (400, 403)
    assert _audit("read_bank_details") == []


def test_mediator_enters_their_own_bank_details(client, login, make_user, make_mediator):
    m = make_mediator(first_name="Farid", last_name="Ahmadi")
    me = make_user("mediator", mediator=m)
    login(me)
    bad = client.post("/me/bank", data={"account_holder": "Farid Ahmadi",
                                        "iban": "DE44123456780000000000",
                                        "csrf_token": csrf_token(client, "/me/bank")})
    assert bad.status_code == 400 and "keine bekannte deutsche Bank" in bad.get_data(
        as_text=True)
    response = client.post("/me/bank", data={"account_holder": "Farid Ahmadi", "iban": GOOD,
                                             "bic": "COBADEFFXXX",
                                             "csrf_token": csrf_token(client, "/me/bank")})
    assert response.status_code == 302
    db.session.expire_all()
    assert (m.iban, m.bic) == (GOOD, "COBADEFFXXX")
    profile = client.get("/me/profile").get_data(as_text=True)
    assert "DE89 •••• •••• •••• 3000" in profile and GOOD not in profile


def test_gdpr_export_has_the_bank_details_and_erasure_keeps_only_frozen_ones(march):  # noqa: F811
    m1 = march["m1"]
    m1.status = "retired"
    bank.save(m1, march["coordinator"], holder="Almaz Tesfay", iban=m1.iban, bic="BYLADEM1001")
    allowances.generate_statements(2026, 3, march["coordinator"])
    allowances.export_month(2026, 3, march["coordinator"])
    db.session.commit()
    data = privacy.export_mediator(march["coordinator"], m1)["person"]
    assert (data["account_holder"], data["iban"], data["bic"]) == (
        "Almaz Tesfay", "DE02120300000000202051", "BYLADEM1001")
    assert [s["iban"] for s in data["allowance_statements"]] == ["DE02120300000000202051"]
    json.dumps(data)  # the download is JSON
    privacy.erase_mediator(march["coordinator"], m1)
    db.session.commit()
    db.session.expire_all()
    erased = db.session.get(Mediator, m1.id)
    assert (erased.account_holder, erased.iban, erased.bic) == ("", "", "")
    frozen = db.session.scalar(sa.select(AllowanceStatement).where(
        AllowanceStatement.mediator_id == m1.id))
    assert (frozen.payee_name, frozen.iban, frozen.bic) == (
        "Almaz Tesfay", "DE02120300000000202051", "BYLADEM1001")


def _text(node: ET.Element, path: str) -> str:
    return node.find(path, NS).text


def test_sepa_file_is_valid_pain001_and_reads_back(march):  # noqa: F811
    """Without an IBAN Farid is left out (still a draft); the file holds what was frozen."""
    march["m2"].iban = ""
    allowances.generate_statements(2026, 3, march["coordinator"])
    plan = allowances.export_plan(2026, 3)
    assert [s.mediator_id for s in plan.without_iban] == [march["m2"].id]
    assert (plan.count, plan.total_cents) == (1, 4400)
    with pytest.raises(DomainError, match="geändert"):  # confirmed another sum
        allowances.export_month(2026, 3, march["coordinator"], confirmed=(2, 5900))
    exported = allowances.export_month(2026, 3, march["coordinator"], confirmed=(1, 4400))
    db.session.commit()
    assert [s.mediator_id for s in exported] == [march["m1"].id]
    left = db.session.scalar(sa.select(AllowanceStatement).where(
        AllowanceStatement.mediator_id == march["m2"].id))
    assert left.exported_at is None  # stays a draft, exported once there is an IBAN
    batch = exported[0].export_batch
    xml = sepa.sepa_xml(allowance_reports.exported_statements(2026, 3, batch), batch)

    xmlschema.XMLSchema(XSD).validate(xml.decode())  # the official pain.001.001.03 schema
    root = ET.fromstring(xml)  # noqa: S314 (our own file, just written)
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    assert _text(header, "p:MsgId") == batch
    assert (_text(header, "p:NbOfTxs"), Decimal(_text(header, "p:CtrlSum"))) == (
        "1", Decimal("44.00"))
    info = root.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert _text(info, "p:Dbtr/p:Nm") == "Stadtkasse Musterstadt"
    assert _text(info, "p:DbtrAcct/p:Id/p:IBAN") == GOOD
    txs = info.findall("p:CdtTrfTxInf", NS)
    assert [(_text(t, "p:Cdtr/p:Nm"), _text(t, "p:CdtrAcct/p:Id/p:IBAN"),
             Decimal(_text(t, "p:Amt/p:InstdAmt")), _text(t, "p:PmtId/p:EndToEndId"))
            for t in txs] == [("Almaz Tesfay", "DE02120300000000202051", Decimal("44.00"),
                               exported[0].reference)]
    assert exported[0].reference in _text(txs[0], "p:RmtInf/p:Ustrd")
    # fetched again: the same message, so the bank can tell a duplicate
    again = sepa.sepa_xml(allowance_reports.exported_statements(2026, 3, batch), batch)
    again_header = ET.fromstring(again).find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)  # noqa: S314
    assert _text(again_header, "p:MsgId") == batch


def test_sepa_file_needs_the_towns_account(app, march, monkeypatch):  # noqa: F811
    allowances.generate_statements(2026, 3, march["coordinator"])
    exported = allowances.export_month(2026, 3, march["coordinator"])
    monkeypatch.setitem(app.config, "SEPA_DEBTOR_IBAN", "")
    with pytest.raises(DomainError, match="SEPA_DEBTOR_IBAN"):
        sepa.sepa_xml(exported, exported[0].export_batch)


def test_export_asks_first_and_shows_who_exported_when(client, login, march):  # noqa: F811
    """Without JavaScript: a confirmation page with count, sum and who is left out."""
    march["m2"].iban = "DE44123456780000000000"  # no such bank
    db.session.commit()
    login(march["coordinator"])
    page = "/reports/allowances?year=2026&month=3"
    client.post("/reports/allowances/2026/3/generate", data={"csrf_token": csrf_token(client,
                                                                                      page)})
    confirm = client.get("/reports/allowances/2026/3/export")
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "1 Abrechnung, Summe 44,00\u00a0€" in html
    assert "Nicht exportiert: keine gültige IBAN" in html and "Farid Ahmadi" in html
    form = dict(re.findall(r'name="(csrf_token|count|total_cents)"[^>]*value="([^"]*)"', html))
    stale = client.post("/reports/allowances/2026/3/export", data={**form, "count": "2"})
    assert stale.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AllowanceStatement).where(
        AllowanceStatement.exported_at.is_not(None))) == 0
    assert client.post("/reports/allowances/2026/3/export", data=form).status_code == 302
    month = client.get(page).get_data(as_text=True)
    statement = db.session.scalar(sa.select(AllowanceStatement).where(
        AllowanceStatement.exported_at.is_not(None)))
    assert statement.exported_by_id == march["coordinator"].id
    assert march["coordinator"].name in month and "15.12.2026, 13:00 Uhr" in month
    xml_url = f"/reports/allowances/2026/3/runs/{statement.export_batch}.xml"
    assert xml_url in month and "keine gültige IBAN" in month
    response = client.get(xml_url)
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert b"DE02120300000000202051" in response.data
    assert client.get("/reports/allowances/2026/3/runs/SKM-2026-03-E999999.xml"
                      ).status_code == 404
    assert client.get("/reports/allowances/2026/3/runs/x%22;.xml").status_code == 404
