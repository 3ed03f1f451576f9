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
    # joins the lists, beneath Romani (rom), of which it is a variety
    assert '<option value="rmy">\u00a0\u00a0– Romanes (Vlach)</option>' in html
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


def test_each_worker_keeps_the_names_until_a_commit_changes_them(client, login, make_user):
    """The names are read once per stamp, not once per page; any committed ORM change of a
    name (here from the test's own session, as from another worker) shows on the next page."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import LanguageName
    from tests.core.test_query_counts import count_queries

    login(make_user("coordinator"))
    client.get("/pool/mediators")
    with count_queries() as seen:
        assert "Tigrinja" in client.get("/pool/mediators").get_data(as_text=True)
    assert not [s for s in seen if "FROM language_names" in s]
    assert [s for s in seen if "FROM fact_stamp" in s]

    db.session.add(LanguageName(code="tir", name_de="Tigrinisch", name_en="Tigrinya"))
    db.session.commit()
    assert "Tigrinisch" in client.get("/pool/mediators").get_data(as_text=True)

    # a Core write bypasses the stamp (as psql would): the copy stays until refresh-facts
    db.session.execute(sa.update(LanguageName).where(LanguageName.code == "tir")
                       .values(name_de="Tigrinya-Sprache"))
    db.session.commit()
    assert "Tigrinisch" in client.get("/pool/mediators").get_data(as_text=True)
    from app.services.core import stamps

    stamps.touch_all()
    db.session.commit()
    assert "Tigrinya-Sprache" in client.get("/pool/mediators").get_data(as_text=True)


def test_a_saved_name_is_used_at_once_in_its_own_transaction(app, make_user):
    """Before the commit, the transaction that saved a name reads the table, not the copy."""
    from app.services.core import language_admin

    with app.test_request_context():
        assert language_name("tir", "de") == "Tigrinja"
    coordinator = make_user("coordinator")
    with app.test_request_context():
        language_admin.save(coordinator, "tir", "Tigrinisch", "Tigrinya")
        assert language_name("tir", "de") == "Tigrinisch"
