"""Invariants checked in the database and the mailbox after each run."""

from __future__ import annotations

import time
from collections import Counter

import psycopg

from config import Config

OVERLAPS = """
SELECT a.id, b.id FROM assignment a JOIN assignment b
  ON a.mediator_id = b.mediator_id AND a.id < b.id
 WHERE a.status != 'cancelled' AND b.status != 'cancelled'
   AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
"""
LIVE_PER_REQUEST = """
SELECT request_id FROM assignment WHERE status != 'cancelled'
 GROUP BY request_id HAVING count(*) > 1
"""


def connect(url: str):
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))


def double_bookings(url: str) -> tuple[list, list]:
    with connect(url) as conn:
        return (conn.execute(OVERLAPS).fetchall(), conn.execute(LIVE_PER_REQUEST).fetchall())


def outbox_rows(url: str) -> list[tuple]:
    with connect(url) as conn:
        return conn.execute(
            "SELECT id, created_at, status FROM outbox_message ORDER BY id").fetchall()


def expected_message_id(row_id: int, created_at) -> str:
    """Rebuild the Message-ID the sender gives an outbox row: fixed per row, on the From domain."""
    domain = Config.MAIL_DEFAULT_SENDER.rpartition("@")[2]
    return f"<outbox-{row_id}-{int(created_at.timestamp())}@{domain}>"


def wait_until_delivered(url: str, seconds: float = 90) -> list[tuple]:
    """Wait for the scheduler to send everything that is pending and return the rows."""
    deadline = time.monotonic() + seconds
    while True:
        rows = outbox_rows(url)
        if all(r[2] != "pending" for r in rows) or time.monotonic() > deadline:
            return rows
        time.sleep(1)


def delivery_report(rows, message_ids: list[str]) -> dict:
    """Compare outbox rows with the received Message-IDs."""
    received = Counter(message_ids)
    expected = {expected_message_id(r[0], r[1]) for r in rows}
    return {
        "rows": len(rows),
        "not_sent": [r[0] for r in rows if r[2] != "sent"],
        "missing": sorted(expected - set(received)),
        "twice": sorted(m for m, n in received.items() if n > 1),
        "unknown": sorted(set(received) - expected),
    }
