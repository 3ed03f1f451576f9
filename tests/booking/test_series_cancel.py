"""Cancelling a weekly series in one step: one message per person, earlier dates untouched."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import icalendar
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditLog, InterpretingRequest, Offer
from app.services.booking import assignments as booking
from app.services.booking import intake, offers, series
from app.services.core.errors import DomainError
from app.services.core.tasks import deliver_due
from tests.conftest import csrf_token
from tests.factories import DAY, NOW, eligible


@pytest.fixture()
def world(app, clock, smtp_server, make_institution, make_user, make_mediator):
    """A weekly series of five Thursdays; a mediator booked on the first four, an offer on
    the fifth, and the first date already over (completed)."""
    clock(NOW)
    inst = make_institution(name="Kita Sonnenschein")
    inst_user = make_user("institution", institution=inst, email="kita@example.org")
    coordinator = make_user("coordinator", email="koord@example.org")
    booked = eligible(make_mediator, first_name="Amanuel", max_per_week=5)
    make_user("mediator", mediator=booked, email="amanuel@example.org")
    asked = eligible(make_mediator, first_name="Selam", max_per_week=5)
    make_user("mediator", mediator=asked, email="selam@example.org")
    dates = intake.create_requests(inst_user, inst.id, intake.RequestData(
        day=DAY, start_time=dt.time(10), duration_minutes=60, language_code="tir",
        occasion="parent_meeting", weeks=5))
    for req in dates[:4]:
        booking.book(coordinator, req.id, booked.id)
    offers.send_offers(coordinator, dates[4].id, [asked.id])
    dates[0].status = "completed"  # a date that took place stays as it is
    db.session.commit()
    deliver_due()
    return {"inst_user": inst_user, "coordinator": coordinator, "dates": dates,
            "booked": booked, "asked": asked}


def _by_recipient(smtp_server):
    return Counter(m["To"] for m in smtp_server.messages)


def _events(msg) -> list:
    part = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
    cal = icalendar.Calendar.from_ical(part.get_content())
    assert str(cal["METHOD"]) == "CANCEL" and part.get_param("method") == "CANCEL"
    return cal.walk("VEVENT")


def _text(msg) -> str:
    return next(p for p in msg.walk() if p.get_content_type() == "text/plain").get_content()


def test_whole_series_one_message_per_person(world, smtp_server):
    dates = world["dates"]
    smtp_server.messages.clear()
    done = series.cancel_series(world["coordinator"], dates[2].id, scope="all",
                                by="coordinator", reason="Kita geschlossen")
    db.session.commit()
    deliver_due()
    assert [r.id for r in done] == [r.id for r in dates[1:]]
    assert dates[0].status == "completed"
    assert all(r.status == "cancelled" for r in dates[1:])
    assert _by_recipient(smtp_server) == {"amanuel@example.org": 1, "kita@example.org": 1,
                                          "selam@example.org": 1}
    msgs = {m["To"]: m for m in smtp_server.messages}
    mediator_events = _events(msgs["amanuel@example.org"])
    assert len(mediator_events) == 3
    assert all(str(e["STATUS"]) == "CANCELLED" for e in mediator_events)
    assert {str(e["UID"]) for e in mediator_events} == {
        f"assignment-{r.assignments[0].id}@skm.test" for r in dates[1:4]}
    text = _text(msgs["amanuel@example.org"])
    assert "3 Termine wurden abgesagt" in text and "Kita geschlossen" in text
    assert "10.12.2026" in text and "24.12.2026" in text and "03.12.2026" not in text
    assert "4 Termine wurden abgesagt" in _text(msgs["kita@example.org"])
    assert len(_events(msgs["kita@example.org"])) == 3  # the booked dates in its calendar
    assert "31.12.2026" in _text(msgs["selam@example.org"])
    offer = db.session.scalar(sa.select(Offer))
    assert offer.status == "withdrawn"
    log = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "cancel_series")).all()
    assert len(log) == 1 and '"count": 4' in log[0].details


def test_this_and_following_leaves_earlier_dates(world, smtp_server):
    dates = world["dates"]
    smtp_server.messages.clear()
    series.cancel_series(world["inst_user"], dates[3].id, scope="following",
                         by="institution", reason="Familie zieht um")
    db.session.commit()
    deliver_due()
    assert [r.status for r in dates] == ["completed", "assigned", "assigned", "cancelled",
                                         "cancelled"]
    assert dates[1].live_assignment.status == "active"
    assert _by_recipient(smtp_server) == {"amanuel@example.org": 1, "kita@example.org": 1,
                                          "selam@example.org": 1}
    msgs = {m["To"]: m for m in smtp_server.messages}
    assert len(_events(msgs["amanuel@example.org"])) == 1
    assert "1 Termin wurde abgesagt" in _text(msgs["amanuel@example.org"])


def test_only_this_date_is_the_single_cancellation(world, smtp_server):
    dates = world["dates"]
    series.cancel_series(world["coordinator"], dates[1].id, scope="one", by="coordinator",
                         reason="krank")
    db.session.commit()
    assert [r.status for r in dates][1:3] == ["cancelled", "assigned"]


def test_the_institution_cancels_the_series_on_its_page(world, client, login, smtp_server):
    dates = world["dates"]
    login(world["inst_user"])
    page = client.get(f"/requests/{dates[2].id}").get_data(as_text=True)
    assert "Die ganze Serie" in page and "Nur diesen Termin" in page
    token = csrf_token(client, f"/requests/{dates[2].id}")
    smtp_server.messages.clear()
    response = client.post(f"/requests/{dates[2].id}/cancel", data={
        "csrf_token": token, "reason": "Projekt beendet", "scope": "all"},
        follow_redirects=True)
    assert response.status_code == 200
    assert "4 Termine der Serie wurden abgesagt" in response.get_data(as_text=True)
    db.session.expire_all()
    statuses = db.session.scalars(sa.select(InterpretingRequest.status)
                                  .order_by(InterpretingRequest.starts_at)).all()
    assert statuses == ["completed"] + ["cancelled"] * 4
    deliver_due()
    assert max(_by_recipient(smtp_server).values()) == 1


def test_an_unknown_scope_is_a_400(world, client, login):
    dates = world["dates"]
    login(world["inst_user"])
    token = csrf_token(client, f"/requests/{dates[2].id}")
    response = client.post(f"/requests/{dates[2].id}/cancel", data={
        "csrf_token": token, "reason": "x", "scope": "everything"})
    assert response.status_code == 400


def test_the_coordinator_cancels_this_and_the_following_dates(world, client, login,
                                                             smtp_server):
    dates = world["dates"]
    login(world["coordinator"])
    page = f"/coordination/requests/{dates[3].id}"
    html = client.get(page).get_data(as_text=True)
    assert "Diesen und alle folgenden Termine" in html
    smtp_server.messages.clear()
    response = client.post(f"{page}/cancel", data={
        "csrf_token": csrf_token(client, page), "reason": "Ferien", "scope": "following",
        "unfilled_reason": "other", "unfilled_note": "Ferien der Schule"},
        follow_redirects=True)
    assert "2 Termine der Serie wurden abgesagt" in response.get_data(as_text=True)
    db.session.expire_all()
    statuses = db.session.scalars(sa.select(InterpretingRequest.status)
                                  .order_by(InterpretingRequest.starts_at)).all()
    assert statuses == ["completed", "assigned", "assigned", "cancelled", "cancelled"]
    reasons = db.session.scalars(sa.select(InterpretingRequest.unfilled_reason)
                                 .order_by(InterpretingRequest.starts_at)).all()
    assert reasons == [None, None, None, "other", "other"]  # each cancelled date has the why
    deliver_due()
    assert _by_recipient(smtp_server) == {"amanuel@example.org": 1, "kita@example.org": 1,
                                          "selam@example.org": 1}


def test_a_date_that_began_is_not_cancelled(world, clock):
    dates = world["dates"]
    clock(dates[1].starts_at + dt.timedelta(minutes=5))
    with pytest.raises(DomainError, match="nicht mehr abgesagt"):
        series.cancel_series(world["coordinator"], dates[1].id, scope="one",
                             by="coordinator", reason="zu spät")
    done = series.cancel_series(world["coordinator"], dates[1].id, scope="all",
                                by="coordinator", reason="Serie endet")
    assert [r.id for r in done] == [r.id for r in dates[2:]]
    assert dates[1].status == "assigned"
