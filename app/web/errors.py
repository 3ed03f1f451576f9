"""Request ids on every response, error references on every 5xx, which database errors are
an outage.

Why a reference: a user who phones the office can quote the eight characters on the error page,
and the operator finds the one log line with the cause. Why the triage: only an outage (the
server is gone, restarting, refusing connections, or busy with a lock) is worth "try again in
30 seconds"; a missing column after a deployment without `flask db upgrade`, a wrong database
name or a damaged file never heal by waiting, so they are a 500 whose log line says what to do.

Log lines name the endpoint, not the path, and the driver's message, not the SQL with its
parameters: paths and parameters can carry secret tokens (feeds, reset links).
"""

from __future__ import annotations

import logging
import uuid

from flask import Flask, Response, g, has_request_context, request
from sqlalchemy import exc as sa_exc

from app.logs import HEADER, current_request_id, note_response
from app.web.transaction import CONFLICT_SQLSTATES, SQLITE_LOCKED

log = logging.getLogger(__name__)

OUTAGE = "outage"  # 503 with Retry-After: waiting helps
SCHEMA = "schema"  # 500: the schema is behind the code
SETUP = "setup"  # 500: DATABASE_URL names something that is not there
DAMAGED = "damaged"  # 500: the SQLite file is damaged
OTHER = "other"  # 500: any other database error

HINTS = {
    OUTAGE: "database unreachable or busy",
    SCHEMA: "the database schema is probably behind the code: run flask db upgrade",
    SETUP: "the database in DATABASE_URL cannot be opened (name, user, password, path?)",
    DAMAGED: "the database file is damaged: restore the last backup (flask restore)",
    OTHER: "database error",
}

# PostgreSQL: admin/crash shutdown, cannot connect now, too many connections, statement
# timeout; class 08 is every connection exception
_PG_OUTAGE = frozenset({"57P01", "57P02", "57P03", "53300", "57014"}) | CONFLICT_SQLSTATES
_PG_SCHEMA = frozenset({"42P01", "42703", "42883", "42704"})  # undefined table/column/...
_PG_SETUP = ("does not exist", "authentication failed", "no pg_hba.conf entry")
_SQLITE_SCHEMA = ("no such table", "no such column", "has no column named")
_SQLITE_DAMAGED = ("malformed", "not a database", "disk i/o error")


def reference() -> str:
    """Return this request's error reference: the first 8 characters of its request id.

    So the reference a user reads out finds every log line of that request (each carries the
    full id, app/logs.py); outside a request (the scheduler, a CLI command) a new one.
    """
    ref = g.get("error_reference")
    if ref is None:
        rid = current_request_id() if has_request_context() else None
        ref = g.error_reference = (rid or uuid.uuid4().hex)[:8]
    return ref


def mark_logged() -> None:
    """Say that this request's 5xx needs no generic log line (it was logged, or is a probe)."""
    g.error_logged = True


def classify(exc: Exception) -> str:
    """Sort a database exception into OUTAGE, SCHEMA, SETUP, DAMAGED or OTHER."""
    if isinstance(exc, sa_exc.DisconnectionError | sa_exc.TimeoutError):
        return OUTAGE  # a dropped connection, or the pool had none free in time
    if not isinstance(exc, sa_exc.DBAPIError):
        return OTHER
    if exc.connection_invalidated:
        return OUTAGE
    orig = exc.orig
    text = str(orig).lower()
    if type(orig).__module__.startswith("sqlite3"):
        if any(m in text for m in SQLITE_LOCKED):
            return OUTAGE
        if any(m in text for m in _SQLITE_SCHEMA):
            return SCHEMA
        if any(m in text for m in _SQLITE_DAMAGED):
            return DAMAGED
        return SETUP if "unable to open database" in text else OTHER
    if isinstance(exc, sa_exc.InterfaceError):
        return OUTAGE  # psycopg: the connection is closed
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state is None and isinstance(exc, sa_exc.OperationalError):
        # the driver could not connect or lost the connection: refused, timed out, closed,
        # shutting down, starting up; but a database or role that does not exist is a setup
        # error that waiting will not cure
        return SETUP if any(m in text for m in _PG_SETUP) else OUTAGE
    if state is not None and (state in _PG_OUTAGE or state.startswith("08")):
        return OUTAGE
    if state in _PG_SCHEMA:
        return SCHEMA
    return OTHER


def _cause(exc: Exception) -> str:
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    return f"{type(orig).__module__}.{type(orig).__name__}: {lines[0] if lines else ''}"


def _where() -> str:
    if not has_request_context():
        return "outside a request"
    return f"{request.method} {request.endpoint or '(no endpoint)'}"


def log_database_error(exc: Exception, kind: str) -> str:
    """Log one line with the reference, what to do and the driver's message; return the ref."""
    ref = reference()
    status = 503 if kind == OUTAGE else 500
    log.error("HTTP %d on %s, error reference %s: %s; cause: %s",
              status, _where(), ref, HINTS[kind], _cause(exc))
    mark_logged()
    return ref


def register_errors(app: Flask) -> None:
    """Give every unhandled exception and every 5xx response a logged error reference."""

    def log_exception(exc_info) -> None:
        """Flask's unhandled-exception log line, with the reference the 500 page shows."""
        ref = reference()
        mark_logged()
        app.logger.error("HTTP 500 on %s, error reference %s: unhandled exception",
                         _where(), ref, exc_info=exc_info)

    app.log_exception = log_exception  # type: ignore[method-assign]

    @app.after_request
    def _reference_header(response: Response) -> Response:
        response.headers[HEADER] = current_request_id()
        note_response(request.environ)
        if response.status_code >= 500:
            ref = reference()
            if not g.get("error_logged"):
                log.error("HTTP %d on %s, error reference %s", response.status_code, _where(),
                          ref)
            response.headers["X-Error-Reference"] = ref
        return response
