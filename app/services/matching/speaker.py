"""The plain speaker row the matching rules read, and the Mediator attributes it comes from.

Its own module because both `facts` (which loads the rows) and `cache` (which must notice a
change to any of them) need it, and `facts` already imports `cache`.
"""

from __future__ import annotations

from typing import NamedTuple


class Speaker(NamedTuple):
    """The mediator columns the rules, scores and candidate lists read, as a plain row.

    Why not the ORM object: a widely spoken language has a thousand speakers, and building
    (and later expiring) a thousand identity-mapped instances cost more than all the fact
    queries together; a plain row is also safe to keep beyond one session.
    """

    id: int
    first_name: str
    last_name: str
    status: str
    gender: str
    district: str
    mobility: str
    max_per_week: int
    takes_on_site: bool
    takes_phone: bool
    takes_video: bool
    sort_name: str  # the German sort key (app.textfold.sort_name): ties in name order

    def takes(self, mode: str) -> bool:
        """Tell whether the speaker takes requests of a mode (as `Mediator.takes`)."""
        return bool(getattr(self, f"takes_{mode}", False))

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


# The Mediator attributes the cached speaker facts are read from: Speaker's columns, the
# erasure mark (erased speakers are left out) and the fact collections `load_speakers` reads.
# A change to any of them must make every worker reload (`cache._touches_facts`).
FACT_ATTRIBUTES = (*Speaker._fields, "erased_at", "languages", "availability", "documents",
                   "completions")
