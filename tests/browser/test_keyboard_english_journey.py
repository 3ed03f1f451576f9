"""Journey 1 once more, in English and with the keyboard only (Tab, Enter, Space, typing).

Every focus stop is checked for a visible focus indicator (computed outline or box shadow).
"""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa

from app.extensions import db
from app.models import InterpretingRequest
from app.timeutil import from_local
from tests.browser.journey_helpers import (
    NEXT_TUESDAY,
    NOW,
    PASSWORD,
    build_world,
    check_page,
    tab_to,
    type_date,
)


def _is(tag: str, name: str | None = None, text: str | None = None):
    return lambda s: (s["tag"] == tag and (name is None or s["name"] == name)
                      and (text is None or s["text"] == text))


def test_kita_request_in_english_with_keyboard_only(page, clock, make_user, make_institution,
                                                    make_mediator):
    clock(NOW)
    build_world(make_user, make_institution, make_mediator)
    page.goto("/auth/login")
    # the language list: its button names the language in force, the list each in its own
    tab_to(page, lambda s: s["tag"] == "SUMMARY" and s["text"].startswith("Deutsch"))
    page.keyboard.press("Enter")
    tab_to(page, _is("BUTTON", text="English"))
    page.keyboard.press("Enter")
    page.wait_for_function("document.documentElement.lang === 'en'")
    check_page(page, "login (en)")

    tab_to(page, _is("INPUT", "email"))
    page.keyboard.type("kita@example.org")
    tab_to(page, _is("INPUT", "password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/$|/requests"))
    tab_to(page, _is("A", text="New request"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/requests/new$"))
    assert page.get_by_role("heading", level=1).inner_text() == "New interpreting request"
    check_page(page, "kita: new request form (en)")

    tab_to(page, _is("INPUT", "day"))
    type_date(page, "day", NEXT_TUESDAY)
    tab_to(page, _is("INPUT", "start_time"))
    page.keyboard.type("0830A")  # the English field has AM/PM; "A" is ignored in 24 h
    tab_to(page, _is("INPUT", "mode"))  # nothing is pre-selected
    page.keyboard.press("Space")
    tab_to(page, _is("INPUT", "place_kind"))
    page.keyboard.press("Space")
    tab_to(page, _is("SELECT", "language_code"))
    page.keyboard.type("Tigrinya")
    tab_to(page, _is("SELECT", "occasion"))
    page.keyboard.type("Parent meeting")
    tab_to(page, _is("BUTTON", text="Submit request"))
    page.keyboard.press("Space")
    page.wait_for_url(re.compile(r"/requests/\d+$"))
    main = page.get_by_role("main").inner_text()
    assert "Submitted" in main and "Tigrinya" in main
    assert "8 Dec 2026, 08:30" in main  # British English date and time, never 12/8/26
    check_page(page, "kita: request detail (en)")
    req = db.session.scalar(sa.select(InterpretingRequest))
    assert req.starts_at == from_local(NEXT_TUESDAY, dt.time(8, 30))
    assert (req.language_code, req.occasion) == ("tir", "parent_meeting")
