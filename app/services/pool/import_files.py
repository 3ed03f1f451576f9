"""Read an uploaded XLSX, ODS or CSV list into rows, and keep it between preview and commit.

Why a streaming reader of our own: a 1.6 KB XLSX whose sheet claims the dimension
`A1:XFD20000` made openpyxl pad 327 million cells (1.3 GB for 15 s), and an 827-byte ODS with
one cell repeated 20 million times ran pandas/odfpy into gunicorn's timeout at 3 GB. So the
archive is checked before it is opened (the unpacked size every member claims, its
compression ratio), every member is read through a byte budget (a lying header cannot unpack
more), the XML is parsed by expat with callbacks (no DTD, so no entities; no tree is built),
and rows, columns, filled cells, shared strings and repeated cells are counted before
anything is kept. A wall-clock budget covers the whole read. The limits are `ImportLimits`
(app/services/core/bounds.py, config `IMPORT_MAX_*`, docs/import.md).

Cell values follow what openpyxl and pandas' odf engine returned before: text, int/float,
bool, datetime for date cells (XLSX: by the cell's number format), None for empty cells.
CSV: UTF-8 (with or without BOM), else Windows-1252, the delimiter sniffed.

Why a file on the server: the commit must write exactly what the preview showed, without
trusting anything the browser sends back but a random token that the view binds to the session.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import posixpath
import secrets
import time
import zipfile
from pathlib import Path
from xml.parsers import expat

from flask_babel import gettext as _
from flask_babel import ngettext

from app.services.core.bounds import ImportLimits, import_limits
from app.services.core.errors import DomainError

FORMATS = ("xlsx", "ods", "csv")
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = ImportLimits().rows  # the default; the configured value is import_limits().rows
MAX_CELL_CHARS = 32_767  # what Excel and LibreOffice hold in one cell
MAX_MEMBERS = 2_000
KEEP_SECONDS = 24 * 3600
_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
_CHUNK = 64 * 1024


def format_of(filename: str) -> str:
    """Return the format named by the file's extension, or refuse with a message."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in FORMATS:
        raise DomainError(_("Please upload an XLSX, ODS or CSV file."))
    return ext


def read_rows(data: bytes, fmt: str, limits: ImportLimits | None = None) -> list[list]:
    """Return the first sheet as rows of cell values (text, numbers, dates or None).

    Raises DomainError for a file that is not what its name says, or beyond a limit.
    """
    if len(data) > MAX_BYTES:
        raise DomainError(_("The file is larger than %(mb)d MB.", mb=MAX_BYTES // 2**20))
    sheet = _Sheet(limits or import_limits())
    try:
        {"xlsx": _xlsx_rows, "ods": _ods_rows, "csv": _csv_rows}[fmt](data, sheet)
    except DomainError:
        raise
    except Exception as exc:  # a broken or mislabelled file: any reader error means "unreadable"
        raise DomainError(_("The file could not be read as %(format)s.",
                            format=fmt.upper())) from exc
    return sheet.finish()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Sheet:
    """Collect rows within the limits; count (without keeping) rows beyond the row limit."""

    def __init__(self, limits: ImportLimits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.seconds
        self.rows: list[list] = []
        self.last = 0  # 1-based number of the last row with content
        self.cells = 0
        self._ticks = 0

    def tick(self) -> None:
        """Refuse when the wall-clock budget is spent (checked every few hundred steps)."""
        self._ticks += 1
        if self._ticks % 256 == 0 and time.monotonic() > self.deadline:
            raise DomainError(ngettext(
                "Reading the file took longer than %(num)d second. Please split it.",
                "Reading the file took longer than %(num)d seconds. Please split it.",
                int(self.limits.seconds)))

    def too_wide(self) -> DomainError:
        return DomainError(ngettext(
            "The file has content beyond column %(num)d; at most %(num)d columns can be "
            "imported. Please remove the extra columns.",
            "The file has content beyond column %(num)d; at most %(num)d columns can be "
            "imported. Please remove the extra columns.", self.limits.columns))

    def add(self, number: int, cells: dict[int, object], repeat: int = 1) -> None:
        """Add row `number` (1-based), its cells {0-based column: value}, `repeat` times."""
        self.tick()
        filled = {c: v for c, v in cells.items() if not _blank(v)}
        if not filled:
            return  # blank rows are filled in when a later row has content
        if max(filled) >= self.limits.columns:
            raise self.too_wide()
        if number <= self.last:
            raise ValueError("rows out of order")
        self.last = number + repeat - 1
        keep = min(repeat, self.limits.rows + 2 - number)  # the heading row and `rows` more
        if keep <= 0:
            return  # beyond the row limit: counted in self.last, not kept
        self.cells += len(filled) * keep
        if self.cells > self.limits.cells:
            raise DomainError(ngettext(
                "The file has more than %(num)d filled cell; please split it.",
                "The file has more than %(num)d filled cells; please split it.",
                self.limits.cells))
        row = [None] * (max(filled) + 1)
        for column, value in filled.items():
            row[column] = value
        while len(self.rows) < number - 1:
            self.rows.append([])
        for _n in range(keep):
            self.rows.append(list(row))

    def finish(self) -> list[list]:
        if self.last - 1 > self.limits.rows:
            raise DomainError(ngettext(
                "The file has %(num)d row; at most %(max)d can be imported at once. "
                "Please split it.",
                "The file has %(num)d rows; at most %(max)d can be imported at once. "
                "Please split it.", self.last - 1, max=self.limits.rows))
        del self.rows[self.last:]
        return self.rows


# --- archives (XLSX and ODS are zip files) ---------------------------------------------------


class _Archive:
    """A zip whose members are checked before reading and read through a byte budget."""

    def __init__(self, data: bytes, limits: ImportLimits) -> None:
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.limits = limits
        infos = self.zip.infolist()
        if len(infos) > MAX_MEMBERS:
            raise self.too_big()
        for info in infos:
            if info.file_size > limits.unpacked_bytes:
                raise self.too_big()
            if (info.file_size > 2**20
                    and info.file_size > limits.ratio * max(info.compress_size, 1)):
                raise self.too_big()
        self.names = {info.filename for info in infos}

    def too_big(self) -> DomainError:
        return DomainError(_("The file unpacks to more than %(mb)d MB in one part, or is "
                             "packed suspiciously tightly. Please save it again or split it.",
                             mb=self.limits.unpacked_bytes // 2**20))

    def chunks(self, name: str, sheet: _Sheet):
        """Yield the member's bytes in chunks; refuse past the unpacked-size budget."""
        left = self.limits.unpacked_bytes
        with self.zip.open(name) as member:
            while chunk := member.read(_CHUNK):
                left -= len(chunk)
                if left < 0:
                    raise self.too_big()
                sheet.tick()
                yield chunk

    def parse(self, name: str, handler: _Handler, sheet: _Sheet) -> None:
        """Stream the member through expat into the handler (no DTD: no entity bombs)."""
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.StartElementHandler = handler.start
        parser.EndElementHandler = handler.end
        parser.CharacterDataHandler = handler.characters
        parser.StartDoctypeDeclHandler = _no_dtd
        parser.EntityDeclHandler = _no_dtd
        try:
            for chunk in self.chunks(name, sheet):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except _Done:
            return


def _no_dtd(*_args) -> None:
    raise ValueError("a DTD in a spreadsheet part")


class _Handler:
    """Expat callbacks; names arrive as "namespace-uri localname", attributes likewise."""

    def start(self, name: str, attrs: dict) -> None:
        pass

    def end(self, name: str) -> None:
        pass

    def characters(self, content: str) -> None:
        pass


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


class _Done(Exception):  # noqa: N818 (a signal, not an error: the first sheet is read)
    pass


class _Text:
    """Collect a cell's text with a cap, so one cell cannot hold the whole budget."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def add(self, text: str) -> None:
        self.size += len(text)
        if self.size > MAX_CELL_CHARS:
            raise DomainError(ngettext(
                "A cell holds more than %(num)d character.",
                "A cell holds more than %(num)d characters.", MAX_CELL_CHARS))
        self.parts.append(text)

    def value(self) -> str:
        return "".join(self.parts)


# --- XLSX ------------------------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_REL = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
               "http://purl.oclc.org/ooxml/officeDocument/relationships")


class _Collect(_Handler):
    """Keep (localname, attributes) of the elements named, for the small XLSX parts."""

    def __init__(self, names: set[str], sheet: _Sheet, limit: int = 10_000) -> None:
        self.names, self.sheet, self.limit = names, sheet, limit
        self.found: list[tuple[str, dict]] = []

    def start(self, name, attrs):
        self.sheet.tick()
        local = _local(name)
        if local in self.names:
            if len(self.found) >= self.limit:
                raise DomainError(_("The file has too many parts to be read."))
            self.found.append((local, {_local(k): v for k, v in attrs.items()}))


def _rels(archive: _Archive, path: str, sheet: _Sheet) -> dict[str, tuple[str, str]]:
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


def _xlsx_rows(data: bytes, sheet: _Sheet) -> None:
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    archive = _Archive(data, sheet.limits)
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


class _SharedStrings(_Handler):
    def __init__(self, sheet: _Sheet) -> None:
        self.sheet = sheet
        self.limit = sheet.limits.shared_strings
        self.strings: list[str] = []
        self.text: _Text | None = None
        self.in_t = False
        self.phonetic = 0

    def refuse(self) -> DomainError:
        return DomainError(ngettext(
            "The file declares more than %(num)d text; please split it.",
            "The file declares more than %(num)d texts; please split it.", self.limit))

    def precount(self, archive: _Archive, part: str) -> None:
        """Refuse before parsing when the raw bytes hold too many `<si>` elements: a pass at
        C speed (unpacking and bytes.count) instead of a second of callbacks per 100,000."""
        raw = 0
        for chunk in archive.chunks(part, self.sheet):
            raw += chunk.count(b"<si>") + chunk.count(b"<si ")
            if raw > self.limit:
                raise self.refuse()

    def start(self, name, attrs):
        local = _local(name)
        if local == "si":
            if len(self.strings) >= self.limit:
                raise self.refuse()
            self.sheet.tick()
            self.text = _Text()
        elif local == "t":
            self.in_t = self.text is not None and not self.phonetic
        elif local == "rPh":
            self.phonetic += 1
        elif local == "sst":
            declared = attrs.get("uniqueCount", "")
            if declared.isdigit() and int(declared) > self.limit:
                raise self.refuse()

    def end(self, name):
        local = _local(name)
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


def _row_number(ref: str) -> int:
    digits = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return int(digits) if digits.isdigit() else 0


class _XlsxSheet(_Handler):
    def __init__(self, sheet: _Sheet, strings: list[str], dates: set[int], epoch) -> None:
        self.sheet, self.strings, self.dates, self.epoch = sheet, strings, dates, epoch
        self.number = 0
        self.cells: dict[int, object] = {}
        self.column = -1
        self.cell: dict | None = None
        self.text: _Text | None = None
        self.in_sheet_data = False

    def start(self, name, attrs):
        local = _local(name)
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
            self.text = self.text or _Text()

    def characters(self, content):
        if self.text is not None:
            self.text.add(content)

    def end(self, name):
        local = _local(name)
        if local == "sheetData":
            raise _Done
        if not self.in_sheet_data:
            return
        if local == "c" and self.cell is not None:
            value = self._value(self.cell, self.text.value() if self.text else None)
            if not _blank(value):
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


# --- ODS -------------------------------------------------------------------------------------

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


class _OdsSheet(_Handler):
    """The first table of content.xml; repeated empty cells and rows are clamped, not kept.

    LibreOffice writes the empty rest of a row as one cell repeated up to column 1024 or
    16384, and the empty rest of a sheet as one row repeated a million times: those are
    skipped by arithmetic. A filled cell or row repeated beyond the limits is refused.
    """

    def __init__(self, sheet: _Sheet) -> None:
        self.sheet = sheet
        self.tables = 0
        self.number = 0  # rows seen (1-based number of the current row)
        self.row_repeat = 1
        self.cells: dict[int, object] = {}
        self.column = 0  # next 0-based column
        self.cell: dict | None = None
        self.paragraphs: list[str] | None = None
        self.text: _Text | None = None
        self.skip = 0  # inside an annotation (a comment) of a cell

    def start(self, name, attrs):
        ns, _sep, local = name.rpartition(" ")
        if ns == _TABLE and local == "table":
            self.tables += 1
            if self.tables > 1:
                raise _Done
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
            self.text = _Text()
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
            raise _Done
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
        if _blank(value):
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


def _ods_rows(data: bytes, sheet: _Sheet) -> None:
    archive = _Archive(data, sheet.limits)
    if "content.xml" not in archive.names:
        raise ValueError("not an ODS file")
    archive.parse("content.xml", _OdsSheet(sheet), sheet)


# --- CSV -------------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """Decode CSV bytes: UTF-8 (with or without BOM), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(data: bytes, sheet: _Sheet) -> None:
    text = decode(data)
    if "\x00" in text:
        raise ValueError("binary data")
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = sheet.limits.columns
    for number, row in enumerate(reader, start=1):
        if len(row) > columns:  # trailing empty fields (";;;;") are clamped, content refused
            if any(not _blank(v) for v in row[columns:]):
                raise sheet.too_wide()
            del row[columns:]
        sheet.add(number, dict(enumerate(row)))


# --- keeping the upload between preview and commit ------------------------------------------


def store(folder: str | os.PathLike, data: bytes, fmt: str) -> str:
    """Save an upload under a fresh random token and return the token; drop stale uploads."""
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - KEEP_SECONDS
    for old in path.glob("*.upload"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass
    token = f"{secrets.token_urlsafe(24)}-{fmt}"
    (path / f"{token}.upload").write_bytes(data)
    return token


def _path(folder, token: str) -> Path:
    if not token or not set(token) <= _TOKEN_CHARS or token.rsplit("-", 1)[-1] not in FORMATS:
        raise DomainError(_("The uploaded file is no longer available. Please upload it "
                            "again."))
    return Path(folder) / f"{token}.upload"


def load(folder, token: str) -> tuple[bytes, str]:
    """Return the stored upload and its format, or refuse when it is gone."""
    path = _path(folder, token)
    try:
        return path.read_bytes(), token.rsplit("-", 1)[-1]
    except OSError as exc:
        raise DomainError(_("The uploaded file is no longer available. Please upload it "
                            "again.")) from exc


def discard(folder, token: str) -> None:
    with contextlib.suppress(DomainError, OSError):
        _path(folder, token).unlink(missing_ok=True)
