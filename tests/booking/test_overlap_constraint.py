"""The database refuses two overlapping active assignments of one mediator (PostgreSQL).

The booking service checks overlaps under row locks; these tests write rows *directly*, as a
future code path that forgot the lock would, and expect the exclusion constraint of migration
0013 to refuse them.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Assignment
from app.models.request import OVERLAP_CONSTRAINT
from app.web.transaction import commit_or_message
from tests.conftest import PG_URL
from tests.factories import DAY, make_request

pytestmark = pytest.mark.skipif(
    not PG_URL, reason="exclusion constraints exist on PostgreSQL only (SQLite: the service's check)")

HOUR = dt.timedelta(hours=1)


@pytest.fixture()
def booked(app, make_institution, make_mediator):
    """One mediator with an active assignment 10:00-11:00 on DAY; returns (mediator, row)."""
    mediator, institution = make_mediator(), make_institution()
    req = make_request(institution, status="assigned")
    first = {"request_id": req.id, "mediator_id": mediator.id, "status": "active",
             "starts_at": req.starts_at, "ends_at": req.ends_at}
    db.session.execute(sa.insert(Assignment), [first])
    db.session.commit()
    return mediator, institution, req


def _insert(institution, mediator, starts, ends, status="active"):
    other = make_request(institution, day=DAY, status="assigned")
    db.session.execute(sa.insert(Assignment), [{
        "request_id": other.id, "mediator_id": mediator.id, "status": status,
        "starts_at": starts, "ends_at": ends}])


@pytest.mark.parametrize("start_shift, end_shift", [
    (dt.timedelta(0), dt.timedelta(0)),  # the same hour
    (dt.timedelta(minutes=30), dt.timedelta(minutes=30)),  # overlaps the second half
    (-dt.timedelta(minutes=30), -dt.timedelta(minutes=30)),  # overlaps the first half
    (dt.timedelta(minutes=15), -dt.timedelta(minutes=15)),  # inside
    (-HOUR, HOUR),  # around
])
def test_overlapping_active_assignments_are_refused_by_the_database(start_shift, end_shift,
                                                                    booked):
    mediator, institution, req = booked
    with pytest.raises(sa.exc.IntegrityError, match=OVERLAP_CONSTRAINT):
        _insert(institution, mediator, req.starts_at + start_shift, req.ends_at + end_shift)
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 1


def test_back_to_back_cancelled_and_other_mediators_are_allowed(booked, make_mediator):
    mediator, institution, req = booked
    _insert(institution, mediator, req.ends_at, req.ends_at + HOUR)  # starts when it ends
    _insert(institution, mediator, req.starts_at - HOUR, req.starts_at)  # ends when it starts
    _insert(institution, mediator, req.starts_at, req.ends_at, status="cancelled")
    _insert(institution, make_mediator(), req.starts_at, req.ends_at)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 5


def test_reactivating_a_cancelled_overlap_is_refused(booked):
    mediator, institution, req = booked
    _insert(institution, mediator, req.starts_at, req.ends_at, status="cancelled")
    db.session.commit()
    with pytest.raises(sa.exc.IntegrityError, match=OVERLAP_CONSTRAINT):
        db.session.execute(sa.update(Assignment).where(Assignment.status == "cancelled")
                           .values(status="active"))
    db.session.rollback()


def test_the_transaction_helper_turns_the_refusal_into_a_message(booked):
    mediator, institution, req = booked

    def forgetful_booking():
        _insert(institution, mediator, req.starts_at, req.ends_at)
        db.session.flush()

    result, error = commit_or_message(forgetful_booking)
    assert result is None and "im selben Moment" in error


def test_the_migration_created_the_constraint_with_btree_gist(app):
    rows = db.session.execute(sa.text(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = :name"),
        {"name": OVERLAP_CONSTRAINT}).scalars().all()
    assert len(rows) == 1
    assert "EXCLUDE USING gist" in rows[0] and "status" in rows[0] and "&&" in rows[0]
    assert db.session.scalar(sa.text(
        "SELECT count(*) FROM pg_extension WHERE extname = 'btree_gist'")) == 1


@pytest.fixture()
def scratch_url():
    """An empty PostgreSQL database of its own (the migration runs step by step in it)."""
    import uuid

    import psycopg

    from tests.conftest import _admin_url

    name = f"skm_overlap_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_admin_url(PG_URL), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{PG_URL.rpartition('/')[0]}/{name}"
    with psycopg.connect(_admin_url(PG_URL), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


BEFORE = "0012"  # the revision before the exclusion constraint (0013)


def test_the_migration_stops_on_rows_that_already_overlap(scratch_url):
    from flask_migrate import downgrade, upgrade

    from app import create_app
    from app.models import Institution, Mediator
    from config import TestingConfig

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = scratch_url

    scratch = create_app(Config)
    with scratch.app_context():
        try:
            # the rows are written at the head revision (the models describe its schema),
            # then the schema goes back to just before the constraint and the overlap is made
            upgrade()
            institution = Institution(name="Kita", kind="kita")
            mediator = Mediator(first_name="A", last_name="B", gender="female", status="active")
            db.session.add_all([institution, mediator])
            db.session.flush()
            requests = [make_request(institution, status="assigned") for _ in range(2)]
            rows = [{"request_id": r.id, "mediator_id": mediator.id, "status": "active",
                     "starts_at": r.starts_at, "ends_at": r.ends_at} for r in requests]
            ids = [r.id for r in requests]
            db.session.commit()
            db.session.close()
            downgrade(revision=BEFORE)
            # the table as it was at BEFORE: later migrations add columns the model knows
            table = sa.Table("assignment", sa.MetaData(), autoload_with=db.engine)
            model = Assignment.__table__.c
            scalars = {c.name: model[c.name].default.arg for c in table.c
                       if c.name in model and model[c.name].default is not None
                       and model[c.name].default.is_scalar}
            stamp = rows[0]["starts_at"]
            db.session.execute(sa.insert(table), [
                {**scalars, **row, "created_at": stamp, "updated_at": stamp} for row in rows])
            db.session.commit()
            # flask-migrate logs "assignments overlap ... (assignment ids 1/2); cancel one of
            # each pair" and exits (alembic's logging setup replaces pytest's log capture)
            with pytest.raises(SystemExit):
                upgrade()
            db.session.rollback()
            assert db.session.scalar(sa.text("SELECT version_num FROM alembic_version")) == BEFORE
            db.session.execute(sa.update(Assignment).where(Assignment.request_id == ids[0])
                               .values(status="cancelled"))
            db.session.commit()
            upgrade()  # resolved: the constraint is added
            assert db.session.scalar(sa.text(
                "SELECT count(*) FROM pg_constraint WHERE conname = :n"),
                {"n": OVERLAP_CONSTRAINT}) == 1
        finally:
            db.session.remove()
            db.engine.dispose()
