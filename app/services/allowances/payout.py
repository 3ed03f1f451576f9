"""Read-only views on allowance statements: the annual cap check and the payout file.

Why: the coordinator must see in time when a mediator approaches the tax-free cap
(Ehrenamtspauschale) so that nobody is taxed by surprise, and the finance office needs one
file per month with name, IBAN, amount, period and a unique payment reference.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from babel.numbers import format_decimal
from flask_babel import gettext as _

from app.extensions import db
from app.models import AllowanceStatement, User
from app.services.allowances.statements import rule_for
from app.services.core.cells import safe_row
from app.textfold import sort_name


@dataclass(frozen=True)
class CapStatus:
    """Year-to-date allowance for time against the year's cap; level: ok, near or over."""

    fee_cents: int
    cap_cents: int
    level: str

    @property
    def percent(self) -> int:
        return round(100 * self.fee_cents / self.cap_cents) if self.cap_cents else 0


def cap_overview(year: int, up_to_month: int = 12) -> dict[int, CapStatus]:
    """Return every mediator's cap status for the year (statements up to a month), one query."""
    rule = rule_for(year)
    s = AllowanceStatement
    stmt = (
        sa.select(s.mediator_id, sa.func.sum(s.fee_cents))
        .where(s.year == year, s.month <= up_to_month, s.mediator_id.is_not(None))
        .group_by(s.mediator_id)
    )
    result = {}
    for mediator_id, fee in db.session.execute(stmt).all():
        fee = int(fee or 0)
        if fee > rule.annual_cap_cents:
            level = "over"
        elif fee * 100 >= rule.annual_cap_cents * rule.warn_percent:
            level = "near"
        else:
            level = "ok"
        result[mediator_id] = CapStatus(fee, rule.annual_cap_cents, level)
    return result


def euros(cents: int, locale: str) -> str:
    """Format cents as a plain decimal amount for files (de: 1234,50)."""
    return format_decimal(Decimal(cents) / 100, format="0.00", locale=locale)


def exported_statements(year: int, month: int,
                        batch: str | None = None) -> list[AllowanceStatement]:
    """Return the month's exported statements (of one export run when batch is given), by
    payee in German order (DIN 5007-1): one month's statements, so sorted here, by the
    frozen payee name, with the same key the lists of people are ordered by in SQL."""
    stmt = (
        sa.select(AllowanceStatement)
        .where(AllowanceStatement.year == year, AllowanceStatement.month == month,
               AllowanceStatement.exported_at.is_not(None))
    )
    if batch is not None:
        stmt = stmt.where(AllowanceStatement.export_batch == batch)
    return sorted(db.session.scalars(stmt), key=lambda s: (sort_name(s.payee_name), s.id))


@dataclass(frozen=True)
class ExportRun:
    """One export of a month: when, by whom, how many statements, which sum."""

    batch: str
    exported_at: dt.datetime
    exported_by: str
    count: int
    total_cents: int
    transfers: int


def export_runs(year: int, month: int) -> list[ExportRun]:
    """Return the month's export runs, oldest first (who exported what, when)."""
    s = AllowanceStatement
    stmt = (
        sa.select(s.export_batch, sa.func.min(s.exported_at), sa.func.min(User.name),
                  sa.func.min(User.email), sa.func.count(s.id), sa.func.sum(s.total_cents),
                  sa.func.sum(sa.case((s.total_cents > 0, 1), else_=0)))
        .outerjoin(User, User.id == s.exported_by_id)
        .where(s.year == year, s.month == month, s.exported_at.is_not(None))
        .group_by(s.export_batch)
        .order_by(sa.func.min(s.exported_at))
    )
    return [ExportRun(batch, at, name or email or "", count, int(total or 0), int(transfers or 0))
            for batch, at, name, email, count, total, transfers in db.session.execute(stmt)]


def payout_csv(statements: list[AllowanceStatement], locale: str = "de") -> str:
    """Return the payout file (frozen values of exported statements) as CSV text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if locale == "de" else ",", lineterminator="\r\n")
    writer.writerow(safe_row([_("Name"), _("IBAN"), _("Amount (EUR)"), _("Period"),
                              _("Reference"), _("Allowance for time (EUR)"),
                              _("Travel costs (EUR)"), _("Kind")]))
    kinds = {"regular": _("Statement"), "correction": _("Correction")}
    for s in statements:
        writer.writerow(safe_row([  # every cell through the one sanitiser
            s.payee_name, s.iban, euros(s.total_cents, locale), f"{s.month:02d}/{s.year}",
            s.reference, euros(s.fee_cents, locale), euros(s.travel_cents, locale),
            kinds.get(s.kind, s.kind),
        ]))
    return "\ufeff" + buffer.getvalue()
