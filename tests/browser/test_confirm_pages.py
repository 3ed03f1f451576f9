"""The confirmation step and the offer-link page in a real browser.

The confirmation page is the answer to a POST, so the GET crawl cannot reach it: here a
browser without JavaScript removes a language through it, and axe checks it and the offer
link's "the appointment is yours" page at 360 px.
"""

from __future__ import annotations

import pytest

from app.extensions import db
from app.services.booking import offers
from tests.browser.journey_helpers import login
from tests.factories import NOW, eligible, make_request
from tests.net import serve


@pytest.fixture()
def live_server(app):
    with serve(app) as url:
        yield url


def _problems(page, url: str) -> list:
    from axe_playwright_python.sync_playwright import Axe

    found = [(url, v["id"], v["impact"]) for v in Axe().run(page).response["violations"]]
    if page.evaluate("document.documentElement.scrollWidth") > 360:
        found.append((url, "scrolls sideways"))
    return found


def test_remove_a_language_without_javascript(app, live_server, make_user, make_mediator,
                                              browser):
    mediator = make_mediator(languages=(("ara", "", "native"), ("tir", "", "native")))
    user = make_user("mediator", mediator=mediator)
    db.session.commit()
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="de-DE",
                                  java_script_enabled=False)
    page = context.new_page()
    login(page, user.email, base=live_server)
    page.goto(live_server + "/me/languages")
    page.locator("li", has_text="Arabisch").get_by_role("button", name="Entfernen").click()
    page.wait_for_load_state()
    assert "Die Sprache Arabisch aus Ihrer Liste entfernen?" in page.content()
    assert page.get_by_role("link", name="Abbrechen").get_attribute("href") == "/me/languages"
    page.get_by_role("button", name="Ja, entfernen").click()
    page.wait_for_load_state()
    assert page.url == live_server + "/me/languages"
    assert "Sprache Arabisch entfernt." in page.content()
    assert page.locator("ul.plain li", has_text="Arabisch").count() == 0
    context.close()


def test_confirmation_and_offer_pages_are_accessible(app, clock, live_server, make_user,
                                                     make_institution, make_mediator, browser):
    clock(NOW)
    mediator = eligible(make_mediator, languages=(("ara", "", "native"), ("tir", "", "native")))
    user = make_user("mediator", mediator=mediator)
    req = make_request(make_institution())
    (offer,) = offers.send_offers(make_user("coordinator"), req.id, [mediator.id])
    offers.accept_offer(offer.id)
    db.session.commit()
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="de-DE")
    page = context.new_page()
    answer = f"/me/offers/answer/{offers.make_token(offer, 'accept')}"
    page.goto(live_server + answer)
    assert "Der Termin gehört Ihnen" in page.content()
    problems = _problems(page, answer)
    login(page, user.email, base=live_server)
    page.goto(live_server + "/me/languages")
    page.locator("li", has_text="Arabisch").get_by_role("button", name="Entfernen").click()
    page.wait_for_load_state()
    assert "Ja, entfernen" in page.content()
    problems += _problems(page, "confirmation page")
    context.close()
    assert problems == []
