"""Destructive actions ask first, without JavaScript.

The first POST (the "Remove" button) shows what will be removed and changes nothing; the
confirmation page is a plain form, posted here exactly as a browser without JavaScript
would post it; only that POST acts, and the flash names the object.
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import sqlalchemy as sa

from app.extensions import db
from app.models import Absence, Availability, ContactPerson, MediatorLanguage
from tests.conftest import csrf_token


def _confirmation_form(html: str) -> tuple[str, dict]:
    """The confirmation page's form: its action and its hidden fields (no JavaScript)."""
    match = re.search(r'<form method="post" action="([^"]+)" class="inline-form">(.*?)</form>',
                      html, re.S)
    assert match, "no confirmation form on the page"
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">',
                             match.group(2)))
    return unescape(match.group(1)), fields


def _first_then_confirm(client, url: str, token: str, names: str):
    first = client.post(url, data={"csrf_token": token})
    assert first.status_code == 200
    page = first.get_data(as_text=True)
    assert names in page and "Ja, entfernen" in page
    assert "Abbrechen" in page
    action, fields = _confirmation_form(page)
    assert action == url and fields["confirmed"] == "yes"
    return page, action, fields


def test_mediator_removes_a_language_only_after_confirming(client, login, make_user,
                                                          make_mediator):
    mediator = make_mediator(languages=(("ara", "", "native"), ("tir", "", "native")))
    user = make_user("mediator", mediator=mediator)
    login(user)
    arabic_id = next(lang.id for lang in mediator.languages if lang.code == "ara")
    url = f"/me/languages/{arabic_id}/delete"
    token = csrf_token(client, "/me/languages")

    page, action, fields = _first_then_confirm(client, url, token, "Arabisch")
    assert "Ja, entfernen" in page
    assert 'href="/me/languages"' in page  # "Abbrechen" goes back
    db.session.expire_all()
    assert db.session.get(MediatorLanguage, arabic_id) is not None  # nothing changed yet

    done = client.post(action, data=fields, follow_redirects=True)
    assert done.status_code == 200
    assert "Sprache Arabisch entfernt." in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(MediatorLanguage, arabic_id) is None


def test_availability_and_absence_ask_first(client, login, make_user, make_mediator):
    mediator = make_mediator()
    mediator.availability.append(Availability(weekday=0, start_time=dt.time(14),
                                              end_time=dt.time(18)))
    mediator.absences.append(Absence(start_date=dt.date(2030, 3, 4),
                                     end_date=dt.date(2030, 3, 8)))
    db.session.commit()
    login(make_user("mediator", mediator=mediator))
    window, absence = mediator.availability[0], mediator.absences[0]
    token = csrf_token(client, "/me/availability")

    url = f"/me/availability/{window.id}/delete"
    _page, action, fields = _first_then_confirm(client, url, token, "Montag 14:00–18:00")
    assert db.session.scalar(sa.select(sa.func.count(Availability.id))) == 1
    done = client.post(action, data=fields, follow_redirects=True).get_data(as_text=True)
    assert "Zeit Montag 14:00–18:00 entfernt." in done
    assert db.session.scalar(sa.select(sa.func.count(Availability.id))) == 0

    url = f"/me/absences/{absence.id}/delete"
    _page, action, fields = _first_then_confirm(client, url, token, "04.03.2030 – 08.03.2030")
    assert db.session.scalar(sa.select(sa.func.count(Absence.id))) == 1
    done = client.post(action, data=fields, follow_redirects=True).get_data(as_text=True)
    assert "Abwesenheit 04.03.2030 – 08.03.2030 entfernt." in done
    assert db.session.scalar(sa.select(sa.func.count(Absence.id))) == 0


def test_another_persons_item_is_not_even_shown(client, login, make_user, make_mediator):
    stranger = make_mediator(languages=(("ara", "", "native"),))
    db.session.commit()
    login(make_user("mediator"))
    token = csrf_token(client, "/me/languages")
    response = client.post(f"/me/languages/{stranger.languages[0].id}/delete",
                           data={"csrf_token": token})
    assert response.status_code == 404
    assert "Arabisch" not in response.get_data(as_text=True)


def test_coordinator_contact_and_language_of_a_record(client, login, make_user,
                                                     make_institution, make_mediator):
    institution = make_institution()
    contact = ContactPerson(institution_id=institution.id, name="Frau Beispiel")
    db.session.add(contact)
    mediator = make_mediator(languages=(("ara", "", "native"),))
    db.session.commit()
    login(make_user("coordinator"))
    token = csrf_token(client, f"/coordination/institutions/{institution.id}")

    contact_id = contact.id
    url = f"/coordination/institutions/{institution.id}/contacts/{contact_id}/delete"
    _page, action, fields = _first_then_confirm(client, url, token, "Frau Beispiel")
    assert db.session.get(ContactPerson, contact_id) is not None
    done = client.post(action, data=fields, follow_redirects=True).get_data(as_text=True)
    assert "Ansprechperson Frau Beispiel entfernt." in done
    db.session.expire_all()
    assert db.session.get(ContactPerson, contact_id) is None

    language_id = mediator.languages[0].id
    url = f"/pool/mediators/{mediator.id}/languages/{language_id}/delete"
    page, action, fields = _first_then_confirm(client, url, token, "Arabisch")
    assert mediator.full_name in page
    done = client.post(action, data=fields, follow_redirects=True).get_data(as_text=True)
    assert "Sprache Arabisch entfernt." in done
    db.session.expire_all()
    assert db.session.get(MediatorLanguage, language_id) is None


def test_a_confirmation_without_its_csrf_token_is_refused(client, login, make_user,
                                                          make_mediator):
    mediator = make_mediator(languages=(("ara", "", "native"),))
    login(make_user("mediator", mediator=mediator))
    response = client.post(f"/me/languages/{mediator.languages[0].id}/delete",
                           data={"confirmed": "yes"})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(MediatorLanguage, mediator.languages[0].id) is not None
