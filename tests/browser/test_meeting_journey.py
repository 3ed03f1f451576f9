"""Journey 5 in a real browser: the coordinator creates the exchange-meeting series and moves
one occurrence; the mediator's feed shows the moved time; the reminder arrives on time."""

from __future__ import annotations

import datetime as dt
import re

import recurring_ical_events
import sqlalchemy as sa

from app.extensions import db
from app.models import Meeting
from app.scheduler import run_all_once
from app.timeutil import freeze, from_local
from tests.browser.journey_helpers import NOW, build_world, check_page, deliver, fetch_feed, login

FIRST = dt.date(2026, 12, 8)  # second Tuesday of December; every 2 months
MOVED_FROM = dt.date(2027, 2, 9)  # the second occurrence (second Tuesday of February)
MOVED_TO = dt.date(2027, 2, 10)


def test_exchange_series_moved_occurrence_and_reminder(page, clock, smtp_server, live_server,
                                                       make_user, make_institution,
                                                       make_mediator, app):
    clock(NOW)
    live_server.config["MAIL_PORT"] = app.config["MAIL_PORT"]
    world = build_world(make_user, make_institution, make_mediator)
    login(page, "koordination@example.org")
    page.goto("/meetings/")
    check_page(page, "coordinator: meetings")
    page.get_by_role("link", name="Neue Terminserie").click()
    check_page(page, "coordinator: new meeting series form")
    page.get_by_label("Art").select_option("exchange")
    page.get_by_label("Titel").fill("Austauschtreffen Winter")
    page.get_by_label("Ort", exact=True).fill("Rathaus, Raum 12")
    page.get_by_label("Erster Termin").fill(FIRST.isoformat())
    page.get_by_label("Beginn").fill("18:00")
    page.get_by_label("Dauer (Minuten)").fill("120")
    page.get_by_label("Wiederholung").select_option("monthly")
    page.get_by_label(re.compile("Alle")).fill("2")
    page.get_by_role("button", name="Speichern und Einladungen senden").click()
    page.wait_for_load_state()
    invitations = deliver(smtp_server)
    assert {m["To"] for m in invitations} >= {"selam@example.org", "yonas@example.org"}

    page.goto("/meetings/")
    page.get_by_role("row").filter(has_text="09.02.2027").get_by_role("link").click()
    page.wait_for_url(re.compile(r"/meetings/\d+$"))
    check_page(page, "coordinator: meeting occurrence")
    page.get_by_label("Datum").fill(MOVED_TO.isoformat())
    page.get_by_label("Beginn").fill("17:00")
    page.get_by_role("button", name="Speichern und Eingeladene informieren").click()
    page.wait_for_load_state()
    db.session.expire_all()
    moved_at = from_local(MOVED_TO, dt.time(17))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)
                             .where(Meeting.starts_at == moved_at)) == 1

    calendar = fetch_feed(page, world["selam"])
    february = recurring_ical_events.of(calendar).between(dt.date(2027, 2, 1),
                                                          dt.date(2027, 3, 1))
    assert [e.decoded("DTSTART").astimezone(dt.UTC) for e in february] == [moved_at]

    login(page, "selam@example.org")
    page.goto("/me/meetings")
    assert "10.02.2027" in page.get_by_role("main").inner_text()
    check_page(page, "mediator: my meetings")

    # The scheduler's clock reaches the 7-day reminder of the moved date.
    before = len(smtp_server.messages)
    freeze(moved_at - dt.timedelta(days=7) + dt.timedelta(hours=2))
    run_all_once(app)
    reminders = [m for m in deliver(smtp_server, before)
                 if m["To"] == "selam@example.org" and "Erinnerung" in m["Subject"]]
    assert len(reminders) == 1, [m["Subject"] for m in smtp_server.messages[before:]]
    assert "10.02.2027" in reminders[0]["Subject"]
    after = len(smtp_server.messages)
    run_all_once(app)  # idempotent: a second run sends nothing new
    assert not [m for m in deliver(smtp_server, after)
                if "Erinnerung" in m["Subject"] and m["To"] == "selam@example.org"]
