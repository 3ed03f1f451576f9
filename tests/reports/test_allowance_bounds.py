"""Every money input is bounded, corrections are plausible, the export confirmation warns about
the annual cap, a value the database refuses is a 400, and a statement changed by someone
else since it was loaded is re-read before it is deleted."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_wtf import FlaskForm

from app.extensions import db
from app.models import AllowanceStatement
from app.services.allowances import statements as allowances
from app.services.core.errors import DomainError
from app.web.money import DEFAULT_MAX_CENTS, MoneyField
from app.web.transaction import RefusedValue, commit_or_message
from tests.conftest import PG_URL, csrf_token
from tests.reports.report_data import NOW
from tests.reports.test_allowances import march  # noqa: F401 - the fixture

PAGE = "/reports/allowances?year=2026&month=3"
CORRECTIONS = "/reports/allowances/2026/3/corrections"
HUGE = ("20.000.000,00", "21.474.836,48", "-21.474.836,49", "99999999999999999999")


@pytest.fixture()
def coordinator(march, client, login):  # noqa: F811
    login(march["coordinator"])
    return march["coordinator"]


def _statements() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AllowanceStatement))


@pytest.mark.parametrize("amount", HUGE)
@pytest.mark.parametrize("field", ["fee", "travel"])
def test_huge_corrections_are_refused_by_the_form(client, march, coordinator, field,  # noqa: F811
                                                  amount):
    form = {"csrf_token": csrf_token(client, PAGE), "mediator_id": march["m1"].id, "fee": "0",
            "travel": "0", "note": "Nachtrag", field: amount}
    response = client.post(CORRECTIONS, data=form)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "2000,00" in html  # the limit is named
    assert _statements() == 0


def test_corrections_up_to_the_configured_limit_are_accepted(app, client, march,  # noqa: F811
                                                              coordinator):
    form = {"csrf_token": csrf_token(client, PAGE), "mediator_id": march["m1"].id,
            "fee": "2.000,00", "travel": "-2.000,00", "note": "Nachtrag"}
    assert client.post(CORRECTIONS, data=form).status_code == 302
    app.config["ALLOWANCE_MAX_CORRECTION_EUR"] = 5000
    try:
        form = {**form, "fee": "4.500,00", "travel": "0"}
        assert client.post(CORRECTIONS, data=form).status_code == 302
        assert client.post(CORRECTIONS, data={**form, "fee": "5.000,01"}).status_code == 400
    finally:
        app.config["ALLOWANCE_MAX_CORRECTION_EUR"] = 2000
    assert sorted(s.total_cents for s in db.session.scalars(sa.select(AllowanceStatement))) == [
        0, 450000]


@pytest.mark.parametrize("fee, travel", [(200001, 0), (0, -200001), (2**31, 0), (20_000_000_00, 0)])
def test_the_service_bounds_corrections_on_every_path(march, fee, travel):  # noqa: F811
    with pytest.raises(DomainError, match="2.000,00"):
        allowances.add_correction(march["m1"], 2026, 3, fee, travel, "x", march["coordinator"])
    db.session.rollback()
    assert _statements() == 0


def test_every_money_field_has_a_bound_that_fits_an_integer(app):
    class Form(FlaskForm):
        class Meta:
            csrf = False

        plain = MoneyField()
        signed = MoneyField(allow_negative=True)

    assert DEFAULT_MAX_CENTS < 2**31 - 1
    with app.test_request_context(method="POST", data={"plain": "21.474.836,48",
                                                       "signed": "-21.474.836,49"}):
        form = Form()
        assert not form.validate()
        assert form.plain.cents is None and form.signed.cents is None
        assert set(form.errors) == {"plain", "signed"}
    with app.test_request_context(method="POST", data={"plain": "1.000.000,00",
                                                       "signed": "-1.000.000,00"}):
        form = Form()
        assert form.validate(), form.errors
        assert (form.plain.cents, form.signed.cents) == (DEFAULT_MAX_CENTS, -DEFAULT_MAX_CENTS)


@pytest.mark.parametrize("field", ["hourly_rate", "minimum", "per_km", "annual_cap"])
def test_rule_amounts_are_bounded(client, coordinator, field):
    page = "/reports/allowances/rules/2026"
    form = {"csrf_token": csrf_token(client, page), "hourly_rate": "17,50", "minimum": "10",
            "per_km": "0,35", "reimburse_tickets": "y", "annual_cap": "960,00",
            "warn_percent": "80", field: "21.474.836,48"}
    assert client.post(page, data=form).status_code == 400


def test_export_confirmation_warns_about_the_annual_cap(client, march, coordinator):  # noqa: F811
    allowances.save_rule(2026, coordinator, annual_cap_cents=4000, warn_percent=80)
    allowances.generate_statements(2026, 3, coordinator)
    allowances.add_correction(march["m2"], 2026, 3, 2000, 0, "Nachtrag", coordinator)
    db.session.commit()
    html = client.get("/reports/allowances/2026/3/export").get_data(as_text=True)
    assert ("Nahe am oder über dem steuerfreien Jahresbetrag: Almaz Tesfay, Farid Ahmadi."
            in html)  # 37,50 of 40,00 € and 35,00 of 40,00 € (with the correction)
    assert "Jahresfreibetrag" in html and "37,50\u00a0€ von 40,00\u00a0€" in html


@pytest.mark.skipif(not PG_URL, reason="SQLite keeps any 64-bit integer")
def test_a_value_the_database_refuses_is_a_400_not_an_outage(app):
    def overflow():
        db.session.execute(sa.text("SELECT CAST(:value AS integer)"), {"value": 2**31})

    with pytest.raises(RefusedValue) as caught:
        commit_or_message(overflow)
    assert caught.value.code == 400
    assert db.session.scalar(sa.text("SELECT 1")) == 1  # rolled back, the session works


def test_the_400_page_says_which_value_was_refused(app):
    with app.test_request_context("/"):
        response = app.make_response(app.handle_user_exception(RefusedValue("Zu groß: 5")))
    assert response.status_code == 400
    assert "Zu groß: 5" in response.get_data(as_text=True)


def _stale_draft(march):  # noqa: F811
    """Return a draft as this session loaded it; the database then changes behind it."""
    allowances.generate_statements(2026, 3, march["coordinator"])
    db.session.commit()
    draft = db.session.scalars(sa.select(AllowanceStatement)).first()
    assert draft.exported_at is None
    return draft


def test_a_draft_exported_meanwhile_is_not_deleted(march):  # noqa: F811
    draft = _stale_draft(march)
    with db.engine.begin() as other:  # another coordinator's export, committed
        other.execute(sa.update(AllowanceStatement).where(AllowanceStatement.id == draft.id)
                      .values(exported_at=NOW, export_batch="SKM-2026-03-E000001"))
    with pytest.raises(DomainError, match="exportiert"):
        allowances.delete_statement(draft, march["coordinator"])
    db.session.rollback()
    assert db.session.get(AllowanceStatement, draft.id).exported_at == NOW


def test_a_draft_deleted_meanwhile_gives_a_message(march):  # noqa: F811
    draft = _stale_draft(march)
    with db.engine.begin() as other:
        other.execute(sa.delete(AllowanceStatement).where(AllowanceStatement.id == draft.id))
    outcome = commit_or_message(allowances.delete_statement, draft, march["coordinator"])
    assert not outcome.ok and outcome.error
