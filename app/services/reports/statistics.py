"""Compute the statistics the MIB reports to the council, aggregated in SQL.

Why: the figures used to be counted by hand. Requests count in the local month of their
appointment (`starts_at`). To stay fast on a million requests, the request figures come from
one GROUP BY query (the "request cube": month × language × institution kind × outcome with
counts and summed lead times) and the work figures from one more over assignments; the
tables are then cut from these few hundred rows in Python, never by a query per row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _

from app.extensions import db
from app.labels import label
from app.models import Assignment, Institution, InterpretingRequest
from app.models.enums import AssignmentStatus, Outcome, RequestStatus
from app.models.request import BOOKED_REQUEST_STATUSES
from app.services.core.languages import language_name
from app.services.core.periods import Period, month_bucket
from app.services.reports import unfilled as not_served_report
from app.services.reports.pool_figures import active_by_language, cohorts, meeting_attendance
from app.services.reports.table import Table

__all__ = ["Table", "build_report", "cohorts", "meeting_attendance"]

OUTCOME_KEYS = ("fulfilled", "no_show", "cancelled", "unfilled", "open")


def outcome_labels() -> dict[str, str]:
    return {
        "fulfilled": _("Fulfilled"),
        "no_show": _("No-show"),
        "cancelled": _("Cancelled"),
        "unfilled": _("Unfilled"),
        "open": _("Open"),
    }


def _outcome_case():
    """Classify a request: booked requests whose family did not come count as no-show."""
    r = InterpretingRequest
    return sa.case(
        (r.status == RequestStatus.CANCELLED, "cancelled"),
        (r.status == RequestStatus.UNFILLED, "unfilled"),
        (r.is_open, "open"),
        (r.outcome == Outcome.NO_SHOW, "no_show"),
        else_="fulfilled",
    )


def _seconds_between(later, earlier):
    if db.engine.dialect.name == "postgresql":
        return sa.extract("epoch", later - earlier)
    return (sa.func.julianday(later) - sa.func.julianday(earlier)) * 86400.0


def _lead_seconds():
    r = InterpretingRequest
    return _seconds_between(r.assigned_at, r.created_at)


@dataclass
class CubeRow:
    month: int
    language: str
    kind: str
    mode: str
    outcome: str
    requests: int
    assigned: int
    lead_seconds: float


def request_cube(period: Period) -> list[CubeRow]:
    """Group the period's requests by month, language, institution kind, mode and outcome."""
    r = InterpretingRequest
    sub = (
        sa.select(month_bucket(r.starts_at, period).label("b"), r.language_code.label("lang"),
                  Institution.kind.label("kind"), r.mode.label("mode"),
                  _outcome_case().label("o"),
                  r.assigned_at.label("assigned"), _lead_seconds().label("s"))
        .join(Institution, Institution.id == r.institution_id)
        .where(_every_status(), period.contains(r.starts_at))
        .subquery()
    )
    keys = (sub.c.b, sub.c.lang, sub.c.kind, sub.c.mode, sub.c.o)
    stmt = sa.select(*keys, sa.func.count(), sa.func.count(sub.c.assigned),
                     sa.func.sum(sub.c.s)).group_by(*keys)
    return [CubeRow(b, lang, kind, mode, o, n, assigned, float(s or 0))
            for b, lang, kind, mode, o, n, assigned, s in db.session.execute(stmt).all()]


def _every_status():
    """Name every request status (a no-op filter): PostgreSQL then reads the period from the
    covering (status, starts_at) index, one range per status, without visiting the table."""
    return InterpretingRequest.status.in_(tuple(RequestStatus))


def _month_label(first: dt.date) -> str:
    return format_date(first, "MMM yyyy")


def requests_by_month(period: Period, cube: list[CubeRow] | None = None) -> Table:
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for row in request_cube(period) if cube is None else cube:
        counts[(row.month, row.outcome)] += row.requests
    labels = outcome_labels()
    table = Table("requests_by_month", _("Requests per month by outcome"),
                  [_("Month"), *labels.values(), _("Total")], chart="stacked",
                  series=len(OUTCOME_KEYS), short=_("Requests per month"))
    for index, first in enumerate(period.months()):
        values = [counts[(index, key)] for key in OUTCOME_KEYS]
        table.rows.append([_month_label(first), *values, sum(values)])
    return table


def _outcomes_by(attr: str, cube: list[CubeRow], key_label, title: str, key: str,
                 short: str = "") -> Table:
    per_key: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in cube:
        per_key[getattr(row, attr)][row.outcome] += row.requests
    # every outcome is drawn (open ones too): the bar's length is the table's total, and
    # the rows are sorted by it
    table = Table(key, title, [key_label, *outcome_labels().values(), _("Total")],
                  chart="stacked", series=len(OUTCOME_KEYS), short=short)
    ordered = sorted(per_key.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    for k, values in ordered:
        numbers = [values.get(o, 0) for o in OUTCOME_KEYS]
        table.rows.append([k, *numbers, sum(numbers)])
    return table


def requests_by_language(period: Period, locale: str = "de",
                         cube: list[CubeRow] | None = None) -> Table:
    cube = request_cube(period) if cube is None else cube
    table = _outcomes_by("language", cube, _("Language"), _("Requests by language"),
                         "requests_by_language")
    for row in table.rows:
        row[0] = language_name(row[0], locale)
    return table


def requests_by_institution_kind(period: Period, cube: list[CubeRow] | None = None) -> Table:
    cube = request_cube(period) if cube is None else cube
    table = _outcomes_by("kind", cube, _("Kind of institution"),
                         _("Requests by kind of institution"), "requests_by_kind",
                         short=_("By kind of institution"))
    for row in table.rows:
        row[0] = label("institution_kind", row[0])
    return table


def requests_by_mode(period: Period, cube: list[CubeRow] | None = None) -> Table:
    """Count the requests on site, by phone and by video, by outcome (docs/modes.md)."""
    cube = request_cube(period) if cube is None else cube
    table = _outcomes_by("mode", cube, _("Mode"), _("Requests by mode"), "requests_by_mode")
    for row in table.rows:
        row[0] = label("request_mode", row[0])
    return table


def recruiting_gap(period: Period, locale: str = "de", cube: list[CubeRow] | None = None,
                   active: dict[str, int] | None = None) -> Table:
    """List the languages in which requests went unfilled, with the active mediators we have."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in request_cube(period) if cube is None else cube:
        totals[row.language][1] += row.requests
        if row.outcome == RequestStatus.UNFILLED:  # the category is named after the status
            totals[row.language][0] += row.requests
    active = active_by_language() if active is None else active
    table = Table("recruiting_gap", _("Languages with unfilled requests (recruiting gap)"),
                  [_("Language"), _("Unfilled"), _("Requests"), _("Active mediators")],
                  short=_("Recruiting gap"))
    gaps = sorted((item for item in totals.items() if item[1][0] > 0),
                  key=lambda item: (-item[1][0], item[0]))
    for code, (unfilled, total) in gaps:
        table.rows.append([language_name(code, locale), unfilled, total, active.get(code, 0)])
    return table


def _median_lead_seconds(period: Period, count: int) -> float | None:
    """Return the median lead time: percentile_cont on PostgreSQL, the middle rows on SQLite."""
    if not count:
        return None
    r = InterpretingRequest
    where = sa.and_(_every_status(), period.contains(r.starts_at), r.assigned_at.is_not(None))
    seconds = _lead_seconds()
    if db.engine.dialect.name == "postgresql":
        stmt = sa.select(sa.func.percentile_cont(0.5).within_group(seconds)).where(where)
        return float(db.session.scalar(stmt))
    middle = sa.select(seconds).where(where).order_by(seconds)
    values = db.session.scalars(middle.offset((count - 1) // 2).limit(2 - count % 2)).all()
    return sum(float(v) for v in values) / len(values)


def lead_time(period: Period, cube: list[CubeRow] | None = None) -> tuple[Table, dict]:
    """Return hours from request to assignment per month, plus the period's median and mean."""
    per_month: dict[int, list[float]] = defaultdict(lambda: [0, 0.0])
    for row in request_cube(period) if cube is None else cube:
        per_month[row.month][0] += row.assigned
        per_month[row.month][1] += row.lead_seconds
    table = Table("lead_time", _("Lead time from request to assignment"),
                  [_("Month"), _("Assigned requests"), _("Mean hours")], value_index=2,
                  short=_("Lead time"))
    for index, first in enumerate(period.months()):
        n, seconds = per_month.get(index, (0, 0.0))
        table.rows.append([_month_label(first), n, round(seconds / n / 3600, 1) if n else 0])
    count = sum(n for n, _s in per_month.values())
    total = sum(s for _n, s in per_month.values())
    median = _median_lead_seconds(period, count)
    return table, {
        "count": count,
        "median": round(median / 3600, 1) if median is not None else None,
        "mean": round(total / count / 3600, 1) if count else None,
    }


@dataclass
class WorkFigures:
    """Completed work of a period: per local month (assignments, minutes, distinct mediators)
    and per language (distinct mediators who worked in it)."""

    by_month: dict[int, tuple[int, int, int]]
    people_by_language: dict[str, int]


def _work_source(period: Period):
    """Completed assignments of the period with their month, language, mediator and minutes.

    A mediator who did not show up did not work; minutes are the reported ones, else planned.
    The month is the appointment's. Both tables are cut by the period on their own start
    (an assignment keeps its request's times), so PostgreSQL reads two covering indexes
    instead of joining every booked request of ten years.
    """
    a, r = Assignment, InterpretingRequest
    return (
        sa.select(month_bucket(a.starts_at, period).label("b"), r.language_code.label("lang"),
                  a.mediator_id.label("who"),
                  sa.func.coalesce(a.reported_minutes, r.duration_minutes).label("m"))
        .select_from(a)
        .join(r, r.id == a.request_id)
        .where(a.status == AssignmentStatus.COMPLETED, period.contains(a.starts_at),
               a.mediator_no_show.is_(False), period.contains(r.starts_at),
               r.status.in_(BOOKED_REQUEST_STATUSES))
        .subquery()
    )


def work_figures(period: Period) -> WorkFigures:
    """Aggregate the period's completed work in SQL (one query on PostgreSQL, two on SQLite).

    Why not one row per month, language and mediator: a state-wide year has ~50,000 such
    rows, and moving them into Python cost more than the aggregation itself.
    """
    sub = _work_source(period)
    people = sa.func.count(sa.distinct(sub.c.who))
    if db.engine.dialect.name == "postgresql":
        stmt = sa.select(sub.c.b, sub.c.lang, sa.func.count(), sa.func.sum(sub.c.m), people,
                         sa.func.grouping(sub.c.b)).group_by(
            sa.func.grouping_sets(sa.tuple_(sub.c.b), sa.tuple_(sub.c.lang)))
        rows = db.session.execute(stmt).all()
        by_month = {b: (n, int(m or 0), who) for b, _l, n, m, who, g in rows if g == 0}
        by_lang = {lang: who for _b, lang, _n, _m, who, g in rows if g == 1}
        return WorkFigures(by_month, by_lang)
    month_rows = db.session.execute(
        sa.select(sub.c.b, sa.func.count(), sa.func.sum(sub.c.m), people).group_by(sub.c.b))
    lang_rows = db.session.execute(sa.select(sub.c.lang, people).group_by(sub.c.lang))
    return WorkFigures({b: (n, int(m or 0), who) for b, n, m, who in month_rows},
                       dict(lang_rows.all()))


def volunteer_hours(period: Period, work: WorkFigures | None = None) -> Table:
    """Sum the hours of completed assignments per local month."""
    by_month = (work_figures(period) if work is None else work).by_month
    table = Table("volunteer_hours", _("Hours of volunteer work per month"),
                  [_("Month"), _("Hours"), _("Assignments"), _("Mediators")],
                  short=_("Volunteer hours"))
    for index, first in enumerate(period.months()):
        n, minutes, people = by_month.get(index, (0, 0, 0))
        table.rows.append([_month_label(first), round(minutes / 60, 1), n, people])
    return table


def mediators_by_language(period: Period, locale: str = "de", work: WorkFigures | None = None,
                          active: dict[str, int] | None = None) -> Table:
    """Count active mediators per language now, and who worked in that language in the period."""
    worked = (work_figures(period) if work is None else work).people_by_language
    active = active_by_language() if active is None else active
    table = Table("mediators_by_language", _("Active mediators per language"),
                  [_("Language"), _("Active mediators"), _("With assignments in the period")])
    for code in sorted(set(active) | set(worked), key=lambda c: (-active.get(c, 0), c)):
        table.rows.append([language_name(code, locale), active.get(code, 0),
                           worked.get(code, 0)])
    return table


REPORT_WORK_MEM = "32MB"  # for this transaction only (set_config(..., is_local => true))


def build_report(period: Period, locale: str = "de") -> tuple[list[Table], dict]:
    """Return every table of the period plus the lead-time summary, from a fixed few queries.

    On PostgreSQL the transaction gets REPORT_WORK_MEM: a state's year is 100,000 requests in
    ~5,000 groups, and with the default 4 MB the planner sorts them (450 ms) where a hash
    aggregate takes half of that.
    """
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT set_config('work_mem', :mem, true)"),
                           {"mem": REPORT_WORK_MEM})
    cube, work, active = request_cube(period), work_figures(period), active_by_language()
    lead_table, lead_summary = lead_time(period, cube)
    not_served = not_served_report.not_served_counts(period)
    tables = [
        requests_by_month(period, cube),
        requests_by_language(period, locale, cube),
        recruiting_gap(period, locale, cube, active),
        not_served_report.by_reason(not_served),
        not_served_report.by_language(not_served, active, locale),
        requests_by_institution_kind(period, cube),
        requests_by_mode(period, cube),
        lead_table,
        volunteer_hours(period, work),
        mediators_by_language(period, locale, work, active),
        meeting_attendance(period),
        cohorts(),
    ]
    return tables, lead_summary
