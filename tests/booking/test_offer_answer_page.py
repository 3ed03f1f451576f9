"""The e-mail link of an offer tells the truth, every time it is opened."""

from __future__ import annotations

import datetime as dt
import re

import icalendar
import pytest

from app.extensions import db
from app.services.booking import assignments as booking
from app.services.booking import offers
from app.services.booking.states import move_offer
from tests.factories import NOW, eligible, make_request


@pytest.fixture()
def world(app, clock, make_institution, make_user, make_mediator):
    clock(NOW)
    inst = make_institution(kind="kita")
    coordinator = make_user("coordinator")
    m1, m2 = eligible(make_mediator), eligible(make_mediator)
    make_user("mediator", mediator=m1)
    req = make_request(inst)
    first, second = offers.send_offers(coordinator, req.id, [m1.id, m2.id])
    db.session.commit()
    return coordinator, req, first, second


def _url(offer, action="accept") -> str:
    return f"/me/offers/answer/{offers.make_token(offer, action)}"


def _post(client, url):
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post(url, data={"csrf_token": token})


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_pending_asks_and_accepting_makes_it_yours_with_links(world, client):
    _coordinator, req, first, _second = world
    url = _url(first)
    assert "Ja, ich komme" in _text(client.get(url))
    done = _post(client, url)
    assert done.status_code == 200
    body = _text(done)
    assert "Der Termin gehört Ihnen" in body
    assignment = req.live_assignment
    assert f"/me/assignments/{assignment.id}" in body  # has an account: log in to see it
    ics_url = re.search(r'href="(/me/offers/answer/[^"]+/appointment\.ics)"', body).group(1)
    ics = client.get(ics_url)
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    (event,) = icalendar.Calendar.from_ical(ics.data).walk("VEVENT")
    assert event.decoded("dtstart") == req.starts_at

    again = client.get(url)  # opening the link again: the same truthful state
    assert again.status_code == 200 and "Der Termin gehört Ihnen" in _text(again)
    assert "Ja, ich komme" not in _text(again)


def test_the_other_mediator_sees_that_someone_else_took_it(world, client):
    coordinator, req, first, second = world
    offers.accept_offer(first.id)
    db.session.commit()
    page = _text(client.get(_url(second)))
    assert "Jemand anderes hat den Termin übernommen" in page
    assert "appointment.ics" not in page and "Ja, ich komme" not in page
    assert "/me/assignments/" not in page  # no account, and not theirs
    assert client.get(f"{_url(second)}/appointment.ics").status_code == 404


def test_cancelled_request(world, client):
    coordinator, req, first, _second = world
    booking.cancel_request(coordinator, req.id, by="coordinator", reason="entfällt")
    db.session.commit()
    assert "Die Anfrage wurde abgesagt" in _text(client.get(_url(first)))


def test_accepted_then_cancelled_assignment(world, client):
    coordinator, req, first, _second = world
    offers.accept_offer(first.id)
    db.session.commit()
    booking.cancel_assignment(coordinator, req.live_assignment.id, by="coordinator",
                              reason="Einrichtung hat verschoben")
    db.session.commit()
    page = _text(client.get(_url(first)))
    assert "Der Termin wurde abgesagt" in page and "appointment.ics" not in page


def test_withdrawn_expired_and_declined(world, client, clock):
    _coordinator, _req, first, second = world
    move_offer(second, "withdrawn")
    db.session.commit()
    assert "Das Angebot wurde zurückgezogen" in _text(client.get(_url(second)))

    declined = _post(client, _url(first, "decline"))
    assert "Sie haben abgesagt" in _text(declined)
    assert "Sie haben abgesagt" in _text(client.get(_url(first, "accept")))


def test_an_offer_past_its_time_has_expired(world, client, clock):
    _coordinator, _req, first, _second = world
    clock(first.expires_at + dt.timedelta(minutes=1))
    page = client.get(_url(first))
    assert "Das Angebot ist abgelaufen" in _text(page) and "Ja, ich komme" not in _text(page)


def test_a_late_yes_changes_nothing_and_says_why(world, client):
    _coordinator, req, first, second = world
    url = _url(second)
    page = _text(client.get(url))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    offers.accept_offer(first.id)
    db.session.commit()
    late = client.post(url, data={"csrf_token": token})
    assert late.status_code == 409
    assert "Jemand anderes hat den Termin übernommen" in _text(late)
    db.session.expire_all()
    assert req.live_assignment.mediator_id == first.mediator_id
