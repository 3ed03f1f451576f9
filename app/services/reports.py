"""Compute the statistics the MIB reports to the council, aggregated in SQL.

Why: the figures used to be counted by hand; here every figure is one GROUP BY query over a
period (no query per row), so a yearly report stays fast on a million requests. Requests
count in the local month of their appointment (`starts_at`). Every figure comes back as a
`Table`, which the pages show, chart, and export as CSV/XLSX without knowing its meaning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _

from app.extensions import db
from app.labels import label
from app.models import (
    Assignment,
    Cohort,
    Institution,
    InterpretingRequest,
    Mediator,
    MediatorLanguage,
    Meeting,
    MeetingAttendance,
)
from app.services.languages import language_name
from app.services.periods import Period, month_bucket
from app.timeutil import now_utc

OUTCOME_KEYS = ("fulfilled", "no_show", "cancelled", "unfilled", "open")
LEFT_STATUSES = ("retired", "withdrawn", "rejected")


@dataclass
class Table:
    """A titled table; the first column labels the rows, `chart` says what to draw."""

    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    chart: str = "bars"  # "stacked": columns[1:1+series]; "bars": column `value_index`
    series: int = 1
    value_index: int = 1
    note: str = ""


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
        (r.status == "cancelled", "cancelled"),
        (r.status == "unfilled", "unfilled"),
        (r.status.in_(("submitted", "offered")), "open"),
        (r.outcome == "no_show", "no_show"),
        else_="fulfilled",
    )


def _month_label(first: dt.date) -> str:
    return format_date(first, "MMM yyyy")


def _grouped(stmt_columns: list, where, *keys: str, join=None) -> list[sa.Row]:
    """Run SELECT keys, COUNT(*) over a subquery so CASE expressions group portably."""
    inner = sa.select(*stmt_columns)
    if join is not None:
        inner = inner.join(*join)
    sub = inner.where(where).subquery()
    cols = [sub.c[k] for k in keys]
    return db.session.execute(sa.select(*cols, sa.func.count()).group_by(*cols)).all()


def requests_by_month(period: Period) -> Table:
    r = InterpretingRequest
    rows = _grouped(
        [month_bucket(r.starts_at, period).label("b"), _outcome_case().label("o")],
        period.contains(r.starts_at),
        "b",
        "o",
    )
    counts: dict[tuple[int, str], int] = {(b, o): n for b, o, n in rows}
    labels = outcome_labels()
    table = Table("requests_by_month", _("Requests per month by outcome"),
                  [_("Month"), *labels.values(), _("Total")], chart="stacked", series=4)
    for index, first in enumerate(period.months()):
        values = [counts.get((index, key), 0) for key in OUTCOME_KEYS]
        table.rows.append([_month_label(first), *values, sum(values)])
    return table


def _outcomes_by(column, period: Period, key_label, title: str, key: str, join=None) -> Table:
    r = InterpretingRequest
    rows = _grouped([column.label("k"), _outcome_case().label("o")],
                    period.contains(r.starts_at), "k", "o", join=join)
    per_key: dict[str, dict[str, int]] = {}
    for k, o, n in rows:
        per_key.setdefault(k, {})[o] = n
    labels = outcome_labels()
    table = Table(key, title, [key_label, *labels.values(), _("Total")], chart="stacked",
                  series=4)
    ordered = sorted(per_key.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    for k, values in ordered:
        numbers = [values.get(o, 0) for o in OUTCOME_KEYS]
        table.rows.append([k, *numbers, sum(numbers)])
    return table


def requests_by_language(period: Period, locale: str = "de") -> Table:
    table = _outcomes_by(InterpretingRequest.language_code, period, _("Language"),
                         _("Requests by language"), "requests_by_language")
    for row in table.rows:
        row[0] = language_name(row[0], locale)
    return table


def requests_by_institution_kind(period: Period) -> Table:
    join = (Institution, Institution.id == InterpretingRequest.institution_id)
    table = _outcomes_by(Institution.kind, period, _("Kind of institution"),
                         _("Requests by kind of institution"), "requests_by_kind", join=join)
    for row in table.rows:
        row[0] = label("institution_kind", row[0])
    return table


def _active_by_language() -> dict[str, int]:
    ml = MediatorLanguage
    stmt = (
        sa.select(ml.code, sa.func.count(sa.distinct(ml.mediator_id)))
        .join(Mediator, Mediator.id == ml.mediator_id)
        .where(Mediator.status == "active")
        .group_by(ml.code)
    )
    return dict(db.session.execute(stmt).all())


def recruiting_gap(period: Period, locale: str = "de") -> Table:
    """List the languages in which requests went unfilled, with the active mediators we have."""
    r = InterpretingRequest
    stmt = (
        sa.select(
            r.language_code,
            sa.func.sum(sa.case((r.status == "unfilled", 1), else_=0)),
            sa.func.count(),
        )
        .where(period.contains(r.starts_at))
        .group_by(r.language_code)
        .having(sa.func.sum(sa.case((r.status == "unfilled", 1), else_=0)) > 0)
    )
    active = _active_by_language()
    table = Table("recruiting_gap", _("Languages with unfilled requests (recruiting gap)"),
                  [_("Language"), _("Unfilled"), _("Requests"), _("Active mediators")])
    rows = sorted(db.session.execute(stmt).all(), key=lambda row: (-row[1], row[0]))
    for code, unfilled, total in rows:
        table.rows.append([language_name(code, locale), int(unfilled), total,
                           active.get(code, 0)])
    return table


def _seconds_between(later, earlier):
    if db.engine.dialect.name == "postgresql":
        return sa.extract("epoch", later - earlier)
    return (sa.func.julianday(later) - sa.func.julianday(earlier)) * 86400.0


def lead_time(period: Period) -> tuple[Table, dict[str, float | int | None]]:
    """Return hours from request to assignment per month, plus the period's median and mean."""
    r = InterpretingRequest
    seconds = _seconds_between(r.assigned_at, r.created_at)
    where = sa.and_(period.contains(r.starts_at), r.assigned_at.is_not(None))
    sub = sa.select(month_bucket(r.starts_at, period).label("b"),
                    seconds.label("s")).where(where).subquery()
    rows = db.session.execute(
        sa.select(sub.c.b, sa.func.count(), sa.func.avg(sub.c.s)).group_by(sub.c.b)
    ).all()
    per_month = {b: (n, avg) for b, n, avg in rows}
    table = Table("lead_time", _("Lead time from request to assignment"),
                  [_("Month"), _("Assigned requests"), _("Mean hours")], value_index=2)
    for index, first in enumerate(period.months()):
        n, avg = per_month.get(index, (0, None))
        table.rows.append([_month_label(first), n, round(avg / 3600, 1) if avg else 0])
    count = sum(n for n, _avg in per_month.values())
    summary: dict[str, float | int | None] = {"count": count, "median": None, "mean": None}
    if count:
        total = sum(n * float(avg) for n, avg in per_month.values())
        summary["mean"] = round(total / count / 3600, 1)
        middle = sa.select(seconds).where(where).order_by(seconds)
        values = db.session.scalars(middle.offset((count - 1) // 2).limit(2 - count % 2)).all()
        summary["median"] = round(sum(float(v) for v in values) / len(values) / 3600, 1)
    return table, summary


def _worked_minutes():
    return sa.func.coalesce(Assignment.reported_minutes, InterpretingRequest.duration_minutes)


def volunteer_hours(period: Period) -> Table:
    """Sum the minutes of completed assignments (reported, else planned) per local month."""
    a = Assignment
    stmt = (
        sa.select(month_bucket(a.starts_at, period).label("b"), _worked_minutes().label("m"),
                  a.mediator_id.label("who"))
        .join(InterpretingRequest, InterpretingRequest.id == a.request_id)
        .where(period.contains(a.starts_at), a.status == "completed",
               a.mediator_no_show.is_(False))
        .subquery()
    )
    rows = db.session.execute(
        sa.select(stmt.c.b, sa.func.count(), sa.func.sum(stmt.c.m),
                  sa.func.count(sa.distinct(stmt.c.who))).group_by(stmt.c.b)
    ).all()
    per_month = {b: (n, minutes, people) for b, n, minutes, people in rows}
    table = Table("volunteer_hours", _("Hours of volunteer work per month"),
                  [_("Month"), _("Hours"), _("Assignments"), _("Mediators")])
    for index, first in enumerate(period.months()):
        n, minutes, people = per_month.get(index, (0, 0, 0))
        table.rows.append([_month_label(first), round((minutes or 0) / 60, 1), n, people])
    return table


def mediators_by_language(period: Period, locale: str = "de") -> Table:
    """Count active mediators per language now, and who worked in that language in the period."""
    a, r = Assignment, InterpretingRequest
    worked_stmt = (
        sa.select(r.language_code, sa.func.count(sa.distinct(a.mediator_id)))
        .join(r, r.id == a.request_id)
        .where(period.contains(a.starts_at), a.status == "completed")
        .group_by(r.language_code)
    )
    worked = dict(db.session.execute(worked_stmt).all())
    active = _active_by_language()
    table = Table("mediators_by_language", _("Active mediators per language"),
                  [_("Language"), _("Active mediators"), _("With assignments in the period")])
    for code in sorted(set(active) | set(worked), key=lambda c: (-active.get(c, 0), c)):
        table.rows.append([language_name(code, locale), active.get(code, 0),
                           worked.get(code, 0)])
    return table


def meeting_attendance(period: Period) -> Table:
    """Count held meetings and participants per kind (cancelled and future ones excluded)."""
    m, att = Meeting, MeetingAttendance
    stmt = (
        sa.select(
            m.kind,
            sa.func.count(sa.distinct(m.id)),
            sa.func.sum(sa.case((att.attended.is_(True), 1), else_=0)),
            sa.func.sum(sa.case((att.attended.is_not(None), 1), else_=0)),
        )
        .outerjoin(att, att.meeting_id == m.id)
        .where(period.contains(m.starts_at), m.status == "scheduled", m.starts_at < now_utc())
        .group_by(m.kind)
    )
    found = {kind: rest for kind, *rest in db.session.execute(stmt).all()}
    table = Table("meetings", _("Exchange meetings and supervision: attendance"),
                  [_("Kind"), _("Meetings held"), _("Participants"),
                   _("Average per meeting"), _("Attendance rate (%)")], value_index=3)
    names = {"exchange": _("Exchange meetings"), "supervision": _("Supervision sessions")}
    for kind, name in names.items():
        held, present, recorded = found.get(kind, (0, 0, 0))
        present, recorded = int(present or 0), int(recorded or 0)
        table.rows.append([name, held, present, round(present / held, 1) if held else 0,
                           round(100 * present / recorded) if recorded else 0])
    return table


def cohorts() -> Table:
    """Count trainees per cohort and how many are still active today."""
    stmt = (
        sa.select(Cohort.year, Cohort.name, Mediator.status, sa.func.count(Mediator.id))
        .outerjoin(Mediator, Mediator.cohort_id == Cohort.id)
        .group_by(Cohort.year, Cohort.name, Mediator.status)
        .order_by(Cohort.year)
    )
    per_cohort: dict[tuple[int, str], dict[str, int]] = {}
    for year, name, status, n in db.session.execute(stmt).all():
        per_cohort.setdefault((year, name), {})
        if status is not None:
            per_cohort[(year, name)][status] = n
    table = Table("cohorts", _("Trainees per cohort"),
                  [_("Cohort"), _("Trainees"), _("Still active"), _("Left")])
    for (year, name), statuses in per_cohort.items():
        left = sum(statuses.get(s, 0) for s in LEFT_STATUSES)
        table.rows.append([name or str(year), sum(statuses.values()),
                           statuses.get("active", 0), left])
    return table


def build_report(period: Period, locale: str = "de") -> tuple[list[Table], dict]:
    """Return every table of the period plus the lead-time summary."""
    lead_table, lead_summary = lead_time(period)
    tables = [
        requests_by_month(period),
        requests_by_language(period, locale),
        recruiting_gap(period, locale),
        requests_by_institution_kind(period),
        lead_table,
        volunteer_hours(period),
        mediators_by_language(period, locale),
        meeting_attendance(period),
        cohorts(),
    ]
    return tables, lead_summary
