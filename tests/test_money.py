"""One money parser for the whole app: German and English typing both end as cents."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.services.booking import assignments as booking
from app.web.money import parse_cents
from tests.conftest import csrf_token
from tests.request_helpers import NOW, eligible, make_request


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
