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
