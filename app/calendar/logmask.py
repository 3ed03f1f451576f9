"""Mask secret tokens in the development server's and gunicorn's access logs.

The masking itself is `app.logmask` (every token route, for every log); this keeps the
filter on the `werkzeug` logger (the development server) and on `gunicorn.access` for a
gunicorn started without gunicorn.conf.py, whose logger class masks by itself.
"""

from __future__ import annotations

import logging

from app.logmask import TokenMaskFilter, mask

__all__ = ["TokenMaskFilter", "install", "mask"]


def install() -> None:
    for name in ("werkzeug", "gunicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, TokenMaskFilter) for f in logger.filters):
            logger.addFilter(TokenMaskFilter())
