"""The one sanitiser for spreadsheet cells, used by every CSV and XLSX the app writes.

Why: a name typed into the app (a cohort, an institution, a payee) may start with `=`, `+`,
`-`, `@` or a tab/CR/LF; Excel and LibreOffice run such a cell as a formula (in CSV) or
openpyxl stores it as one (in XLSX), which can leak data through HYPERLINK or start programs
through DDE. Quoting with a leading apostrophe keeps the text visible and inert; both formats
get the same cell text.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# a plain number (our own formatted amounts, say "-3,00") is no formula and keeps its sign
_PLAIN_NUMBER = re.compile(r"[+-]?\d[\d.,]*")
# a phone number in international form ("+49 (0)151 234-56/7"): digits, spaces and ( ) / -
# can only ever make arithmetic, never a function call, so it is shown as typed (an
# apostrophe in front showed in every spreadsheet cell of the mediator list)
_PHONE = re.compile(r"\+\d[\d ()/-]*")


def safe_cell(value):
    """Return the value as a cell may hold it: text that would start a formula is quoted.

    Numbers, dates and None pass unchanged, so XLSX keeps real numbers.
    """
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _PLAIN_NUMBER.fullmatch(value) or _PHONE.fullmatch(value):
        return value
    return "'" + value


def safe_row(values) -> list:
    """Return a row with every cell passed through `safe_cell`."""
    return [safe_cell(v) for v in values]
