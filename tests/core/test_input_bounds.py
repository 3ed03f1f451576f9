"""Bad input at the edges gives a 4xx and a message, never a 5xx.

Each test names one input that used to give a 500 (or a misleading 503): dates at the ends of
the calendar, NUL bytes and other control characters, integers beyond the database's range,
CR/LF in a redirect target.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Institution, InterpretingRequest
from app.services.booking import intake
from app.services.core.errors import DomainError
from tests.booking.test_request_views import _form
from tests.conftest import csrf_token
from tests.factories import DAY, NOW


@pytest.fixture()
def inst_user(app, clock, make_user, make_institution):
    clock(NOW)
    return make_user("institution", institution=make_institution(kind="school", name="GS Nord"))


@pytest.mark.parametrize("day, start", [
    ("9999-12-31", "10:00"), ("0001-01-01", "10:00"), ("9999-12-31", "23:00"),
    ((NOW.date() + dt.timedelta(days=3 * 366)).isoformat(), "10:00"),
])
def test_request_dates_outside_the_window_are_refused_with_a_message(day, start, client, login,
                                                                       inst_user):
    login(inst_user)
    token = csrf_token(client, "/requests/new")
    response = client.post("/requests/new", data=_form(csrf_token=token, day=day,
                                                       start_time=start, duration_minutes="480"))
    assert response.status_code == 400
    assert "Bitte ein Datum zwischen" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(InterpretingRequest)) == 0


def test_the_intake_service_refuses_days_outside_the_window(inst_user):
    data = intake.RequestData(
        day=dt.date(9999, 12, 31), start_time=dt.time(23), duration_minutes=480,
        language_code="tir", occasion="parent_meeting", place_kind="institution", address="",
        room="", variety="", legal_consequences=False, family_members=1,
        preferred_gender="none", note="", follow_up_of_id=None, weeks=1)
    with pytest.raises(DomainError, match="Datum zwischen|date between"):
        intake.create_requests(inst_user, inst_user.institution_id, data)
    data.day = DAY  # the same request inside the window is fine
    assert len(intake.create_requests(inst_user, inst_user.institution_id, data)) == 1


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "9999-12-27"])
def test_the_week_planner_refuses_weeks_at_the_ends_of_the_calendar(day, app, client, clock,
                                                                     make_user, login):
    clock(NOW)
    login(make_user("coordinator"))
    response = client.get(f"/coordination/planner?day={day}")
    assert response.status_code == 400
    assert "Bitte ein Datum zwischen" in response.get_data(as_text=True)


def test_record_dates_are_bounded_to_1900_2100(app, client, clock, make_user, make_mediator,
                                               login):
    clock(NOW)
    login(make_user("coordinator"))
    mediator = make_mediator()
    db.session.commit()
    token = csrf_token(client, f"/pool/mediators/{mediator.id}")
    response = client.post(f"/pool/mediators/{mediator.id}/pledge",
                           data={"csrf_token": token, "signed_on": "1899-12-31"})
    assert response.status_code in (302, 400)
    assert not mediator.documents


def test_nul_bytes_are_dropped_from_every_text_input(app, client, make_user, login):
    """On PostgreSQL a NUL in a query parameter used to give a 503 (the driver refuses it)."""
    login(make_user("coordinator"))
    assert client.get("/pool/mediators?q=a%00b").status_code == 200
    assert client.get("/coordination/institutions?q=%00&district=x%00").status_code == 200
    token = csrf_token(client, "/coordination/institutions/new")
    response = client.post("/coordination/institutions/new", data={
        "csrf_token": token, "name": "Kita\x00 Sonne\u202e", "kind": "kita",
        "notes": "Zeile 1\r\nZeile\x002\x1b[31m"})
    assert response.status_code == 302
    inst = db.session.scalars(sa.select(Institution)).one()
    assert inst.name == "Kita Sonne"
    assert inst.notes == "Zeile 1\r\nZeile2[31m"  # line breaks stay in a free-text field


def test_a_calendar_token_with_an_overflowing_user_id_is_a_404(app, client):
    for token in ("99999999999999999999999.abc", "2147483648.abc", "²³.abc", "0.abc"):
        assert client.get(f"/calendar/{token}.ics").status_code == 404, token


def test_an_overflowing_course_participant_is_refused(app, client, clock, make_user, login):
    from app.models import Course, QualificationModule

    clock(NOW)
    login(make_user("coordinator"))
    module = QualificationModule(code="X1", title_de="Modul", title_en="Module")
    db.session.add(module)
    db.session.flush()
    course = Course(module_id=module.id, held_on=DAY, capacity=5)
    db.session.add(course)
    db.session.commit()
    token = csrf_token(client, f"/pool/courses/{course.id}")
    for value in ("9223372036854775808", "2147483648", "99999999999999999999999"):
        response = client.post(f"/pool/courses/{course.id}/participants",
                               data={"csrf_token": token, "mediator_id": value})
        assert response.status_code == 400, value


def test_an_overflowing_mediator_id_in_the_assign_form_is_refused(app, client, clock, make_user,
                                                                  make_institution, login):
    from tests.factories import make_request

    clock(NOW)
    login(make_user("coordinator"))
    req = make_request(make_institution())
    db.session.commit()
    token = csrf_token(client, f"/coordination/requests/{req.id}")
    for value in ("9223372036854775808", "99999999999999999999999"):
        response = client.post(f"/coordination/requests/{req.id}/assign",
                               data={"csrf_token": token, "mediator_id": value})
        assert response.status_code < 500, value
        response = client.post(f"/coordination/requests/{req.id}/offers",
                               data={"csrf_token": token, "mediator_ids": value})
        assert response.status_code < 500, value


@pytest.mark.parametrize("target", ["/requests\r\nSet-Cookie: x=1", "/a\nb", "/x%0d%0ay",
                                    "/\x00", "/ok\u202e"])
def test_cr_lf_in_next_after_login_falls_back_to_the_start_page(target, app, client,
                                                                 make_user):
    user = make_user("coordinator")
    token = csrf_token(client, "/auth/login")
    from urllib.parse import quote

    response = client.post(f"/auth/login?next={quote(target, safe='/%')}", data={
        "email": user.email, "password": "correct-horse-battery", "csrf_token": token})
    assert response.status_code == 302
    assert "\n" not in response.headers["Location"] and "\r" not in response.headers["Location"]
    assert "Set-Cookie" not in response.headers["Location"]


@pytest.mark.parametrize("target", ["/requests\r\nSet-Cookie: x=1", "/a\nb", "/x\ty"])
def test_cr_lf_in_the_language_switch_falls_back_to_the_start_page(target, app, client):
    token = csrf_token(client, "/auth/login")
    response = client.post("/language/en", data={"csrf_token": token, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] in ("/", "http://localhost/", "/requests")


def test_safe_next_refuses_control_characters_and_other_hosts():
    from app.web.redirects import safe_next

    assert safe_next("/requests/3?page=2") == "/requests/3?page=2"
    for bad in ("/a\r\nb", "/a\x00", "//evil.example", "https://evil.example/", "/\\evil",
                "javascript:alert(1)", "", None, "relative", "/" + "a" * 3000):
        assert safe_next(bad) is None, bad


def test_odd_ids_in_the_meeting_attendance_list_are_ignored(app, client, clock, make_user,
                                                            make_mediator, login):
    from app.services.calendar import meetings as msvc

    clock(NOW)
    login(make_user("coordinator"))
    mediator = make_mediator()
    meeting = msvc.create_single(kind="exchange", title="Austausch", place="", agenda="",
                                 day=DAY, start=dt.time(18), duration_minutes=60)
    db.session.commit()
    token = csrf_token(client, f"/meetings/{meeting.id}")
    for odd in ("\u00b2", "99999999999999999999999", "2147483648"):
        response = client.post(f"/meetings/{meeting.id}/attendance", data={
            "csrf_token": token, "present": [str(mediator.id), odd]})
        assert response.status_code in (302, 409), odd


def test_a_second_group_with_a_non_ascii_name_gets_a_message_not_a_503(app, client, make_user,
                                                                       login):
    """SQLite's lower() folds only ASCII: the duplicate check missed "Ñandú" and hit the index."""
    login(make_user("coordinator"))
    token = csrf_token(client, "/meetings/groups/new")
    data = {"csrf_token": token, "name": "Gruppe Ñandú", "supervisor_name": "Frau Ö"}
    assert client.post("/meetings/groups/new", data=data).status_code == 302
    again = client.post("/meetings/groups/new", data=data)
    assert again.status_code == 400
    assert "Eine Gruppe mit diesem Namen gibt es schon" in again.get_data(as_text=True)
