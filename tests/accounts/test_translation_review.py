"""The pool reviews a language of the mediators' side: the sheet goes out, a speaker corrects
it, the office imports it; checked, audited, and shown on the mediators' pages at once
(app/services/pool/translation_review.py, app.i18n.ReviewedDomain)."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from app.extensions import db
from app.models import AuditLog, TranslationOverride
from app.services.pool import translation_review
from tests.conftest import csrf_token

PAGE = "/coordination/translations"
START = "What needs you now"  # the mediator's start page heading
PLURAL = "%(num)d minute"


@pytest.fixture(autouse=True)
def _fresh_copies():
    translation_review.forget()
    yield
    translation_review.forget()


@pytest.fixture()
def coordinator(client, make_user, login):
    user = make_user("coordinator")
    login(user)
    return user


def _sheet(client, locale: str = "ar"):
    response = client.get(f"{PAGE}/{locale}.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data))


def _rows(book) -> list[list]:
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def _upload(client, book, locale: str = "ar"):
    out = io.BytesIO()
    book.save(out)
    return client.post(f"{PAGE}/{locale}", data={
        "csrf_token": csrf_token(client, PAGE),
        "file": (io.BytesIO(out.getvalue()), "review.xlsx")},
        content_type="multipart/form-data")


def _logout(client) -> None:
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, PAGE)})


def _set(book, key: str, text: str, form: int = 0) -> None:
    rows = [r for r in book.active.iter_rows() if r[0].value == key]
    rows[form][4].value = text


def test_the_sheet_has_every_mediator_message_with_its_forms(client, coordinator):
    rows = _rows(_sheet(client))
    head, body = rows[0], rows[1:]
    assert head[0] == "Schlüssel (nicht ändern)" and len(head) == 6
    keys = {r[0] for r in body}
    assert START in keys and "Payout file (CSV)" not in keys  # a coordinator's page: no
    start = next(r for r in body if r[0] == START)
    assert start[3] == "Was jetzt Ihre Aufmerksamkeit braucht" or start[3]  # German beside
    assert start[4] == "ما ينتظرك الآن" and "templates/site/start.html" in start[5]
    minutes = [r for r in body if r[0] == PLURAL]
    assert len(minutes) == 6  # Arabic has six plural forms, one row each
    assert [r[1] for r in minutes[:3]] == ["0", "1", "2"]


def test_a_reviewed_sheet_changes_exactly_the_reviewed_messages(client, coordinator,
                                                                make_user, make_mediator,
                                                                login):
    book = _sheet(client)
    _set(book, START, "ما الذي ينتظرك اليوم")
    _set(book, PLURAL, "%(num)d دقائق بالضبط", form=3)
    response = _upload(client, book)
    assert response.status_code == 302
    assert "2 Nachrichten" in client.get(PAGE).get_data(as_text=True)
    rows = db.session.scalars(sa.select(TranslationOverride)).all()
    assert {(r.locale, r.msgid) for r in rows} == {("ar", START), ("ar", PLURAL)}
    audit = db.session.scalars(sa.select(AuditLog).where(
        AuditLog.action == "translation_review")).all()
    assert len(audit) == 2 and audit[0].actor_id == coordinator.id
    # the same sheet again changes nothing
    assert _upload(client, _sheet(client)).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.action == "translation_review")) == 2

    _logout(client)
    login(make_user("mediator", mediator=make_mediator(), locale="ar"))
    html = client.get("/").get_data(as_text=True)
    assert "ما الذي ينتظرك اليوم" in html and "ما ينتظرك الآن" not in html


@pytest.mark.parametrize(("key", "text", "problem"), [
    ("Hello %(name)s,", "مرحباً،", "Platzhalter"),  # the name placeholder lost
    (PLURAL, "", "Formen"),  # a plural form left empty
    ("Meetings", "اللقاءات وجلسات التبادل والإشراف المهني الخاصة بالمجموعة", "Zeichen"),  # menu
])
def test_a_sheet_with_a_problem_changes_nothing(client, coordinator, key, text, problem):
    book = _sheet(client)
    _set(book, START, "تغيير صحيح")  # a good change beside the bad one is not taken either
    _set(book, key, text)
    response = _upload(client, book)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nichts wurde geändert" in html and problem in html
    assert db.session.scalar(sa.select(sa.func.count(TranslationOverride.id))) == 0


def test_a_changed_key_or_another_file_is_refused(client, coordinator):
    book = _sheet(client)
    book.active["A2"] = "Something else"
    assert "Zeile 2" in _upload(client, book).get_data(as_text=True)
    other = Workbook()
    other.active.append(["Name", "Vorname"])
    response = _upload(client, other)
    assert response.status_code == 400 and "Prüfbogen" in response.get_data(as_text=True)


def test_only_the_mediators_languages_and_only_coordinators(client, coordinator, make_user,
                                                            login):
    assert client.get(f"{PAGE}/de.xlsx").status_code == 404
    _logout(client)
    login(make_user("mediator"))
    assert client.get(PAGE).status_code == 403
