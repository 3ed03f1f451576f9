"""Offers: sending with signed links, first acceptance wins, expiry, escalation, unfilled."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import OutboxMessage
from app.services.booking import offers
from app.services.core.errors import DomainError
from app.services.core.tasks import deliver_due
from tests.factories import NOW, eligible, make_request
from tests.tokens import tamper


@pytest.fixture()
def world(app, clock, make_institution, make_user, make_mediator):
    clock(NOW)
    inst = make_institution(kind="kita")
    coordinator = make_user("coordinator")
    make_user("institution", institution=inst)
    m1, m2, m3 = (eligible(make_mediator) for _ in range(3))
    users = [make_user("mediator", mediator=m) for m in (m1, m2, m3)]
    return inst, coordinator, (m1, m2, m3), users


def _links(body: str) -> list[str]:
    return re.findall(r"http://skm\.test(/me/offers/answer/\S+)", body)


def test_offer_mail_has_signed_links_and_first_acceptance_wins(world, smtp_server, client):
    inst, coordinator, (m1, m2, _m3), users = world
    req = make_request(inst)
    sent = offers.send_offers(coordinator, req.id, [m1.id, m2.id])
    db.session.commit()
    assert req.status == "offered" and len(sent) == 2
    assert deliver_due()["sent"] == 2
    mails = {m["To"]: m for m in smtp_server.messages}
    body1 = mails[users[0].email].get_body(("plain",)).get_content()
    accept1, decline1 = _links(body1)
    # GET only asks; POST with the CSRF token of that page answers
    page = client.get(accept1)
    assert page.status_code == 200 and "Ja, ich komme" in page.get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    done = client.post(accept1, data={"csrf_token": token})
    assert done.status_code == 200 and "gehört jetzt Ihnen" in done.get_data(as_text=True)
    db.session.expire_all()
    assert req.status == "assigned" and req.live_assignment.mediator_id == m1.id
    statuses = {o.mediator_id: o.status for o in req.offers}
    assert statuses == {m1.id: "accepted", m2.id: "withdrawn"}
    # single use: the same link again, and the other mediator's link, are refused
    assert client.post(accept1, data={"csrf_token": token}).status_code == 409
    body2 = mails[users[1].email].get_body(("plain",)).get_content()
    accept2 = _links(body2)[0]
    late = client.post(accept2, data={"csrf_token": token})
    assert late.status_code == 409 and "schon jemand anderes" in late.get_data(as_text=True)
    withdrawn = db.session.scalar(sa.select(OutboxMessage).where(
        OutboxMessage.recipient == users[1].email, OutboxMessage.subject.like("%nicht mehr offen%")))
    assert withdrawn is not None


def test_token_is_bound_to_its_offer_and_expires(world, client, clock):
    inst, coordinator, (m1, _m2, _m3), _ = world
    req = make_request(inst)
    (offer,) = offers.send_offers(coordinator, req.id, [m1.id])
    token = offers.make_token(offer, "accept")
    assert offers.read_token(token) == (offer, "accept")
    with pytest.raises(DomainError, match="ungültig"):
        offers.read_token(tamper(token))
    with pytest.raises(DomainError, match="ungültig"):
        offers.read_token(offers._serializer().dumps([offer.id, offer.mediator_id + 1, "accept"]))
    db.session.commit()
    assert client.get("/me/offers/answer/forged").status_code == 400


def test_decline_with_reason_returns_request_to_submitted(world):
    inst, coordinator, (m1, _m2, _m3), users = world
    req = make_request(inst)
    (offer,) = offers.send_offers(coordinator, req.id, [m1.id])
    with pytest.raises(DomainError, match="nicht für Sie"):
        offers.decline_offer(offer.id, "", users[1])
    offers.decline_offer(offer.id, "Arzttermin", users[0])
    assert offer.status == "declined" and offer.decline_reason == "Arzttermin"
    assert req.status == "submitted"
    with pytest.raises(DomainError):
        offers.accept_offer(offer.id, users[0])


def test_offers_only_to_eligible_and_once(world, make_mediator):
    inst, coordinator, (m1, _m2, _m3), _ = world
    req = make_request(inst)
    outsider = make_mediator(status="paused")
    with pytest.raises(DomainError, match="kein Angebot"):
        offers.send_offers(coordinator, req.id, [outsider.id])
    offers.send_offers(coordinator, req.id, [m1.id])
    with pytest.raises(DomainError, match="schon ein Angebot"):
        offers.send_offers(coordinator, req.id, [m1.id])


def test_expire_offers(world, clock):
    inst, coordinator, (m1, _m2, _m3), users = world
    req = make_request(inst, day=NOW.date() + dt.timedelta(days=9))
    (offer,) = offers.send_offers(coordinator, req.id, [m1.id])
    assert offers.expire_offers(NOW + dt.timedelta(hours=47)) == 0
    later = NOW + dt.timedelta(hours=48)
    assert offers.expire_offers(later) == 1
    assert offer.status == "expired" and req.status == "submitted"
    clock(later)
    with pytest.raises(DomainError):
        offers.accept_offer(offer.id, users[0])


def test_escalation_alerts_once_and_auto_offers(world, app, smtp_server):
    inst, coordinator, (m1, m2, m3), _ = world
    req = make_request(inst, day=NOW.date() + dt.timedelta(days=9))
    offers.send_offers(coordinator, req.id, [m1.id])
    app.config["AUTO_OFFER_NEXT"] = True
    try:
        assert offers.escalate_unanswered(NOW + dt.timedelta(hours=23)) == 0
        assert offers.escalate_unanswered(NOW + dt.timedelta(hours=25)) == 1
        assert offers.escalate_unanswered(NOW + dt.timedelta(hours=26)) == 0
    finally:
        app.config["AUTO_OFFER_NEXT"] = False
    assert {o.mediator_id for o in req.offers} == {m1.id, m2.id, m3.id}
    db.session.commit()
    deliver_due()
    alerts = [m for m in smtp_server.messages if m["To"] == coordinator.email]
    assert len(alerts) == 1 and alerts[0]["Subject"] == "Anfrage noch ohne Sprachmittlung"
    assert "automatisch" in alerts[0].get_body(("plain",)).get_content()


def test_mark_unfilled_and_tick_cli(world, runner, clock):
    inst, coordinator, (m1, _m2, _m3), _ = world
    req = make_request(inst)
    (offer,) = offers.send_offers(coordinator, req.id, [m1.id])
    db.session.commit()
    clock(req.starts_at + dt.timedelta(minutes=1))
    result = runner.invoke(args=["requests", "tick"])
    assert result.exit_code == 0 and "unfilled=1" in result.output
    db.session.expire_all()
    assert req.status == "unfilled" and offer.status == "expired"
    assert db.session.scalar(sa.select(OutboxMessage).where(
        OutboxMessage.subject == "Es wurde niemand gefunden")) is not None
