"""The office's internal note of a request stays in the office.

A request has two notes: `note`, written by the institution (or the coordinator on the phone)
for the mediator, and `internal_note`, the office's own (who phoned, what the office thinks).
Each reader sees only what they may: the coordinator both, the institution and the mediator
only the note for the mediator, in every page, e-mail, calendar feed and export.
"""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from app.extensions import db
from app.models import InterpretingRequest
from app.services.booking import offers
from app.services.calendar import feeds
from app.services.core.tasks import deliver_due
from app.services.pool import privacy
from tests.conftest import csrf_token
from tests.factories import DAY, NOW, eligible, make_request

SECRET = "GEHEIM-Anrufer-Vater-schwierig-4711"
FOR_MEDIATOR = "Bitte-am-Haupteingang-klingeln"


def _form(**over):
    data = {"day": DAY.isoformat(), "start_time": "10:00", "duration_minutes": "60",
            "mode": "on_site", "place_kind": "institution", "address": "", "room": "A 12",
            "language_code": "tir", "variety": "", "occasion": "parent_meeting",
            "family_members": "1", "preferred_gender": "none", "note": FOR_MEDIATOR,
            "internal_note": SECRET, "weeks": "1", "follow_up_of_id": ""}
    data.update(over)
    return data


def _post(client, path, **over):
    return client.post(path, data=_form(csrf_token=csrf_token(client, path), **over))


def _world(clock, make_user, make_institution, make_mediator):
    clock(NOW)
    inst = make_institution(kind="kita", name="Kita Regenbogen", email="kita@example.org")
    inst_user = make_user("institution", institution=inst, email="leitung@example.org")
    coordinator = make_user("coordinator", email="koord@example.org")
    mediator = eligible(make_mediator, first_name="Saba", email="saba@example.org")
    mediator_user = make_user("mediator", mediator=mediator, email="saba@example.org")
    db.session.commit()
    return inst, inst_user, coordinator, mediator, mediator_user


def _switch(client, login, user) -> None:
    """Log the current user out (the logout form is on every page) and `user` in."""
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    login(user)


def _intake(client, login, coordinator, inst) -> InterpretingRequest:
    login(coordinator)
    response = _post(client, "/coordination/requests/new", institution_id=str(inst.id))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.scalars(sa.select(InterpretingRequest)).one()


def test_phone_intake_keeps_both_notes_and_the_coordinator_sees_and_edits_both(
        app, client, login, clock, make_user, make_institution, make_mediator):
    inst, _iu, coordinator, *_ = _world(clock, make_user, make_institution, make_mediator)
    req = _intake(client, login, coordinator, inst)
    html = client.get("/coordination/requests/new").get_data(as_text=True)
    assert 'name="internal_note"' in html and 'name="note"' in html
    assert req.internal_note == SECRET and req.note == FOR_MEDIATOR
    page = client.get(f"/coordination/requests/{req.id}").get_data(as_text=True)
    assert SECRET in page and FOR_MEDIATOR in page
    edit = client.get(f"/coordination/requests/{req.id}/edit").get_data(as_text=True)
    assert SECRET in edit and FOR_MEDIATOR in edit
    path = f"/coordination/requests/{req.id}/edit"
    assert _post(client, path, internal_note="Neu: Mutter rief an").status_code == 302
    db.session.expire_all()
    assert req.internal_note == "Neu: Mutter rief an" and req.note == FOR_MEDIATOR


def test_the_institution_never_sees_the_internal_note_and_its_edit_keeps_it(
        app, client, login, clock, make_user, make_institution, make_mediator):
    inst, inst_user, coordinator, *_ = _world(clock, make_user, make_institution, make_mediator)
    req = _intake(client, login, coordinator, inst)
    _switch(client, login, inst_user)
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert FOR_MEDIATOR in page and SECRET not in page
    edit = client.get(f"/requests/{req.id}/edit").get_data(as_text=True)
    assert FOR_MEDIATOR in edit and SECRET not in edit and 'name="internal_note"' not in edit
    assert SECRET not in client.get("/requests/").get_data(as_text=True)
    # a posted internal note is ignored: the institution's form has no such field
    path = f"/requests/{req.id}/edit"
    assert _post(client, path, room="B 3", internal_note="überschrieben").status_code == 302
    db.session.expire_all()
    assert req.room == "B 3" and req.internal_note == SECRET


def test_the_mediator_never_sees_the_internal_note_anywhere(
        app, client, login, clock, make_user, make_institution, make_mediator, smtp_server):
    inst, inst_user, coordinator, mediator, mediator_user = _world(
        clock, make_user, make_institution, make_mediator)
    req = _intake(client, login, coordinator, inst)
    assert req.internal_note == SECRET  # stored: it must be kept from the mediator below
    offers.send_offers(coordinator, req.id, [mediator.id])
    db.session.commit()
    offer_id = req.offers[0].id
    assert deliver_due()["sent"] >= 1
    _switch(client, login, mediator_user)
    assert SECRET not in client.get("/me/offers").get_data(as_text=True)
    assert SECRET not in client.get("/me/board").get_data(as_text=True)
    offers.accept_offer(offer_id, mediator_user)
    db.session.commit()
    deliver_due()
    assignment = req.live_assignment
    page = client.get(f"/me/assignments/{assignment.id}").get_data(as_text=True)
    assert FOR_MEDIATOR in page and SECRET not in page
    for user in (mediator_user, inst_user):
        feed = client.get(f"/calendar/{feeds.token_for(user)}.ics")
        assert feed.status_code == 200 and SECRET not in feed.get_data(as_text=True)
    export = privacy.export_mediator(coordinator, mediator)
    assert SECRET not in json.dumps(export, default=str)
    assert SECRET not in client.get("/me/export.json").get_data(as_text=True)
    assert smtp_server.messages, "the offer and the invitation were sent"
    for msg in smtp_server.messages:
        assert SECRET not in msg.as_string(), msg["Subject"]


def test_purging_the_notes_purges_the_internal_note_too(app, clock, make_institution):
    clock(NOW)
    inst = make_institution(kind="kita", name="Kita Alt")
    old = make_request(inst, starts_at=NOW - dt.timedelta(days=800), note="für SM",
                       internal_note=SECRET)
    db.session.commit()
    assert privacy.purge_request_notes() == 1
    db.session.commit()
    db.session.expire_all()
    assert old.note == "" and old.internal_note == "" and old.note_purged_at is not None


def test_a_request_with_only_an_internal_note_counts_as_purged(app, clock, make_institution):
    clock(NOW)
    inst = make_institution(kind="kita", name="Kita Alt")
    old = make_request(inst, starts_at=NOW - dt.timedelta(days=800), internal_note=SECRET)
    db.session.commit()
    assert privacy.purge_request_notes() == 1
    db.session.expire_all()
    assert old.internal_note == ""
