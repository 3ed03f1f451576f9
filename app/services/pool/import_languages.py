"""Read the language cells of an imported mediator list: names, varieties, levels.

Why a module of its own: offices spell languages in German, English, by code and in their
own ways ("Farsi/Dari", "Kurdisch-Kurmancî", "Tuerkisch"); one place turns a cell into ISO
639-3 codes and suggests the names meant by a misspelt one.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

import pycountry

from app.services.core.languages import COMMON_CODES, MACROLANGUAGES, language_name
from app.services.pool.import_text import fold, plain

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
