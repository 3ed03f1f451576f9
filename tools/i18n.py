"""Maintain the Babel catalogs: update from the sources, fill English, apply German, check.

German and English cover the whole app. The mediators' side (what a mediator or applicant
sees: their pages, the pages behind e-mail links, login, their e-mails and calendar texts) is
also in Arabic, Persian, Ukrainian, Turkish and Russian; which messages that is follows from
where they are used (MEDIATOR_SOURCES), so a new message on a mediator's page is missing from
those five catalogs until it is translated, and `check` says so.

Usage:
  python tools/i18n.py update            # extract messages and update every catalog
  python tools/i18n.py apply de FILE.json  # set translations from a {msgid: msgstr} file
                                           # (plural: {singular msgid: [form 1, form 2, ...]})
  python tools/i18n.py todo ar FILE.json   # the mediator-facing messages ar still lacks, with
                                           # German, English and where each appears
  python tools/i18n.py check             # list untranslated or fuzzy messages (exit 1 if any)
"""

from __future__ import annotations

import fnmatch
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
LOCALES = ("de", "en")  # everything
MEDIATOR_LOCALES = ("ar", "fa", "uk", "tr", "ru")  # the mediators' side
# where mediator-facing messages are used (paths relative to the repository, fnmatch patterns)
MEDIATOR_SOURCES = (
    "templates/base.html", "templates/macros.html", "templates/confirm.html",
    "templates/errors/*",
    "templates/accounts/login.html", "templates/accounts/forgot.html",
    "templates/accounts/set_password.html", "templates/accounts/change_password.html",
    "templates/booking/mediator/*", "templates/booking/_offer_macros.html",
    "templates/pool/mediator/*", "templates/pool/recruiting/*",
    "templates/calendar/mine.html", "templates/calendar/meetings/mediator.html",
    "templates/site/*",
    "templates/email/offer*", "templates/email/reminder.txt", "templates/email/report_*",
    "templates/email/assignment_released.txt", "templates/email/invit*",
    "templates/email/reset.txt", "templates/email/series_cancelled.txt",
    "templates/email/coordinator_cancelled.txt",
    "app/*/*_mediator.py", "app/*/*_public.py", "app/accounts/auth.py",
    "app/accounts/forms.py", "app/booking/debrief_forms.py", "app/booking/follow_up_forms.py",
    "app/pool/self_service_forms.py", "app/pool/recruiting_forms.py", "app/pool/forms.py",
    "app/labels.py", "app/models/enums.py", "app/web/*.py", "app/services/start/mediator.py",
    "app/services/start/cards.py",
    "app/services/booking/offers.py", "app/services/booking/board.py",
    "app/services/booking/assignments.py", "app/services/booking/debriefs.py",
    "app/services/booking/follow_up.py", "app/services/booking/mail.py",
    "app/services/calendar/*", "app/services/pool/self_service*.py",
    "app/services/core/accounts.py", "app/services/core/errors.py",
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


def _po(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def _load(locale: str):
    with _po(locale).open("rb") as fh:
        return read_po(fh, locale=locale)


def _save(locale: str, catalog, *, include_lineno: bool = True) -> None:
    with _po(locale).open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False, sort_output=True,
                 include_lineno=include_lineno)


def update() -> None:
    """Extract and update every catalog; a file whose messages did not change keeps its date
    (else every run rewrote all eight files for the POT-Creation-Date alone)."""
    files = [TRANSLATIONS / "messages.pot", *(_po(loc) for loc in (*LOCALES, *MEDIATOR_LOCALES))]
    before = {path: path.read_text(encoding="utf-8") for path in files}
    _update()
    for path, old in before.items():
        if _undated(path.read_text(encoding="utf-8")) == _undated(old):
            path.write_text(old, encoding="utf-8")


def _undated(text: str) -> str:
    return re.sub(r'"POT-Creation-Date: [^"]*"\n', "", text)


def _update() -> None:
    pybabel = str(Path(sys.executable).parent / "pybabel")
    pot = str(TRANSLATIONS / "messages.pot")
    subprocess.run(
        [pybabel, "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext",
         "--no-location", "--sort-output", "-o", pot, "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    subprocess.run(
        [pybabel, "update", "-i", pot, "-d", str(TRANSLATIONS), "--no-fuzzy-matching",
         "--ignore-obsolete"],
        cwd=ROOT, check=True, capture_output=True,
    )
    catalog = _load("en")
    for message in catalog:
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and not all(forms):
            message.string = message.id
    _save("en", catalog)
    _save("de", _load("de"))
    # the five languages name where each mediator-facing message is used ("#: file", no line
    # numbers): the review sheet shows it, and the app knows from it what a mediator sees
    where = mediator_messages()
    for locale in MEDIATOR_LOCALES:
        catalog = _load(locale)
        for message in catalog:
            message.locations = [(f, None) for f in where.get(_key(message), [])] \
                if message.id else []
        _save(locale, catalog, include_lineno=False)


def _extract_with_locations():
    """Extract every message with where it is used (the committed template has no locations:
    line numbers would change it on every edit)."""
    pybabel = str(Path(sys.executable).parent / "pybabel")
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "located.pot"
        subprocess.run(
            [pybabel, "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext",
             "--sort-output", "-o", str(pot), "."],
            cwd=ROOT, check=True, capture_output=True,
        )
        with pot.open("rb") as fh:
            return read_po(fh)


def _key(message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def mediator_messages() -> dict[str, list[str]]:
    """The mediator-facing messages: {msgid (singular for plurals): [files that use it]}."""
    found: dict[str, list[str]] = {}
    for message in _extract_with_locations():
        if not message.id:
            continue
        files = sorted({f for f, _line in message.locations
                        if any(fnmatch.fnmatch(f, p) for p in MEDIATOR_SOURCES)})
        if files:
            found[_key(message)] = files
    return found


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def problems(locale: str, message) -> list[str]:
    """What is wrong with one translation: missing, fuzzy, a plural form or a placeholder."""
    if isinstance(message.id, tuple):
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
    else:
        forms = (message.string,)
    wanted = catalog_plurals(locale) if isinstance(message.id, tuple) else 1
    if message.fuzzy:
        return ["fuzzy"]
    if len(forms) != wanted or not all(forms):
        return [f"{sum(1 for f in forms if f)} of {wanted} forms"]
    if isinstance(message.id, tuple):
        # a form may leave the count out ("one day" for n == 1), but never invent a name
        expected = set(placeholders(message.id[0]) + placeholders(message.id[1]))
        extra = [p for form in forms for p in placeholders(form) if p not in expected]
        named = {p for p in expected if p != "%(num)d"}
        lost = [p for p in named if not all(p in form for form in forms)]
        return [f"placeholder {p}" for p in extra + lost]
    if placeholders(forms[0]) != placeholders(message.id):
        return [f"placeholders {placeholders(forms[0])} != {placeholders(message.id)}"]
    return []


def catalog_plurals(locale: str) -> int:
    from babel.messages.plurals import get_plural

    return get_plural(locale).num_plurals


def todo(locale: str, path: str) -> int:
    """Write the mediator-facing messages `locale` lacks, as work for a translator."""
    wanted = mediator_messages()
    german = {_key(m): m.string for m in _load("de") if m.id}
    catalog = _load(locale)
    work = []
    for message in catalog:
        key = _key(message) if message.id else ""
        if key not in wanted or not problems(locale, message):
            continue
        work.append({"msgid": key,
                     "plural": message.id[1] if isinstance(message.id, tuple) else None,
                     "forms": catalog_plurals(locale) if isinstance(message.id, tuple) else 1,
                     "de": german.get(key), "where": wanted[key]})
    Path(path).write_text(json.dumps(work, ensure_ascii=False, indent=1), encoding="utf-8")
    return len(work)


def apply(locale: str, path: str) -> None:
    table = json.loads(Path(path).read_text(encoding="utf-8"))
    catalog = _load(locale)
    for message in catalog:
        plural = isinstance(message.id, tuple)
        key = message.id[0] if plural else message.id
        if key not in table:
            continue
        value = table[key]
        if plural != isinstance(value, list):
            raise SystemExit(f"{key!r}: give a list for a plural message, a string otherwise")
        message.string = tuple(value) if plural else value
        message.flags.discard("fuzzy")
        wrong = problems(locale, message)
        if wrong:
            raise SystemExit(f"{locale}: {key!r}: {', '.join(wrong)}")
    _save(locale, catalog)


def untranslated(locales: tuple[str, ...] = LOCALES) -> list[tuple[str, str]]:
    """Every message of German and English, and every mediator-facing message of the five
    other languages, needs a translation with all its plural forms and its placeholders."""
    mediator = mediator_messages() if set(locales) & set(MEDIATOR_LOCALES) else {}
    missing = []
    for locale in locales:
        for message in _load(locale):
            if not message.id:
                continue
            if locale in MEDIATOR_LOCALES and _key(message) not in mediator:
                continue
            wrong = problems(locale, message)
            if wrong:
                missing.append((locale, f"{_key(message)} ({', '.join(wrong)})"))
    return missing


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        update()
    elif argv[:1] == ["apply"] and len(argv) == 3:
        apply(argv[1], argv[2])
    elif argv[:1] == ["todo"] and len(argv) == 3:
        print(f"{todo(argv[1], argv[2])} messages to translate")
    elif argv[:1] == ["check"]:
        missing = untranslated()
        for locale, msgid in missing:
            print(f"{locale}: {msgid}")
        return 1 if missing else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
