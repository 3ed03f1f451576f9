"""Mask secret tokens in access logs: a token in a log file is a working calendar URL or link.

Feed URLs and the e-mail links (invitation, password reset, offer answer, follow-up, report)
carry their token in the path; deploy/nginx/skm-pool.conf masks the same paths in nginx's log
(tests/core/test_https.py checks both against every route with a `<token>` part).

`install()` adds `TokenMaskFilter` to the werkzeug (dev server) and gunicorn.access loggers
when the calendar blueprint is registered, so every worker masks its own lines. Other log
pipelines (a reverse proxy) must be configured the same way; see README.
"""

from __future__ import annotations

import logging
import re

TOKEN_RE = re.compile(r"(/calendar/)[^/\s\"?]+(\.ics)")
MASK = r"\1***\2"
LINK_RE = re.compile(
    r"(/(?:auth/invite|auth/reset|me/offers/answer|me/report|requests/follow-up)/)[^/\s\"?]+")


def mask(text: str) -> str:
    """Replace the token of any feed URL or e-mail link in `text`."""
    return LINK_RE.sub(r"\1***", TOKEN_RE.sub(MASK, text))


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
