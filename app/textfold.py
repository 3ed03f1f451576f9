"""Fold text for searching: no accents, no case, the letters NFKD does not split spelled out.

Why: a coordinator types "Sahin" or "Şahin", "lodz" or "Łódź", "strasse" or "Straße"; all must
find the same person, on SQLite and PostgreSQL alike. The models keep a folded copy of their
searchable fields (`search_key`), and the search folds what was typed the same way, so a plain
LIKE works on both databases without extensions.

The same folding gives the stored sort keys (`sort_name`): a German reader looks for "Özdemir"
under O and for "de Vries" under D (DIN 5007-1), and a folded key sorted byte by byte, as
SQLite does and PostgreSQL does under COLLATE "C", lists names so on both databases.
"""

from __future__ import annotations

import unicodedata

# letters that carry their mark inside (no combining character under NFKD), and the
# transliteration signs for ʿayn and hamza, which nobody types
_SPELLED = str.maketrans({
    "ß": "ss", "ẞ": "ss", "ı": "i", "İ": "i", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d",
    "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "þ": "th", "Þ": "th",
    "ħ": "h", "Ħ": "h", "ŧ": "t", "Ŧ": "t",
    "ʿ": "", "ʾ": "", "ʼ": "", "ʻ": "", "‘": "", "’": "", "'": "", "`": "", "´": "",
})


def fold(text: str | None) -> str:
    """Return text without diacritics, in lower case, with runs of space made one."""
    spelled = (text or "").translate(_SPELLED)
    decomposed = unicodedata.normalize("NFKD", spelled)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def fold_fields(*values: str | None) -> str:
    """Fold several fields into one key; a newline keeps a match from spanning two fields."""
    return "\n".join(fold(v) for v in values if v)


# the stored key's length (the column's); a longer key is cut, which keeps its place
SORT_NAME_LENGTH = 200


def sort_name(*parts: str | None) -> str:
    """Return the key whose byte order is DIN 5007-1 order of the parts (last name, first).

    Umlauts are their base letter, ß is ss, case and accents do not count (`fold`); any
    run of punctuation is one space, so "Müller-Lüdenscheidt" and "„Regenbogen“" sort by
    their letters. A tab, below every letter and the space, ends each part: "De" comes
    before "De Vries" and "Berg, Zoe" before "Bergmann, Anna".
    """
    words = ("".join(ch if ch.isalnum() else " " for ch in fold(p)).split() for p in parts)
    return "\t".join(" ".join(w) for w in words)[:SORT_NAME_LENGTH]
