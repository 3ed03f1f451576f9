"""Judge a new password by how fast it can be guessed (zxcvbn), not only by its length.

One rule for every place a password is set (reset and invitation links, the change form, the
`users create` command, account creation), so the forms and the services cannot drift apart.
zxcvbn knows English words, names and keyboard patterns; we add common German password words
and the account's own e-mail and name, which it treats as known to an attacker.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from zxcvbn import zxcvbn

from app.services.core.errors import DomainError

# zxcvbn keeps the user inputs of the current call in a module global: one call at a time,
# or a threaded server could score one account's password against another account's words
_ZXCVBN_LOCK = threading.Lock()
MAX_LENGTH = 200  # longer input only costs hashing time; nobody types more
SCORED_LENGTH = 72  # zxcvbn refuses longer input; the first 72 characters decide

# Common German password words zxcvbn's English lists do not know.
GERMAN_WORDS = (
    "passwort", "kennwort", "geheim", "hallo", "willkommen", "sommer", "winter", "herbst",
    "frühling", "fruehling", "sonne", "sonnenschein", "schatz", "schatzi", "liebe", "ichliebedich",
    "hase", "maus", "fussball", "fußball", "deutschland", "berlin", "hamburg", "münchen",
    "muenchen", "köln", "koeln", "mainz", "schalke", "bayern", "borussia", "familie", "blume",
    "katze", "hund", "engel", "prinzessin", "schule", "kita", "rathaus", "stadt", "mittler",
    "sprachmittler", "dolmetscher", "integration", "migration", "skm", "pool", "skmpool",
)



def N_(text: str) -> str:  # noqa: N802 - Babel's marker for "extract, translate later"
    return text


# The library's own English feedback, marked here so that Babel extracts and we translate it.
FEEDBACK = frozenset((
    N_("Use a few words, avoid common phrases."),
    N_("No need for symbols, digits, or uppercase letters."),
    N_("Add another word or two. Uncommon words are better."),
    N_("Straight rows of keys are easy to guess."),
    N_("Short keyboard patterns are easy to guess."),
    N_("Use a longer keyboard pattern with more turns."),
    N_('Repeats like "aaa" are easy to guess.'),
    N_('Repeats like "abcabcabc" are only slightly harder to guess than "abc".'),
    N_("Avoid repeated words and characters."),
    N_('Sequences like "abc" or "6543" are easy to guess.'),
    N_("Avoid sequences."),
    N_("Recent years are easy to guess."),
    N_("Avoid recent years."),
    N_("Avoid years that are associated with you."),
    N_("Dates are often easy to guess."),
    N_("Avoid dates and years that are associated with you."),
    N_("This is a top-10 common password."),
    N_("This is a top-100 common password."),
    N_("This is a very common password."),
    N_("This is similar to a commonly used password."),
    N_("A word by itself is easy to guess."),
    N_("Names and surnames by themselves are easy to guess."),
    N_("Common names and surnames are easy to guess."),
    N_("Capitalization doesn't help very much."),
    N_("All-uppercase is almost as easy to guess as all-lowercase."),
    N_("Reversed words aren't much harder to guess."),
    N_("Predictable substitutions like '@' instead of 'a' don't help very much."),
))


def _translated(text: str) -> str | None:
    """Return our translation of one of zxcvbn's messages (None for text we do not know)."""
    return _(text) if text in FEEDBACK else None


def account_words(*values: str | None) -> list[str]:
    """Split e-mail addresses and names into the words an attacker would try first."""
    words: list[str] = []
    for value in values:
        if not value:
            continue
        words.append(value)
        if "@" in value:
            words.append(value.split("@", 1)[0])
        words.extend(w for w in re.split(r"[^\w]+", value) if len(w) > 2)
    return words


def problems(password: str, user_inputs: Iterable[str] = ()) -> list[str]:
    """Return what is wrong with a new password, translated; an empty list means it is fine."""
    min_length = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < min_length:
        return [ngettext("At least %(num)d character.", "At least %(num)d characters.", min_length)]
    if len(password) > MAX_LENGTH:
        return [ngettext("At most %(num)d character.", "At most %(num)d characters.", MAX_LENGTH)]
    with _ZXCVBN_LOCK:
        result = zxcvbn(password[:SCORED_LENGTH],
                        user_inputs=[*GERMAN_WORDS, *(w for w in user_inputs if w)])
    if result["score"] >= current_app.config["PASSWORD_MIN_SCORE"]:
        return []
    messages = [_("This password is too easy to guess.")]
    feedback = result["feedback"]
    for text in [feedback.get("warning") or "", *feedback.get("suggestions", [])]:
        translated = _translated(text) if text else None
        if translated and translated not in messages:
            messages.append(translated)
    if len(messages) == 1:
        messages.append(_("Use a few words, avoid common phrases."))
    return messages


def check(password: str, user_inputs: Iterable[str] = ()) -> None:
    """Raise DomainError with all problems of a new password in one message."""
    found = problems(password, user_inputs)
    if found:
        raise DomainError(" ".join(found))
