"""Plan and write one imported institution row with its contact person.

Why one row per contact: the office's lists repeat the institution on each line of a contact
person; rows with the same name (case does not count) describe one institution, and a
contact is matched within it by e-mail, else by name.
"""

from __future__ import annotations

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import ContactPerson, Institution
from app.services.pool import import_columns as cols
from app.services.pool.import_columns import RowPlan, cell_error, text

FIELDS = {"name": 200, "kind": 20, "street": 200, "postcode": 10, "city": 100,
          "district": 100, "phone": 50, "email": 254, "notes": 5000}
CONTACT_FIELDS = {"contact_name": 120, "contact_function": 120, "contact_phone": 50,
                  "contact_email": 254}
DEFAULT_KIND = "other"


class InstitutionPlanner:
    def __init__(self, headings: list[str], keys: dict[int, str]):
        self.heading = {key: headings[i] for i, key in keys.items()}
        self.keys = keys
        stmt = sa.select(Institution).options(selectinload(Institution.contacts))
        self.existing = {cols.fold(i.name): i for i in db.session.scalars(stmt)}
        self.first_row: dict[str, int] = {}
        self.seen_contacts: dict[tuple, int] = {}

    def row(self, number: int, raw: list) -> RowPlan:
        cells = {key: raw[i] if i < len(raw) else None for i, key in self.keys.items()}
        plan = RowPlan(row=number, label=text(cells.get("name")))
        err = lambda key, problem: plan.errors.append(  # noqa: E731
            cell_error(number, self.heading.get(key, key), problem))
        values = {}
        for key, limit in {**FIELDS, **CONTACT_FIELDS}.items():
            value = text(cells.get(key))
            if not value:
                continue
            if key == "kind":
                value = cols.coded("institution_kind", value)
                if value is None:
                    err(key, _("“%(value)s” is not a known value (allowed: %(allowed)s)",
                               value=text(cells.get(key)),
                               allowed=", ".join(cols.LABELS["institution_kind"])))
                    continue
            elif key in ("email", "contact_email"):
                try:
                    value = validate_email(value, check_deliverability=False).normalized.lower()
                except EmailNotValidError:
                    err(key, _("“%(value)s” is not a valid e-mail address", value=value))
                    continue
            if len(value) > limit:
                err(key, ngettext("too long (at most %(num)d character)",
                                  "too long (at most %(num)d characters)", limit))
                continue
            values[key] = value
        if not values.get("name"):
            err("name", _("this field is required"))
        plan.values = values
        if not plan.errors:
            self._match(plan, values)
        plan.action = "error" if plan.errors else plan.action
        return plan

    def _match(self, plan: RowPlan, values: dict) -> None:
        key = cols.fold(values["name"])
        target = self.existing.get(key)
        plan.target = target
        if key in self.first_row:  # a further contact of an institution named above
            plan.values = {k: v for k, v in values.items() if k in CONTACT_FIELDS or k == "name"}
        else:
            self.first_row[key] = plan.row
        changes = []
        for field, _limit in FIELDS.items():
            if field in plan.values and field != "name" and (
                    target is None or getattr(target, field) != plan.values[field]):
                changes.append(field)
        if "contact_name" in values:
            contact_key = (key, values.get("contact_email") or cols.fold(values["contact_name"]))
            if contact_key in self.seen_contacts:
                plan.errors.append(cell_error(plan.row, self.heading["contact_name"], _(
                    "the same person as in row %(other)d", other=self.seen_contacts[contact_key])))
                return
            self.seen_contacts[contact_key] = plan.row
            contact = find_contact(target, values) if target is not None else None
            if contact is None or any(
                    getattr(contact, f.removeprefix("contact_")) != values[f]
                    for f in CONTACT_FIELDS if f in values):
                changes.append("contact")
        plan.changes = changes
        if target is None:
            plan.action = "create" if key not in self.first_row or \
                self.first_row[key] == plan.row else "update"
        else:
            plan.action = "update" if changes else "unchanged"


def find_contact(institution: Institution, values: dict) -> ContactPerson | None:
    email = values.get("contact_email")
    for contact in institution.contacts:
        if email and contact.email == email:
            return contact
    name = cols.fold(values["contact_name"])
    return next((c for c in institution.contacts if cols.fold(c.name) == name), None)


def apply(rows: list[RowPlan]) -> list[Institution]:
    """Create or update the institutions and contacts of the valid rows."""
    made: dict[str, Institution] = {}
    written = []
    for plan in rows:
        if plan.action not in ("create", "update"):
            continue
        key = cols.fold(plan.values["name"])
        institution = plan.target or made.get(key)
        if institution is None:
            institution = Institution(name=plan.values["name"], kind=DEFAULT_KIND)
            db.session.add(institution)
            made[key] = institution
        for field in plan.changes:
            if field in FIELDS:
                setattr(institution, field, plan.values[field])
        if "contact" in plan.changes:
            contact = find_contact(institution, plan.values)
            if contact is None:
                contact = ContactPerson(name=plan.values["contact_name"])
                institution.contacts.append(contact)
            for field in CONTACT_FIELDS:
                if field in plan.values:
                    setattr(contact, field.removeprefix("contact_"), plan.values[field])
        if institution not in written:
            written.append(institution)
    return written
