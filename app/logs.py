"""Logs an operator can use: one line per event, JSON in production, a request id on each.

Every log line made while a request runs carries its request id, the user's id and role
(`RequestContextFilter`); the response echoes the id in `X-Request-ID` and the error page's
reference is its first eight characters (app/web/errors.py), so one `grep` finds every line of
the request a user phones about. The id is the trusted proxy's `X-Request-ID` when
TRUSTED_PROXIES > 0 and the header looks like an id, else a new uuid4.

Formatters: `JsonFormatter` (LOG_FORMAT=json, the production default) writes one JSON object
per line; `TextFormatter` a readable line. Both mask every secret token (`app.logmask`) in the
message, the arguments and the traceback, whatever logger the line comes from.

Under gunicorn, gunicorn.conf.py hands `gunicorn_logconfig()` to gunicorn (`logconfig_dict`)
and sets `GunicornLogger` as its logger class: gunicorn's own lines and its access log go
through the same formatter, the access line with the request id, user and role the app left in
the WSGI environ. Other processes (`flask run`, `flask scheduler run`) get the same handler
from `configure()`.
"""

from __future__ import annotations

import logging
import re
import sys
import uuid
from typing import Any

import sqlalchemy as sa
from gunicorn import glogging
from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

from app.logmask import mask, mask_value

ENVIRON_KEY = "skm.log"  # the WSGI environ entry the app leaves for gunicorn's access log
HEADER = "X-Request-ID"
_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")
_CONTEXT = ("request_id", "user_id", "role")
_SEEN_USER = "_log_user_fields"
_JSON_FIELDS = ["timestamp", "levelname", "name", "message", "request_id", "user_id", "role",
                "process"]
TEXT_FORMAT = ("%(asctime)s %(levelname)s %(name)s [%(request_id)s %(user_id)s/%(role)s] "
               "%(message)s")


def current_request_id() -> str | None:
    """Return this request's id (made on first use), or None outside a request."""
    from flask import current_app, g, has_request_context, request

    if not has_request_context():
        return None
    rid = g.get("request_id")
    if rid is None:
        given = request.headers.get(HEADER, "")
        trusted = int(current_app.config["TRUSTED_PROXIES"]) > 0
        rid = given if trusted and _ID_RE.fullmatch(given) else uuid.uuid4().hex
        g.request_id = rid
        _note(request.environ, request_id=rid)
    return rid


def request_secrets() -> tuple[str, ...]:
    """The secret of this request's URL (the `<token>` part), to mask wherever it shows."""
    from flask import has_request_context, request

    if not has_request_context() or not request.view_args:
        return ()
    token = request.view_args.get("token")
    return (str(token),) if token else ()


def current_user_fields() -> tuple[int | None, str | None]:
    """The logged-in user's id and role, only if this request loaded them already.

    Never loads the user itself: a log line must not query the database (it may be the line
    that reports the database gone).
    """
    from flask import g, has_request_context

    if not has_request_context():
        return None, None
    user = g.get("_login_user")
    if user is None:
        return None, None
    state = sa.inspect(user, raiseerr=False)
    if state is None:  # the anonymous user: no row behind it
        return None, None
    # after a rollback or commit the user's attributes are expired, and reading one would
    # query the database, which may be the thing that just failed: take only what is loaded
    loaded = state.dict
    user_id = state.identity[0] if state.identity else loaded.get("id")
    role = loaded.get("role")
    if role is None:
        seen = g.get(_SEEN_USER)
        role = seen[1] if seen and seen[0] == user_id else None
    return user_id, role


def remember_user(user: Any) -> None:
    """Note the user's id and role while they are loaded (at login, or when the session's user
    is loaded), so the request's later lines name the role even after a commit expired it."""
    from flask import g, has_request_context

    if has_request_context():
        setattr(g, _SEEN_USER, (user.id, user.role))


def note_response(environ: dict) -> None:
    """Leave the request id, user and secrets in the environ for gunicorn's access line."""
    user_id, role = current_user_fields()
    _note(environ, request_id=current_request_id(), user_id=user_id, role=role,
          secrets=request_secrets())


def _note(environ: dict, **fields: Any) -> None:
    environ.setdefault(ENVIRON_KEY, {}).update(fields)


class RequestContextFilter(logging.Filter):
    """Give every record `request_id`, `user_id` and `role` (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            try:
                record.request_id = current_request_id()
                record.user_id, record.role = current_user_fields()
                record.secrets = request_secrets()
            except Exception:  # noqa: BLE001 - a log line must never fail
                record.request_id = record.user_id = record.role = None
        for name in (*_CONTEXT, "secrets"):
            if not hasattr(record, name):
                setattr(record, name, () if name == "secrets" else None)
        return True


class JsonFormatter(_BaseJsonFormatter):
    """One JSON object per line; every string in it masked (message, fields, traceback)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", _JSON_FIELDS)
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", True)
        kwargs.setdefault("reserved_attrs", [*_RESERVED, "secrets"])
        super().__init__(*args, **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        _ensure_context(record)
        return super().format(record)

    def add_fields(self, log_data, record, message_dict) -> None:  # noqa: ANN001
        super().add_fields(log_data, record, message_dict)
        secrets = tuple(getattr(record, "secrets", ()) or ())
        for key, value in log_data.items():
            log_data[key] = mask_value(value, secrets)


class TextFormatter(logging.Formatter):
    """A readable line for development: time, level, logger, request id, user; masked."""

    def __init__(self, fmt: str | None = None, datefmt: str | None = None, **kwargs: Any):
        super().__init__(fmt or TEXT_FORMAT, datefmt, **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        _ensure_context(record)
        return mask(super().format(record), tuple(record.secrets or ()))


_RESERVED = [
    "args", "asctime", "created", "exc_info", "exc_text", "filename", "funcName", "levelno",
    "lineno", "module", "msecs", "msg", "pathname", "processName", "relativeCreated",
    "stack_info", "thread", "threadName", "taskName",
]


def _ensure_context(record: logging.LogRecord) -> None:
    """A record that bypassed the filter (a handler added elsewhere) still formats."""
    if not hasattr(record, "secrets"):
        RequestContextFilter().filter(record)


def make_handler(log_format: str, stream: Any = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(RequestContextFilter())
    handler._skm = True  # type: ignore[attr-defined]
    return handler


def configure(app) -> None:  # noqa: ANN001
    """Log through the masking formatter in processes gunicorn did not configure."""
    root = logging.getLogger()
    level = str(app.config["LOG_LEVEL"]).upper()
    if not root.handlers:
        root.addHandler(make_handler(app.config["LOG_FORMAT"]))
        root.setLevel(level)
    logging.captureWarnings(True)


def gunicorn_logconfig(log_format: str, accesslog: str | None, level: str = "INFO") -> dict:
    """gunicorn's `logconfig_dict`: app, gunicorn.error and gunicorn.access in one format.

    Everything goes to stderr (journald); the access log, when GUNICORN_ACCESS_LOG is set,
    to stdout ("-") or to that file (reopened after logrotate moves it).
    """
    formatter = "json" if log_format == "json" else "text"
    handlers: dict[str, dict] = {
        "skm_console": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr",
                        "formatter": formatter, "filters": ["skm_context"]},
    }
    access_handlers: list[str] = []
    if accesslog == "-":
        handlers["skm_access"] = {"class": "logging.StreamHandler", "stream": "ext://sys.stdout",
                                  "formatter": formatter, "filters": ["skm_context"]}
        access_handlers = ["skm_access"]
    elif accesslog:
        handlers["skm_access"] = {"class": "logging.handlers.WatchedFileHandler",
                                  "filename": accesslog, "formatter": formatter,
                                  "filters": ["skm_context"]}
        access_handlers = ["skm_access"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"skm_context": {"()": "app.logs.RequestContextFilter"}},
        "formatters": {"json": {"()": "app.logs.JsonFormatter"},
                       "text": {"()": "app.logs.TextFormatter"}},
        "handlers": handlers,
        "root": {"level": level, "handlers": ["skm_console"]},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": ["skm_console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": access_handlers,
                                "propagate": False},
        },
    }


class GunicornLogger(glogging.Logger):
    """gunicorn's logger with a masked access line that carries the request's context."""

    def access(self, resp, req, environ, request_time) -> None:  # noqa: ANN001
        if not self.cfg.accesslog:
            return  # off unless GUNICORN_ACCESS_LOG is set (nginx writes the access log)
        noted = environ.get(ENVIRON_KEY) or {}
        secrets = tuple(noted.get("secrets") or ())
        atoms = self.atoms(resp, req, environ, request_time)
        safe = self.atoms_wrapper_class(
            {k: mask(v, secrets) if isinstance(v, str) else v for k, v in atoms.items()})
        extra = {
            "request_id": noted.get("request_id"), "user_id": noted.get("user_id"),
            "role": noted.get("role"), "secrets": secrets,
            "method": atoms.get("m"), "path": mask(str(atoms.get("U") or ""), secrets),
            "status": _int(atoms.get("s")), "bytes": _int(atoms.get("B")),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "remote_addr": atoms.get("h"),
        }
        try:
            self.access_log.info(self.cfg.access_log_format, safe, extra=extra)
        except Exception:  # noqa: BLE001 - gunicorn's own behaviour: report, never raise
            self.exception("access log line failed")


def _int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
