"""A weekly series that lands on 24.12., 31.12., a public holiday of the state or in the
school holidays (the SCHOOL_HOLIDAYS list) warns before saving; nothing is saved until the
person confirms, and everything typed stays in the form."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import InterpretingRequest
from app.services.booking import intake
from config import Env
from tests.conftest import csrf_token
from tests.factories import NOW


@pytest.fixture()
def world(app, clock, make_user, make_institution):
    clock(NOW)
    inst = make_institution(kind="kita", name="Kita Regenbogen")
    inst_user = make_user("institution", institution=inst)
    db.session.commit()
    return inst, inst_user


def _form(**over):
    data = {"day": "2026-12-10", "start_time": "10:00", "duration_minutes": "60",
            "mode": "on_site", "place_kind": "institution", "address": "", "room": "A 12",
            "language_code": "tir", "variety": "", "occasion": "parent_meeting",
            "family_members": "1", "preferred_gender": "none", "note": "Sprachstand-Gespraech",
            "weeks": "4", "follow_up_of_id": ""}
    data.update(over)
    return data


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(InterpretingRequest))


def test_series_over_christmas_warns_lists_the_dates_and_saves_only_when_confirmed(
        client, login, world):
    _inst, inst_user = world
    login(inst_user)
    path = "/requests/new"
    response = client.post(path, data=_form(csrf_token=csrf_token(client, path)))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "24.12.2026" in html and "31.12.2026" in html and "10.12.2026" not in html
    assert 'name="confirm_holidays"' in html and "Sprachstand-Gespraech" in html
    assert _count() == 0
    confirmed = client.post(path, data=_form(csrf_token=csrf_token(client, path),
                                             confirm_holidays="y"))
    assert confirmed.status_code == 302
    assert _count() == 4


def test_a_series_without_such_dates_and_a_single_date_save_at_once(client, login, world):
    _inst, inst_user = world
    login(inst_user)
    path = "/requests/new"
    response = client.post(path, data=_form(csrf_token=csrf_token(client, path), weeks="2"))
    assert response.status_code == 302 and _count() == 2
    single = client.post(path, data=_form(csrf_token=csrf_token(client, path),
                                          day="2026-12-24", weeks="1", start_time="12:00"))
    assert single.status_code == 302 and _count() == 3


def test_phone_intake_warns_too(client, login, world, make_user):
    inst, _ = world
    login(make_user("coordinator"))
    path = "/coordination/requests/new"
    response = client.post(path, data=_form(csrf_token=csrf_token(client, path),
                                            institution_id=str(inst.id)))
    assert response.status_code == 409 and "24.12.2026" in response.get_data(as_text=True)
    assert _count() == 0


def _data(day: dt.date, weeks: int) -> intake.RequestData:
    return intake.RequestData(day=day, start_time=dt.time(10), duration_minutes=60,
                              language_code="tir", occasion="parent_meeting", weeks=weeks)


def test_public_holidays_of_the_state_and_the_configured_school_holidays(app, world,
                                                                       monkeypatch):
    # Thursday 27.05.2027 is Fronleichnam in Rheinland-Pfalz (HOLIDAY_STATE=RP), not in Berlin
    found = intake.series_warnings(_data(dt.date(2027, 5, 20), 2))
    assert list(found) == [dt.date(2027, 5, 27)]
    monkeypatch.setitem(app.config, "HOLIDAY_STATE", "BE")
    assert intake.series_warnings(_data(dt.date(2027, 5, 20), 2)) == {}
    monkeypatch.setitem(app.config, "SCHOOL_HOLIDAYS",
                        ((dt.date(2027, 3, 29), dt.date(2027, 4, 9)),))
    found = intake.series_warnings(_data(dt.date(2027, 3, 25), 3))
    assert list(found) == [dt.date(2027, 4, 1), dt.date(2027, 4, 8)]


def test_the_school_holidays_setting_is_a_list_of_date_ranges():
    env = Env(environ={"SCHOOL_HOLIDAYS": "2026-12-21..2027-01-02, 2027-03-29..2027-04-10,"
                                          "2027-05-28"})
    assert env.date_ranges("SCHOOL_HOLIDAYS") == (
        (dt.date(2026, 12, 21), dt.date(2027, 1, 2)),
        (dt.date(2027, 3, 29), dt.date(2027, 4, 10)),
        (dt.date(2027, 5, 28), dt.date(2027, 5, 28)))
    for bad in ("2027-04-10..2027-03-29", "Osterferien", "2027-13-01..2027-13-05"):
        broken = Env(environ={"SCHOOL_HOLIDAYS": bad})
        assert broken.date_ranges("SCHOOL_HOLIDAYS") == ()
        assert broken.errors and "SCHOOL_HOLIDAYS" in broken.errors[0]
