"""The schema lives in Alembic: empty → head matches the models; head → base → head works."""


import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import POSTGRES_ONLY_INDEXES, db, include_object
from config import TestingConfig
from tests.ops.migration_data import scratch_database


@pytest.fixture()
def scratch_url(tmp_path):
    with scratch_database(tmp_path) as url:
        yield url


def test_upgrade_check_downgrade_upgrade(scratch_url):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = scratch_url

    app = create_app(Config)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(
                    conn, opts={"compare_type": True, "include_object": include_object}),
                db.metadata,
            )
        assert diff == [], f"models and migrations differ: {diff}"
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"app_user", "mediator", "interpreting_request", "assignment"} <= tables
        inspector = sa.inspect(db.engine)
        indexes = {ix["name"] for t in ("interpreting_request", "assignment")
                   for ix in inspector.get_indexes(t)}
        expected = POSTGRES_ONLY_INDEXES if db.engine.dialect.name == "postgresql" else set()
        assert indexes & POSTGRES_ONLY_INDEXES == expected

        downgrade(revision="base")
        remaining = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()

        upgrade()
        assert "mediator" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_unique_email_is_enforced_by_the_database(app):
    from app.models import User

    db.session.add(User(email="a@example.org", role="coordinator"))
    db.session.commit()
    db.session.add(User(email="A@Example.org", role="coordinator"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_check_constraints_hold(app, make_mediator):
    from app.models import Availability

    mediator = make_mediator()
    db.session.add(Availability(mediator=mediator, weekday=1,
                                start_time=__import__("datetime").time(12),
                                end_time=__import__("datetime").time(9)))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


