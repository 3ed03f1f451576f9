"""Unfilled requests get a reason: the form, the constraint, the report tables."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditLog, InterpretingRequest
from app.services.booking import offers, unfilled
from app.services.core.audit_text import sentences as audit_sentences
from app.services.core.errors import DomainError
from app.services.core.periods import year_period
from app.services.reports import unfilled as report
from app.services.reports.yearly import sentences
from tests.conftest import csrf_token
from tests.factories import make_request
from tests.reports.report_data import dated_request, local


@pytest.fixture()
def coordinator(client, login, make_user):
    user = make_user("coordinator")
    login(user)
    return user


def test_office_cancel_needs_a_reason(client, coordinator, make_institution, clock):
    clock(dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC))
    req = make_request(make_institution())
    db.session.commit()
    page = f"/coordination/requests/{req.id}"
    token = csrf_token(client, page)
    assert "– bitte wählen –" in client.get(page).get_data(as_text=True)

    refused = client.post(f"{page}/cancel", data={"csrf_token": token, "reason": "Keine SKM",
                                                  "unfilled_reason": ""})
    assert refused.status_code == 400
    db.session.expire_all()
    assert req.status == "submitted"

    other_without_text = client.post(f"{page}/cancel", data={
        "csrf_token": token, "reason": "Keine SKM", "unfilled_reason": "other"})
    db.session.expire_all()
    assert other_without_text.status_code == 400 and req.status == "submitted"

    done = client.post(f"{page}/cancel", data={"csrf_token": token, "reason": "Keine SKM",
                                               "unfilled_reason": "short_notice"})
    assert done.status_code == 302
    db.session.expire_all()
    assert (req.status, req.unfilled_reason, req.unfilled_note) == (
        "cancelled", "short_notice", "")
    assert "Vorlaufzeit zu kurz" in client.get(page).get_data(as_text=True)


def test_the_scheduler_leaves_the_reason_empty_until_picked(client, coordinator,
                                                            make_institution, clock):
    req = make_request(make_institution())
    db.session.commit()
    clock(req.starts_at + dt.timedelta(minutes=1))
    assert offers.mark_unfilled(req.starts_at + dt.timedelta(minutes=1)) == 1
    db.session.commit()
    assert req.status == "unfilled" and req.unfilled_reason is None
    assert unfilled.needs_reason(req)
    assert "Grund fehlt" in client.get("/coordination/requests").get_data(as_text=True)
    page = f"/coordination/requests/{req.id}"
    assert "Grund fehlt" in client.get(page).get_data(as_text=True)

    token = csrf_token(client, page)
    assert client.post(f"{page}/unfilled-reason", data={
        "csrf_token": token, "unfilled_reason": ""}).status_code == 400
    client.post(f"{page}/unfilled-reason", data={
        "csrf_token": token, "unfilled_reason": "other", "unfilled_note": "Elternabend am Abend"})
    db.session.expire_all()
    assert (req.unfilled_reason, req.unfilled_note) == ("other", "Elternabend am Abend")
    listing = client.get("/coordination/requests").get_data(as_text=True)
    assert "Grund fehlt" not in listing and "anderer Grund" in listing
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "unfilled_reason"))
    assert "anderer Grund" in str(audit_sentences([entry])[entry.id])


def test_a_served_request_gets_no_reason(coordinator, make_institution):
    req = make_request(make_institution())
    db.session.commit()
    with pytest.raises(DomainError):
        unfilled.set_reason(coordinator, req.id, "no_speaker")


def test_the_database_refuses_an_unknown_reason(app, make_institution):
    req = make_request(make_institution(), status="unfilled")
    db.session.commit()
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.update(InterpretingRequest).where(InterpretingRequest.id == req.id)
                           .values(unfilled_reason="weather"))
        db.session.flush()
    db.session.rollback()


def test_report_tables_count_by_reason_and_language(app, make_institution, make_mediator):
    inst = make_institution()
    make_mediator(languages=(("tir", "", "native"),))
    make_mediator(languages=(("tir", "", "native"), ("ara", "", "native")))
    make_mediator(languages=(("ara", "", "native"),), status="paused")  # not active
    rows = [("tir", "unfilled", "none_available"), ("tir", "unfilled", "none_available"),
            ("tir", "unfilled", None), ("prs", "unfilled", "no_speaker"),
            ("prs", "cancelled", "no_speaker"), ("ara", "cancelled", "short_notice"),
            ("ara", "cancelled", None),   # the institution cancelled: not counted
            ("ara", "completed", None)]
    for n, (lang, status, reason) in enumerate(rows):
        req = dated_request(inst, local(2026, 3, 2 + n), lang, status)
        req.unfilled_reason = reason
    dated_request(inst, local(2025, 3, 2), "prs", "unfilled")  # another year
    dated_request(inst, local(2025, 3, 3), "prs", "cancelled").unfilled_reason = "no_speaker"
    db.session.commit()

    counts = report.not_served_counts(year_period(2026))
    by_reason = report.by_reason(counts)
    assert by_reason.rows == [
        ["keine Person mit dieser Sprache", 2], ["zu der Zeit niemand verfügbar", 2],
        ["Vorlaufzeit zu kurz", 1], ["Anlass wird nicht bedient", 0], ["anderer Grund", 0],
        ["Grund fehlt", 1]]
    by_language = report.by_language(counts, {"tir": 2, "ara": 1})
    assert by_language.columns[-1] == "Aktive SKM"
    assert by_language.rows == [
        ["Tigrinja", 3, "zu der Zeit niemand verfügbar", 1, 2],
        ["Dari", 2, "keine Person mit dieser Sprache", 0, 0],
        ["Arabisch", 1, "Vorlaufzeit zu kurz", 0, 1],
    ]
    text = report.sentence(by_reason)
    assert text == ("6 Anfragen konnten nicht besetzt werden, am häufigsten wegen: keine Person "
                    "mit dieser Sprache. Bei 1 davon fehlt der Grund noch.")


def test_yearly_report_sentence_and_csv(client, coordinator, make_institution):
    inst = make_institution()
    dated_request(inst, local(2026, 3, 2), "tir", "unfilled").unfilled_reason = "no_speaker"
    db.session.commit()
    csv = client.get("/reports/csv/unfilled_by_reason?kind=year&year=2026")
    assert csv.status_code == 200
    assert "keine Person mit dieser Sprache;1" in csv.get_data(as_text=True)
    page = client.get("/reports/yearly?year=2026").get_data(as_text=True)
    assert "1 Anfrage konnte nicht besetzt werden, am häufigsten wegen" in page


def test_sentence_uses_the_plural_forms(app):
    with app.test_request_context("/"):
        from app.services.reports.table import Table

        one = Table("unfilled_by_reason", "", ["", ""], rows=[["x", 1], ["fehlt", 0]])
        assert report.sentence(one).startswith("1 Anfrage konnte")
        two = Table("unfilled_by_reason", "", ["", ""], rows=[["x", 2], ["fehlt", 1]])
        assert report.sentence(two) == ("3 Anfragen konnten nicht besetzt werden, am häufigsten "
                                        "wegen: x. Bei 1 davon fehlt der Grund noch.")
        # the yearly report's opening carries the sentence only when it has the reasons
        facts = {"booked": 2, "languages": 1, "institutions": 1, "hours": 3, "rate": None,
                 "median": None, "mediators": 1, "pool_languages": 1}
        gap = Table("gap", "", ["", ""], rows=[])
        assert report.sentence(two) in sentences(year_period(2026), facts, gap, two)
        assert report.sentence(two) not in sentences(year_period(2026), facts, gap)
