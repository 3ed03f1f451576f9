"""Keep the allowance rule of each year, whose row is also the lock of that year's statements.

Why its own module: the rule (rates, cap) is read by the statements, the cap check and the
rule form, and the row lock is what every change to a year's statements serialises on.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.models import AllowanceRule
from app.services.core import audit
from app.services.core.errors import DomainError

DEFAULT_HOURLY_CENTS = 1500
DEFAULT_MINIMUM_CENTS = 1500
DEFAULT_PER_KM_CENTS = 30
DEFAULT_WARN_PERCENT = 80


def default_cap_cents(year: int) -> int:
    """Return the legal cap of § 3 Nr. 26a EStG for a year (in cents)."""
    if year >= 2026:
        return 96000
    if year >= 2021:
        return 84000
    if year >= 2013:
        return 72000
    return 50000


def default_rule(year: int) -> AllowanceRule:
    return AllowanceRule(
        year=year, hourly_rate_cents=DEFAULT_HOURLY_CENTS, minimum_cents=DEFAULT_MINIMUM_CENTS,
        per_km_cents=DEFAULT_PER_KM_CENTS, reimburse_tickets=True,
        annual_cap_cents=default_cap_cents(year), warn_percent=DEFAULT_WARN_PERCENT,
        remote_time_percent=100,
    )


def stored_years() -> list[int]:
    return list(db.session.scalars(sa.select(AllowanceRule.year).order_by(AllowanceRule.year)))


def rule_for(year: int) -> AllowanceRule:
    """Return the stored rule of the year, or an unsaved default (for display)."""
    rule = db.session.scalar(sa.select(AllowanceRule).where(AllowanceRule.year == year))
    return rule or default_rule(year)


def ensure_rule(year: int) -> AllowanceRule:
    """Return the year's rule row, locked, creating it with the defaults when missing.

    The row lock also serialises every change to that year's statements (`lock_statements`).
    """
    stmt = (sa.select(AllowanceRule).where(AllowanceRule.year == year).with_for_update()
            .execution_options(populate_existing=True))
    rule = db.session.scalar(stmt)
    if rule is None:
        try:
            with db.session.begin_nested():  # a concurrent first insert wins, we re-read it
                rule = default_rule(year)
                db.session.add(rule)
                db.session.flush()
        except sa.exc.IntegrityError:
            rule = db.session.scalar(stmt)
    return rule


def lock_statements(year: int) -> AllowanceRule:
    """Take the one lock every change to the year's statements holds, and return the rule.

    Generating, correcting, deleting and exporting serialise on the year's rule row, so a
    draft cannot be deleted while an export freezes it. Callers re-read statements after
    this (`populate_existing`): copies loaded before the lock may be stale. SQLite has no row
    locks: the no-op UPDATE makes this transaction the single writer before it reads.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(sa.text("UPDATE allowance_rule SET id = id WHERE year = :year"),
                           {"year": year})
    return ensure_rule(year)


def save_rule(year: int, actor, **values) -> AllowanceRule:
    """Store the allowance rule of a year (hourly rate, minimum, km rate, tickets, cap)."""
    if not 2000 <= year <= 2100:
        raise DomainError(_("Please choose a year between 2000 and 2100."))
    rule = lock_statements(year)
    for name, value in values.items():
        setattr(rule, name, value)
    db.session.flush()
    audit.record(actor, "update", "allowance_rule", rule.id, year=year, **values)
    return rule
