"""When a recorded document is due again: the one date rule matching, reminders and the pool use.

Why in core: the matching and the calendar reminders need these dates, and the pool's
services (which withdraw offers and switch feeds off when a person leaves) import booking and
calendar; keeping the rule here lets every domain use it without a cycle.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app

from app.models import Document


def years_after(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` later (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def police_certificate_due(doc: Document) -> dt.date:
    """Return the date the certificate must be inspected again (configurable, 5 years)."""
    return years_after(doc.recorded_on, current_app.config["POLICE_CERT_VALID_YEARS"])
