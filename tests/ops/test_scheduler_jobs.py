"""Every registered job runs once in a production-like configuration (no SERVER_NAME).

Why: the test configuration sets SERVER_NAME, which let `url_for` build links outside a
request; production does not set it, so a mail link built that way failed every run of the
job that queued it and rolled the whole run back. Here each job finds due work, nothing may
fail or log a failure, and a fresh session sees what the runs committed.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import sqlalchemy as sa

from app import create_app, scheduler
from app.extensions import db
from app.models import (
    Assignment,
    AuditLog,
    Document,
    FollowUp,
    InterpretingRequest,
    Meeting,
    Offer,
    OutboxMessage,
    SentReminder,
)
from app.services.core.outbox import enqueue
from tests.factories import make_booking, make_request
from tests.production import ProductionTestConfig

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)  # Tuesday 09:00 in Berlin (after 07:00)
BASE = "https://skm.example/pool"


@pytest.fixture(scope="module")
def prod_app(_app):
    """The production configuration against the test database: no SERVER_NAME, https links
    under a path prefix, assumed completion on (so that job has work too)."""

    class ProductionLike(ProductionTestConfig):
        SQLALCHEMY_DATABASE_URI = _app.config["SQLALCHEMY_DATABASE_URI"]
        BASE_URL = BASE
        FEED_LISTEN = False
        ASSUME_COMPLETION_AFTER_DAYS = 7

    assert "SERVER_NAME" not in vars(ProductionTestConfig.__mro__[1])
    application = create_app(ProductionLike)
    assert application.config.get("SERVER_NAME") is None
    yield application
    with application.app_context():
        db.engine.dispose()


def _due_world(make_institution, make_mediator, make_user) -> dict[str, int]:
    """One piece of due work for every job, all due at NOW."""
    inst = make_institution(name="Kita Sonnenschein")
    make_user("institution", institution=inst, email="kita@example.org")
    make_user("coordinator", email="koord@example.org")
    created = NOW - dt.timedelta(hours=30)
    # requests.tick: an offer past its expiry, a request past escalation, one already begun
    offered = make_request(inst, day=dt.date(2026, 12, 4), status="offered")
    mediator = make_mediator(email="offer@example.org")
    offer = Offer(request=offered, mediator=mediator, expires_at=NOW - dt.timedelta(hours=1),
                  created_at=created)
    db.session.add(offer)
    escalate = make_request(inst, day=dt.date(2026, 12, 3), created_at=created)
    begun = make_request(inst, day=dt.date(2026, 12, 1), time=dt.time(8), created_at=created)
    # reminders: a meeting in 7 days, an assignment tomorrow, a certificate due soon
    start = NOW + dt.timedelta(days=7, minutes=-30)
    db.session.add(Meeting(kind="exchange", title="Austauschtreffen", place="Rathaus",
                           starts_at=start, ends_at=start + dt.timedelta(hours=2)))
    active = make_mediator(email="selam@example.org")
    make_user("mediator", mediator=active, email="selam-user@example.org")
    make_booking(inst, active, NOW + dt.timedelta(hours=23, minutes=50))
    db.session.add(Document(mediator=active, kind="police_certificate",
                            recorded_on=dt.date(2022, 1, 1), issued_on=dt.date(2021, 12, 20)))
    # follow-ups: an appointment of the day before yesterday; assumed completion: 10 days ago
    yesterday = make_booking(inst, active, NOW - dt.timedelta(days=2), note="")
    assumed = make_booking(inst, active, NOW - dt.timedelta(days=10), note="")
    # retention: a note of an appointment more than a year ago
    old = make_request(inst, day=dt.date(2025, 6, 5), status="completed", note="Vater krank",
                       created_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    # the outbox: a message already waiting
    enqueue("waiting@example.org", "Wartet", "Diese Nachricht wartet schon.")
    db.session.commit()
    return {"offer": offer.id, "offered": offered.id, "escalate": escalate.id,
            "begun": begun.id, "yesterday": yesterday.id, "assumed": assumed.id, "old": old.id}


def test_every_job_runs_in_production_configuration(app, prod_app, clock, smtp_server, caplog,
                                                    make_institution, make_mediator,
                                                    make_user):
    clock(NOW - dt.timedelta(hours=30))
    ids = _due_world(make_institution, make_mediator, make_user)
    clock(NOW)
    prod_app.config["MAIL_PORT"] = app.config["MAIL_PORT"]  # the real SMTP server of the test
    caplog.set_level(logging.INFO, logger="skm.scheduler")

    results = {job.id: scheduler.run_job(prod_app, job) for job in scheduler.JOBS}
    results["outbox.deliver (again)"] = scheduler.run_job(prod_app, scheduler.JOBS[0])

    failures = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert failures == []
    assert all(value is not None for value in results.values()), results
    assert results["requests.tick"] == {"expired": 1, "unfilled": 1, "escalated": 1}
    assert results["follow_up.send"] == 4 and results["follow_up.assume"] == 1
    for job_id in ("reminders.meetings", "reminders.assignments", "reminders.documents",
                   "reminders.open_requests_digest"):
        assert results[job_id] >= 1, job_id

    # what the runs committed, seen from a fresh session
    with prod_app.app_context():
        s = db.session
        assert s.get(Offer, ids["offer"]).status == "expired"
        assert s.get(InterpretingRequest, ids["offered"]).status == "submitted"
        assert s.get(InterpretingRequest, ids["begun"]).status == "unfilled"
        assert s.get(InterpretingRequest, ids["escalate"]).escalated_at is not None
        assert s.get(InterpretingRequest, ids["old"]).note == ""
        assert s.get(Assignment, ids["assumed"]).completion_assumed is True
        assert s.scalar(sa.select(sa.func.count(FollowUp.id))) == 4
        assert s.scalar(sa.select(sa.func.count(SentReminder.id))) >= 4
        assert s.scalar(sa.select(sa.func.count(AuditLog.id)).where(
            AuditLog.action.in_(("escalate", "unfilled")))) == 2
        assert s.scalar(sa.select(sa.func.count(OutboxMessage.id)).where(
            OutboxMessage.status != "sent")) == 0
        db.session.remove()

    mails = {(m["To"], m["Subject"]): m.get_body(("plain",)).get_content()
             for m in smtp_server.messages}
    assert ("waiting@example.org", "Wartet") in mails
    bodies = "\n".join(mails.values())
    assert "skm.test" not in bodies
    assert f"{BASE}/coordination/requests/{ids['escalate']}" in bodies  # escalation, digest
    assert f"{BASE}/requests/{ids['begun']}" in bodies  # the institution's "unfilled" notice


def test_links_are_the_same_inside_and_outside_a_request(prod_app):
    from app.services.core.links import external_url

    with prod_app.app_context():
        outside = external_url("booking.our_request", request_id=7)
    with prod_app.test_request_context("/x", base_url="http://10.0.0.5:8000/other"):
        inside = external_url("booking.our_request", request_id=7)
    assert outside == inside == f"{BASE}/requests/7"


def test_requests_tick_command_without_server_name(app, prod_app, clock, make_institution,
                                                   make_user):
    clock(NOW - dt.timedelta(hours=30))
    inst = make_institution()
    make_user("institution", institution=inst, email="kita@example.org")
    make_user("coordinator", email="koord@example.org")
    begun = make_request(inst, day=dt.date(2026, 12, 1), time=dt.time(8))
    db.session.commit()
    clock(NOW)
    result = prod_app.test_cli_runner().invoke(args=["requests", "tick"])
    assert result.exit_code == 0, result.output
    assert "unfilled=1" in result.output
    with prod_app.app_context():
        assert db.session.get(InterpretingRequest, begun.id).status == "unfilled"
        db.session.remove()
