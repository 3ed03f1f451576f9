"""The coordinator acts for a volunteer: times, absences, settings, phoned-in offers."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Assignment, AuditLog, Availability, Offer, OutboxMessage
from app.services.booking import offers
from app.services.core.errors import NotAllowedError
from app.services.matching import ranking as matching
from app.services.pool import self_service
from tests.conftest import csrf_token
from tests.factories import NOW, eligible, make_request


@pytest.fixture()
def office(app, clock, make_user, make_institution):
    clock(NOW)
    return make_user("coordinator"), make_institution(kind="kita")


def _audit(action: str) -> list[AuditLog]:
    return list(db.session.scalars(sa.select(AuditLog).where(AuditLog.action == action)))


def test_coordinator_edits_times_and_the_audit_names_them(office, client, login,
                                                          make_mediator):
    coordinator, inst = office
    person = eligible(make_mediator, weekday=0)  # only Mondays: not for a Thursday request
    req = make_request(inst)
    db.session.commit()
    assert person.id not in {c.mediator.id for c in matching.match(req).ranked}
    login(coordinator)
    page = client.get(f"/pool/mediators/{person.id}").get_data(as_text=True)
    assert f'href="/pool/mediators/{person.id}/times"' in page
    token = csrf_token(client, f"/pool/mediators/{person.id}/times")
    done = client.post(f"/pool/mediators/{person.id}/times/availability", data={
        "csrf_token": token, "availability-weekday": "3", "availability-start": "09:00",
        "availability-end": "12:00"})
    assert done.status_code == 302
    absence = client.post(f"/pool/mediators/{person.id}/times/absences", data={
        "csrf_token": token, "absence-start": "2026-12-20", "absence-end": "2026-12-27",
        "absence-reason": "Urlaub"})
    assert absence.status_code == 302
    overlap = client.post(f"/pool/mediators/{person.id}/times/availability", data={
        "csrf_token": token, "availability-weekday": "3", "availability-start": "11:00",
        "availability-end": "13:00"})
    assert overlap.status_code == 400 and "überschneidet" in overlap.get_data(as_text=True)
    db.session.expire_all()
    assert {(w.weekday, w.start_time) for w in person.availability} == {
        (0, dt.time(8)), (3, dt.time(9))}
    assert [(a.start_date, a.reason) for a in person.absences] == [
        (dt.date(2026, 12, 20), "Urlaub")]
    entries = _audit("add_availability") + _audit("add_absence")
    assert {e.actor_id for e in entries} == {coordinator.id}
    assert all(e.object_id == person.id and json.loads(e.details)["on_behalf"]
               for e in entries)
    assert person.id in {c.mediator.id for c in matching.match(req).ranked}


def test_coordinator_edits_contact_and_settings_without_an_address(office, client, login,
                                                                   make_mediator):
    coordinator, _inst = office
    person = make_mediator(email="old@example.org", max_per_week=3)
    db.session.commit()
    login(coordinator)
    token = csrf_token(client, f"/pool/mediators/{person.id}/settings")
    done = client.post(f"/pool/mediators/{person.id}/settings", data={
        "csrf_token": token, "email": "", "phone": "0612 345", "district": "Süd",
        "mobility": "public", "max_per_week": "1", "locale": "de"})
    assert done.status_code == 302
    db.session.expire_all()
    assert (person.email, person.phone, person.max_per_week, person.notify_by_email) == (
        "", "0612 345", 1, False)
    [entry] = _audit("update_on_behalf")
    assert entry.actor_id == coordinator.id and entry.object_id == person.id
    assert set(json.loads(entry.details)["fields"]) >= {"email", "max_per_week",
                                                        "notify_by_email"}


def test_only_coordinators_act_for_someone(office, client, login, make_user, make_mediator):
    _coordinator, _inst = office
    other = make_mediator()
    mediator_user = make_user("mediator")
    with pytest.raises(NotAllowedError):
        self_service.add_availability(mediator_user, 3, dt.time(9), dt.time(10), mediator=other)
    login(mediator_user)
    assert client.get(f"/pool/mediators/{other.id}/times").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Availability)) == 0


def test_coordinator_adds_a_language_without_confirmation(office, make_mediator):
    coordinator, _inst = office
    person = make_mediator()
    lang = self_service.request_language(coordinator, "ara", "", "C1", mediator=person)
    assert lang.confirmed is True
    own = self_service.request_language(_account(person), "prs", "", "B2")
    assert own.confirmed is False and own.mediator_id == person.id


def _account(mediator):
    from app.models import User
    user = User(email="self@example.org", role="mediator", name="Self", mediator=mediator)
    user.set_password("correct-horse-battery")
    db.session.add(user)
    db.session.flush()
    return user


def test_account_less_volunteer_offered_by_phone_and_answer_recorded(office, client, login,
                                                                     make_mediator):
    coordinator, inst = office
    phone_only = eligible(make_mediator, email="", last_name="Telefon")
    by_mail = eligible(make_mediator, last_name="Mail")
    req = make_request(inst)
    db.session.commit()
    assert phone_only.user is None
    assert {phone_only.id, by_mail.id} <= {c.mediator.id for c in matching.match(req).ranked}
    offers.send_offers(coordinator, req.id, [by_mail.id])
    db.session.commit()
    mails = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    assert mails == 1
    login(coordinator)
    token = csrf_token(client, f"/coordination/requests/{req.id}")
    sent = client.post(f"/coordination/requests/{req.id}/offers", data={
        "csrf_token": token, "mediator_ids": str(phone_only.id), "channel": "phone"})
    assert sent.status_code == 302
    offer = db.session.scalars(sa.select(Offer).where(Offer.mediator_id == phone_only.id)).one()
    assert offer.channel == "phone"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == mails
    page = client.get(f"/coordination/requests/{req.id}").get_data(as_text=True)
    assert "telefonisch angefragt" in page and f"/pool/offers/{offer.id}/accept" in page
    listed = client.get(f"/pool/mediators/{phone_only.id}/offers").get_data(as_text=True)
    assert f"/pool/offers/{offer.id}/accept" in listed
    answered = client.post(f"/pool/offers/{offer.id}/accept", data={"csrf_token": token})
    assert answered.status_code == 302
    db.session.expire_all()
    [booked] = db.session.scalars(sa.select(Assignment)).all()
    assert (booked.request_id, booked.mediator_id) == (req.id, phone_only.id)
    assert req.status == "assigned"
    statuses = {o.mediator_id: o.status for o in db.session.scalars(sa.select(Offer))}
    assert statuses == {phone_only.id: "accepted", by_mail.id: "withdrawn"}
    recipients = set(db.session.scalars(sa.select(OutboxMessage.recipient)))
    assert by_mail.email in recipients  # told that the request is taken
    [entry] = _audit("accept_offer")
    assert entry.actor_id == coordinator.id


def test_a_phoned_in_refusal_is_recorded(office, client, login, make_mediator):
    coordinator, inst = office
    phone_only = eligible(make_mediator, email="")
    req = make_request(inst)
    db.session.commit()
    [offer] = offers.send_offers(coordinator, req.id, [phone_only.id], channel="phone")
    db.session.commit()
    login(coordinator)
    token = csrf_token(client, f"/coordination/requests/{req.id}")
    done = client.post(f"/pool/offers/{offer.id}/decline",
                       data={"csrf_token": token, "reason": "krank"})
    assert done.status_code == 302
    db.session.expire_all()
    assert (offer.status, offer.decline_reason) == ("declined", "krank")
    assert req.status == "submitted"
    again = client.post(f"/pool/offers/{offer.id}/accept", data={"csrf_token": token})
    assert again.status_code == 302 and not db.session.scalars(sa.select(Assignment)).all()
    assert client.post("/pool/offers/999999/accept", data={"csrf_token": token}
                       ).status_code == 404
