"""Volunteer self-service: own data only, pending languages, times, absences, hours."""

import datetime as dt

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Absence,
    Assignment,
    AuditLog,
    Availability,
    InterpretingRequest,
    Mediator,
    MediatorLanguage,
    User,
)
from app.services.core.errors import DomainError
from app.services.pool import self_service as svc
from app.timeutil import from_local
from tests.conftest import csrf_token


@pytest.fixture()
def me(make_user, login, client):
    user = make_user("mediator")
    login(user)
    return user


@pytest.fixture()
def other(make_mediator):
    mediator = make_mediator(first_name="Fremd")
    mediator.availability.append(Availability(weekday=0, start_time=dt.time(9),
                                              end_time=dt.time(12)))
    mediator.absences.append(Absence(start_date=dt.date(2030, 1, 1),
                                     end_date=dt.date(2030, 1, 5)))
    db.session.commit()
    return mediator


def test_edit_profile_and_preferences(client, me):
    token = csrf_token(client, "/me/profile/edit")
    response = client.post("/me/profile/edit", data={
        "csrf_token": token, "email": "Neu@Example.org", "phone": "0171 5", "share_phone": "y",
        "district": "Süd", "mobility": "car", "max_per_week": "2", "locale": "en"})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, me.id)
    m = user.mediator
    assert (m.email, m.phone, m.share_phone, m.mobility, m.max_per_week) == (
        "neu@example.org", "0171 5", True, "car", 2)
    assert m.notify_by_email is False and user.locale == "en"
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "self_update"))
    assert entry.actor_id == me.id and "max_per_week" in entry.details


def test_edit_profile_errors_keep_input(client, me):
    token = csrf_token(client, "/me/profile/edit")
    response = client.post("/me/profile/edit", data={
        "csrf_token": token, "email": "kaputt", "phone": "0171 99", "max_per_week": "99",
        "mobility": "car", "locale": "de"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="0171 99"' in html and "Ungültige E-Mail-Adresse." in html


def test_new_language_waits_for_confirmation(client, me, make_user):
    token = csrf_token(client, "/me/languages")
    response = client.post("/me/languages", data={"csrf_token": token, "code": "prs",
                                                  "variety": "", "level": "C1"})
    assert response.status_code == 302
    lang = db.session.scalar(sa.select(MediatorLanguage).where(MediatorLanguage.code == "prs"))
    assert lang.confirmed is False
    assert "wartet auf das Büro" in client.get("/me/languages").get_data(as_text=True)
    assert [p.id for p in svc.pending_languages()] == [lang.id]
    coordinator = make_user("coordinator")
    svc.decide_language(coordinator, lang.id, confirm=True)
    assert lang.confirmed is True
    with pytest.raises(DomainError):
        svc.decide_language(coordinator, lang.id, confirm=False)


def test_coordinator_rejects_pending_language(client, login, make_user, make_mediator):
    mediator = make_mediator()
    mediator.languages.append(MediatorLanguage(code="pus", level="B2", confirmed=False))
    db.session.commit()
    pending = mediator.languages[-1].id
    login(make_user("coordinator"))
    html = client.get("/pool/language-changes").get_data(as_text=True)
    assert "Paschtu" in html
    token = csrf_token(client, "/pool/language-changes")
    assert client.post(f"/pool/language-changes/{pending}/reject",
                       data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(MediatorLanguage, pending) is None
    again = client.post(f"/pool/language-changes/{pending}/confirm", data={"csrf_token": token})
    assert again.status_code == 409
    assert "nicht mehr offen" in again.get_data(as_text=True)


def test_availability_rules(client, me):
    token = csrf_token(client, "/me/availability")
    ok = client.post("/me/availability", data={"csrf_token": token, "weekday": "2",
                                               "start": "09:00", "end": "12:00"})
    assert ok.status_code == 302
    backwards = client.post("/me/availability", data={"csrf_token": token, "weekday": "2",
                                                      "start": "15:00", "end": "14:00"})
    assert backwards.status_code == 400
    assert "Das Ende muss nach dem Beginn liegen." in backwards.get_data(as_text=True)
    overlap = client.post("/me/availability", data={"csrf_token": token, "weekday": "2",
                                                    "start": "11:00", "end": "13:00"})
    assert overlap.status_code == 400
    html = overlap.get_data(as_text=True)
    assert "überschneidet sich" in html and 'value="11:00"' in html
    assert client.post("/me/availability", data={"csrf_token": token, "weekday": "2",
                                                 "start": "12:00", "end": "13:00"}
                       ).status_code == 302
    db.session.expire_all()
    assert len(db.session.get(User, me.id).mediator.availability) == 2


def test_absence_rules(client, me, clock):
    clock(dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC))
    token = csrf_token(client, "/me/absences")
    bad = client.post("/me/absences", data={"csrf_token": token, "start": "2026-12-10",
                                            "end": "2026-12-01", "reason": "Urlaub"})
    assert bad.status_code == 400
    assert "Das Ende darf nicht vor dem Beginn liegen." in bad.get_data(as_text=True)
    ok = client.post("/me/absences", data={"csrf_token": token, "start": "2026-12-10",
                                           "end": "2026-12-10", "reason": "Urlaub"})
    assert ok.status_code == 302
    db.session.expire_all()
    (absence,) = db.session.get(User, me.id).mediator.absences
    assert absence.start_date == absence.end_date == dt.date(2026, 12, 10)


def test_cannot_touch_another_mediators_data(client, me, other):
    token = csrf_token(client, "/me/availability")
    foreign_window = other.availability[0].id
    foreign_absence = other.absences[0].id
    foreign_language = other.languages[0].id
    assert client.post(f"/me/availability/{foreign_window}/delete",
                       data={"csrf_token": token}).status_code == 404
    assert client.post(f"/me/absences/{foreign_absence}/delete",
                       data={"csrf_token": token}).status_code == 404
    assert client.post(f"/me/languages/{foreign_language}/delete",
                       data={"csrf_token": token}).status_code == 404
    # a smuggled mediator_id in the form is ignored: the change lands on the own record
    client.post("/me/profile/edit", data={
        "csrf_token": token, "email": "mine@example.org", "mediator_id": other.id,
        "mobility": "bike", "max_per_week": "1", "locale": "de"})
    db.session.expire_all()
    theirs = db.session.get(Mediator, other.id)
    assert len(theirs.availability) == 1 and len(theirs.absences) == 1
    assert len(theirs.languages) == 1 and theirs.email != "mine@example.org"
    assert client.get(f"/pool/mediators/{other.id}/export.json").status_code == 403


def _completed(mediator, institution, start, minutes, *, status="completed",
               report="approved"):
    req = InterpretingRequest(institution_id=institution.id, starts_at=start,
                              ends_at=start + dt.timedelta(hours=1), duration_minutes=60,
                              language_code="tir", occasion="parent_meeting",
                              status="completed")
    req.assignments.append(Assignment(mediator_id=mediator.id, status=status, starts_at=start,
                                      ends_at=start + dt.timedelta(hours=1),
                                      reported_minutes=minutes, report_status=report))
    db.session.add(req)
    db.session.flush()


def test_hours_this_year(app, make_mediator, make_institution, clock):
    clock(dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC))
    m, inst = make_mediator(), make_institution()
    _completed(m, inst, from_local(dt.date(2026, 1, 1), dt.time(0, 30)), 90)
    _completed(m, inst, from_local(dt.date(2026, 5, 1), dt.time(10)), 60)
    _completed(m, inst, from_local(dt.date(2026, 5, 2), dt.time(10)), 45, report="reported")
    _completed(m, inst, from_local(dt.date(2025, 12, 31), dt.time(23)), 60)
    _completed(make_mediator(), inst, from_local(dt.date(2026, 5, 1), dt.time(10)), 300)
    assert svc.hours_this_year(m) == 2.5


def test_qualification_page_and_export(client, me):
    html = client.get("/me/qualification").get_data(as_text=True)
    assert "Meine Stunden" in html and "0 Stunden" in html
    data = client.get("/me/export.json").get_json()
    assert data["person"]["email"] == db.session.get(User, me.id).mediator.email
    assert data["person"]["account"]["email"] == me.email
    assert db.session.scalar(sa.select(AuditLog.action).where(AuditLog.action == "export"))
