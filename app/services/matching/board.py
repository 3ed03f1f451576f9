"""Ask the hard rules about ONE mediator and many open requests (the open-request board).

Why not `ranking.match` per request: that loads every speaker of the request's language and
scores them all, N full matchings for one page. The board needs one speaker and no scores:
the mediator's date-independent facts are loaded once (`load_speakers` for one mediator, six
queries), their absences and bookings once for the span of all the requests (two queries),
and each request's facts are cut out in Python by `context_for`, the very code the
candidate list uses, so the board and the coordinator's list can never disagree.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app

from app.models import InterpretingRequest
from app.services.core.languages import MACROLANGUAGES, matching_codes
from app.services.matching.facts import (
    SpeakerFacts,
    context_for,
    load_speakers,
    load_time_facts,
    time_window,
)
from app.services.matching.rules import broken


def board_language_codes(mediator_codes: set[str]) -> set[str]:
    """Return the request language codes some of `mediator_codes` can serve.

    The inverse of `matching_codes`: a speaker of Arabic (`ara`) serves requests in `ara` and
    in each Arabic variety, a speaker of Levantine (`apc`) requests in `apc` and `ara`.
    """
    codes = set(mediator_codes)
    for macro, members in MACROLANGUAGES.items():
        if macro in mediator_codes:
            codes.update(members)
        if mediator_codes & set(members):
            codes.add(macro)
    return codes


def mediator_facts(mediator_id: int) -> SpeakerFacts:
    """Load one mediator's date-independent facts, every language included (six queries)."""
    return load_speakers(None, mediator_id)


def request_codes(facts: SpeakerFacts) -> set[str]:
    """Return the request languages the loaded mediator could serve (for the SQL filter)."""
    if not facts.mediators:
        return set()
    rows = facts.languages.get(facts.mediators[0].id, [])
    return board_language_codes({row[3] for row in rows})


def eligible_requests(facts: SpeakerFacts,
                      requests: list[InterpretingRequest]) -> list[InterpretingRequest]:
    """Return those of `requests` for which the loaded mediator breaks no hard rule (in order).

    Two queries whatever the number of requests (absences and bookings over their span);
    `req.institution` must be loaded with the requests (the certificate rule reads its kind).
    """
    if not facts.mediators or not requests:
        return []
    me = facts.mediators[0]
    rows = facts.languages.get(me.id, [])
    buffer = dt.timedelta(minutes=current_app.config["TRAVEL_BUFFER_MINUTES"])
    windows = [time_window(req, buffer) for req in requests]
    timed = load_time_facts(None, min(w[0] for w in windows), max(w[1] for w in windows),
                            me.id)
    found = []
    for req in requests:
        ctx = context_for(req, facts, timed, buffer)
        codes = matching_codes(req.language_code)
        ctx.languages = {me.id: [row for row in rows if row[3] in codes]}
        if not broken(me, ctx):
            found.append(req)
    return found
