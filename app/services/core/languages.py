"""ISO 639-3 languages named in the user's language (from pycountry's maintained data)."""

from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry

# Languages the pool is asked for most often; they head every selection list.
COMMON_CODES = (
    "ara", "arb", "apc", "ary", "arz", "acm", "kmr", "ckb", "sdh", "prs", "pes", "tir",
    "pus", "tur", "pol", "rus", "ukr", "ron", "bul", "sqi", "som", "amh", "fra", "eng",
    "ita", "spa", "por", "srp", "hrv", "bos", "ell", "hun", "vie", "tha", "urd", "hin",
    "ben", "tam", "fas", "kur", "aze", "kat", "hye", "rom", "lit", "lav", "est", "ces",
    "slk", "slv", "mkd", "zho", "cmn", "yue", "jpn", "kor", "swa", "hau", "yor", "ibo",
    "wol", "ful", "lin", "orm", "mon", "uzb", "tgk", "kaz", "kir", "tuk", "uig", "nep",
)


# ISO 639-3 macrolanguages the pool is asked for, with their individual languages. Why: a
# Kita picks "Arabisch" (ara) while mediators name what they speak (arb, apc, ary ...); with
# exact codes only, the request would find nobody although the pool has a dozen speakers.
MACROLANGUAGES: dict[str, tuple[str, ...]] = {
    "ara": ("arb", "apc", "ajp", "ary", "arz", "acm", "afb", "ayl", "apd", "aeb", "arq",
            "ars", "acw", "acx", "ayp", "ayh", "aao", "abh", "abv", "acy", "adf", "aec",
            "auz", "avl", "ayn", "pga", "shu", "ssh"),
    "fas": ("pes", "prs"),
    "kur": ("kmr", "ckb", "sdh"),
    "zho": ("cmn", "yue", "wuu", "nan", "hak", "gan", "hsn", "cdo", "cjy", "cpx", "czh",
            "czo", "mnp", "lzh", "cnp", "csp"),
    "sqi": ("als", "aln", "aae", "aat"),
    "uzb": ("uzn", "uzs"),
    "aze": ("azj", "azb"),
    "pus": ("pbt", "pbu", "pst"),
    "swa": ("swh", "swc"),
    "orm": ("gaz", "hae", "orc", "gax"),
    "mon": ("khk", "mvf"),
    "nep": ("npi", "dty"),
    "rom": ("rmc", "rmf", "rml", "rmn", "rmo", "rmw", "rmy"),
    "ful": ("fuc", "fuf", "fuh", "fui", "fuq", "fuv", "ffm", "fub", "fue", "fvr"),
    "lav": ("lvs", "ltg"),
    "est": ("ekk", "vro"),
}
_MACRO_OF = {member: macro for macro, members in MACROLANGUAGES.items() for member in members}


def matching_codes(code: str) -> tuple[str, ...]:
    """Return the language codes whose speakers can serve a request in `code`.

    A macrolanguage is served by its own speakers and by those of each of its languages;
    a single language by its own speakers and by those who gave only the macrolanguage
    (someone who wrote "Arabisch" may well speak the Syrian dialect; the coordinator sees
    the variety). Two sister languages (Egyptian for Levantine) are not matched.
    """
    if code in MACROLANGUAGES:
        return (code, *MACROLANGUAGES[code])
    if code in _MACRO_OF:
        return (code, _MACRO_OF[code])
    return (code,)


@lru_cache(maxsize=8)
def _translator(locale: str):
    if locale == "en":
        return gettext.NullTranslations()
    try:
        return gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=[locale])
    except OSError:
        return gettext.NullTranslations()


def is_valid_code(code: str) -> bool:
    """Tell whether code is a known ISO 639-3 code."""
    return bool(code) and pycountry.languages.get(alpha_3=code.lower()) is not None


@lru_cache(maxsize=4096)
def language_name(code: str, locale: str = "de") -> str:
    """Return the language's name in the given UI locale (the code itself when unknown).

    Memoised: lists show the same few dozen languages on every row, and the names are fixed.
    """
    lang = pycountry.languages.get(alpha_3=(code or "").lower())
    if lang is None:
        return code
    return _translator(locale).gettext(lang.name)


@lru_cache(maxsize=8)
def language_choices(locale: str = "de") -> list[tuple[str, str]]:
    """Return (code, name) pairs: the common languages sorted by name, for select fields."""
    pairs = [(c, language_name(c, locale)) for c in COMMON_CODES if is_valid_code(c)]
    return sorted(pairs, key=lambda p: p[1].casefold())
