"""Data protection: export, erasure that keeps statistics, retention purges, audit log."""

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Assignment,
    AuditLog,
    Availability,
    Document,
    InterpretingRequest,
    Mediator,
    MediatorLanguage,
    ModuleCompletion,
    Offer,
    QualificationModule,
    User,
)
from app.services.core import audit
from app.services.core.errors import DomainError
from app.services.pool import privacy
from tests.conftest import csrf_token


def _assignment(mediator, institution, start, minutes, note="Vater spricht nur Tigrinya"):
    req = InterpretingRequest(institution_id=institution.id, starts_at=start,
                              ends_at=start + dt.timedelta(hours=1), duration_minutes=60,
                              language_code="tir", occasion="parent_meeting",
                              status="completed", note=note)
    req.assignments.append(Assignment(mediator_id=mediator.id, status="completed",
                                      starts_at=start, ends_at=start + dt.timedelta(hours=1),
                                      reported_minutes=minutes, report_status="approved",
                                      travel_km=Decimal("4.5")))
    db.session.add(req)
    db.session.flush()
    return req


def _statistics() -> dict:
    """Report-style aggregates: people by status/gender/cohort, hours, languages."""
    m = Mediator
    return {
        "by_status": sorted(db.session.execute(
            sa.select(m.status, m.gender, m.cohort_id, m.district, sa.func.count(m.id))
            .group_by(m.status, m.gender, m.cohort_id, m.district)).all(), key=str),
        "minutes": db.session.execute(
            sa.select(Assignment.mediator_id, sa.func.sum(Assignment.reported_minutes),
                      sa.func.count(Assignment.id), sa.func.sum(Assignment.travel_km))
            .group_by(Assignment.mediator_id).order_by(Assignment.mediator_id)).all(),
        "languages": db.session.execute(
            sa.select(MediatorLanguage.code, sa.func.count(MediatorLanguage.id))
            .group_by(MediatorLanguage.code).order_by(MediatorLanguage.code)).all(),
        "completions": db.session.scalar(sa.select(sa.func.count(ModuleCompletion.id))),
        "people": db.session.scalar(sa.select(sa.func.count(m.id))),
    }


def test_erasure_keeps_statistics_exactly(make_user, make_mediator, make_institution):
    coordinator = make_user("coordinator")
    mod = QualificationModule(code="M1", title_de="Rolle", title_en="Role", required=True)
    db.session.add(mod)
    inst = make_institution()
    gone = make_mediator(status="retired", languages=(("tir", "", "native"), ("arb", "", "C1")),
                         phone="0171 1", notes="privat", iban="DE02120300000000202051",
                         left_on=dt.date(2025, 6, 30))
    stays = make_mediator(status="active")
    gone_user = make_user("mediator", mediator=gone)
    audit.record(gone_user, "report_hours", "assignment", 1)  # their own action, by e-mail
    gone.availability.append(Availability(weekday=1, start_time=dt.time(9),
                                          end_time=dt.time(12)))
    gone.documents.append(Document(kind="pledge", recorded_on=dt.date(2020, 1, 1)))
    db.session.add(ModuleCompletion(mediator=gone, module=mod, completed_on=dt.date(2020, 2, 2)))
    req = _assignment(gone, inst, dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC), 75)
    req.offers.append(Offer(mediator_id=gone.id, status="declined", decline_reason="Arzttermin",
                            expires_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC)))
    _assignment(gone, inst, dt.datetime(2025, 4, 3, 9, tzinfo=dt.UTC), 50)
    _assignment(stays, inst, dt.datetime(2025, 4, 3, 9, tzinfo=dt.UTC), 60)
    db.session.commit()
    before = _statistics()
    gone_user_email = gone_user.email

    with pytest.raises(DomainError):
        privacy.erase_mediator(coordinator, stays)
    privacy.erase_mediator(coordinator, gone)
    db.session.commit()
    db.session.expire_all()

    assert _statistics() == before
    erased = db.session.get(Mediator, gone.id)
    assert erased.erased_at is not None
    assert (erased.first_name, erased.last_name) == ("Gelöscht", f"#{gone.id}")
    assert (erased.email, erased.phone, erased.notes, erased.iban) == ("", "", "", "")
    assert erased.availability == [] and erased.documents == []
    assert db.session.scalar(sa.select(Offer.decline_reason)) == ""
    assert db.session.scalar(sa.select(User).where(User.mediator_id == gone.id)) is None
    assert db.session.scalar(sa.select(AuditLog.actor_id).where(AuditLog.action == "erase")
                             ) == coordinator.id
    own = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "report_hours")).one()
    assert own.actor_label == f"mediator #{gone.id} (erased)" and own.actor_id is None
    labels = db.session.scalars(sa.select(AuditLog.actor_label)).all()
    assert not any(gone_user_email in label for label in labels)
    with pytest.raises(DomainError):
        privacy.erase_mediator(coordinator, erased)


def test_erase_view(client, login, make_user, make_mediator):
    rejected = make_mediator(status="rejected", first_name="Abgelehnt")
    active = make_mediator(status="active")
    db.session.commit()
    login(make_user("coordinator"))
    page = f"/pool/mediators/{rejected.id}/erase"
    assert client.post(page, data={"csrf_token": csrf_token(client, page)}).status_code == 400
    assert client.post(page, data={"csrf_token": csrf_token(client, page), "confirm": "y"}
                       ).status_code == 302
    assert client.get(f"/pool/mediators/{rejected.id}").status_code == 404
    other = f"/pool/mediators/{active.id}/erase"
    refused = client.post(other, data={"csrf_token": csrf_token(client, other), "confirm": "y"})
    assert refused.status_code == 409
    assert "können gelöscht werden" in refused.get_data(as_text=True)


def test_coordinator_exports_any_person(client, login, make_user, make_mediator):
    coordinator = make_user("coordinator")
    person = make_mediator(first_name="Selam", motivation="helfen")
    staff = make_user("institution")
    db.session.commit()
    login(coordinator)
    response = client.get(f"/pool/mediators/{person.id}/export.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_json()
    assert data["person"]["first_name"] == "Selam"
    assert data["person"]["languages"] == [{"code": "tir", "variety": "", "level": "native",
                                            "confirmed": True}]
    user_data = client.get(f"/pool/users/{staff.id}/export.json").get_json()
    assert user_data["person"]["email"] == staff.email
    exports = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "export")).all()
    assert {(e.object_type, e.actor_id) for e in exports} == {("mediator", coordinator.id),
                                                              ("user", coordinator.id)}


def test_retention_purges(app, make_mediator, make_institution, clock):
    now = clock(dt.datetime(2026, 11, 2, 3, 0, tzinfo=dt.UTC))
    inst = make_institution()
    m = make_mediator()
    old = _assignment(m, inst, dt.datetime(2025, 10, 1, 9, tzinfo=dt.UTC), 60)
    recent = _assignment(m, inst, dt.datetime(2025, 12, 1, 9, tzinfo=dt.UTC), 60)
    left_long_ago = make_mediator(status="retired", left_on=dt.date(2026, 7, 31))
    left_recently = make_mediator(status="retired", left_on=dt.date(2026, 8, 15))
    for person in (left_long_ago, left_recently, m):
        person.documents.append(Document(kind="police_certificate",
                                         recorded_on=dt.date(2024, 1, 10),
                                         issued_on=dt.date(2024, 1, 2)))
    stale = make_mediator(status="applicant", first_name="Alt")
    stale.created_at = stale.updated_at = now - dt.timedelta(days=200)
    fresh = make_mediator(status="applicant", first_name="Neu")
    fresh.created_at = fresh.updated_at = now - dt.timedelta(days=30)
    trained = make_mediator(status="in_training")
    trained.updated_at = now - dt.timedelta(days=400)
    db.session.flush()

    result = privacy.run_retention()
    assert result == {"notes": 1, "police_certificates": 1, "applicants": 1, "feedback": 0}
    assert (old.note, old.note_purged_at) == ("", now)
    assert recent.note and recent.note_purged_at is None
    assert left_long_ago.document("police_certificate") is None
    assert left_recently.document("police_certificate") is not None
    assert m.document("police_certificate") is not None
    assert stale.erased_at == now and stale.first_name == "Gelöscht"
    assert fresh.erased_at is None and trained.erased_at is None
    assert privacy.run_retention() == {"notes": 0, "police_certificates": 0, "applicants": 0,
                                      "feedback": 0}
    actions = db.session.scalars(sa.select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["purge_note", "delete_police_certificate", "erase"]


def test_privacy_purge_command(runner, make_mediator, make_institution, clock):
    clock(dt.datetime(2026, 11, 2, 3, 0, tzinfo=dt.UTC))
    _assignment(make_mediator(), make_institution(), dt.datetime(2024, 1, 1, 9, tzinfo=dt.UTC), 60)
    db.session.commit()
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "notes=1" in result.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(InterpretingRequest.note)) == ""


def test_expiring_documents(client, login, make_user, make_mediator, clock):
    clock(dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC))
    soon = make_mediator(first_name="Bald")
    overdue = make_mediator(first_name="Abgelaufen")
    fine = make_mediator(first_name="Gut")
    retired = make_mediator(first_name="Weg", status="retired")
    for person, seen in ((soon, dt.date(2021, 12, 1)), (overdue, dt.date(2021, 10, 1)),
                         (fine, dt.date(2022, 3, 1)), (retired, dt.date(2021, 10, 1))):
        person.documents.append(Document(kind="police_certificate", recorded_on=seen,
                                         issued_on=seen - dt.timedelta(days=5)))
    db.session.commit()
    rows = privacy.expiring_documents(dt.date(2026, 11, 2))
    assert [(d.mediator.first_name, due) for d, due in rows] == [
        ("Abgelaufen", dt.date(2026, 10, 1)), ("Bald", dt.date(2026, 12, 1))]
    login(make_user("coordinator"))
    html = client.get("/pool/documents/expiring").get_data(as_text=True)
    assert "abgelaufen" in html and "läuft in 29 Tagen ab" in html and "Gut" not in html


def test_audit_log_is_readable_and_not_editable(client, login, make_user, make_mediator):
    coordinator = make_user("coordinator")
    person = make_mediator()
    db.session.add(AuditLog(actor_id=coordinator.id, actor_label=coordinator.email,
                            action="update", object_type="mediator", object_id=person.id))
    db.session.add(AuditLog(actor_label="system", action="purge_note", object_type="request",
                            object_id=7))
    db.session.commit()
    login(coordinator)
    html = client.get(f"/pool/audit?object_type=mediator&object_id={person.id}"
                      ).get_data(as_text=True)
    assert "geändert" in html and "Notiz der Anfrage gelöscht" not in html
    assert client.post("/pool/audit", data={}).status_code in (400, 405)
    assert client.get("/pool/audit?object_id=abc").status_code == 200
    rules = [r for r in client.application.url_map.iter_rules() if "audit" in r.rule]
    assert all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in rules)


def test_certificate_view(client, login, make_user, make_mediator):
    mod = QualificationModule(code="M2", title_de="Dolmetschtechniken", title_en="Techniques")
    db.session.add(mod)
    person = make_mediator(first_name="Selam", last_name="Tekle", gender="female")
    db.session.add(ModuleCompletion(mediator=person, module=mod, completed_on=dt.date(2016, 6, 4)))
    db.session.commit()
    login(make_user("coordinator"))
    html = client.get(f"/pool/mediators/{person.id}/certificate").get_data(as_text=True)
    assert "Teilnahmebescheinigung" in html and "Frau Selam Tekle" in html
    assert "Dolmetschtechniken" in html and "04.06.2016" in html
    assert "Stadt Musterstadt" in html and "Unterschrift" in html


def test_mediator_sees_only_own_certificate(client, login, make_user, make_mediator):
    other = make_mediator()
    user = make_user("mediator")
    login(user)
    assert client.get("/me/certificate").status_code == 200
    assert client.get(f"/pool/mediators/{other.id}/certificate").status_code == 403


def test_audit_entries_cannot_be_changed_through_the_orm(app, make_user):
    entry = AuditLog(actor_label="x", action="update", object_type="mediator", object_id=1)
    db.session.add(entry)
    db.session.commit()
    entry.action = "nothing happened"
    with pytest.raises(privacy.AuditLogChangeError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditLog, entry.id))
    with pytest.raises(privacy.AuditLogChangeError):
        db.session.flush()
