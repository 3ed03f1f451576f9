"""Answer repeated calendar polls from memory; PostgreSQL NOTIFY says which ones went stale.

A calendar app polls every feed about hourly and almost every poll ends in a 304, yet each
one cost a database statement. On PostgreSQL each worker now keeps the result of a poll
(owner, ETag) per user and LISTENs on `skm_feed`, where triggers (migration 0024) name the
scopes every commit touched: the user row, a mediator, an institution, the coordinators, or
all. A remembered poll is used only while

- the listener is connected (a lost connection switches memory off until it is back, and
  reconnecting forgets everything, since notifications may have been missed meanwhile; a
  poll in the moment before the listener notices the loss is as stale as one that arrives
  before a notification),
- no notification for one of the owner's scopes has arrived since the poll was read, and
- it is younger than FEED_MEMO_MAX_AGE (a safety net for a connection that died silently).

So a rotated link is dead and a change shows as soon as the notification arrives (a few
milliseconds after the commit). SQLite has no NOTIFY and keeps asking the database.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import NamedTuple

import psycopg
from cachetools import LRUCache

from app.models.enums import Role

CHANNEL = "skm_feed"
log = logging.getLogger(__name__)


class Remembered(NamedTuple):
    owner: object  # feeds.FeedOwner
    etag: str
    last_modified: object
    seq: int  # notifications seen when the poll was read from the database
    stored_at: float


def owner_scopes(owner) -> tuple[str, ...]:
    """Return the notification scopes whose changes can alter this owner's feed."""
    scopes = [f"u:{owner.id}"]
    if owner.role == Role.MEDIATOR and owner.mediator_id:
        scopes.append(f"m:{owner.mediator_id}")
    elif owner.role == Role.INSTITUTION and owner.institution_id:
        scopes.append(f"i:{owner.institution_id}")
    elif owner.role == Role.COORDINATOR:
        scopes.append("c")
    return tuple(scopes)


class PollMemo:
    """Remembered polls and the sequence numbers of the notifications that outdate them.

    Invalidation only moves counters: a notification stamps its scopes with the next
    sequence number, and an entry read before that number is stale. A poll records the
    number *before* it queries, so a change committed while it ran also outdates it.
    """

    def __init__(self, max_entries: int, max_age_s: float):
        self._lock = threading.RLock()  # re-entered by `wait` predicates that call `seen`
        self._entries: LRUCache[int, Remembered] = LRUCache(maxsize=max_entries)
        self._scope_seq: dict[str, int] = {}
        self._all_seq = 0
        self.seq = 0
        self.connected = False
        self.max_age_s = max_age_s
        self._changed = threading.Condition(self._lock)

    def snapshot(self) -> int | None:
        """Return the sequence number to store a poll under, or None when memory is off."""
        with self._lock:
            return self.seq if self.connected else None

    def get(self, user_id: int) -> Remembered | None:
        with self._lock:
            if not self.connected:
                return None
            entry = self._entries.get(user_id)
            if entry is None or time.monotonic() - entry.stored_at > self.max_age_s:
                return None
            if self._all_seq > entry.seq or any(
                    self._scope_seq.get(s, 0) > entry.seq for s in owner_scopes(entry.owner)):
                return None
            return entry

    def put(self, owner, etag: str, last_modified, seq: int | None) -> None:
        if seq is None:
            return
        with self._lock:
            self._entries[owner.id] = Remembered(owner, etag, last_modified, seq,
                                                 time.monotonic())

    def notify(self, payload: str) -> None:
        with self._changed:
            self.seq += 1
            for scope in payload.split(","):
                if scope == "all":
                    self._all_seq = self.seq
                elif scope:
                    self._scope_seq[scope] = self.seq
            self._changed.notify_all()

    def set_connected(self, connected: bool) -> None:
        with self._changed:
            if connected:  # notifications may have been missed: forget every poll
                self.seq += 1
                self._all_seq = self.seq
            self.connected = connected
            self._changed.notify_all()

    def seen(self, scope: str) -> bool:
        """Tell whether a notification for `scope` has arrived (a sentinel, in tests)."""
        with self._lock:
            return scope in self._scope_seq

    def wait(self, predicate, timeout: float) -> bool:
        """Block until `predicate(memo)` holds (tests and operators; never the poll path)."""
        with self._changed:
            return self._changed.wait_for(lambda: predicate(self), timeout)


class Listener(threading.Thread):
    """LISTEN on one connection of its own; reconnect with back-off when it is lost."""

    def __init__(self, dsn: str, memo: PollMemo, health_s: float = 5.0):
        super().__init__(name="feed-listener", daemon=True)
        self.dsn, self.memo, self.health_s = dsn, memo, health_s
        self.backend_pid: int | None = None
        self._halt = threading.Event()

    def run(self) -> None:
        backoff = 0.2
        while not self._halt.is_set():
            try:
                with psycopg.connect(self.dsn, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.backend_pid = conn.info.backend_pid
                    self.memo.set_connected(True)
                    backoff = 0.2
                    while not self._halt.is_set():
                        for note in conn.notifies(timeout=self.health_s):
                            self.memo.notify(note.payload)
                        conn.execute("SELECT 1")  # a dead connection raises here
            except (psycopg.Error, OSError) as exc:
                log.warning("feed listener lost its connection: %s", exc)
            finally:
                self.memo.set_connected(False)
                self.backend_pid = None
            self._halt.wait(backoff)
            backoff = min(backoff * 2, 30.0)

    def stop(self) -> None:
        self._halt.set()


_STATE: dict[str, tuple[PollMemo, Listener]] = {}
_START_LOCK = threading.Lock()


def _key(app) -> str:
    """One memory per process and app (`current_app` is a proxy: key the app behind it)."""
    real = app._get_current_object() if hasattr(app, "_get_current_object") else app
    return f"{os.getpid()}:{id(real)}"


def memo_for(app) -> PollMemo | None:
    """Return this process's poll memory, starting its listener on first use (PostgreSQL).

    Started lazily by the first poll, so it runs in each gunicorn worker after the fork and
    never in a CLI command or the scheduler.
    """
    if not app.config["FEED_LISTEN"]:
        return None
    key = _key(app)
    state = _STATE.get(key)
    if state is not None:
        return state[0]
    from app.extensions import db

    if db.engine.dialect.name != "postgresql":
        return None
    with _START_LOCK:
        if key not in _STATE:
            memo = PollMemo(app.config["FEED_MEMO_ENTRIES"],
                            app.config["FEED_MEMO_MAX_AGE"])
            url = db.engine.url.set(drivername="postgresql")
            listener = Listener(url.render_as_string(hide_password=False), memo)
            listener.start()
            _STATE[key] = (memo, listener)
    return _STATE[key][0]


def poll(app, user_id: int, read):
    """Return `read(user_id)` (owner, ETag, last modified), remembered while still current."""
    memo = memo_for(app)
    if memo is None:
        return read(user_id)
    seen = memo.get(user_id)
    if seen is not None:
        return seen.owner, seen.etag, seen.last_modified
    seq = memo.snapshot()
    polled = read(user_id)
    if polled is not None:
        memo.put(*polled, seq)
    return polled


def listener_for(app) -> Listener | None:
    state = _STATE.get(_key(app))
    return state[1] if state else None


def stop(app) -> None:
    """Stop this process's listener for `app` (tests; a worker simply exits)."""
    state = _STATE.pop(_key(app), None)
    if state is not None:
        state[1].stop()
        state[1].join(timeout=10)
