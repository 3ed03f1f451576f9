"""Scheduled jobs of the booking domain: the request tick and the day-after follow-up.

Declared here and collected by `app.scheduler`; each entry point commits by the rule in
`app.services.core.jobs` (one commit per unit of work, fenced).
"""

from __future__ import annotations

import datetime as dt

from app.services.booking import follow_up, offers
from app.services.core import jobs
from app.services.core.jobs import Job


def tick(now: dt.datetime | None = None) -> dict[str, int]:
    """Expire offers, mark unfilled requests, escalate unanswered ones (also `flask requests
    tick`); one unit: the request rows it claims."""
    result = offers.tick(now)
    jobs.commit()
    return result


def send_follow_ups() -> int:
    """Queue the day-after mails to institution and mediator (one unit)."""
    count = follow_up.send_follow_ups()
    jobs.commit()
    return count


def assume_completions() -> int:
    """Complete assignments nobody answered, when ASSUME_COMPLETION_AFTER_DAYS is set (one unit)."""
    count = follow_up.assume_completions()
    jobs.commit()
    return count


JOBS = [
    # offer expiry, "unfilled" marking, escalation of unanswered requests
    Job("requests.tick", tick, 5, 1800),
    # after the appointment: the day-after mails, assumed completion (off by default)
    Job("follow_up.send", send_follow_ups, 30, 6 * 3600),
    Job("follow_up.assume", assume_completions, 60, 6 * 3600),
]
