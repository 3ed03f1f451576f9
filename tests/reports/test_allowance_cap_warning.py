"""The cap warning is the same on every page that shows a month's statements.

Why: the month page marked an erased mediator's statement "Cap exceeded" while the export
confirmation, which named only the people of the statements it exports, warned about nobody.
"""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import Mediator
from tests.conftest import csrf_token


@pytest.fixture()
def coordinator(coordinator, client):
    """The shared coordinator (tests/reports/conftest.py), reading the English pages."""
    with client.session_transaction() as session:
        session["locale"] = "en"
    return coordinator


BANNER = re.compile(r"Close to or above the tax-free annual cap: ([^<]*?)\. Please check")


def _warning(html: str) -> tuple[str | None, list[str]]:
    """The banner's names and the badges shown, as a page presents the cap warning."""
    banner = BANNER.search(html)
    badges = re.findall(r"(Cap exceeded|Cap nearly reached)", html)
    return (banner.group(1) if banner else None), badges


def test_month_page_and_export_confirmation_agree_also_for_an_erased_mediator(
        client, data, coordinator, make_mediator):
    from app.services.allowances import statements as allowances
    from app.services.pool import privacy

    allowances.save_rule(2026, coordinator, annual_cap_cents=2000, warn_percent=80)
    paid = make_mediator(first_name="Berhane", last_name="Kidane", languages=(("tir", "", "C2"),),
                         iban="DE89 3704 0044 0532 0130 00")
    db.session.commit()
    token = csrf_token(client, "/reports/allowances?year=2026&month=2")
    generated = client.post("/reports/allowances/2026/2/generate", data={"csrf_token": token},
                            follow_redirects=True)
    assert generated.status_code == 200
    almaz = db.session.get(Mediator, next(m.id for m in db.session.query(Mediator)
                                          if m.first_name == "Almaz"))
    almaz.status = "retired"
    privacy.erase_mediator(coordinator, almaz)
    db.session.commit()
    erased = almaz.full_name  # the placeholder the erasure stored ("Gelöscht #n")
    assert erased.endswith(f"#{almaz.id}")
    assert paid.id  # a mediator without statements changes nothing

    month = client.get("/reports/allowances?year=2026&month=2").get_data(as_text=True)
    confirm = client.get("/reports/allowances/2026/2/export").get_data(as_text=True)
    month_banner, month_badges = _warning(month)
    confirm_banner, confirm_badges = _warning(confirm)
    assert month_badges == ["Cap exceeded"]  # 22,50 € of 20,00 €
    assert month_banner == erased
    assert (confirm_banner, confirm_badges) == (month_banner, month_badges)


def test_generating_names_the_same_people_as_the_month_page(client, data, coordinator):
    from app.services.allowances import statements as allowances

    allowances.save_rule(2026, coordinator, annual_cap_cents=2000, warn_percent=80)
    db.session.commit()
    token = csrf_token(client, "/reports/allowances?year=2026&month=2")
    flashed = client.post("/reports/allowances/2026/2/generate", data={"csrf_token": token},
                          follow_redirects=True).get_data(as_text=True)
    month = client.get("/reports/allowances?year=2026&month=2").get_data(as_text=True)
    assert _warning(flashed)[0] == "Almaz Tesfay"
    assert _warning(month)[0] == "Almaz Tesfay"
