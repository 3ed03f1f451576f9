"""Turn an approved assignment into money: the time allowance and the travel costs.

Its own module so the statements module (which keeps and freezes the monthly statements)
stays readable; `statements.amounts` is this function.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from app.models import AllowanceRule


def _cents(value: Decimal) -> int:
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def amounts(rule: AllowanceRule, minutes: int, km: Decimal | None, ticket_cents: int | None,
            remote: bool = False):
    """Return (allowance for time, travel costs) in cents for one approved assignment.

    A phone or video assignment (`remote`) pays no travel whatever was reported, and its
    time at the rule's `remote_time_percent` (minimum included; 100 pays it the same).
    """
    fee = max(_cents(Decimal(minutes) * rule.hourly_rate_cents / 60), rule.minimum_cents)
    if remote:
        percent = 100 if rule.remote_time_percent is None else rule.remote_time_percent
        return _cents(Decimal(fee) * percent / 100), 0
    travel = _cents(Decimal(km or 0) * rule.per_km_cents)
    if rule.reimburse_tickets:
        travel += ticket_cents or 0
    return fee, travel
