"""Read an uploaded XLSX, ODS or CSV list into rows, and keep it between preview and commit.

Why a streaming reader of our own: a 1.6 KB XLSX whose sheet claims the dimension
`A1:XFD20000` made openpyxl pad 327 million cells (1.3 GB for 15 s), and an 827-byte ODS with
one cell repeated 20 million times ran pandas/odfpy into gunicorn's timeout at 3 GB. So the
archive is checked before it is opened (the unpacked size every member claims, its
compression ratio), every member is read through a byte budget (a lying header cannot unpack
more), the XML is parsed by expat with callbacks (no DTD, so no entities; no tree is built),
and rows, columns, filled cells, shared strings and repeated cells are counted before
anything is kept. A wall-clock budget covers the whole read. The limits are `ImportLimits`
(app/services/core/bounds.py, config `IMPORT_MAX_*`, docs/import.md); the bounded parts are
in import_reader.py, the XLSX and ODS readers in import_xlsx.py and import_ods.py.

Cell values follow what openpyxl and pandas' odf engine returned before: text, int/float,
bool, datetime for date cells (XLSX: by the cell's number format), None for empty cells.
CSV: UTF-8 (with or without BOM), else Windows-1252, the delimiter sniffed.

Why a file on the server: the commit must write exactly what the preview showed, without
trusting anything the browser sends back but a random token that the view binds to the session.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import secrets
import time
from pathlib import Path

from flask_babel import gettext as _

from app.services.core.bounds import ImportLimits, import_limits
from app.services.core.errors import DomainError
from app.services.pool.import_ods import ods_rows
from app.services.pool.import_reader import Sheet, blank
from app.services.pool.import_xlsx import xlsx_rows

FORMATS = ("xlsx", "ods", "csv")
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = ImportLimits().rows  # the default; the configured value is import_limits().rows
KEEP_SECONDS = 24 * 3600
_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


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
    sheet = Sheet(limits or import_limits())
    try:
        {"xlsx": xlsx_rows, "ods": ods_rows, "csv": _csv_rows}[fmt](data, sheet)
    except DomainError:
        raise
    except Exception as exc:  # a broken or mislabelled file: any reader error means "unreadable"
        raise DomainError(_("The file could not be read as %(format)s.",
                            format=fmt.upper())) from exc
    return sheet.finish()


# --- CSV -------------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """Decode CSV bytes: UTF-8 (with or without BOM), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(data: bytes, sheet: Sheet) -> None:
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
    columns, kept = sheet.limits.columns, sheet.limits.rows + 1
    for number, row in enumerate(reader, start=1):
        if len(row) > columns:  # trailing empty fields (";;;;") are clamped, content refused
            if any(not blank(v) for v in row[columns:]):
                raise sheet.too_wide()
            del row[columns:]
        if number > kept:  # past the limit: only counted, so the message names the real count
            sheet.tick()
            if any(v.strip() for v in row):
                sheet.last = number
            continue
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
