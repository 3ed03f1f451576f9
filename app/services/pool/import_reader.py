"""The bounded parts of the list reader: the sheet that counts before it keeps, the archive
that checks and budgets its members, expat callbacks without a DTD (docs/import.md).

Why its own module: the XLSX, ODS and CSV readers (import_xlsx.py, import_ods.py,
import_files.py) share these bounds, so a limit lives in one place.
"""

from __future__ import annotations

import io
import time
import zipfile
from xml.parsers import expat

from flask_babel import gettext as _
from flask_babel import ngettext

from app.services.core.bounds import ImportLimits
from app.services.core.errors import DomainError

MAX_CELL_CHARS = 32_767  # what Excel and LibreOffice hold in one cell
MAX_MEMBERS = 2_000
CHUNK = 64 * 1024


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class Sheet:
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
        filled = {c: v for c, v in cells.items() if not blank(v)}
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


class Archive:
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

    def chunks(self, name: str, sheet: Sheet):
        """Yield the member's bytes in chunks; refuse past the unpacked-size budget."""
        left = self.limits.unpacked_bytes
        with self.zip.open(name) as member:
            while chunk := member.read(CHUNK):
                left -= len(chunk)
                if left < 0:
                    raise self.too_big()
                sheet.tick()
                yield chunk

    def parse(self, name: str, handler: Handler, sheet: Sheet) -> None:
        """Stream the member through expat into the handler (no DTD: no entity bombs)."""
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.StartElementHandler = handler.start
        parser.EndElementHandler = handler.end
        parser.CharacterDataHandler = handler.characters
        parser.StartDoctypeDeclHandler = no_dtd
        parser.EntityDeclHandler = no_dtd
        try:
            for chunk in self.chunks(name, sheet):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except Done:
            return


def no_dtd(*_args) -> None:
    raise ValueError("a DTD in a spreadsheet part")


class Handler:
    """Expat callbacks; names arrive as "namespace-uri localname", attributes likewise."""

    def start(self, name: str, attrs: dict) -> None:
        pass

    def end(self, name: str) -> None:
        pass

    def characters(self, content: str) -> None:
        pass


def local_name(name: str) -> str:
    return name.rpartition(" ")[2]


class Done(Exception):  # noqa: N818 (a signal, not an error: the first sheet is read)
    pass


class CellText:
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
