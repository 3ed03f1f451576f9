"""The one transaction helper: a refusal is a message and writes nothing, a lost race is a
conflict message (never a 500), success commits exactly once; and no view commits by hand."""

from __future__ import annotations

import contextlib
import re
import sqlite3
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import AuditLog, Institution
from app.services.core.errors import DomainError
from app.web.transaction import commit_or_message, conflict_message
from tests.conftest import csrf_token

APP = Path(__file__).resolve().parents[2] / "app"
# not views: services flush, the CLI, demo data and the scheduler end their own transactions,
# app/web holds the helper itself
NOT_VIEWS = ("services", "cli", "demo", "scheduler.py", "web")
HAND_WRITTEN = re.compile(r"db\.session\.(commit|rollback)\(")


@contextlib.contextmanager
def commits_counted():
    """Count the commits of every session (the view runs in its own app context and session)."""
    seen: list[Session] = []

    def count(session):
        seen.append(session)

    event.listen(Session, "after_commit", count)
    try:
        yield seen
    finally:
        event.remove(Session, "after_commit", count)


def _institutions(name: str) -> int:
    with db.engine.connect() as conn:  # a connection of its own: sees only committed rows
        return conn.scalar(sa.select(sa.func.count()).select_from(Institution)
                           .where(Institution.name == name))


def _add(name: str) -> Institution:
    institution = Institution(name=name, kind="kita")
    db.session.add(institution)
    db.session.flush()
    return institution


def test_domain_error_gives_its_message_and_writes_nothing(app):
    def refuse():
        _add("Kita Abgelehnt")
        raise DomainError("Nicht erlaubt.")

    with commits_counted() as commits:
        outcome = commit_or_message(refuse)
    assert outcome == (None, "Nicht erlaubt.") and not outcome.ok
    assert commits == []
    assert _institutions("Kita Abgelehnt") == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Institution)) == 0


def test_success_commits_once_and_returns_the_result(app):
    with commits_counted() as commits:
        outcome = commit_or_message(_add, "Kita Erfolg")
    assert outcome.ok and outcome.result.name == "Kita Erfolg"
    assert len(commits) == 1
    assert _institutions("Kita Erfolg") == 1


def test_duplicate_insert_is_a_conflict_message_and_rolls_back(app):
    commit_or_message(_add, "Kita Doppelt")

    def twice():
        _add("Kita Daneben")
        return _add("Kita Doppelt")  # the unique index on the name refuses it

    outcome = commit_or_message(twice)
    assert outcome == (None, conflict_message())
    assert _institutions("Kita Doppelt") == 1 and _institutions("Kita Daneben") == 0


def test_lock_time_out_is_a_conflict_message(app, database_url):
    """Another transaction holds the lock longer than we wait: a conflict, not a 500."""
    target = commit_or_message(_add, "Kita Gesperrt").result.id
    if db.engine.dialect.name == "postgresql":
        holder = psycopg.connect(database_url.replace("postgresql+psycopg://", "postgresql://"))
        holder.execute("SELECT id FROM institution WHERE id = %s FOR UPDATE", (target,))

        def write():
            db.session.execute(sa.text("SET LOCAL lock_timeout = '100ms'"))
            db.session.get(Institution, target, with_for_update=True).notes = "x"
    else:
        holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # the one write lock of the file

        def write():
            db.session.connection().exec_driver_sql("PRAGMA busy_timeout=100")
            db.session.get(Institution, target).notes = "x"
            db.session.flush()
    try:
        outcome = commit_or_message(write)
    finally:
        holder.rollback()
        holder.close()
        db.engine.dispose()  # new connections get the configured busy timeout again
    assert outcome == (None, conflict_message())
    assert db.session.get(Institution, target).notes == ""


def test_other_database_errors_are_not_disguised_as_conflicts(app):
    def broken():
        _add("Kita Kaputt")
        db.session.execute(sa.text("SELECT no_such_column FROM institution"))

    with pytest.raises(sa.exc.DBAPIError) as raised:
        commit_or_message(broken)
    assert not isinstance(raised.value, sa.exc.IntegrityError)
    assert _institutions("Kita Kaputt") == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Institution)) == 0


def test_a_unique_key_race_in_a_view_is_a_400_with_the_conflict_message(client, make_user,
                                                                        login):
    """Another coordinator saves the same name between our name check and our insert."""
    login(make_user("coordinator"))
    token = csrf_token(client, "/coordination/institutions/new")

    def rival_saves_first(session, _context, _instances):
        if any(isinstance(o, Institution) for o in session.new):
            with db.engine.begin() as conn:
                conn.execute(sa.insert(Institution).values(name="Kita Wettlauf", kind="kita"))

    event.listen(Session, "before_flush", rival_saves_first, once=True)
    try:
        with commits_counted() as commits:
            response = client.post("/coordination/institutions/new", data={
                "csrf_token": token, "name": "Kita Wettlauf", "kind": "kita"})
    finally:
        event.remove(Session, "before_flush", rival_saves_first)
    assert response.status_code == 400
    assert "Jemand anderes hat dies im selben Moment geändert" in response.get_data(as_text=True)
    assert commits == []
    assert _institutions("Kita Wettlauf") == 1  # the rival's row, ours was rolled back
    with db.engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(AuditLog)
                           .where(AuditLog.object_type == "institution")) == 0


def test_a_view_commits_its_change_once(client, make_user, login):
    login(make_user("coordinator"))
    token = csrf_token(client, "/coordination/institutions/new")
    with commits_counted() as commits:
        response = client.post("/coordination/institutions/new", data={
            "csrf_token": token, "name": "Kita Einmal", "kind": "kita"})
    assert response.status_code == 302
    assert len(commits) == 1
    assert _institutions("Kita Einmal") == 1


def test_a_refused_save_in_a_view_is_a_message_and_writes_nothing(client, make_user, login):
    login(make_user("coordinator"))
    client.post("/coordination/institutions/new", data={
        "csrf_token": csrf_token(client, "/coordination/institutions/new"),
        "name": "Kita Zuerst", "kind": "kita"})
    with commits_counted() as commits:
        response = client.post("/coordination/institutions/new", data={
            "csrf_token": csrf_token(client, "/coordination/institutions/new"),
            "name": "KITA ZUERST", "kind": "school"})
    assert response.status_code == 400 and "gibt es bereits" in response.get_data(as_text=True)
    assert commits == []
    assert _institutions("KITA ZUERST") == 0


def _view_sources():
    for path in sorted(APP.rglob("*.py")):
        top = path.relative_to(APP).parts[0]
        if top not in NOT_VIEWS:
            yield path


def test_no_view_commits_or_rolls_back_by_hand():
    """Every blueprint ends its transaction through app/web/transaction.py, nowhere else."""
    sources = list(_view_sources())
    assert any(p.parts[-2:] == ("pool", "institutions_coordinator.py") for p in sources)
    offenders = [f"{path.relative_to(APP.parent)}:{n}: {line.strip()}"
                 for path in sources
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if HAND_WRITTEN.search(line)]
    assert offenders == []


def test_operational_error_is_caught_only_for_lost_races():
    """The classifier: SQLite's lock message and PostgreSQL's race SQLSTATEs, nothing else."""
    from app.web.transaction import is_conflict

    locked = OperationalError("UPDATE x", {}, sqlite3.OperationalError("database is locked"))
    missing = OperationalError("SELECT x", {}, sqlite3.OperationalError("no such table: x"))
    assert is_conflict(locked) and not is_conflict(missing)

    class PgError(Exception):
        def __init__(self, sqlstate):
            super().__init__(sqlstate)
            self.sqlstate = sqlstate

    for code, expected in (("40001", True), ("40P01", True), ("55P03", True), ("57P01", False)):
        assert is_conflict(OperationalError("SELECT 1", {}, PgError(code))) is expected
