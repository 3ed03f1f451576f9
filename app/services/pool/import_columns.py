"""Recognise the columns and cell values of an imported mediator or institution list.

Why a module of its own: the office's spreadsheets were typed by hand over years, in German
or English, with "w"/"weiblich"/"female" and "Tigrinja"/"Tigrinya"/"tir" side by side. One
place maps every heading and every coded value, so the preview, the commit and the template
agree on what a column means.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from app.labels import LABELS
from app.services.pool.import_languages import (  # noqa: F401 (the import reads them here)
    AMBIGUOUS_LANGUAGES,
    LANGUAGE_ALIASES,
    find_language,
    language_index,
    split_languages,
    split_list,
    suggest_language,
)
from app.services.pool.import_text import fold, plain, text  # noqa: F401


@dataclass(frozen=True)
class Column:
    key: str
    heading_de: str  # the template's heading (the office works in German)
    aliases: tuple[str, ...] = ()  # further headings recognised (English and usual variants)


MEDIATOR_COLUMNS = (
    Column("first_name", "Vorname", ("first name", "firstname", "given name", "rufname",
                                     "vornamen")),
    Column("last_name", "Nachname", ("last name", "lastname", "surname", "family name",
                                     "familienname")),
    # one cell with the whole name ("Nachname, Vorname" or "Vorname Nachname"); next to a
    # column "Vorname" a column "Name" holds the last name (the usual pair in an office)
    Column("name", "Name", ("full name", "vollständiger name", "nachname, vorname",
                            "name, vorname", "nachname vorname", "vorname nachname",
                            "vorname, nachname", "vor und nachname", "vor und zuname")),
    Column("email", "E-Mail", ("email", "e-mail address", "e-mail-adresse", "mail",
                               "email adresse", "mailadresse")),
    Column("phone", "Telefon", ("phone", "telefonnummer", "handy", "mobile", "tel",
                                "tel.", "mobil", "handynummer", "mobilnummer", "telefon mobil",
                                "rufnummer")),
    Column("gender", "Geschlecht", ("gender", "sex")),
    Column("district", "Stadtteil", ("district", "bezirk", "ortsteil")),
    Column("mobility", "Mobilität", ("mobility", "verkehrsmittel")),
    Column("german_level", "Deutschniveau", ("german level", "deutsch", "german")),
    Column("status", "Status", ()),
    Column("cohort", "Schulungsjahrgang", ("cohort", "jahrgang")),
    Column("joined_on", "Eintrittsdatum", ("joined", "joined on", "joined date", "eintritt",
                                           "dabei seit")),
    Column("languages", "Sprachen", ("languages", "sprache", "language")),
    Column("modules", "Abgeschlossene Module", ("completed modules", "module", "modules")),
    Column("pledge_on", "Verpflichtungserklärung", ("pledge", "pledge date", "pledge signed",
                                                    "schweigepflicht")),
    Column("police_inspected_on", "Führungszeugnis eingesehen am",
           ("certificate inspected", "certificate inspection date", "führungszeugnis eingesehen",
            "fz eingesehen")),
    Column("police_issued_on", "Führungszeugnis ausgestellt am",
           ("certificate issued", "certificate issue date", "führungszeugnis ausgestellt",
            "fz ausgestellt")),
    Column("police_entry", "Eintrag im Führungszeugnis", ("relevant entry", "certificate entry",
                                                         "entry flag", "fz eintrag")),
)

INSTITUTION_COLUMNS = (
    Column("name", "Einrichtung", ("institution", "name", "einrichtungsname")),
    Column("kind", "Art", ("kind", "type", "typ")),
    Column("street", "Straße", ("street", "strasse", "adresse", "address")),
    Column("postcode", "PLZ", ("postcode", "postleitzahl", "zip", "postal code")),
    Column("city", "Ort", ("city", "stadt", "town")),
    Column("district", "Stadtteil", ("district", "bezirk", "ortsteil")),
    Column("phone", "Telefon", ("phone", "tel")),
    Column("email", "E-Mail", ("email", "mail")),
    Column("notes", "Notizen", ("notes", "bemerkungen")),
    Column("contact_name", "Ansprechperson", ("contact", "contact person", "kontaktperson",
                                              "ansprechpartner", "ansprechpartnerin")),
    Column("contact_function", "Funktion", ("function", "role", "position")),
    Column("contact_phone", "Telefon Ansprechperson", ("contact phone",
                                                       "telefon kontaktperson")),
    Column("contact_email", "E-Mail Ansprechperson", ("contact email", "contact e-mail",
                                                      "e-mail kontaktperson")),
)

COLUMNS = {"mediators": MEDIATOR_COLUMNS, "institutions": INSTITUTION_COLUMNS}
# "Sprache 2", "Niveau 2", "Variante 2" (or "Language 2", "Level 2", "Variety 2"): one
# language per group of columns instead of all in one cell
_NUMBERED = re.compile(r"^(sprache|language|niveau|level|variante|variety|dialekt|dialect)"
                       r"\s*(\d{1,2})$")
_NUMBERED_PART = {"sprache": "language", "language": "language", "niveau": "level",
                  "level": "level", "variante": "variety", "variety": "variety",
                  "dialekt": "variety", "dialect": "variety"}


def match_heading(kind: str, heading: str) -> str | None:
    """Return the column key a heading means ("lang:2:level" for numbered groups), or None.

    A heading is also recognised with a trailing colon or asterisk and without a note in
    parentheses ("Telefon (mobil)", "Geschlecht:"), as offices write them.
    """
    wanted = fold(heading).replace("*", "").strip().rstrip(":").strip()
    if not wanted:
        return None
    key = _match_heading(kind, wanted)
    bare = re.sub(r"\s*\([^)]*\)\s*", " ", wanted).strip()
    if key is None and bare and bare != wanted:
        key = _match_heading(kind, bare)
    return key


@lru_cache(maxsize=4096)
def _match_heading(kind: str, wanted: str) -> str | None:
    for column in COLUMNS[kind]:
        if wanted in (fold(column.heading_de), column.key.replace("_", " "),
                      *(fold(a) for a in column.aliases)):
            return column.key
    numbered = _NUMBERED.match(wanted) if kind == "mediators" else None
    if numbered:
        return f"lang:{int(numbered.group(2))}:{_NUMBERED_PART[numbered.group(1)]}"
    return None


def heading_of(kind: str, key: str) -> str:
    return next(c.heading_de for c in COLUMNS[kind] if c.key == key)


HEADER_SCAN_ROWS = 20  # title rows an office puts above its headings, at most


def find_header_row(kind: str, rows: list[list]) -> int | None:
    """Return the index of the heading row: the one of the first non-empty rows that names
    the most known columns (at least two; the first on a tie); else the first non-empty row.

    Why: an office's list often starts with a title ("Sprachmittler-Pool Stand 11/2026",
    merged over the columns) and a blank row; the headings follow.
    """
    filled = [i for i, r in enumerate(rows[:HEADER_SCAN_ROWS * 3]) if any(text(v) for v in r)]
    if not filled:
        return None
    best, best_known = filled[0], 1
    for index in filled[:HEADER_SCAN_ROWS]:
        known = sum(1 for v in rows[index] if text(v) and match_heading(kind, text(v)))
        if known > best_known:
            best, best_known = index, known
    return best


# --- coded values ---------------------------------------------------------------------------

_EXTRA_VALUES = {
    "gender": {"w": "female", "f": "female", "weiblich": "female", "frau": "female",
               "m": "male", "männlich": "male", "mann": "male", "d": "diverse",
               "divers": "diverse", "x": "diverse"},
    "mobility": {"fuß": "foot", "zu fuss": "foot", "rad": "bike", "bike": "bike",
                 "öpnv": "public", "bus": "public", "bahn": "public", "öffentlich": "public",
                 "pkw": "car", "auto": "car"},
    "mediator_status": {"bewerber": "applicant", "bewerberin": "applicant",
                        "in qualifizierung": "in_training", "in schulung": "in_training",
                        "aktiv": "active", "pausiert": "paused", "ruhend": "paused",
                        "ausgeschieden": "retired", "abgelehnt": "rejected",
                        "zurückgezogen": "withdrawn"},
    "institution_kind": {"kita": "kita", "kindergarten": "kita", "kindertagesstätte": "kita",
                         "schule": "school", "beratung": "counselling",
                         "beratungsstelle": "counselling", "sonstige": "other",
                         "sonstiges": "other", "andere": "other"},
    "level": {"muttersprache": "native", "muttersprachlich": "native", "native": "native",
              "erstsprache": "native", "l1": "native"},
}


@lru_cache(maxsize=16)
def value_map(label_kind: str) -> dict[str, str]:
    """Return every accepted spelling (code, German and English label, usual short forms)."""
    mapping: dict[str, str] = {}
    for locale in ("en", "de"):
        with force_locale(locale):
            for code, label in LABELS[label_kind].items():
                mapping[fold(str(label))] = code
    for code in LABELS[label_kind]:
        mapping[fold(str(code))] = code
    mapping.update(_EXTRA_VALUES.get(label_kind, {}))
    if label_kind in ("language_level", "german_level"):
        mapping.update(_EXTRA_VALUES["level"])
    return mapping


def coded(label_kind: str, raw: str) -> str | None:
    return value_map(label_kind).get(fold(raw))


TRUE_WORDS = frozenset({"ja", "j", "yes", "y", "x", "1", "wahr", "true", "eintrag"})
FALSE_WORDS = frozenset({"nein", "n", "no", "0", "falsch", "false", "kein eintrag", "keiner",
                         "-", "–"})


def parse_flag(raw) -> bool | None:
    """Return True/False for yes/no words (German and English), None when unreadable."""
    if isinstance(raw, bool):
        return raw
    word = fold(str(raw))
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


_DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y", "%d/%m/%Y", "%Y/%m/%d")
MIN_DATE, MAX_DATE = dt.date(1950, 1, 1), dt.date(2099, 12, 31)


_EXCEL_EPOCH = dt.date(1899, 12, 30)


def excel_day(raw) -> dt.date | None:
    """Return the date of an Excel day number (46329 is 03.11.2026), as a date cell
    formatted as "Standard" or a CSV export gives it; None for anything else."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str) and re.fullmatch(r"\d{5}(?:[.,]0+)?", raw.strip()):
        raw = int(re.split(r"[.,]", raw.strip())[0])
    if isinstance(raw, (int, float)) and float(raw).is_integer() and 18264 <= raw <= 73415:
        return _EXCEL_EPOCH + dt.timedelta(days=int(raw))
    return None


def parse_date(raw) -> dt.date | None:
    """Return a date from a spreadsheet date or German/ISO text; None when unreadable.

    Dates outside 1950-2099 count as unreadable (a typo such as 2205 must not be stored).
    """
    serial = excel_day(raw)
    if isinstance(raw, dt.datetime):
        day = raw.date()
    elif isinstance(raw, dt.date):
        day = raw
    elif serial is not None:
        day = serial
    else:
        text = str(raw).strip().split(" ")[0]
        day = None
        for fmt in _DATE_FORMATS:
            try:
                day = dt.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
    if day is None or not MIN_DATE <= day <= MAX_DATE:
        return None
    return day


# --- one row's plan -------------------------------------------------------------------------

@dataclass
class RowPlan:
    """What one spreadsheet row will do: create, update, nothing ("unchanged") or fail."""

    row: int
    label: str
    action: str = "create"
    changes: list[str] = field(default_factory=list)  # headings of the changed columns
    errors: list[str] = field(default_factory=list)
    target: object | None = None
    values: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # imported, but worth a look
    # "duplicate": the person seems to be in the pool under another e-mail address
    duplicate_of: object | None = None
    merge_changes: list[str] = field(default_factory=list)
    can_create: bool = True


def cell_error(row: int, heading: str, problem: str) -> str:
    return _("Row %(row)d, column “%(column)s”: %(problem)s", row=row, column=heading,
             problem=problem)


def too_long(limit: int) -> str:
    return ngettext("too long (at most %(num)d character)",
                    "too long (at most %(num)d characters)", limit)


def unknown_language(name: str, suggest: bool) -> str:
    """Say that a language cell names no known language, with what it may have meant."""
    problem = _("“%(value)s” is not a known language", value=name)
    words = name.split()
    if len(words) > 1 and all(find_language(w) for w in words):  # "Farsi Dari": two languages
        return problem + ngettext(
            " – if this is %(num)d language, please separate it with a comma: %(names)s",
            " – if these are %(num)d languages, please separate them with a comma: %(names)s",
            len(words), names=", ".join(words))
    near = suggest_language(name[:80]) if suggest else ()
    if near:
        problem += _(" – did you mean %(names)s?", names=" / ".join(f"„{n}“" for n in near))
    return problem
