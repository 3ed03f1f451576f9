"""After the appointment: day-after mails with signed links, assumed completion, ratings,
debriefs on the supervision agenda, and their place in the GDPR export and retention."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditLog,
    Debrief,
    FollowUp,
    Meeting,
    Rating,
    SupervisionGroup,
    SupervisionMember,
)
from app.models.request import Assignment
from app.services.booking import debriefs, follow_up
from app.services.core.tasks import deliver_due
from app.services.pool import privacy
from tests.conftest import IsolatedClient, csrf_token
from tests.factories import NOW, make_request
from tests.site.test_start_pages import cards
from tests.tokens import tamper

# the request of make_request: Thursday 3 December 2026, 10:00-11:00 Berlin = 09:00-10:00 UTC
ENDS = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)
DAY_AFTER = ENDS + dt.timedelta(hours=25)


@pytest.fixture()
def world(app, clock, make_institution, make_user, make_mediator):
    clock(NOW)
    inst = make_institution()
    inst_user = make_user("institution", institution=inst, email="kita@example.org")
    mediator = make_mediator(first_name="Selam", last_name="Tekle")
    med_user = make_user("mediator", mediator=mediator, email="selam@example.org")
    coordinator = make_user("coordinator")
    req = make_request(inst, status="assigned")
    a = Assignment(request=req, mediator=mediator, starts_at=req.starts_at, ends_at=req.ends_at)
    db.session.add(a)
    db.session.commit()
    return {"inst": inst, "inst_user": inst_user, "mediator": mediator, "med_user": med_user,
            "coordinator": coordinator, "req": req, "a": a}


def _client(app, user=None):
    app.test_client_class = IsolatedClient  # each request in its own app context
    c = app.test_client()
    if user is not None:
        token = csrf_token(c, "/auth/login")
        c.post("/auth/login", data={"email": user.email, "password": "correct-horse-battery",
                                    "csrf_token": token})
    return c


def _body(msg) -> str:
    return msg.get_body(("plain",)).get_content()


def _send_and_deliver(clock, smtp_server) -> dict[str, str]:
    clock(DAY_AFTER)
    assert follow_up.send_follow_ups() == 2
    db.session.commit()
    assert follow_up.send_follow_ups() == 0  # marked: a second run sends nothing
    db.session.commit()
    assert deliver_due()["sent"] == 2
    return {m["To"]: _body(m) for m in smtp_server.messages}


def _link(body: str, path: str) -> str:
    return re.search(r"http://skm\.test(" + path + r"\S+)", body).group(1)


def _post(c, url: str, data: dict):
    html = c.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    return c.post(url, data={**data, "csrf_token": token}), token


def test_day_after_mails_go_out_over_smtp_and_the_links_work_once(world, app, clock,
                                                                  smtp_server):
    mails = _send_and_deliver(clock, smtp_server)
    assert set(mails) == {"kita@example.org", "selam@example.org"}
    inst_url = _link(mails["kita@example.org"], "/requests/follow-up/")
    med_url = _link(mails["selam@example.org"], "/me/report/")
    c = _client(app)  # nobody is logged in: the links need no password
    page = c.get(inst_url)
    assert page.status_code == 200 and "An der Tür abgesagt" in page.get_data(as_text=True)
    done, token = _post(c, inst_url, {"answer": "took_place", "stars": "4",
                                      "comment": "Sehr gut"})
    assert done.status_code == 200 and "Ihre Antwort wurde gespeichert" in done.get_data(
        as_text=True)
    db.session.expire_all()
    req = world["req"]
    assert req.status == "completed" and req.outcome == "took_place"
    assert db.session.scalar(sa.select(Rating.stars)) == 4
    # second use: a clear page, no second effect
    again = c.post(inst_url, data={"answer": "no_show", "stars": "1", "csrf_token": token})
    assert again.status_code == 200 and "bereits beantwortet" in again.get_data(as_text=True)
    db.session.expire_all()
    assert req.outcome == "took_place" and db.session.scalar(sa.select(Rating.stars)) == 4

    form = c.get(med_url).get_data(as_text=True)
    assert 'value="60"' in form  # the planned duration is proposed
    sent, token = _post(c, med_url, {"minutes": "55", "travel_km": "12,5", "ticket_cost": "2,80",
                              "debrief": "Schwieriges Gespräch", "burdened": "y"})
    assert sent.status_code == 200 and "Meldung ist angekommen" in sent.get_data(as_text=True)
    db.session.expire_all()
    a = world["a"]
    assert (a.reported_minutes, a.travel_km, a.ticket_cost_cents) == (55, Decimal("12.5"), 280)
    debrief = db.session.scalar(sa.select(Debrief))
    assert debrief.burdened and debrief.text == "Schwieriges Gespräch"
    again = c.post(med_url, data={"minutes": "1", "csrf_token": token})
    assert again.status_code == 200 and "bereits gemeldet" in again.get_data(as_text=True)
    db.session.expire_all()
    assert a.reported_minutes == 55


def test_mediator_opt_out_suppresses_the_report_reminder_only(world, clock):
    world["mediator"].notify_by_email = False
    db.session.commit()
    clock(DAY_AFTER)
    assert follow_up.send_follow_ups() == 2  # both are asked (the dashboard shows it)
    db.session.commit()
    from app.models import OutboxMessage
    assert db.session.scalars(sa.select(OutboxMessage.recipient)).all() == ["kita@example.org"]


def test_expired_or_forged_link_shows_a_page_and_changes_nothing(world, app, clock):
    clock(DAY_AFTER)
    follow_up.send_follow_ups()
    db.session.commit()
    inst_fu = db.session.scalar(sa.select(FollowUp).where(FollowUp.audience == "institution"))
    url = f"/requests/follow-up/{follow_up.make_token(inst_fu)}"
    c = _client(app)
    assert "took_place" in c.get(url).get_data(as_text=True)
    clock(DAY_AFTER + dt.timedelta(days=15))
    page = c.get(url)
    assert page.status_code == 200 and "abgelaufen" in page.get_data(as_text=True)
    c.post(url, data={"answer": "took_place"})
    db.session.expire_all()
    assert world["req"].status == "assigned"
    assert c.get(f"/requests/follow-up/{tamper(follow_up.make_token(inst_fu))}"
                 ).status_code == 400
    # a mediator link does not answer the institution's question, and vice versa
    med_fu = db.session.scalar(sa.select(FollowUp).where(FollowUp.audience == "mediator"))
    assert c.get(f"/requests/follow-up/{follow_up.make_token(med_fu)}").status_code == 400


def test_unanswered_follow_ups_reach_the_coordinator(world, app, clock):
    clock(DAY_AFTER)
    follow_up.send_follow_ups()
    db.session.commit()
    assert follow_up.unanswered_follow_ups(db.session, DAY_AFTER) == 0
    later = DAY_AFTER + dt.timedelta(days=3, minutes=1)
    clock(later)
    assert follow_up.unanswered_follow_ups(db.session, later) == 2
    c = _client(app, world["coordinator"])
    html = c.get("/coordination/requests").get_data(as_text=True)
    assert re.search(r"Nachfragen ohne Antwort</a>: <strong>2<", html)
    listing = c.get("/coordination/follow-ups").get_data(as_text=True)
    assert "Bestätigung durch die Einrichtung" in listing and "Selam Tekle" in listing
    from app.services.booking.assignments import record_outcome
    record_outcome(world["inst_user"], world["req"].id, "took_place")
    db.session.commit()
    assert follow_up.unanswered_follow_ups(db.session, later) == 1


@pytest.mark.parametrize("days", [None, 7])
def test_assumed_completion_with_a_frozen_clock(world, app, clock, monkeypatch, days):
    monkeypatch.setitem(app.config, "ASSUME_COMPLETION_AFTER_DAYS", days)
    clock(ENDS + dt.timedelta(days=6, hours=23))
    assert follow_up.assume_completions() == 0
    clock(ENDS + dt.timedelta(days=7, minutes=1))
    n = follow_up.assume_completions()
    db.session.commit()
    db.session.expire_all()
    a, req = world["a"], world["req"]
    if days is None:
        assert n == 0 and req.status == "assigned" and not a.completion_assumed
        return
    assert n == 1 and req.status == "completed" and req.outcome == "took_place"
    assert (a.status, a.reported_minutes, a.report_status, a.completion_assumed) == (
        "completed", 60, "reported", True)
    assert follow_up.assume_completions() == 0
    html = _client(app, world["coordinator"]).get("/coordination/requests").get_data(
        as_text=True)
    assert "angenommen" in html


def test_assumed_completion_leaves_answered_assignments_alone(world, app, clock, monkeypatch):
    monkeypatch.setitem(app.config, "ASSUME_COMPLETION_AFTER_DAYS", 7)
    clock(ENDS + dt.timedelta(hours=2))
    from app.services.booking.assignments import report_hours
    report_hours(world["med_user"], world["a"], minutes=50, travel_km=None,
                 ticket_cost_cents=None)
    db.session.commit()
    clock(ENDS + dt.timedelta(days=8))
    assert follow_up.assume_completions() == 0


def test_rating_is_seen_by_coordinators_only(world, app, clock, make_user, make_institution):
    clock(DAY_AFTER)
    req = world["req"]
    inst_client = _client(app, world["inst_user"])
    url = f"/requests/{req.id}"
    assert "Dolmetschen bewerten" in inst_client.get(url).get_data(as_text=True)
    token = csrf_token(inst_client, url)
    done = inst_client.post(f"{url}/rating", data={"stars": "2", "comment": "Kam zu spät",
                                                   "csrf_token": token})
    assert done.status_code == 302
    bad = inst_client.post(f"{url}/rating", data={"stars": "9", "csrf_token": token})
    assert bad.status_code == 400
    coord = _client(app, world["coordinator"]).get(f"/coordination/requests/{req.id}")
    assert "Kam zu spät" in coord.get_data(as_text=True)
    other = _client(app, make_user("institution", institution=make_institution()))
    assert other.get(url).status_code == 404
    assert other.post(f"{url}/rating", data={"stars": "5", "csrf_token": token}
                      ).status_code in (400, 404)
    med = _client(app, world["med_user"])
    assert "Kam zu spät" not in med.get(f"/me/assignments/{world['a'].id}").get_data(
        as_text=True)
    assert med.get(f"/coordination/requests/{req.id}").status_code == 403
    assert db.session.scalar(sa.select(Rating.stars)) == 2


def _supervision(mediator, starts):
    group = SupervisionGroup(name="Gruppe A", supervisor_name="Dr. S")
    group.members.append(SupervisionMember(mediator_id=mediator.id))
    meeting = Meeting(kind="supervision", group=group, title="Supervision A",
                      starts_at=starts, ends_at=starts + dt.timedelta(hours=2))
    db.session.add_all([group, meeting])
    db.session.commit()
    return meeting


def test_burden_flag_reaches_dashboard_and_supervision_agenda(world, app, clock):
    clock(DAY_AFTER)
    meeting = _supervision(world["mediator"], DAY_AFTER + dt.timedelta(days=10))
    med = _client(app, world["med_user"])
    a_url = f"/me/assignments/{world['a'].id}"
    token = csrf_token(med, a_url)
    med.post(f"{a_url}/debrief", data={"debrief": "Die Mutter weinte lange", "burdened": "y",
                                        "csrf_token": token})
    coord = _client(app, world["coordinator"])
    html = coord.get("/coordination/requests").get_data(as_text=True)
    assert re.search(r"belastet haben</a>: <strong>1<", html)
    assert debriefs.burdened_debriefs(db.session) == 1
    assert cards(coord)["burdened"] == (1, "/coordination/debriefs")  # on the start page
    page = coord.get("/coordination/debriefs").get_data(as_text=True)
    assert "Die Mutter weinte lange" in page
    debrief = db.session.scalar(sa.select(Debrief))
    agenda = coord.post(f"/coordination/debriefs/{debrief.id}/agenda",
                        data={"csrf_token": csrf_token(coord, "/coordination/debriefs")})
    assert agenda.status_code == 302
    detail = coord.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Selam Tekle" in detail and "Nachbesprechung gewünscht" in detail
    assert "Die Mutter weinte lange" not in detail  # not shared
    token = csrf_token(med, a_url)
    med.post(f"{a_url}/debrief", data={"debrief": "Die Mutter weinte lange", "burdened": "y",
                                        "share_content": "y", "csrf_token": token})
    detail = coord.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Die Mutter weinte lange" in detail
    prefix = f"d{debrief.id}-"
    noted = coord.post(f"/coordination/debriefs/{debrief.id}/note", data={
        f"{prefix}note": "Angerufen, geht gut", f"{prefix}done": "y",
        f"{prefix}csrf_token": csrf_token(coord, "/coordination/debriefs")})
    assert noted.status_code == 302
    assert debriefs.burdened_debriefs(db.session) == 0
    actions = set(db.session.scalars(sa.select(AuditLog.action)))
    assert {"debrief", "debrief_agenda", "debrief_follow_up"} <= actions


def test_agenda_needs_a_coming_supervision_session(world, app, clock):
    clock(DAY_AFTER)
    debriefs.save_debrief(world["med_user"], world["a"],
                          debriefs.DebriefData("x", True, False))
    db.session.commit()
    coord = _client(app, world["coordinator"])
    debrief = db.session.scalar(sa.select(Debrief))
    answer = coord.post(f"/coordination/debriefs/{debrief.id}/agenda",
                        data={"csrf_token": csrf_token(coord, "/coordination/debriefs")})
    assert answer.status_code == 409 and "keine Supervisionssitzung" in answer.get_data(
        as_text=True)


def test_gdpr_export_erasure_and_retention(world, app, clock):
    clock(DAY_AFTER)
    debriefs.save_debrief(world["med_user"], world["a"],
                          debriefs.DebriefData("Belastend", True, False))
    debriefs.rate(world["inst_user"], world["req"], 3, "ok")
    db.session.commit()
    data = privacy.export_mediator(world["coordinator"], world["mediator"])["person"]
    assert data["debriefs"][0]["text"] == "Belastend" and data["ratings"][0]["stars"] == 3
    written = privacy.export_user(world["coordinator"], world["inst_user"])["person"]
    assert written["ratings_written"][0]["comment"] == "ok"
    # retention: nothing before FEEDBACK_RETENTION_DAYS, everything after
    assert privacy.run_retention(DAY_AFTER + dt.timedelta(days=729))["feedback"] == 0
    assert privacy.run_retention(DAY_AFTER + dt.timedelta(days=731))["feedback"] == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Debrief)) == 0
    # erasure
    debriefs.save_debrief(world["med_user"], world["a"],
                          debriefs.DebriefData("Noch einmal", False, False))
    debriefs.rate(world["inst_user"], world["req"], 5, "")
    world["mediator"].status = "retired"
    db.session.commit()
    privacy.erase_mediator(world["coordinator"], world["mediator"])
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Debrief)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Rating)) == 0
