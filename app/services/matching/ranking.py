"""Rank the mediators for one request and say why the others are excluded.

The coordinator must be able to trust the list, so every exclusion carries the exact reason
and every score is shown as its components. It must also stay fast with thousands of
mediators and a long history: mediators are prefiltered by language in SQL and everything else
is batch-loaded in a fixed handful of queries (never one query per mediator).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import current_app

from app.i18n import ui_language
from app.models import InterpretingRequest
from app.models.request import REMOTE_MODES
from app.services.core.languages import language_name
from app.services.matching.facts import (
    Context,
    Speaker,
    context_for,
    load_context,
    load_time_facts,
    speaker_facts,
    time_window,
)
from app.services.matching.reasons import Texts as _Texts
from app.services.matching.rules import Excluded, Person, broken_ids, broken_keys
from app.services.matching.rules import exclusion_reasons as exclusion_reasons
from app.services.matching.rules import exclusions as exclusions
from app.services.matching.rules import reason_labels as reason_labels
from app.services.matching.score_facts import (
    apply_score_facts,
    load_recent_minutes,
    load_score_facts,
    load_served,
)
from app.timeutil import now_utc

LEVEL_POINTS = {"native": 15, "C2": 12, "C1": 9, "B2": 5, "B1": 2}
MAX_FAIRNESS = 20

@dataclass
class Component:
    """One part of a score, shown to the coordinator as label, points and detail."""

    key: str
    label: str
    points: int
    detail: str = ""


@dataclass
class Candidate:
    mediator: Speaker
    components: list[Component] = field(default_factory=list)
    recent_minutes: int = 0

    @property
    def score(self) -> int:
        return sum(c.points for c in self.components)


@dataclass
class MatchResult:
    ranked: list[Candidate]
    excluded: list[Excluded]  # fewest broken rules first (empty from `match_many`)
    rule_counts: dict[str, int] = field(default_factory=dict)  # rule -> speakers breaking it
    excluded_count: int = 0


# -- soft scores ---------------------------------------------------------------------------


def _language_components(m: Person, ctx: Context, _: _Texts) -> list[Component]:
    langs = ctx.languages.get(m.id, [])
    wanted = ctx.req.variety.strip().casefold()
    exact = [x for x in langs if wanted and x.variety.strip().casefold() == wanted]
    best = max(exact or langs, key=lambda x: LEVEL_POINTS.get(x.level, 0))
    parts = []
    if wanted:
        if exact:
            parts.append(Component("variety", _("Variety"), 20,
                                   _("speaks %(variety)s", variety=best.variety)))
        else:
            parts.append(Component("variety", _("Variety"), 0, _("other variety")))
    level = _.label("language_level", best.level)
    if best.code != ctx.req.language_code:  # a related language (see languages.matching_codes)
        level = f"{level} ({language_name(best.code, ui_language())})"
    parts.append(Component("level", _("Language level"), LEVEL_POINTS.get(best.level, 0),
                           level))
    return parts


def _gender_component(m: Person, ctx: Context, _: _Texts) -> Component:
    wanted = ctx.req.preferred_gender
    if wanted == "none":
        return Component("gender", _("Gender preference"), 0, _("no preference"))
    if m.gender == wanted:
        return Component("gender", _("Gender preference"), 15, _("matches"))
    return Component("gender", _("Gender preference"), -15, _("does not match"))


def _continuity_component(m: Person, ctx: Context, _: _Texts) -> Component:
    if m.id in ctx.served_earlier:
        return Component("continuity", _("Continuity"), 25, _("served the earlier request"))
    if m.id in ctx.served_institution:
        return Component("continuity", _("Continuity"), 10, _("knows this institution"))
    return Component("continuity", _("Continuity"), 0, "")


def _fairness_component(minutes: int, most: int, _: _Texts) -> Component:
    points = MAX_FAIRNESS if most <= 0 else round(MAX_FAIRNESS * (1 - minutes / most))
    hours = f"{minutes / 60:.1f}"  # the decimal mark of the page's language, not always ","
    hours = hours if ui_language() == "en" else hours.replace(".", ",")
    return Component("fairness", _("Fairness"), points,
                     _("%(hours)s h in the last 90 days", hours=hours))


def _district_component(m: Person, ctx: Context, _: _Texts) -> Component:
    if ctx.req.mode in REMOTE_MODES:  # nobody travels: district and mobility do not count
        return Component("district", _("District / mobility"), 0,
                         _("not needed (%(mode)s)", mode=_.label("request_mode", ctx.req.mode)))
    district = ctx.req.institution.district
    if district and m.district == district:
        return Component("district", _("District / mobility"), 10, _("same district"))
    points = {"car": 5, "public": 5, "bike": 2, "foot": 0}.get(m.mobility, 0)
    return Component("district", _("District / mobility"), points,
                     _.label("mobility", m.mobility))


def score(m: Person, ctx: Context, most_minutes: int, _: _Texts | None = None) -> Candidate:
    """Build a candidate with every soft score component."""
    _ = _ or _Texts()
    minutes = ctx.recent_minutes.get(m.id, 0)
    parts = _language_components(m, ctx, _)
    parts += [
        _gender_component(m, ctx, _),
        _continuity_component(m, ctx, _),
        _fairness_component(minutes, most_minutes, _),
        _district_component(m, ctx, _),
    ]
    return Candidate(mediator=m, components=parts, recent_minutes=minutes)


def match(req: InterpretingRequest, now: dt.datetime | None = None, *,
          cached: bool = False) -> MatchResult:
    """Return the ranked candidates and the excluded speakers (with reasons) for a request.

    `cached` (pages that only show the list) takes the speakers' date-independent facts from
    this worker's stamped copy; writes (offers, booking) read them fresh.
    """
    mediators, ctx = load_context(req, cached)
    return _match_in(mediators, ctx, now or now_utc(), _Texts())


def match_many(requests: list[InterpretingRequest],
               now: dt.datetime | None = None) -> dict[int, MatchResult]:
    """Match many requests (a week's) with their facts loaded once per language.

    Why: the week planner asks about every open request of a week, hundreds at state
    scale; loading each language's speakers and the whole span's bookings once, then cutting
    each request's facts out in Python, gives the same answers as `match` per request.
    Speaker facts come from this worker's stamped copy (a proposal only; sending the
    offers matches again with fresh facts).
    """
    now = now or now_utc()
    buffer = dt.timedelta(minutes=current_app.config["TRAVEL_BUFFER_MINUTES"])
    texts = _Texts()
    results: dict[int, MatchResult] = {}
    by_language: dict[str, list[InterpretingRequest]] = {}
    for req in requests:
        by_language.setdefault(req.language_code, []).append(req)
    for code, group in by_language.items():
        speakers = speaker_facts(code, cached=True)
        windows = [time_window(req, buffer) for req in group]
        timed = load_time_facts(code, min(w[0] for w in windows), max(w[1] for w in windows))
        split = []
        for req in group:
            ctx = context_for(req, speakers, timed, buffer)
            excluded, counts = broken_ids(speakers.mediators, ctx)
            eligible = [m for m in speakers.mediators if m.id not in excluded]
            split.append((req, ctx, eligible, counts, len(excluded)))
        # the score facts of those eligible for some request of the week, not of everyone
        ids = sorted({m.id for *_head, eligible, _c, _n in split for m in eligible})
        recent = load_recent_minutes(ids, now)
        served = load_served(ids, {req.institution_id for req in group}, now) if ids else {}
        for req, ctx, eligible, counts, n_excluded in split:
            apply_score_facts(ctx, recent, served)
            results[req.id] = MatchResult(ranked=_ranked(eligible, ctx, texts), excluded=[],
                                          rule_counts=counts, excluded_count=n_excluded)
    return results


def _ranked(eligible: list[Speaker], ctx: Context, texts: _Texts) -> list[Candidate]:
    """Score the eligible speakers (score facts already in `ctx`), best first."""
    most = max((ctx.recent_minutes.get(m.id, 0) for m in eligible), default=0)
    ranked = [score(m, ctx, most, texts) for m in eligible]
    ranked.sort(key=lambda c: (-c.score, c.recent_minutes, c.mediator.sort_name, c.mediator.id))
    return ranked


def _match_in(mediators: list[Speaker], ctx: Context, now: dt.datetime,
              texts: _Texts) -> MatchResult:
    """Split the speakers into excluded (with their broken rules) and ranked."""
    found, counts = broken_keys(mediators, ctx)
    eligible: list[Speaker] = []
    by_count: dict[int, list[Excluded]] = {}
    for m in mediators:  # in name order, so each group stays in name order
        keys = found.get(m.id)
        if keys is None:
            eligible.append(m)
        else:
            by_count.setdefault(len(keys), []).append(Excluded(m, keys, ctx, texts))
    # closest to eligible first: a speaker with one broken rule is the likely override
    excluded = [e for n in sorted(by_count) for e in by_count[n]]
    load_score_facts(ctx, [m.id for m in eligible], now)
    return MatchResult(ranked=_ranked(eligible, ctx, texts), excluded=excluded,
                       rule_counts=counts, excluded_count=len(excluded))


def check_eligible(req: InterpretingRequest, mediator: Person) -> list[str]:
    """Return the exclusion reasons of one mediator for a request (used right before booking)."""
    _mediators, ctx = load_context(req)
    return exclusion_reasons(mediator, ctx)
