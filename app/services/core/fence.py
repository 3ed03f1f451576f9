"""Fencing for background work: a job stops acting once its scheduler no longer holds the lock.

Why: after a database restart the lock is gone at once, but the old holder only learns it
when it next asks; a second scheduler may take the lock meanwhile. The scheduler installs its
lock's check here; jobs call `check()` before each act that leaves the process (a commit, an
SMTP send). Outside the scheduler (tests, `flask requests tick`) nothing is installed and the
check passes.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

KEY = "skm.scheduler_fence"


class LockLostError(RuntimeError):
    """This process no longer holds the scheduler lock: it must stop acting now."""


def install(app: Flask, alive: Callable[[], bool]) -> None:
    app.extensions[KEY] = alive


def remove(app: Flask) -> None:
    app.extensions.pop(KEY, None)


def check() -> None:
    """Raise LockLostError when a scheduler lock is installed and no longer held."""
    alive = current_app.extensions.get(KEY)
    if alive is not None and not alive():
        raise LockLostError("the scheduler lock is lost")
