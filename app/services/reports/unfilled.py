"""Requests that were not served, by the coordinator's reason and by language.

Why: "unfilled" alone does not tell the council what to do. The reason says whether the pool
lacks speakers of a language (recruit), lacks time (ask more volunteers to declare hours),
was asked too late (tell institutions the lead time) or does not serve the occasion. Beside
each language stands the number of its active mediators: the recruiting gap.

Counted: every request of the period that went `unfilled` (with or without a reason yet) and
every request the office cancelled with a reason (app/services/booking/unfilled.py). One
GROUP BY query (language × reason).
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from app.extensions import db
from app.labels import label
from app.models import InterpretingRequest
from app.models.request import UNFILLED_REASONS, UNSERVED_SQL
from app.services.core.languages import language_name
from app.services.core.periods import Period
from app.services.reports.table import Table

MISSING = "missing"  # the row/column of requests still without a reason


def not_served_counts(period: Period) -> dict[str, dict[str, int]]:
    """Return {language: {reason or MISSING: count}} for the period's unserved requests."""
    r = InterpretingRequest
    stmt = (
        sa.select(r.language_code, r.unfilled_reason, sa.func.count())
        .where(period.contains(r.starts_at), sa.text(UNSERVED_SQL))
        .group_by(r.language_code, r.unfilled_reason)
    )
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for code, reason, n in db.session.execute(stmt):
        counts[code][reason or MISSING] = counts[code].get(reason or MISSING, 0) + n
    return dict(counts)


def _reason_keys() -> tuple[str, ...]:
    return (*UNFILLED_REASONS, MISSING)


def _reason_title(key: str) -> str:
    return _("reason missing") if key == MISSING else str(label("unfilled_reason", key))


def by_reason(counts: dict[str, dict[str, int]]) -> Table:
    """One row per reason (and "reason missing"), in the vocabulary's order."""
    table = Table("unfilled_by_reason", _("Requests not served, by reason"),
                  [_("Reason"), _("Requests not served")],
                  short=_("Not served, by reason"))
    for key in _reason_keys():
        table.rows.append([_reason_title(key), sum(c.get(key, 0) for c in counts.values())])
    return table


def by_language(counts: dict[str, dict[str, int]], active: dict[str, int],
                locale: str = "de") -> Table:
    """One row per language with unserved requests: main reason, missing ones, speakers.

    Five columns, not one per reason: the table must fit a phone without scrolling sideways
    (the per-reason counts are in the table by reason).
    """
    table = Table("unfilled_by_language",
                  _("Requests not served, by language, beside the active mediators"),
                  [_("Language"), _("Requests not served"), _("Most frequent reason"),
                   _("reason missing"), _("Active mediators")],
                  short=_("Not served, by language"))
    totals = {code: sum(c.values()) for code, c in counts.items()}
    for code in sorted(counts, key=lambda c: (-totals[c], c)):
        named = [(n, UNFILLED_REASONS.index(k), k) for k, n in counts[code].items()
                 if k != MISSING]
        top = _reason_title(min(named, key=lambda t: (-t[0], t[1]))[2]) if named else "–"
        table.rows.append([language_name(code, locale), totals[code], top,
                           counts[code].get(MISSING, 0), active.get(code, 0)])
    return table


def sentence(reasons: Table) -> str | None:
    """One sentence for the yearly report: how many were not served, and the main reason."""
    total = sum(row[1] for row in reasons.rows)
    if not total:
        return None
    named = [row for row in reasons.rows[:-1] if row[1]]  # the last row is "reason missing"
    missing = reasons.rows[-1][1]
    if not named:
        return ngettext("%(num)d request could not be served; no reason was recorded for it.",
                        "%(num)d requests could not be served; no reason was recorded for them.",
                        total)
    top = max(named, key=lambda row: row[1])
    text = ngettext("%(num)d request could not be served, most often because of: %(reason)s.",
                    "%(num)d requests could not be served, most often because of: %(reason)s.",
                    total, reason=top[0])
    if missing:
        text += " " + ngettext("For %(num)d of them the reason is still missing.",
                               "For %(num)d of them the reason is still missing.", missing)
    return text
