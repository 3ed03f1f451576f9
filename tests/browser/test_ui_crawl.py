"""Crawl every GET page each role can reach on the demo data, at 360 px and 1280 px.

Every page must link the KERN stylesheet, have no axe-core violation of any impact and never
scroll sideways. Pages are found by following links from the role's start page plus every
argument-free GET route of the role's areas; one URL per route pattern (ids folded), which
keeps a database run near a minute. SKM_SCREENSHOTS=1 also saves the docs/ui.md pictures.
"""

from __future__ import annotations

import os
import re
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import sqlalchemy as sa

from app.demo.seed import LOGINS, seed_demo
from app.extensions import db
from app.timeutil import now_utc
from tests.browser.journey_helpers import login

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = (360, 1280)
# (role, areas it crawls): the role's areas as in tests/core/test_access_walk.py, the coordinator's
# split in two so both xdist workers share the work; the public pages are crawled anonymously
CRAWLS = {
    "coordinator-pool": ("coordinator", ("/pool/", "/meetings/")),
    "coordinator-office": ("coordinator", ("/coordination/", "/reports/", "/calendar/")),
    "institution": ("institution", ("/requests/", "/calendar/")),
    "mediator": ("mediator", ("/me/", "/calendar/")),
    "anonymous": ("anonymous", ("/auth/", "/apply", "/privacy", "/barrierefreiheit",
                                "/leichte-sprache", "/impressum", "/datenschutz")),
}
# crawls in a right-to-left language: the mediator's account set to it, the anonymous browser
# asking for it; every page must say dir="rtl" and start its heading at the right edge
RTL_CRAWLS = {"mediator-ar": "ar", "mediator-fa": "fa", "anonymous-ar": "ar", "anonymous-fa": "fa"}
CRAWLS |= {name: CRAWLS[name.split("-")[0]] for name in RTL_CRAWLS}
PUBLIC = ("/auth/login", "/auth/forgot", "/apply", "/privacy", "/barrierefreiheit",
          "/leichte-sprache", "/impressum", "/datenschutz")
# pages a crawl must reach (new pages of a round, with content in the demo data)
MUST_VISIT = {"mediator": {"/me/board"}, "coordinator-office": {"/coordination/requests/N"}}
# downloads and machine endpoints, not pages
NOT_PAGES = re.compile(r"\.(ics|xlsx|csv|pdf|json|svg|png)$|/export|/workbook|/download|"
                       r"/healthz|/static/|/language/|^/calendar/[^/]+\.ics")
SHOTS = {  # (role, route pattern, width) -> file name under docs/screenshots/
    ("coordinator", "/", 1280): "ui-coordinator-start",
    ("coordinator", "/coordination/requests/N", 1280): "ui-candidate-list",
    ("institution", "/", 360): "ui-institution-start",
    ("institution", "/requests/new", 360): "ui-request-form-phone",
    ("mediator", "/", 360): "ui-mediator-start",
    ("anonymous", "/leichte-sprache", 360): "ui-leichte-sprache",
    ("mediator-ar", "/", 360): "ui-mediator-start-ar",
}
# where the heading's text sits in its box: in a right-to-left page it starts at the right
HEADING = """() => { const h = document.querySelector('main h1'); if (!h) return null;
  const r = document.createRange(); r.selectNodeContents(h);
  const text = r.getBoundingClientRect(), box = h.getBoundingClientRect();
  const centred = getComputedStyle(h).textAlign === 'center';  // the printed certificate
  return {dir: document.documentElement.dir, lang: document.documentElement.lang,
          gap: centred ? 0 : Math.round(box.right - text.right)}; }"""
# wider than the window once the web fonts have loaded and layout has settled (under load a
# page measured mid-layout once "scrolled sideways" with no element beyond the edge)
SIDEWAYS = """async () => { await document.fonts.ready;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return document.documentElement.scrollWidth > innerWidth; }"""
OVERFLOW = """() => Array.from(document.querySelectorAll('body *')).filter(e =>
  e.getBoundingClientRect().right > innerWidth + 1 && !Array.from(e.children).some(c =>
  c.getBoundingClientRect().right > innerWidth + 1)).slice(0, 3).map(e =>
  e.tagName + '.' + (e.className || e.id))"""


def _pattern(path: str, query: str = "") -> str:
    """Fold ids; keep a start-page card's list filter (each filtered list is its own page)."""
    folded = re.sub(r"/\d+(?=/|$)", "/N", path)
    return folded + (f"?{query}" if re.fullmatch(r"(filter|show)=\w+", query) else "")


def _seeds(app, areas: tuple[str, ...]) -> list[str]:
    paths = [r.rule for r in app.url_map.iter_rules()
             if "GET" in r.methods and not r.arguments and r.rule.startswith(areas)]
    return sorted(paths) + [p for p in PUBLIC if p.startswith(areas)]


def _edit_pages(crawl: str) -> list[str]:
    """Return the request-change pages the role has (one open request's edit form; the
    crawl folds ids, so a closed request found first would hide the form behind its 403)."""
    from app.models import InterpretingRequest, User

    role = CRAWLS[crawl][0]
    if crawl not in ("coordinator-office", "institution"):
        return []
    email = next(e for r, e, _p in LOGINS if r == role)
    user = db.session.scalar(sa.select(User).where(User.email == email))
    stmt = sa.select(InterpretingRequest.id).where(InterpretingRequest.is_open,
                                                   InterpretingRequest.starts_at > now_utc())
    if role == "institution":
        stmt = stmt.where(InterpretingRequest.institution_id == user.institution_id)
    request_id = db.session.scalar(stmt.order_by(InterpretingRequest.id).limit(1))
    assert request_id is not None, "the demo data has no open request to edit"
    if role == "institution":
        return [f"/requests/{request_id}/edit"]
    return [f"/coordination/requests/{request_id}/edit", "/coordination/requests/new"]


def _login(page, role: str) -> str:
    if role == "anonymous":
        return "/auth/login"
    email, password = next((e, p) for r, e, p in LOGINS if r == role)
    login(page, email, password=password)
    return urlsplit(page.url).path


def _check(page, axe, url: str, width: int, rtl: str | None = None) -> list:
    page.set_viewport_size({"width": width, "height": 740})
    page.goto(url)
    problems = []
    if rtl:
        heading = page.evaluate(HEADING)
        if heading is None or (heading["dir"], heading["lang"]) != ("rtl", rtl) \
                or heading["gap"] > 1:
            problems.append((url, width, "not right to left", heading))
    sheets = page.eval_on_selector_all("link[rel=stylesheet]", "ls => ls.map(l => l.href)")
    if not any(s.endswith("/static/vendor/kern/kern.min.css") for s in sheets):
        problems.append((url, width, "no KERN stylesheet"))
    if page.evaluate(SIDEWAYS):
        problems.append((url, width, "scrolls sideways", page.evaluate(OVERFLOW)))
    for v in axe.run(page).response["violations"]:
        problems.append((url, width, v["id"], v["impact"], [n["target"] for n in v["nodes"]][:2]))
    return problems


@pytest.mark.parametrize("crawl", sorted(CRAWLS))
def test_every_page_of_each_role_is_kern_accessible_and_fits(crawl, app, browser, live_server):
    from axe_playwright_python.sync_playwright import Axe

    role, areas = CRAWLS[crawl]
    rtl = RTL_CRAWLS.get(crawl)
    seed_demo(db.session)
    if rtl and role != "anonymous":  # the account's language wins over the browser's
        from app.models import User

        email = next(e for r, e, _p in LOGINS if r == role)
        db.session.scalar(sa.select(User).where(User.email == email)).locale = rtl
    db.session.commit()
    context = browser.new_context(locale=rtl or "de-DE", base_url=live_server.base_url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    axe = Axe()
    start = _login(page, role)
    edits = _edit_pages(crawl)
    queue, seen, problems, visited = (deque([start, *edits, *_seeds(live_server, areas)]),
                                      set(), [], [])
    while queue:
        path = queue.popleft()
        key = _pattern(urlsplit(path).path, urlsplit(path).query)
        start_page = key == "/" and role != "anonymous"  # the role's start page (cards)
        if key in seen or NOT_PAGES.search(key) or not (key.startswith(areas) or start_page):
            continue
        seen.add(key)
        response = context.request.get(path, max_redirects=0)
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            if response.status >= 500:
                problems.append((path, response.status))
            continue
        visited.append(key)
        for width in WIDTHS:
            problems += _check(page, axe, path, width, rtl)
            shot = SHOTS.get((crawl if rtl else role, key, width))
            if shot and os.environ.get("SKM_SCREENSHOTS") == "1":
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"), full_page=width == 360)
        for href in page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)"):
            target = urlsplit(urljoin(live_server.base_url + "/", href))
            if target.netloc == urlsplit(live_server.base_url).netloc and target.path != "/":
                queue.append(target.path + (f"?{target.query}" if target.query else ""))
    context.close()
    floor = {"coordinator-pool": 15, "coordinator-office": 10, "institution": 3, "mediator": 10,
             "anonymous": 8}[crawl.split("-")[0] if rtl else crawl]
    assert len(visited) >= floor, visited
    assert MUST_VISIT.get(crawl, set()) <= set(visited), visited
    assert {_pattern(p) for p in edits} <= set(visited), visited
    assert problems == [], problems


def _after_appointment_data():
    """Add what the after-the-appointment pages show to the demo data; return their URLs."""
    import datetime as dt

    import sqlalchemy as sa

    from app.models import (
        Assignment,
        Debrief,
        FollowUp,
        InterpretingRequest,
        Meeting,
        Rating,
        SupervisionGroup,
        SupervisionMember,
        User,
    )
    from app.services.booking import follow_up
    from app.timeutil import now_utc

    kita = db.session.scalar(sa.select(User).where(User.email == "kita@skm-demo.de"))
    mediator = db.session.scalar(sa.select(User).where(User.email == "mittler@skm-demo.de")
                                 ).mediator
    now = now_utc()
    starts = (now - dt.timedelta(days=5)).replace(hour=2, minute=0, second=0, microsecond=0)
    req = InterpretingRequest(
        institution_id=kita.institution_id, starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=60), duration_minutes=60, language_code="tir",
        occasion="parent_meeting", status="assigned")
    a = Assignment(request=req, mediator=mediator, starts_at=req.starts_at, ends_at=req.ends_at)
    group = SupervisionGroup(name="Crawl-Gruppe", supervisor_name="Dr. Crawl")
    group.members.append(SupervisionMember(mediator_id=mediator.id))
    meeting = Meeting(kind="supervision", group=group, title="Supervision Crawl",
                      starts_at=now + dt.timedelta(days=9),
                      ends_at=now + dt.timedelta(days=9, hours=2))
    db.session.add_all([req, a, group, meeting])
    db.session.flush()
    fu_inst = FollowUp(assignment_id=a.id, audience="institution",
                       sent_at=now - dt.timedelta(days=4))
    fu_med = FollowUp(assignment_id=a.id, audience="mediator", sent_at=now - dt.timedelta(days=4))
    db.session.add_all([
        fu_inst, fu_med,
        Debrief(assignment_id=a.id, text="Ein schweres Gespräch.", burdened=True,
                share_content=True, meeting_id=meeting.id),
        Rating(request_id=req.id, stars=4, comment="Gut übersetzt."),
    ])
    db.session.commit()
    return {
        "coordinator": ["/coordination/follow-ups", "/coordination/debriefs",
                        f"/coordination/requests/{req.id}", f"/meetings/{meeting.id}"],
        "institution": [f"/requests/{req.id}"],
        "mediator": [f"/me/assignments/{a.id}"],
        "anonymous": [f"/requests/follow-up/{follow_up.make_token(fu_inst)}",
                      f"/me/report/{follow_up.make_token(fu_med)}"],
    }


def test_after_appointment_pages_are_kern_accessible_and_fit(app, browser, live_server):
    """The follow-up pages with content (the crawl finds them empty on the demo data)."""
    from axe_playwright_python.sync_playwright import Axe

    seed_demo(db.session)
    db.session.commit()
    urls = _after_appointment_data()
    axe, problems = Axe(), []
    for role, paths in urls.items():
        context = browser.new_context(locale="de-DE", base_url=live_server.base_url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        _login(page, role)
        for path in paths:
            response = context.request.get(path, max_redirects=0)
            if response.status != 200:
                problems.append((role, path, response.status))
                continue
            for width in WIDTHS:
                problems += _check(page, axe, path, width)
        context.close()
    assert problems == [], problems


# the mediator's pages behind e-mail links (not reachable by crawling) and the start page, in
# each language with a script or direction of its own; Ukrainian stands for the Cyrillic ones
LINK_LANGUAGES = {"ar": "ar", "fa": "fa", "uk": None}
LINK_SHOTS = {("ar", "offer"): "ui-mediator-offer-ar", ("uk", "start"): "ui-mediator-start-uk",
              ("uk", "offer"): "ui-mediator-offer-uk"}


@pytest.mark.parametrize("locale", sorted(LINK_LANGUAGES))
def test_mediator_link_pages_in_each_script(locale, app, browser, live_server):
    """The offer answer, follow-up, password reset and invitation pages in the mediator's
    language: right to left where it should be, accessible, no sideways scroll at 360 and
    1280 px."""
    from axe_playwright_python.sync_playwright import Axe

    from app.models import Offer, User
    from app.services.booking import offers
    from app.services.core import accounts

    seed_demo(db.session)
    db.session.commit()
    urls = _after_appointment_data()
    email, password = next((e, p) for r, e, p in LOGINS if r == "mediator")
    user = db.session.scalar(sa.select(User).where(User.email == email))
    user.locale = locale
    offer = db.session.scalar(sa.select(Offer).where(Offer.mediator_id == user.mediator_id,
                                                     Offer.status == "pending")
                              .order_by(Offer.id).limit(1))
    assert offer is not None, "the demo mediator has no pending offer"
    pages = {"offer": f"/me/offers/answer/{offers.make_token(offer, 'accept')}",
             "report": urls["anonymous"][1],
             "reset": f"/auth/reset/{accounts.make_token(user, 'reset')}",
             "invite": f"/auth/invite/{accounts.make_token(user, 'invite')}"}
    db.session.commit()
    context = browser.new_context(locale="de-DE", base_url=live_server.base_url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    axe, problems, rtl = Axe(), [], LINK_LANGUAGES[locale]
    for name, path in pages.items():  # anonymous, as from the e-mail: the account's language
        for width in WIDTHS:
            problems += _check(page, axe, path, width, rtl)
            if page.locator("html").get_attribute("lang") != locale:
                problems.append((path, width, "not in", locale))
            _shoot(page, LINK_SHOTS.get((locale, name)), width)
    login(page, email, password=password)
    for width in WIDTHS:
        problems += _check(page, axe, "/", width, rtl)
        _shoot(page, LINK_SHOTS.get((locale, "start")), width)
    context.close()
    assert problems == [], problems


def _shoot(page, name: str | None, width: int) -> None:
    """Save a README picture (SKM_SCREENSHOTS=1), at phone width only."""
    if name and width == 360 and os.environ.get("SKM_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
