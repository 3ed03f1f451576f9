"""`flask backup`: a consistent SQLite snapshot taken while the app runs."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa

from app.cli.ops import backup_sqlite, prune
from app.extensions import db
from app.models import Institution

SQLITE = pytest.mark.skipif("os.environ.get('SKM_TEST_POSTGRES_URL')",
                            reason="the backup command is for SQLite")


@SQLITE
def test_backup_copies_committed_rows(runner, make_institution, tmp_path):
    make_institution(name="Kita Sonnenschein")
    db.session.commit()
    target = tmp_path / "out" / "copy.sqlite"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "Backup written to" in result.output
    with sqlite3.connect(target) as conn:
        names = [row[0] for row in conn.execute("SELECT name FROM institution")]
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert names == ["Kita Sonnenschein"]
    assert version is not None


@SQLITE
def test_backup_refuses_to_overwrite(runner, tmp_path):
    target = tmp_path / "copy.sqlite"
    target.write_text("keep me")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0
    assert "exists already" in result.output
    assert target.read_text() == "keep me"


@SQLITE
def test_default_target_and_keep_prune_old_backups(app, runner, tmp_path, clock, monkeypatch):
    import datetime as dt

    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    for minute in range(3):
        clock(dt.datetime(2026, 3, 2, 10, minute, tzinfo=dt.UTC))
        assert runner.invoke(args=["backup", "--keep", "2"]).exit_code == 0
    left = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert left == ["skm_pool-20260302-100100.sqlite", "skm_pool-20260302-100200.sqlite"]


def test_backup_sqlite_is_consistent_during_writes(tmp_path):
    source = tmp_path / "live.sqlite"
    writer = sqlite3.connect(source)
    writer.execute("CREATE TABLE t (n INTEGER)")
    writer.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(1000)])
    writer.commit()
    writer.execute("INSERT INTO t VALUES (-1)")  # uncommitted: must not be in the copy
    copy = backup_sqlite(source, tmp_path / "snap.sqlite")
    writer.rollback()
    writer.close()
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT count(*), min(n) FROM t").fetchone() == (1000, 0)
    assert prune(tmp_path, keep=1) == []  # only skm_pool-* files are touched


def test_backup_refuses_postgresql(app, runner):
    if db.engine.url.get_backend_name() == "sqlite":
        pytest.skip("PostgreSQL only")
    result = runner.invoke(args=["backup"])
    assert result.exit_code != 0
    assert "pg_dump" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Institution)) == 0
