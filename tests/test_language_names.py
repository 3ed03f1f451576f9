"""Every offered language has a reviewed name in German and English; coordinators extend it."""

from __future__ import annotations

import re

from app.services.core.languages import language_choices, language_name
from tests.conftest import csrf_token


def test_every_offered_language_has_a_reviewed_name_in_both_ui_languages(app):
    from app.services.core.language_names import REVIEWED

    with app.test_request_context():
        offered = [code for code, _name in language_choices("de")]
        missing = [c for c in offered if c not in REVIEWED or not all(REVIEWED[c])]
        assert not missing, f"offered without a reviewed name: {missing}"
        shown = [language_name(c, loc) for c in offered for loc in ("de", "en")]
    raw = [n for n in shown if re.search(r";|Makrosprache|macrolanguage|\(ab |\d{4}", n)]
    assert not raw, raw


def test_names_an_office_can_publish(app):
    with app.test_request_context():
        assert language_name("rom", "de") == "Romanes"
        assert language_name("apc", "de") == "Levantinisches Arabisch"
        assert language_name("pus", "de") == "Paschtu"
        assert language_name("ell", "de") == "Griechisch"
        assert language_name("nep", "de") == "Nepali"
        assert language_name("apc", "en") == "Levantine Arabic"
        assert language_name("qqq", "de") == "qqq"  # unknown: the code itself
        assert language_name("gsw", "de") == "Schweizerdeutsch"  # not reviewed: ISO fallback


def _save(client, code, de, en):
    return client.post("/coordination/languages", data={
        "code": code, "name_de": de, "name_en": en,
        "csrf_token": csrf_token(client, "/coordination/languages")})


def test_coordinator_renames_and_adds_a_language(client, login, make_user):
    login(make_user("coordinator"))
    assert "Tigrinja" in client.get("/pool/mediators").get_data(as_text=True)  # memo warm

    assert _save(client, "tir", "Tigrinisch", "Tigrinya (Eritrea)").status_code == 302
    assert _save(client, "RMY", "Romanes (Vlach)", "Vlax Romani").status_code == 302

    html = client.get("/pool/mediators").get_data(as_text=True)
    assert "Tigrinisch" in html and "Tigrinja" not in html
    assert '<option value="rmy">Romanes (Vlach)</option>' in html  # joins the lists
    page = client.get("/coordination/languages").get_data(as_text=True)
    assert "Vlax Romani" in page and "Tigrinya (Eritrea)" in page

    remove = client.post("/coordination/languages/tir/remove",
                         data={"csrf_token": csrf_token(client, "/coordination/languages"),
                               "confirmed": "yes"})
    assert remove.status_code == 302
    assert "Tigrinja" in client.get("/pool/mediators").get_data(as_text=True)


def test_a_wrong_code_is_a_message_not_an_error(client, login, make_user):
    login(make_user("coordinator"))
    response = _save(client, "zz9", "Irgendwas", "Anything")
    assert response.status_code in (400, 409)
    assert "zz9" in response.get_data(as_text=True)


def test_only_coordinators_edit_language_names(client, login, make_user):
    login(make_user("mediator"))
    assert client.get("/coordination/languages").status_code in (302, 403)
