"""Mask secret tokens in every log line: a token in a log file is a working link.

The links of e-mails (invitation, password reset, offer answer and its calendar file,
follow-up report, the coordinator's follow-up) and the calendar feeds carry a secret in their
path; an offer link accepts an offer without a password. One function, `mask`, knows them all
and is used wherever a log line is made: the app's handlers (`app.logs`), gunicorn's access log
(`app.logs.GunicornLogger`) and the development server's (`TokenMaskFilter` on `werkzeug`).
tests/core/test_https.py checks it against every route with a `<token>` part, and
tests/ops/test_log_tokens.py walks the real links through gunicorn and greps the output.

No Flask import here: gunicorn's master process loads this module for its logging config.
"""

from __future__ import annotations

import logging
import re

REDACTED = "***"
# the characters a token can hold in a path: anything up to the next separator
_PATH_PART = r"""[^/\s"'?#&;,<>\\]+"""
FEED_RE = re.compile(r"(/calendar/)" + _PATH_PART + r"(\.ics)", re.IGNORECASE)
# every route with a secret path part (tests/data/url_map.txt: the `<token>` routes)
LINK_RE = re.compile(
    r"(/(?:auth/invite|auth/reset|me/offers/answer|me/report|requests/follow-up)/)" + _PATH_PART,
    re.IGNORECASE)
# a token in a query string or a form-encoded body (`?token=...`, `&reset_token=...`)
QUERY_RE = re.compile(r"([?&;][\w-]*token=)[^&\s\"'#;<>\\]+", re.IGNORECASE)
# percent-encoded slashes (`%2F`) in a logged URL, e.g. a `next=` parameter or a Referer
_ENCODED_SLASH = re.compile(r"%2f", re.IGNORECASE)


def mask(text: str, secrets: tuple[str, ...] | list[str] = ()) -> str:
    """Replace the token of any feed URL, e-mail link or token parameter in `text`.

    `secrets` are exact strings known to be secret (the token of the current request) and
    are replaced wherever they appear, in whatever part of the line.
    """
    if not text:
        return text
    for secret in secrets:
        if secret and len(secret) >= 8:
            text = text.replace(secret, REDACTED)
    if "%" in text and _ENCODED_SLASH.search(text):
        text = _mask_encoded(text)
    text = FEED_RE.sub(r"\1" + REDACTED + r"\2", text)
    text = LINK_RE.sub(r"\1" + REDACTED, text)
    return QUERY_RE.sub(r"\1" + REDACTED, text)


def _mask_encoded(text: str) -> str:
    """Mask links whose slashes are percent-encoded (a `next=%2Fauth%2Freset%2F...`)."""
    def one(match: re.Match[str]) -> str:
        decoded = _ENCODED_SLASH.sub("/", match.group(0))
        masked = mask(decoded)
        return match.group(0) if masked == decoded else masked
    return re.sub(r"[^\s\"'&]+", one, text)


def mask_value(value: object, secrets: tuple[str, ...] | list[str] = ()) -> object:
    """Mask a string, or every string inside a dict, list or tuple (JSON log fields)."""
    if isinstance(value, str):
        return mask(value, secrets)
    if isinstance(value, dict):
        return {k: mask_value(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(mask_value(v, secrets) for v in value)
    return value


class TokenMaskFilter(logging.Filter):
    """Rewrite log records in place (message and args, also gunicorn's dict of atoms)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask(record.msg)
        args = record.args
        if isinstance(args, dict):
            # keep gunicorn's SafeAtoms type: it answers '-' for atoms a request lacks
            for key, value in list(args.items()):
                if isinstance(value, str):
                    dict.__setitem__(args, key, mask(value))
        elif isinstance(args, tuple):
            record.args = tuple(mask(v) if isinstance(v, str) else v for v in args)
        return True
