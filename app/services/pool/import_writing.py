"""Write the planned rows of an imported mediator list (the coordinator's choices applied).

Why apart from the planner: planning reads and compares, writing creates and updates; the
commit runs the plan again and then only this.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Cohort, Document, Mediator, MediatorLanguage, ModuleCompletion
from app.services.pool.import_columns import RowPlan
from app.timeutil import today_local

# the plain columns, with their length limit (0: a date)
SCALARS = {"first_name": 80, "last_name": 80, "email": 254, "phone": 50, "district": 100,
           "gender": 10, "mobility": 10, "german_level": 6, "status": 20, "joined_on": 0}


def kept_issue_date(police: Document | None, wanted: tuple) -> tuple:
    """Return the certificate's values to store: without an issue date in the file, the one
    recorded stays (when it is not after the new inspection date)."""
    inspected, issued, flag = wanted
    if issued is None and police is not None and police.issued_on and (
            police.issued_on <= inspected):
        issued = police.issued_on
    return inspected, issued, flag




def decide(rows: list[RowPlan], decisions: dict[int, str]) -> None:
    """Apply the coordinator's choice to each row that matches someone in the pool under
    another e-mail address: "merge" updates that person (their e-mail stays), "create" adds
    a new person, anything else (the default) skips the row."""
    for plan in rows:
        if plan.action != "duplicate":
            continue
        choice = decisions.get(plan.row, "skip")
        if choice == "merge":
            plan.target, plan.changes = plan.duplicate_of, plan.merge_changes
            plan.action = "update" if plan.changes else "unchanged"
        elif choice == "create" and plan.can_create:
            plan.action = "create"
        else:
            plan.action = "skipped"


def apply(rows: list[RowPlan], *, missing_status: str = "") -> list[Mediator]:
    """Create or update the mediators of the valid rows; return them (flushed by the caller).

    A new person without a status in the file gets `missing_status`, the coordinator's
    choice in the preview; nothing else the file does not say is set.
    """
    cohorts = {c.year: c for c in db.session.scalars(sa.select(Cohort))}
    written = []
    for plan in rows:
        if plan.action not in ("create", "update"):
            continue
        mediator, values = plan.target, plan.values
        if mediator is None:
            mediator = Mediator(status=values.get("status") or missing_status,
                                first_name=values["first_name"])
            db.session.add(mediator)
        for key in plan.changes:
            if key in SCALARS:
                setattr(mediator, key, values[key])
            elif key == "cohort":
                year = values["cohort"]
                if year not in cohorts:
                    cohorts[year] = Cohort(year=year)
                    db.session.add(cohorts[year])
                mediator.cohort = cohorts[year]
            elif key == "languages":
                _write_languages(mediator, values["languages"])
            elif key == "modules":
                done = {c.module_id for c in mediator.completions}
                for module_id, day in values["modules"].items():
                    if module_id not in done:
                        mediator.completions.append(ModuleCompletion(
                            module_id=module_id,
                            completed_on=day or values.get("joined_on") or _today()))
            elif key == "pledge_on":
                doc = mediator.document("pledge") or Document(kind="pledge")
                doc.recorded_on = values["pledge_on"]
                if doc not in mediator.documents:
                    mediator.documents.append(doc)
            elif key == "police":
                doc = mediator.document("police_certificate") or Document(
                    kind="police_certificate")
                doc.recorded_on, doc.issued_on, doc.has_relevant_entry = kept_issue_date(
                    doc, values["police"])
                if doc not in mediator.documents:
                    mediator.documents.append(doc)
        written.append(mediator)
    return written


def _write_languages(mediator: Mediator, wanted: dict[tuple[str, str], str]) -> None:
    have = {(lang.code, lang.variety): lang for lang in mediator.languages}
    for (code, variety), level in wanted.items():
        lang = have.get((code, variety))
        if lang is None:
            mediator.languages.append(MediatorLanguage(code=code, variety=variety, level=level,
                                                       confirmed=True))
        elif level is not None and lang.level != level:
            lang.level = level


def _today():
    return today_local()
