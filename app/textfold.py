"""Fold text for searching: no accents, no case, the letters NFKD does not split spelled out.

Why: a coordinator types "Sahin" or "Şahin", "lodz" or "Łódź", "strasse" or "Straße"; all must
find the same person, on SQLite and PostgreSQL alike. The models keep a folded copy of their
searchable fields (`search_key`), and the search folds what was typed the same way, so a plain
LIKE works on both databases without extensions.
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
