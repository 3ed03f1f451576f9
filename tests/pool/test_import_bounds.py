"""Upload bombs: every kind is refused with a 400 in seconds, in bounded memory, leaving nothing.

Why: an outside probe found a 1.6 KB XLSX claiming the dimension A1:XFD20000 (1.3 GB for 15 s)
and an 827-byte ODS repeating one cell 20 million times (3 GB until gunicorn's timeout). The
bombs are posted through the real upload view; the peak memory is measured in a fresh
interpreter that parses the same file. Its peak is VmHWM (/proc/self/status), the high-water
mark of the interpreter's own memory: `ru_maxrss` would be no use here, because Linux carries
the parent's peak across fork and exec, so a child of a 200 MB pytest reports 200 MB at once.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from app.models import Mediator
from tests.pool.test_pool_import import (
    HEAD,
    confirm,
    count,
    csv_bytes,
    upload,
)

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 5.0  # the whole request, parsing included
PEAK_MB = 300  # the parsing interpreter's peak resident size

_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
       'package/2006/content-types"><Default Extension="rels" ContentType="application/'
       'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
       '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
       'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
       '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       'spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType='
       '"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
       '</Types>')
_ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
              'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
              '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
              'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_BOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
         'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
         'officeDocument/2006/relationships"><sheets><sheet name="Tabelle1" sheetId="1" '
         'r:id="rId1"/></sheets></workbook>')
_BOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
              'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
              '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
              'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
              'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
              'Target="sharedStrings.xml"/></Relationships>')
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
               'openxmlformats.org/spreadsheetml/2006/main">')


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _heading_row() -> str:
    letters = "ABCDEFGHIJKL"
    return '<row r="1">' + "".join(_inline(f"{letters[i]}1", h) for i, h in
                                   enumerate(HEAD)) + "</row>"


def xlsx(sheet_body: str | bytes, strings: str = "", *, sheet_bytes=None) -> bytes:
    """A minimal XLSX; `sheet_bytes` (an iterable of chunks) streams a large sheet part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CT)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _BOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _BOOK_RELS)
        archive.writestr("xl/sharedStrings.xml",
                         '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
                         'openxmlformats.org/spreadsheetml/2006/main">' + strings + "</sst>")
        if sheet_bytes is None:
            archive.writestr("xl/worksheets/sheet1.xml", _SHEET_HEAD + sheet_body +
                             "</worksheet>")
        else:
            with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
                for chunk in sheet_bytes:
                    part.write(chunk)
    return buffer.getvalue()


def xlsx_dimension_claim() -> bytes:
    """The probe's file: a sheet claiming A1:XFD20000 with a heading row and one person."""
    return xlsx('<dimension ref="A1:XFD20000"/><sheetData>' + _heading_row()
                + '<row r="2">' + _inline("A2", "Amal") + _inline("B2", "Nasser") + _inline("E2", "w")
                + "</row>"
                + "</sheetData>")


def xlsx_far_cell() -> bytes:
    """The claim made true: one filled cell at XFD20000."""
    return xlsx('<dimension ref="A1:XFD20000"/><sheetData>' + _heading_row()
                + '<row r="20000">' + _inline("XFD20000", "x") + "</row></sheetData>")


def xlsx_shared_strings() -> bytes:
    strings = "".join(f"<si><t>{n}</t></si>" for n in range(600_000))
    return xlsx("<sheetData>" + _heading_row() + "</sheetData>", strings)


def xlsx_huge_member() -> bytes:
    """A sheet part that unpacks to 100 MB (honest header, ratio ~1000)."""
    def chunks():
        yield (_SHEET_HEAD + "<sheetData>").encode()
        for _n in range(100):
            yield b" " * 2**20
        yield b"</sheetData></worksheet>"
    return xlsx("", sheet_bytes=chunks())


def xlsx_tight_member() -> bytes:
    """Under the size limit, but packed 1000:1: a bomb's signature."""
    def chunks():
        yield (_SHEET_HEAD + "<sheetData>").encode()
        for _n in range(30):
            yield b" " * 2**20
        yield b"</sheetData></worksheet>"
    return xlsx("", sheet_bytes=chunks())


def xlsx_lying_header() -> bytes:
    """The central directory claims 1,000 bytes for a sheet part that unpacks to 30 MB."""
    data = bytearray(xlsx_tight_member())
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    real = info.file_size
    for sig, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        start = 0
        while (pos := data.find(sig, start)) >= 0:
            field = pos + offset
            if int.from_bytes(data[field:field + 4], "little") == real:
                data[field:field + 4] = (1000).to_bytes(4, "little")
            start = pos + 4
    return bytes(data)


_ODS_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:'
             'oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:'
             'opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:'
             'text:1.0" office:version="1.2"><office:body><office:spreadsheet>'
             '<table:table table:name="Tabelle1">')
_ODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>"


def _ods_cell(text: str, repeat: int = 1) -> str:
    rep = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return (f'<table:table-cell office:value-type="string"{rep}><text:p>{text}</text:p>'
            "</table:table-cell>")


def ods(rows_xml: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", _ODS_HEAD + rows_xml + _ODS_TAIL,
                         compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _ods_heading() -> str:
    return "<table:table-row>" + "".join(_ods_cell(h) for h in HEAD) + "</table:table-row>"


def ods_repeated_columns() -> bytes:
    """The probe's file: one filled cell repeated 20,000,000 times."""
    return ods(_ods_heading() + "<table:table-row>" + _ods_cell("Nasser", 20_000_000)
               + "</table:table-row>")


def ods_repeated_rows() -> bytes:
    return ods(_ods_heading() + '<table:table-row table:number-rows-repeated="20000000">'
               + _ods_cell("Amal") + _ods_cell("Nasser") + "</table:table-row>")


def ods_like_libreoffice() -> bytes:
    """What LibreOffice writes: each row's empty rest and the sheet's empty rest repeated."""
    empty = '<table:table-cell table:number-columns-repeated="{n}"/>'
    heading = ("<table:table-row>" + "".join(_ods_cell(h) for h in HEAD)
               + empty.format(n=16384 - len(HEAD)) + "</table:table-row>")
    person = ("<table:table-row>" + _ods_cell("Amal") + _ods_cell("Nasser")
              + empty.format(n=2) + _ods_cell("w") + empty.format(n=16379)
              + "</table:table-row>")
    rest = ('<table:table-row table:number-rows-repeated="1048573">'
            + empty.format(n=16384) + "</table:table-row>")
    return ods(heading + person + rest)


def csv_many_rows() -> bytes:
    return csv_bytes([["Amal", f"N{n}"] for n in range(200_000)], head=HEAD[:2])


def csv_many_columns() -> bytes:
    return csv_bytes([["Amal", "Nasser", *["x"] * 5000]], head=HEAD[:2])


BOMBS = {
    "xlsx-far-cell": (xlsx_far_cell, "xlsx", "beyond column 200"),
    "xlsx-shared-strings": (xlsx_shared_strings, "xlsx", "more than 200000 texts"),
    "xlsx-huge-member": (xlsx_huge_member, "xlsx", "unpacks to more than 64 MB"),
    "xlsx-tight-member": (xlsx_tight_member, "xlsx", "packed suspiciously tightly"),
    "xlsx-lying-header": (xlsx_lying_header, "xlsx", "could not be read as XLSX"),
    "ods-repeated-columns": (ods_repeated_columns, "ods", "beyond column 200"),
    "ods-repeated-rows": (ods_repeated_rows, "ods", "The file has 20000000 rows; at most 10000"),
    "csv-many-rows": (csv_many_rows, "csv", "The file has 200000 rows; at most 10000"),
    "csv-many-columns": (csv_many_columns, "csv", "beyond column 200"),
}


@pytest.fixture()
def english(client):
    with client.session_transaction() as session:
        session["locale"] = "en"


@pytest.mark.parametrize("name", list(BOMBS))
def test_bomb_is_refused_quickly_with_a_message_and_leaves_nothing(client, coordinator, app,
                                                                    english, name):
    build, fmt, message = BOMBS[name]
    data = build()
    assert len(data) < 10 * 2**20
    started = time.monotonic()
    response = upload(client, data, f"bomb.{fmt}")
    elapsed = time.monotonic() - started
    assert response.status_code == 400, response.get_data(as_text=True)[-2000:]
    assert message in response.get_data(as_text=True)
    assert elapsed < SECONDS, f"{name} took {elapsed:.1f} s"
    folder = Path(app.config["IMPORT_FOLDER"])
    assert not folder.exists() or not any(folder.iterdir())  # no stored upload
    assert confirm(client).status_code == 302  # nothing to confirm
    assert count(Mediator) == 0


def test_the_probe_file_reads_only_what_it_holds(client, coordinator, english):
    started = time.monotonic()
    response = upload(client, xlsx_dimension_claim(), "probe.xlsx")
    assert time.monotonic() - started < SECONDS
    assert response.status_code == 200
    assert 'id="count-create">1<' in response.get_data(as_text=True)


def test_libreoffice_trailing_repeats_are_clamped_not_refused(client, coordinator, english):
    started = time.monotonic()
    response = upload(client, ods_like_libreoffice(), "office.ods")
    assert time.monotonic() - started < SECONDS
    assert response.status_code == 200, response.get_data(as_text=True)[-1500:]
    assert 'id="count-create">1<' in response.get_data(as_text=True)


def test_the_row_count_is_the_real_one_with_the_plural(app):
    from app.services.core.errors import DomainError
    from app.services.pool.import_files import read_rows

    with app.test_request_context(), pytest.raises(DomainError) as caught:
        read_rows(csv_many_rows(), "csv")
    assert "200000 rows" in str(caught.value) or "200000 Zeilen" in str(caught.value)


def test_the_wall_clock_budget_refuses(app):
    from app.services.core.bounds import ImportLimits
    from app.services.core.errors import DomainError
    from app.services.pool.import_files import read_rows

    with app.test_request_context(), pytest.raises(DomainError) as caught:
        read_rows(csv_bytes([["Amal", f"N{n}"] for n in range(9000)], head=HEAD[:2]), "csv",
                  ImportLimits(seconds=0))
    assert "took longer than 0 seconds" in str(caught.value) or "0 Sekunden" in str(
        caught.value)


_PARSE = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from app.services.pool.import_files import read_rows
from app.services.core.errors import DomainError
data = open(sys.argv[1], "rb").read()
started = time.monotonic()
try:
    read_rows(data, sys.argv[2])
    outcome = "read"
except DomainError as exc:
    outcome = "refused"
hwm = next(int(line.split()[1]) for line in open("/proc/self/status")
           if line.startswith("VmHWM:"))
print(json.dumps({{"outcome": outcome, "seconds": time.monotonic() - started,
                  "peak_mb": hwm / 1024,
                  "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def parse_in_fresh_interpreter(data: bytes, fmt: str, tmp_path: Path) -> dict:
    """Parse in a new interpreter (as a worker would) and return its outcome and peak memory."""
    path = tmp_path / f"bomb.{fmt}"
    path.write_bytes(data)
    script = _PARSE.format(root=str(ROOT))
    try:
        done = subprocess.run([sys.executable, "-c", script, str(path), fmt],  # noqa: S603
                              capture_output=True, text=True, timeout=60, cwd=ROOT,
                              env=dict(os.environ, PYTHONHASHSEED="0"))
    except subprocess.TimeoutExpired:
        pytest.fail("parsing ran for more than 60 s")
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", [*BOMBS, "xlsx-dimension-claim", "ods-like-libreoffice"])
def test_bomb_parses_in_bounded_memory_and_time(tmp_path, name):
    build, fmt, _message = BOMBS.get(name) or {
        "xlsx-dimension-claim": (xlsx_dimension_claim, "xlsx", ""),
        "ods-like-libreoffice": (ods_like_libreoffice, "ods", ""),
    }[name]
    result = parse_in_fresh_interpreter(build(), fmt, tmp_path)
    print(f"{name}: {result}")
    assert result["outcome"] == ("read" if name in ("xlsx-dimension-claim",
                                                    "ods-like-libreoffice") else "refused")
    assert result["peak_mb"] < PEAK_MB
    assert result["seconds"] < SECONDS


def test_the_institution_list_goes_through_the_same_bounds(client, coordinator, english):
    """The institution import is the same upload view and reader; the only other upload."""
    response = upload(client, ods_repeated_columns(), "bomb.ods", kind="institutions")
    assert response.status_code == 400
    assert "beyond column 200" in response.get_data(as_text=True)
