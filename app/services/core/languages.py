"""ISO 639-3 languages named in the user's language.

Names come from the coordinators' table, then the reviewed list (`language_names.py`), and
only then from pycountry's ISO data, whose names are not fit to publish as they are.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from itertools import chain

import pycountry
import sqlalchemy as sa
from babel import Locale, UnknownLocaleError
from flask import g, has_app_context
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import LanguageName
from app.services.core import stamps
from app.services.core.collation import sorted_by_name
from app.services.core.language_names import REVIEWED

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
def reviewed_or_iso_name(code: str, locale: str) -> str:
    """Return the reviewed name, else pycountry's (the code itself when unknown).

    Memoised per worker: this part never changes while the process runs.
    """
    reviewed = REVIEWED.get(code)
    if reviewed is not None:
        return reviewed[1 if locale == "en" else 0]
    lang = pycountry.languages.get(alpha_3=code)
    if lang is None:
        return code
    return _translator(locale).gettext(lang.name)


LANGUAGES = "languages"  # the stamp family of the coordinators' names (`core.stamps`)


def _pending_names(session: Session) -> bool:
    """Tell whether the session holds unflushed changes of the coordinators' names."""
    return any(isinstance(obj, LanguageName)
               for obj in chain(session.new, session.deleted, session.dirty))


stamps.register(LANGUAGES, _pending_names)


def _read_overrides(_key: str) -> dict[str, tuple[str, str]]:
    rows = db.session.execute(
        sa.select(LanguageName.code, LanguageName.name_de, LanguageName.name_en))
    return {code: (de, en) for code, de, en in rows}


def _overrides() -> dict[str, tuple[str, str]]:
    """Return the coordinators' names, looked up once per request (or job) and kept in `g`.

    Each worker keeps a copy under the "languages" stamp, checked with the stamps this
    request read already (the candidates page reads the speakers' stamp anyway): a name a
    coordinator saved in another worker shows on the next page here. Outside an app context
    (imports, pure unit use) there are none.
    """
    if not has_app_context():
        return {}
    cached = g.get("_language_overrides")
    if cached is None:
        cached = stamps.cached(LANGUAGES, "", _read_overrides, fresh=False)
        g._language_overrides = cached
    return cached


def forget_overrides() -> None:
    """Drop this request's copy of the coordinators' names (after one was saved)."""
    if has_app_context():
        g.pop("_language_overrides", None)


def language_name(code: str, locale: str = "de") -> str:
    """Return the language's display name in the given UI locale (the code when unknown).

    A coordinator's name wins over the reviewed list, which wins over the ISO name.
    """
    code = (code or "").lower()
    if locale not in ("de", "en"):  # the mediators' other languages: CLDR's names
        return cldr_name(code, locale)
    override = _overrides().get(code)
    if override is not None:
        return override[1 if locale == "en" else 0]
    return reviewed_or_iso_name(code, locale)


@lru_cache(maxsize=4096)
def cldr_name(code: str, locale: str) -> str:
    """The language's name in `locale` from CLDR (Babel), else ISO's translation, else the
    English ISO name: the office reviews German and English names only."""
    lang = pycountry.languages.get(alpha_3=code)
    if lang is None:
        return code
    names = Locale.parse(locale).languages
    for key in (getattr(lang, "alpha_2", None), code):
        if key and key in names:
            return names[key]
    return _translator(locale).gettext(lang.name)


@lru_cache(maxsize=1024)
def endonym(code: str) -> str | None:
    """The language's name in itself ("العربية", "ትግርኛ"), where CLDR knows the language."""
    lang = pycountry.languages.get(alpha_3=(code or "").lower())
    key = getattr(lang, "alpha_2", None) or (code or "").lower()
    try:
        own = Locale.parse(key)
    except (ValueError, UnknownLocaleError):
        return None
    return own.languages.get(key)


def offered_codes() -> list[str]:
    """Return the codes the selection lists offer: the common ones and the coordinators'."""
    extra = sorted(c for c in _overrides() if c not in COMMON_CODES)
    return [c for c in (*COMMON_CODES, *extra) if is_valid_code(c)]


VARIETY_PREFIX = "\u00a0\u00a0– "  # a variety's label, indented beneath its language


def language_choices(locale: str = "de") -> list[tuple[str, str]]:
    """Return (code, name) pairs for select fields: one entry per language an institution
    would choose, sorted the German way, each followed by its varieties, indented.

    Why: "Arabisch" beside "Standard-Arabisch" and "Persisch" beside "Farsi (Persisch)"
    read as rival languages; choosing the language finds the speakers of every variety.
    """
    names = {c: language_name(c, locale) for c in offered_codes()}
    by_name = lambda pair: pair[1]  # noqa: E731
    top = [(c, n) for c, n in names.items() if _MACRO_OF.get(c) not in names]
    choices: list[tuple[str, str]] = []
    for code, name in sorted_by_name(top, by_name):
        choices.append((code, name))
        varieties = [(m, names[m]) for m in MACROLANGUAGES.get(code, ()) if m in names]
        choices += [(m, VARIETY_PREFIX + n) for m, n in sorted_by_name(varieties, by_name)]
    return choices
