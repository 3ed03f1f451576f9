"""Read the first sheet of an XLSX by streaming its parts through expat within the bounds.

The claimed dimension is ignored; cells are typed as openpyxl typed them (shared and inline
strings, numbers, booleans, dates by the cell's number format in styles.xml, 1900 or 1904).
"""

from __future__ import annotations

import datetime as dt
import posixpath

from flask_babel import gettext as _
from flask_babel import ngettext

from app.services.core.errors import DomainError
from app.services.pool.import_reader import (
    Archive,
    CellText,
    Done,
    Handler,
    Sheet,
    blank,
    local_name,
)


class _Collect(Handler):
    """Keep (localname, attributes) of the elements named, for the small XLSX parts."""

    def __init__(self, names: set[str], sheet: Sheet, limit: int = 10_000) -> None:
        self.names, self.sheet, self.limit = names, sheet, limit
        self.found: list[tuple[str, dict]] = []

    def start(self, name, attrs):
        self.sheet.tick()
        local = local_name(name)
        if local in self.names:
            if len(self.found) >= self.limit:
                raise DomainError(_("The file has too many parts to be read."))
            self.found.append((local, {local_name(k): v for k, v in attrs.items()}))


def _rels(archive: Archive, path: str, sheet: Sheet) -> dict[str, tuple[str, str]]:
    """Return {id: (type, member path)} of the relationships of part `path`."""
    folder, base = posixpath.split(path)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels not in archive.names:
        return {}
    handler = _Collect({"Relationship"}, sheet)
    archive.parse(rels, handler, sheet)
    out = {}
    for _name, attrs in handler.found:
        target = attrs.get("Target", "")
        target = (target.lstrip("/") if target.startswith("/")
                  else posixpath.normpath(posixpath.join(folder, target)))
        out[attrs.get("Id", "")] = (attrs.get("Type", ""), target)
    return out


def xlsx_rows(data: bytes, sheet: Sheet) -> None:
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    archive = Archive(data, sheet.limits)
    book = next((t for kind, t in _rels(archive, "", sheet).values()
                 if kind.endswith("/officeDocument")), "xl/workbook.xml")
    handler = _Collect({"sheet", "workbookPr"}, sheet)
    archive.parse(book, handler, sheet)
    sheets = [a for n, a in handler.found if n == "sheet"]
    epoch = CALENDAR_WINDOWS_1900
    for name, attrs in handler.found:
        if name == "workbookPr" and attrs.get("date1904") in ("1", "true"):
            epoch = CALENDAR_MAC_1904
    rels = _rels(archive, book, sheet)
    first = next((v for k, v in sheets[0].items() if k == "id"), "") if sheets else ""
    target = rels.get(first, ("", "xl/worksheets/sheet1.xml"))[1]
    strings: list[str] = []
    dates: set[int] = set()
    for kind, part in rels.values():
        if kind.endswith("/sharedStrings") and part in archive.names:
            shared = _SharedStrings(sheet)
            shared.precount(archive, part)
            archive.parse(part, shared, sheet)
            strings = shared.strings
        elif kind.endswith("/styles") and part in archive.names:
            styles = _Collect({"numFmt", "cellXfs", "xf"}, sheet, limit=200_000)
            archive.parse(part, styles, sheet)
            custom = {int(a.get("numFmtId", -1)): a.get("formatCode", "")
                      for n, a in styles.found if n == "numFmt"}
            in_xfs, index = False, 0
            for n, a in styles.found:
                if n == "cellXfs":
                    in_xfs = True
                elif n == "xf" and in_xfs:
                    fmt_id = int(a.get("numFmtId", 0) or 0)
                    code = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id, "")
                    if code and is_date_format(code):
                        dates.add(index)
                    index += 1
    archive.parse(target, _XlsxSheet(sheet, strings, dates, epoch), sheet)


class _SharedStrings(Handler):
    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.limit = sheet.limits.shared_strings
        self.strings: list[str] = []
        self.text: CellText | None = None
        self.in_t = False
        self.phonetic = 0

    def refuse(self) -> DomainError:
        return DomainError(ngettext(
            "The file declares more than %(num)d text; please split it.",
            "The file declares more than %(num)d texts; please split it.", self.limit))

    def precount(self, archive: Archive, part: str) -> None:
        """Refuse before parsing when the raw bytes hold too many `<si>` elements: a pass at
        C speed (unpacking and bytes.count) instead of a second of callbacks per 100,000."""
        raw = 0
        for chunk in archive.chunks(part, self.sheet):
            raw += chunk.count(b"<si>") + chunk.count(b"<si ")
            if raw > self.limit:
                raise self.refuse()

    def start(self, name, attrs):
        local = local_name(name)
        if local == "si":
            if len(self.strings) >= self.limit:
                raise self.refuse()
            self.sheet.tick()
            self.text = CellText()
        elif local == "t":
            self.in_t = self.text is not None and not self.phonetic
        elif local == "rPh":
            self.phonetic += 1
        elif local == "sst":
            declared = attrs.get("uniqueCount", "")
            if declared.isdigit() and int(declared) > self.limit:
                raise self.refuse()

    def end(self, name):
        local = local_name(name)
        if local == "si" and self.text is not None:
            self.strings.append(self.text.value())
            self.text = None
        elif local == "t":
            self.in_t = False
        elif local == "rPh":
            self.phonetic -= 1

    def characters(self, content):
        if self.in_t:
            self.text.add(content)


def _column(ref: str) -> int:
    """Return the 0-based column of a reference like "AB12"."""
    number = 0
    for char in ref:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        else:
            break
    return number - 1


class _XlsxSheet(Handler):
    def __init__(self, sheet: Sheet, strings: list[str], dates: set[int], epoch) -> None:
        self.sheet, self.strings, self.dates, self.epoch = sheet, strings, dates, epoch
        self.number = 0
        self.cells: dict[int, object] = {}
        self.column = -1
        self.cell: dict | None = None
        self.text: CellText | None = None
        self.in_sheet_data = False

    def start(self, name, attrs):
        local = local_name(name)
        if local == "sheetData":
            self.in_sheet_data = True
        elif not self.in_sheet_data:
            return
        elif local == "row":
            given = attrs.get("r")
            number = int(given) if given and given.isdigit() else self.number + 1
            self.number = max(number, self.number + 1)
            self.cells, self.column = {}, -1
        elif local == "c":
            ref = attrs.get("r") or ""
            self.column = _column(ref) if ref[:1].isalpha() else self.column + 1
            self.cell = {"t": attrs.get("t", "n"), "s": attrs.get("s")}
            self.text = None
        elif local in ("v", "t") and self.cell is not None:
            self.text = self.text or CellText()

    def characters(self, content):
        if self.text is not None:
            self.text.add(content)

    def end(self, name):
        local = local_name(name)
        if local == "sheetData":
            raise Done
        if not self.in_sheet_data:
            return
        if local == "c" and self.cell is not None:
            value = self._value(self.cell, self.text.value() if self.text else None)
            if not blank(value):
                if self.column >= self.sheet.limits.columns:
                    raise self.sheet.too_wide()
                self.cells[self.column] = value
            self.cell, self.text = None, None
        elif local == "row":
            self.sheet.add(self.number, self.cells)
            self.cells = {}

    def _value(self, cell: dict, raw: str | None):
        from openpyxl.utils.datetime import from_excel

        if raw is None:
            return None
        kind = cell["t"]
        if kind == "s":
            return self.strings[int(raw)]
        if kind in ("str", "inlineStr", "e"):
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            return dt.datetime.fromisoformat(raw.strip().rstrip("Z"))
        raw = raw.strip()
        if not raw:
            return None
        number = float(raw) if any(c in raw for c in ".eE") else int(raw)
        style = cell["s"]
        if style is not None and style.isdigit() and int(style) in self.dates:
            return from_excel(number, self.epoch)
        return number
