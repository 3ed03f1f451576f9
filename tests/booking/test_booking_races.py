"""Race real threads (each with its own app context, session and connection) for one booking.

On PostgreSQL the row locks decide: the loser waits and then gets the domain message. SQLite
has a single writer; the booking takes the write lock before it reads, so the loser waits
(busy_timeout) and then gets the same message. Either way exactly one assignment exists.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Assignment, Offer, User
from app.services.booking import assignments as booking
from app.services.booking import offers
from app.timeutil import freeze
from app.web.transaction import commit_or_message
from tests.factories import NOW, eligible, make_request

ROUNDS = 3


def _race(app, jobs):
    """Run each job in its own thread and app context at the same moment; return messages."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(i, job):
        with app.app_context():
            freeze(NOW)
            try:
                barrier.wait(timeout=10)
                results[i] = commit_or_message(job)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return [error for _result, error in results]


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_coordinators_same_mediator_overlapping_requests(app, clock, make_institution,
                                                             make_user, make_mediator, round_):
    clock(NOW)
    inst = make_institution(kind="kita")
    c1, c2 = make_user("coordinator"), make_user("coordinator")
    m = eligible(make_mediator, max_per_week=5)
    req_a = make_request(inst, time=dt.time(10))
    req_b = make_request(inst, time=dt.time(10, 30))
    db.session.commit()
    ids = (req_a.id, req_b.id, m.id, c1.id, c2.id)

    def assign(request_id, coordinator_id):
        return lambda: booking.book(db.session.get(User, coordinator_id), request_id, ids[2])

    errors = _race(app, [assign(ids[0], ids[3]), assign(ids[1], ids[4])])
    db.session.expire_all()
    live = db.session.scalars(sa.select(Assignment).where(Assignment.mediator_id == m.id,
                                                          Assignment.status == "active")).all()
    assert len(live) == 1
    assert sorted(e is None for e in errors) == [False, True]
    loser = next(e for e in errors if e)
    assert "schon gebucht" in loser


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_mediators_accept_the_same_request(app, clock, make_institution, make_user,
                                               make_mediator, round_):
    clock(NOW)
    inst = make_institution(kind="kita")
    coordinator = make_user("coordinator")
    m1, m2 = eligible(make_mediator), eligible(make_mediator)
    u1, u2 = make_user("mediator", mediator=m1), make_user("mediator", mediator=m2)
    req = make_request(inst)
    o1, o2 = offers.send_offers(coordinator, req.id, [m1.id, m2.id])
    db.session.commit()
    pairs = ((o1.id, u1.id), (o2.id, u2.id))

    def accept(offer_id, user_id):
        return lambda: offers.accept_offer(offer_id, db.session.get(User, user_id))

    errors = _race(app, [accept(*p) for p in pairs])
    db.session.expire_all()
    live = db.session.scalars(sa.select(Assignment).where(Assignment.request_id == req.id)).all()
    assert len(live) == 1
    assert sorted(e is None for e in errors) == [False, True]
    loser = next(e for e in errors if e)
    assert "schon jemand anderes" in loser
    statuses = sorted(db.session.scalars(sa.select(Offer.status).where(Offer.request_id == req.id)))
    assert statuses == ["accepted", "withdrawn"]
