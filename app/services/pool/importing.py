"""Import the office's existing mediator list: a preview first, then one transaction.

Why a plan: the preview and the commit run the same `plan()` over the same stored file, so
the coordinator confirms exactly what gets written. Everything the plan compares against is
loaded once (all mediators with languages, documents and module completions; modules and
cohorts), not per row, so 5,000 rows take seconds. An import only adds and updates: a blank
cell keeps the stored value and a language missing from the file stays recorded. Importing
the same file twice therefore finds nothing to change the second time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from app.extensions import db
from app.models import AuditLog, Mediator, User
from app.services.core import audit
from app.services.core.errors import DomainError
from app.services.pool import import_columns as cols
from app.services.pool import import_institutions as inst
from app.services.pool import import_mediators as med
from app.services.pool import import_writing as writing
from app.services.pool.import_columns import RowPlan, text


@dataclass
class Plan:
    kind: str
    rows: list[RowPlan]
    notices: list[str]
    headings: dict[str, str]  # column key -> the heading as the file spells it

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def errors(self) -> list[str]:
        return [e for r in self.rows for e in r.errors]

    @property
    def missing_status(self) -> int:
        """How many new people (or possible duplicates, who may be created anyway) the file
        gives no status: the coordinator chooses one."""
        return sum(1 for r in self.rows if r.action in ("create", "duplicate")
                   and not r.values.get("status"))

    @property
    def warnings(self) -> list[str]:
        return [w for r in self.rows if r.action != "error" for w in r.warnings]

    @property
    def counts(self) -> dict[str, int]:
        return {a: self.count(a) for a in ("create", "update", "unchanged", "error",
                                           "duplicate", "skipped")}


def header(kind: str, rows: list[list]) -> tuple[int, dict[int, str], list[str], list[str]]:
    """Find the heading row; return (its index, {column: key}, headings, notices)."""
    start = cols.find_header_row(kind, rows)
    if start is None:
        raise DomainError(_("The file is empty."))
    headings = [" ".join(text(v).split()) for v in rows[start]]
    keys: dict[int, str] = {}
    notices: list[str] = []
    above = [" ".join(text(v) for v in r if text(v)) for r in rows[:start]]
    above = [t[:120] for t in above if t]
    if above:
        notices.append(ngettext(
            "The row above the headings was not imported: %(rows)s",
            "The %(num)d rows above the headings were not imported: %(rows)s", len(above),
            rows=" / ".join(f"„{t}“" for t in above)))
    for index, heading in enumerate(headings):
        key = cols.match_heading(kind, heading)
        if key is None:
            if heading:
                notices.append(_("The column “%(column)s” is not known and is not imported.",
                                 column=heading))
        elif key in keys.values():
            notices.append(_("The column “%(column)s” appears twice; only the first is "
                             "imported.", column=heading))
        else:
            keys[index] = key
    return start, keys, headings, notices


def plan(kind: str, rows: list[list], *, police_max_age_days: int) -> Plan:
    """Return what importing these rows would do, writing nothing."""
    if kind not in cols.COLUMNS:
        raise DomainError(_("Unknown kind of list."))
    start, keys, headings, notices = header(kind, rows)
    if kind == "mediators":
        if not {"last_name", "name"} & set(keys.values()):
            raise DomainError(_("The file has no column “Nachname” or “Name”. Please use "
                                "the template."))
        planner = med.MediatorPlanner(headings, keys, police_max_age_days)
    else:
        if "name" not in keys.values():
            raise DomainError(_("The file has no column “Einrichtung”. Please use the "
                                "template."))
        planner = inst.InstitutionPlanner(headings, keys)
    plans = []
    for offset, raw in enumerate(rows[start + 1:], start=start + 2):
        if all(text(v) == "" for v in raw):
            continue
        plans.append(planner.row(offset, raw))
    headings = dict(planner.heading)
    for column in cols.COLUMNS[kind]:  # a column the file lacks: the template's heading
        headings.setdefault(column.key, column.heading_de)
    headings.setdefault("police", headings.get("police_inspected_on"))
    headings.setdefault("contact", headings.get("contact_name", _("Contact person")))
    return Plan(kind, plans, notices, headings)


def commit(actor: User, plan_: Plan, *, all_or_nothing: bool, filename: str = "",
           missing_status: str = "", decisions: dict[int, str] | None = None) -> dict:
    """Write the valid rows of a plan (or refuse when any row failed and all_or_nothing).

    Returns the counts; one audit entry records them with the ids written, so "invite all"
    can find exactly the people of this import later.
    """
    if plan_.kind == "mediators":  # each possible duplicate: merge, create or skip
        writing.decide(plan_.rows, decisions or {})
    if all_or_nothing and plan_.count("error"):
        raise DomainError(ngettext("Nothing was imported: %(num)d row has errors.",
                                   "Nothing was imported: %(num)d rows have errors.",
                                   plan_.count("error")))
    if plan_.kind == "mediators":
        if plan_.missing_status and missing_status not in cols.LABELS["mediator_status"]:
            raise DomainError(ngettext(
                "Please choose the status for the %(num)d new person without one in the file.",
                "Please choose the status for the %(num)d new people without one in the file.",
                plan_.missing_status))
        written = writing.apply(plan_.rows, missing_status=missing_status)
    else:
        written = inst.apply(plan_.rows)
    counts = plan_.counts
    db.session.flush()
    ids = [obj.id for obj in written]
    audit.record(actor, "import", "mediator" if plan_.kind == "mediators" else "institution",
                 None, file=filename, created=counts["create"], updated=counts["update"],
                 unchanged=counts["unchanged"], errors=counts["error"],
                 skipped=counts["skipped"],
                 all_or_nothing=all_or_nothing, ids=ids)
    db.session.flush()
    audit_id = db.session.scalar(
        sa.select(sa.func.max(AuditLog.id)).where(AuditLog.action == "import",
                                                  AuditLog.actor_id == actor.id))
    return {"counts": counts, "audit_id": audit_id}


def import_entry(audit_id: int) -> AuditLog | None:
    """Return the audit entry of an import (None for any other entry)."""
    entry = db.session.get(AuditLog, audit_id)
    if entry is None or entry.action != "import":
        return None
    return entry


def details(entry: AuditLog) -> dict:
    return json.loads(entry.details or "{}")


def uninvited(entry: AuditLog) -> list[Mediator]:
    """Return the mediators of an import who have an e-mail address but no account yet."""
    ids = details(entry).get("ids") or []
    if entry.object_type != "mediator" or not ids:
        return []
    stmt = (sa.select(Mediator).where(Mediator.id.in_(ids), Mediator.erased_at.is_(None),
                                      Mediator.email != "", ~Mediator.user.has())
            .order_by(Mediator.sort_name, Mediator.id))
    return list(db.session.scalars(stmt))


def invite_all(actor: User, entry: AuditLog, *, locale: str) -> tuple[int, list[str]]:
    """Invite every person of an import who has an e-mail and no account; return (n, skipped).

    Someone whose address already belongs to another account is skipped and named, so one
    clash does not stop the other invitations.
    """
    from app.services.core.accounts import email_taken
    from app.services.pool.mediators import invite

    done, skipped = 0, []
    for mediator in uninvited(entry):
        if email_taken(mediator.email):
            skipped.append(mediator.full_name)
            continue
        invite(actor, mediator, mediator.email, name=mediator.full_name, locale=locale)
        done += 1
    return done, skipped
