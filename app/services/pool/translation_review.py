"""The pool reviews its own language: a spreadsheet of the mediators' side out, corrections in.

Why: the five languages beside German and English were written for volunteers who read
German as a second or third language; a speaker from the pool reads them best. The office
exports a language's mediator-facing messages (the catalog's entries that carry where they
are used, `tools/i18n.py update`) with the English source, the German text and the current
translation; a volunteer corrects the "Translation" column; the office imports the file.
The import changes nothing unless every row passes: the key is a message of the catalog,
the placeholders are the source's, every plural form is there, and a text for a menu, a
button or a badge stays short. Each changed message is one `TranslationOverride` row and one
audit entry; every worker applies the rows over the catalog (`app.i18n`).

The catalog files are read with polib; the upload with the app's bounded reader.
"""

from __future__ import annotations

import gettext
import io
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import polib
import sqlalchemy as sa
from babel.messages.plurals import get_plural
from cachetools import TTLCache
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from app.extensions import db
from app.i18n import MEDIATOR_ONLY_LANGUAGES, speaking
from app.models import TranslationOverride, User
from app.services.core import audit
from app.services.core.errors import DomainError
from app.services.pool.import_files import read_rows

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
# where space is short: a message used only in these places must stay near the source's length
SHORT_PLACES = ("app/web/navigation.py", "app/labels.py")
COLUMNS = ("key", "form", "english", "german", "translation", "where")
MAX_PROBLEMS = 20
_CACHE: TTLCache = TTLCache(maxsize=16, ttl=30)  # seconds until another worker's import shows
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Entry:
    """One mediator-facing message of a language: its source, German and current forms."""

    msgid: str
    plural: str | None
    forms: tuple[str, ...]
    where: tuple[str, ...]
    german: str

    @property
    def max_length(self) -> int | None:
        """The longest text that fits where space is short (None: running text)."""
        if not self.where or not all(w in SHORT_PLACES for w in self.where):
            return None
        return max(24, 2 * len(self.msgid))


def _catalog_path(locale: str) -> Path:
    root = Path(current_app.root_path).parent / "translations"
    return root / locale / "LC_MESSAGES" / "messages.po"


@lru_cache(maxsize=8)
def _catalog(locale: str) -> tuple[polib.POEntry, ...]:
    return tuple(polib.pofile(str(_catalog_path(locale)), wrapwidth=0))


def _forms(entry: polib.POEntry) -> tuple[str, ...]:
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
    return (entry.msgstr,)


def entries(locale: str) -> list[Entry]:
    """The language's mediator-facing messages, each with its forms as pages show them now."""
    _require(locale)
    german = {e.msgid: _forms(e)[0] for e in _catalog("de")}
    changed = overrides(locale)
    return [Entry(e.msgid, e.msgid_plural or None, tuple(changed.get(e.msgid, _forms(e))),
                  tuple(sorted({path for path, _line in e.occurrences})), german.get(e.msgid, ""))
            for e in _catalog(locale) if e.occurrences and not e.obsolete]


def form_labels(locale: str) -> list[str]:
    """Name each plural form by the counts that use it ("1", "2", "3, 4, 5 …")."""
    plural = get_plural(locale)
    choose = gettext.c2py(plural.plural_expr)
    examples: list[list[int]] = [[] for _i in range(plural.num_plurals)]
    for n in range(0, 1000):
        if len(examples[choose(n)]) < 3:
            examples[choose(n)].append(n)
    return [", ".join(map(str, found)) + (" …" if len(found) == 3 else "") for found in examples]


def export_workbook(locale: str) -> bytes:
    """The review sheet: one row per message (per plural form), translation to correct."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    labels = form_labels(locale)
    book = Workbook()
    sheet = book.active
    sheet.title = locale
    sheet.append([_("Key (do not change)"), _("Plural form (count)"), _("English"),
                  _("German"), _("Translation (please check)"), _("Where it appears")])
    for entry in entries(locale):
        for index, text in enumerate(entry.forms):
            form = labels[index] if entry.plural else ""
            sheet.append([entry.msgid, form, entry.plural if index and entry.plural
                          else entry.msgid, entry.german, text, ", ".join(entry.where)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEF", (30, 14, 45, 45, 45, 30), strict=True):
        sheet.column_dimensions[column].width = width
        for cell in sheet[column][1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def import_workbook(actor: User, locale: str, data: bytes) -> list[str]:
    """Apply a reviewed sheet; return the messages it changed (in the sheet's order).

    Raises DomainError listing every problem (row by row) and changes nothing then.
    """
    known = {e.msgid: e for e in entries(locale)}
    wanted = get_plural(locale).num_plurals
    rows = read_rows(data, "xlsx")
    if not rows or str(rows[0][0] or "").strip() not in _key_headings():
        raise DomainError(_("This is not a review sheet exported from this page."))
    texts: dict[str, list[str]] = {}
    problems: list[str] = []
    for number, row in enumerate(rows[1:], start=2):
        key, translation = _cell(row, 0), _cell(row, 4)
        if not key:
            continue
        if key not in known:
            problems.append(_("Row %(row)d: the key was changed or is unknown.", row=number))
            continue
        texts.setdefault(key, []).append(translation)
    changed = []
    for key, forms in texts.items():
        entry = known[key]
        if tuple(forms) == entry.forms:
            continue  # as it is: nothing to check or store
        changed.append(key)
        problems += [f"{key[:60]}: {problem}" for problem in check(entry, forms, wanted)]
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append(ngettext("… and %(num)d more problem.", "… and %(num)d more problems.",
                                  len(problems) - MAX_PROBLEMS))
        raise DomainError(_("Nothing was changed. Please correct the sheet: %(problems)s",
                            problems="; ".join(shown)))
    for key in changed:
        _store(actor, locale, known[key], texts[key])
    return changed  # the view calls forget() after the commit


def check(entry: Entry, forms: list[str], wanted: int) -> list[str]:
    """What keeps a reviewed translation out: a missing form, placeholder or too much text."""
    expected = wanted if entry.plural else 1
    if len(forms) != expected or not all(f.strip() for f in forms):
        return [ngettext("%(filled)d of %(num)d form is filled in.",
                         "%(filled)d of %(num)d forms are filled in.", expected,
                         filled=sum(1 for f in forms if f.strip()))]
    found = []
    source = set(PLACEHOLDER.findall(entry.msgid + (entry.plural or "")))
    for form in forms:
        own = PLACEHOLDER.findall(form)
        missing = sorted(p for p in source - set(own) if not (entry.plural and p == "%(num)d"))
        extra = sorted(set(own) - source)
        if missing or extra:
            found.append(_("the placeholders must be %(expected)s",
                           expected=" ".join(sorted(source)) or "–"))
            break
    limit = entry.max_length
    if limit is not None and any(len(f) > limit for f in forms):
        found.append(ngettext("at most %(num)d character fits here",
                              "at most %(num)d characters fit here", limit))
    return found


def _store(actor: User, locale: str, entry: Entry, forms: list[str]) -> None:
    row = db.session.scalar(sa.select(TranslationOverride).where(
        TranslationOverride.locale == locale, TranslationOverride.msgid == entry.msgid))
    if row is None:
        row = TranslationOverride(locale=locale, msgid=entry.msgid, forms=forms)
        db.session.add(row)
    else:
        row.forms = forms
    db.session.flush()
    audit.record(actor, "translation_review", "translation", row.id, locale=locale,
                 message=entry.msgid[:200], before=list(entry.forms), after=forms)


def overrides(locale: str) -> dict[str, list[str]]:
    """The reviewed messages of a language, from this worker's copy (30 s at most old).

    Read on a connection of its own: a failing read (the database is down) must not poison
    the request's transaction, and then the catalog alone is used.
    """
    if locale not in MEDIATOR_ONLY_LANGUAGES:
        return {}
    with _LOCK:
        found = _CACHE.get(locale)
    if found is not None:
        return found
    try:
        with db.engine.connect() as conn:
            rows = conn.execute(sa.select(TranslationOverride.msgid, TranslationOverride.forms)
                                .where(TranslationOverride.locale == locale)).all()
    except sa.exc.SQLAlchemyError:
        return {}
    found = {msgid: list(forms) for msgid, forms in rows}
    with _LOCK:
        _CACHE[locale] = found
    return found


def forget(locale: str | None = None) -> None:
    """Drop this worker's copy (after an import here; tests)."""
    with _LOCK:
        if locale is None:
            _CACHE.clear()
        else:
            _CACHE.pop(locale, None)


def _key_headings() -> set[str]:
    """The key column's heading as exported in German or in English (either UI may import)."""
    found = set()
    for language in ("de", "en"):
        with speaking(language):
            found.add(_("Key (do not change)"))
    return found


def _require(locale: str) -> None:
    if locale not in MEDIATOR_ONLY_LANGUAGES:
        raise DomainError(_("There is no review for this language."))


def _cell(row: list, index: int) -> str:
    value = row[index] if index < len(row) else None
    return "" if value is None else str(value)
