"""One money parser for the whole app: German and English typing both end as cents."""

from __future__ import annotations

import html as html_lib
import re
from decimal import Decimal

import pytest

from app.extensions import db
from app.services.booking import assignments as booking
from app.web.money import parse_cents, parse_decimal
from tests.conftest import csrf_token
from tests.factories import NOW, eligible, make_request


@pytest.mark.parametrize(("text", "cents"), [
    ("2,80", 280), ("1.234,50", 123450), ("2.80", 280), ("15", 1500), ("0,5", 50),
    (" 3,50 € ", 350), ("-4,00", -400), ("", None),
])
def test_amounts_typed_either_way_are_cents(text, cents):
    assert parse_cents(text) == cents


@pytest.mark.parametrize("text", ["2,805", "1,234.50", "zwei", "1.23.4"])
def test_what_is_no_amount_is_refused(app, text):
    with pytest.raises(ValueError, match="15,50"):
        parse_cents(text)


@pytest.mark.parametrize(("locale", "typed", "message"), [
    ("de", "2,80", None), ("en", "2.80", None),
    ("de", "1.234,50", "nicht mehr als 999,00 sein"),
])
def test_mediator_reports_the_ticket_cost_as_typed(client, login, clock, make_user,
                                                   make_institution, make_mediator,
                                                   locale, typed, message):
    """The report form reads "2,80" in the German UI and "2.80" in the English one."""
    clock(NOW)
    coordinator = make_user("coordinator")
    m = eligible(make_mediator)
    me = make_user("mediator", mediator=m, locale=locale)
    req = make_request(make_institution(kind="school"))
    a = booking.book(coordinator, req.id, m.id)
    db.session.commit()
    login(me)
    clock(req.ends_at)
    page = f"/me/assignments/{a.id}"
    response = client.post(page, data={"minutes": "60", "travel_km": "", "ticket_cost": typed,
                                       "csrf_token": csrf_token(client, page)})
    db.session.expire_all()
    if message is None:
        assert response.status_code == 302
        assert a.ticket_cost_cents == 280 and a.report_status == "reported"
    else:
        assert response.status_code == 400 and message in response.get_data(as_text=True)
        assert a.ticket_cost_cents is None and a.report_status == "none"


@pytest.mark.parametrize(("locale", "text", "cents"), [
    ("en", "1,234.50", 123450), ("en", "2.80", 280), ("en", "2,80", 280), ("en", "1,234", 123400),
    ("de", "1.234", 123400), ("de", "1.234,5", 123450),
])
def test_the_ui_language_decides_what_a_thousands_separator_is(locale, text, cents):
    assert parse_cents(text, locale) == cents


@pytest.mark.parametrize(("locale", "text", "km"), [
    ("de", "12,5", Decimal("12.5")), ("de", "3.5", Decimal("3.5")), ("en", "12.5", Decimal("12.5")),
    ("en", "1,234.5", Decimal("1234.5")), ("de", "7", Decimal("7")),
])
def test_decimals_typed_either_way(locale, text, km):
    assert parse_decimal(text, 1, locale) == km


def test_a_decimal_with_too_many_places_is_refused(app):
    with pytest.raises(ValueError, match="12,5"):
        parse_decimal("3,55", 1, "de")


def _report_setup(clock, make_user, make_institution, make_mediator, locale):
    clock(NOW)
    coordinator = make_user("coordinator")
    m = eligible(make_mediator)
    me = make_user("mediator", mediator=m, locale=locale)
    req = make_request(make_institution(kind="school"))
    a = booking.book(coordinator, req.id, m.id)
    db.session.commit()
    clock(req.ends_at)
    return me, a


VALUE_RE = r'name="{name}"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="{name}"'


def _shown(html: str, name: str) -> str:
    match = re.search(VALUE_RE.format(name=name), html)
    assert match, f"no field {name}"
    return html_lib.unescape(match.group(1) or match.group(2) or "")


@pytest.mark.parametrize(("locale", "km", "ticket"), [("de", "3,5", "2,80"),
                                                      ("en", "3.5", "2.80")])
def test_a_report_opened_again_shows_and_keeps_travel_costs(client, login, clock, make_user,
                                                           make_institution, make_mediator,
                                                           locale, km, ticket):
    """45 min, 3.5 km, 2.80 €: the page shows them again and sending it as shown keeps them."""
    me, a = _report_setup(clock, make_user, make_institution, make_mediator, locale)
    login(me)
    page = f"/me/assignments/{a.id}"
    response = client.post(page, data={"minutes": "45", "travel_km": km, "ticket_cost": ticket,
                                       "csrf_token": csrf_token(client, page)})
    assert response.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert (_shown(html, "minutes"), _shown(html, "travel_km"), _shown(html, "ticket_cost")) \
        == ("45", km, ticket)
    for name in ("travel_km", "ticket_cost"):  # no browser-localised number inputs
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'inputmode="decimal"' in tag and 'type="text"' in tag
    form = {name: _shown(html, name) for name in ("minutes", "travel_km", "ticket_cost",
                                                  "csrf_token")}
    assert client.post(page, data=form).status_code == 302  # sent again as shown
    db.session.expire_all()
    assert (a.reported_minutes, a.travel_km, a.ticket_cost_cents) == (45, Decimal("3.5"), 280)


def test_a_second_report_replaces_only_what_was_sent(client, login, clock, make_user,
                                                    make_institution, make_mediator):
    me, a = _report_setup(clock, make_user, make_institution, make_mediator, "de")
    login(me)
    page = f"/me/assignments/{a.id}"
    client.post(page, data={"minutes": "45", "travel_km": "12,5", "ticket_cost": "2,80",
                            "csrf_token": csrf_token(client, page)})
    # a second report with only the minutes: what was not sent stays
    client.post(page, data={"minutes": "50", "csrf_token": csrf_token(client, page)})
    db.session.expire_all()
    assert (a.reported_minutes, a.travel_km, a.ticket_cost_cents) == (50, Decimal("12.5"), 280)
    # clearing a shown field on purpose clears it
    client.post(page, data={"minutes": "50", "travel_km": "", "ticket_cost": "2,80",
                            "csrf_token": csrf_token(client, page)})
    db.session.expire_all()
    assert (a.travel_km, a.ticket_cost_cents) == (None, 280)


@pytest.mark.parametrize(("typed", "locale", "expected"), [
    ("3,5", "ar", Decimal("3.5")),  # the German way works in every UI language
    ("3.5", "uk", Decimal("3.5")),
    ("٣٫٥", "ar", Decimal("3.5")),  # Arabic digits and decimal mark, as a phone types them
    ("۱۲٫۵", "fa", Decimal("12.5")),  # Persian digits
    ("١٬٢٣٤٫٥", "ar", Decimal("1234.5")),  # with the Arabic thousands mark
])
def test_a_mediator_types_a_decimal_in_their_own_script(typed, locale, expected):
    assert parse_decimal(typed, 1, locale) == expected
