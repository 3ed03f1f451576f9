"""Scheduled jobs of the calendar domain: meeting occurrences and the reminders.

Declared here and collected by `app.scheduler`; each entry point commits by the rule in
`app.services.core.jobs` (one commit per unit of work, fenced).
"""

from __future__ import annotations

from app.services.calendar import meetings, reminders
from app.services.core import jobs
from app.services.core.jobs import Job


def extend_series() -> int:
    """Materialise the next occurrences of every meeting series (one unit)."""
    count = meetings.extend_all_series()
    jobs.commit()
    return count


def send_meeting_reminders() -> int:
    """Remind invitees of meetings 7 and 1 days before; one unit per meeting and lead."""
    return jobs.commit_each(reminders.meeting_reminders())


def send_assignment_reminders() -> int:
    """Remind the mediator of an assignment a day before; one unit per reminder."""
    return jobs.commit_each(reminders.assignment_reminders())


def send_document_reminders() -> int:
    """Warn of police certificates due soon; one unit per document."""
    return jobs.commit_each(reminders.document_reminders())


def send_open_requests_digest() -> int:
    """Send the coordinators' daily list of open requests (one unit)."""
    return jobs.commit_each(reminders.open_requests_digest())


JOBS = [
    Job("meetings.extend_series", extend_series, 24 * 60, 6 * 3600),
    Job("reminders.meetings", send_meeting_reminders, 10, 3600),
    Job("reminders.assignments", send_assignment_reminders, 10, 3600),
    Job("reminders.documents", send_document_reminders, 60, 6 * 3600),
    Job("reminders.open_requests_digest", send_open_requests_digest, 30, 6 * 3600),
]
