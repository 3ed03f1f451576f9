"""Scheduled jobs of the pool domain: the retention rules of data protection.

Declared here and collected by `app.scheduler`; each entry point commits by the rule in
`app.services.core.jobs` (one commit per unit of work, fenced).
"""

from __future__ import annotations

from app.services.core import jobs
from app.services.core.jobs import Job
from app.services.pool import privacy


def run_retention() -> dict[str, int]:
    """Purge old request notes, police-certificate records of leavers, stale applicants and
    old ratings (also `flask privacy purge`); one unit."""
    result = privacy.run_retention()
    jobs.commit()
    return result


JOBS = [
    Job("privacy.retention", run_retention, 24 * 60, 12 * 3600),
]
