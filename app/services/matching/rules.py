"""The hard rules: who may not take a request, and the exact reason for each of them.

Why rule by rule over sets, not speaker by speaker: a widely spoken language has 1,600
speakers and the week planner asks about 500 requests; asking each speaker eleven questions
was most of the candidate page's time and nearly half the planner's. Each rule here is one
set operation or one comprehension over the loaded facts, and the reasons are worded only
when read (the page words the 25 closest of a thousand excluded speakers). The same code
answers for one mediator right before booking (`broken`), so the list and the booking can
never disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from flask_babel import gettext as _

from app.models import Mediator
from app.models.enums import MediatorStatus
from app.services.matching.facts import Context
from app.services.matching.reasons import (
    Texts,
    absence_text,
    certificate_reason,
    overlap_text,
    windows_text,
)
from app.services.matching.speaker import Speaker

# the rules read the same columns from a loaded speaker row and from a Mediator (booking)
Person = Speaker | Mediator

_NO_DOCUMENTS: dict = {}
_NONE: frozenset = frozenset()


def reason_labels() -> dict[str, str]:
    """Short names of the hard rules, in the order they are asked, for the summaries."""
    return {
        "inactive": _("Not active"),
        "language": _("Does not speak the language"),
        "mode": _("Does not take this kind of appointment"),
        "absent": _("Absent"),
        "overlap": _("Overlapping assignment"),
        "no_availability": _("No availability declared"),
        "outside_availability": _("Outside the declared availability"),
        "weekly_limit": _("Weekly limit reached"),
        "modules": _("Required modules missing"),
        "pledge": _("Confidentiality pledge missing"),
        "certificate": _("Extended police certificate missing or not valid"),
    }


def _within(windows, start: dt.time, end: dt.time) -> bool:
    """Tell whether one declared window holds the whole appointment (a loop, not any() over
    a generator, which cost a quarter of the rule time for a thousand speakers)."""
    for w in windows:  # noqa: SIM110 - a loop on purpose (see above)
        if w.start_time <= start and end <= w.end_time:
            return True
    return False


def breakers(people: Sequence[Person], ctx: Context) -> dict[str, Iterable[int]]:
    """Return, for each hard rule in the order of `reason_labels`, who breaks it (ids)."""
    ids = {m.id for m in people}
    languages, documents, attr = ctx.languages, ctx.documents, ctx.takes_attr
    found: dict[str, Iterable[int]] = {
        "inactive": [m.id for m in people if m.status != MediatorStatus.ACTIVE],
        "language": [mid for mid in ids if not languages.get(mid)],
        "mode": [m.id for m in people if not getattr(m, attr, False)],
        "absent": ids & ctx.absent.keys(),
        "overlap": ids & ctx.busy.keys(),
    }
    no_windows = ids - ctx.has_windows
    found["no_availability"] = no_windows
    outside = ids - no_windows
    if ctx.one_day:
        start, end = ctx.start_time, ctx.end_time
        outside -= {mid for mid, windows in ctx.windows.items() if _within(windows, start, end)}
    found["outside_availability"] = outside
    load = ctx.week_load
    found["weekly_limit"] = [m.id for m in people if load.get(m.id, 0) >= m.max_per_week]
    if ctx.required_modules:
        required = frozenset(mod.id for mod in ctx.required_modules)
        done = ctx.completed_modules
        found["modules"] = [mid for mid in ids if not required <= done.get(mid, _NONE)]
    found["pledge"] = [mid for mid in ids if "pledge" not in documents.get(mid, _NO_DOCUMENTS)]
    if ctx.needs_certificate:  # as `mediators.police_certificate_valid_on`, on loaded rows
        day, spans = ctx.day, ctx.certificate_spans
        valid = {mid for mid, (first, due) in spans.items() if first <= day < due}
        found["certificate"] = ids - valid
    return found


def broken_keys(people: Sequence[Person], ctx: Context) -> tuple[dict[int, list[str]],
                                                                   dict[str, int]]:
    """Return each excluded person's broken rules (in rule order; "overlap" once per
    overlapping booking) and how many people break each rule."""
    found: dict[int, list[str]] = {}
    counts: dict[str, int] = {}
    busy = ctx.busy
    for key, ids in breakers(people, ctx).items():
        n = 0
        for mid in ids:
            n += 1
            times = len(busy[mid]) if key == "overlap" else 1
            keys = found.get(mid)
            if keys is None:
                found[mid] = [key] * times
            else:
                keys.extend([key] * times)
        if n:
            counts[key] = n
    return found, counts


def broken_ids(people: Sequence[Person], ctx: Context) -> tuple[set[int], dict[str, int]]:
    """Return who breaks any hard rule and how many people break each one, without the
    per-person keys: the week planner needs only who is eligible, for 500 requests."""
    excluded: set[int] = set()
    counts: dict[str, int] = {}
    for key, ids in breakers(people, ctx).items():
        ids = ids if isinstance(ids, set) else set(ids)
        if ids:
            counts[key] = len(ids)
            excluded |= ids
    return excluded, counts


def broken(person: Person, ctx: Context) -> list[str]:
    """Return the hard rules one person breaks for this request (empty: may take it)."""
    return broken_keys([person], ctx)[0].get(person.id, [])


def _weekly_limit_text(m: Person, ctx: Context, _: Texts) -> str:
    return _("Weekly limit reached (%(load)s of %(limit)s in week %(week)s)",
             load=ctx.week_load.get(m.id, 0), limit=m.max_per_week,
             week=ctx.local_start.isocalendar()[1])


def _modules_text(m: Person, ctx: Context, _: Texts) -> str:
    done = ctx.completed_modules.get(m.id, _NONE)
    return _("Required modules missing: %(modules)s",
             modules=", ".join(mod.code for mod in ctx.required_modules if mod.id not in done))


def _certificate_text(m: Person, ctx: Context, _: Texts) -> str:
    doc = ctx.documents.get(m.id, _NO_DOCUMENTS).get("police_certificate")
    return certificate_reason(doc, ctx.day, ctx, _)


# the exact reason of every rule but "overlap" (worded per booking in `reasons_for`)
_WORDING: dict[str, Callable[[Person, Context, Texts], str]] = {
    "inactive": lambda m, ctx, _: _("Not active (status: %(status)s)",
                                    status=_.label("mediator_status", m.status)),
    "language": lambda m, ctx, _: _("Does not speak the language"),
    "mode": lambda m, ctx, _: _("Does not take appointments %(mode)s",
                                mode=_.label("request_mode", ctx.mode)),
    "absent": lambda m, ctx, _: absence_text(ctx.absent[m.id], ctx, _),
    "no_availability": lambda m, ctx, _: _("No availability declared"),
    "outside_availability": lambda m, ctx, _: _(
        "Availability: %(windows)s (the appointment is outside)",
        windows=windows_text(ctx.week_windows.get(m.id, ()), _)),
    "weekly_limit": _weekly_limit_text,
    "modules": _modules_text,
    "pledge": lambda m, ctx, _: _("Confidentiality pledge missing"),
    "certificate": _certificate_text,
}


def reasons_for(m: Person, keys: list[str], ctx: Context, _: Texts) -> list[str]:
    """Word the broken rules: each reason names its facts (the declared windows, the
    absence, the other booking, the document and its expiry)."""
    texts: list[str] = []
    overlaps = iter(ctx.busy.get(m.id, ()))
    for key in keys:
        if key == "overlap":
            texts.append(overlap_text(next(overlaps), ctx.mode, ctx, _))
        else:
            texts.append(_WORDING[key](m, ctx, _))
    return texts


class Excluded:
    """An excluded speaker: the broken rules' keys at once, their wording when first read."""

    __slots__ = ("mediator", "keys", "_ctx", "_texts", "_reasons")

    def __init__(self, mediator: Speaker, keys: list[str], ctx: Context, texts: Texts):
        self.mediator = mediator
        self.keys = keys
        self._ctx = ctx
        self._texts = texts
        self._reasons: list[str] | None = None

    @property
    def reasons(self) -> list[str]:
        if self._reasons is None:
            self._reasons = reasons_for(self.mediator, self.keys, self._ctx, self._texts)
        return self._reasons


def exclusions(m: Person, ctx: Context, _: Texts | None = None) -> list[tuple[str, str]]:
    """Return (rule key, exact reason) for every hard rule the mediator breaks."""
    keys = broken(m, ctx)
    return list(zip(keys, reasons_for(m, keys, ctx, _ or Texts()), strict=True))


def exclusion_reasons(m: Person, ctx: Context) -> list[str]:
    """Return every hard rule the mediator breaks for this request (empty: may take it)."""
    return [text for _key, text in exclusions(m, ctx)]
