"""Scheduled jobs of the core domain: delivering the e-mail outbox.

Declared here and collected by `app.scheduler`; each entry point commits by the rule in
`app.services.core.jobs` (one commit per unit of work, fenced).
"""

from __future__ import annotations

from app.services.core import jobs, outbox
from app.services.core.jobs import Job


def deliver_due(limit: int = 100) -> dict[str, int]:
    """Deliver due e-mail in id order; one unit per message (also `flask outbox send`).

    The sender checks the fence right before each SMTP send, so a sent message is committed
    as sent (`commit_sent`); a failure noted on a message is committed like any unit.
    """
    counts = {"sent": 0, "failed": 0}
    with outbox.Sender() as sender:
        for _ in range(limit):
            msg = outbox.claim_next()
            if msg is None:
                break
            result = sender.deliver(msg)
            if result == "sent":
                jobs.commit_sent()
                counts["sent"] += 1
                continue
            jobs.commit()
            counts["failed"] += 1
            if result == "outage":
                break
    return counts


JOBS = [
    # every minute; OUTBOX_INTERVAL_SECONDS lets the operator (and the tests) choose
    Job("outbox.deliver", deliver_due, 1, 300, interval_setting="OUTBOX_INTERVAL_SECONDS"),
]
