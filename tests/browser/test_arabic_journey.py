"""An Arabic-speaking mediator, end to end: the offer e-mail in Arabic, the link opened on a
phone in Arabic (right to left), accepted, hours and "3,5" km reported in Arabic; the
coordinator sees the same values in German (docs/i18n.md)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from app.extensions import db
from app.models import Assignment, Offer
from app.services.booking import offers
from tests.browser.journey_helpers import (
    NEXT_TUESDAY,
    NOW,
    build_world,
    check_page,
    deliver,
    link_in,
    login,
)
from tests.factories import make_request


def _arabic(app, text: str) -> str:
    with app.test_request_context(), force_locale("ar"):
        return _(text)


def _rtl(page) -> tuple[str, str]:
    return (page.locator("html").get_attribute("lang"),
            page.locator("html").get_attribute("dir"))


def test_an_arabic_speaking_mediator_accepts_and_reports(page, app, clock, smtp_server,
                                                         live_server, make_user,
                                                         make_institution, make_mediator):
    from flask import current_app

    from app.timeutil import freeze

    clock(NOW)
    live_server.config["MAIL_PORT"] = current_app.config["MAIL_PORT"]
    world = build_world(make_user, make_institution, make_mediator)
    world["selam"].locale = "ar"
    req = make_request(world["kita_inst"], day=NEXT_TUESDAY, time=dt.time(8, 30))
    db.session.commit()
    offers.send_offers(world["coordinator"], req.id, [world["selam_m"].id])
    db.session.commit()

    (mail,) = [m for m in deliver(smtp_server) if m["To"] == "selam@example.org"]
    subject = _arabic(app, "New interpreting request for you")
    assert mail["Subject"] == subject != "New interpreting request for you"
    page.context.clear_cookies()
    # the offer was sent from this test's app (its BASE_URL): open the link's path on the server
    page.goto(urlsplit(link_in(mail, "/me/offers/answer/")).path)  # a German browser
    assert _rtl(page) == ("ar", "rtl")
    check_page(page, "mediator: answer offer in Arabic")
    page.get_by_role("button", name=_arabic(app, "Yes, I will come")).click()
    page.wait_for_load_state()
    db.session.expire_all()
    assert db.session.scalar(sa.select(Offer.status)) == "accepted"
    assignment = db.session.scalar(sa.select(Assignment))

    freeze(assignment.starts_at + dt.timedelta(hours=4))
    login(page, "selam@example.org")
    page.goto(f"/me/assignments/{assignment.id}")
    assert _rtl(page) == ("ar", "rtl")
    page.locator("input[name=minutes]").fill("90")
    page.locator("input[name=travel_km]").fill("3,5")  # the German way, in the Arabic UI
    page.locator("input[name=ticket_cost]").fill("٢٫٨٠")  # Arabic digits and decimal mark
    page.get_by_role("button", name=_arabic(app, "Send report")).click()
    page.wait_for_load_state()
    check_page(page, "mediator: assignment with report in Arabic")
    db.session.expire_all()
    reported = db.session.get(Assignment, assignment.id)
    assert (reported.travel_km, reported.ticket_cost_cents) == (Decimal("3.5"), 280)

    login(page, "koordination@example.org")
    page.goto("/coordination/requests")
    assert _rtl(page) == ("de", "ltr")
    reports = page.locator("section[aria-labelledby=reports-h]").inner_text()
    assert re.search(r"90 Min\., 3,5 km, 2,80\xa0€", reports), reports
