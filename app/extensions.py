"""Extensions, created unbound once and bound in the application factory."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager as _LoginManager
from flask_login.utils import decode_cookie, encode_cookie
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect as _CSRFProtect
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def _render_item(type_: str, obj, autogen_context):
    """Render the app's UTC column type as a plain DateTime so migrations never import app code."""
    from app.timeutil import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


# A covering index for the yearly report that exists on PostgreSQL only (migration 0009;
# SQLite has no INCLUDE). Autogenerate and `flask db check` must not see it as drift.
POSTGRES_ONLY_INDEXES = frozenset({"ix_assignment_status_starts_at_report"})


def include_object(obj, name: str | None, type_: str, reflected: bool, compare_to) -> bool:
    """Leave the PostgreSQL-only indexes out of the model/database comparison."""
    return not (type_ == "index" and name in POSTGRES_ONLY_INDEXES)


class CSRFProtect(_CSRFProtect):
    """Flask-WTF's CSRF check that says in the log why a form was refused for a transport reason.

    A missing or foreign Referer over HTTPS, or a missing session cookie over plain HTTP in
    production, shows users only "form expired"; the operator needs the cause. The line names
    the endpoint and the Referer's origin, never a path or token.
    """

    def _error_response(self, reason):
        secure = request.is_secure
        if secure and "referrer" in reason:
            referrer = urlsplit(request.referrer or "")
            origin = f"{referrer.scheme}://{referrer.netloc}" if referrer.netloc else "none"
            logging.getLogger("app.security").warning(
                "CSRF refused %s %s over HTTPS: %s (Referer origin %s, expected https://%s)",
                request.method, request.endpoint, reason, origin, request.host)
        elif not secure and current_app.config["SESSION_COOKIE_SECURE"] \
                and "session token is missing" in reason:
            logging.getLogger("app.security").warning(
                "CSRF refused %s %s over plain HTTP: %s (the session cookie is Secure; serve "
                "the site over HTTPS and, behind a proxy, set TRUSTED_PROXIES)",
                request.method, request.endpoint, reason)
        super()._error_response(reason)


class LoginManager(_LoginManager):
    """Flask-Login whose "Stay logged in" cookie survives a key rotation.

    Flask-Login signs the cookie with SECRET_KEY alone; a cookie signed with a key of
    SECRET_KEY_FALLBACKS is read as if signed with the current key (it stays valid until that
    fallback is removed; docs/operations.md "Rotate keys"). The session cookie needs no help:
    Flask reads SECRET_KEY_FALLBACKS itself.
    """

    def _load_user_from_remember_cookie(self, cookie):
        if decode_cookie(cookie) is None:
            for key in current_app.config["SECRET_KEY_FALLBACKS"]:
                payload = decode_cookie(cookie, key=key)
                if payload is not None:
                    cookie = encode_cookie(payload)
                    break
        return super()._load_user_from_remember_cookie(cookie)


migrate = Migrate(render_as_batch=True, compare_type=True, render_item=_render_item,
                  include_object=include_object)
csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Give SQLite foreign keys, WAL (readers never block the writer) and a busy timeout."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()
