"""The per-role start pages: each card's count against built data, and the list it links to."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest
from dateutil.relativedelta import relativedelta

from app.extensions import db
from app.models import Assignment, Document, Meeting, Offer, OutboxMessage, SupervisionGroup
from app.timeutil import from_local
from tests.conftest import csrf_token
from tests.factories import NOW, make_request

CARD = re.compile(r'data-card="(\w+)".*?href="([^"]+)".*?start-card__number">(\d+)<', re.S)


def cards(client) -> dict[str, tuple[int, str]]:
    """Return {card key: (count, link)} of the start page."""
    page = client.get("/")
    assert page.status_code == 200
    return {key: (int(n), html_lib.unescape(url))
            for key, url, n in CARD.findall(page.get_data(as_text=True))}


def ids(client, url: str, pattern: str) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200
    return {int(n) for n in re.findall(pattern, response.get_data(as_text=True))}


def _assign(req, mediator, **kwargs) -> Assignment:
    a = Assignment(request=req, mediator=mediator, starts_at=req.starts_at, ends_at=req.ends_at,
                   **kwargs)
    db.session.add(a)
    db.session.flush()
    return a


def test_coordinator_cards_count_what_they_link_to(app, client, login, clock, make_user,
                                                    make_institution, make_mediator):
    clock(NOW)  # Tuesday 1 Dec 2026, 09:00 in Berlin
    inst = make_institution()
    speaker = make_mediator()  # active, speaks Tigrinya
    make_mediator(languages=(("som", "", "native"),), status="paused")
    no_speaker = make_request(inst, language="yor")
    paused_only = make_request(inst, language="som")
    make_request(inst, language="yor", status="cancelled")
    make_request(inst, language="yor", day=dt.date(2026, 11, 20), status="unfilled")
    old_offer = make_request(inst, status="offered")
    db.session.add(Offer(request=old_offer, mediator=speaker, created_at=NOW - dt.timedelta(
        hours=30), expires_at=NOW + dt.timedelta(hours=10)))
    fresh_offer = make_request(inst, status="offered")
    db.session.add(Offer(request=fresh_offer, mediator=speaker,
                         created_at=NOW - dt.timedelta(hours=2),
                         expires_at=NOW + dt.timedelta(hours=10)))
    tomorrow = make_request(inst, day=dt.date(2026, 12, 2))
    future_new = make_request(inst, day=dt.date(2026, 12, 9))
    booked = make_request(inst, day=dt.date(2026, 11, 24), status="completed")
    _assign(booked, speaker, status="completed", report_status="reported", reported_minutes=60)
    years = app.config["POLICE_CERT_VALID_YEARS"]
    due = dt.date(2026, 12, 1) - relativedelta(years=years) + dt.timedelta(days=30)
    speaker.documents.append(Document(kind="police_certificate", recorded_on=due))
    make_mediator(status="active").documents.append(
        Document(kind="police_certificate", recorded_on=dt.date(2026, 6, 1)))
    make_mediator(first_name="Neu", last_name="Bewerberin", status="applicant")
    db.session.add_all([
        OutboxMessage(recipient="a@example.org", subject="Tot", body_text="x", status="dead"),
        OutboxMessage(recipient="b@example.org", subject="Unterwegs", body_text="x"),
        Meeting(kind="exchange", title="Austauschtreffen", starts_at=NOW + dt.timedelta(days=2),
                ends_at=NOW + dt.timedelta(days=2, hours=2)),
        Meeting(kind="exchange", title="Abgesagt", starts_at=NOW + dt.timedelta(days=1),
                ends_at=NOW + dt.timedelta(days=1, hours=2), status="cancelled"),
    ])
    db.session.commit()
    login(make_user("coordinator"))
    found = cards(client)
    assert {key: count for key, (count, _url) in found.items()} == {
        "new": 4, "no_candidate": 2, "unanswered": 1, "soon": 1, "reports": 1, "expiring": 1,
        "dead_mail": 1, "applicants": 1, "meeting": 1, "burdened": 0, "follow_ups": 0}
    listed = r'href="/coordination/requests/(\d+)"'
    assert ids(client, found["new"][1], listed) == {no_speaker.id, paused_only.id, tomorrow.id,
                                                    future_new.id}
    assert ids(client, found["no_candidate"][1], listed) == {no_speaker.id, paused_only.id}
    assert ids(client, found["unanswered"][1], listed) == {old_offer.id}
    assert ids(client, found["soon"][1], listed) == {tomorrow.id}
    assert found["reports"][1].endswith("#reports-h")
    assert found["expiring"][1] == "/pool/documents/expiring"
    assert ids(client, found["expiring"][1], r'href="/pool/mediators/(\d+)"') == {speaker.id}
    outbox = client.get(found["dead_mail"][1]).get_data(as_text=True)
    assert "Tot" in outbox
    assert "Bewerberin" in client.get(found["applicants"][1]).get_data(as_text=True)
    start = client.get("/").get_data(as_text=True)
    assert "Austauschtreffen" in start and "Abgesagt" not in start
    # text, not only colour: the non-zero cards say so, a zero card looks calm
    assert start.count("Zu erledigen") == 8
    # the dashboard stays reachable, unfiltered
    assert 'href="/coordination/requests"' in start
    # the request list names the same filters with the same numbers as the cards
    listing = client.get("/coordination/requests").get_data(as_text=True)
    shown = {key: int(n) for key, n in re.findall(
        r'data-count="(\w+)"><a href="[^"]+">[^<]+</a>: <strong>(\d+)<', listing)}
    assert shown == {key: found[key][0] for key in ("new", "unanswered", "no_candidate", "soon")}
    assert "Angebote ohne Antwort" in listing and listing.count("Angebote ohne Antwort") == 1
    # the spoken languages are kept per worker, but a new speaker counts on the next page
    make_mediator(languages=(("yor", "", "native"),))
    db.session.commit()
    assert cards(client)["no_candidate"][0] == 1


def test_zero_cards_are_calm(client, login, clock, make_user):
    clock(NOW)
    login(make_user("coordinator"))
    start = client.get("/").get_data(as_text=True)
    assert start.count("start-card--calm") == 11 and "Zu erledigen" not in start
    assert start.count("Nichts zu tun") == 11 and "Kein Treffen geplant." in start


def test_institution_sees_only_its_own_requests(client, login, clock, make_user,
                                                make_institution, make_mediator):
    clock(NOW)
    user = make_user("institution")
    mine, other = user.institution, make_institution(name="Fremde Schule")
    made = {}
    for inst in (mine, other):
        m = make_mediator()  # one each: PostgreSQL refuses one person booked twice at once
        upcoming = make_request(inst, status="assigned")
        _assign(upcoming, m)
        waiting = make_request(inst, day=dt.date(2026, 12, 4))
        past = make_request(inst, day=dt.date(2026, 11, 30), status="assigned")
        _assign(past, m)
        made[inst.id] = (upcoming, waiting, past)
    make_request(mine, day=dt.date(2026, 12, 8), status="offered")
    make_request(mine, day=dt.date(2026, 11, 25), status="completed")
    db.session.commit()
    login(user)
    found = cards(client)
    assert {key: count for key, (count, _u) in found.items()} == {
        "confirm": 1, "upcoming": 1, "waiting": 2}
    upcoming, waiting, past = made[mine.id]
    listed = r'href="/requests/(\d+)"'
    assert ids(client, found["confirm"][1], listed) == {past.id}
    assert ids(client, found["upcoming"][1], listed) == {upcoming.id}
    assert len(ids(client, found["waiting"][1], listed)) == 2
    assert waiting.id in ids(client, found["waiting"][1], listed)
    theirs = {r.id for r in made[other.id]}
    assert not ids(client, "/requests/?filter=waiting", listed) & theirs
    assert not ids(client, "/requests/", listed) & theirs


def test_mediator_cards_show_only_own_rows(client, login, clock, make_user, make_institution,
                                           make_mediator):
    clock(NOW)
    user = make_user("mediator")
    me, other = user.mediator, make_mediator()
    inst = make_institution()
    offered = make_request(inst, status="offered")
    stale = make_request(inst, status="offered")
    db.session.add_all([
        Offer(request=offered, mediator=me, expires_at=NOW + dt.timedelta(hours=5)),
        Offer(request=offered, mediator=other, expires_at=NOW + dt.timedelta(hours=5)),
        Offer(request=stale, mediator=me,
              expires_at=NOW - dt.timedelta(hours=1)),  # expired in all but name
    ])
    coming = _assign(make_request(inst, status="assigned", day=dt.date(2026, 12, 10)), me)
    _assign(make_request(inst, status="assigned"), other)
    due = _assign(make_request(inst, status="assigned", day=dt.date(2026, 11, 27)), me)
    _assign(make_request(inst, status="completed", day=dt.date(2026, 11, 26)), me,
            status="completed", report_status="reported", reported_minutes=30)
    _assign(make_request(inst, status="assigned", day=dt.date(2026, 11, 28)), other)
    group = SupervisionGroup(name="Gruppe Süd")
    db.session.add_all([
        group,
        Meeting(kind="exchange", title="Austausch Dezember",
                starts_at=NOW + dt.timedelta(days=3), ends_at=NOW + dt.timedelta(days=3, hours=2)),
        Meeting(kind="supervision", title="Supervision Süd", group=group,
                starts_at=NOW + dt.timedelta(days=1), ends_at=NOW + dt.timedelta(days=1, hours=2)),
    ])
    db.session.commit()
    login(user)
    found = cards(client)
    assert {key: count for key, (count, _u) in found.items()} == {
        "offers": 1, "reports": 1, "upcoming": 1, "meeting": 1}
    offers_page = client.get(found["offers"][1]).get_data(as_text=True)
    assert offers_page.count("/accept") == 1 and "Meine nächsten Termine" not in offers_page
    listed = r'href="/me/assignments/(\d+)"'
    assert ids(client, found["reports"][1], listed) == {due.id}
    assert ids(client, found["upcoming"][1], listed) == {coming.id}
    start = client.get("/").get_data(as_text=True)
    assert "Austausch Dezember" in start and "Supervision Süd" not in start


def test_unknown_filters_show_the_whole_list(client, login, clock, make_user,
                                             make_institution):
    clock(NOW)
    req = make_request(make_institution())
    db.session.commit()
    login(make_user("coordinator"))
    assert ids(client, "/coordination/requests?filter=<x>",
               r'href="/coordination/requests/(\d+)"') >= {req.id}


@pytest.mark.parametrize("now, expected", [
    # Sunday 6 Dec 2026, 23:59 in Berlin: the week ends tonight
    (dt.datetime(2026, 12, 6, 22, 59, tzinfo=dt.UTC),
     {"sat": "past", "sun_late": "today", "mon": "later", "sun_next": "later"}),
    # one minute later it is Monday: Sunday is past, the new week runs to 13 Dec
    (dt.datetime(2026, 12, 6, 23, 0, tzinfo=dt.UTC),
     {"sat": "past", "sun_late": "past", "mon": "today", "sun_next": "week"}),
])
def test_day_groups_use_berlin_days_and_monday_weeks(app, clock, now, expected):
    from app.web.day_groups import bucket, day_groups

    clock(now)
    moments = {"sat": from_local(dt.date(2026, 12, 5), dt.time(12)),
               "sun_late": from_local(dt.date(2026, 12, 6), dt.time(23, 30)),
               "mon": from_local(dt.date(2026, 12, 7), dt.time(0, 30)),
               "sun_next": from_local(dt.date(2026, 12, 13), dt.time(20))}
    with app.test_request_context():
        assert {key: bucket(value, now) for key, value in moments.items()} == expected
        groups = day_groups([type("R", (), {"starts_at": v}) for v in moments.values()], now)
        assert [g.key for g in groups] == list(dict.fromkeys(expected.values()))


def test_request_lists_show_the_group_headings(client, login, clock, make_user,
                                               make_institution):
    clock(dt.datetime(2026, 12, 6, 23, 30, tzinfo=dt.UTC))  # Monday 00:30 in Berlin
    user = make_user("institution")
    today = make_request(user.institution, day=dt.date(2026, 12, 7), time=dt.time(9))
    week = make_request(user.institution, day=dt.date(2026, 12, 13), time=dt.time(9))
    later = make_request(user.institution, day=dt.date(2026, 12, 14), time=dt.time(9))
    earlier_past = make_request(user.institution, day=dt.date(2026, 11, 2), status="completed")
    latest_past = make_request(user.institution, day=dt.date(2026, 12, 4), status="completed")
    db.session.commit()
    login(make_user("coordinator"))
    page = client.get("/coordination/requests").get_data(as_text=True)
    headings = re.findall(r'<h2 class="day-group" id="group-(\w+)">([^<]+)<', page)
    assert headings == [("today", "Heute"), ("week", "Diese Woche"), ("later", "Später")]
    sections = re.split(r'<h2 class="day-group"', page)[1:]
    assert [ids_in(s, r'/coordination/requests/(\d+)"') for s in sections] == [
        {today.id}, {week.id}, {later.id}]
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    login(user)
    page = client.get("/requests/").get_data(as_text=True)  # nearest first, then the past
    assert re.findall(r'<h2 class="day-group" id="group-(\w+)"', page) == [
        "today", "week", "later", "past"]
    listed = [int(n) for n in re.findall(r'href="/requests/(\d+)"', page)]
    assert listed == [today.id, week.id, later.id, latest_past.id, earlier_past.id]


def ids_in(text: str, pattern: str) -> set[int]:
    return {int(n) for n in re.findall(pattern, text)}



def test_each_card_is_named_like_the_page_it_opens(client, login, clock, make_user):
    """One name per thing: the card, the heading it leads to, and the request list's counts
    ("Ablaufende Dokumente" on the card was "Ablaufende Nachweise" in the menu and page)."""
    clock(NOW)
    login(make_user("coordinator"))
    start = client.get("/").get_data(as_text=True)
    titles = dict(re.findall(
        r'data-card="(\w+)".*?<a[^>]*href="[^"]+"[^>]*>\s*([^<]+?)\s*</a>', start, re.S))
    links = {key: html_lib.unescape(url) for key, url, _n in CARD.findall(start)}
    checked = 0
    for key in ("new", "no_candidate", "unanswered", "soon", "reports", "expiring",
                "follow_ups", "burdened"):
        title = html_lib.unescape(titles[key])
        url, _hash, anchor = links[key].partition("#")
        page = html_lib.unescape(client.get(url).get_data(as_text=True))
        heading = (re.search(rf'<h2 id="{anchor}">([^<]+)<', page) if anchor
                   else re.search(r"<h1>([^<]+)<", page))
        assert heading and heading.group(1).strip() == title, (key, title, heading)
        checked += 1
    assert checked == 8
    listing = html_lib.unescape(client.get("/coordination/requests").get_data(as_text=True))
    for key in ("follow_ups", "burdened"):
        assert f">{html_lib.unescape(titles[key])}</a>:" in listing, key


def test_the_coordinators_menu_is_grouped_and_reaches_every_page(client, login, make_user):
    """Fifteen links wrapped to three lines: the menu now shows six entries, four of them
    groups that open on demand, and still reaches every page; the group of the current page
    is marked."""
    login(make_user("coordinator"))
    html = client.get("/pool/mediators").get_data(as_text=True)
    nav = html.split('aria-label="Hauptnavigation"', 1)[1].split("</nav>", 1)[0]
    top = re.findall(r'^            <li(?: class="([\w-]+)")?>', nav, re.M)
    assert len(top) == 6 and top.count("site-nav__group") == 4, top
    groups = re.findall(r'<summary class="site-nav__summary">([^<]+)<', nav)
    assert groups == ["Anfragen", "Pool", "Treffen", "Verwaltung"]
    marked = re.findall(r'data-current="true">\s*<summary class="site-nav__summary">([^<]+)<',
                        nav)
    assert marked == ["Pool"]
    links = re.findall(r'href="(/[^"]*)"', nav)
    assert len(links) == 16 and len(set(links)) == 16  # with the translations' review
