"""Read an uploaded XLSX, ODS or CSV list into rows, and keep it between preview and commit.

Why maintained readers: openpyxl reads XLSX, pandas' odf engine (odfpy) reads ODS with its
repeated cells and typed dates, the csv module reads CSV after the encoding is decided (UTF-8,
else Windows-1252, the two an office's Excel writes) and the delimiter sniffed. Why a file on
the server: the commit must write exactly what the preview showed, without trusting anything
the browser sends back but a random token that the view binds to the session.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import secrets
import time
import zipfile
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import ngettext

from app.services.core.errors import DomainError

FORMATS = ("xlsx", "ods", "csv")
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000
KEEP_SECONDS = 24 * 3600
_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def format_of(filename: str) -> str:
    """Return the format named by the file's extension, or refuse with a message."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in FORMATS:
        raise DomainError(_("Please upload an XLSX, ODS or CSV file."))
    return ext


def read_rows(data: bytes, fmt: str) -> list[list]:
    """Return the first sheet as rows of cell values (text, numbers, dates or None).

    Raises DomainError for a file that is not what its name says, or too long.
    """
    if len(data) > MAX_BYTES:
        raise DomainError(_("The file is larger than %(mb)d MB.", mb=MAX_BYTES // 2**20))
    try:
        rows = {"xlsx": _xlsx_rows, "ods": _ods_rows, "csv": _csv_rows}[fmt](data)
    except DomainError:
        raise
    except Exception as exc:  # a broken or mislabelled file: any reader error means "unreadable"
        raise DomainError(_("The file could not be read as %(format)s.",
                            format=fmt.upper())) from exc
    while rows and all(_blank(v) for v in rows[-1]):
        rows.pop()
    if len(rows) > MAX_ROWS + 1:
        raise DomainError(ngettext(
            "The file has %(num)d row; at most %(max)d can be imported at once. Please split it.",
            "The file has %(num)d rows; at most %(max)d can be imported at once. Please split it.",
            len(rows) - 1, max=MAX_ROWS))
    return rows


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _xlsx_rows(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 50:
                break
        return rows
    finally:
        book.close()


def _ods_rows(data: bytes) -> list[list]:
    import pandas as pd

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ValueError("not an ODS file")
    frame = pd.read_excel(io.BytesIO(data), engine="odf", header=None, dtype=object,
                          sheet_name=0, nrows=MAX_ROWS + 50)
    rows = []
    for record in frame.itertuples(index=False, name=None):
        rows.append([_ods_value(v) for v in record])
    return rows


def _ods_value(value):
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, dt.time):
        return str(value)
    return value


def decode(data: bytes) -> str:
    """Decode CSV bytes: UTF-8 (with or without BOM), else Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(data: bytes) -> list[list]:
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
    rows = []
    for row in reader:
        rows.append(row)
        if len(rows) > MAX_ROWS + 50:
            break
    return rows


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
