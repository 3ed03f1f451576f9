"""The reports pages in a real browser: no axe violations, usable at 360 px width."""

from __future__ import annotations

import pytest

from tests.browser.journey_helpers import login
from tests.net import serve
from tests.reports import report_data


@pytest.fixture()
def live_server(app):
    with serve(app) as url:
        yield url


def test_reports_pages_are_accessible_on_a_phone(app, clock, live_server, make_user,
                                                 make_institution, make_mediator, browser):
    from axe_playwright_python.sync_playwright import Axe

    clock(report_data.NOW)
    report_data.build(make_institution, make_mediator)
    user = make_user("coordinator")
    pages = ["/reports/?kind=year&year=2026", "/reports/yearly?year=2026",
             "/reports/allowances?year=2026&month=2", "/reports/allowances/rules",
             "/reports/allowances/rules/2026"]
    context = browser.new_context(viewport={"width": 360, "height": 780})
    try:
        page = context.new_page()
        login(page, user.email, base=live_server)
        assert "/auth/login" not in page.url
        axe = Axe()
        for path in pages:
            page.goto(live_server + path)
            assert page.url == live_server + path
            violations = axe.run(page).response["violations"]
            serious = [(v["id"], v["impact"]) for v in violations
                       if v["impact"] in ("serious", "critical")]
            assert serious == [], (path, serious)
            width = page.evaluate("document.documentElement.scrollWidth")
            wide = page.evaluate("""Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 361).map(e => e.tagName + '.' + e.className + '#' + e.id + ':' + Math.round(e.getBoundingClientRect().right)).slice(0, 12)""")
            assert width <= 360, (path, width, wide)
        page.goto(f"{live_server}/reports/yearly?year=2026")
        assert page.is_visible("button[data-print]")  # shown by static/js/print.js
    finally:
        context.close()
