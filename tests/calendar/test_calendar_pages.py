"""The "my calendar" page, token rotation by the owner and revocation by the coordinator."""

from __future__ import annotations

from app.extensions import db
from app.models import User
from app.services.calendar import feeds
from tests.conftest import csrf_token


def test_my_calendar_page_rotate_and_revoke(app, client, login, make_user):
    mediator = make_user("mediator")
    login(mediator)
    page = client.get("/calendar/").get_data(as_text=True)
    token = feeds.token_for(mediator)
    assert f"webcal://skm.test/calendar/{token}.ics" in page
    assert f"http://skm.test/calendar/{token}.ics" in page
    assert "calendar.google.com" in page and "alle paar Stunden" in page
    assert '<svg role="img"' in page and "<script" not in page
    resp = client.post("/calendar/rotate", data={"csrf_token": csrf_token(client, "/calendar/")})
    assert resp.status_code == 302
    assert client.get(f"/calendar/{token}.ics").status_code == 404
    db.session.expire_all()
    new_token = feeds.token_for(db.session.get(User, mediator.id))
    assert new_token != token and client.get(f"/calendar/{new_token}.ics").status_code == 200
    assert client.get("/calendar/feeds").status_code == 403

    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/calendar/")})
    login(make_user("coordinator"))
    listing = client.get("/calendar/feeds").get_data(as_text=True)
    assert mediator.email in listing
    resp = client.post(f"/calendar/feeds/{mediator.id}/revoke",
                       data={"csrf_token": csrf_token(client, "/calendar/feeds"), "confirmed": "yes"})
    assert resp.status_code == 302
    assert client.get(f"/calendar/{new_token}.ics").status_code == 404
    assert client.post("/calendar/feeds/999999/revoke",
                       data={"csrf_token": csrf_token(client, "/calendar/feeds")}
                       ).status_code == 404


def test_institution_sees_its_calendar_link(app, client, login, make_user):
    user = make_user("institution")
    login(user)
    page = client.get("/calendar/")
    assert page.status_code == 200
    assert feeds.token_for(user) in page.get_data(as_text=True)
    assert client.get("/meetings/").status_code == 403
    assert client.get("/me/meetings").status_code == 403


def test_calendar_page_needs_login(client):
    assert client.get("/calendar/").status_code == 302
