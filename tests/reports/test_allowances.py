"""Allowance rules, monthly statements, immutability after export, cap warning, payout CSV."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AllowanceRule, AllowanceStatement, AuditLog
from app.models.allowance import ExportedStatementError
from app.services.allowances import payout as allowance_reports
from app.services.allowances import statements as allowances
from app.services.core.errors import DomainError
from tests.factories import make_assignment
from tests.reports.report_data import NOW, dated_request, local


@pytest.fixture()
def march(app, clock, make_institution, make_mediator, make_user):
    """Approved work of two mediators in March 2026 plus entries that must not be paid."""
    clock(NOW)
    coordinator = make_user("coordinator")
    kita = make_institution()
    m1 = make_mediator(first_name="Almaz", last_name="Tesfay", iban="de02 1203 0000 0000 2020 51")
    m2 = make_mediator(first_name="Farid", last_name="Ahmadi", iban="DE89370400440532013000")

    def work(mediator, when, **values):
        req = dated_request(kita, when, "tir", "completed", "took_place")
        values.setdefault("report_status", "approved")
        values.setdefault("status", "completed")
        return make_assignment(req, mediator, **values)

    x1 = work(m1, local(2026, 3, 3), reported_minutes=90, travel_km=Decimal("10.0"))
    work(m1, local(2026, 3, 29), reported_minutes=20, ticket_cost_cents=350)  # minimum applies
    work(m1, local(2026, 3, 10), reported_minutes=60, mediator_no_show=True)  # not paid
    work(m1, local(2026, 3, 11), reported_minutes=60, report_status="reported")  # not approved
    work(m1, local(2026, 4, 1, 0, 30), reported_minutes=60)  # April locally, March in UTC
    work(m1, local(2026, 3, 12), reported_minutes=60, status="cancelled")  # not paid
    x6 = work(m2, local(2026, 3, 31, 23, 30), reported_minutes=60)
    db.session.commit()
    return {"coordinator": coordinator, "m1": m1, "m2": m2, "x1": x1, "x6": x6}


def test_default_rules_follow_the_law(app):
    assert allowances.default_cap_cents(2025) == 84000
    assert allowances.default_cap_cents(2026) == 96000
    assert allowances.default_cap_cents(2021) == 84000
    rule = allowances.rule_for(2026)
    assert rule.id is None and rule.hourly_rate_cents == 1500 and rule.per_km_cents == 30
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AllowanceRule)) == 0


def test_amounts_round_half_up_and_apply_the_minimum(app):
    rule = allowances.default_rule(2026)
    assert allowances.amounts(rule, 90, Decimal("10.0"), None) == (2250, 300)
    assert allowances.amounts(rule, 20, None, 350) == (1500, 350)
    rule.hourly_rate_cents, rule.minimum_cents, rule.reimburse_tickets = 1550, 0, False
    assert allowances.amounts(rule, 1, Decimal("0.5"), 350) == (26, 15)  # 25.83 → 26, 15.0


def test_save_rule_per_year_is_audited(march):
    allowances.save_rule(2026, march["coordinator"], hourly_rate_cents=2000, minimum_cents=0,
                         per_km_cents=35, reimburse_tickets=False, annual_cap_cents=96000,
                         warn_percent=90)
    db.session.commit()
    assert allowances.rule_for(2026).hourly_rate_cents == 2000
    assert allowances.rule_for(2025).hourly_rate_cents == 1500  # other years untouched
    assert db.session.scalar(sa.select(AuditLog).where(AuditLog.object_type == "allowance_rule"))
    with pytest.raises(DomainError):
        allowances.save_rule(1999, march["coordinator"], hourly_rate_cents=1)


def _by_mediator(statements):
    return {s.mediator_id: s for s in statements}


def test_generate_statements_from_approved_work_only(march):
    statements = _by_mediator(allowances.generate_statements(2026, 3, march["coordinator"]))
    db.session.commit()
    first = statements[march["m1"].id]
    assert (first.kind, first.minutes, first.fee_cents, first.travel_cents, first.total_cents) == (
        "regular", 110, 3750, 650, 4400)
    assert len(first.lines) == 2
    second = statements[march["m2"].id]
    assert (second.fee_cents, second.travel_cents) == (1500, 0)  # 31 Mar 23:30 local is March
    # running it again replaces the drafts instead of doubling them
    allowances.generate_statements(2026, 3, march["coordinator"])
    db.session.commit()
    count = sa.select(sa.func.count()).select_from(AllowanceStatement)
    assert db.session.scalar(count) == 2
    april = allowances.generate_statements(2026, 4, march["coordinator"])
    assert [s.fee_cents for s in april] == [1500]


def test_export_freezes_statements_and_writes_the_payout_file(march):
    allowances.generate_statements(2026, 3, march["coordinator"])
    exported = allowances.export_month(2026, 3, march["coordinator"])
    db.session.commit()
    assert all(s.exported_at == NOW for s in exported)
    text = allowance_reports.payout_csv(exported, "de")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:5] == ["Name", "IBAN", "Betrag (EUR)", "Zeitraum", "Verwendungszweck"]
    body = {row[0]: row for row in rows[1:]}
    m1 = march["m1"]
    ref = next(s.reference for s in exported if s.mediator_id == m1.id)
    assert body["Almaz Tesfay"] == ["Almaz Tesfay", "DE02120300000000202051", "44,00", "03/2026",
                                    ref, "37,50", "6,50", "Abrechnung"]
    assert body["Farid Ahmadi"][1:4] == ["DE89370400440532013000", "15,00", "03/2026"]
    assert ref == f"SKM-2026-03-{next(s.id for s in exported if s.mediator_id == m1.id):06d}"
    with pytest.raises(DomainError):  # nothing new to export
        allowances.export_month(2026, 3, march["coordinator"])


def test_exported_statements_are_immutable(march):
    allowances.generate_statements(2026, 3, march["coordinator"])
    statement = allowances.export_month(2026, 3, march["coordinator"])[0]
    db.session.commit()
    with pytest.raises(DomainError):
        allowances.delete_statement(statement, march["coordinator"])
    db.session.rollback()
    statement = db.session.get(AllowanceStatement, statement.id)
    statement.fee_cents = 1
    with pytest.raises(ExportedStatementError):
        db.session.flush()
    db.session.rollback()
    statement = db.session.get(AllowanceStatement, statement.id)
    statement.lines[0].fee_cents = 1
    with pytest.raises(ExportedStatementError):
        db.session.flush()
    db.session.rollback()
    # regenerating leaves the exported statements alone and finds nothing new
    assert allowances.generate_statements(2026, 3, march["coordinator"]) == []


def test_later_changes_become_correction_entries(march):
    allowances.generate_statements(2026, 3, march["coordinator"])
    allowances.export_month(2026, 3, march["coordinator"])
    db.session.commit()
    march["x1"].reported_minutes = 120  # hours changed after payment: +7,50 €
    march["x6"].report_status = "reported"  # approval withdrawn: reclaim 15,00 €
    db.session.commit()
    corrections = _by_mediator(allowances.generate_statements(2026, 3, march["coordinator"]))
    db.session.commit()
    m1, m2 = corrections[march["m1"].id], corrections[march["m2"].id]
    assert (m1.kind, m1.minutes, m1.fee_cents, m1.travel_cents) == ("correction", 30, 750, 0)
    assert (m2.kind, m2.minutes, m2.fee_cents, m2.total_cents) == ("correction", -60, -1500, -1500)
    exported = allowances.export_month(2026, 3, march["coordinator"])
    assert sorted(s.total_cents for s in exported) == [-1500, 750]
    db.session.commit()
    # paid in total now equals what is currently approved: nothing further to correct
    assert allowances.generate_statements(2026, 3, march["coordinator"]) == []


def test_cap_warning_near_and_over(march):
    allowances.save_rule(2026, march["coordinator"], annual_cap_cents=4000, warn_percent=80)
    allowances.generate_statements(2026, 3, march["coordinator"])
    caps = allowance_reports.cap_overview(2026)
    m1, m2 = march["m1"].id, march["m2"].id
    assert (caps[m1].fee_cents, caps[m1].level, caps[m1].percent) == (3750, "near", 94)
    assert caps[m2].level == "ok"  # 1500 of 4000
    allowances.add_correction(march["m1"], 2026, 3, 500, 0, "Nachtrag", march["coordinator"])
    assert allowance_reports.cap_overview(2026)[m1].level == "over"  # 4250 > 4000
    assert allowance_reports.cap_overview(2026, up_to_month=2) == {}
    with pytest.raises(DomainError):
        allowances.add_correction(march["m1"], 2026, 3, 0, 0, "nichts", march["coordinator"])


def test_payout_file_defuses_spreadsheet_formulas(march):
    march["m2"].first_name, march["m2"].last_name = "=HYPERLINK(1)", "X"
    allowances.generate_statements(2026, 3, march["coordinator"])
    text = allowance_reports.payout_csv(allowances.export_month(2026, 3, march["coordinator"]))
    names = [row[0] for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")]
    assert "'=HYPERLINK(1) X" in names


def test_rules_page_lists_stored_years(march, client, login):
    allowances.save_rule(2019, march["coordinator"], hourly_rate_cents=1234)
    db.session.commit()
    login(march["coordinator"])
    html = client.get("/reports/allowances/rules").get_data(as_text=True)
    assert "2019" in html and "12,34\u00a0€" in html


def test_the_months_statements_list_erased_people_last_on_every_database(app, make_mediator):
    """An erased person's statement has no mediator; SQLite sorts the missing name first and
    PostgreSQL last, so the list and the payout order differed between the two."""
    from app.services.allowances.statements import month_statements

    named = make_mediator(last_name="Zeller")
    db.session.add_all([AllowanceStatement(mediator_id=None, year=2026, month=3),
                        AllowanceStatement(mediator_id=named.id, year=2026, month=3)])
    db.session.commit()
    assert [s.mediator_id for s in month_statements(2026, 3)] == [named.id, None]
