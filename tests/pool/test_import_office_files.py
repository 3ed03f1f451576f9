"""Importing spreadsheets the way a German office keeps them: a title row above the headings,
"Name" + "Vorname", phone numbers stored as numbers, German dates, levels in parentheses.

The files are built with openpyxl as Excel writes them (merged title cells, real date cells).
Nothing a file does not say may be stored, and no first name may be lost.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from app.extensions import db
from app.models import Mediator
from tests.pool.test_pool_import import confirm, upload

TITLE = "Sprachmittler-Pool Stand 11/2026"


@pytest.fixture()
def coordinator(client, make_user, login, app, tmp_path):
    app.config["IMPORT_FOLDER"] = str(tmp_path / "imports")
    user = make_user("coordinator")
    login(user)
    yield user
    app.config.pop("IMPORT_FOLDER", None)


def office_xlsx(head: list[str], rows: list[list], *, title: str | None = TITLE,
                blank_rows: int = 1) -> bytes:
    """A list as an office keeps it: a merged title A1:F1, a blank row, then the headings."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Pool"
    if title:
        sheet["A1"] = title
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
        for _n in range(blank_rows):
            sheet.append([])
    sheet.append(head)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def people() -> dict[str, Mediator]:
    db.session.expire_all()
    return {m.last_name: m for m in db.session.scalars(sa.select(Mediator))}


def test_name_and_vorname_keep_every_first_name(client, coordinator):
    head = ["Name", "Vorname", "E-Mail", "Geschlecht"]
    rows = [["Haddad", "Samira", "samira@example.org", "w"],
            ["Abu Bakr", "Mohammed Ali", "mohammed@example.org", "m"]]
    html = upload(client, office_xlsx(head, rows, title=None), "pool.xlsx").get_data(
        as_text=True)
    assert "Samira Haddad" in html and "Mohammed Ali Abu Bakr" in html
    assert confirm(client).status_code == 302
    found = people()
    assert found["Haddad"].first_name == "Samira"
    assert found["Abu Bakr"].first_name == "Mohammed Ali"


def test_nachname_vorname_in_one_cell_and_familienname(client, coordinator):
    rows = [["Haddad, Samira", "w"], ["Tesfay, Amanuel", "m"]]
    upload(client, office_xlsx(["Nachname, Vorname", "Geschlecht"], rows, title=None),
           "pool.xlsx")
    assert confirm(client).status_code == 302
    assert {(m.first_name, m.last_name) for m in people().values()} == {
        ("Samira", "Haddad"), ("Amanuel", "Tesfay")}
    upload(client, office_xlsx(["Familienname", "Rufname", "Geschlecht"], [["Noori", "Fatima",
                                                                             "w"]],
                               title=None), "pool.xlsx")
    assert confirm(client).status_code == 302
    assert people()["Noori"].first_name == "Fatima"


def test_title_rows_above_the_headings_are_skipped(client, coordinator):
    head = ["Name", "Vorname", "Geschlecht", "Eintrittsdatum", "E-Mail"]
    rows = [["Haddad", "Samira", "w", "03.11.2026", "samira@example.org"],
            ["Tesfay", "Amanuel", "m", dt.datetime(2026, 11, 3), "kaputt"]]
    response = upload(client, office_xlsx(head, rows, blank_rows=1), "pool.xlsx")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert TITLE in html  # named as skipped, not as a missing column
    # row numbers are the spreadsheet's: title (1), blank (2), headings (3), data from 4
    assert "Zeile 5, Spalte „E-Mail“" in html
    assert confirm(client).status_code == 302
    assert people()["Haddad"].joined_on == dt.date(2026, 11, 3)


def test_title_rows_in_two_lines_and_headings_with_line_breaks(client, coordinator):
    book = Workbook()
    sheet = book.active
    sheet.append(["Stadt Rheinstadt – Amt für Migration und Integration"])
    sheet.append(["Sprachmittler-Pool", None, None, "Stand:", "11/2026"])
    sheet.append(["Lfd. Nr.", "Name", "Vorname", "Geschlecht:", "Telefon\n(mobil)"])
    sheet.append([1, "Haddad", "Samira", "w", "0151 123"])
    buffer = io.BytesIO()
    book.save(buffer)
    html = upload(client, buffer.getvalue(), "pool.xlsx").get_data(as_text=True)
    assert 'id="count-create">1<' in html, html
    assert confirm(client).status_code == 302
    samira = people()["Haddad"]
    assert (samira.first_name, samira.gender, samira.phone) == ("Samira", "female", "0151 123")


def test_changed_columns_and_errors_use_the_files_headings(client, coordinator,
                                                          make_mediator):
    make_mediator(first_name="Samira", last_name="Haddat", email="samira@example.org",
                  languages=())
    db.session.commit()
    head = ["Name", "Vorname", "Mail", "FZ ausgestellt", "Stadtteil"]
    rows = [["Haddad", "Samira", "samira@example.org", "", "Nord"],
            ["Tesfay", "Amanuel", "", "01.02.2026", "Süd"]]
    html = upload(client, office_xlsx(head, rows), "pool.xlsx").get_data(as_text=True)
    for internal in ("last_name", "first_name", "police_issued_on", "police_inspected_on",
                     "gender"):
        assert internal not in html
    assert "<td class=\"kern-table__cell\">Name</td>" in html  # the changed column, as written
    assert "Führungszeugnis eingesehen am" in html  # the missing column by the template's name


def test_phone_stored_as_a_number_is_kept_and_named(client, coordinator):
    head = ["Name", "Vorname", "Geschlecht", "Handy"]
    rows = [["Haddad", "Samira", "w", 15112345678], ["Tesfay", "Amanuel", "m", "0151 222"]]
    html = upload(client, office_xlsx(head, rows), "pool.xlsx").get_data(as_text=True)
    assert "als Zahl gespeichert" in html and "Handy" in html
    assert 'id="count-error">0<' in html
    assert confirm(client).status_code == 302
    assert people()["Haddad"].phone == "15112345678"  # kept as written, no 0 invented


def test_police_certificate_with_only_the_inspection_date(client, coordinator):
    head = ["Name", "Vorname", "Geschlecht", "Führungszeugnis eingesehen am"]
    rows = [["Haddad", "Samira", "w", "03.11.2026"]]
    html = upload(client, office_xlsx(head, rows), "pool.xlsx").get_data(as_text=True)
    assert 'id="count-error">0<' in html and 'id="count-create">1<' in html
    assert "nur das Datum der Einsichtnahme wird gespeichert" in html
    assert confirm(client).status_code == 302
    police = people()["Haddad"].document("police_certificate")
    assert (police.recorded_on, police.issued_on) == (dt.date(2026, 11, 3), None)


def confirm_with(client, **fields):
    import re

    html = client.get("/pool/import").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    return client.post("/pool/import/confirm", data={"csrf_token": token, "mode": "valid",
                                                     **fields})


def test_nothing_is_invented_for_what_the_file_does_not_say(client, coordinator):
    head = ["Name", "Vorname", "Geschlecht", "Sprachen", "Status"]
    rows = [["Haddad", "Samira", "w", "Arabisch, Englisch (C1)", ""],
            ["Tesfay", "Amanuel", "m", "Tigrinya (Muttersprache)", "aktiv"]]
    html = upload(client, office_xlsx(head, rows), "pool.xlsx").get_data(as_text=True)
    assert "keinen Status" in html  # the coordinator is asked, nothing is assumed
    response = confirm_with(client)
    assert response.status_code == 400
    assert "Bitte wählen Sie den Status" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mediator)) == 0
    assert confirm_with(client, missing_status="applicant").status_code == 302
    found = people()
    samira, amanuel = found["Haddad"], found["Tesfay"]
    assert (samira.status, amanuel.status) == ("applicant", "active")
    assert (samira.german_level, samira.mobility) == (None, None)
    assert sorted((lang.code, lang.level) for lang in samira.languages) == [
        ("arb", None), ("eng", "C1")] or sorted(
        (lang.code, lang.level) for lang in samira.languages) == [("ara", None), ("eng", "C1")]
    assert [(lang.code, lang.level) for lang in amanuel.languages] == [("tir", "native")]
    page = client.get(f"/pool/mediators/{samira.id}").get_data(as_text=True)
    assert "fehlt" in page and "None" not in page


def test_a_blank_level_keeps_the_recorded_one(client, coordinator, make_mediator):
    known = make_mediator(first_name="Samira", last_name="Haddad", email="s@example.org",
                          languages=(("eng", "", "C1"),), german_level="C1", mobility="car")
    db.session.commit()
    head = ["Name", "Vorname", "E-Mail", "Sprachen", "Deutschniveau", "Mobilität"]
    html = upload(client, office_xlsx(head, [["Haddad", "Samira", "s@example.org", "Englisch",
                                              "", ""]]), "pool.xlsx").get_data(as_text=True)
    assert 'id="count-unchanged">1<' in html
    assert confirm_with(client).status_code == 302
    db.session.refresh(known)
    assert [lang.level for lang in known.languages] == ["C1"]
    assert (known.german_level, known.mobility) == ("C1", "car")


def test_export_of_unknown_levels_reads_back_unchanged(client, coordinator, make_mediator):
    make_mediator(first_name="Samira", last_name="Haddad", email="s@example.org",
                  languages=(("tir", "", None),), german_level=None, mobility=None)
    db.session.commit()
    data = client.get("/pool/mediators/export.xlsx").data
    assert b"None" not in data
    html = upload(client, data, "export.xlsx").get_data(as_text=True)
    assert 'id="count-unchanged">1<' in html and 'id="count-error">0<' in html


def languages_of(last_name: str) -> list[tuple]:
    return sorted((lang.code, lang.variety, lang.level) for lang in people()[last_name].languages)


def test_language_cells_as_offices_write_them(client, coordinator):
    head = ["Name", "Vorname", "Geschlecht", "Sprachen"]
    rows = [["Haddad", "Samira", "w", "Arabisch (Muttersprache), Englisch (C1)"],
            ["Ahmadi", "Nasrin", "w", "Farsi/Dari"],
            ["Kaya", "Rojda", "w", "Kurdisch-Kurmancî, Tuerkisch C2"],
            ["Saleh", "Omar", "m", "Arabisch (Syrisch, C2)\nKurdisch (Sorani) B2"]]
    html = upload(client, office_xlsx(head, rows), "pool.xlsx").get_data(as_text=True)
    assert 'id="count-error">0<' in html, html
    assert confirm(client).status_code == 302
    assert languages_of("Haddad") == [("ara", "", "native"), ("eng", "", "C1")]
    assert languages_of("Ahmadi") == [("pes", "", None), ("prs", "", None)]
    assert languages_of("Kaya") == [("kmr", "", None), ("tur", "", "C2")]
    assert languages_of("Saleh") == [("ara", "Syrisch", "C2"), ("ckb", "", "B2")]


def test_each_unknown_language_is_named_alone_with_suggestions(client, coordinator):
    head = ["Name", "Vorname", "Geschlecht", "Sprache(n)"]
    rows = [["Haddad", "Samira", "w", "Arabisch C2, Tigrinija, Englisch"],
            ["Ahmadi", "Nasrin", "w", "Farsi Dari"]]
    html = upload(client, office_xlsx(head, rows), "pool.xlsx").get_data(as_text=True)
    assert "Zeile 4, Spalte „Sprache(n)“: „Tigrinija“ ist keine bekannte Sprache" in html
    assert "Arabisch C2, Tigrinija" not in html  # not the whole cell
    assert "„Tigrinja“" in html
    assert "Parsi dari" not in html
    assert "trennen Sie sie bitte mit einem Komma: Farsi, Dari" in html


def test_modules_take_the_same_separators_as_languages(client, coordinator):
    from app.models import QualificationModule

    db.session.add_all([QualificationModule(code="M1", title_de="Rolle", title_en="Role"),
                        QualificationModule(code="M2", title_de="Techniken",
                                            title_en="Techniques")])
    db.session.commit()
    head = ["Name", "Vorname", "Geschlecht", "Module"]
    rows = [["Haddad", "Samira", "w", "M1, M2 (03.11.2026)"]]
    html = upload(client, office_xlsx(head, rows), "pool.xlsx").get_data(as_text=True)
    assert 'id="count-error">0<' in html, html
    assert confirm(client).status_code == 302
    done = {c.module.code: c.completed_on for c in people()["Haddad"].completions}
    assert done["M2"] == dt.date(2026, 11, 3) and "M1" in done


def test_a_person_in_the_pool_under_another_address_is_offered_for_merging(client,
                                                                          coordinator,
                                                                          make_mediator):
    known = make_mediator(first_name="Samira", last_name="Haddad", email="samira@alt.example",
                          phone="0151 12345678", district="", languages=())
    db.session.commit()
    head = ["Name", "Vorname", "E-Mail", "Handy", "Geschlecht", "Stadtteil", "Sprachen"]
    rows = [["Haddad", "Samira", "samira@neu.example", 15112345678, "w", "Nord",
             "Arabisch C2"],
            ["Tesfay", "Amanuel", "amanuel@example.org", "0160 555", "m", "Süd", "Tigrinya"]]
    html = upload(client, office_xlsx(head, rows), "pool.xlsx").get_data(as_text=True)
    assert 'id="count-duplicate">1<' in html and 'id="count-create">1<' in html
    assert 'name="duplicate-4"' in html and 'value="merge"' in html
    # without a choice the row is skipped: no second Samira
    assert confirm(client).status_code == 302
    assert sorted(people()) == ["Haddad", "Tesfay"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mediator)) == 2

    upload(client, office_xlsx(head, rows), "pool.xlsx")
    assert confirm_with(client, missing_status="active", **{"duplicate-4": "merge"}
                        ).status_code == 302
    db.session.refresh(known)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mediator)) == 2
    assert known.district == "Nord" and [lang.code for lang in known.languages] == ["ara"]
    assert known.email == "samira@alt.example"  # the stored address stays (maybe an account)


def test_create_anyway_and_duplicates_within_the_file(client, coordinator, make_mediator):
    make_mediator(first_name="Samira", last_name="Haddad", email="samira@alt.example",
                  phone="+49 151 12345678", languages=())
    db.session.commit()
    head = ["Nachname, Vorname", "E-Mail", "Telefon", "Geschlecht"]
    rows = [["Haddad, Samira", "samira@neu.example", "0151/12345678", "w"],
            ["Noori, Fatima", "fatima@example.org", "0170 1", "w"],
            ["Noori, Fatima", "fatima@other.example", "0170 1", "w"]]
    html = upload(client, office_xlsx(head, rows), "pool.xlsx").get_data(as_text=True)
    assert 'id="count-duplicate">1<' in html
    assert "Zeile 6" in html and "Zeile 5" in html  # the second Fatima names the first
    assert confirm_with(client, missing_status="active", **{"duplicate-4": "create"}
                        ).status_code == 302
    names = sorted(db.session.scalars(sa.select(Mediator.last_name)))
    assert names == ["Haddad", "Haddad", "Noori"]


def test_the_same_name_without_a_phone_to_compare_is_not_merged_silently(client, coordinator,
                                                                        make_mediator):
    known = make_mediator(first_name="Samira", last_name="Haddad", email="", phone="",
                          district="Süd", languages=())
    db.session.commit()
    head = ["Name", "Vorname", "Geschlecht", "Stadtteil"]
    html = upload(client, office_xlsx(head, [["Haddad", "Samira", "w", "Nord"]]),
                  "pool.xlsx").get_data(as_text=True)
    assert 'id="count-duplicate">1<' in html and 'id="count-update">0<' in html
    assert confirm(client).status_code == 302
    db.session.refresh(known)
    assert known.district == "Süd"


def test_an_unknown_district_is_named_with_a_suggestion(client, coordinator, make_mediator):
    make_mediator(district="Frei-Weinheim", languages=())
    db.session.commit()
    head = ["Name", "Vorname", "Geschlecht", "Ortsteil"]
    rows = [["Haddad", "Samira", "w", "Frei-Weinhiem"], ["Tesfay", "Amanuel", "m", "Gaulsheim"],
            ["Noori", "Fatima", "w", "frei-weinheim"]]
    html = upload(client, office_xlsx(head, rows), "pool.xlsx").get_data(as_text=True)
    assert "Frei-Weinhiem" in html and "meinten Sie „Frei-Weinheim“" in html
    assert "„Gaulsheim“ ist ein neuer Stadtteil" in html
    assert confirm(client).status_code == 302
    assert people()["Noori"].district == "Frei-Weinheim"  # the pool's spelling


def test_full_name_search(client, coordinator, make_mediator):
    samira = make_mediator(first_name="Samira", last_name="Haddad", languages=())
    samir = make_mediator(first_name="Samir", last_name="Nassar", languages=())
    db.session.commit()
    for typed in ("Samira Haddad", "Haddad, Samira", "Haddad Samira", "samira  haddad"):
        html = client.get("/pool/mediators", query_string={"q": typed}).get_data(as_text=True)
        assert f'/pool/mediators/{samira.id}"' in html, typed
        assert f'/pool/mediators/{samir.id}"' not in html, typed


def test_csv_and_ods_with_a_title_row_and_dates_as_numbers(client, coordinator):
    import pandas as pd

    text = ("Sprachmittler-Pool Stand 11/2026;;;\r\n;;;\r\n"
            "Name;Vorname;Geschlecht;Eintrittsdatum\r\n"
            "Haddad;Samira;w;03.11.2026\r\nTesfay;Amanuel;m;46329\r\n")
    html = upload(client, text.encode("cp1252"), "pool.csv").get_data(as_text=True)
    assert 'id="count-create">2<' in html and 'id="count-error">0<' in html, html
    assert confirm(client).status_code == 302
    assert people()["Tesfay"].joined_on == dt.date(2026, 11, 3)  # an Excel day number

    buffer = io.BytesIO()
    frame = pd.DataFrame([[TITLE, None, None], [None, None, None],
                          ["Name", "Vorname", "Geschlecht"], ["Noori", "Fatima", "w"]])
    frame.to_excel(buffer, engine="odf", index=False, header=False)
    html = upload(client, buffer.getvalue(), "pool.ods").get_data(as_text=True)
    assert 'id="count-create">1<' in html, html
    assert confirm(client).status_code == 302
    assert people()["Noori"].first_name == "Fatima"
