"""Write tests/data/pool-import-demo.xlsx: a small mediator list with one deliberate error row.

Why a committed file: the browser journey uploads a real spreadsheet as an office would; the
error row ("Aramäisch", not an ISO 639-3 language) shows the preview's messages. Run
`.venv/bin/python tools/make_import_demo.py` after changing the template's columns.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "pool-import-demo.xlsx"
HEAD = ["Vorname", "Nachname", "E-Mail", "Telefon", "Geschlecht", "Stadtteil", "Mobilität",
        "Deutschniveau", "Status", "Schulungsjahrgang", "Eintrittsdatum", "Sprachen",
        "Verpflichtungserklärung", "Führungszeugnis eingesehen am",
        "Führungszeugnis ausgestellt am", "Eintrag im Führungszeugnis"]
ROWS = [
    ["Amanuel", "Tesfay", "amanuel.tesfay@example.org", "0151 2345678", "männlich", "Nord",
     "Fahrrad", "B2", "aktiv", 2024, dt.date(2024, 3, 1), "Tigrinja Muttersprache; Amharisch C1",
     dt.date(2024, 3, 1), dt.date(2024, 3, 1), dt.date(2024, 2, 12), "nein"],
    ["Leyla", "Özdemir", "leyla.oezdemir@example.org", "0151 3456789", "weiblich", "Süd",
     "ÖPNV", "C1", "aktiv", 2023, dt.date(2023, 9, 15), "Kurmanji B2; Türkisch Muttersprache",
     dt.date(2023, 9, 15), None, None, ""],
    ["Omar", "Saleh", "omar.saleh@example.org", "0151 4567890", "m", "Mitte", "Auto", "C2",
     "aktiv", 2024, dt.date(2024, 3, 1), "Arabisch (Syrisch) C2; Englisch B2",
     dt.date(2024, 3, 1), None, None, ""],
    ["Samira", "Haddad", "samira.haddad@example.org", "", "w", "Nord", "zu Fuß", "B1",
     "Bewerberin", None, None, "Aramäisch C2", None, None, None, ""],
    ["Dawit", "Haile", "", "0151 5678901", "male", "West", "public transport", "B2",
     "in training", 2025, dt.date(2025, 2, 1), "Tigrinya C2", None, None, None, ""],
]


def main() -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Sprachmittler"
    sheet.append(HEAD)
    for row in ROWS:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD.MM.YYYY"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    book.save(OUT)
    print(f"written {OUT}")


if __name__ == "__main__":
    main()
