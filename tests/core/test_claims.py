"""A job's claim (the reminder key, the follow-up row) commits or rolls back with the rest of
the job. On SQLite a savepoint opened outside a transaction was the outermost one, and its
RELEASE committed the claim at once: a job that failed after it left the claim behind and
its mail was never sent."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.extensions import db
from app.models import FollowUp, SentReminder
from app.services.booking import follow_up
from app.services.calendar import reminders
from tests.factories import make_booking


def test_a_reminder_claim_rolls_back_with_its_job(app):
    assert reminders._claim("meeting:1:24h")
    assert not reminders._claim("meeting:1:24h")  # taken within the job
    db.session.rollback()  # the job failed after the claim
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SentReminder)) == 0
    assert reminders._claim("meeting:1:24h")  # the next run claims it again
    db.session.commit()
    assert not reminders._claim("meeting:1:24h")


def test_a_follow_up_claim_rolls_back_with_its_job(app, make_institution, make_mediator):
    a = make_booking(make_institution(), make_mediator(),
                     dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC))
    db.session.commit()
    now = dt.datetime(2026, 12, 2, 9, tzinfo=dt.UTC)
    assert follow_up._claim(a, "institution", now) is not None
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FollowUp)) == 0
    assert follow_up._claim(a, "institution", now) is not None
    assert follow_up._claim(a, "institution", now) is None
