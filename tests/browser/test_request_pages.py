"""The request pages in a real browser at 360 px: no axe violations, no sideways scrolling."""

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


def test_request_pages_are_accessible_at_360px(app, clock, live_server, make_user,
                                               make_institution, make_mediator, browser):
    from axe_playwright_python.sync_playwright import Axe

    clock(NOW)
    inst = make_institution(kind="kita", name="Kita Sonnenblume mit einem sehr langen Namen")
    coordinator = make_user("coordinator")
    inst_user = make_user("institution", institution=inst)
    m = eligible(make_mediator, first_name="Amina")
    eligible(make_mediator, status="paused")
    mediator_user = make_user("mediator", mediator=m)
    req = make_request(inst, note="Gespräch über die Eingewöhnung")
    offers.send_offers(coordinator, req.id, [m.id])
    db.session.commit()
    pages = {
        coordinator: ["/coordination/requests", f"/coordination/requests/{req.id}"],
        inst_user: ["/requests/", "/requests/new", f"/requests/{req.id}"],
        mediator_user: ["/me/offers"],
    }
    problems = []
    for user, urls in pages.items():
        context = browser.new_context(viewport={"width": 360, "height": 800},
                                      locale="de-DE")
        page = context.new_page()
        login(page, user.email, base=live_server)
        for url in urls:
            response = page.goto(live_server + url)
            assert response.status == 200 and page.url == live_server + url, url
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 360:
                problems.append((url, "scrollWidth", width, page.evaluate("""() => Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > 362 && !Array.from(e.children).some(c => c.getBoundingClientRect().right > 362)).slice(0, 3).map(e => e.tagName + " " + (e.id || e.className))""")))
            for v in Axe().run(page).response["violations"]:
                problems.append((url, v["id"], v["impact"]))
        context.close()
    assert problems == []


def test_duplicate_warning_is_accessible_and_keeps_what_was_typed(app, clock, live_server,
                                                                  make_user, make_institution,
                                                                  browser):
    """Edit a request onto another one's time: the warning page, then "Trotzdem speichern"."""
    from axe_playwright_python.sync_playwright import Axe

    clock(NOW)
    inst = make_institution(kind="kita")
    inst_user = make_user("institution", institution=inst)
    make_request(inst, note="erster Termin")
    mine = make_request(inst, note="zweiter Termin", time=NOW.time().replace(hour=15))
    db.session.commit()
    context = browser.new_context(viewport={"width": 360, "height": 800}, locale="de-DE")
    page = context.new_page()
    login(page, inst_user.email, base=live_server)
    page.goto(live_server + f"/requests/{mine.id}/edit")
    page.fill("input[name=start_time]", "10:15")
    page.fill("textarea[name=note]", "anders getippt")
    with page.expect_navigation():  # the POST answered, not just sent
        page.click("main form button[type=submit]")
    assert page.locator(".kern-alert--warning").count() == 1
    assert page.input_value("textarea[name=note]") == "anders getippt"
    violations = [(v["id"], v["impact"]) for v in Axe().run(page).response["violations"]]
    assert violations == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.check("input[name=confirm_duplicate]")
    with page.expect_navigation():  # the POST answered, not just sent
        page.click("main form button[type=submit]")
    assert page.url == live_server + f"/requests/{mine.id}"
    context.close()
    db.session.expire_all()
    assert mine.note == "anders getippt"
