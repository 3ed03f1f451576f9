"""Twenty volunteers say "Ich kann" for one first-come request at the same moment.

Real threads, each with its own app context, session and connection (the pattern of
tests/booking/test_booking_races.py), through the transaction helper the views use. The request
row lock decides: one volunteer is booked, the nineteen others wait for the lock and then
read "Schon vergeben"; nobody gets an error page.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Assignment, BoardSignup, User
from app.services.booking import board
from tests.booking.test_booking_races import _race
from tests.conftest import PG_URL
from tests.factories import NOW, eligible, make_request

VOLUNTEERS = 20

pytestmark = pytest.mark.skipif(
    not PG_URL, reason="SQLite has one writer and no row locks: twenty writers queue on busy_timeout "
           "instead of racing; the row-lock race is PostgreSQL's",
)


def test_twenty_volunteers_one_first_come_request_one_booking(app, clock, make_institution,
                                                              make_user, make_mediator):
    clock(NOW)
    inst = make_institution(kind="kita")
    req = make_request(inst, board_first_come=True)
    users = [make_user("mediator", mediator=eligible(make_mediator)) for _ in range(VOLUNTEERS)]
    db.session.commit()
    request_id, user_ids = req.id, [u.id for u in users]

    def volunteer(user_id):
        return lambda: board.sign_up(db.session.get(User, user_id), request_id)

    errors = _race(app, [volunteer(uid) for uid in user_ids])
    db.session.expire_all()
    live = db.session.scalars(sa.select(Assignment).where(Assignment.request_id == request_id,
                                                          Assignment.status != "cancelled")).all()
    assert len(live) == 1
    assert sorted(e is None for e in errors) == [False] * (VOLUNTEERS - 1) + [True]
    assert {e for e in errors if e} == {"Schon vergeben: Jemand anderes war schneller. "
                                        "Trotzdem vielen Dank!"}
    winner = users[errors.index(None)]
    assert live[0].mediator_id == winner.mediator_id
    assert db.session.scalars(sa.select(BoardSignup.mediator_id)).all() == [winner.mediator_id]
