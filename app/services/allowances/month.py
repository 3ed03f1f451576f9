"""Serve the coordinator's allowance month: generating it with the cap warning, and who can
be named in a correction.

Why here: which statements count as "close to the cap" is the office's policy (the rule's
warning percentage, not a view's guess), and views run no query of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.models import AllowanceStatement, Mediator, User
from app.services.allowances import payout, statements
from app.textfold import sort_name


@dataclass(frozen=True)
class Generated:
    """The statements prepared for a month and the people at or above the annual cap."""

    statements: list[AllowanceStatement]
    near_cap: list[str]


@dataclass(frozen=True)
class CapWarning:
    """The cap warning of a month, the one every page showing its statements presents.

    caps: the year-to-date status of every mediator with a statement in the month (the
    badges); names: whom to check before paying out (near or over), as the pages name them.
    """

    caps: dict[int, payout.CapStatus]
    names: list[str]


def statement_name(item: AllowanceStatement) -> str:
    """The name a page shows for a statement's person (an erased one's placeholder too)."""
    if item.mediator is not None:
        return item.mediator.full_name
    return item.payee_name or _("(deleted)")


def cap_warning(year: int, month: int,
                items: list[AllowanceStatement] | None = None) -> CapWarning:
    """Return the month's cap warning: the month page, the export confirmation and the
    generate message all ask here, so they agree (also about erased people's statements).

    `items` defaults to all the month's statements, drafts and exported, whoever they are.
    """
    if items is None:
        items = statements.month_statements(year, month)
    overview = payout.cap_overview(year, month)
    caps = {s.mediator_id: overview[s.mediator_id] for s in items
            if s.mediator_id is not None and s.mediator_id in overview}
    names = sorted({statement_name(s) for s in items
                    if s.mediator_id in caps and caps[s.mediator_id].level != "ok"},
                   key=lambda name: (sort_name(name), name))
    return CapWarning(caps, names)


def near_cap_names(items: list[AllowanceStatement], year: int, month: int) -> list[str]:
    """Return the names (sorted) of the mediators in items close to or above the year's cap."""
    return cap_warning(year, month, items).names


def generate(year: int, month: int, actor: User) -> Generated:
    """Prepare the month's statements and say whom the coordinator should check first."""
    prepared = statements.generate_statements(year, month, actor)
    return Generated(prepared, cap_warning(year, month).names)


def correction_choices() -> list[tuple[int, str]]:
    """Return (id, "Last, First") of every mediator not erased, for the correction form."""
    rows = db.session.execute(
        sa.select(Mediator.id, Mediator.last_name, Mediator.first_name)
        .where(Mediator.erased_at.is_(None))
        .order_by(Mediator.sort_name, Mediator.id)
    ).all()
    return [(mid, f"{last}, {first}") for mid, last, first in rows]
