"""Compute expense allowances, keep monthly statements and export them for payout.

Why: the finance office pays what the coordinator approved, once. Statements are built from
approved assignments (the month is the local month of the appointment), frozen when they are
exported, and anything that changes later becomes a new correction entry with the difference;
so what was paid can always be reproduced. The tax-free cap (Ehrenamtspauschale, § 3 Nr. 26a
EStG) applies to the allowance for time only; travel costs are reimbursed expenses.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_currency
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    AllowanceRule,
    AllowanceStatement,
    AllowanceStatementLine,
    Assignment,
    InterpretingRequest,
    Mediator,
)
from app.models.enums import AssignmentStatus, ReportStatus
from app.models.request import REMOTE_MODES
from app.services.allowances.rates import amounts
from app.services.allowances.rules import (  # noqa: F401 - the rule API, also read from here
    default_cap_cents,
    default_rule,
    ensure_rule,
    lock_statements,
    rule_for,
    save_rule,
    stored_years,
)
from app.services.core import audit
from app.services.core.errors import DomainError
from app.services.core.periods import month_period
from app.services.pool import bank
from app.timeutil import now_utc, to_local


@dataclass
class _Item:
    mediator_id: int | None
    service_date: dt.date
    minutes: int = 0
    km: Decimal = Decimal("0")
    ticket: int = 0
    fee: int = 0
    travel: int = 0


def _approved_items(year: int, month: int, rule: AllowanceRule) -> dict[int, _Item]:
    a, r = Assignment, InterpretingRequest
    period = month_period(year, month)
    stmt = (
        sa.select(a.id, a.mediator_id, a.starts_at,
                  sa.func.coalesce(a.reported_minutes, r.duration_minutes),
                  a.travel_km, a.ticket_cost_cents, r.mode)
        .join(r, r.id == a.request_id)
        .where(period.contains(a.starts_at), a.report_status == ReportStatus.APPROVED,
               a.status != AssignmentStatus.CANCELLED, a.mediator_no_show.is_(False))
    )
    items = {}
    for aid, mediator_id, starts_at, minutes, km, ticket, mode in db.session.execute(
            stmt).all():
        remote = mode in REMOTE_MODES
        fee, travel = amounts(rule, minutes, km, ticket, remote)
        if remote:  # nothing travelled: the item shows no km or ticket either
            km, ticket = None, None
        items[aid] = _Item(mediator_id, to_local(starts_at).date(), minutes, Decimal(km or 0),
                           ticket or 0, fee, travel)
    return items


def _billed_items(year: int, month: int) -> dict[int, _Item]:
    """Sum what exported statements of the month already paid, per assignment."""
    s, line = AllowanceStatement, AllowanceStatementLine
    stmt = (
        sa.select(line.assignment_id, s.mediator_id, sa.func.min(line.service_date),
                  sa.func.sum(line.minutes), sa.func.sum(line.travel_km),
                  sa.func.sum(line.ticket_cents), sa.func.sum(line.fee_cents),
                  sa.func.sum(line.travel_cents))
        .join(s, s.id == line.statement_id)
        .where(s.year == year, s.month == month, s.exported_at.is_not(None),
               line.assignment_id.is_not(None))
        .group_by(line.assignment_id, s.mediator_id)
    )
    return {
        aid: _Item(mid, day, int(mins), Decimal(km or 0), int(tic), int(fee), int(trav))
        for aid, mid, day, mins, km, tic, fee, trav in db.session.execute(stmt).all()
    }


def _difference(now: _Item, before: _Item) -> _Item:
    return _Item(now.mediator_id, now.service_date, now.minutes - before.minutes,
                 now.km - before.km, now.ticket - before.ticket, now.fee - before.fee,
                 now.travel - before.travel)


def generate_statements(year: int, month: int, actor) -> list[AllowanceStatement]:
    """(Re)build the month's draft statements; exported ones stay, differences become corrections.

    Drafts of the month are replaced, so running this again after more approvals is safe.
    """
    rule = lock_statements(year)
    for draft in db.session.scalars(
        sa.select(AllowanceStatement).where(AllowanceStatement.year == year,
                                            AllowanceStatement.month == month,
                                            AllowanceStatement.exported_at.is_(None))
        .execution_options(populate_existing=True)
    ):
        db.session.delete(draft)
    db.session.flush()
    current, billed = _approved_items(year, month, rule), _billed_items(year, month)
    per_mediator: dict[int | None, list[tuple[int, _Item, str]]] = defaultdict(list)
    for aid, item in current.items():
        before = billed.pop(aid, None)
        if before is None:
            per_mediator[item.mediator_id].append((aid, item, ""))
            continue
        diff = _difference(item, before)
        if (diff.minutes, diff.km, diff.ticket, diff.fee, diff.travel) != (0, 0, 0, 0, 0):
            per_mediator[item.mediator_id].append((aid, diff, _("Correction of a paid entry")))
    for aid, before in billed.items():  # paid, but no longer approved
        if (before.minutes, before.km, before.ticket, before.fee, before.travel) == (0,) * 5:
            continue  # already reversed earlier
        reversal = _difference(_Item(before.mediator_id, before.service_date), before)
        per_mediator[before.mediator_id].append((aid, reversal, _("Reversal: no longer approved")))
    paid_before = set(db.session.scalars(
        sa.select(AllowanceStatement.mediator_id).where(
            AllowanceStatement.year == year, AllowanceStatement.month == month,
            AllowanceStatement.exported_at.is_not(None))
    ))
    statements = []
    for mediator_id, entries in per_mediator.items():
        statement = AllowanceStatement(
            mediator_id=mediator_id, year=year, month=month,
            kind="correction" if mediator_id in paid_before else "regular",
            created_by_id=getattr(actor, "id", None),
        )
        for aid, item, note in sorted(entries, key=lambda e: (e[1].service_date, e[0])):
            statement.lines.append(AllowanceStatementLine(
                assignment_id=aid, service_date=item.service_date, minutes=item.minutes,
                travel_km=item.km, ticket_cents=item.ticket, fee_cents=item.fee,
                travel_cents=item.travel, note=note))
        _total(statement)
        db.session.add(statement)
        statements.append(statement)
    db.session.flush()
    audit.record(actor, "generate", "allowance_statement", None, year=year, month=month,
                 count=len(statements))
    return statements


def _total(statement: AllowanceStatement) -> None:
    statement.minutes = sum(line.minutes for line in statement.lines)
    statement.fee_cents = sum(line.fee_cents for line in statement.lines)
    statement.travel_cents = sum(line.travel_cents for line in statement.lines)
    statement.total_cents = statement.fee_cents + statement.travel_cents


def _refuse_if_exported(statement: AllowanceStatement) -> None:
    if statement.exported_at is not None:
        raise DomainError(_("This statement has been exported and can no longer be changed. "
                            "Please add a correction instead."))


def _locked_statement(statement_id: int) -> AllowanceStatement:
    """Lock the statement's year and return the statement as it is now, or refuse if gone."""
    year = db.session.scalar(sa.select(AllowanceStatement.year)
                             .where(AllowanceStatement.id == statement_id))
    if year is not None:  # the year of a statement never changes: safe to read before
        lock_statements(year)
        statement = db.session.scalars(
            sa.select(AllowanceStatement).where(AllowanceStatement.id == statement_id)
            .execution_options(populate_existing=True)).one_or_none()
        if statement is not None:
            return statement
    raise DomainError(_("This statement no longer exists. Someone else has deleted it or "
                        "generated the month again."))


def delete_statement(statement: AllowanceStatement, actor) -> None:
    """Delete a draft statement; exported statements are immutable.

    `statement` is the caller's copy, loaded before the lock: the check reads the row again
    under the lock, so a statement exported (or deleted) meanwhile is refused, not deleted.
    """
    statement = _locked_statement(sa.inspect(statement).identity[0])
    _refuse_if_exported(statement)
    audit.record(actor, "delete", "allowance_statement", statement.id)
    db.session.delete(statement)
    db.session.flush()


def add_correction(mediator: Mediator, year: int, month: int, fee_cents: int,
                   travel_cents: int, note: str, actor) -> AllowanceStatement:
    """Add a manual correction entry (positive or negative) as a new statement."""
    if fee_cents == 0 and travel_cents == 0:
        raise DomainError(_("A correction needs an amount other than zero."))
    limit = max_correction_cents()
    if abs(fee_cents) > limit or abs(travel_cents) > limit:
        raise DomainError(_("A correction may be at most %(amount)s, either way.",
                            amount=format_currency(Decimal(limit) / 100, "EUR")))
    lock_statements(year)
    statement = AllowanceStatement(mediator_id=mediator.id, year=year, month=month,
                                   kind="correction", note=note,
                                   created_by_id=getattr(actor, "id", None))
    statement.lines.append(AllowanceStatementLine(
        service_date=month_period(year, month).last_day, minutes=0, travel_km=Decimal("0"),
        ticket_cents=0, fee_cents=fee_cents, travel_cents=travel_cents, note=note))
    _total(statement)
    db.session.add(statement)
    db.session.flush()
    audit.record(actor, "create", "allowance_statement", statement.id, kind="correction",
                 fee_cents=fee_cents, travel_cents=travel_cents)
    return statement


def max_correction_cents() -> int:
    """The largest amount (either sign) one correction may carry, from the configuration."""
    return int(current_app.config["ALLOWANCE_MAX_CORRECTION_EUR"]) * 100


def month_statements(year: int, month: int) -> list[AllowanceStatement]:
    """Return the month's statements with their values as stored now (not as loaded before)."""
    stmt = (
        sa.select(AllowanceStatement)
        .outerjoin(Mediator, Mediator.id == AllowanceStatement.mediator_id)
        .where(AllowanceStatement.year == year, AllowanceStatement.month == month)
        .options(selectinload(AllowanceStatement.mediator))
        # an erased person has no name: last on both databases (SQLite sorts NULL first)
        .order_by(Mediator.sort_name.asc().nulls_last(), AllowanceStatement.id)
        .execution_options(populate_existing=True)
    )
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class ExportPlan:
    """What an export of the month would freeze, and what it leaves out for want of an IBAN."""

    ready: list[AllowanceStatement]
    without_iban: list[AllowanceStatement]

    @property
    def count(self) -> int:
        return len(self.ready)

    @property
    def total_cents(self) -> int:
        return sum(s.total_cents for s in self.ready)


def _transferable(statement: AllowanceStatement) -> bool:
    """Tell whether a draft can go out: a valid IBAN, or nothing to transfer (a reclaim)."""
    if statement.total_cents <= 0:
        return True
    mediator = statement.mediator
    return mediator is not None and bank.is_valid_iban(mediator.iban)


def export_plan(year: int, month: int) -> ExportPlan:
    """Split the month's drafts into those an export freezes and those it must leave out."""
    pending = [s for s in month_statements(year, month) if s.exported_at is None]
    return ExportPlan([s for s in pending if _transferable(s)],
                      [s for s in pending if not _transferable(s)])


def export_month(year: int, month: int, actor, *,
                 confirmed: tuple[int, int] | None = None) -> list[AllowanceStatement]:
    """Freeze the month's drafts that can be paid and return them; they are final.

    Drafts of people without a valid IBAN are left out (they stay drafts, the confirmation
    lists them) rather than exported with an empty IBAN. `confirmed` is the (count, total in
    cents) the coordinator saw when confirming: if the drafts changed since, nothing is frozen.
    """
    lock_statements(year)
    plan = export_plan(year, month)  # read under the lock, every copy refreshed
    if not plan.ready:
        if plan.without_iban:
            raise DomainError(_("None of the new statements can be exported: nobody has a "
                                "valid IBAN. Please enter the bank details first."))
        raise DomainError(_("There are no new statements to export for this month."))
    if confirmed is not None and tuple(confirmed) != (plan.count, plan.total_cents):
        raise DomainError(_("The statements have changed since you confirmed. Please check "
                            "the new count and sum and confirm again."))
    moment = now_utc()
    batch = f"SKM-{year}-{month:02d}-E{min(s.id for s in plan.ready):06d}"
    for statement in plan.ready:
        mediator = statement.mediator
        payee = ((mediator.account_holder or mediator.full_name, mediator.iban, mediator.bic)
                 if mediator else ("", "", ""))  # read first: a lazy load may autoflush
        statement.payee_name, statement.bic = payee[0], payee[2]
        statement.iban = payee[1].replace(" ", "").upper()
        statement.exported_by_id = getattr(actor, "id", None)
        statement.export_batch = batch
        statement.reference = f"SKM-{year}-{month:02d}-{statement.id:06d}"
        statement.exported_at = moment  # last: from here on the guard refuses changes
    db.session.flush()
    audit.record(actor, "export", "allowance_statement", None, year=year, month=month,
                 batch=batch, ids=[s.id for s in plan.ready],
                 left_out=[s.id for s in plan.without_iban])
    return plan.ready
