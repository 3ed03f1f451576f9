"""Export report tables as CSV (one table) or as an XLSX workbook (one sheet per table).

Why: the office pastes the figures into the council paper and keeps them in spreadsheets.
CSV uses the German spreadsheet conventions (semicolon, decimal comma, UTF-8 with BOM) when
the UI is German, so Excel opens it correctly; XLSX keeps numbers as real numbers. Every
cell of both passes `app.services.core.cells.safe_cell`.
"""

from __future__ import annotations

import csv
import io
import re

from babel.numbers import format_decimal

from app.services.core.cells import safe_cell, safe_row
from app.services.core.periods import Period
from app.services.reports.table import Table

INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _cell(value, locale: str):
    if isinstance(value, float):
        return format_decimal(value, locale=locale, group_separator=False)
    return safe_cell(value)  # a label typed by a user must not run as a spreadsheet formula


def table_csv(table: Table, locale: str = "de") -> str:
    """Return the table as CSV text (with BOM for German Excel)."""
    buffer = io.StringIO()
    delimiter = ";" if locale == "de" else ","
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(safe_row(table.columns))
    for row in table.rows:
        writer.writerow([_cell(v, locale) for v in row])
    return "\ufeff" + buffer.getvalue()


def _shorten(text: str, limit: int) -> str:
    """Cut text to limit characters at a word boundary (Excel allows 31 in a sheet name)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit + 1].rsplit(" ", 1)[0]
    return (cut if 0 < len(cut) <= limit else text[:limit]).rstrip(" -–,")


def file_stem(text: str) -> str:
    """Return a file-name part in the reader's words: "Anfragen pro Monat" -> "Anfragen-pro-Monat".

    Letters (umlauts included) and digits stay; everything else becomes one hyphen.
    """
    return re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-_") or "Tabelle"


def _sheet_title(title: str, used: set[str]) -> str:
    base = _shorten(INVALID_SHEET_CHARS.sub("-", title), 31) or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate, n = _shorten(base, 31 - len(suffix)) + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def workbook(tables: list[Table], period: Period, heading: str) -> bytes:
    """Return an XLSX workbook with one sheet per table, each headed by its title and period."""
    # imported here: openpyxl (with numpy and Pillow) is ~20 MB of every worker's memory,
    # and only a download needs it
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_title(table.short_title, used))
        sheet.append(safe_row([table.title]))
        sheet.append(safe_row([f"{heading}: {period.label}"]))
        sheet.append([])
        sheet.append(safe_row(table.columns))
        for cell in sheet[4]:
            cell.font = Font(bold=True)
        sheet["A1"].font = Font(bold=True, size=13)
        for row in table.rows:
            sheet.append(safe_row(row))
        sheet.column_dimensions["A"].width = 34
        for letter in "BCDEFGHIJ":
            sheet.column_dimensions[letter].width = 16
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
