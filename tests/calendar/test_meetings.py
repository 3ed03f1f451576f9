"""Meetings: series materialisation across DST, one occurrence changed alone, RSVP, rates."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.extensions import db
from app.models import Meeting, MeetingAttendance, MeetingSeries
from app.services.calendar import meetings as msvc
from app.services.core.errors import DomainError
from app.timeutil import to_local
from tests.conftest import csrf_token

UTC = dt.UTC


def _series(clock, **kw):
    clock(dt.datetime(2026, 1, 5, 9, tzinfo=UTC))
    values = {"kind": "exchange", "title": "Austauschtreffen", "place": "Rathaus",
              "agenda": "", "first_day": dt.date(2026, 1, 13), "start": dt.time(18, 0),
              "duration_minutes": 120, "pattern": "monthly", "interval": 2, "until": None}
    values.update(kw)
    series = msvc.create_series(**values)
    db.session.commit()
    return series


def test_occurrences_keep_local_wall_clock_and_extend(app, clock):
    series = _series(clock, until=dt.date(2026, 12, 31))
    starts = [to_local(m.starts_at) for m in series.occurrences]
    assert [s.date() for s in starts] == [dt.date(2026, 1, 13), dt.date(2026, 3, 10),
                                          dt.date(2026, 5, 12), dt.date(2026, 7, 14),
                                          dt.date(2026, 9, 8), dt.date(2026, 11, 10)]
    assert {(s.hour, s.minute) for s in starts} == {(18, 0)}
    assert {m.starts_at.hour for m in series.occurrences} == {16, 17}  # UTC shifts, local not
    assert msvc.extend_all_series() == 0  # idempotent


def test_horizon_is_extended_later(app, clock):
    series = _series(clock)
    before = len(series.occurrences)
    clock(dt.datetime(2026, 9, 1, 9, tzinfo=UTC))
    assert msvc.extend_all_series() > 0
    db.session.expire_all()
    assert len(db.session.get(MeetingSeries, series.id).occurrences) > before


def test_change_one_occurrence_only(app, clock):
    series = _series(clock)
    march = series.occurrences[1]
    msvc.update_occurrence(march, day=dt.date(2026, 3, 11), start=dt.time(17, 30),
                           duration_minutes=60, place="Bürgerhaus", agenda="Neu")
    db.session.commit()
    others = [m for m in series.occurrences if m.id != march.id]
    assert all(m.place == "Rathaus" and m.sequence == 0 for m in others)
    assert march.sequence == 1 and march.recurrence_id != march.starts_at
    assert not msvc.update_occurrence(march, day=dt.date(2026, 3, 11), start=dt.time(17, 30),
                                      duration_minutes=60, place="Bürgerhaus", agenda="Neu")


def test_rules_are_domain_errors(app, clock):
    clock(dt.datetime(2026, 1, 5, 9, tzinfo=UTC))
    for kw in ({"first_day": dt.date(2025, 12, 1)}, {"kind": "supervision"},
               {"interval": 13}):
        values = {"kind": "exchange", "title": "T", "place": "", "agenda": "",
                  "first_day": dt.date(2026, 2, 3), "start": dt.time(18, 0),
                  "duration_minutes": 60, "pattern": "monthly", "interval": 2, "until": None}
        values.update(kw)
        try:
            msvc.create_series(**values)
        except DomainError:
            continue
        raise AssertionError(f"accepted {kw}")


def test_rsvp_and_attendance_rates(app, clock, make_mediator):
    a, b = make_mediator(last_name="Adem"), make_mediator(last_name="Berhe")
    series = _series(clock)
    first, second = series.occurrences[0], series.occurrences[1]
    msvc.set_rsvp(first, a, "yes")
    msvc.set_rsvp(first, a, "maybe")
    clock(dt.datetime(2026, 1, 13, 20, tzinfo=UTC))
    msvc.record_attendance(first, {a.id})
    clock(dt.datetime(2026, 3, 10, 20, tzinfo=UTC))
    msvc.record_attendance(second, {a.id, b.id})
    db.session.commit()
    rows = {m.last_name: (att, total) for m, att, total in msvc.rates_per_person()}
    assert rows == {"Adem": (2, 2), "Berhe": (1, 2)}
    per_meeting = {m.id: (att, total) for m, att, total in msvc.rates_per_meeting()}
    assert per_meeting == {first.id: (1, 2), second.id: (2, 2)}
    rsvp = db.session.scalar(sa.select(MeetingAttendance.rsvp).where(
        MeetingAttendance.meeting_id == first.id, MeetingAttendance.mediator_id == a.id))
    assert rsvp == "maybe"


def test_coordinator_views_create_edit_cancel_attendance(app, client, clock, login, make_user,
                                                         make_mediator):
    clock(dt.datetime(2026, 1, 5, 9, tzinfo=UTC))
    mediator = make_mediator()
    login(make_user("coordinator"))
    token = csrf_token(client, "/meetings/series/new")
    bad = client.post("/meetings/series/new", data={
        "csrf_token": token, "kind": "supervision", "group_id": "0", "title": "Mein Titel",
        "first_day": "2026-01-13", "start": "18:00", "duration_minutes": "120",
        "pattern": "monthly", "interval": "2"})
    assert bad.status_code == 400 and "Mein Titel" in bad.get_data(as_text=True)
    assert "Supervisionsgruppe" in bad.get_data(as_text=True)
    ok = client.post("/meetings/series/new", data={
        "csrf_token": token, "kind": "exchange", "group_id": "0", "title": "Austausch",
        "place": "Rathaus", "first_day": "2026-01-13", "start": "18:00",
        "duration_minutes": "120", "pattern": "monthly", "interval": "2"})
    assert ok.status_code == 302
    page = client.get("/meetings/").get_data(as_text=True)
    assert "Austausch" in page and "13.01.2026, 18:00 Uhr" in page
    meeting = db.session.scalars(sa.select(Meeting).order_by(Meeting.starts_at)).first()
    resp = client.post(f"/meetings/{meeting.id}/edit", data={
        "csrf_token": token, "day": "2026-01-14", "start": "17:00", "duration_minutes": "90",
        "place": "Bürgerhaus", "agenda": "Neue Fälle"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert to_local(db.session.get(Meeting, meeting.id).starts_at).day == 14
    early = client.post(f"/meetings/{meeting.id}/attendance",
                        data={"csrf_token": token, "present": [str(mediator.id)]})
    assert early.status_code == 409
    clock(dt.datetime(2026, 1, 14, 18, tzinfo=UTC))
    assert client.post(f"/meetings/{meeting.id}/attendance",
                       data={"csrf_token": token, "present": [str(mediator.id)]}
                       ).status_code == 302
    assert "100 %" in client.get("/meetings/rates").get_data(as_text=True)
    second = db.session.scalars(sa.select(Meeting).order_by(Meeting.starts_at)).all()[1]
    assert client.post(f"/meetings/{second.id}/cancel",
                       data={"csrf_token": token, "confirmed": "yes"}).status_code == 302
    assert client.post(f"/meetings/{second.id}/cancel",
                       data={"csrf_token": token, "confirmed": "yes"}).status_code == 409
    assert client.get("/meetings/999999").status_code == 404


def test_groups_view(app, client, login, make_user, make_mediator):
    m = make_mediator(first_name="Selam", last_name="Ghebre")
    login(make_user("coordinator"))
    token = csrf_token(client, "/meetings/groups/new")
    resp = client.post("/meetings/groups/new", data={
        "csrf_token": token, "name": "Gruppe C", "supervisor_name": "Dr. Weiß",
        "supervisor_email": "weiss@example.org", "members": [str(m.id)]})
    assert resp.status_code == 302
    page = client.get("/meetings/groups").get_data(as_text=True)
    assert "Gruppe C" in page and "Dr. Weiß" in page


def test_mediator_rsvp_and_access(app, client, clock, login, make_user, make_mediator):
    series = _series(clock)
    user = make_user("mediator")
    other_group_meeting = msvc.create_single(
        kind="supervision", title="Geheim", place="", agenda="", day=dt.date(2026, 2, 3),
        start=dt.time(17, 0), duration_minutes=60,
        group=msvc.save_group(None, name="G", supervisor_name="S", supervisor_email="",
                              member_ids=[make_mediator().id]))
    db.session.commit()
    login(user)
    page = client.get("/me/meetings").get_data(as_text=True)
    assert "Austauschtreffen" in page and "Geheim" not in page
    token = csrf_token(client, "/me/meetings")
    first = series.occurrences[0]
    assert client.post(f"/me/meetings/{first.id}/rsvp",
                       data={"csrf_token": token, "answer": "yes"}).status_code == 302
    assert client.post(f"/me/meetings/{other_group_meeting.id}/rsvp",
                       data={"csrf_token": token, "answer": "yes"}).status_code == 404
    assert "Ihre Antwort: <strong>Ich komme</strong>" in client.get("/me/meetings").get_data(
        as_text=True)
    assert client.get("/meetings/").status_code == 403
    clock(dt.datetime(2026, 1, 13, 20, tzinfo=UTC))
    msvc.record_attendance(db.session.get(Meeting, first.id), {user.mediator_id})
    db.session.commit()
    assert "Sie waren bei 1 von 1 Treffen dabei." in client.get("/me/meetings").get_data(
        as_text=True)
