"""Journey: an office's own spreadsheet (a merged title row, "Name" + "Vorname", levels
missing, a phone number stored as a number, a volunteer already in the pool under another
e-mail address) → preview → the duplicate merged → no first name lost, nothing invented.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from openpyxl import Workbook

from app.extensions import db
from app.models import Mediator
from tests.browser.journey_helpers import NOW, check_page, login


def _office_list(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Pool"
    sheet["A1"] = "Sprachmittler-Pool Stand 11/2026"
    sheet.merge_cells("A1:H1")
    sheet.append([])
    sheet.append(["Name", "Vorname", "E-Mail", "Handy", "Geschlecht", "Sprachen", "Status",
                  "FZ eingesehen"])
    sheet.append(["Haddad", "Samira", "samira@neu.example", 15112345678, "w",
                  "Arabisch (Muttersprache), Englisch", "aktiv", dt.datetime(2026, 10, 1)])
    sheet.append(["Tesfay", "Amanuel", "amanuel@example.org", "0160 5550", "m",
                  "Tigrinya, Arabisch (C1)", "", "01.10.2026"])
    sheet.append(["Ahmadi", "Nasrin", "", "", "w", "Farsi/Dari", "", ""])
    target = path / "Pool Stand 11-2026.xlsx"
    book.save(target)
    return target


def test_office_spreadsheet_keeps_names_invents_nothing_and_merges(page, clock, tmp_path,
                                                                  make_user, make_mediator):
    clock(NOW)
    make_user("coordinator", email="koordination@example.org")
    known = make_mediator(first_name="Samira", last_name="Haddad", email="samira@alt.example",
                          phone="0151 12345678", languages=(("ara", "", "native"),))
    db.session.commit()
    login(page, "koordination@example.org")

    page.goto("/pool/import")
    page.locator("select[name=kind]").select_option("mediators")
    page.locator("input[type=file][name=file]").set_input_files(str(_office_list(tmp_path)))
    with page.expect_navigation():
        page.get_by_role("button", name="Vorschau anzeigen").click()
    main = page.get_by_role("main")
    assert page.locator("#count-error").inner_text() == "0", main.inner_text()
    assert page.locator("#count-create").inner_text() == "2"
    assert page.locator("#count-duplicate").inner_text() == "1"
    text = main.inner_text()
    assert "Sprachmittler-Pool Stand 11/2026" in text  # the title row, named as skipped
    assert "Amanuel Tesfay" in text and "Nasrin Ahmadi" in text  # first names kept
    assert "15112345678" in text  # the phone number stored as a number, to check
    check_page(page, "coordinator: import preview with a possible duplicate")

    page.locator("input[name=duplicate-4][value=merge]").check()
    with page.expect_navigation():  # no mode and no status chosen: asked again, choice kept
        page.get_by_role("button", name="Jetzt importieren").click()
    assert page.locator("input[name=duplicate-4][value=merge]").is_checked()
    page.get_by_label("alle fehlerfreien Zeilen importieren").check()
    page.locator("select[name=missing_status]").select_option("applicant")
    with page.expect_navigation():
        page.get_by_role("button", name="Jetzt importieren").click()
    assert "/pool/import/" in page.url, page.get_by_role("main").inner_text()

    db.session.expire_all()
    people = list(db.session.scalars(sa.select(Mediator).order_by(Mediator.last_name)))
    assert [(m.first_name, m.last_name) for m in people] == [
        ("Nasrin", "Ahmadi"), ("Samira", "Haddad"), ("Amanuel", "Tesfay")]
    samira = next(m for m in people if m.last_name == "Haddad")
    assert samira.id == known.id and samira.email == "samira@alt.example"
    assert samira.phone == "0151 12345678"  # the same number: the stored spelling stays
    assert sorted((lang.code, lang.level) for lang in samira.languages) == [
        ("ara", "native"), ("eng", None)]
    amanuel = next(m for m in people if m.last_name == "Tesfay")
    assert (amanuel.status, amanuel.german_level, amanuel.mobility) == (
        "applicant", None, None)
    assert sorted((lang.code, lang.level) for lang in amanuel.languages) == [
        ("ara", "C1"), ("tir", None)]
    police = amanuel.document("police_certificate")
    assert (police.recorded_on, police.issued_on) == (dt.date(2026, 10, 1), None)
    nasrin = next(m for m in people if m.last_name == "Ahmadi")
    assert sorted(lang.code for lang in nasrin.languages) == ["pes", "prs"]

    page.goto(f"/pool/mediators/{amanuel.id}")
    assert "fehlt" in page.get_by_role("main").inner_text()
    page.goto("/pool/mediators?q=Samira+Haddad")
    assert page.get_by_role("link", name="Haddad, Samira").count() == 1
