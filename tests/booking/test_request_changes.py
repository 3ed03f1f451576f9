"""Requests that can change: edits by institution and coordinator, phone intake, what a change
does to an assignment and to pending offers, the duplicate warning, the audit trail."""

from __future__ import annotations

import datetime as dt
import json
import re

import icalendar
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditLog, InterpretingRequest, Offer
from app.services.booking import assignments as booking
from app.services.booking import changes, intake, offers
from app.services.calendar import feeds
from app.services.core.audit_text import sentences
from app.services.core.errors import DomainError, NotAllowedError
from app.services.core.tasks import deliver_due
from tests.conftest import csrf_token
from tests.factories import DAY, NOW, eligible, make_request


@pytest.fixture()
def world(app, clock, make_user, make_institution, make_mediator):
    clock(NOW)
    inst = make_institution(kind="kita", name="Kita Regenbogen", email="kita@example.org")
    inst_user = make_user("institution", institution=inst, email="leitung@example.org")
    coordinator = make_user("coordinator", email="koord@example.org")
    mediator = eligible(make_mediator, first_name="Saba")
    mediator_user = make_user("mediator", mediator=mediator, email="saba@example.org")
    return inst, inst_user, coordinator, mediator, mediator_user


def _form(**over):
    data = {"day": DAY.isoformat(), "start_time": "10:00", "duration_minutes": "60",
            "mode": "on_site", "place_kind": "institution", "address": "", "room": "A 12",
            "language_code": "tir",
            "variety": "", "occasion": "parent_meeting", "family_members": "1",
            "preferred_gender": "none", "note": "Entwicklungsgespräch", "weeks": "1",
            "follow_up_of_id": ""}  # the edit form has no weeks or follow-up: ignored there
    data.update(over)
    return data


def _post(client, path, **over):
    return client.post(path, data=_form(csrf_token=csrf_token(client, path), **over))


def _audit(action: str) -> list[AuditLog]:
    return list(db.session.scalars(sa.select(AuditLog).where(AuditLog.action == action)
                                   .order_by(AuditLog.id)))


def _ics(msg):
    part = next(p for p in msg.iter_parts() if p.get_content_type() == "text/calendar")
    cal = icalendar.Calendar.from_ical(part.get_content())
    return str(cal["METHOD"]), cal.walk("VEVENT")[0]


def _plain(msg) -> str:
    return msg.get_body(("plain",)).get_content()


# --- who may edit ---------------------------------------------------------------------------


def test_institution_edits_its_open_request_and_the_audit_keeps_old_and_new(
        client, login, world):
    inst, inst_user, *_ = world
    req = make_request(inst, room="A 12", note="Entwicklungsgespräch")
    db.session.commit()
    login(inst_user)
    page = client.get(f"/requests/{req.id}/edit")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'value="A 12"' in html and "Entwicklungsgespräch" in html
    assert "Wöchentlich wiederholen" not in html  # one appointment: no series on a change
    response = _post(client, f"/requests/{req.id}/edit", start_time="11:30", room="B 3")
    assert response.status_code == 302
    db.session.expire_all()
    assert req.room == "B 3" and req.starts_at == dt.datetime(2026, 12, 3, 10, 30, tzinfo=dt.UTC)
    assert req.ends_at - req.starts_at == dt.timedelta(minutes=60)
    (entry,) = _audit("update")
    details = json.loads(entry.details)
    assert details["changes"] == {"starts_at": ["2026-12-03 10:00", "2026-12-03 11:30"],
                                  "ends_at": ["2026-12-03 11:00", "2026-12-03 12:30"],
                                  "room": ["A 12", "B 3"]}
    with client.application.test_request_context():
        text = str(sentences([entry])[entry.id])
    assert "Raum: A 12 → B 3" in text and "Beginn: 2026-12-03 10:00 → 2026-12-03 11:30" in text


def test_an_edit_can_change_the_mode_and_keeps_only_that_modes_fields(client, login, world):
    inst, inst_user, *_ = world
    req = make_request(inst, room="A 12")
    db.session.commit()
    login(inst_user)
    html = client.get(f"/requests/{req.id}/edit").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*name="mode"[^>]*value="on_site"', html)  # stored mode
    response = _post(client, f"/requests/{req.id}/edit", mode="phone",
                     phone_number="06131 12345", phone_caller="mediator")
    assert response.status_code == 302
    db.session.expire_all()
    assert (req.mode, req.phone_number, req.phone_caller, req.room) == (
        "phone", "06131 12345", "mediator", "")
    (entry,) = _audit("update")
    assert json.loads(entry.details)["changes"]["mode"] == ["on_site", "phone"]


@pytest.mark.parametrize("status", ["assigned", "completed", "cancelled"])
def test_institution_cannot_edit_once_assigned_or_closed(client, login, world, status):
    inst, inst_user, *_ = world
    req = make_request(inst, status=status)
    db.session.commit()
    login(inst_user)
    page = client.get(f"/requests/{req.id}/edit")
    assert page.status_code == 403
    assert "nicht mehr geändert" in page.get_data(as_text=True)
    token = csrf_token(client, f"/requests/{req.id}")
    response = client.post(f"/requests/{req.id}/edit", data=_form(csrf_token=token, room="X"))
    assert response.status_code == 403
    db.session.expire_all()
    assert req.room == ""
    # the service refuses on its own too (a view that forgot to ask)
    data = intake.RequestData(day=DAY, start_time=dt.time(10), duration_minutes=60,
                              language_code="tir", occasion="parent_meeting", room="X")
    with pytest.raises(NotAllowedError):
        changes.update_request(inst_user, req.id, data)


def test_another_institution_gets_404(client, login, world, make_user):
    inst, *_ = world
    req = make_request(inst)
    db.session.commit()
    login(make_user("institution"))
    assert client.get(f"/requests/{req.id}/edit").status_code == 404


def test_coordinator_edits_any_request_until_it_is_completed(client, login, world):
    inst, _inst_user, coordinator, *_ = world
    open_req = make_request(inst, status="offered", note="alt")
    done = make_request(inst, day=dt.date(2026, 11, 26), status="completed")
    db.session.commit()
    login(coordinator)
    detail = client.get(f"/coordination/requests/{open_req.id}").get_data(as_text=True)
    assert f"/coordination/requests/{open_req.id}/edit" in detail
    response = _post(client, f"/coordination/requests/{open_req.id}/edit", family_members="4",
                     preferred_gender="female", note="neu")
    assert response.status_code == 302
    db.session.expire_all()
    assert (open_req.family_members, open_req.preferred_gender, open_req.note) == (
        4, "female", "neu")
    details = json.loads(_audit("update")[0].details)
    assert details["on_behalf"] is True and details["changes"]["note"] == ["…", "…"]
    assert client.get(f"/coordination/requests/{done.id}/edit").status_code == 403


# --- phone intake ---------------------------------------------------------------------------


def test_phone_intake_for_an_institution_with_the_lead_time_rule(client, login, world):
    inst, _inst_user, coordinator, *_ = world
    login(coordinator)
    assert "/coordination/requests/new" in client.get("/coordination/requests").get_data(
        as_text=True)
    assert f"/coordination/requests/new?institution_id={inst.id}" in client.get(
        f"/coordination/institutions/{inst.id}").get_data(as_text=True)
    page = client.get(f"/coordination/requests/new?institution_id={inst.id}")
    assert page.status_code == 200
    assert f'<option selected value="{inst.id}">' in page.get_data(as_text=True)
    path = "/coordination/requests/new"
    past = _post(client, path, institution_id=str(inst.id), day="2026-11-30")
    assert past.status_code == 400 and "in der Zukunft" in past.get_data(as_text=True)
    tomorrow = (NOW.date() + dt.timedelta(days=1)).isoformat()
    response = _post(client, path, institution_id=str(inst.id), day=tomorrow)
    assert response.status_code == 302
    req = db.session.scalars(sa.select(InterpretingRequest)).one()
    assert req.institution_id == inst.id and req.created_by_id == coordinator.id
    assert req.urgent and req.status == "submitted"  # short notice: marked urgent
    (entry,) = _audit("create_on_behalf")
    assert entry.actor_id == coordinator.id and json.loads(entry.details)["on_behalf"] is True
    with client.application.test_request_context():
        assert "telefonisch" in str(sentences([entry])[entry.id])


@pytest.mark.parametrize("value", ["", "abc", "99999999999999", "424242"])
def test_phone_intake_bad_institution_is_a_400(client, login, world, value):
    login(world[2])
    response = _post(client, "/coordination/requests/new", institution_id=value)
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InterpretingRequest)) == 0


# --- a change of an assigned request -----------------------------------------------------


def _assigned(world, smtp_server, **kwargs):
    inst, _inst_user, coordinator, mediator, _mu = world
    req = make_request(inst, **kwargs)
    assignment = booking.book(coordinator, req.id, mediator.id)
    db.session.commit()
    deliver_due()
    smtp_server.messages.clear()
    return req, assignment


def test_assigned_change_kept_sends_update_with_same_uid_and_higher_sequence(
        client, login, world, smtp_server):
    _inst, inst_user, coordinator, _mediator, mediator_user = world
    req, assignment = _assigned(world, smtp_server)
    uid = f"assignment-{assignment.id}@skm.test"
    login(coordinator)
    response = _post(client, f"/coordination/requests/{req.id}/edit", start_time="14:00")
    assert response.status_code == 302
    db.session.expire_all()
    assert req.status == "assigned" and assignment.status == "active"
    assert assignment.starts_at == dt.datetime(2026, 12, 3, 13, tzinfo=dt.UTC)
    assert deliver_due()["sent"] == 2
    by_rcpt = {m["To"]: m for m in smtp_server.messages}
    assert set(by_rcpt) == {"saba@example.org", "leitung@example.org"}
    for msg in by_rcpt.values():
        method, event = _ics(msg)
        assert method == "REQUEST" and str(event["UID"]) == uid
        assert int(event["SEQUENCE"]) == 1  # the invitation had 0
        assert event.decoded("DTSTART").hour == 14
    for user in (mediator_user, inst_user):
        feed = client.get(f"/calendar/{feeds.token_for(user)}.ics")
        (event,) = icalendar.Calendar.from_ical(feed.get_data()).walk("VEVENT")
        assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 1
        assert event.decoded("DTSTART").hour == 14
    assert json.loads(_audit("update")[0].details)["kept"] is True


def test_assigned_change_that_no_longer_fits_releases_and_tells_both(
        client, login, world, smtp_server):
    req, assignment = _assigned(world, smtp_server)
    login(world[2])
    # the mediator's Thursday window ends at 18:00
    response = _post(client, f"/coordination/requests/{req.id}/edit", start_time="18:30")
    assert response.status_code == 302
    db.session.expire_all()
    assert req.status == "submitted" and req.live_assignment is None
    assert assignment.status == "cancelled" and "Verfügbarkeit" in assignment.cancel_reason
    deliver_due()
    to_mediator = [m for m in smtp_server.messages if m["To"] == "saba@example.org"]
    to_inst = [m for m in smtp_server.messages if m["To"] == "leitung@example.org"]
    cancels = [m for m in to_mediator if m.get_content_type() == "multipart/alternative"]
    method, event = _ics(cancels[0])
    assert method == "CANCEL" and int(event["SEQUENCE"]) == 1
    notice = next(m for m in to_mediator if "geändert und abgesagt" in m["Subject"])
    assert "nicht hin" in _plain(notice) and "03.12.2026" in _plain(notice)
    inst_notice = next(m for m in to_inst if "erneut" in m["Subject"])
    assert "18:30" in _plain(inst_notice) and "Verfügbarkeit" not in _plain(inst_notice)
    assert [a.action for a in db.session.scalars(sa.select(AuditLog).order_by(AuditLog.id))
            ][-2:] == ["release_assignment", "update"]
    # back in matching: the mediator can be asked again for another time
    page = client.get(f"/coordination/requests/{req.id}")
    assert page.status_code == 200


def test_note_only_change_of_an_assigned_request_just_updates(client, login, world,
                                                              smtp_server):
    req, assignment = _assigned(world, smtp_server, note="alt")
    login(world[2])
    response = _post(client, f"/coordination/requests/{req.id}/edit", room="",
                     note="Bitte am Empfang melden")
    assert "Empfang" not in _audit("update")[0].details  # the note's text stays out of the log
    assert response.status_code == 302
    db.session.expire_all()
    assert req.note == "Bitte am Empfang melden" and assignment.sequence == 0
    assert deliver_due()["sent"] == 0


def test_pending_offers_are_withdrawn_with_mail(client, login, world, smtp_server,
                                                make_mediator, make_user):
    inst, inst_user, coordinator, mediator, _mu = world
    other = eligible(make_mediator)
    make_user("mediator", mediator=other, email="zweite@example.org")
    req = make_request(inst, room="A 12")
    offers.send_offers(coordinator, req.id, [mediator.id, other.id])
    db.session.commit()
    deliver_due()
    smtp_server.messages.clear()
    login(inst_user)
    response = _post(client, f"/requests/{req.id}/edit", start_time="12:00")
    assert response.status_code == 302
    db.session.expire_all()
    assert req.status == "submitted"
    assert {o.status for o in db.session.scalars(sa.select(Offer))} == {"withdrawn"}
    deliver_due()
    withdrawn = {m["To"]: _plain(m) for m in smtp_server.messages}
    assert set(withdrawn) == {"saba@example.org", "zweite@example.org"}
    assert all("10:00" in body for body in withdrawn.values())  # names the old time


def test_an_accept_after_the_change_sees_the_new_state(world, smtp_server):
    """The change locks the request; an acceptance that comes after finds its offer withdrawn."""
    inst, inst_user, coordinator, mediator, _mu = world
    req = make_request(inst)
    (offer,) = offers.send_offers(coordinator, req.id, [mediator.id])
    db.session.commit()
    data = intake.RequestData(day=DAY, start_time=dt.time(12), duration_minutes=60,
                              language_code="tir", occasion="parent_meeting")
    changes.update_request(inst_user, req.id, data)
    db.session.commit()
    with pytest.raises(DomainError):
        offers.accept_offer(offer.id)
    db.session.rollback()
    assert req.live_assignment is None


# --- duplicate warning ----------------------------------------------------------------------


def test_duplicate_warning_on_a_new_request_then_confirmed(client, login, world):
    inst, inst_user, *_ = world
    make_request(inst, time=dt.time(10, 30))
    make_request(inst, time=dt.time(10, 30), language="prs")  # other language: no warning
    db.session.commit()
    login(inst_user)
    warned = client.post("/requests/new", data={**_form(csrf_token=csrf_token(
        client, "/requests/new"), note="Zweiter Termin"), "weeks": "1", "follow_up_of_id": ""})
    html = warned.get_data(as_text=True)
    assert warned.status_code == 409 and "kern-alert--warning" in html
    assert "Trotzdem speichern" in html and "Zweiter Termin" in html  # nothing typed is lost
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InterpretingRequest)) == 2
    saved = client.post("/requests/new", data={**_form(csrf_token=csrf_token(
        client, "/requests/new")), "weeks": "1", "follow_up_of_id": "",
        "confirm_duplicate": "y"})
    assert saved.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InterpretingRequest)) == 3


def test_duplicate_warning_on_an_edit_then_confirmed(client, login, world):
    inst, inst_user, *_ = world
    make_request(inst, time=dt.time(14))
    cancelled = make_request(inst, time=dt.time(9), status="cancelled")  # not a duplicate
    mine = make_request(inst, time=dt.time(8))
    db.session.commit()
    login(inst_user)
    path = f"/requests/{mine.id}/edit"
    assert _post(client, path, start_time="09:00").status_code == 302  # only the cancelled one
    warned = _post(client, path, start_time="14:30")
    assert warned.status_code == 409 and "Trotzdem speichern" in warned.get_data(as_text=True)
    db.session.expire_all()
    assert mine.starts_at.hour == 8  # 09:00 Berlin
    assert _post(client, path, start_time="14:30", confirm_duplicate="y").status_code == 302
    db.session.expire_all()
    assert mine.starts_at.hour == 13 and cancelled.status == "cancelled"


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["institution", "coordinator"])
@pytest.mark.parametrize("over", [
    {"day": "kein Datum"}, {"day": "9999-12-31"}, {"start_time": "25:99"},
    {"duration_minutes": "x"}, {"duration_minutes": "99999999999999999999"},
    {"language_code": "zzz"}, {"family_members": "-1"}, {"place_kind": "mond"},
    {"place_kind": "address", "address": ""}, {"day": "2026-11-30"},
    {"occasion": "court"}, {"legal_consequences": "y"},
])
def test_bad_edits_are_4xx_and_change_nothing(client, login, world, over, who):
    inst, inst_user, coordinator, *_ = world
    req = make_request(inst, room="A 12")
    db.session.commit()
    login(inst_user if who == "institution" else coordinator)
    path = (f"/requests/{req.id}/edit" if who == "institution"
            else f"/coordination/requests/{req.id}/edit")
    response = _post(client, path, **over)
    assert 400 <= response.status_code < 500, (path, over)
    db.session.expire_all()
    assert req.starts_at == dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC) and req.room == "A 12"


def test_unknown_and_overflowing_ids_are_404(client, login, world):
    login(world[2])
    assert client.get("/coordination/requests/424242/edit").status_code == 404
    assert client.get("/coordination/requests/99999999999999999999/edit").status_code == 404


def test_a_change_waiting_on_a_locked_request_is_a_conflict_not_a_500(world, database_url):
    """Another transaction (say an acceptance) holds the request: the change gets a message."""
    import sqlite3

    from app.web.transaction import commit_or_message, conflict_message

    inst, inst_user, *_ = world
    req = make_request(inst, room="A 12")
    db.session.commit()
    data = intake.RequestData(day=DAY, start_time=dt.time(12), duration_minutes=60,
                              language_code="tir", occasion="parent_meeting", room="B 3")
    if db.engine.dialect.name == "postgresql":
        import psycopg

        holder = psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://"))
        holder.execute("SELECT id FROM interpreting_request WHERE id = %s FOR UPDATE", (req.id,))

        def change():
            db.session.execute(sa.text("SET LOCAL lock_timeout = '100ms'"))
            return changes.update_request(inst_user, req.id, data)
    else:
        holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")

        def change():
            db.session.connection().exec_driver_sql("PRAGMA busy_timeout=100")
            return changes.update_request(inst_user, req.id, data)
    try:
        outcome = commit_or_message(change)
    finally:
        holder.rollback()
        holder.close()
        db.engine.dispose()
    assert outcome == (None, conflict_message())
    db.session.expire_all()
    assert req.room == "A 12"
