"""Journey: the coordinator logs in and filters mediators by Tigrinya (German and English)."""

import re

from app.extensions import db
from tests.browser.conftest import check_accessibility
from tests.browser.journey_helpers import open_menu


def _login(page, email, password):
    page.goto("/auth/login")
    page.get_by_label("E-Mail").fill(email)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()


def test_coordinator_filters_mediators_by_tigrinya(page, make_user, make_mediator):
    make_user("coordinator", email="koordination@example.org")
    make_mediator(first_name="Selam", last_name="Tekle", languages=[("tir", "", "native")])
    make_mediator(first_name="Ayse", last_name="Yilmaz", languages=[("tur", "", "native")])
    db.session.commit()

    page.goto("/auth/login")
    check_accessibility(page, "login")
    _login(page, "koordination@example.org", "correct-horse-battery")
    page.wait_for_url(re.compile(r"/$"))  # the start page with its cards
    check_accessibility(page, "coordinator start page")
    open_menu(page, "Pool")  # the coordinator's menu groups its pages
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Sprachmittler/innen").click()
    page.wait_for_url(re.compile(r"/pool/mediators"))
    check_accessibility(page, "mediator list")
    page.get_by_label("Sprache").select_option("tir")
    page.get_by_role("button", name="Filtern").click()
    page.wait_for_url(re.compile(r"language=tir"))
    table = page.get_by_role("table")
    assert "Tekle" in table.inner_text()
    assert "Yilmaz" not in table.inner_text()
    page.get_by_role("link", name="Tekle, Selam").click()
    page.wait_for_url(re.compile(r"/pool/mediators/\d+"))
    assert "Tigrinja" in page.content()
    check_accessibility(page, "mediator record")


def test_english_ui_and_keyboard_login(page, make_user):
    make_user("coordinator", email="coord@example.org")
    db.session.commit()
    page.goto("/auth/login")
    page.locator("summary.site-lang__toggle").click()
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    # keyboard only: focus the e-mail field via its label, tab through, submit with Enter
    page.get_by_label("E-mail").focus()
    page.keyboard.type("coord@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("correct-horse-battery")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "What needs you now"
    page.goto("/pool/mediators")
    assert page.get_by_role("heading", level=1).inner_text() == "Mediators"
    check_accessibility(page, "mediator list (en)")


def test_validation_errors_are_linked_to_fields(page, make_user):
    make_user("coordinator", email="coord2@example.org")
    db.session.commit()
    _login(page, "coord2@example.org", "correct-horse-battery")
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/pool/mediators/new")
    page.get_by_role("button", name="Speichern").click()
    field = page.get_by_label("Nachname")
    assert field.get_attribute("aria-invalid") == "true"
    error_id = field.get_attribute("aria-describedby")
    assert page.locator(f"#{error_id}").inner_text() == "Dieses Feld wird benötigt."
    check_accessibility(page, "mediator form with errors")
