"""Rate-limit counters in Redis that stay within the limit during and after a Redis outage.

Why not Flask-Limiter's own in-memory fallback: during an outage every worker counted an
address from zero, so with 4 workers an address got 4 x the limit; and when Redis came back
the workers' counts were dropped and Redis started from zero, so right after recovery fresh
addresses got 27, 20 and 15 of 30 login attempts through before the limit settled at 10.

This storage wraps Redis (scheme `skmfailover+redis://`; `configure()` rewrites a plain
`redis://` RATELIMIT_STORAGE_URI to it and switches Flask-Limiter's fallback off):
- While Redis is unreachable, each worker counts in its own memory, starting from the count
  Redis last gave it for the address, and counts every attempt `workers` times
  (RATELIMIT_FALLBACK_WORKERS, default GUNICORN_WORKERS): one worker lets a fresh address
  through floor(limit / workers) times (at least once), all workers together at most the
  limit.
- When Redis answers again, the worker first adds its counts to the Redis counters (with
  what is left of their windows) and only then counts in Redis, so the attempts made during
  the outage still count against the window they were made in. Until that window ends it
  also assumes every other worker spent as much as it did and has not handed it over yet
  (strict for at most one window, instead of letting the late hand-overs exceed the limit).
Only the fixed-window strategy (Flask-Limiter's default, the one configured) uses this.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time

from limits.storage import MemoryStorage, RedisStorage, Storage

log = logging.getLogger(__name__)
SCHEME = "skmfailover+"
RETRY_SECONDS = 1.0  # how long a worker counts in memory before it asks Redis again
SEEN_KEYS = 10_000  # the last Redis counts a worker remembers (login limits: one per address)


def default_workers() -> int:
    """The worker count gunicorn.conf.py starts (GUNICORN_WORKERS, else 2 x CPU cores)."""
    return int(os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1))))


def configure(config) -> dict:
    """Route a Redis storage URI through the failover storage (call before init_app).

    Returns the settings as configured, to be put back after init_app (which has read them),
    so `flask config check` and the app show what the operator set.
    """
    uri = config.get("RATELIMIT_STORAGE_URI") or ""
    if not uri.startswith(("redis://", "rediss://", "redis+unix://")):
        return {}
    shown = {key: config.get(key) for key in (
        "RATELIMIT_STORAGE_URI", "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED",
        "RATELIMIT_STORAGE_OPTIONS") if key in config}
    config["RATELIMIT_STORAGE_URI"] = SCHEME + uri
    config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] = False  # this storage does it
    options = dict(config.get("RATELIMIT_STORAGE_OPTIONS") or {})
    options.setdefault("fallback_workers",
                       int(config.get("RATELIMIT_FALLBACK_WORKERS") or default_workers()))
    config["RATELIMIT_STORAGE_OPTIONS"] = options
    return shown


class FailoverRedisStorage(Storage):
    """Redis, with per-worker memory counts scaled by the worker count while Redis is down."""

    STORAGE_SCHEME = [SCHEME + s for s in ("redis", "rediss", "redis+unix")]

    def __init__(self, uri: str, wrap_exceptions: bool = False, fallback_workers: int = 1,
                 **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.redis = RedisStorage(uri[len(SCHEME):], **options)
        self.memory = MemoryStorage()
        self.workers = max(1, int(fallback_workers))
        self.down_until = 0.0  # while now < down_until, count in memory without asking
        self.lock = threading.Lock()
        # the last count Redis gave this worker per key, and when its window ends: the
        # starting point of the key's memory count when Redis goes away mid-window
        self.seen: dict[str, tuple[int, float]] = {}
        # after the hand-over, until the key's window ends: this worker's outage count, which
        # the other workers may each have matched and not yet handed over themselves
        self.grace: dict[str, tuple[int, float]] = {}

    @property
    def base_exceptions(self):
        return self.redis.base_exceptions

    # --- Redis up or down -----------------------------------------------------------------

    def _redis(self, method: str, *args):
        """Call Redis unless it is known to be down; return (True, result) or (False, None).

        Before the first call after an outage, the memory counts are added to Redis.
        """
        if time.monotonic() < self.down_until:
            return False, None
        try:
            self._hand_over()
            return True, getattr(self.redis, method)(*args)
        except self.redis.base_exceptions as exc:
            if self.down_until == 0.0 or time.monotonic() >= self.down_until:
                log.warning("Rate limit storage unreachable - counting in this worker "
                            "(limit / %d): %s", self.workers, exc)
            self.down_until = time.monotonic() + RETRY_SECONDS
            return False, None

    def _hand_over(self) -> None:
        """Add this worker's outage counts to Redis once Redis answers; then forget them."""
        with self.lock:
            if not self.memory.storage:
                return
            now = time.time()
            for key, count in list(self.memory.storage.items()):
                left = self.memory.expirations.get(key, 0) - now
                if count > 0 and left > 0:
                    self._remember(key, self.redis.incr(key, math.ceil(left), amount=count),
                                   math.ceil(left))
                    self.grace[key] = (count, now + left)
                self.memory.clear(key)
            log.info("Rate limit storage recovered - outage counts handed over")

    def _remember(self, key: str, count: int, expiry: int) -> int:
        now = time.time()
        if len(self.seen) > SEEN_KEYS:
            self.seen = {k: v for k, v in self.seen.items() if v[1] > now}
            if len(self.seen) > SEEN_KEYS:
                self.seen.clear()
        old = self.seen.get(key)
        ends = old[1] if old and old[1] > now and count > 1 else now + expiry
        self.seen[key] = (count, ends)
        return count

    def _with_grace(self, key: str, count: int) -> int:
        """Redis's count plus what the other workers may still hand over (strict, briefly)."""
        if not self.grace:
            return count
        held, ends = self.grace.get(key, (0, 0.0))
        if ends <= time.time():
            self.grace.pop(key, None)
            return count
        return count + held * (self.workers - 1)

    def _scaled(self, key: str, count: int) -> int:
        """The memory count as the limit should see it: what Redis last said, plus this
        worker's outage attempts times the worker count (the first one alone, if fresh)."""
        before, ends = self.seen.get(key, (0, 0.0))
        if ends <= time.time():
            before = 0
        if count <= 1 and not before:
            return count  # one attempt per worker is always let through
        return before + count * self.workers

    # --- the Storage interface (fixed window) ---------------------------------------------

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        ok, value = self._redis("incr", key, expiry, amount)
        if ok:
            return self._with_grace(key, self._remember(key, value, expiry))
        with self.lock:
            return self._scaled(key, self.memory.incr(key, expiry, amount))

    def get(self, key: str) -> int:
        ok, value = self._redis("get", key)
        if ok:
            return self._with_grace(key, value)
        with self.lock:
            return self._scaled(key, self.memory.get(key))

    def get_expiry(self, key: str) -> float:
        ok, value = self._redis("get_expiry", key)
        if ok:
            return value
        with self.lock:
            return self.memory.get_expiry(key)

    def check(self) -> bool:
        try:
            return bool(self.redis.check())
        except self.redis.base_exceptions:
            return False

    def reset(self) -> int | None:
        with self.lock:
            self.memory.reset()
        ok, value = self._redis("reset")
        return value if ok else None

    def clear(self, key: str) -> None:
        with self.lock:
            self.memory.clear(key)
        self._redis("clear", key)
