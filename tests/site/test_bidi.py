"""Left-to-right islands in a right-to-left page: phone numbers, e-mail addresses and IBANs
read and are typed left to right, and German names inside an Arabic line keep their own
order (<bdi>), so "+49 1234 567-0" never turns into "567-0 1234 +49" (docs/i18n.md)."""

from __future__ import annotations

import datetime as dt
import re

from app.extensions import db
from tests.factories import make_booking

PHONE, IBAN = "+49 1234 567-0", "DE89370400440532013000"


def _arabic_mediator(make_user, make_mediator, login):
    mediator = make_mediator(phone=PHONE, iban=IBAN, account_holder="Selam Haile")
    user = make_user("mediator", mediator=mediator, locale="ar")
    login(user)
    return mediator


def test_contact_details_and_iban_stay_left_to_right(client, make_user, make_mediator, login):
    _arabic_mediator(make_user, make_mediator, login)
    profile = client.get("/me/profile").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in profile
    assert f'<bdi dir="ltr">{PHONE}</bdi>' in profile
    assert '<bdi dir="ltr">mittler1@example.org</bdi>' in profile
    assert re.search(r'<bdi dir="ltr">DE89[^<]*</bdi>', profile)
    assert re.search(r'<bdi dir="ltr">DE89[^<]*</bdi>', client.get("/me/bank").get_data(
        as_text=True))


def test_typed_addresses_numbers_and_ibans_run_left_to_right(client, make_user, make_mediator,
                                                              login):
    _arabic_mediator(make_user, make_mediator, login)
    edit = client.get("/me/profile/edit").get_data(as_text=True)
    assert re.search(r'<input[^>]*dir="ltr"[^>]*id="email"|<input[^>]*id="email"[^>]*dir="ltr"',
                     edit)
    phone = re.search(r'<input[^>]*id="phone"[^>]*>', edit).group(0)
    assert 'type="tel"' in phone and 'dir="ltr"' in phone  # a phone keypad, left to right
    iban = re.search(r'<input[^>]*id="iban"[^>]*>', client.get("/me/bank").get_data(
        as_text=True)).group(0)
    assert 'dir="ltr"' in iban


def test_german_names_in_an_arabic_line_are_isolated(client, make_user, make_mediator,
                                                     make_institution, login):
    mediator = _arabic_mediator(make_user, make_mediator, login)
    kita = make_institution(name="Kita Sonnenschein (Nord)")
    a = make_booking(kita, mediator, dt.datetime(2026, 12, 10, 9, tzinfo=dt.UTC), variety="Asmara")
    db.session.commit()
    page = client.get(f"/me/assignments/{a.id}").get_data(as_text=True)
    assert "<bdi>Kita Sonnenschein (Nord)</bdi>, <bdi>Teststraße" in page
    assert "(<bdi>Asmara</bdi>)" in page
