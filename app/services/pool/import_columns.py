"""Recognise the columns and cell values of an imported mediator or institution list.

Why a module of its own: the office's spreadsheets were typed by hand over years, in German
or English, with "w"/"weiblich"/"female" and "Tigrinja"/"Tigrinya"/"tir" side by side. One
place maps every heading and every coded value, so the preview, the commit and the template
agree on what a column means.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import pycountry
from flask_babel import force_locale
from flask_babel import gettext as _

from app.labels import LABELS
from app.services.core.languages import COMMON_CODES, MACROLANGUAGES, language_name


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


def fold(text: str) -> str:
    """Return text for comparison: case-folded, accents kept, spaces and dashes squeezed."""
    text = unicodedata.normalize("NFC", str(text)).casefold().strip()
    return re.sub(r"[\s_\-]+", " ", text)


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


# --- languages ------------------------------------------------------------------------------

# names the office uses that ISO 639-3 spells differently
LANGUAGE_ALIASES = {
    "kurmanji": "kmr", "kurmancî": "kmr", "kurmanci": "kmr", "kurmandschi": "kmr",
    "sorani": "ckb", "farsi": "pes", "dari": "prs", "persisch": "fas", "zazaki": "zza",
    "somalisch": "som", "tigrinja": "tir", "tigrigna": "tir", "tigrinya": "tir",
    "paschto": "pus", "pashto": "pus", "paschtu": "pus", "tigrinisch": "tir",
    "badini": "kmr", "syrisch arabisch": "apc", "levantinisch": "apc",
}

# names that stand for several languages: the coordinator picks one (a suggestion each)
AMBIGUOUS_LANGUAGES = {
    "aramäisch": ("aii", "tru", "amw", "cld"), "aramaic": ("aii", "tru", "amw", "cld"),
}


@lru_cache(maxsize=1)
def language_index() -> dict[str, str]:
    """Return {folded name or code: ISO 639-3 code} over German and English names.

    Built once per process from pycountry's data, living languages only (nobody interprets
    "Official Aramaic (700-300 BCE)": a "Aramäisch" in a list means a neo-Aramaic language
    and needs the coordinator's choice); where two languages share a name, the one the pool
    is asked for most (COMMON_CODES) wins.
    """
    index: dict[str, str] = {}
    common = set(COMMON_CODES)
    for lang in pycountry.languages:
        code = lang.alpha_3
        if getattr(lang, "type", "L") != "L":
            continue
        names = {lang.name, language_name(code, "de")}
        for name in names:
            for part in re.split(r"[;,]", name):
                # "Neugriechisch (ab 1453)" is also found as "Neugriechisch": the cell's
                # parentheses hold the variety
                for key in {fold(part), fold(re.sub(r"\s*\(.*?\)", "", part))}:
                    if key and (key not in index or code in common):
                        index[key] = code
        index.setdefault(code, code)
        alpha_2 = getattr(lang, "alpha_2", None)
        if alpha_2:
            index.setdefault(alpha_2.lower(), code)
    index.update(LANGUAGE_ALIASES)
    for name in AMBIGUOUS_LANGUAGES:
        index.pop(name, None)
    return index


@lru_cache(maxsize=1)
def _common_names() -> list[str]:
    index = language_index()
    return [name for name, code in index.items() if code in set(COMMON_CODES) and len(name) > 3]


def plain(text: str) -> str:
    """Return folded text as typed on a keyboard without umlauts or accents ("ü" as "ue").

    Used only to look names up: "Tuerkisch", "Kurmanci" and "Kurmancî" find the same.
    """
    text = fold(text).replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace(
        "ß", "ss")
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _plain_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for name, code in language_index().items():
        index.setdefault(plain(name), code)
        index.setdefault(plain(name.replace("ä", "a").replace("ö", "o").replace("ü", "u")),
                         code)
    for name, code in LANGUAGE_ALIASES.items():  # the office's spellings win
        index[plain(name)] = code
    return index


def find_language(name: str) -> str | None:
    """Return the ISO 639-3 code a language name means, or None.

    Tried in turn: the name as written, without umlauts/accents, and for "Kurdisch-Kurmancî"
    or "Kurdisch (Kurmanji)" style names the more specific second word when the first is the
    macrolanguage it belongs to.
    """
    key = fold(name)
    code = language_index().get(key) or _plain_index().get(plain(key))
    if code is None and " " in key:
        head, _sep, tail = key.partition(" ")
        outer = find_language(head)
        inner = find_language(tail)
        if inner and outer and outer in MACROLANGUAGES and inner in MACROLANGUAGES[outer]:
            code = inner
    return code


@lru_cache(maxsize=2048)
def suggest_language(name: str) -> tuple[str, ...]:
    """Return up to three known language names close to a misspelt one.

    Memoised, and the full list is only searched among names of about the same length:
    a file with thousands of misspellings must not take minutes.
    """
    key = fold(name)
    if AMBIGUOUS_LANGUAGES.get(key):
        return tuple(language_name(code, "de") for code in AMBIGUOUS_LANGUAGES[key])
    close = difflib.get_close_matches(key, _common_names(), n=3, cutoff=0.75)
    if not close:  # typed without umlauts or accents ("Tigrinija", "Tuerkish")
        plain_key = plain(key)
        common = {plain(n): n for n in _common_names()}
        close = [common[n] for n in difflib.get_close_matches(plain_key, list(common), n=3,
                                                              cutoff=0.75)]
    if not close:
        names = [n for n in language_index() if len(n) > 3 and abs(len(n) - len(key)) <= 2]
        close = difflib.get_close_matches(key, names, n=3, cutoff=0.8)
    return tuple(n[:1].upper() + n[1:] for n in close)


def split_list(cell: str) -> list[str]:
    """Split a list cell into its items: one rule for languages and modules.

    Items are separated by ";", "," or a line break outside parentheses, so
    "Arabisch (Syrisch, C2), Englisch C1" and "M1; M2 (01.03.2025)" read the same way.
    """
    items, depth, part = [], 0, []
    for char in str(cell or ""):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        if depth == 0 and char in ";,\n\r":
            items.append("".join(part))
            part = []
            continue
        part.append(char)
    items.append("".join(part))
    return [i.strip() for i in items if i.strip()]


_LEVEL = r"[ABC][12]|muttersprache|muttersprachlich|native|erstsprache|l1"
_LEVEL_ONLY = re.compile(rf"^(?:{_LEVEL})$", re.IGNORECASE)
_LANGUAGE_ITEM = re.compile(
    rf"^(?P<name>[^()]+?)\s*(?:\((?P<paren>[^)]*)\))?\s*[-–:]?\s*(?P<level>{_LEVEL})?\.?$",
    re.IGNORECASE)


def split_languages(cell: str) -> list[tuple[str, str, str]]:
    """Split 'Arabisch (Syrisch) C2; Kurmanji B2' into (name, variety, level) triples.

    The level may follow the name ("Englisch C1", "Englisch - C1") or stand in the
    parentheses ("Arabisch (Muttersprache)", "Arabisch (Syrisch, C2)"); the rest of the
    parentheses is the variety; without a level it is "" (unknown). "Farsi/Dari" names two
    languages (a slash outside parentheses).
    """
    items = []
    for part in split_list(cell):
        found = _LANGUAGE_ITEM.match(part)
        if found is None:
            items.append((part, "", ""))
            continue
        level = (found.group("level") or "").strip()
        variety = (found.group("paren") or "").strip()
        bits = [b.strip() for b in re.split(r"[,;/]", variety)]
        levels = [b for b in bits if _LEVEL_ONLY.match(b)]
        if levels and not level:
            level = levels[0]
            variety = ", ".join(b for b in bits if b and b != level)
        for name in found.group("name").split("/"):
            if name.strip():
                items.append((name.strip(), variety, level))
    return items


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



def text(value) -> str:
    """Return a cell as text: integral numbers without ".0" (phone numbers, years)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
