"""Importing the office's Excel lists (preview, confirm, idempotent) and exporting them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.extensions import db
from app.models import AuditLog, ContactPerson, Institution, Mediator, OutboxMessage, User
from tests.conftest import csrf_token

HEAD = ["Vorname", "Nachname", "E-Mail", "Telefon", "Geschlecht", "Stadtteil", "Sprachen",
        "Status", "Eintrittsdatum", "Führungszeugnis eingesehen am",
        "Führungszeugnis ausgestellt am", "Eintrag im Führungszeugnis"]
GOOD = [
    ["Amanuel", "Tesfay", "amanuel@example.org", "0151 111", "m", "Nord",
     "Tigrinja Muttersprache; Arabisch (Sudanesisch) C1", "aktiv", "01.03.2024",
     "01.03.2024", "12.02.2024", "nein"],
    ["Leyla", "Özdemir", "", "0151 222", "weiblich", "Süd", "Kurmanji B2; Türkisch C2",
     "active", "2023-09-15", "", "", ""],
    ["Jürgen", "Weiß", "juergen@example.org", "", "male", "Mitte", "Tigrinya C1", "", "", "",
     "", ""],
]
BAD = [
    ["Samira", "Haddad", "samira@example.org", "", "w", "Nord", "Aramäisch C2", "aktiv", "",
     "", "", ""],
    ["Fatima", "Noori", "kein-email", "", "w", "Nord", "Tigrinia B2", "aktiv", "31.02.2024",
     "", "", ""],
]


def xlsx_bytes(rows, head=HEAD) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(head)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def ods_bytes(rows, head=HEAD) -> bytes:
    import pandas as pd

    buffer = io.BytesIO()
    pd.DataFrame(rows, columns=head).to_excel(buffer, engine="odf", index=False)
    return buffer.getvalue()


def csv_bytes(rows, head=HEAD, *, delimiter=";", encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(head)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(client, data: bytes, name: str, kind: str = "mediators"):
    token = csrf_token(client, "/pool/import")
    # encoded in memory: the test client's own temporary file for large bodies stays open
    boundary, body = encode_multipart({"csrf_token": token, "kind": kind,
                                       "file": FileStorage(io.BytesIO(data), name)})
    return client.post("/pool/import", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def confirm(client, mode: str = "valid", missing_status: str = "active"):
    """Confirm the preview; new people without a status get `missing_status` (the
    coordinator's choice: this list is the pool in service)."""
    html = client.get("/pool/import").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    return client.post("/pool/import/confirm", data={"csrf_token": token, "mode": mode,
                                                     "missing_status": missing_status})


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_preview_shows_actions_and_german_errors_and_writes_nothing(client, coordinator,
                                                                   make_mediator):
    make_mediator(first_name="Jürgen", last_name="Weiß", email="juergen@example.org",
                  languages=(("tir", "", "C1"),), district="Alt")
    db.session.commit()
    response = upload(client, xlsx_bytes(GOOD + BAD), "pool.xlsx")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="count-create">2<' in html
    assert 'id="count-update">1<' in html  # Weiß matched by e-mail, district changed
    assert 'id="count-error">2<' in html
    assert "Zeile 5, Spalte „Sprachen“: „Aramäisch“ ist keine bekannte Sprache" in html
    assert "Zeile 6, Spalte „Sprachen“: „Tigrinia“ ist keine bekannte Sprache – meinten Sie" \
        in html
    assert "„Tigrinya“" in html and "„Tigrinja“" in html
    assert "Zeile 6, Spalte „E-Mail“: „kein-email“ ist keine gültige E-Mail-Adresse" in html
    assert "Zeile 6, Spalte „Eintrittsdatum“: „31.02.2024“ ist kein Datum" in html
    assert count(Mediator) == 1  # nothing written by the preview
    # (the login is audited since the operator's toolbox; the preview records nothing)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.action != "login")) == 0


def test_confirm_writes_valid_rows_then_reimport_changes_nothing(client, coordinator):
    data = xlsx_bytes(GOOD + BAD)
    upload(client, data, "pool.xlsx")
    response = confirm(client, "valid")
    assert response.status_code == 302
    people = {m.last_name: m for m in db.session.scalars(sa.select(Mediator))}
    assert set(people) == {"Tesfay", "Özdemir", "Weiß"}
    tesfay = people["Tesfay"]
    assert (tesfay.gender, tesfay.status, tesfay.joined_on) == ("male", "active",
                                                               dt.date(2024, 3, 1))
    assert sorted((lang.code, lang.variety, lang.level) for lang in tesfay.languages) == [
        ("ara", "Sudanesisch", "C1"), ("tir", "", "native")]
    police = tesfay.document("police_certificate")
    assert (police.recorded_on, police.issued_on, police.has_relevant_entry) == (
        dt.date(2024, 3, 1), dt.date(2024, 2, 12), False)
    assert sorted(lang.code for lang in people["Özdemir"].languages) == ["kmr", "tur"]
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "import"))
    details = json.loads(entry.details)
    assert (details["created"], details["updated"], details["errors"]) == (3, 0, 2)
    assert count(OutboxMessage) == 0  # no e-mail before the coordinator invites
    stamps = {m.id: m.updated_at for m in people.values()}

    second = upload(client, data, "pool.xlsx").get_data(as_text=True)
    assert 'id="count-create">0<' in second and 'id="count-update">0<' in second
    assert 'id="count-unchanged">3<' in second
    assert confirm(client, "valid").status_code == 302
    db.session.expire_all()
    assert count(Mediator) == 3
    assert {m.id: m.updated_at for m in db.session.scalars(sa.select(Mediator))} == stamps
    last = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "import")
                              .order_by(AuditLog.id)).all()[-1]
    assert json.loads(last.details)["unchanged"] == 3
    assert json.loads(last.details)["created"] == 0


def test_all_or_nothing_refuses_a_file_with_errors(client, coordinator):
    upload(client, xlsx_bytes(GOOD + BAD), "pool.xlsx")
    response = confirm(client, "all")
    assert response.status_code == 409
    assert "Es wurde nichts importiert: 2 Zeilen haben Fehler." in response.get_data(as_text=True)
    assert count(Mediator) == 0
    upload(client, xlsx_bytes(GOOD), "pool.xlsx")
    assert confirm(client, "all").status_code == 302
    assert count(Mediator) == 3


@pytest.mark.parametrize("name, maker", [
    ("pool.xlsx", xlsx_bytes),
    ("pool.ods", ods_bytes),
    ("pool.csv", lambda rows: csv_bytes(rows, delimiter=",", encoding="utf-8")),
    ("pool.csv", lambda rows: csv_bytes(rows, delimiter=";", encoding="cp1252")),
])
def test_every_format_and_encoding_reads_umlauts_and_languages(client, coordinator, name,
                                                               maker):
    assert upload(client, maker(GOOD), name).status_code == 200
    assert confirm(client, "all").status_code == 302
    names = sorted(db.session.scalars(sa.select(Mediator.last_name)))
    assert names == ["Tesfay", "Weiß", "Özdemir"]
    leyla = db.session.scalar(sa.select(Mediator).where(Mediator.last_name == "Özdemir"))
    assert leyla.joined_on == dt.date(2023, 9, 15) and leyla.district == "Süd"
    assert leyla.phone == "0151 222"


def test_languages_in_columns_and_english_headings(client, coordinator):
    head = ["First name", "Last name", "Email", "Gender", "Language 1", "Level 1",
            "Variety 1", "Language 2", "Level 2", "Shoe size"]
    rows = [["Omar", "Saleh", "omar@example.org", "male", "Arabic", "C2", "Syrisch", "ckb",
             "B2", "44"]]
    html = upload(client, csv_bytes(rows, head, delimiter=","), "list.csv").get_data(
        as_text=True)
    assert "Die Spalte „Shoe size“ ist unbekannt und wird nicht importiert." in html
    assert confirm(client).status_code == 302
    omar = db.session.scalar(sa.select(Mediator))
    assert sorted((lang.code, lang.variety, lang.level) for lang in omar.languages) == [
        ("ara", "Syrisch", "C2"), ("ckb", "", "B2")]


def test_a_row_with_last_name_and_gender_only_is_enough(client, coordinator):
    upload(client, csv_bytes([["Haile", "m"]], ["Nachname", "Geschlecht"]), "min.csv")
    assert confirm(client, "all").status_code == 302
    only = db.session.scalar(sa.select(Mediator))
    assert (only.first_name, only.last_name, only.gender, only.status) == ("", "Haile", "male",
                                                                          "active")


def test_match_by_name_and_phone_without_email(client, coordinator, make_mediator):
    known = make_mediator(first_name="Leyla", last_name="Özdemir", email="", phone="0151/222",
                          languages=())
    db.session.commit()
    upload(client, xlsx_bytes(GOOD[1:2]), "pool.xlsx")
    assert confirm(client).status_code == 302
    assert count(Mediator) == 1
    db.session.refresh(known)
    assert sorted(lang.code for lang in known.languages) == ["kmr", "tur"]


def test_wrong_files_get_a_message_not_an_error_page(client, coordinator):
    response = upload(client, b"hello", "notes.txt")
    assert response.status_code == 400
    assert "Bitte laden Sie eine XLSX-, ODS- oder CSV-Datei hoch." in response.get_data(
        as_text=True)
    response = upload(client, b"not a zip", "pool.xlsx")
    assert response.status_code == 400
    assert "Die Datei konnte nicht als XLSX gelesen werden." in response.get_data(as_text=True)
    response = upload(client, b"\x00" * 100, "pool.ods")
    assert response.status_code == 400
    rows = [["A", f"B{n}", "", "", "w", "", "", "", "", "", "", ""] for n in range(10_001)]
    response = upload(client, csv_bytes(rows), "big.csv")
    assert response.status_code == 400
    assert "höchstens 10000 können auf einmal importiert werden" in response.get_data(
        as_text=True)
    response = upload(client, b"x" * (10 * 2**20 + 1), "huge.csv")
    assert response.status_code == 413
    assert "Die Datei ist größer als 10 MB." in response.get_data(as_text=True)
    response = upload(client, b"x" * (12 * 2**20), "huger.csv")
    assert response.status_code == 413
    assert "Datei zu groß" in response.get_data(as_text=True)
    # confirming without a preview (or with a forged session) writes nothing
    assert confirm(client).status_code == 302
    assert count(Mediator) == 0


def test_import_is_for_coordinators_only(client, make_user, login):
    login(make_user("mediator"))
    assert client.get("/pool/import").status_code == 403
    assert client.get("/pool/mediators/export.xlsx").status_code == 403


def test_invite_all_queues_one_mail_per_person_with_email(client, coordinator, app):
    upload(client, xlsx_bytes(GOOD), "pool.xlsx")
    response = confirm(client)
    done_page = response.headers["Location"]
    html = client.get(done_page).get_data(as_text=True)
    assert "amanuel@example.org" in html and "juergen@example.org" in html
    assert count(OutboxMessage) == 0
    token = csrf_token(client, done_page)
    response = client.post(done_page + "/invite", data={"csrf_token": token, "locale": "de"})
    assert response.status_code == 302
    recipients = sorted(db.session.scalars(sa.select(OutboxMessage.recipient)))
    assert recipients == ["amanuel@example.org", "juergen@example.org"]
    assert count(User) == 3  # the coordinator and two new mediator accounts
    html = client.get(done_page).get_data(as_text=True)
    assert "haben ein Konto" in html


def test_institutions_with_contact_persons(client, coordinator, make_institution):
    make_institution(name="Grundschule Am Park", kind="school")
    db.session.commit()
    head = ["Einrichtung", "Art", "Straße", "PLZ", "Ort", "Ansprechperson", "Funktion",
            "E-Mail Ansprechperson"]
    rows = [["Kita Sonnenschein", "Kita", "Lindenweg 4", "55218", "Rheinstadt",
             "Maria Weber", "Leitung", "m.weber@example.org"],
            ["Kita Sonnenschein", "Kita", "Lindenweg 4", "55218", "Rheinstadt",
             "Ali Kaya", "Erzieher", ""],
            ["grundschule am park", "Schule", "", "", "", "Eva Roth", "Sekretariat", ""],
            ["Beratung X", "Zoo", "", "", "", "", "", ""]]
    html = upload(client, xlsx_bytes(rows, head), "inst.xlsx", "institutions").get_data(
        as_text=True)
    assert "Zeile 5, Spalte „Art“: „Zoo“ ist kein bekannter Wert" in html
    assert confirm(client).status_code == 302
    kita = db.session.scalar(sa.select(Institution).where(Institution.name ==
                                                          "Kita Sonnenschein"))
    assert kita.kind == "kita" and kita.postcode == "55218"
    assert sorted(c.name for c in kita.contacts) == ["Ali Kaya", "Maria Weber"]
    assert count(Institution) == 2 and count(ContactPerson) == 3
    again = upload(client, xlsx_bytes(rows[:3], head), "inst.xlsx", "institutions")
    assert 'id="count-unchanged">3<' in again.get_data(as_text=True)


def test_export_escapes_formulas_and_lists_languages(client, coordinator, make_mediator,
                                                     make_institution):
    make_mediator(first_name="=HYPERLINK(\"http://x\")", last_name="Evil",
                  languages=(("tir", "", "native"), ("apc", "Syrisch", "C2")))
    make_mediator(first_name="Ana", last_name="Other", status="paused", languages=())
    make_institution(name="@SUM(A1)")
    db.session.commit()
    page = client.get("/pool/mediators?status=active&fmt=x").get_data(as_text=True)
    assert "/pool/mediators/export.xlsx?status=active" in page  # the list's link keeps filters
    response = client.get("/pool/mediators/export.xlsx?status=active")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2  # the filter applies: only the active one
    assert rows[1][0] == "'=HYPERLINK(\"http://x\")"
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert "Tigrinja Muttersprache" in rows[1][rows[0].index("Sprachen")]
    text = client.get("/pool/mediators/export.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "Syrisch" in text and "Other" in text
    inst = client.get("/pool/institutions/export.csv").data.decode("utf-8-sig")
    assert "'@SUM(A1)" in inst
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.action == "export")) == 3


def test_template_and_demo_file_import(client, coordinator):
    response = client.get("/pool/import/template-mediators.xlsx")
    template = response.data
    html = upload(client, template, "vorlage.xlsx").get_data(as_text=True)
    assert 'id="count-create">1<' in html and 'id="count-error">0<' in html
    from pathlib import Path

    demo = Path(__file__).resolve().parents[1] / "data" / "pool-import-demo.xlsx"
    html = upload(client, demo.read_bytes(), demo.name).get_data(as_text=True)
    assert 'id="count-error">1<' in html
    assert "ist keine bekannte Sprache" in html
