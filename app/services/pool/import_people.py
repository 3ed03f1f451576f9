"""Tell whether an imported row and a mediator are the same person (names and phone numbers
compared as offices write them), and spell a district as the pool does.

Why a module of its own: the planner matches rows against the pool with these keys, and
the same keys find the same person twice in one file.
"""

from __future__ import annotations

import difflib
import re

from flask_babel import gettext as _

from app.services.pool.import_text import fold, plain


def digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


def phone_key(phone: str) -> str:
    """Return a phone number's digits without country code or leading zeros.

    "+49 151 12345678", "0151/12345678" and 15112345678 (a number cell that lost its 0)
    give the same key.
    """
    number = digits(phone)
    if phone and phone.strip().startswith("+49"):
        number = number[2:]
    elif number.startswith("0049"):
        number = number[4:]
    return number.lstrip("0")


def name_key(first: str, last: str) -> tuple[str, ...]:
    """Return a name for comparison: folded, without umlauts/accents, in any order (so
    "Name"/"Vorname" swapped or split differently still compare equal)."""
    return tuple(sorted(plain(f"{first} {last}").replace(",", " ").split()))


def person_key(first: str, last: str, phone: str) -> tuple:
    return name_key(first, last), phone_key(phone)


def split_name(name: str) -> tuple[str, str]:
    """Split "Nachname, Vorname" or "Vorname Nachname" into (first, last)."""
    if "," in name:
        last, first = (p.strip() for p in name.split(",", 1))
        return first, last
    first, _sep, last = name.rpartition(" ")
    return first.strip(), last.strip()


def district_spelling(districts: dict[str, str], value: str, warn) -> str:
    """Return the pool's spelling of a known district (`districts`: folded -> spelling);
    name a new one (once per file, it is added) with the known districts it is close to.
    It is stored as written."""
    value = " ".join(value.split())
    known = districts.get(fold(value))
    if known is not None:
        return known
    near = difflib.get_close_matches(fold(value), list(districts), n=2,
                                     cutoff=0.75) if districts else []
    if near:
        warn(_("“%(value)s” is not a district of the pool yet – did you mean %(names)s? "
               "It is stored as written.", value=value,
               names=" / ".join(f"„{districts[n]}“" for n in near)))
    elif districts:
        warn(_("“%(value)s” is a new district; it is stored as written.", value=value))
    districts[fold(value)] = value
    return value
