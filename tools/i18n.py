"""Maintain the Babel catalogs: update from the sources, fill English, apply German, check.

Usage:
  python tools/i18n.py update            # extract messages and update both catalogs
  python tools/i18n.py apply de FILE.json  # set translations from a {msgid: msgstr} file
                                           # (plural: {singular msgid: [form 1, form 2]})
  python tools/i18n.py check             # list untranslated or fuzzy messages (exit 1 if any)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
LOCALES = ("de", "en")


def _po(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def _load(locale: str):
    with _po(locale).open("rb") as fh:
        return read_po(fh, locale=locale)


def _save(locale: str, catalog) -> None:
    with _po(locale).open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False, sort_output=True)


def update() -> None:
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
    _save(locale, catalog)


def untranslated() -> list[tuple[str, str]]:
    missing = []
    for locale in LOCALES:
        for message in _load(locale):
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.id and (not all(forms) or message.fuzzy):
                missing.append((locale, str(message.id)))
    return missing


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        update()
    elif argv[:1] == ["apply"] and len(argv) == 3:
        apply(argv[1], argv[2])
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
