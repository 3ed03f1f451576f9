"""The user journeys end to end in a real browser, at desktop and 360 px, in German.

Kita request → coordinator offers to two mediators → one accepts from the e-mail link (real
SMTP) → both calendar feeds have the event → hours reported, approved, in the month's
allowance statement. The exchange-meeting series journey lives in test_meeting_journey.py.
"""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from babel.numbers import format_currency

from app.extensions import db
from app.models import AllowanceStatement, Assignment, InterpretingRequest, Offer
from app.timeutil import from_local, to_local
from tests.browser.journey_helpers import (
    NEXT_TUESDAY,
    NOW,
    build_world,
    check_page,
    deliver,
    fetch_feed,
    link_in,
    login,
    screenshot,
)


def _kita_submits_request(page) -> InterpretingRequest:
    """Journey 1: the Kita user submits a Tigrinya request for next Tuesday 8:30."""
    login(page, "kita@example.org")
    page.goto("/requests/")
    check_page(page, "kita: requests")
    page.goto("/requests/new")
    check_page(page, "kita: new request form")
    page.get_by_label("Datum").fill(NEXT_TUESDAY.isoformat())
    page.get_by_label("Beginn").fill("08:30")
    page.get_by_role("radio", name="vor Ort").check()  # none pre-selected
    page.get_by_role("radio", name="in der Einrichtung").check()
    page.get_by_label("Sprache", exact=True).select_option("tir")
    page.get_by_label("Anlass").select_option("parent_meeting")
    if page.viewport_name == "desktop":
        screenshot(page, "kita-request-form")
    page.get_by_role("button", name="Anfrage senden").click()
    page.wait_for_url(re.compile(r"/requests/\d+$"))
    assert "Eingegangen" in page.get_by_role("main").inner_text()
    check_page(page, "kita: request detail (submitted)")
    req = db.session.scalar(sa.select(InterpretingRequest))
    assert req.status == "submitted" and req.language_code == "tir"
    assert req.starts_at == from_local(NEXT_TUESDAY, dt.time(8, 30))
    return req


def _coordinator_sends_offers(page, req) -> None:
    """Journey 2: ranked candidates and excluded ones with reasons; offers to two."""
    login(page, "koordination@example.org")
    page.wait_for_url(re.compile(r"/$"))
    check_page(page, "coordinator: start page")
    page.goto("/coordination/requests")
    check_page(page, "coordinator: requests dashboard")
    page.locator(f"a[href$='/coordination/requests/{req.id}']").first.click()
    page.wait_for_url(re.compile(rf"/coordination/requests/{req.id}$"))
    candidates = page.locator("section[aria-labelledby=candidates-h]")
    assert "Kandidat" in candidates.get_by_role("heading").inner_text()
    names = candidates.locator("tbody th").all_inner_texts()
    assert sorted(names) == ["Selam Tekle", "Yonas Berhe"], names
    assert "Punkte" in candidates.inner_text()
    excluded = page.locator("section[aria-labelledby=excluded-h]")
    for group in excluded.locator("details.excluded-group > summary").all():
        group.click()  # each reason opens on demand
    assert "Mehret Ghebre" in excluded.inner_text()
    assert excluded.locator("tbody td ul li").count() >= 1  # a reason is given
    check_page(page, "coordinator: request with candidates")
    if page.viewport_name == "desktop":
        screenshot(page, "coordinator-candidates")
    for box in candidates.locator("input[type=checkbox]").all():
        box.check()
    candidates.get_by_role("button", name="Angebote an die ausgewählten Personen senden").click()
    page.wait_for_url(re.compile(rf"/coordination/requests/{req.id}$"))
    offers = page.locator("section[aria-labelledby=offers-h]")
    assert offers.locator("tbody tr").count() == 2
    check_page(page, "coordinator: request with offers")


def _mediator_accepts_from_email(page, smtp_server, world, req) -> Assignment:
    """Journey 3: the offer e-mail's link books Selam; Yonas's offer is withdrawn."""
    mails = deliver(smtp_server)
    to_selam = [m for m in mails if m["To"] == "selam@example.org"]
    assert len(to_selam) == 1 and "08.12.2026" in to_selam[0].get_body().get_content()
    accept = link_in(to_selam[0], "/me/offers/answer/")
    page.context.clear_cookies()
    page.goto(accept)  # no password: the signed link is enough
    check_page(page, "mediator: answer offer (e-mail link)")
    page.get_by_role("button", name="Ja, ich komme").click()
    assert "Danke" in page.get_by_role("status").inner_text()
    db.session.expire_all()
    statuses = dict(db.session.execute(sa.select(Offer.mediator_id, Offer.status)).all())
    assert statuses == {world["selam_m"].id: "accepted", world["yonas_m"].id: "withdrawn"}
    assignment = db.session.scalar(sa.select(Assignment))
    assert assignment.mediator_id == world["selam_m"].id
    withdrawn = [m for m in deliver(smtp_server, len(smtp_server.messages))
                 if m["To"] == "yonas@example.org"]
    assert withdrawn, "Yonas is told that his offer is withdrawn"

    login(page, "kita@example.org")
    page.goto(f"/requests/{req.id}")
    main = page.get_by_role("main").inner_text()
    assert "Vermittelt" in main and "Selam" in main and "Tekle" not in main
    check_page(page, "kita: request detail (assigned)")
    starts = req.starts_at
    for user in (world["kita"], world["selam"]):
        events = fetch_feed(page, user).walk("VEVENT")
        assert [e.decoded("DTSTART") for e in events] == [starts], user.email
    return assignment


def _hours_reported_approved_paid(page, assignment) -> None:
    """Journey 4: report hours, approve them, see the month's allowance statement."""
    from app.timeutil import freeze

    freeze(assignment.starts_at + dt.timedelta(hours=4))
    login(page, "selam@example.org")
    page.goto("/me/offers")
    check_page(page, "mediator: offers and assignments")
    if page.viewport_name == "phone":
        screenshot(page, "mediator-phone")
    page.locator(f"a[href$='/me/assignments/{assignment.id}']").first.click()
    page.get_by_label("Wie lange hat es gedauert (Minuten)?").fill("90")
    page.locator("input[name=travel_km]").fill("12.5")
    page.locator("input[name=ticket_cost]").fill("3.50")
    page.get_by_role("button", name="Meldung senden").click()
    assert "Danke" in page.locator(".flash, [role=status], [role=alert]").first.inner_text()
    check_page(page, "mediator: assignment with report")

    login(page, "koordination@example.org")
    page.goto("/coordination/requests")
    reports = page.locator("section[aria-labelledby=reports-h]")
    assert "90 Min., 12,5 km, 3,50\xa0€" in reports.inner_text()  # German number forms
    reports.get_by_role("button", name="Freigeben").click()
    page.wait_for_load_state()
    db.session.expire_all()
    assert db.session.get(Assignment, assignment.id).report_status == "approved"

    local = to_local(assignment.starts_at)
    page.goto(f"/reports/allowances?year={local.year}&month={local.month}")
    page.get_by_role("button", name="Abrechnungen aus freigegebenen Einsätzen erstellen").click()
    page.wait_for_load_state()
    statement = db.session.scalar(sa.select(AllowanceStatement))
    assert statement is not None and statement.total_cents > 0
    amount = format_currency(statement.total_cents / 100, "EUR", locale="de_DE")
    assert re.fullmatch(r"\d{1,3}(\.\d{3})*,\d{2}\xa0€", amount), amount
    row = page.get_by_role("row").filter(has_text="Selam Tekle")
    assert amount in row.inner_text()
    check_page(page, "coordinator: allowance statements")


def test_request_offer_assignment_allowance(page, clock, smtp_server, live_server, make_user,
                                            make_institution, make_mediator):
    clock(NOW)
    live_server.config["MAIL_PORT"] = smtp_server_port(smtp_server)
    world = build_world(make_user, make_institution, make_mediator)
    req = _kita_submits_request(page)
    _coordinator_sends_offers(page, req)
    assignment = _mediator_accepts_from_email(page, smtp_server, world, req)
    _hours_reported_approved_paid(page, assignment)


def smtp_server_port(smtp_server) -> int:
    from flask import current_app

    return current_app.config["MAIL_PORT"]
