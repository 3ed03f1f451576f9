"""Mask feed tokens in access logs: a token in a log file is a working calendar URL.

`install()` adds `TokenMaskFilter` to the werkzeug (dev server) and gunicorn.access loggers
when the calendar blueprint is registered, so every worker masks its own lines. Other log
pipelines (a reverse proxy) must be configured the same way; see README.
"""

from __future__ import annotations

import logging
import re

TOKEN_RE = re.compile(r"(/calendar/)[^/\s\"?]+(\.ics)")
MASK = r"\1***\2"


def mask(text: str) -> str:
    """Replace the token of any feed URL in `text`."""
    return TOKEN_RE.sub(MASK, text)


class TokenMaskFilter(logging.Filter):
    """Rewrite log records in place (message and args, also gunicorn's dict of atoms)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask(record.msg)
        args = record.args
        if isinstance(args, dict):
            record.args = {k: mask(v) if isinstance(v, str) else v for k, v in args.items()}
        elif isinstance(args, tuple):
            record.args = tuple(mask(v) if isinstance(v, str) else v for v in args)
        return True


def install() -> None:
    for name in ("werkzeug", "gunicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, TokenMaskFilter) for f in logger.filters):
            logger.addFilter(TokenMaskFilter())
