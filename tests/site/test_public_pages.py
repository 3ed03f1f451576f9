"""BITV 2.0 pages, town identity from the configuration, and the phone menu (docs/ui.md)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import OutboxMessage
from tests.conftest import csrf_token

PAGES = ("/barrierefreiheit", "/leichte-sprache", "/impressum", "/datenschutz")


@pytest.fixture()
def beispielhausen(app):
    """Another town's identity, set as an operator would through the environment."""
    saved = {k: app.config[k] for k in ("TOWN_NAME", "OFFICE_EMAIL", "ARBITRATION_BODY_URL",
                                        "PRIVACY_CONTACT", "IMPRINT_REPRESENTATIVE",
                                        "OFFICE_ADDRESS")}
    app.config.update(TOWN_NAME="Beispielhausen", OFFICE_EMAIL="integration@beispielhausen.test",
                      ARBITRATION_BODY_URL="https://schlichtung.beispielland.test/",
                      PRIVACY_CONTACT="Datenschutz Beispielhausen, dsb@beispielhausen.test",
                      IMPRINT_REPRESENTATIVE="Bürgermeister Bernd Beispiel",
                      OFFICE_ADDRESS="Markt 2, 54321 Beispielhausen")
    yield app
    app.config.update(saved)


def _outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage)))


@pytest.mark.parametrize("path", PAGES)
def test_public_pages_are_open_to_anyone_and_name_the_town(client, beispielhausen, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Beispielhausen" in html and "Musterstadt" not in html
    assert re.search(r'<div class="[^"]*" lang="de">', html)  # German content in any UI


def test_every_page_footer_links_the_four_pages(client, login, make_user):
    login(make_user("mediator"))
    footer = client.get("/me/offers").get_data(as_text=True).split('<footer')[1]
    for path in PAGES:
        assert f'href="{path}"' in footer, path


def test_legal_facts_come_from_the_configuration(client, beispielhausen):
    statement = client.get("/barrierefreiheit").get_data(as_text=True)
    assert 'href="https://schlichtung.beispielland.test/"' in statement
    assert "teilweise vereinbar" in statement and "01.12.2026" in statement
    assert "Bürgermeister Bernd Beispiel" in client.get("/impressum").get_data(as_text=True)
    assert "dsb@beispielhausen.test" in client.get("/datenschutz").get_data(as_text=True)


def test_easy_language_page_is_german_in_the_english_ui(client):
    client.post("/language/en", data={"csrf_token": csrf_token(client, "/auth/login")})
    html = client.get("/leichte-sprache").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in html
    assert '<div class="easy-language" lang="de">' in html
    assert "Der SKM-Pool in Leichter Sprache" in html


def test_feedback_goes_to_the_office_outbox(client, beispielhausen):
    token = csrf_token(client, "/barrierefreiheit")
    response = client.post("/barrierefreiheit", data={
        "csrf_token": token, "message": "Der Kalender ist mit dem Screenreader schwer.",
        "page": "/calendar/mine", "email": "leser@example.org",
        "name": "Kim\r\nBcc: x@evil.test"})
    assert response.status_code == 302
    [msg] = _outbox()
    assert msg.recipient == "integration@beispielhausen.test"
    assert "Barrierefreiheit" in msg.subject and "\n" not in msg.subject
    assert "Der Kalender ist mit dem Screenreader schwer." in msg.body_text
    assert "leser@example.org" in msg.body_text
    followed = client.get("/barrierefreiheit").get_data(as_text=True)
    assert "kern-alert--success" in followed


def test_feedback_without_message_or_token_is_refused_and_queues_nothing(client):
    token = csrf_token(client, "/barrierefreiheit")
    empty = client.post("/barrierefreiheit", data={"csrf_token": token, "message": "  "})
    assert empty.status_code == 400 and 'class="kern-error"' in empty.get_data(as_text=True)
    assert client.post("/barrierefreiheit", data={"message": "Hallo"}).status_code == 400
    assert client.post("/barrierefreiheit", data={
        "csrf_token": token, "message": "x", "email": "not-an-address"}).status_code == 400
    assert _outbox() == []


def test_feedback_is_rate_limited(client, app):
    token = csrf_token(client, "/barrierefreiheit")
    limit = int(app.config["ACCESSIBILITY_FEEDBACK_RATE_LIMIT"].split()[0])
    codes = [client.post("/barrierefreiheit", data={"csrf_token": token, "message": f"m{i}"}
                         ).status_code for i in range(limit + 1)]
    assert codes == [302] * limit + [429]
    assert len(_outbox()) == limit


def test_header_menu_opens_without_script_and_marks_the_current_page(client, login, make_user):
    login(make_user("coordinator"))
    html = client.get("/pool/mediators").get_data(as_text=True)
    menu = html.split('<details class="site-menu">')[1].split("</header>")[0]  # groups nest details
    assert "<summary" in menu and "<nav" in menu
    assert re.search(r'href="/pool/mediators"\s+aria-current="page"', menu)
    assert menu.count('aria-current="page"') == 1
    assert "<script" not in html
