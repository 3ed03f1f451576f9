"""Journey: the office's spreadsheet → preview with the one error → fixed file → import →
times entered after a phone call → the volunteer is a candidate for a request.

The demo file `tests/data/pool-import-demo.xlsx` (tools/make_import_demo.py) has exactly one
error, the language "Aramäisch"; the coordinator fixes it in the spreadsheet (here openpyxl,
as Excel would) and uploads it again.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import sqlalchemy as sa
from openpyxl import load_workbook

from app.extensions import db
from app.models import Mediator
from tests.browser.journey_helpers import NEXT_TUESDAY, NOW, check_page, login
from tests.factories import make_request

DEMO = Path(__file__).resolve().parents[1] / "data" / "pool-import-demo.xlsx"


def _fixed_copy(tmp_path: Path) -> Path:
    """The demo list with the one wrong language replaced by its ISO 639-3 code."""
    book = load_workbook(DEMO)
    sheet = book.active
    wrong = [c for row in sheet.iter_rows() for c in row if c.value == "Aramäisch C2"]
    assert len(wrong) == 1
    wrong[0].value = "aii C2"  # Assyrian Neo-Aramaic, one of the preview's suggestions
    target = tmp_path / "pool-import-demo-korrigiert.xlsx"
    book.save(target)
    return target


def _upload(page, path: Path) -> None:
    page.goto("/pool/import")
    page.locator("select[name=kind]").select_option("mediators")  # no default
    page.locator("input[type=file][name=file]").set_input_files(str(path))
    with page.expect_navigation():
        page.get_by_role("button", name="Vorschau anzeigen").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Import-Vorschau"


def test_import_fix_phone_times_candidate(page, clock, tmp_path, make_user, make_institution):
    clock(NOW)
    make_user("coordinator", email="koordination@example.org")
    kita = make_institution(kind="kita", name="Kita Sonnenblume")
    db.session.commit()
    login(page, "koordination@example.org")

    _upload(page, DEMO)
    main = page.get_by_role("main")
    assert page.locator("#count-error").inner_text() == "1"
    assert page.locator("#count-create").inner_text() == "4"
    errors = main.locator("section[aria-labelledby=errors-head] li").all_inner_texts()
    assert len(errors) == 1 and "„Aramäisch“ ist keine bekannte Sprache" in errors[0], errors
    check_page(page, "coordinator: import preview with an error")

    _upload(page, _fixed_copy(tmp_path))
    assert page.locator("#count-error").inner_text() == "0"
    assert page.locator("#count-create").inner_text() == "5"
    page.get_by_label("nichts importieren, bis jede Zeile stimmt").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Jetzt importieren").click()
    assert "Haddad" in page.get_by_role("main").inner_text()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mediator)) == 5

    # the request exists before the times do: Amanuel is excluded, outside his times
    req = make_request(kita, day=NEXT_TUESDAY, time=dt.time(10), language="tir")
    db.session.commit()
    page.goto(f"/coordination/requests/{req.id}")
    candidates = page.locator("section[aria-labelledby=candidates-h]")
    excluded = page.locator("section[aria-labelledby=excluded-h]")
    for group in excluded.locator("details.excluded-group > summary").all():
        group.click()  # each reason opens on demand
    assert "Amanuel Tesfay" not in candidates.inner_text()
    assert "Amanuel Tesfay" in excluded.inner_text()

    page.goto("/pool/mediators?q=Tesfay")
    with page.expect_navigation():
        page.get_by_role("link", name="Tesfay, Amanuel").click()
    assert "Tigrinja" in page.get_by_role("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="Wöchentliche Zeiten und Abwesenheiten").click()
    assert re.search(r"/pool/mediators/\d+/times$", page.url)
    # he said on the phone: Tuesdays 8 to 14
    page.get_by_label("Wochentag").select_option(label="Dienstag")
    page.get_by_label("Von").fill("08:00")
    page.get_by_label("Bis").fill("14:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Zeit hinzufügen").click()
    assert "Dienstag, 08:00–14:00" in page.get_by_role("main").inner_text()
    check_page(page, "coordinator: times on behalf")

    page.goto(f"/coordination/requests/{req.id}")
    candidates = page.locator("section[aria-labelledby=candidates-h]")
    assert "Amanuel Tesfay" in candidates.locator("tbody th").all_inner_texts()
