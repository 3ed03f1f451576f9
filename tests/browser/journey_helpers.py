"""Shared pieces of the end-to-end journeys: a fixed clock, the people, log-in, mail, feeds."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import icalendar

from app.extensions import db
from app.services.calendar import feeds
from app.services.core.tasks import deliver_due
from tests.factories import eligible

# Wednesday 2 December 2026, 09:00 in Berlin: "next Tuesday" is 8 December 2026.
NOW = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)
NEXT_TUESDAY = dt.date(2026, 12, 8)
PASSWORD = "correct-horse-battery"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def build_world(make_user, make_institution, make_mediator) -> dict:
    """Create a coordinator, a Kita with its user, two eligible Tigrinya mediators and one
    excluded one (paused), each mediator with a login."""
    kita = make_institution(kind="kita", name="Kita Sonnenblume")
    people = {
        "coordinator": make_user("coordinator", email="koordination@example.org"),
        "kita": make_user("institution", email="kita@example.org", institution=kita),
    }
    selam = eligible(make_mediator, weekday=1, start=dt.time(7), first_name="Selam",
                     last_name="Tekle", email="selam@example.org")
    yonas = eligible(make_mediator, weekday=1, start=dt.time(7), first_name="Yonas",
                     last_name="Berhe", email="yonas@example.org", gender="male")
    paused = eligible(make_mediator, weekday=1, start=dt.time(7), first_name="Mehret",
                      last_name="Ghebre", status="paused")
    people["selam"] = make_user("mediator", email="selam@example.org", mediator=selam)
    people["yonas"] = make_user("mediator", email="yonas@example.org", mediator=yonas)
    db.session.commit()
    people.update(kita_inst=kita, selam_m=selam, yonas_m=yonas, paused_m=paused)
    return people


def login(page, email: str, *, base: str = "", password: str = PASSWORD) -> None:
    """Log in through the form, starting from a clean session (another user may be in).

    `base` is the server's URL for a page whose context has no base_url. The one login of
    every browser test: it waits for the answer to the POST, so the next goto cannot race it.
    """
    page.context.clear_cookies()
    page.goto(base + "/auth/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():  # wait for the answer to the POST, not the page before
        page.locator("main form button[type=submit]").click()  # in any UI language


def deliver(smtp_server, since: int = 0) -> list:
    """Send the outbox to the real SMTP server and return the messages received since."""
    deliver_due()
    db.session.commit()
    return smtp_server.messages[since:]


def body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message, pattern: str) -> str:
    match = re.search(r"https?://\S*" + pattern + r"\S*", body(message))
    assert match, body(message)
    return match.group(0)


def fetch_feed(page, user) -> icalendar.Calendar:
    """Fetch a user's private feed over HTTP from the live server and parse it."""
    db.session.refresh(user)
    token = feeds.token_for(user)
    response = page.request.get(f"/calendar/{token}.ics")
    assert response.status == 200, response.status
    return icalendar.Calendar.from_ical(response.body())


def screenshot(page, name: str) -> None:
    """Save a README screenshot, only when SKM_SCREENSHOTS=1 (the PNGs are committed)."""
    if os.environ.get("SKM_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


FOCUS_STYLE = """() => { const e = document.activeElement; const s = getComputedStyle(e);
  return {tag: e.tagName, name: e.getAttribute('name'), text: (e.innerText || '').trim(),
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
          shadow: s.boxShadow !== 'none'}; }"""


def tab_to(page, matches, limit: int = 60) -> dict:
    """Press Tab until the focused element satisfies `matches`; assert focus stays visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STYLE)
        if state["tag"] != "BODY":
            assert state["outline"] or state["shadow"], f"focus not visible on {state}"
        if matches(state):
            return state
    raise AssertionError("element not reachable with Tab")


def type_date(page, name: str, day) -> None:
    """Type a date into the focused <input type=date> with the keyboard.

    Chromium lays the field out in the browser process's locale (month first under en-US,
    day first under de-DE), not the page's: try month first, else go back and type day first.
    """
    page.keyboard.type(day.strftime("%m%d%Y"))
    value = page.evaluate(f"document.querySelector('input[name={name}]').value")
    if value == day.isoformat():
        return
    for _ in range(6):  # back out of the field, then Tab into its first part again
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.name") != name:
            break
    tab_to(page, lambda s: s["name"] == name)
    page.keyboard.type(day.strftime("%d%m%Y"))
    assert page.evaluate(f"document.querySelector('input[name={name}]').value") == day.isoformat()


def check_page(page, name: str) -> None:
    """Run axe on the page and, on a phone, make sure nothing scrolls sideways."""
    from tests.browser.conftest import check_accessibility

    check_accessibility(page, name)
    width = page.viewport_size["width"]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{name}: the page is {scroll}px wide at {width}px"


def open_menu(page, group: str | None = None) -> None:
    """Open the header menu where it is folded (phones; wide screens always show it), and
    the menu group `group` ("Pool") where the coordinator's link sits in one."""
    toggle = page.locator("summary.site-menu__toggle")
    if toggle.is_visible() and page.locator("details.site-menu[open]").count() == 0:
        toggle.click()
    if group is not None:
        details = page.locator("details.site-nav__details", has=page.locator(
            "summary.site-nav__summary", has_text=group))
        if details.get_attribute("open") is None:
            details.locator("summary").click()
