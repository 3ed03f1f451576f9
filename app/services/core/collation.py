"""Sort names the way a German reader looks for them (DIN 5007-1: "Ägyptisch" beside
"Arabisch", not after "Zulu").

Why pyuca: the Unicode Collation Algorithm's default table already orders umlauts with their
base letter and ignores case first, which is DIN 5007-1; `str.lower` put every umlaut and every
accented letter behind "z". The table costs about 12 MB and a third of a second to load, so it
is loaded on first use (a worker that never sorts a list never pays for it) and shared after.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import TypeVar

T = TypeVar("T")


@cache
def _collator():
    from pyuca import Collator

    return Collator()


def sort_key(text: str) -> tuple:
    """Return the collation key of a name (then the text itself, so equal keys stay stable)."""
    return (_collator().sort_key(str(text)), str(text))


def sorted_by_name(items: Iterable[T], name: Callable[[T], str]) -> list[T]:
    """Return the items sorted by the name `name(item)` gives, in German order."""
    return sorted(items, key=lambda item: sort_key(name(item)))
