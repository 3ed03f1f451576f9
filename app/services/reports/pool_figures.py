"""Report figures about the pool itself: meeting attendance, cohorts, active mediators.

Why: these tables are small (hundreds of mediators, a few meetings a month) but belong in
the council report beside the request figures; each is still one GROUP BY query.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.models import Cohort, Mediator, MediatorLanguage, Meeting, MeetingAttendance
from app.models.enums import MediatorStatus, MeetingStatus
from app.models.mediator import MEDIATOR_LEFT_STATUSES
from app.services.core.periods import Period
from app.services.reports.table import Table
from app.timeutil import now_utc

LEFT_STATUSES = MEDIATOR_LEFT_STATUSES


def active_by_language() -> dict[str, int]:
    """Count today's active mediators per language code."""
    ml = MediatorLanguage
    stmt = (
        sa.select(ml.code, sa.func.count(sa.distinct(ml.mediator_id)))
        .join(Mediator, Mediator.id == ml.mediator_id)
        .where(Mediator.status == MediatorStatus.ACTIVE)
        .group_by(ml.code)
    )
    return dict(db.session.execute(stmt).all())


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
        .where(period.contains(m.starts_at), m.status == MeetingStatus.SCHEDULED,
               m.starts_at < now_utc())
        .group_by(m.kind)
    )
    found = {kind: rest for kind, *rest in db.session.execute(stmt).all()}
    table = Table("meetings", _("Exchange meetings and supervision: attendance"),
                  [_("Kind"), _("Meetings held"), _("Participants"),
                   _("Average per meeting"), _("Attendance rate (%)")],
                  short=_("Meeting attendance"), value_index=3)
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
                           statuses.get(MediatorStatus.ACTIVE, 0), left])
    return table
