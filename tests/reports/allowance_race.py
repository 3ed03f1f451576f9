"""Race two operations on one month's allowance statements and check what was paid.

Shared by tests/reports/test_allowance_races.py and the resilience suite. Each operation runs in its
own thread, app context, session and connection, the way two coordinators' requests do: it
first loads what its page showed (the statement to delete, the count and sum the export
confirmation showed), waits at a barrier, then calls the service through
`commit_or_message`. The invariants: no exception; an assignment is paid at most once
(what the exports returned, summed per assignment, equals its approved amount after the
month is settled); every export's audit entry names existing statements, all frozen in that
batch, and exactly the batch.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections import Counter
from decimal import Decimal

import sqlalchemy as sa

from app.extensions import db
from app.models import AllowanceStatement, AuditLog, Institution, Mediator, User
from app.services.allowances import statements as allowances
from app.timeutil import freeze
from app.web.transaction import commit_or_message
from tests.factories import make_assignment
from tests.reports.report_data import NOW, dated_request, local

YEAR, MONTH = 2026, 3
IBAN = "DE89370400440532013000"
OPERATIONS = ("generate", "correct", "delete", "export")


def build_month(year: int = YEAR, month: int = MONTH, mediators: int = 3) -> dict:
    """Approved work of a few new mediators in a month, its drafts generated; return ids."""
    tag = uuid.uuid4().hex[:8]
    coordinators = [User(email=f"race-{tag}-{n}@example.org", role="coordinator",
                         name=f"Race {n}") for n in (1, 2)]
    kita = Institution(name=f"Kita Race {tag}", kind="kita", district="Nord",
                       street="Teststraße 1", postcode="55218", city="Rheinstadt")
    people = [Mediator(first_name="Race", last_name=f"{tag}-{n}", gender="female",
                       status="active", email=f"race-{tag}-m{n}@example.org", district="Nord",
                       iban=IBAN) for n in range(mediators)]
    db.session.add_all([*coordinators, kita, *people])
    db.session.flush()
    for n, mediator in enumerate(people):
        for day in (3, 10):
            req = dated_request(kita, local(year, month, day + n), "tir", "completed",
                                "took_place")
            make_assignment(req, mediator, status="completed", report_status="approved", reported_minutes=90,
                            travel_km=Decimal("12.0"))
    db.session.commit()
    allowances.generate_statements(year, month, coordinators[0])
    db.session.commit()
    return {"coordinators": [c.id for c in coordinators], "mediators": [m.id for m in people],
            "year": year, "month": month}


def _paid(exported: list[AllowanceStatement]) -> Counter:
    """What an export sends to the bank, per assignment (manual corrections have none)."""
    paid: Counter = Counter()
    for statement in exported:
        for line in statement.lines:
            if line.assignment_id is not None:
                paid[line.assignment_id] += line.fee_cents + line.travel_cents
    return paid


def _operation(name: str, ids: dict, who: int):
    """Return (prepare, act): prepare loads what the page showed, act changes it."""
    year, month = ids["year"], ids["month"]

    def actor():
        return db.session.get(User, ids["coordinators"][who])

    if name == "generate":
        return lambda: None, lambda _shown: allowances.generate_statements(year, month, actor())
    if name == "correct":
        def correct(_shown):
            mediator = db.session.get(Mediator, ids["mediators"][0])
            return allowances.add_correction(mediator, year, month, 500, 0, "Nachtrag",
                                             actor())
        return lambda: None, correct
    if name == "delete":
        def shown_draft():  # the statement page the coordinator deletes from
            return db.session.scalar(
                sa.select(AllowanceStatement)
                .where(AllowanceStatement.year == year, AllowanceStatement.month == month,
                       AllowanceStatement.exported_at.is_(None),
                       AllowanceStatement.mediator_id.is_not(None))
                .order_by(AllowanceStatement.id.desc()).limit(1))
        return shown_draft, lambda draft: draft and allowances.delete_statement(draft, actor())

    def shown_plan():  # the confirmation page: count and sum
        plan = allowances.export_plan(year, month)
        return plan.count, plan.total_cents

    def export(confirmed):
        return _paid(allowances.export_month(year, month, actor(), confirmed=confirmed))
    return shown_plan, export


def race(app, names: tuple[str, str], ids: dict) -> tuple[list, Counter]:
    """Run two operations at once; return their outcomes (or exceptions) and what was paid."""
    barrier = threading.Barrier(len(names))
    outcomes: list = [None] * len(names)

    def run(i: int, name: str) -> None:
        prepare, act = _operation(name, ids, i)
        with app.app_context():
            freeze(NOW)
            try:
                shown = prepare()
                barrier.wait(timeout=10)
                outcomes[i] = commit_or_message(act, shown)
            except Exception as exc:  # noqa: BLE001 - the test reports it
                outcomes[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, n)) for i, n in enumerate(names)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a statement operation hung"
    paid: Counter = Counter()
    for name, outcome in zip(names, outcomes, strict=True):
        if name == "export" and not isinstance(outcome, Exception) and outcome.ok:
            paid.update(outcome.result)
    return outcomes, paid


def settle_and_check(ids: dict, outcomes: list, paid: Counter) -> None:
    """Export what is left, then assert the invariants (no exception, paid once, audit)."""
    year, month = ids["year"], ids["month"]
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert not errors, f"unexpected exception: {errors!r}"
    db.session.expire_all()
    actor = db.session.get(User, ids["coordinators"][0])
    allowances.generate_statements(year, month, actor)
    if allowances.export_plan(year, month).ready:
        paid.update(_paid(allowances.export_month(year, month, actor)))
    db.session.commit()
    rule = allowances.rule_for(year)
    approved = {aid: item.fee + item.travel
                for aid, item in allowances._approved_items(year, month, rule).items()}
    assert dict(paid) == approved, "an assignment was paid twice or not at all"
    entries = db.session.scalars(sa.select(AuditLog.details).where(
        AuditLog.action == "export", AuditLog.object_type == "allowance_statement"))
    for details in entries:
        entry = json.loads(details)
        if (entry["year"], entry["month"]) != (year, month):
            continue
        frozen = dict(db.session.execute(
            sa.select(AllowanceStatement.id, AllowanceStatement.exported_at)
            .where(AllowanceStatement.export_batch == entry["batch"])).all())
        assert set(entry["ids"]) == set(frozen), f"export {entry['batch']}: ids != batch"
        assert all(frozen.values()), f"export {entry['batch']}: a statement is not frozen"
