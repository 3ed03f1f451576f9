"""Shared fixtures: a real database (SQLite file or a fresh PostgreSQL database per run),
the app/client/runner trio, factories returning callables, a real SMTP server."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
import uuid
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient
from flask_migrate import upgrade

from app import create_app
from app.extensions import db, limiter
from app.models import FactStamp, User
from app.services.core.languages import LANGUAGES
from app.services.matching import cache as fact_cache
from app.timeutil import freeze
from config import TestingConfig
from tests import factories
from tests.net import CSRF_RE, free_port
from tests.scratch import PG_URL, admin_url, pg_databases

pytest_plugins = ("tests.core.fuzz_report",)  # the fuzz summary line per role and database
_admin_url = admin_url  # the name the test modules import


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """Yield a fresh, empty database URL for this run (and drop it afterwards)."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
        return
    with pg_databases(f"skm_test_{os.getpid()}") as [url]:
        yield url


@pytest.fixture(scope="session")
def _app(database_url):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        # the maintenance switch is read once per test (the copy is dropped after each), not
        # every 5 s of wall time: query counts must not depend on how slow the machine is
        MAINTENANCE_CACHE_SECONDS = 3600

    application = create_app(Config)
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture()
def app(_app):
    """The app with an app context pushed; every table is emptied after the test."""
    with _app.app_context():
        yield _app
        db.session.rollback()
        db.session.remove()
        freeze(None)
        limiter.reset()
        _empty_tables()
    _app.extensions.pop("skm_maintenance", None)  # the per-worker copy of maintenance mode
    _app.config["MAIL_PORT"] = 0


def _empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
        # as the migrations leave it; new stamps, so no copy of the last test's facts is used
        conn.execute(sa.insert(FactStamp), [{"name": name, "stamp": uuid.uuid4().hex}
                                            for name in (fact_cache.STAMP, LANGUAGES)])


class IsolatedClient(FlaskClient):
    """Run every request in its own app context, as in production (fresh g and session).

    Without this, requests would reuse the test's app context, sharing `g` (cached locale,
    cached current_user) and the test's database session between requests.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture()
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


@pytest.fixture()
def clock():
    """Freeze the app clock; call the fixture's result with an aware datetime to move it."""

    def set_clock(moment: dt.datetime) -> dt.datetime:
        freeze(moment)
        return moment

    yield set_clock
    freeze(None)


# --- factories -----------------------------------------------------------------------------


@pytest.fixture()
def make_institution(app):
    return factories.numbered(factories.make_institution)


@pytest.fixture()
def make_mediator(app):
    return factories.numbered(factories.make_mediator)


@pytest.fixture()
def make_user(app, make_institution, make_mediator):
    make = factories.numbered(factories.make_user)
    return lambda *args, **kwargs: make(*args, new_institution=make_institution,
                                        new_mediator=make_mediator, **kwargs)


@pytest.fixture()
def login(client):
    """Log a user in through the real login form (CSRF disabled only via the token helper)."""

    def do_login(user: User, password: str = factories.PASSWORD):
        token = csrf_token(client, "/auth/login")
        return client.post("/auth/login", data={"email": user.email, "password": password,
                                                "csrf_token": token})

    return do_login


def csrf_token(client, path: str) -> str:
    """Fetch a page and return the CSRF token of its first form."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


# --- real SMTP server ----------------------------------------------------------------------


class _Collector:
    def __init__(self) -> None:
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        msg = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(msg)
        return "250 OK"


@contextlib.contextmanager
def running_smtp(app, handler):
    """Run aiosmtpd with `handler` on a free loopback port and point the app at it."""
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config["MAIL_PORT"] = port
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture()
def smtp_server(app):
    """A real SMTP server on loopback that keeps every message it receives."""
    with running_smtp(app, _Collector()) as handler:
        yield handler
