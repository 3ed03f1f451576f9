"""Reminder jobs driven by the controlled clock; mail read from a real SMTP server."""

from __future__ import annotations

import datetime as dt
import os
import threading

import pytest
import sqlalchemy as sa

from app import scheduler
from app.extensions import db
from app.models import Document, OutboxMessage, SentReminder
from app.services.calendar import meetings as msvc
from app.services.calendar import tasks as calendar_tasks
from app.services.core.tasks import deliver_due
from tests.factories import make_booking
from tests.net import free_port

UTC = dt.UTC


def _exchange_series(clock):
    clock(dt.datetime(2026, 1, 2, 9, tzinfo=UTC))
    series = msvc.create_series(
        kind="exchange", title="Austauschtreffen", place="Rathaus", agenda="",
        first_day=dt.date(2026, 1, 13), start=dt.time(18, 0), duration_minutes=120,
        pattern="monthly", interval=2, until=None)
    db.session.execute(sa.delete(OutboxMessage))  # the invitations are not under test here
    db.session.commit()
    return series


def test_meeting_reminders_7_and_1_day_once_and_late_within_grace(app, clock, smtp_server,
                                                                   make_mediator):
    make_mediator(email="a@example.org")
    declined = make_mediator(email="b@example.org")
    series = _exchange_series(clock)
    first = series.occurrences[0]  # 13.01.2026 18:00 local = 17:00 UTC
    msvc.set_rsvp(first, declined, "no")
    db.session.commit()
    clock(dt.datetime(2026, 1, 6, 16, 59, tzinfo=UTC))
    assert calendar_tasks.send_meeting_reminders() == 0  # not yet due
    clock(dt.datetime(2026, 1, 7, 3, 0, tzinfo=UTC))  # 10 h late: the scheduler was down
    assert calendar_tasks.send_meeting_reminders() == 1
    assert calendar_tasks.send_meeting_reminders() == 0  # never twice
    clock(dt.datetime(2026, 1, 12, 18, 0, tzinfo=UTC))
    assert calendar_tasks.send_meeting_reminders() == 1  # the 1-day reminder
    deliver_due()
    assert [m["To"] for m in smtp_server.messages] == ["a@example.org", "a@example.org"]
    assert "Erinnerung: Austauschtreffen" in smtp_server.messages[0]["Subject"]
    assert "13.01.2026 18:00" in smtp_server.messages[0].get_content()
    # too late (beyond the grace period): the 7-day reminder of March is skipped
    clock(dt.datetime(2026, 3, 4, 5, 0, tzinfo=UTC))
    assert calendar_tasks.send_meeting_reminders() == 0


def test_assignment_reminder_24h(app, clock, smtp_server, make_user, make_institution,
                                 make_mediator):
    clock(dt.datetime(2026, 3, 1, 9, tzinfo=UTC))
    mediator = make_mediator()
    make_user("mediator", mediator=mediator, email="amanuel@example.org")
    assignment = make_booking(make_institution(name="Kita Regenbogen"), mediator,
                                 dt.datetime(2026, 3, 10, 8, tzinfo=UTC))
    db.session.commit()
    clock(dt.datetime(2026, 3, 9, 7, 0, tzinfo=UTC))
    assert calendar_tasks.send_assignment_reminders() == 0
    clock(dt.datetime(2026, 3, 9, 8, 10, tzinfo=UTC))
    assert calendar_tasks.send_assignment_reminders() == 1
    assert calendar_tasks.send_assignment_reminders() == 0
    deliver_due()
    (msg,) = smtp_server.messages
    assert msg["To"] == "amanuel@example.org" and "Kita Regenbogen" in msg["Subject"]
    assert "Familie" not in msg.get_content()
    assert db.session.scalar(sa.select(sa.func.count(SentReminder.id))) == 1
    assert assignment.id


def test_document_expiry_to_mediator_and_coordinator(app, clock, smtp_server, make_user,
                                                     make_mediator):
    clock(dt.datetime(2026, 6, 1, 9, tzinfo=UTC))
    make_user("coordinator", email="koord@example.org")
    soon = make_mediator(email="soon@example.org")
    later = make_mediator(email="later@example.org")
    db.session.add_all([
        Document(mediator=soon, kind="police_certificate", recorded_on=dt.date(2021, 7, 1),
                 issued_on=dt.date(2021, 6, 20)),
        Document(mediator=later, kind="police_certificate", recorded_on=dt.date(2022, 7, 1),
                 issued_on=dt.date(2022, 6, 20)),
    ])
    db.session.commit()
    assert calendar_tasks.send_document_reminders() == 2
    assert calendar_tasks.send_document_reminders() == 0
    deliver_due()
    assert sorted(m["To"] for m in smtp_server.messages) == ["koord@example.org",
                                                             "soon@example.org"]


def test_daily_digest_of_open_requests(app, clock, smtp_server, make_user, make_institution):
    from app.models import InterpretingRequest

    make_user("coordinator", email="koord@example.org")
    inst = make_institution(name="Beratungsstelle Süd")
    clock(dt.datetime(2026, 3, 2, 5, 0, tzinfo=UTC))  # 06:00 local: too early
    start = dt.datetime(2026, 3, 5, 8, tzinfo=UTC)
    db.session.add(InterpretingRequest(
        institution=inst, starts_at=start, ends_at=start + dt.timedelta(hours=1),
        duration_minutes=60, language_code="prs", occasion="counselling", status="submitted"))
    db.session.commit()
    assert calendar_tasks.send_open_requests_digest() == 0
    clock(dt.datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
    assert calendar_tasks.send_open_requests_digest() == 1
    assert calendar_tasks.send_open_requests_digest() == 0  # once a day
    deliver_due()
    (msg,) = smtp_server.messages
    assert "Beratungsstelle Süd" in msg.get_content() and "Dari" in msg.get_content()


def test_smtp_outage_delays_but_loses_nothing(app, clock, smtp_server, make_mediator):
    for _ in range(3):
        make_mediator()
    _exchange_series(clock)
    clock(dt.datetime(2026, 1, 6, 17, 0, tzinfo=UTC))
    assert calendar_tasks.send_meeting_reminders() == 3
    good_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # the mail server is down
    start = dt.datetime(2026, 1, 6, 17, 0, tzinfo=UTC)
    for step in range(2 * app.config["OUTBOX_MAX_ATTEMPTS"]):  # a long outage: 5 hours
        clock(start + dt.timedelta(minutes=20 * step))
        assert deliver_due()["sent"] == 0
    assert smtp_server.messages == []
    assert db.session.scalar(sa.select(sa.func.count()).where(
        OutboxMessage.status == "dead")) == 0
    app.config["MAIL_PORT"] = good_port  # ... and back
    clock(start + dt.timedelta(hours=6))
    for _ in range(3):
        deliver_due()
    assert len(smtp_server.messages) == 3
    assert len({m["To"] for m in smtp_server.messages}) == 3
    assert db.session.scalar(sa.select(sa.func.count()).where(
        OutboxMessage.status != "sent")) == 0


def test_scheduler_lock_is_exclusive(app):
    with scheduler.single_instance(app) as first:
        assert first.held is True
        with scheduler.single_instance(app) as second:
            assert second.held is False
            assert str(os.getpid()) in second.holder  # the standby can say who holds it
    with scheduler.single_instance(app) as again:
        assert again.held is True


def test_registry_sets_misfire_policy_deliberately(app):
    sched = scheduler.build_scheduler(app)
    jobs = {j.id: j for j in sched.get_jobs()}
    assert set(jobs) >= {"outbox.deliver", "reminders.meetings", "reminders.assignments",
                         "reminders.documents", "reminders.open_requests_digest",
                         "meetings.extend_series"}
    for job in jobs.values():
        assert job.misfire_grace_time >= 60 and job.coalesce is True


def test_two_schedulers_send_each_reminder_once(app, clock, smtp_server, make_mediator):
    """Two scheduler processes (threads with their own connections) run every job at once."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite runs the sequential variant")
    for _ in range(4):
        make_mediator()
    _exchange_series(clock)
    clock(dt.datetime(2026, 1, 6, 17, 0, tzinfo=UTC))
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait(timeout=10)
            scheduler.run_all_once(app)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    scheduler.run_all_once(app)
    deliver_due()
    assert len(smtp_server.messages) == 4
    assert len({m["To"] for m in smtp_server.messages}) == 4


def test_repeated_scheduler_runs_send_each_reminder_once(app, clock, smtp_server,
                                                         make_mediator):
    for _ in range(2):
        make_mediator()
    _exchange_series(clock)
    clock(dt.datetime(2026, 1, 6, 17, 0, tzinfo=UTC))
    scheduler.run_all_once(app)
    scheduler.run_all_once(app)  # a restart, a misfire catch-up
    db.session.expire_all()
    deliver_due()
    assert len(smtp_server.messages) == 2


def test_lost_lock_connection_is_noticed(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("advisory locks exist on PostgreSQL only")
    with scheduler.single_instance(app) as lock:
        assert lock.alive()
        pid = lock._conn.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        lock._conn.commit()
        with db.engine.connect() as admin:
            admin.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid})
        assert not lock.alive()
        assert lock.lost_reason == "connection closed"
        with scheduler.single_instance(app) as second:
            assert second.held is True  # the lock is free again: this process must stop acting
