"""Restore drills: `flask restore` over a live SQLite database with a `-wal` file, and
`pg_dump -Fc` / `pg_restore --clean --if-exists` while writes go on (docs/operations.md)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from flask_migrate import upgrade

from app import create_app
from app.cli.ops import backup_sqlite, row_counts
from app.extensions import db
from app.models import AuditLog, Institution, SentReminder
from app.scheduler import single_instance
from config import TestingConfig
from tests.conftest import PG_URL

SQLITE = pytest.mark.skipif(bool(PG_URL), reason="flask restore is for SQLite")

# a second process writing in WAL mode, never checkpointing; killed, it leaves a full -wal
WRITER = """
import datetime, sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1])
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("PRAGMA wal_autocheckpoint=0")
for i in range(int(sys.argv[2])):
    conn.execute("INSERT INTO sent_reminder (key, created_at) VALUES (?, ?)",
                 (f"wal-{i}", datetime.datetime.now(datetime.UTC).isoformat()))
    conn.execute("UPDATE audit_log SET details = ? WHERE id % 3 = 0", (f"v{i}",))
    conn.commit()
if sys.argv[3] == "idle":
    conn.execute("SELECT count(*) FROM sent_reminder").fetchone()
print("ready", flush=True)
time.sleep(60)
"""


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """An SQLite file at the migrations' head, made once; each test works on a copy."""
    path = tmp_path_factory.mktemp("restore") / "template.sqlite"

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"

    app = create_app(Config)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return path


@pytest.fixture()
def live(migrated, tmp_path):
    """(app, path) of a live database with rows in several tables."""
    path = tmp_path / "live.sqlite"
    backup_sqlite(migrated, path)

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"

    app = create_app(Config)
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        now = dt.datetime.now(dt.UTC)
        db.session.add_all([Institution(name=f"Kita {i}", kind="kita", district="Nord",
                                        street="Weg 1", postcode="55218", city="Rheinstadt")
                            for i in range(7)])
        db.session.add_all([AuditLog(at=now, action="test", object_type="t", actor_label="",
                                     details="") for _ in range(30)])
        db.session.add_all([SentReminder(key=f"r{i}", created_at=now) for i in range(12)])
        db.session.commit()
        db.engine.dispose()
    yield app, path
    with app.app_context():
        db.engine.dispose()


def _writer(path: Path, rows: int, mode: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(rows), mode],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def _stop(proc: subprocess.Popen, sig: int) -> None:
    proc.send_signal(sig)
    proc.wait()
    proc.stdout.close()


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return row_counts(conn)


def _integrity(path: Path) -> list:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA integrity_check").fetchall()


@SQLITE
def test_restore_over_a_live_wal_gives_the_backups_rows_where_copying_corrupts(live, tmp_path):
    app, path = live
    backup = tmp_path / "backup.sqlite"
    backup_sqlite(path, backup)
    expected = _counts(backup)
    assert expected["institution"] == 7 and expected["sent_reminder"] == 12

    writer = _writer(path, 200, "write")  # then the machine stops it hard: the -wal stays
    _stop(writer, signal.SIGKILL)
    wal = Path(f"{path}-wal")
    assert wal.exists() and wal.stat().st_size > 100_000

    # the README's old way, on a copy of the same state: backup over the file, -wal left over
    old = tmp_path / "old"
    old.mkdir()
    shutil.copy(path, old / "live.sqlite")
    shutil.copy(wal, old / "live.sqlite-wal")
    shutil.copy(backup, old / "live.sqlite")
    try:
        copied_ok = (_integrity(old / "live.sqlite") == [("ok",)]
                     and _counts(old / "live.sqlite") == expected)
    except sqlite3.DatabaseError:  # "database disk image is malformed"
        copied_ok = False
    assert not copied_ok

    result = app.test_cli_runner().invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    assert "integrity ok, foreign keys ok" in result.output
    assert "  sent_reminder: 12" in result.output and "  institution: 7" in result.output
    assert "the code's head: start the app" in result.output
    assert _integrity(path) == [("ok",)]
    assert _counts(path) == expected
    assert not wal.exists() or wal.stat().st_size == 0
    safety = next((tmp_path / "instance" / "backups").glob("pre-restore-*.sqlite"))
    assert str(safety) in result.output
    assert _counts(safety)["sent_reminder"] == 12 + 200  # the old state, with the -wal's rows


@SQLITE
def test_restore_refuses_while_another_process_has_the_database_open(live, tmp_path):
    app, path = live
    backup = tmp_path / "backup.sqlite"
    backup_sqlite(path, backup)
    holder = _writer(path, 5, "idle")  # an idle worker: connection open, no transaction
    try:
        result = app.test_cli_runner().invoke(args=["restore", str(backup), "--yes"])
    finally:
        _stop(holder, signal.SIGTERM)
    assert result.exit_code == 1
    assert "in use by another process" in result.output and "Nothing was changed" in result.output
    assert _counts(path)["sent_reminder"] == 12 + 5
    assert not (tmp_path / "instance" / "backups").exists()


@SQLITE
def test_restore_refuses_while_the_scheduler_holds_its_lock(live, tmp_path):
    app, path = live
    backup = tmp_path / "backup.sqlite"
    backup_sqlite(path, backup)
    with single_instance(app) as held:
        assert held
        result = app.test_cli_runner().invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 1
    assert "scheduler" in result.output and "Nothing was changed" in result.output
    result = app.test_cli_runner().invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output


@SQLITE
def test_restore_refuses_a_damaged_backup_or_one_with_orphans(live, tmp_path):
    app, path = live
    before = _counts(path)
    orphans = tmp_path / "orphans.sqlite"
    backup_sqlite(path, orphans)
    with sqlite3.connect(orphans) as conn:  # foreign keys are off in a plain connection
        conn.execute("INSERT INTO audit_log (at, actor_id, actor_label, action, object_type, "
                     "details) VALUES ('2026-01-01', 9999, '', 'x', 't', '')")
    result = app.test_cli_runner().invoke(args=["restore", str(orphans), "--yes"])
    assert result.exit_code == 1 and "break a foreign key" in result.output

    damaged = tmp_path / "damaged.sqlite"
    backup_sqlite(path, damaged)
    data = bytearray(damaged.read_bytes())
    data[4096 * 3:4096 * 6] = b"\xff" * 4096 * 3
    damaged.write_bytes(bytes(data))
    result = app.test_cli_runner().invoke(args=["restore", str(damaged), "--yes"])
    assert result.exit_code == 1
    assert "integrity_check" in result.output or "not a readable" in result.output
    assert _counts(path) == before


def test_restore_on_postgresql_explains_pg_restore(app, runner):
    if db.engine.url.get_backend_name() == "sqlite":
        pytest.skip("PostgreSQL only")
    result = runner.invoke(args=["restore", "x.dump", "--yes"])
    assert result.exit_code == 1
    assert "pg_dump -Fc" in result.output
    assert "pg_restore --clean --if-exists --no-owner" in result.output


# ---- PostgreSQL: pg_dump while a thread inserts, pg_restore into a new database ----------

def _major(version: str) -> int:
    """Read the major version from `pg_dump (PostgreSQL) 15.20 (Debian ...)`."""
    return int(re.search(r"\(PostgreSQL\) (\d+)", version).group(1))


@pytest.fixture()
def pg_tools():
    if not PG_URL:
        pytest.skip("PostgreSQL only")
    from tests.ops.pg_drill import server_major

    tools = {name: shutil.which(name) for name in ("pg_dump", "pg_restore")}
    assert all(tools.values()), f"pg_dump/pg_restore not on PATH: {tools}"
    for path in tools.values():
        version = subprocess.run([path, "--version"], capture_output=True, text=True,
                                 check=True).stdout
        assert _major(version) == server_major(), f"{version.strip()} does not match the server"
    return tools


def test_pg_dump_during_writes_restores_the_snapshot_exactly(pg_tools, tmp_path):
    from tests.ops import pg_drill

    with pg_drill.databases(3) as (source, restored, clean_only):
        pg_drill.migrate_and_seed(source)
        dump = tmp_path / "skm_pool.dump"
        with pg_drill.Inserter(source) as inserter:
            inserter.wait_for(50)
            before = inserter.count
            run = subprocess.run([pg_tools["pg_dump"], "-Fc", "-f", str(dump),
                                  pg_drill.libpq(source)], capture_output=True, text=True)
            after = inserter.count
            inserter.wait_for(after + 20)
        assert run.returncode == 0, run.stderr
        assert after > before, "no insert ran while pg_dump ran"
        snapshot = pg_drill.counts_in_dump(pg_tools["pg_restore"], dump)
        # the inserter counts a row once its commit returned; the server makes the row visible
        # a moment before that, so one row may be in the snapshot and not yet counted
        assert before <= snapshot["sent_reminder"] - pg_drill.SEEDED <= after + 1

        run = subprocess.run([pg_tools["pg_restore"], "--clean", "--if-exists", "--no-owner",
                              "-d", pg_drill.libpq(restored), str(dump)],
                             capture_output=True, text=True)
        assert (run.returncode, run.stderr) == (0, "")
        assert pg_drill.table_counts(restored) == snapshot
        assert pg_drill.table_counts(source)["sent_reminder"] > snapshot["sent_reminder"]
        assert pg_drill.ids_are_a_prefix(restored, "sent_reminder")

        # the README's old command: --clean without --if-exists fails on a fresh database
        run = subprocess.run([pg_tools["pg_restore"], "--clean", "--no-owner",
                              "-d", pg_drill.libpq(clean_only), str(dump)],
                             capture_output=True, text=True)
        assert run.returncode == 1 and "errors ignored on restore" in run.stderr
