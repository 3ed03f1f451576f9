"""Read the first table of an ODS (content.xml) through expat; repeats are arithmetic."""

from __future__ import annotations

import datetime as dt

from app.services.pool.import_reader import (
    MAX_CELL_CHARS,
    Archive,
    CellText,
    Done,
    Handler,
    Sheet,
    blank,
)

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXTNS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _repeat(attrs, name: str) -> int:
    given = attrs.get(f"{_TABLE} {name}")
    if given is None:
        return 1
    if not given.isdigit() or int(given) < 1:
        raise ValueError("bad repeat")
    return int(given)


class _OdsSheet(Handler):
    """The first table of content.xml; repeated empty cells and rows are clamped, not kept.

    LibreOffice writes the empty rest of a row as one cell repeated up to column 1024 or
    16384, and the empty rest of a sheet as one row repeated a million times: those are
    skipped by arithmetic. A filled cell or row repeated beyond the limits is refused.
    """

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.tables = 0
        self.number = 0  # rows seen (1-based number of the current row)
        self.row_repeat = 1
        self.cells: dict[int, object] = {}
        self.column = 0  # next 0-based column
        self.cell: dict | None = None
        self.paragraphs: list[str] | None = None
        self.text: CellText | None = None
        self.skip = 0  # inside an annotation (a comment) of a cell

    def start(self, name, attrs):
        ns, _sep, local = name.rpartition(" ")
        if ns == _TABLE and local == "table":
            self.tables += 1
            if self.tables > 1:
                raise Done
            return
        if self.tables != 1:
            return
        if ns == _TABLE and local == "table-row":
            self.row_repeat = _repeat(attrs, "number-rows-repeated")
            self.cells, self.column = {}, 0
        elif ns == _TABLE and local in ("table-cell", "covered-table-cell"):
            self.cell = {
                "repeat": _repeat(attrs, "number-columns-repeated"),
                "type": attrs.get(f"{_OFFICE} value-type"),
                "value": attrs.get(f"{_OFFICE} value"),
                "date": attrs.get(f"{_OFFICE} date-value"),
                "bool": attrs.get(f"{_OFFICE} boolean-value"),
            }
            self.paragraphs = []
        elif self.cell is None:
            return
        elif ns == _OFFICE and local == "annotation":
            self.skip += 1
        elif self.skip:
            return
        elif ns == _TEXTNS and local in ("p", "h"):
            self.text = CellText()
        elif ns == _TEXTNS and local == "s" and self.text is not None:
            count = attrs.get(f"{_TEXTNS} c", "1")
            self.text.add(" " * min(int(count) if count.isdigit() else 1, MAX_CELL_CHARS + 1))
        elif ns == _TEXTNS and local == "tab" and self.text is not None:
            self.text.add("\t")
        elif ns == _TEXTNS and local == "line-break" and self.text is not None:
            self.text.add("\n")

    def characters(self, content):
        if self.text is not None and not self.skip:
            self.text.add(content)

    def end(self, name):
        ns, _sep, local = name.rpartition(" ")
        if self.tables != 1:
            return
        if ns == _TABLE and local == "table":
            raise Done
        if ns == _OFFICE and local == "annotation":
            self.skip -= 1
        elif self.skip:
            return
        elif ns == _TEXTNS and local in ("p", "h") and self.text is not None:
            self.paragraphs.append(self.text.value())
            self.text = None
        elif ns == _TABLE and local in ("table-cell", "covered-table-cell") and self.cell:
            self._end_cell()
        elif ns == _TABLE and local == "table-row":
            first = self.number + 1
            self.number += self.row_repeat
            self.sheet.add(first, self.cells, self.row_repeat)
            self.cells = {}

    def _end_cell(self) -> None:
        cell, repeat = self.cell, self.cell["repeat"]
        value = self._value(cell, "\n".join(self.paragraphs or []))
        self.cell, self.paragraphs = None, None
        if blank(value):
            self.column += repeat  # an empty stretch: arithmetic only
            return
        if self.column + repeat > self.sheet.limits.columns:
            raise self.sheet.too_wide()
        for offset in range(repeat):
            self.cells[self.column + offset] = value
        self.column += repeat

    @staticmethod
    def _value(cell: dict, text: str):
        kind = cell["type"]
        if text == "#N/A" or kind is None:
            return None
        if kind == "boolean":
            return (cell["bool"] or "").lower() == "true" or text == "TRUE"
        if kind == "float":
            number = float(cell["value"])
            return int(number) if number.is_integer() else number
        if kind in ("percentage", "currency"):
            return float(cell["value"])
        if kind == "date":
            return dt.datetime.fromisoformat(cell["date"])
        if kind == "time":
            return text
        return text


def ods_rows(data: bytes, sheet: Sheet) -> None:
    archive = Archive(data, sheet.limits)
    if "content.xml" not in archive.names:
        raise ValueError("not an ODS file")
    archive.parse("content.xml", _OdsSheet(sheet), sheet)
