"""Measure importing 5,000 mediators (preview and commit) into a fresh database.

Why a database of its own: the import writes, and the state-wide data set of `make bench`
must stay as generated for the other metrics; the import runs on `<bench db>_import`, which
is dropped and migrated again on every run. The timed part is what a coordinator waits for:
reading the XLSX and planning it for the preview, then reading and planning it again and
writing every row in one transaction on "Import now".

Standalone: `python -m bench.import_bench --url postgresql+psycopg://postgres@127.0.0.1:5432/skm_bench`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import time

from bench import people

ROWS = 5000
TARGET_S = 60.0
HEAD = ["Vorname", "Nachname", "E-Mail", "Telefon", "Geschlecht", "Stadtteil", "Mobilität",
        "Deutschniveau", "Status", "Schulungsjahrgang", "Eintrittsdatum", "Sprachen",
        "Abgeschlossene Module", "Verpflichtungserklärung", "Führungszeugnis eingesehen am",
        "Führungszeugnis ausgestellt am", "Eintrag im Führungszeugnis"]
LEVELS = ("B2", "C1", "C2", "Muttersprache")


def workbook(rows: int = ROWS, seed: int = 7) -> bytes:
    """Return an XLSX list of `rows` distinct mediators, as an office would keep it."""
    from openpyxl import Workbook

    from app.services.core.languages import language_name

    rng = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sprachmittler")
    sheet.append(HEAD)
    for n in range(rows):
        langs = rng.choices(people.LANGUAGES, people.LANGUAGE_WEIGHTS, k=rng.randint(1, 3))
        cell = "; ".join(f"{language_name(code, 'de')} {rng.choice(LEVELS)}"
                         for code in dict.fromkeys(langs))
        joined = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3650))
        issued = joined - dt.timedelta(days=rng.randrange(60))
        sheet.append([rng.choice(people.FIRST_NAMES), f"{rng.choice(people.LAST_NAMES)}-{n}",
                      f"import{n}@bench.example", f"0151 {n:07d}", rng.choice(("w", "m")),
                      rng.choice(people.DISTRICTS), rng.choice(("Fahrrad", "ÖPNV", "Auto")),
                      rng.choice(("B1", "B2", "C1")), "aktiv", joined.year, joined, cell,
                      "M1; M2" if n % 2 else "", joined, joined, issued, "nein"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def import_url(bench_url: str) -> str:
    if bench_url.startswith("sqlite"):
        return bench_url.replace(".sqlite", "_import.sqlite")
    return bench_url + "_import"


def measure(bench_url: str, rows: int = ROWS) -> dict:
    """Return the `import_5000_s` metric entry (seconds for preview + commit)."""
    from bench.loader import create_database

    url = import_url(bench_url)
    create_database(url)
    from app import create_app
    from app.extensions import db
    from app.models import QualificationModule, User
    from app.services.pool import import_files, importing
    from config import Config

    class ImportBenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(ImportBenchConfig)
    with app.app_context():
        actor = User(email="koordination@bench.example", role="coordinator", name="Bench")
        db.session.add(actor)
        for code, title_de, title_en, required in people.MODULES:
            db.session.add(QualificationModule(code=code, title_de=title_de, title_en=title_en,
                                               required=required))
        db.session.commit()
        data = workbook(rows)
        max_age = app.config["POLICE_CERT_MAX_AGE_DAYS"]
        started = time.perf_counter()
        preview = importing.plan("mediators", import_files.read_rows(data, "xlsx"),
                                 police_max_age_days=max_age)
        preview_s = time.perf_counter() - started
        final = importing.plan("mediators", import_files.read_rows(data, "xlsx"),
                               police_max_age_days=max_age)
        result = importing.commit(actor, final, all_or_nothing=True, filename="bench.xlsx")
        db.session.commit()
        total = time.perf_counter() - started
        db.session.remove()
        again = importing.plan("mediators", import_files.read_rows(data, "xlsx"),
                               police_max_age_days=max_age)
        db.session.remove()
        db.engine.dispose()
    counts = result["counts"]
    assert counts["create"] == rows and not preview.errors, (counts, preview.errors[:3])
    assert again.count("unchanged") == rows, again.counts  # a second import changes nothing
    return {"status": "ok", "value": round(total, 2), "target": TARGET_S, "unit": "s",
            "higher_is_better": False,
            "note": f"{rows} rows: preview {preview_s:.1f} s, preview+commit {total:.1f} s "
                    f"({url.split(':', 1)[0]})"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/skm_bench")
    parser.add_argument("--rows", type=int, default=ROWS)
    args = parser.parse_args()
    print(json.dumps({"import_5000_s": measure(args.url, args.rows)}, indent=2))


if __name__ == "__main__":
    main()
