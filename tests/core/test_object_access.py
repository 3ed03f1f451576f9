"""Object-level access: with a real id of another institution's or mediator's record, every
id-bearing route of the institution and mediator areas answers 403/404 and changes nothing.

Why beside the URL-map walk: that walk uses made-up ids, so it proves the role check but not
that a logged-in user cannot reach someone else's record by editing the id in the URL.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.demo.seed import LOGINS, seed_demo
from app.extensions import db
from app.models import (
    Absence,
    Assignment,
    Availability,
    InterpretingRequest,
    MediatorLanguage,
    Offer,
    User,
)
from tests.conftest import csrf_token
from tests.core.test_access_walk import _rules

# URL parameter -> (model, owner column) per role area
OWNED = {
    "institution": {"request_id": (InterpretingRequest, "institution_id")},
    "mediator": {"offer_id": (Offer, "mediator_id"), "assignment_id": (Assignment, "mediator_id"),
                 "absence_id": (Absence, "mediator_id"),
                 "availability_id": (Availability, "mediator_id"),
                 "language_id": (MediatorLanguage, "mediator_id")},
}
# meetings are shared by invitation, not owned; their visibility has its own tests
SHARED = {"meeting_id"}
# the open-request board's requests are shared by the hard rules, not owned: a request that
# does not fit is refused (409) and nothing is written (tests/booking/test_board.py)
SHARED_BY_ROLE = {"mediator": {"request_id"}}
PREFIX = {"institution": "/requests/", "mediator": "/me/"}
# plausible form data, so a missing check cannot hide behind a validation error
FORM = {"reason": "Termin entfällt", "outcome": "held", "answer": "yes", "note": "x",
        "reported_minutes": "60", "travel_km": "0", "ticket_cost": "0"}


def _snapshot(model, ids):
    rows = db.session.scalars(sa.select(model).where(model.id.in_(ids))).all()
    return {r.id: getattr(r, "status", None) for r in rows}


@pytest.mark.parametrize("role", ["institution", "mediator"])
def test_foreign_ids_are_refused_on_every_id_bearing_route(role, app, client):
    seed_demo(db.session)
    email, password = next((e, p) for r, e, p in LOGINS if r == role)
    user = db.session.scalar(sa.select(User).where(User.email == email))
    owner = user.institution_id if role == "institution" else user.mediator_id
    db.session.commit()
    token = csrf_token(client, "/auth/login")
    assert client.post("/auth/login", data={"email": email, "password": password,
                                            "csrf_token": token}).status_code == 302
    token = csrf_token(client, "/calendar/")
    checked, problems = 0, []
    for method in ("GET", "POST"):
        for rule in _rules(app, method):
            params = re.findall(r"<int:(\w+)>", rule.rule)
            shared = SHARED | SHARED_BY_ROLE.get(role, set())
            if not rule.rule.startswith(PREFIX[role]) or not params or params[0] in shared:
                continue
            model, column = OWNED[role][params[0]]
            foreign = list(db.session.scalars(
                sa.select(model.id).where(getattr(model, column) != owner)
                .order_by(model.id).limit(3)))
            assert foreign, f"demo data has no foreign {model.__name__}"
            before = _snapshot(model, foreign)
            for object_id in foreign:
                path = re.sub(r"<int:\w+>", str(object_id), rule.rule)
                if method == "GET":
                    code = client.get(path).status_code
                else:
                    code = client.post(path, data={**FORM, "csrf_token": token}).status_code
                checked += 1
                if code not in (403, 404):
                    problems.append((method, path, code))
            db.session.expire_all()
            if _snapshot(model, foreign) != before:
                problems.append((method, rule.rule, "changed a foreign record"))
    assert checked >= (6 if role == "institution" else 20)
    assert problems == []
