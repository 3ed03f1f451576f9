"""The open-request board: who sees what, "Ich kann", withdrawing, choosing, first come."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Absence, AuditLog, BoardSignup, Offer, OutboxMessage
from app.services.booking import assignments as booking
from app.services.booking import board, offers
from tests.conftest import csrf_token
from tests.factories import DAY, NOW, eligible, make_request

WEEK = dt.timedelta(days=7)


@pytest.fixture()
def world(app, clock, make_institution, make_user, make_mediator):
    clock(NOW)
    inst = make_institution(kind="kita", district="Altstadt", phone="06131-4711")
    coordinator = make_user("coordinator")
    m = eligible(make_mediator)
    user = make_user("mediator", mediator=m)
    return inst, coordinator, m, user


def _board_ids(html: str) -> set[int]:
    return {int(i) for i in re.findall(r"/me/board/(\d+)/(?:signup|withdraw)", html)}


def test_board_lists_only_requests_the_mediator_may_take(world, client, login,
                                                         make_mediator):
    inst, _c, m, user = world
    fits = make_request(inst)
    wrong_language = make_request(inst, language="kmr")
    db.session.add(Absence(mediator_id=m.id, start_date=DAY + WEEK, end_date=DAY + WEEK))
    absent = make_request(inst, day=DAY + WEEK)
    m.max_per_week = 1
    booked = make_request(inst, day=DAY + 2 * WEEK, time=dt.time(8))
    booking.book(None, booked.id, m.id)
    over_limit = make_request(inst, day=DAY + 2 * WEEK, time=dt.time(15))
    outside_times = make_request(inst, time=dt.time(19))
    taken = make_request(inst, day=DAY + 3 * WEEK)
    booking.book(None, taken.id, eligible(make_mediator).id)
    db.session.commit()
    login(user)
    page = client.get("/me/board")
    assert page.status_code == 200
    shown = _board_ids(page.get_data(as_text=True))
    assert shown == {fits.id}, {"wrong_language": wrong_language.id, "absent": absent.id,
                                "over_limit": over_limit.id, "outside": outside_times.id,
                                "taken": taken.id, "shown": shown}
    assert "Offene Anfragen" in client.get("/me/offers").get_data(as_text=True)  # navigation


def test_board_never_shows_note_family_address_or_contact(world, client, login):
    inst, _c, _m, user = world
    make_request(inst, note="GEHEIM-Notiz Familie Yilmaz, Sorgerechtsstreit",
                 place_kind="address", address="Verborgener Weg 17, 55218 Rheinstadt",
                 room="Raum 0815", family_members=7)
    db.session.commit()
    login(user)
    html = client.get("/me/board").get_data(as_text=True)
    assert len(_board_ids(html)) == 1
    assert "Altstadt" in html  # the district is shown
    for secret in ("GEHEIM", "Yilmaz", "Sorgerecht", "Verborgener", "Raum 0815",
                   inst.name, inst.street, "06131-4711", "7 Familien"):
        assert secret not in html, secret


def test_sign_up_and_withdraw(world, client, login):
    inst, _c, m, user = world
    req = make_request(inst)
    db.session.commit()
    login(user)
    token = csrf_token(client, "/me/board")
    done = client.post(f"/me/board/{req.id}/signup", data={"csrf_token": token})
    assert done.status_code == 302
    signup = db.session.scalars(sa.select(BoardSignup)).one()
    assert (signup.request_id, signup.mediator_id, signup.withdrawn_at) == (req.id, m.id, None)
    again = client.post(f"/me/board/{req.id}/signup", data={"csrf_token": token})
    assert again.status_code == 409 and "bereits gemeldet" in again.get_data(as_text=True)
    html = client.get("/me/board").get_data(as_text=True)
    assert f"/me/board/{req.id}/withdraw" in html
    assert client.post(f"/me/board/{req.id}/withdraw",
                       data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert signup.withdrawn_at is not None
    assert db.session.get(type(req), req.id).status == "submitted"  # nothing was booked
    actions = db.session.scalars(sa.select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions[-2:] == ["board_signup", "board_withdraw"]
    # a signup may be given again (same row), and not withdrawn after the office decided
    assert client.post(f"/me/board/{req.id}/signup",
                       data={"csrf_token": token}).status_code == 302
    booking.book(None, req.id, m.id)
    db.session.commit()
    late = client.post(f"/me/board/{req.id}/withdraw", data={"csrf_token": token})
    assert late.status_code == 409 and "bereits entschieden" in late.get_data(as_text=True)


def test_sign_up_refused_for_a_request_that_does_not_fit(world, client, login):
    inst, _c, _m, user = world
    other = make_request(inst, language="kmr")
    db.session.commit()
    login(user)
    token = csrf_token(client, "/me/board")
    refused = client.post(f"/me/board/{other.id}/signup", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "passt nicht" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BoardSignup)) == 0
    assert client.post("/me/board/99999999/signup",
                       data={"csrf_token": token}).status_code == 409


def test_coordinator_chooses_among_ranked_volunteers(world, client, login, make_user,
                                                     make_mediator):
    inst, coordinator, m, user = world
    req = make_request(inst, preferred_gender="male")
    man = eligible(make_mediator, gender="male")
    excluded = make_mediator()  # speaks the language, no documents or times
    for volunteer in (user, make_user("mediator", mediator=man)):
        board.sign_up(volunteer, req.id)
    db.session.add(BoardSignup(request_id=req.id, mediator_id=excluded.id))
    db.session.commit()
    login(coordinator)
    html = client.get(f"/coordination/requests/{req.id}").get_data(as_text=True)
    section = html[html.index('id="volunteers-h"'):html.index('id="candidates-h"')]
    # ranked like the candidates: the man (gender preference +15) before the earlier woman
    assert section.index(man.full_name) < section.index(m.full_name) < section.index(
        excluded.full_name)
    assert "Schweigepflichterklärung fehlt" in section
    token = csrf_token(client, f"/coordination/requests/{req.id}")
    done = client.post(f"/coordination/requests/{req.id}/assign",
                       data={"csrf_token": token, "mediator_id": man.id})
    assert done.status_code == 302
    db.session.expire_all()
    assert req.live_assignment.mediator_id == man.id


def _outbox_to(email: str) -> list[OutboxMessage]:
    return db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.recipient == email)).all()


def test_first_come_books_the_first_volunteer_and_refuses_the_next(world, client, login,
                                                                   make_user, make_mediator):
    inst, coordinator, m, user = world
    req = make_request(inst, board_first_come=True)
    asked = eligible(make_mediator)
    asked_user = make_user("mediator", mediator=asked)
    offers.send_offers(coordinator, req.id, [asked.id])
    late = make_user("mediator", mediator=eligible(make_mediator))
    db.session.commit()
    login(user)
    done = client.post(f"/me/board/{req.id}/signup",
                       data={"csrf_token": csrf_token(client, "/me/board")})
    assert done.status_code == 302 and "/me/assignments/" in done.headers["Location"]
    db.session.expire_all()
    assert req.status == "assigned" and req.live_assignment.mediator_id == m.id
    assert db.session.scalars(sa.select(Offer.status)).all() == ["withdrawn"]
    assert any(o.ics for o in _outbox_to(user.email))  # the invitation, as on acceptance
    assert _outbox_to(asked_user.email)[-1].subject.find("nicht mehr offen") >= 0
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/me/board")})
    login(late)
    lost = client.post(f"/me/board/{req.id}/signup",
                       data={"csrf_token": csrf_token(client, "/me/board")})
    assert lost.status_code == 409 and "Schon vergeben" in lost.get_data(as_text=True)


def test_first_come_by_setting_and_switching_it_on_books_the_earliest(world, app, client,
                                                                      login, make_user,
                                                                      make_mediator):
    inst, coordinator, m, user = world
    app.config["BOARD_FIRST_COME"] = True
    try:
        req = make_request(inst)
        assert board.sign_up(user, req.id).mediator_id == m.id
    finally:
        app.config["BOARD_FIRST_COME"] = False
    other = make_request(inst, day=DAY + WEEK)
    first, second = (eligible(make_mediator) for _ in range(2))
    for mediator in (first, second):
        assert board.sign_up(make_user("mediator", mediator=mediator), other.id) is None
    db.session.commit()
    login(coordinator)
    done = client.post(f"/coordination/requests/{other.id}/first-come",
                       data={"csrf_token": csrf_token(client, f"/coordination/requests/{other.id}"),
                             "enabled": "y"})
    assert done.status_code == 302
    db.session.expire_all()
    assert other.live_assignment.mediator_id == first.id
    assert other.board_first_come is True


def test_a_direct_offer_keeps_the_request_off_the_board(world, client, login):
    """One request, one channel per person: "Ich kann" on the board used to leave the
    mediator's own direct offer for the same request pending."""
    inst, _c, m, user = world
    offered = make_request(inst, status="offered")
    other = make_request(inst, time=dt.time(15))
    offer = Offer(request=offered, mediator=m, created_at=NOW,
                  expires_at=NOW + dt.timedelta(hours=24))
    db.session.add(offer)
    db.session.commit()
    login(user)
    assert _board_ids(client.get("/me/board").get_data(as_text=True)) == {other.id}
    token = csrf_token(client, "/me/board")
    refused = client.post(f"/me/board/{offered.id}/signup", data={"csrf_token": token})
    assert refused.status_code == 409 and "bereits ein Angebot" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BoardSignup)) == 0
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).status == "pending"
    # once the offer has expired unanswered the request may show on the board again
    offer = db.session.get(Offer, offer.id)
    offer.expires_at = NOW - dt.timedelta(minutes=1)
    db.session.commit()
    assert offered.id in _board_ids(client.get("/me/board").get_data(as_text=True))
