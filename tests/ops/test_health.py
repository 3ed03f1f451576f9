"""`/readyz` tells the truth, a worker says once when its schema is behind, and every 5xx has
an error reference on the page and in the log line (docs/operations.md, Health and errors)."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import sqlite3
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from app import create_app, running_db_command
from app.extensions import db
from app.models import OutboxMessage
from config import TestingConfig
from tests.conftest import PG_URL
from tests.scratch import pg_databases

OLD = "0011"  # before app_user.session_version (0012): the login query needs that column
# read independently of app/services/core/health.py
HEAD = ", ".join(sorted(ScriptDirectory(str(Path(__file__).resolve().parents[2] / "migrations"))
                        .get_heads()))
REF = re.compile(r"(?:Fehlerreferenz|Error reference): <bdi>([0-9a-f]{8})</bdi>")


def _app(url: str, **settings):
    config = type("Config", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url,
                                                "WTF_CSRF_ENABLED": False, **settings})
    return create_app(config)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """Make empty databases (SQLite files, or PostgreSQL databases) and drop them after."""
    with contextlib.ExitStack() as made:

        def make() -> str:
            if not PG_URL:
                path = tmp_path_factory.mktemp("health") / "db.sqlite"
                sqlite3.connect(path).close()  # an empty file, as `touch` leaves it
                return f"sqlite:///{path}"
            [url] = made.enter_context(pg_databases("skm_health"))
            return url

        yield make


@pytest.fixture(scope="module")
def behind_url(scratch):
    """A database migrated only to OLD: new code deployed, `flask db upgrade` forgotten."""
    url = scratch()
    app = _app(url)
    with app.app_context():
        upgrade(revision=OLD)
        db.engine.dispose()
    return url


def _readyz(app):
    response = app.test_client().get("/readyz")
    with app.app_context():
        db.engine.dispose()
    return response.status_code, response.get_json()


def test_readyz_is_ready_on_a_migrated_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ready" and ", ".join(body["schema"]) == HEAD


def test_healthz_is_liveness_without_the_database():
    app = _app("postgresql+psycopg://postgres@127.0.0.1:1/none")
    assert app.test_client().get("/healthz").status_code == 200
    status, body = _readyz(app)
    assert status == 503
    assert body == {"status": "not ready", "reason": "database unreachable",
                    "detail": "OperationalError"}


def test_readyz_does_not_create_a_missing_sqlite_file(tmp_path):
    path = tmp_path / "missing" / "skm.sqlite"
    path.parent.mkdir()
    status, body = _readyz(_app(f"sqlite:///{path}"))
    assert (status, body["reason"]) == (503, "database missing")
    assert not path.exists()


def test_readyz_on_an_unmigrated_database(scratch):
    status, body = _readyz(_app(scratch()))
    assert (status, body["reason"]) == (503, "schema not migrated")
    assert "run flask db upgrade" in body["detail"]


def test_readyz_on_a_database_behind_the_code(behind_url):
    status, body = _readyz(_app(behind_url))
    head = HEAD
    assert (status, body["reason"]) == (503, "schema behind")
    assert body["detail"] == f"database at {OLD}, code expects {head}: run flask db upgrade"


def test_readyz_on_a_stamped_older_revision(scratch):
    url = scratch()
    app = _app(url)
    with app.app_context():
        upgrade()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0026'")
        db.engine.dispose()
    status, body = _readyz(app)
    assert (status, body["schema"]) == (503, ["0026"])


def test_readyz_when_the_outbox_is_not_drained(app, client, clock):
    now = clock(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC))
    app.config["READY_OUTBOX_MAX_AGE_MINUTES"] = 30

    def message(status: str, due_minutes_ago: int) -> None:
        db.session.add(OutboxMessage(recipient="a@example.org", subject="s", body_text="b",
                                     status=status,
                                     next_attempt_at=now - dt.timedelta(minutes=due_minutes_ago)))
        db.session.commit()

    message("pending", 29)
    message("dead", 600)
    message("sent", 600)
    message("pending", -60)  # due in an hour (backing off): not late
    assert client.get("/readyz").status_code == 200
    message("pending", 31)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["reason"] == "outbox not drained"
    assert response.get_json()["outbox_oldest_due_minutes"] == 31
    app.config["READY_OUTBOX_MAX_AGE_MINUTES"] = 60
    assert client.get("/readyz").status_code == 200


def test_a_worker_behind_logs_one_line_at_start(behind_url, caplog, monkeypatch):
    head = HEAD
    monkeypatch.setattr("sys.argv", ["gunicorn", "wsgi:app"])
    with caplog.at_level(logging.INFO, logger="app.services.core.health"):
        _app(behind_url, SCHEMA_CHECK_ON_START=True)
    lines = [r.getMessage() for r in caplog.records if r.name == "app.services.core.health"]
    assert lines == [f"database at {OLD}, code expects {head}: run flask db upgrade"]

    caplog.clear()
    monkeypatch.setattr("sys.argv", ["flask", "--app", "wsgi", "db", "upgrade"])
    _app(behind_url, SCHEMA_CHECK_ON_START=True)
    _app(behind_url)  # the testing configuration does not check unless asked
    assert [r for r in caplog.records if r.name == "app.services.core.health"] == []


def test_a_worker_at_head_logs_nothing(database_url, caplog, monkeypatch):
    monkeypatch.setattr("sys.argv", ["gunicorn", "wsgi:app"])
    with caplog.at_level(logging.INFO, logger="app.services.core.health"):
        _app(database_url, SCHEMA_CHECK_ON_START=True)
    assert [r for r in caplog.records if r.name == "app.services.core.health"] == []


def test_running_db_command():
    assert running_db_command(["flask", "--app", "wsgi", "db", "upgrade"])
    assert running_db_command(["/venv/bin/flask", "-A", "wsgi", "--debug", "db", "check"])
    assert not running_db_command(["flask", "--app", "wsgi", "backup"])
    assert not running_db_command(["gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"])


def _logged(caplog, ref: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if ref in r.getMessage()]


def _login(app):
    response = app.test_client().post("/auth/login", data={"email": "a@example.org",
                                                           "password": "whatever-1"})
    with app.app_context():
        db.engine.dispose()
    return response


def test_schema_behind_gives_500_with_reference_not_the_outage_page(behind_url, caplog):
    app = _app(behind_url)
    with caplog.at_level(logging.ERROR):
        response = _login(app)
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "nicht erreichbar" not in html
    ref = REF.search(html).group(1)
    assert response.headers["X-Error-Reference"] == ref
    (line,) = _logged(caplog, ref)
    assert "schema is probably behind" in line and "run flask db upgrade" in line
    assert "session_version" in line


def test_outage_gives_503_with_reference_in_page_and_log(caplog):
    app = _app("postgresql+psycopg://postgres@127.0.0.1:1/none",
               SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}})
    with caplog.at_level(logging.ERROR):
        response = _login(app)
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    assert "Vorübergehend nicht erreichbar" in html
    ref = REF.search(html).group(1)
    (line,) = _logged(caplog, ref)
    assert "HTTP 503" in line and "Connection refused" in line


def test_damaged_sqlite_file_gives_500_that_says_so(tmp_path, caplog):
    path = tmp_path / "damaged.sqlite"
    path.write_bytes(b"not a database at all " * 500)
    app = _app(f"sqlite:///{path}")
    with caplog.at_level(logging.ERROR):
        response = _login(app)
    assert response.status_code == 500
    ref = REF.search(response.get_data(as_text=True)).group(1)
    (line,) = _logged(caplog, ref)
    assert "damaged" in line and "flask restore" in line


def test_unhandled_exception_gives_500_with_reference(caplog):
    app = _app("sqlite://", PROPAGATE_EXCEPTIONS=False)  # as in production

    def boom():
        raise RuntimeError("kaputt")

    app.add_url_rule("/boom", "boom", boom)
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/boom", headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    match = REF.search(html)
    assert match and "Error reference" in match.group(0)
    records = [r for r in caplog.records if match.group(1) in r.getMessage()]
    assert len(records) == 1 and records[0].exc_info[1].args == ("kaputt",)
    assert "GET boom" in records[0].getMessage()


def test_a_plain_500_response_is_logged_with_a_reference(caplog):
    app = _app("sqlite://")
    app.add_url_rule("/teapot", "teapot", lambda: ("broken", 502))
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/teapot")
    ref = response.headers["X-Error-Reference"]
    assert re.fullmatch(r"[0-9a-f]{8}", ref)
    assert _logged(caplog, ref) == [f"HTTP 502 on GET teapot, error reference {ref}"]


def test_readyz_on_a_damaged_file(tmp_path):
    path = tmp_path / "damaged.sqlite"
    path.write_bytes(b"x" * 5000)
    status, body = _readyz(_app(f"sqlite:///{path}"))
    assert (status, body) == (503, {"status": "not ready", "reason": "database error",
                                    "detail": "DatabaseError"})
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(path).execute("SELECT 1 FROM sqlite_master").fetchall()


def test_an_outage_noticed_after_the_view_gives_503_not_flasks_500(caplog):
    """The database failed in an after-request hook (as when a hook read an expired user while
    PostgreSQL restarted): Flask hands that to the 500 handler, which must answer an outage."""
    import psycopg
    import sqlalchemy as sa

    app = _app("sqlite://", PROPAGATE_EXCEPTIONS=False)
    app.add_url_rule("/fine", "fine", lambda: "ok")

    @app.after_request
    def _lost(response):
        if response.get_data() == b"ok":
            raise sa.exc.OperationalError(
                "SELECT 1", {}, psycopg.OperationalError("connection failed: Connection refused"))
        return response

    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/fine")
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    assert "Vorübergehend nicht erreichbar" in html
    ref = REF.search(html).group(1)
    assert any("HTTP 503" in line for line in _logged(caplog, ref))


def test_the_error_page_never_fails_itself():
    """When even the error template cannot be rendered, a plain page with the reference goes
    out, not the server's bare "Internal Server Error"."""
    app = _app("sqlite://", PROPAGATE_EXCEPTIONS=False)

    def boom():
        raise RuntimeError("kaputt")

    app.add_url_rule("/boom", "boom", boom)

    @app.context_processor
    def _broken():
        from flask import request

        if request.path == "/boom":
            raise RuntimeError("the template cannot be rendered either")
        return {}

    response = app.test_client().get("/boom", headers={"Accept-Language": "en"})
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in html
    ref = REF.search(html).group(1)
    assert response.headers["X-Error-Reference"] == ref


def test_an_outage_while_loading_the_logged_in_user_gives_503(caplog):
    """The session names a user, the database is gone when the user is loaded: the outage
    page must not load the user again to pick its language (that escaped as a bare 500)."""
    app = _app("postgresql+psycopg://postgres@127.0.0.1:1/none", PROPAGATE_EXCEPTIONS=False,
               SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}})
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1.0"
        session["_fresh"] = True
    with caplog.at_level(logging.ERROR):
        response = client.get("/")
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    assert "Vorübergehend nicht erreichbar" in response.get_data(as_text=True)
