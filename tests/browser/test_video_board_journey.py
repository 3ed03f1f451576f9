"""Video appointments and the open-request board end to end in a real browser, at desktop
and 360 px, in German.

A school books a video appointment → a mediator finds it on the open-request board and says
"Ich kann" (the school's note stays off the board) → the coordinator assigns the volunteer →
the mediator's feed has the meeting link and LOCATION Video, the assignment page links to the
same URL → after the appointment the school rates it, the mediator writes a burdened debrief,
the coordinator's start page counts it and only the coordinator sees the rating.
"""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from app.extensions import db
from app.models import Assignment, InterpretingRequest
from app.timeutil import from_local
from tests.browser.journey_helpers import (
    NEXT_TUESDAY,
    NOW,
    check_page,
    fetch_feed,
    login,
    open_menu,
)
from tests.factories import eligible

LINK = "https://video.example/raum-42"
NOTE = "Der Vater bringt seinen Bescheid vom Jugendamt mit."
COMMENT = "Sehr einfühlsam und genau übersetzt."


def _world(make_user, make_institution, make_mediator) -> dict:
    """A coordinator, a school with its user, one eligible Tigrinya mediator who takes video."""
    school = make_institution(kind="school", name="Grundschule am Park")
    selam = eligible(make_mediator, weekday=1, start=dt.time(7), first_name="Selam",
                     last_name="Tekle", email="selam@example.org")
    selam.takes_video = True
    people = {
        "coordinator": make_user("coordinator", email="koordination@example.org"),
        "school": make_user("institution", email="schule@example.org", institution=school),
        "selam": make_user("mediator", email="selam@example.org", mediator=selam),
        "selam_m": selam,
    }
    db.session.commit()
    return people


def _school_books_video(page) -> InterpretingRequest:
    login(page, "schule@example.org")
    page.goto("/requests/new")
    page.get_by_label("Datum").fill(NEXT_TUESDAY.isoformat())
    page.get_by_label("Beginn").fill("10:00")
    page.get_by_role("radio", name="per Video").check()  # none pre-selected
    page.get_by_role("radio", name="in der Einrichtung").check()
    page.locator("input[name=meeting_url]").fill(LINK)
    page.get_by_label("Sprache", exact=True).select_option("tir")
    page.get_by_label("Anlass").select_option("parent_meeting")
    page.locator("textarea[name=note]").fill(NOTE)
    page.get_by_role("button", name="Anfrage senden").click()
    page.wait_for_url(re.compile(r"/requests/\d+$"))
    check_page(page, "school: video request submitted")
    req = db.session.scalar(sa.select(InterpretingRequest))
    assert (req.mode, req.meeting_url, req.note) == ("video", LINK, NOTE)
    assert req.starts_at == from_local(NEXT_TUESDAY, dt.time(10))
    return req


def _mediator_says_i_can(page) -> None:
    login(page, "selam@example.org")
    open_menu(page)
    page.get_by_role("link", name="Offene Anfragen (Börse)").click()
    page.wait_for_url(re.compile(r"/me/board$"))
    check_page(page, "mediator: open-request board")
    html = page.content()
    assert NOTE not in html and LINK not in html and "Grundschule am Park" not in html
    entries = page.locator("main article")
    assert entries.count() == 1 and "08.12.2026" in entries.inner_text()
    entries.get_by_role("button", name="Ich kann").click()
    page.wait_for_url(re.compile(r"/me/board$"))
    assert "Sie haben „Ich kann“ gesagt" in page.get_by_role("main").inner_text()


def _coordinator_assigns_volunteer(page, world, req) -> Assignment:
    login(page, "koordination@example.org")
    page.goto(f"/coordination/requests/{req.id}")
    volunteers = page.locator("section[aria-labelledby=volunteers-h]")
    assert volunteers.locator("tbody th").all_inner_texts() == ["Selam Tekle"]
    assert "Punkte" in volunteers.inner_text()
    check_page(page, "coordinator: request with a board volunteer")
    volunteers.get_by_role("button", name="Zuweisen").click()
    page.wait_for_url(re.compile(rf"/coordination/requests/{req.id}$"))
    db.session.expire_all()
    assignment = db.session.scalar(sa.select(Assignment))
    assert assignment is not None and assignment.mediator_id == world["selam_m"].id
    return assignment


def _feed_and_assignment_page_share_the_link(page, world, assignment) -> None:
    (event,) = fetch_feed(page, world["selam"]).walk("VEVENT")
    assert str(event["URL"]) == LINK
    assert "Video" in str(event["LOCATION"])
    login(page, "selam@example.org")
    page.goto(f"/me/assignments/{assignment.id}")
    check_page(page, "mediator: video assignment")
    link = page.get_by_role("main").locator(f"a[href='{LINK}']")
    assert link.count() == 1 and link.get_attribute("href") == str(event["URL"])


def _after_the_appointment(page, clock, req, assignment) -> None:
    clock(assignment.ends_at + dt.timedelta(hours=2))
    login(page, "schule@example.org")
    page.goto(f"/requests/{req.id}")
    rating = page.locator("section[aria-labelledby=rating-h]")
    rating.get_by_role("radio", name="4", exact=True).check()
    rating.locator("textarea[name=comment]").fill(COMMENT)
    rating.get_by_role("button", name="Bewertung speichern").click()
    page.wait_for_url(re.compile(rf"/requests/{req.id}$"))
    assert "Ihre Bewertung: 4 Sterne" in page.get_by_role("main").inner_text()
    check_page(page, "school: request rated")

    login(page, "selam@example.org")
    page.goto(f"/me/assignments/{assignment.id}")
    page.locator("textarea[name=debrief]").fill("Die Mutter hat sehr geweint.")
    page.get_by_label("Das Gespräch hat mich belastet").check()
    page.get_by_role("button", name="Nachbesprechung speichern").click()
    page.wait_for_url(re.compile(rf"/me/assignments/{assignment.id}$"))
    assert page.get_by_label("Das Gespräch hat mich belastet").is_checked()
    main = page.get_by_role("main").inner_text()
    assert COMMENT not in main and "Stern" not in main and "Bewertung" not in main
    check_page(page, "mediator: assignment with debrief")

    login(page, "koordination@example.org")
    page.wait_for_url(re.compile(r"/$"))
    card = page.locator("li[data-card=burdened]")
    assert "Gespräche, die belastet haben" in card.inner_text()
    assert card.locator(".start-card__number").inner_text() == "1"
    check_page(page, "coordinator: start page with a burdened debrief")
    page.goto(f"/coordination/requests/{req.id}")
    rated = page.locator("section[aria-labelledby=rating-h]")
    assert "4 von 5 Sternen" in rated.inner_text() and COMMENT in rated.inner_text()


def test_video_request_board_feed_rating_debrief(page, clock, smtp_server, live_server, app,
                                                 make_user, make_institution, make_mediator):
    clock(NOW)
    live_server.config["MAIL_PORT"] = app.config["MAIL_PORT"]
    world = _world(make_user, make_institution, make_mediator)
    req = _school_books_video(page)
    _mediator_says_i_can(page)
    assignment = _coordinator_assigns_volunteer(page, world, req)
    _feed_and_assignment_page_share_the_link(page, world, assignment)
    _after_the_appointment(page, clock, req, assignment)
