"""Export the mediator and institution lists (XLSX, CSV) and the import templates.

Why the import's own columns: an exported list can be edited in Excel and imported again,
and the template is an export with one example row. Every cell passes
`app.services.core.cells.safe_cell` (a name starting with "=" stays text).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Institution, Mediator, ModuleCompletion
from app.services.core.cells import safe_row
from app.services.core.languages import language_name
from app.services.pool import import_columns as cols

MEDIATOR_EXPORT = tuple(c for c in cols.MEDIATOR_COLUMNS if c.key != "name")
LEVEL_DE = {"native": "Muttersprache"}

MEDIATOR_EXAMPLE = {
    "first_name": "Amanuel", "last_name": "Tesfay", "email": "amanuel.tesfay@example.org",
    "phone": "0151 2345678", "gender": "männlich", "district": "Nord", "mobility": "Fahrrad",
    "german_level": "B2", "status": "aktiv", "cohort": 2024, "joined_on": dt.date(2024, 3, 1),
    "languages": "Tigrinja Muttersprache; Arabisch (Sudanesisch) C1", "modules": "",
    "pledge_on": dt.date(2024, 3, 1), "police_inspected_on": dt.date(2024, 3, 1),
    "police_issued_on": dt.date(2024, 2, 12), "police_entry": "nein",
}
INSTITUTION_EXAMPLE = {
    "name": "Kita Sonnenschein", "kind": "Kita", "street": "Lindenweg 4", "postcode": "55218",
    "city": "Rheinstadt", "district": "Nord", "phone": "06132 12345",
    "email": "kita.sonnenschein@example.org", "notes": "", "contact_name": "Maria Weber",
    "contact_function": "Leitung", "contact_phone": "06132 12346",
    "contact_email": "m.weber@example.org",
}


def languages_cell(mediator: Mediator, locale: str = "de") -> str:
    """Return 'Arabisch (Syrisch) C2; Kurmanji B2' as the import reads it back."""
    parts = []
    for lang in mediator.languages:
        name = language_name(lang.code, locale).split(";")[0]  # "Paschtu; Afghanisch"
        variety = f" ({lang.variety})" if lang.variety else ""
        level = LEVEL_DE.get(lang.level, lang.level) if locale == "de" else lang.level
        parts.append(f"{name}{variety} {level}" if level else f"{name}{variety}")
    return "; ".join(parts)


def _label(kind: str, code: str) -> str:
    return str(cols.LABELS[kind].get(code, code)) if code else ""


def mediator_row(m: Mediator) -> list:
    pledge, police = m.document("pledge"), m.document("police_certificate")
    values = {
        "first_name": m.first_name, "last_name": m.last_name, "email": m.email,
        "phone": m.phone, "gender": _label("gender", m.gender), "district": m.district,
        "mobility": _label("mobility", m.mobility),
        "german_level": _label("german_level", m.german_level),
        "status": _label("mediator_status", m.status),
        "cohort": m.cohort.year if m.cohort else None, "joined_on": m.joined_on,
        "languages": languages_cell(m),
        "modules": "; ".join(sorted(c.module.code for c in m.completions)),
        "pledge_on": pledge.recorded_on if pledge else None,
        "police_inspected_on": police.recorded_on if police else None,
        "police_issued_on": police.issued_on if police else None,
        "police_entry": ("ja" if police.has_relevant_entry else "nein") if police else "",
    }
    return [values[c.key] for c in MEDIATOR_EXPORT]


def mediator_table(stmt: sa.Select) -> tuple[list[str], list[list]]:
    """Return headings and rows of the mediators a (filtered) list query selects."""
    stmt = stmt.options(selectinload(Mediator.documents), selectinload(Mediator.cohort),
                        selectinload(Mediator.completions).selectinload(ModuleCompletion.module))
    rows = [mediator_row(m) for m in db.session.scalars(stmt)]
    return [c.heading_de for c in MEDIATOR_EXPORT], rows


def institution_table() -> tuple[list[str], list[list]]:
    """Return headings and rows: one row per contact person (institution repeated)."""
    stmt = sa.select(Institution).options(selectinload(Institution.contacts)).order_by(
        Institution.sort_name, Institution.id)
    keys = [c.key for c in cols.INSTITUTION_COLUMNS]
    rows = []
    for inst in db.session.scalars(stmt):
        base = {k: getattr(inst, k) for k in keys if not k.startswith("contact_")}
        base["kind"] = _label("institution_kind", inst.kind)
        for contact in inst.contacts or [None]:
            row = dict(base)
            for k in keys:
                if k.startswith("contact_"):
                    row[k] = getattr(contact, k.removeprefix("contact_")) if contact else ""
            rows.append([row[k] for k in keys])
    return [c.heading_de for c in cols.INSTITUTION_COLUMNS], rows


def template(kind: str) -> tuple[list[str], list[list]]:
    """Return the template's headings and its example row."""
    if kind == "mediators":
        return [c.heading_de for c in MEDIATOR_EXPORT], [
            [MEDIATOR_EXAMPLE[c.key] for c in MEDIATOR_EXPORT]]
    return [c.heading_de for c in cols.INSTITUTION_COLUMNS], [
        [INSTITUTION_EXAMPLE[c.key] for c in cols.INSTITUTION_COLUMNS]]


def _csv_value(value):
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return "" if value is None else value


def to_csv(headings: list[str], rows: list[list]) -> bytes:
    """Return semicolon CSV in UTF-8 with BOM (German Excel opens it as it is)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(safe_row(headings))
    for row in rows:
        writer.writerow(safe_row([_csv_value(v) for v in row]))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(headings: list[str], rows: list[list], title: str) -> bytes:
    """Return one sheet with bold headings and real dates."""
    # imported here: openpyxl (with numpy and Pillow) is ~20 MB of every worker's memory,
    # and only a download needs it
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(safe_row(headings))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(safe_row(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD.MM.YYYY"
    for index in range(len(headings)):
        sheet.column_dimensions[sheet.cell(1, index + 1).column_letter].width = 20
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export(actor, what: str, fmt: str, stmt: sa.Select | None = None) -> bytes:
    """Return the mediator (filtered by `stmt`) or institution list as XLSX or CSV bytes.

    Audited like every other export of personal data, with the row count.
    """
    from app.services.core import audit

    if what == "mediators":
        headings, rows = mediator_table(stmt)
        title = "Sprachmittler"
    else:
        headings, rows = institution_table()
        title = "Einrichtungen"
    audit.record(actor, "export", "mediator" if what == "mediators" else "institution", None,
                 format=fmt, rows=len(rows))
    return to_xlsx(headings, rows, title) if fmt == "xlsx" else to_csv(headings, rows)
