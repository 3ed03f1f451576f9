"""The coordinator reviews a reported hours entry: approve, correct or return it.

Correcting stores the office's values, approves them and tells the mediator what changed;
returning needs a reason, which the mediator reads on their assignment page before reporting
again. Allowance statements count the corrected values.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditLog
from app.services.allowances import statements as allowances
from app.services.booking import assignments as booking
from app.services.booking import report_review
from app.services.core.audit_text import sentences
from app.services.core.tasks import deliver_due
from tests.conftest import csrf_token
from tests.factories import NOW, make_booking

REASON = "Die Fahrkarte fehlt im Beleg, bitte Kosten pruefen"


@pytest.fixture()
def world(app, clock, make_user, make_institution, make_mediator):
    clock(NOW)
    inst = make_institution(kind="kita", name="Kita Regenbogen")
    coordinator = make_user("coordinator", email="koord@example.org")
    mediator = make_mediator(first_name="Saba", email="saba@example.org")
    med_user = make_user("mediator", mediator=mediator, email="saba@example.org")
    a = make_booking(inst, mediator, NOW - dt.timedelta(days=2))
    booking.report_hours(med_user, a, minutes=60, travel_km=Decimal("12.5"),
                         ticket_cost_cents=280)
    db.session.commit()
    deliver_due()
    return {"coordinator": coordinator, "med_user": med_user, "a": a}


def _switch(client, login, user) -> None:
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/")})
    login(user)


def _post(client, path, data):
    page = f"/coordination/assignments/{path.split('/')[3]}/review"
    return client.post(path, data={**data, "csrf_token": csrf_token(client, page)})


def _audit(action: str) -> list[AuditLog]:
    return list(db.session.scalars(sa.select(AuditLog).where(AuditLog.action == action)))


def _mails_to(smtp_server, address: str) -> list[str]:
    return [m.get_body(("plain",)).get_content() for m in smtp_server.messages
            if m["To"] == address]


def test_return_needs_a_reason_and_the_mediator_reads_it_and_reports_again(
        client, login, world, smtp_server):
    a = world["a"]
    login(world["coordinator"])
    review = client.get(f"/coordination/assignments/{a.id}/review")
    assert review.status_code == 200
    empty = _post(client, f"/coordination/assignments/{a.id}/return", {"reason": "  "})
    assert empty.status_code == 400
    db.session.expire_all()
    assert a.report_status == "reported"
    response = _post(client, f"/coordination/assignments/{a.id}/return", {"reason": REASON})
    assert response.status_code == 302
    db.session.expire_all()
    assert (a.report_status, a.return_reason) == ("returned", REASON)
    assert deliver_due()["sent"] == 1
    (body,) = _mails_to(smtp_server, "saba@example.org")
    assert REASON in body
    (entry,) = _audit("return_report")
    assert json.loads(entry.details)["reason"] == REASON
    with client.application.test_request_context():
        assert str(sentences([entry])[entry.id])
    # the mediator sees why and reports again
    _switch(client, login, world["med_user"])
    url = f"/me/assignments/{a.id}"
    page = client.get(url).get_data(as_text=True)
    assert REASON in page and 'name="minutes"' in page
    # due again: it is back in the list of reports to send
    assert url in client.get("/me/offers?show=reports").get_data(as_text=True)
    again = client.post(url, data={"minutes": "50", "travel_km": "12,5", "ticket_cost": "",
                                   "csrf_token": csrf_token(client, url)})
    assert again.status_code == 302
    db.session.expire_all()
    assert (a.report_status, a.reported_minutes, a.ticket_cost_cents) == ("reported", 50, None)
    assert REASON not in client.get(url).get_data(as_text=True)


def test_correct_stores_and_approves_the_values_and_tells_the_mediator_what_changed(
        client, login, world, smtp_server):
    a = world["a"]
    login(world["coordinator"])
    page = client.get(f"/coordination/assignments/{a.id}/review").get_data(as_text=True)
    assert 'value="60"' in page  # the form starts from the reported values
    response = _post(client, f"/coordination/assignments/{a.id}/correct",
                     {"minutes": "45", "travel_km": "12,5", "ticket_cost": "3,80"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (a.report_status, a.reported_minutes, a.travel_km, a.ticket_cost_cents) == (
        "approved", 45, Decimal("12.5"), 380)
    assert a.approved_by_id == world["coordinator"].id
    (entry,) = _audit("correct_report")
    changes = json.loads(entry.details)["changes"]
    assert changes == {"minutes": [60, 45], "ticket_cost_cents": [280, 380]}
    with client.application.test_request_context():
        assert str(sentences([entry])[entry.id])
    assert deliver_due()["sent"] == 1
    (body,) = _mails_to(smtp_server, "saba@example.org")
    assert "60" in body and "45" in body and "2,80" in body and "3,80" in body
    assert "12,5" not in body  # unchanged values are not listed


@pytest.mark.parametrize("data", [
    {"minutes": "961", "travel_km": "", "ticket_cost": ""},
    {"minutes": "-5", "travel_km": "", "ticket_cost": ""},
    {"minutes": "30", "travel_km": "99999999", "ticket_cost": ""},
    {"minutes": "30", "travel_km": "", "ticket_cost": "99999999"},
    {"minutes": "abc", "travel_km": "", "ticket_cost": ""},
])
def test_correct_keeps_the_bounds_of_the_report_form(client, login, world, data):
    a = world["a"]
    login(world["coordinator"])
    response = _post(client, f"/coordination/assignments/{a.id}/correct", data)
    assert response.status_code == 400
    db.session.expire_all()
    assert (a.report_status, a.reported_minutes) == ("reported", 60)


def test_only_a_waiting_report_can_be_corrected_or_returned(client, login, world):
    a = world["a"]
    report_review.approve_report(world["coordinator"], a)
    db.session.commit()
    login(world["coordinator"])
    for action, data in (("correct", {"minutes": "30"}), ("return", {"reason": REASON})):
        response = _post(client, f"/coordination/assignments/{a.id}/{action}", data)
        assert response.status_code == 409, action
    db.session.expire_all()
    assert (a.report_status, a.reported_minutes) == ("approved", 60)


def test_a_mediator_cannot_review_reports(client, login, world):
    login(world["med_user"])
    a = world["a"]
    assert client.get(f"/coordination/assignments/{a.id}/review").status_code in (302, 403)


def test_allowance_statements_count_the_corrected_values(world):
    a = world["a"]
    report_review.correct_report(world["coordinator"], a, minutes=45, travel_km=None,
                           ticket_cost_cents=None)
    (statement,) = allowances.generate_statements(2026, 11, world["coordinator"])
    (line,) = statement.lines
    assert (line.assignment_id, line.minutes, line.ticket_cents) == (a.id, 45, 0)
