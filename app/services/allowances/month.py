"""Serve the coordinator's allowance month: generating it with the cap warning, and who can
be named in a correction.

Why here: which statements count as "close to the cap" is the office's policy (the rule's
warning percentage, not a view's guess), and views run no query of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.models import AllowanceStatement, Mediator, User
from app.services.allowances import payout, statements


@dataclass(frozen=True)
class Generated:
    """The statements prepared for a month and the people at or above the annual cap."""

    statements: list[AllowanceStatement]
    near_cap: list[str]


def near_cap_names(items: list[AllowanceStatement], year: int, month: int) -> list[str]:
    """Return the names (sorted) of the mediators in items close to or above the year's cap."""
    caps = payout.cap_overview(year, month)
    return sorted({s.mediator.full_name for s in items
                   if s.mediator and s.mediator_id in caps
                   and caps[s.mediator_id].level != "ok"})


def generate(year: int, month: int, actor: User) -> Generated:
    """Prepare the month's statements and say whom the coordinator should check first."""
    prepared = statements.generate_statements(year, month, actor)
    return Generated(prepared, near_cap_names(prepared, year, month))


def correction_choices() -> list[tuple[int, str]]:
    """Return (id, "Last, First") of every mediator not erased, for the correction form."""
    rows = db.session.execute(
        sa.select(Mediator.id, Mediator.last_name, Mediator.first_name)
        .where(Mediator.erased_at.is_(None))
        .order_by(Mediator.last_name, Mediator.first_name)
    ).all()
    return [(mid, f"{last}, {first}") for mid, last, first in rows]
