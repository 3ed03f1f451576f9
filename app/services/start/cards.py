"""The start-page card and the registry of card functions per role.

Why a registry: several teams add cards ("conversations that weighed on a mediator",
"follow-ups unanswered"); each card is one small function registered here, and the page
renders whatever the role's functions return, in their `order`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from app.models.enums import Role
from app.timeutil import to_local

TONES = ("calm", "attention", "info")


@dataclass(frozen=True)
class Card:
    """One card: a count, what it counts, and the list that shows exactly those items.

    `tone` is what a non-zero count means: "attention" (someone must act) or "info" (good to
    know, like the next meeting); a zero count is always shown calm (`shown_tone`).
    `detail` is an optional second line, followed by `when` in local time if given (the
    title and date of the next meeting).
    """

    key: str
    title: str
    count: int
    url: str
    explanation: str
    tone: str = "attention"
    detail: str = ""
    when: dt.datetime | None = None

    @property
    def shown_tone(self) -> str:
        return "calm" if self.count == 0 else self.tone


@dataclass(frozen=True)
class StartContext:
    """What every card function may read: the user and one clock reading for the page."""

    user: object
    now: dt.datetime

    @property
    def today(self) -> dt.date:
        return to_local(self.now).date()


CardFunction = Callable[[StartContext], Card]
_REGISTRY: dict[str, list[tuple[int, str, CardFunction]]] = {role: [] for role in Role}


def card(role: str, order: int) -> Callable[[CardFunction], CardFunction]:
    """Register a card function for a role; lower `order` comes first (steps of 10)."""
    def register(function: CardFunction) -> CardFunction:
        entries = _REGISTRY[role]
        name = f"{function.__module__}.{function.__qualname__}"
        if all(existing != name for _o, existing, _f in entries):  # idempotent on reload
            entries.append((order, name, function))
            entries.sort(key=lambda entry: (entry[0], entry[1]))
        return function
    return register


def cards_for(user, now: dt.datetime) -> list[Card]:
    """Return the cards of the user's role, in order (an unknown role has none)."""
    context = StartContext(user=user, now=now)
    return [function(context) for _o, _n, function in _REGISTRY.get(user.role, [])]
