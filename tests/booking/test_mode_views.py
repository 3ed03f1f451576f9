"""Phone and video appointments on the pages, in feeds and invitations; the form per mode;
working days without the state's public holidays."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import InterpretingRequest
from app.services.booking import intake, workdays
from app.services.calendar import feeds
from app.services.calendar.itip import assignment_changed
from app.services.core.tasks import deliver_due
from tests.conftest import csrf_token
from tests.factories import make_booking

UTC = dt.UTC
LINK = "https://video.example/skm-Zq8pR2"
NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def _feed_events(client, user) -> list:
    body = client.get(f"/calendar/{feeds.token_for(user)}.ics").get_data()
    return icalendar.Calendar.from_ical(body).walk("VEVENT")


@pytest.fixture()
def video(app, clock, make_user, make_institution, make_mediator):
    clock(NOW)
    inst = make_institution(name="Kita Sonnenschein")
    mediator = make_mediator(first_name="Amanuel", takes_video=True)
    other = make_mediator(first_name="Selam", takes_video=True)
    people = {
        "mediator": make_user("mediator", mediator=mediator, email="amanuel@example.org"),
        "other": make_user("mediator", mediator=other, email="selam@example.org"),
        "institution": make_user("institution", institution=inst, email="kita@example.org"),
        "coordinator": make_user("coordinator"),
    }
    assignment = make_booking(inst, mediator, dt.datetime(2026, 12, 10, 9, tzinfo=UTC),
                                 mode="video", meeting_url=LINK)
    make_booking(inst, other, dt.datetime(2026, 12, 11, 9, tzinfo=UTC))  # on site
    db.session.commit()
    return assignment, people


def test_video_link_in_the_feeds_of_those_concerned_only(client, video):
    assignment, people = video
    uid = f"assignment-{assignment.id}@skm.test"
    for who in ("mediator", "institution"):
        (event,) = [e for e in _feed_events(client, people[who]) if str(e["UID"]) == uid]
        assert str(event["URL"]) == LINK and str(event["LOCATION"]) == "Video", who
        assert LINK in str(event["DESCRIPTION"])
    coordinator = [e for e in _feed_events(client, people["coordinator"])
                   if str(e["UID"]) == uid]
    assert str(coordinator[0]["LOCATION"]) == "Video" and "URL" not in coordinator[0]
    other = _feed_events(client, people["other"])
    assert other and all("URL" not in e and uid != str(e["UID"]) for e in other)
    assert all(LINK not in e.to_ical().decode() for e in other + coordinator)


def test_video_link_in_the_invitation_to_mediator_and_institution(app, smtp_server, video):
    assignment, _people = video
    assignment_changed(assignment, "created")
    db.session.commit()
    assert deliver_due()["sent"] == 2
    for msg in smtp_server.messages:
        parts = {p.get_content_type(): p for p in msg.iter_parts()}
        (event,) = icalendar.Calendar.from_ical(
            parts["text/calendar"].get_content()).walk("VEVENT")
        assert str(event["URL"]) == LINK and str(event["LOCATION"]) == "Video", msg["To"]
        assert LINK in parts["text/plain"].get_content()


def test_assignment_page_shows_the_link_to_the_assigned_mediator(app, client, login, video):
    assignment, people = video
    login(people["mediator"])
    html = client.get(f"/me/assignments/{assignment.id}").get_data(as_text=True)
    assert f'href="{LINK}"' in html and "per Video" in html
    assert "Raum 2" not in html  # no room for a video meeting
    other = app.test_client()
    other.post("/auth/login", data={"email": "selam@example.org",
                                    "password": "correct-horse-battery",
                                    "csrf_token": csrf_token(other, "/auth/login")})
    assert other.get("/me/offers").status_code == 200  # logged in as the other mediator
    assert other.get(f"/me/assignments/{assignment.id}").status_code == 404


def test_offer_mail_says_video_but_not_the_link(app, video, make_user):
    from flask import render_template

    assignment, _people = video
    req, offer = assignment.request, type("O", (), {"expires_at": NOW})()
    with app.test_request_context():
        text = render_template("email/offer.txt", mediator=assignment.mediator, req=req,
                               offer=offer, accept_link="a", decline_link="d",
                               dashboard_link="x")
    assert "per Video" in text and LINK not in text


def test_phone_details_for_those_concerned(app, client, clock, login, make_user,
                                           make_institution, make_mediator):
    clock(NOW)
    inst = make_institution()
    mediator = make_mediator(phone="0170 555", share_phone=False, takes_phone=True)
    med_user = make_user("mediator", mediator=mediator)
    inst_user = make_user("institution", institution=inst)
    coordinator = make_user("coordinator")
    we_call = make_booking(inst, mediator, dt.datetime(2026, 12, 10, 9, tzinfo=UTC),
                              mode="phone", phone_number="06131 4711",
                              phone_caller="institution")
    uid = f"assignment-{we_call.id}@skm.test"
    db.session.commit()

    def text(user):
        return next(e for e in _feed_events(client, user) if str(e["UID"]) == uid).to_ical(
        ).decode().replace("\r\n ", "")

    assert "0170 555" in text(inst_user)  # the institution calls: it needs the number
    assert "06131 4711" in text(med_user) and "ruft Sie an" in text(med_user)
    assert "0170 555" not in text(coordinator) and "4711" not in text(coordinator)
    assert "LOCATION:Telefon" in text(coordinator)
    login(coordinator)  # the office's own page says who dials, with both numbers
    page = client.get(f"/coordination/requests/{we_call.request_id}").get_data(as_text=True)
    assert "Die Einrichtung (06131 4711) ruft die Mittlerin oder den Mittler an (0170 555)." \
        in page


def _form(**over):
    data = {"day": "2026-12-10", "start_time": "10:00", "duration_minutes": "60",
            "mode": "on_site", "place_kind": "institution", "address": "", "room": "A 12",
            "meeting_url": "", "phone_number": "", "phone_caller": "", "language_code": "tir",
            "variety": "", "occasion": "parent_meeting", "family_members": "2",
            "preferred_gender": "none", "note": "Entwicklungsgespräch", "follow_up_of_id": "",
            "weeks": "1"}
    data.update(over)
    return data


@pytest.fixture()
def inst_user(app, clock, make_user, make_institution):
    clock(NOW)
    return make_user("institution", institution=make_institution(kind="school"))


@pytest.mark.parametrize("over, message", [
    ({"mode": "on_site", "place_kind": "address", "address": ""}, "Bitte geben Sie die Adresse"),
    ({"mode": "video"}, "Bitte geben Sie den Link der Videokonferenz ein"),
    ({"mode": "video", "meeting_url": "javascript:alert(1)"}, "als https://"),
    ({"mode": "phone", "phone_caller": "mediator"}, "Bitte geben Sie die Telefonnummer ein"),
    ({"mode": "phone", "phone_number": "0421 1"}, "Bitte wählen Sie, wer wen anruft"),
    ({"mode": "fax"}, "Not a valid choice|Keine gültige Auswahl"),
])
def test_form_refuses_a_mode_without_what_it_needs(client, login, inst_user, over, message):
    import re

    login(inst_user)
    response = client.post("/requests/new", data=_form(
        csrf_token=csrf_token(client, "/requests/new"), **over))
    assert response.status_code == 400
    assert re.search(message, response.get_data(as_text=True))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InterpretingRequest)) == 0


def test_form_stores_each_mode_with_its_own_fields_only(client, login, inst_user, app):
    login(inst_user)
    page = client.get("/requests/new").get_data(as_text=True)
    assert "telefonisch" in page and "per Video" in page and "vor Ort" in page
    for over in ({"mode": "phone", "phone_number": "0421 1", "phone_caller": "mediator",
                  "meeting_url": LINK},
                 {"mode": "video", "meeting_url": LINK, "place_kind": "address",
                  "address": "Weg 1", "start_time": "14:00"}):  # not a duplicate of the first
        token = csrf_token(client, "/requests/new")
        assert client.post("/requests/new", data=_form(csrf_token=token, **over)).status_code \
            == 302
    phone, video = db.session.scalars(
        sa.select(InterpretingRequest).order_by(InterpretingRequest.id)).all()
    assert (phone.mode, phone.phone_number, phone.phone_caller, phone.meeting_url,
            phone.room) == ("phone", "0421 1", "mediator", "", "")
    assert (video.mode, video.meeting_url, video.address, video.phone_number) == (
        "video", LINK, "", "")


def test_office_video_room_gives_every_appointment_its_own_token(client, login, inst_user,
                                                                 app, monkeypatch):
    monkeypatch.setitem(app.config, "VIDEO_ROOM_URL", "https://video.example/skm-{token}")
    login(inst_user)
    token = csrf_token(client, "/requests/new")
    assert client.post("/requests/new", data=_form(csrf_token=token, mode="video",
                                                   weeks="2")).status_code == 302
    first, second = db.session.scalars(
        sa.select(InterpretingRequest).order_by(InterpretingRequest.id)).all()
    for req in (first, second):
        assert req.meeting_url == f"https://video.example/skm-{req.video_token}"
        assert len(req.video_token) >= 24
    assert first.video_token != second.video_token


# --- working days ---------------------------------------------------------------------------

TUESDAY_BEFORE_FRONLEICHNAM = dt.datetime(2027, 5, 25, 7, 0, tzinfo=UTC)  # 09:00 in Berlin
THURSDAY_BEFORE_ALLERHEILIGEN = dt.datetime(2027, 10, 28, 7, 0, tzinfo=UTC)


def test_fronleichnam_is_no_working_day_in_rheinland_pfalz(app, clock):
    clock(TUESDAY_BEFORE_FRONLEICHNAM)
    friday = dt.date(2027, 5, 28)  # Wed, (Thu 27 Fronleichnam), Fri
    assert workdays.working_days_until(friday) == 2
    assert workdays.skipped_holidays(friday) == {dt.date(2027, 5, 27): "Fronleichnam"}
    assert intake.is_urgent(friday)
    assert not intake.is_urgent(dt.date(2027, 5, 31))
    assert workdays.lead_deadline(3) == dt.date(2027, 5, 31)


def test_allerheiligen_counts_in_berlin_but_not_in_rheinland_pfalz(app, clock, monkeypatch):
    clock(THURSDAY_BEFORE_ALLERHEILIGEN)
    tuesday = dt.date(2027, 11, 2)  # Fri 29, (Mon 1 Nov), Tue 2
    assert app.config["HOLIDAY_STATE"] == "RP"
    assert workdays.working_days_until(tuesday) == 2 and intake.is_urgent(tuesday)
    monkeypatch.setitem(app.config, "HOLIDAY_STATE", "BE")
    assert workdays.working_days_until(tuesday) == 3 and not intake.is_urgent(tuesday)


def test_form_names_the_holiday_it_skipped(client, clock, login, make_user, make_institution):
    clock(TUESDAY_BEFORE_FRONLEICHNAM)
    user = make_user("institution", institution=make_institution(kind="school"))
    login(user)
    page = client.get("/requests/new").get_data(as_text=True)
    assert "Feiertage zählen nicht als Werktage: Fronleichnam (27.05.2027)." in page
    token = csrf_token(client, "/requests/new")
    response = client.post("/requests/new", data=_form(csrf_token=token, day="2027-05-28"),
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "dringend" in html and "Fronleichnam (27.05.2027)" in html
    assert db.session.scalars(sa.select(InterpretingRequest)).one().urgent


def test_a_remote_request_needs_no_place_but_one_on_site_does(client, login, inst_user):
    """The place radios have no default; only an on-site appointment needs one."""
    login(inst_user)
    video = _form(mode="video", meeting_url=LINK)
    del video["place_kind"]
    token = csrf_token(client, "/requests/new")
    assert client.post("/requests/new", data={**video, "csrf_token": token}).status_code == 302
    on_site = _form(start_time="14:00")
    del on_site["place_kind"]
    token = csrf_token(client, "/requests/new")
    refused = client.post("/requests/new", data={**on_site, "csrf_token": token})
    assert refused.status_code == 400 and "Bitte wählen Sie" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InterpretingRequest)) == 1
