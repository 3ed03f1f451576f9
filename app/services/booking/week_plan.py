"""Propose offers for a whole week ("Plan vorschlagen") and send the reviewed plan at once.

Why glue and not a new rule set: the matching service alone decides who may serve a request
(its hard rules) and how well (its score); this module only turns its answers for every open
request of one week into the solver's `PlanInput`, adds each mediator's remaining weekly
capacity, and reads the CP-SAT result back as lines the coordinator can review. Sending goes
through `offers.send_offers`, which checks eligibility again at the moment of sending.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Assignment, InterpretingRequest, Mediator, Offer, User
from app.models.enums import AssignmentStatus, OfferStatus
from app.services.booking import offers
from app.services.core import bounds
from app.services.core.errors import DomainError
from app.services.matching import ranking as matching
from app.services.matching import solver as planner
from app.services.matching.facts import Speaker
from app.timeutil import from_local, now_utc


@dataclass
class Option:
    mediator: Speaker
    score: int


@dataclass
class Line:
    """One open request: its eligible mediators (best first) and the proposed one.

    A request with offers still awaiting an answer is "offers out" (`pending`): nobody is
    proposed for it unless the coordinator asks to plan it again (`replan`)."""

    request: InterpretingRequest
    options: list[Option] = field(default_factory=list)
    proposed_id: int | None = None
    reason: str = ""  # why nobody is proposed
    pending: list[Offer] = field(default_factory=list)
    replan: bool = False

    @property
    def offers_out(self) -> bool:
        return bool(self.pending) and not self.replan

    @property
    def proposed(self) -> Option | None:
        return next((o for o in self.options if o.mediator.id == self.proposed_id), None)


@dataclass
class WeekPlan:
    monday: dt.date
    lines: list[Line]
    result: planner.PlanResult | None = None
    held_offers: dict[int, int] = field(default_factory=dict)  # mediator -> offers out

    @property
    def covered(self) -> int:
        return sum(1 for line in self.lines if line.proposed_id is not None)

    @property
    def planned(self) -> int:
        """The lines the planner plans (those with offers out wait for their answers)."""
        return sum(1 for line in self.lines if not line.offers_out)

    @property
    def replan_ids(self) -> list[int]:
        return [line.request.id for line in self.lines if line.replan]


def monday_of(day: dt.date) -> dt.date:
    """Return the Monday of the (local, ISO) week that holds `day`."""
    return day - dt.timedelta(days=day.weekday())


def week_bounds(monday: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Return the UTC bounds of the local week starting on `monday`."""
    return from_local(monday, dt.time(0)), from_local(monday + dt.timedelta(days=7), dt.time(0))


def open_requests(monday: dt.date) -> list[InterpretingRequest]:
    """Return the week's open requests that have not begun, in order of their start."""
    start, end = week_bounds(monday)
    start = max(start, now_utc())
    return list(db.session.scalars(
        sa.select(InterpretingRequest)
        .where(InterpretingRequest.is_open, InterpretingRequest.starts_at >= start,
               InterpretingRequest.starts_at < end)
        .options(selectinload(InterpretingRequest.institution),
                 selectinload(InterpretingRequest.offers).selectinload(Offer.mediator))
        .order_by(InterpretingRequest.starts_at, InterpretingRequest.id)
    ))


def _capacity(mediators: dict[int, Speaker], monday: dt.date,
              now: dt.datetime) -> tuple[dict[int, int], dict[int, int]]:
    """Return each mediator's remaining weekly limit and their offers out this week.

    An offer still awaiting its answer counts like a booking here: the person may accept it,
    and a plan that relied on that slot would take them past their limit. (The matching for
    one request does not count offers: there the coordinator sees and decides.)
    """
    if not mediators:
        return {}, {}
    start, end = week_bounds(monday)
    ids = list(mediators)
    booked = dict(db.session.execute(
        sa.select(Assignment.mediator_id, sa.func.count())
        .where(Assignment.mediator_id.in_(ids), Assignment.status == AssignmentStatus.ACTIVE,
               Assignment.starts_at >= start, Assignment.starts_at < end)
        .group_by(Assignment.mediator_id)
    ).all())
    held = dict(db.session.execute(
        sa.select(Offer.mediator_id, sa.func.count(sa.distinct(Offer.request_id)))
        .join(InterpretingRequest, InterpretingRequest.id == Offer.request_id)
        .where(Offer.mediator_id.in_(ids), Offer.status == OfferStatus.PENDING,
               Offer.expires_at > now,
               InterpretingRequest.is_open, InterpretingRequest.starts_at >= start,
               InterpretingRequest.starts_at < end)
        .group_by(Offer.mediator_id)
    ).all())
    capacity = {mid: max(0, m.max_per_week - booked.get(mid, 0) - held.get(mid, 0))
                for mid, m in mediators.items()}
    return capacity, held


def _no_candidate_reason(result: matching.MatchResult, offered: set[int],
                         held: set[int]) -> str:
    """Explain an empty candidate list, the most basic cause first.

    Why this order: "already had an offer" for a language nobody speaks sent the office
    looking for answers that would never come; whether anyone speaks the language at all
    decides before who was asked.
    """
    if not result.ranked and not result.excluded_count:
        return _("Nobody in the pool speaks this language.")
    if result.ranked:  # eligible people exist, every one of them is taken out below
        if all(c.mediator.id in offered for c in result.ranked):
            return _("Every eligible mediator has already had an offer.")
        return _("Every eligible mediator has had an offer for this request or holds one "
                 "for another request at the same time.")
    rules = Counter(result.rule_counts)
    if not rules:  # excluded without a named rule: nothing more precise to say
        return _("Every eligible mediator has already had an offer.")
    common, count = rules.most_common(1)[0]
    return _("No eligible mediator (most common reason: %(reason)s – %(hits)s of %(total)s).",
             reason=matching.reason_labels()[common], hits=count, total=result.excluded_count)


def _pending(req: InterpretingRequest, now: dt.datetime) -> list[Offer]:
    return sorted((o for o in req.offers if o.status == OfferStatus.PENDING and o.expires_at > now),
                  key=lambda o: (o.created_at, o.id))


def _slot(req: InterpretingRequest) -> planner.PlanRequest:
    return planner.PlanRequest(req.id, req.starts_at, req.ends_at, not req.is_remote)


def _held_elsewhere(requests: list[InterpretingRequest], pending: dict[int, list[Offer]],
                    buffer: dt.timedelta) -> dict[int, set[int]]:
    """Return, per request, the mediators holding a pending offer for another request at an
    overlapping time (travel buffer included): proposing them could book them twice."""
    slots = {r.id: _slot(r) for r in requests}
    held: dict[int, set[int]] = {r.id: set() for r in requests}
    for other_id, offers_out in pending.items():
        for req in requests:
            if req.id != other_id and planner.conflicts(slots[req.id], slots[other_id], buffer):
                held[req.id].update(o.mediator_id for o in offers_out)
    return held


def build(monday: dt.date, replan: Iterable[int] = ()) -> tuple[WeekPlan, planner.PlanInput]:
    """Ask the matching service about every open request of the week; return lines and input.

    Requests with offers awaiting an answer are left out of the plan unless their id is in
    `replan`, and nobody holding such an offer is proposed for an overlapping request.
    """
    bounds.check_appointment_week(monday)
    now = now_utc()
    replan = set(replan)
    buffer = dt.timedelta(minutes=current_app.config["TRAVEL_BUFFER_MINUTES"])
    lines, mediators = [], {}
    requests = open_requests(monday)
    pending = {req.id: offers_out for req in requests if (offers_out := _pending(req, now))}
    held = _held_elsewhere(requests, pending, buffer)
    results = matching.match_many(
        [r for r in requests if r.id not in pending or r.id in replan], now)
    for req in requests:
        line = Line(req, pending=pending.get(req.id, []), replan=req.id in replan)
        lines.append(line)
        if line.offers_out:
            continue
        result = results[req.id]
        offered = {o.mediator_id for o in req.offers}
        skip = offered | held[req.id]
        line.options = [Option(c.mediator, c.score) for c in result.ranked
                        if c.mediator.id not in skip]
        if not line.options:
            line.reason = _no_candidate_reason(result, offered, held[req.id])
        mediators.update({o.mediator.id: o.mediator for o in line.options})
    capacity, held_offers = _capacity(mediators, monday, now)
    plan_input = planner.PlanInput(
        requests=[_slot(li.request) for li in lines],
        eligible={li.request.id: {o.mediator.id: o.score for o in li.options} for li in lines},
        capacity=capacity, buffer=buffer)
    return WeekPlan(monday, lines, held_offers=held_offers), plan_input


def solve_limit(spent_s: float) -> float:
    """Return the solver's time limit after `spent_s` seconds of matching."""
    config = current_app.config
    return min(config["PLANNER_TIME_LIMIT_S"],
               max(config["PLANNER_MIN_SOLVE_S"], config["PLANNER_BUDGET_S"] - spent_s))


def propose(monday: dt.date, replan: Iterable[int] = ()) -> WeekPlan:
    """Build the week and solve it with CP-SAT: most requests covered, then scores, fairness.

    The solver gets what the matching left of the proposal's budget (`solve_limit`): the
    coordinator waits the same at state scale, and the page reports the gap of the plan.
    """
    started = time.monotonic()
    week, plan_input = build(monday, replan)
    if not plan_input.requests:
        return week
    limit = solve_limit(time.monotonic() - started)
    week.result = planner.solve(plan_input, time_limit_s=limit)
    for line in week.lines:
        line.proposed_id = week.result.assignments.get(line.request.id)
        if line.proposed_id is None and line.options:
            line.reason = _("Every eligible mediator is needed for another request at the "
                            "same time or has reached the weekly limit.")
            if all(plan_input.capacity.get(o.mediator.id, 0) == 0
                   and week.held_offers.get(o.mediator.id) for o in line.options):
                line.reason = _("Every eligible mediator has reached the weekly limit, "
                                "counting the offers still awaiting their answer.")
    return week


def send(actor: User | None, monday: dt.date, choices: dict[int, int | None],
         replan: Iterable[int] = ()) -> int:
    """Send one offer per chosen line (all or nothing); return the number of offers sent."""
    week, plan_input = build(monday, replan)
    known = {line.request.id: line for line in week.lines}
    chosen = {rid: mid for rid, mid in choices.items() if mid is not None}
    if not chosen:
        raise DomainError(_("Please choose a mediator for at least one request."))
    for rid, mid in chosen.items():
        line = known.get(rid)
        if line is None:
            raise DomainError(_("A request in this plan is no longer open. Please plan again."))
        if mid not in plan_input.eligible[rid]:
            m = db.session.get(Mediator, mid)
            raise DomainError(_("%(name)s cannot get an offer for this request.",
                                name=m.full_name if m else mid))
    if planner.check(plan_input, chosen):
        raise DomainError(_("The plan books a mediator twice at the same time (including "
                            "travel time) or beyond the weekly limit. Please change a line."))
    for rid, mid in sorted(chosen.items(), key=lambda kv: known[kv[0]].request.starts_at):
        offers.send_offers(actor, rid, [mid])
    return len(chosen)

