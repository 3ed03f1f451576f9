"""Cell text for the list import: a cell as text, and headings and names for comparison.

Why a module of its own: the column mapping (`import_columns`) and the language lookup
(`import_languages`) compare text the same way, and neither may import the other.
"""

from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Return text for comparison: case-folded, accents kept, spaces and dashes squeezed."""
    text = unicodedata.normalize("NFC", str(text)).casefold().strip()
    return re.sub(r"[\s_\-]+", " ", text)


def plain(text: str) -> str:
    """Return folded text as typed on a keyboard without umlauts or accents ("ü" as "ue").

    Used only to look names up: "Tuerkisch", "Kurmanci" and "Kurmancî" find the same.
    """
    text = fold(text).replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace(
        "ß", "ss")
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def text(value) -> str:
    """Return a cell as text: integral numbers without ".0" (phone numbers, years)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
