"""Recruiting: the public application form and the applicant pipeline."""

import datetime as dt

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditLog,
    Document,
    Mediator,
    ModuleCompletion,
    OutboxMessage,
    QualificationModule,
)
from app.services.core.errors import DomainError
from app.services.core.tasks import deliver_due
from app.services.pool import recruiting
from tests.conftest import csrf_token

GOOD = {
    "first_name": "Hewan", "last_name": "Tesfay", "email": "Hewan@Example.org",
    "phone": "0151 234", "gender": "female", "district": "Nord", "german_level": "B2",
    "languages-0-code": "tir", "languages-0-variety": "", "languages-0-level": "native",
    "languages-1-code": "arb", "languages-1-variety": "Sudan", "languages-1-level": "C1",
    "languages-2-code": "", "languages-2-level": "native",
    "availability-0-weekday": "1", "availability-0-start": "14:00",
    "availability-0-end": "18:00", "availability-1-weekday": "",
    "availability-2-weekday": "", "motivation": "Ich möchte Familien helfen.", "consent": "y",
}


def test_privacy_notice_is_public(client):
    html = client.get("/privacy").get_data(as_text=True)
    assert "Datenschutzhinweise" in html and "§ 72a SGB VIII" in html
    assert client.get("/apply", headers={"Accept-Language": "en"}).status_code == 200


def test_application_creates_applicant_and_mails_coordinators(client, make_user, smtp_server,
                                                              clock):
    clock(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC))
    make_user("coordinator", email="koordination@example.org")
    token = csrf_token(client, "/apply")
    response = client.post("/apply", data={**GOOD, "csrf_token": token})
    assert response.status_code == 302
    mediator = db.session.scalar(sa.select(Mediator))
    assert (mediator.status, mediator.email) == ("applicant", "hewan@example.org")
    assert mediator.consent_at == dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    assert sorted((lang.code, lang.variety, lang.confirmed) for lang in mediator.languages) == [
        ("arb", "Sudan", False), ("tir", "", False)]
    assert [(a.weekday, a.start_time, a.end_time) for a in mediator.availability] == [
        (1, dt.time(14), dt.time(18))]
    assert db.session.scalar(sa.select(AuditLog.action).where(
        AuditLog.object_id == mediator.id)) == "apply"
    assert deliver_due()["sent"] == 1
    (mail,) = smtp_server.messages
    assert mail["To"] == "koordination@example.org"
    assert "Neue Bewerbung: Hewan Tesfay" in mail["Subject"]
    assert "Tigrinja" in mail.get_content()


def test_application_errors_keep_input(client):
    token = csrf_token(client, "/apply")
    data = {**GOOD, "csrf_token": token, "consent": "", "languages-0-code": "",
            "languages-1-code": "", "availability-0-end": "13:00"}
    response = client.post("/apply", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="Hewan"' in html and "Ich möchte Familien helfen." in html
    assert "Bitte geben Sie mindestens eine Sprache an." in html
    assert "Das Ende muss nach dem Beginn liegen." in html
    assert db.session.scalar(sa.select(sa.func.count(Mediator.id))) == 0


def test_application_needs_csrf_and_is_rate_limited(client, app):
    assert client.post("/apply", data=GOOD).status_code == 400
    app.config["APPLY_RATE_LIMIT"] = "2 per hour"
    try:
        codes = [client.post("/apply", data={**GOOD, "csrf_token": csrf_token(client, "/apply")}
                             ).status_code for _ in range(3)]
    finally:
        app.config["APPLY_RATE_LIMIT"] = "5 per hour"
    assert codes[-1] == 429


@pytest.fixture()
def required(app):
    mod = QualificationModule(code="M1", title_de="Rolle und Haltung", title_en="Role",
                              required=True)
    db.session.add(mod)
    db.session.flush()
    return mod


def test_pipeline_next_steps_and_activation(make_user, make_mediator, required, clock):
    clock(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC))
    coordinator = make_user("coordinator")
    person = make_mediator(status="applicant")
    assert "Zum Kennenlerngespräch" in recruiting.next_steps(person)[0]
    with pytest.raises(DomainError):
        recruiting.change_status(coordinator, person, "active")
    recruiting.change_status(coordinator, person, "in_training")
    assert person.joined_on == dt.date(2026, 11, 2)
    steps = recruiting.next_steps(person)
    assert steps == ["Fehlendes Modul: Rolle und Haltung", "Schweigepflichterklärung fehlt.",
                     "Erweitertes Führungszeugnis fehlt oder ist nicht gültig."]
    with pytest.raises(DomainError, match="Noch nicht möglich"):
        recruiting.change_status(coordinator, person, "active")
    db.session.add(ModuleCompletion(mediator_id=person.id, module_id=required.id,
                                    completed_on=dt.date(2026, 10, 1)))
    person.documents.append(Document(kind="pledge", recorded_on=dt.date(2026, 10, 1)))
    person.documents.append(Document(kind="police_certificate", recorded_on=dt.date(2026, 10, 1),
                                     issued_on=dt.date(2026, 9, 20)))
    db.session.flush()
    db.session.expire(person)
    assert recruiting.next_steps(person) == []
    recruiting.change_status(coordinator, person, "active")
    assert person.status == "active"
    actions = db.session.scalars(sa.select(AuditLog.details).where(
        AuditLog.action == "change_status")).all()
    assert len(actions) == 2


def test_pipeline_view_and_status_change(client, login, make_user, make_mediator):
    coordinator = make_user("coordinator")
    person = make_mediator(status="applicant", first_name="Bewerberin")
    db.session.commit()
    login(coordinator)
    html = client.get("/pool/applicants").get_data(as_text=True)
    assert "Bewerberin" in html and "Kennenlerngespräch" in html
    token = csrf_token(client, "/pool/applicants")
    response = client.post(f"/pool/mediators/{person.id}/status",
                           data={"csrf_token": token, f"p{person.id}-status": "rejected"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Mediator, person.id).status == "rejected"
    bad = client.post(f"/pool/mediators/{person.id}/status",
                      data={"csrf_token": token, f"p{person.id}-status": "active"})
    assert bad.status_code == 400
    assert "Diese Statusänderung ist nicht möglich." in bad.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
