"""SQLite migrations run with foreign keys off, check them after every step, and switch them
back on (migrations/env.py): a broken reference stops the upgrade with a non-zero exit."""

from __future__ import annotations

import shutil

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db
from tests.conftest import PG_URL
from tests.ops.migration_data import MIGRATIONS, app_on, revision_chain, scratch_database

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="PRAGMA foreign_keys is SQLite's")

ORPHAN = ("INSERT INTO availability (mediator_id, weekday, start_time, end_time) "
          "VALUES (4242, 1, '09:00:00', '10:00:00')")
# a migration that breaks a reference, as a careless data migration could
BREAKING = '''"""breaks a reference"""
from alembic import op

revision = 'zz_break'
down_revision = {head!r}


def upgrade():
    op.execute("INSERT INTO mediator (id, first_name, last_name, email, phone, share_phone, "
               "gender, district, mobility, german_level, status, max_per_week, "
               "notify_by_email, notes, iban, motivation, created_at, updated_at, "
               "account_holder, bic) VALUES (777, 'a', 'b', 'c@example.org', '', 0, 'female', "
               "'', 'foot', 'B1', 'active', 1, 0, '', '', '', '2026-01-01', '2026-01-01', "
               "'', '')")
    op.execute("INSERT INTO availability (mediator_id, weekday, start_time, end_time) "
               "VALUES (777, 1, '09:00:00', '10:00:00')")
    op.execute("DELETE FROM mediator WHERE id = 777")


def downgrade():
    pass
'''


@pytest.fixture()
def scratch_app(tmp_path):
    """An app bound to a new, empty database of this run's dialect, its context pushed."""
    with scratch_database(tmp_path) as url, app_on(url) as app:
        yield app


def _version() -> str:
    with db.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def test_a_migration_that_breaks_a_reference_fails_and_is_not_recorded(scratch_app, tmp_path,
                                                                       capfd):
    head = revision_chain()[-1]
    directory = shutil.copytree(MIGRATIONS, tmp_path / "migrations")
    (directory / "versions" / "zz_break.py").write_text(BREAKING.format(head=head))
    upgrade(directory=str(directory), revision=head)
    with pytest.raises(SystemExit) as exit_info:  # Flask-Migrate: `flask db upgrade` exits 1
        upgrade(directory=str(directory))
    assert exit_info.value.code == 1
    assert ("foreign key check failed after revision zz_break: 1 row(s) point at missing rows "
            "(availability rowid 1 -> mediator)") in capfd.readouterr().err
    assert _version() == head, "the failing step must not be recorded as applied"
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM availability").scalar() == 0


def test_a_database_with_a_broken_reference_is_not_migrated(scratch_app, capfd):
    chain = revision_chain()
    upgrade(revision=chain[-2])
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.exec_driver_sql(ORPHAN)
        conn.commit()
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
    with pytest.raises(SystemExit):
        upgrade()
    assert ("foreign key check failed before migrating (nothing was migrated): 1 row(s) point "
            "at missing rows (availability rowid 1 -> mediator)") in capfd.readouterr().err
    assert _version() == chain[-2]


def test_connections_have_foreign_keys_on_after_migrating(scratch_app):
    upgrade()
    downgrade(revision=revision_chain()[-2])
    for _ in range(3):  # the pool's connections, the migration's among them
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
        conn.exec_driver_sql(ORPHAN)
