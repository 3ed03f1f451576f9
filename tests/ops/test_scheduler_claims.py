"""Two schedulers at once never act on one row: the request tick claims its rows.

Why: after a database restart two schedulers may act for a moment (the old holder learns of
its lost lock only when it next asks). The outbox, reminders and follow-ups already claim
each row (SKIP LOCKED, unique keys); the tick claims the requests it expires, escalates and
marks unfilled, so a second tick in the same moment skips them instead of mailing twice.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditLog, InterpretingRequest, Offer, OutboxMessage
from app.services.booking import offers
from tests.factories import make_request

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture()
def pg(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row claims between writers need PostgreSQL (SQLite has a single writer)")
    return app


def test_a_second_tick_skips_the_rows_the_first_one_holds(pg, clock, make_institution,
                                                          make_mediator, make_user):
    clock(NOW - dt.timedelta(hours=30))
    inst = make_institution()
    make_user("institution", institution=inst, email="kita@example.org")
    make_user("coordinator", email="koord@example.org")
    escalate = make_request(inst, day=dt.date(2026, 12, 3), created_at=NOW - dt.timedelta(hours=30))
    begun = make_request(inst, day=dt.date(2026, 12, 1), time=dt.time(8))
    offered = make_request(inst, day=dt.date(2026, 12, 4), status="offered")
    db.session.add(Offer(request=offered, mediator=make_mediator(),
                         expires_at=NOW - dt.timedelta(hours=1), created_at=NOW))
    db.session.commit()
    clock(NOW)
    second: dict = {}

    def other_scheduler() -> None:
        with pg.app_context():
            try:
                second["result"] = offers.tick(NOW)
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - reported below
                second["error"] = exc
                db.session.rollback()

    with pg.app_context():  # the first scheduler: its tick has run, not yet committed
        first = offers.tick(NOW)
        thread = threading.Thread(target=other_scheduler)
        thread.start()
        thread.join(timeout=5)
        finished_while_held = not thread.is_alive()
        db.session.commit()
    thread.join(timeout=30)

    assert first == {"expired": 1, "unfilled": 1, "escalated": 1}
    assert finished_while_held, "the second tick waited for the first one's rows"
    assert second == {"result": {"expired": 0, "unfilled": 0, "escalated": 0}}
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.action.in_(("escalate", "unfilled")))) == 2
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 2
    assert db.session.get(InterpretingRequest, escalate.id).escalated_at is not None
    assert db.session.get(InterpretingRequest, begun.id).status == "unfilled"
