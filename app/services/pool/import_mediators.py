"""Plan and write one imported mediator row (the mediator list of `importing`).

Why one planner object per file: it holds everything a row is compared with (existing people
by e-mail and by name + phone, modules, cohorts, the rows already seen in this file), loaded
once, so a row costs no query.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Cohort,
    Institution,
    Mediator,
    QualificationModule,
)
from app.models.mediator import LANGUAGE_LEVELS
from app.services.core.languages import MACROLANGUAGES
from app.services.pool import import_columns as cols
from app.services.pool.import_columns import RowPlan, cell_error, text
from app.services.pool.import_people import (
    district_spelling,
    name_key,
    person_key,
    phone_key,
    split_name,
)
from app.services.pool.import_writing import SCALARS, kept_issue_date

CODED = {"gender": "gender", "mobility": "mobility", "german_level": "german_level",
         "status": "mediator_status"}
DATES = ("joined_on", "pledge_on", "police_inspected_on", "police_issued_on")


def all_mediators() -> list[Mediator]:
    """Load every mediator with what an import compares, in four queries."""
    stmt = sa.select(Mediator).where(Mediator.erased_at.is_(None)).options(
        selectinload(Mediator.languages), selectinload(Mediator.documents),
        selectinload(Mediator.completions))
    return list(db.session.scalars(stmt))


class MediatorPlanner:
    def __init__(self, headings: list[str], keys: dict[int, str], police_max_age_days: int):
        self.headings, self.keys, self.max_age = headings, keys, police_max_age_days
        self.heading = {key: headings[i] for i, key in keys.items()}
        # a name taken from the one "Name" column is named by that column in every message
        for part in ("first_name", "last_name"):
            if "name" in self.heading:
                self.heading.setdefault(part, self.heading["name"])
        self.by_email: dict[str, Mediator] = {}
        self.by_person: dict[tuple, Mediator] = {}
        self.by_name: dict[tuple, Mediator] = {}
        for m in all_mediators():
            if m.email:
                self.by_email.setdefault(m.email.lower(), m)
            self.by_person.setdefault(person_key(m.first_name, m.last_name, m.phone), m)
            self.by_name.setdefault(name_key(m.first_name, m.last_name), m)
        self.modules: dict[str, QualificationModule] = {}
        for module in db.session.scalars(sa.select(QualificationModule)):
            for name in (module.code, module.title_de, module.title_en):
                self.modules.setdefault(cols.fold(name), module)
        self.cohort_years = {c.id: c.year for c in db.session.scalars(sa.select(Cohort))}
        # the districts the pool knows (people and institutions), by their folded spelling
        self.districts: dict[str, str] = {}
        for table in (Mediator, Institution):
            for name in db.session.scalars(sa.select(table.district).where(
                    table.district != "").distinct()):
                self.districts.setdefault(cols.fold(name), name)
        self.seen: dict[object, int] = {}
        self.suggestions_left = 500  # near-miss searches per file (each takes milliseconds)
        self.groups = sorted({k.split(":")[1] for k in keys.values() if k.startswith("lang:")},
                             key=int)

    # -- parsing ------------------------------------------------------------------------------

    def row(self, number: int, raw: list) -> RowPlan:
        cells = {key: raw[i] if i < len(raw) else None for i, key in self.keys.items()}
        plan = RowPlan(row=number, label="")
        values: dict = {}
        err = lambda key, problem: plan.errors.append(  # noqa: E731
            cell_error(number, self.label(key), problem))
        first, last = self._name(cells)
        plan.label = f"{first} {last}".strip() or _("(no name)")
        if not last:
            err("last_name", _("this field is required"))
        values["first_name"], values["last_name"] = first, last
        for key in ("email", "phone", "district", *CODED, *DATES):
            raw_value = cells.get(key)
            value = text(raw_value)
            if not value:
                continue
            if key in CODED:
                code = cols.coded(CODED[key], value)
                if code is None:
                    allowed = ", ".join(sorted(set(cols.LABELS[CODED[key]])))
                    err(key, _("“%(value)s” is not a known value (allowed: %(allowed)s)",
                               value=value, allowed=allowed))
                    continue
                value = code
            elif key in DATES:
                value = cols.parse_date(raw_value)
                if value is None:
                    err(key, _("“%(value)s” is not a date (please write DD.MM.YYYY)",
                               value=text(raw_value)))
                    continue
            elif key == "phone" and isinstance(raw_value, (int, float)) and not isinstance(
                    raw_value, bool):
                # Excel keeps "0151 …" typed into a number cell as 151…: the leading 0 (or
                # the +) is gone. The digits are kept as they are, nothing is guessed.
                plan.warnings.append(cell_error(number, self.label(key), _(
                    "“%(value)s” is stored as a number in the file, so a leading 0 or + may "
                    "be missing. Please check the phone number.", value=value)))
            elif key == "district":
                value = district_spelling(self.districts, value, lambda problem: (
                    plan.warnings.append(cell_error(number, self.label("district"), problem))))
            elif key == "email":
                try:
                    value = validate_email(value, check_deliverability=False).normalized.lower()
                except EmailNotValidError:
                    err(key, _("“%(value)s” is not a valid e-mail address", value=value))
                    continue
            values[key] = value
        for key, limit in SCALARS.items():
            if limit and isinstance(values.get(key), str) and len(values[key]) > limit:
                err(key, ngettext("too long (at most %(num)d character)",
                                  "too long (at most %(num)d characters)", limit))
        self._cohort(cells, values, err)
        self._languages(cells, values, err)
        self._modules(cells, values, err)
        self._police(cells, values, err, lambda key, problem: plan.warnings.append(
            cell_error(number, self.label(key), problem)))
        plan.values = values
        self._match(plan, values)
        if plan.errors:
            plan.action = "error"
        return plan

    def label(self, key: str) -> str:
        """Return the column heading as the file writes it (the template's when absent)."""
        if key in self.heading:
            return self.heading[key]
        if key.startswith("lang:"):
            return key
        return cols.heading_of("mediators", key)

    def _name(self, cells) -> tuple[str, str]:
        """Return (first name, last name) from "Vorname"/"Nachname", or "Name" + "Vorname"
        (then "Name" is the last name), or one "Name" cell split at its comma or last space.
        """
        first, last = text(cells.get("first_name")), text(cells.get("last_name"))
        whole = " ".join(text(cells.get("name")).split())
        if last or not whole:
            return first, last
        if "first_name" in self.keys.values() and (first or "," not in whole):
            return first, whole
        split_first, split_last = split_name(whole)
        return first or split_first, split_last

    def _cohort(self, cells, values, err) -> None:
        value = text(cells.get("cohort"))
        if value:
            year = re.search(r"\b(19[5-9]\d|20\d\d)\b", value)
            if year is None:
                err("cohort", _("“%(value)s” is not a year", value=value))
            else:
                values["cohort"] = int(year.group(1))

    def _languages(self, cells, values, err) -> None:
        items: list[tuple[str, str, str, str]] = []  # key, name, variety, level
        for name, variety, level in cols.split_languages(text(cells.get("languages"))):
            items.append(("languages", name, variety, level))
        for group in self.groups:
            name = text(cells.get(f"lang:{group}:language"))
            if name:
                items.append((f"lang:{group}:language", name,
                              text(cells.get(f"lang:{group}:variety")),
                              text(cells.get(f"lang:{group}:level"))))
        found: dict[tuple[str, str], str] = {}
        for key, name, variety, level in items:
            code = cols.find_language(name)
            inner = cols.find_language(variety) if code in MACROLANGUAGES and variety else None
            if inner in MACROLANGUAGES.get(code, ()):  # "Kurdisch (Kurmanji)": Kurmanji
                code, variety = inner, ""
            if code is None:
                problem = _("“%(value)s” is not a known language", value=name)
                words = name.split()
                parts = [cols.find_language(w) for w in words] if len(words) > 1 else [None]
                self.suggestions_left -= 1
                near = cols.suggest_language(name[:80]) if self.suggestions_left > 0 else ()
                if all(parts):  # "Farsi Dari": two languages without a separator
                    problem += ngettext(
                        " – if this is %(num)d language, please separate it with a comma: "
                        "%(names)s",
                        " – if these are %(num)d languages, please separate them with a comma: "
                        "%(names)s", len(words), names=", ".join(words))
                elif near:
                    problem += _(" – did you mean %(names)s?", names=" / ".join(
                        f"„{n}“" for n in near))
                err(key, problem)
                continue
            # no level in the file: the level is not known (never "native" by assumption)
            level_code = cols.coded("language_level", level) if level else None
            if level and level_code not in LANGUAGE_LEVELS:
                err(key, _("“%(value)s”: the level must be one of %(allowed)s", value=level,
                           allowed=", ".join(LANGUAGE_LEVELS)))
                continue
            if len(variety) > 80:
                err(key, ngettext("too long (at most %(num)d character)",
                                  "too long (at most %(num)d characters)", 80))
                continue
            found[(code, variety)] = level_code
        if found:
            values["languages"] = found

    def _modules(self, cells, values, err) -> None:
        wanted = {}
        cell = text(cells.get("modules"))
        # one module whose title holds a comma is read whole; else the list rule applies
        whole = cell.strip() if cols.fold(cell) in self.modules else None
        for item in [whole] if whole else cols.split_list(cell):
            dated = re.match(r"^(.*?)\s*\(([^)]*)\)$", item)
            name, day = (dated.group(1), cols.parse_date(dated.group(2))) if dated else (item,
                                                                                       None)
            module = self.modules.get(cols.fold(name))
            if module is None:
                err("modules", _("“%(value)s” is not a known module", value=name))
                continue
            wanted[module.id] = day
        if wanted:
            values["modules"] = wanted

    def _police(self, cells, values, err, warn=None) -> None:
        inspected, issued = values.pop("police_inspected_on", None), values.pop(
            "police_issued_on", None)
        if inspected is None and issued is None:
            return
        if inspected is None:
            err("police_inspected_on", _("the inspection date is missing (only the issue date "
                                         "is given)"))
            return
        if issued is None:
            # many offices note only the day they saw the certificate: it is recorded, the
            # issue date stays unknown (the person's page asks for it)
            if warn is not None:
                warn("police_inspected_on", _("the issue date of the police certificate is "
                                              "not in the file; only the inspection date is "
                                              "recorded"))
            values["police"] = (inspected, None, self._police_flag(cells, err))
            if values["police"][2] is None:
                values.pop("police")
            return
        if issued > inspected:
            err("police_issued_on", _("The issue date cannot be after the inspection date."))
            return
        if (inspected - issued).days > self.max_age:
            err("police_issued_on",
                _("The certificate was more than three months old when it was inspected."))
            return
        flag = self._police_flag(cells, err)
        if flag is not None:
            values["police"] = (inspected, issued, flag)

    def _police_flag(self, cells, err) -> bool | None:
        """Return the entry flag (no entry when the cell is blank); None after an error."""
        raw = text(cells.get("police_entry"))
        if not raw:
            return False
        flag = cols.parse_flag(raw)
        if flag is None:
            err("police_entry", _("“%(value)s” is neither yes nor no", value=raw))
        return flag

    # -- matching -----------------------------------------------------------------------------

    def _match(self, plan: RowPlan, values: dict) -> None:
        email = values.get("email", "")
        key = person_key(values["first_name"], values["last_name"], values.get("phone", ""))
        # the same person twice in the file: by e-mail, or by name and phone number
        owns = [o for o in (email, key if key[1] else None) if o]
        if not owns:
            owns = [key]
        earlier = next((self.seen[o] for o in owns if o in self.seen), None)
        if earlier is not None:
            plan.errors.append(cell_error(plan.row, self.label(
                "email" if email and email in self.seen else "last_name"),
                _("the same person as in row %(other)d", other=earlier)))
            return
        for own in owns:
            self.seen[own] = plan.row
        target = self.by_email.get(email) if email else None
        if target is None:
            # matched on its own only by name *and* phone; a name alone is a question
            candidate = self.by_person.get(key) if key[1] else None
            if candidate is not None and (not email or not candidate.email):
                target = candidate
            elif candidate is not None and key[1]:
                # in the pool under another e-mail address: the coordinator decides
                plan.action, plan.duplicate_of = "duplicate", candidate
                plan.merge_changes = [c for c in self._changes(candidate, values)
                                      if c != "email"]
            elif candidate is None and self.by_name.get(key[0]) is not None and (
                    not email or not key[1] or not self.by_name[key[0]].phone):
                # the same name, and no phone number on one side to tell them apart
                candidate = self.by_name[key[0]]
                plan.action, plan.duplicate_of = "duplicate", candidate
                plan.merge_changes = [c for c in self._changes(candidate, values)
                                      if c != "email"]
        if plan.action == "duplicate" and not plan.merge_changes and (
                not email or email == plan.duplicate_of.email):
            target = plan.duplicate_of  # the file says nothing new about this person
        if target is None:
            if "gender" not in values:
                if plan.action == "duplicate":
                    plan.can_create = False
                else:
                    plan.errors.append(cell_error(plan.row, self.label("gender"),
                                                  _("this field is required")))
            plan.changes = [k for k in values if values[k]]
            return
        plan.target = target
        plan.changes = self._changes(target, values)
        plan.action = "update" if plan.changes else "unchanged"

    def _changes(self, m: Mediator, values: dict) -> list[str]:
        changed = [k for k in SCALARS if k in values and values[k] and getattr(m, k) != values[k]
                   and not (k == "phone" and phone_key(m.phone) == phone_key(values[k]))]
        if "cohort" in values and self.cohort_years.get(m.cohort_id) != values["cohort"]:
            changed.append("cohort")
        if "languages" in values:
            have = {(lang.code, lang.variety): lang.level for lang in m.languages}
            if any(k not in have or (level is not None and have[k] != level)
                   for k, level in values["languages"].items()):
                changed.append("languages")
        if "modules" in values:
            done = {c.module_id for c in m.completions}
            if set(values["modules"]) - done:
                changed.append("modules")
        pledge = m.document("pledge")
        if "pledge_on" in values and (pledge is None or pledge.recorded_on != values["pledge_on"]):
            changed.append("pledge_on")
        police = m.document("police_certificate")
        if "police" in values and (police is None or (
                police.recorded_on, police.issued_on, police.has_relevant_entry)
                != kept_issue_date(police, values["police"])):
            changed.append("police")
        return changed
