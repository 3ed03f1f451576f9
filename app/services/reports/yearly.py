"""Compute the key figures and generated sentences of the yearly report (Jahresbericht).

Why: the council paper needs a few headline numbers and plain sentences; writing them from
the same tables the charts use keeps text and tables consistent, and Babel formats the
numbers the German way (1.234,5).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import format_decimal, format_percent, ngettext
from flask_babel import gettext as _

from app.extensions import db
from app.i18n import plural_count
from app.models import InterpretingRequest, Mediator, MediatorLanguage
from app.models.enums import MediatorStatus
from app.models.request import BOOKED_REQUEST_STATUSES
from app.services.core.periods import Period
from app.services.reports import unfilled as not_served_report
from app.services.reports.table import Table


def _institutions_served(period: Period) -> int:
    """Count the distinct institutions with a booked request (one query)."""
    r = InterpretingRequest
    stmt = sa.select(sa.func.count(sa.distinct(r.institution_id))).where(
        period.contains(r.starts_at), r.status.in_(BOOKED_REQUEST_STATUSES))
    return db.session.scalar(stmt) or 0


def _active_pool() -> tuple[int, int]:
    stmt = (
        sa.select(sa.func.count(sa.distinct(Mediator.id)),
                  sa.func.count(sa.distinct(MediatorLanguage.code)))
        .select_from(Mediator)
        .outerjoin(MediatorLanguage, MediatorLanguage.mediator_id == Mediator.id)
        .where(Mediator.status == MediatorStatus.ACTIVE)
    )
    mediators, languages = db.session.execute(stmt).one()
    return mediators, languages


def key_figures(period: Period, tables: dict[str, Table], lead: dict) -> tuple[Table, dict]:
    """Return the key-figures table and the raw numbers the sentences use."""
    by_month = tables["requests_by_month"].rows
    total = sum(row[-1] for row in by_month)
    cancelled = sum(row[3] for row in by_month)
    unfilled = sum(row[4] for row in by_month)
    still_open = sum(row[5] for row in by_month)
    booked = sum(row[1] + row[2] for row in by_month)  # fulfilled + no-show
    languages = sum(1 for row in tables["requests_by_language"].rows if row[1] + row[2])
    institutions = _institutions_served(period)
    hours = round(sum(row[1] for row in tables["volunteer_hours"].rows), 1)
    mediators, pool_languages = _active_pool()
    decided = booked + unfilled
    rate = booked / decided if decided else None
    facts = {
        "total": total, "booked": booked, "languages": languages,
        "institutions": institutions, "cancelled": cancelled, "unfilled": unfilled,
        "open": still_open, "hours": hours, "rate": rate, "median": lead.get("median"),
        "mean": lead.get("mean"), "mediators": mediators, "pool_languages": pool_languages,
    }
    table = Table("key_figures", _("Key figures"), [_("Figure"), _("Value")])
    table.rows = [
        [_("Requests"), total],
        [_("Assignments arranged"), booked],
        [_("Languages of the assignments"), languages],
        [_("Institutions served"), institutions],
        [_("Cancelled requests"), cancelled],
        [_("Unfilled requests"), unfilled],
        [_("Fill rate (%)"), round(100 * rate, 1) if rate is not None else 0],
        [_("Hours of volunteer work"), hours],
        [_("Median lead time (hours)"), lead.get("median") or 0],
        [_("Active mediators today"), mediators],
    ]
    return table, facts


def sentences(period: Period, facts: dict, gap: Table,
              reasons: Table | None = None) -> list[str]:
    """Write the short sentences that open the yearly report."""
    num = format_decimal(facts["booked"])
    common = {"period": period.label, "languages": format_decimal(facts["languages"]),
              "institutions": format_decimal(facts["institutions"])}
    # the opening counts three things at once, which no one plural form fits: the case of
    # one assignment gets its own message (languages and institutions are many in a year)
    one = facts["booked"] == 1
    if period.kind == "year":
        opening = (_("In %(period)s, one assignment in %(languages)s languages was arranged "
                     "for %(institutions)s institutions.", **common) if one else
                   _("In %(period)s, %(num)s assignments in %(languages)s languages were "
                     "arranged for %(institutions)s institutions.", num=num, **common))
    else:
        opening = (_("In the period %(period)s, one assignment in %(languages)s languages was "
                     "arranged for %(institutions)s institutions.", **common) if one else
                   _("In the period %(period)s, %(num)s assignments in %(languages)s languages "
                     "were arranged for %(institutions)s institutions.", num=num, **common))
    result = [
        opening,
        ngettext("The mediators volunteered %(hours)s hour.",
                 "The mediators volunteered %(hours)s hours.", plural_count(facts["hours"]),
                 hours=format_decimal(facts["hours"], format="#,##0.#")),
    ]
    if facts["rate"] is not None:
        result.append(_("%(rate)s of the requests that could be planned were filled "
                        "(unfilled: %(unfilled)s, cancelled: %(cancelled)s).",
                        rate=format_percent(facts["rate"]),
                        unfilled=format_decimal(facts["unfilled"]),
                        cancelled=format_decimal(facts["cancelled"])))
    not_served = not_served_report.sentence(reasons) if reasons is not None else None
    if not_served:
        result.append(not_served)
    if gap.rows:
        names = ", ".join(str(row[0]) for row in gap.rows[:5])
        result.append(_("More mediators are needed above all for: %(languages)s.",
                        languages=names))
    if facts["median"] is not None:
        result.append(ngettext("A request was assigned after %(hours)s hour (median).",
                               "A request was assigned after %(hours)s hours (median).",
                               plural_count(facts["median"]),
                               hours=format_decimal(facts["median"], format="#,##0.#")))
    result.append(_("Today %(mediators)s mediators are active in %(languages)s languages.",
                    mediators=format_decimal(facts["mediators"]),
                    languages=format_decimal(facts["pool_languages"])))
    return result
