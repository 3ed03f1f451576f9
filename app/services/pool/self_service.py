"""Volunteer self-service: a mediator changes their own data; languages need confirmation.

Every function takes the acting user and works on ``actor.mediator`` only, so no id from a
URL or a form can ever reach another person's rows. A coordinator acting for a volunteer
(no account, or one who phones in) passes the person as ``mediator=``: the same rules apply,
a language needs no confirmation, and the audit entry names the coordinator as the actor.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager

from app.extensions import db
from app.i18n import languages_for
from app.models import Absence, Assignment, Availability, Mediator, MediatorLanguage, User
from app.models.enums import AssignmentStatus, ReportStatus, Role
from app.models.mediator import MEDIATOR_IN_POOL_STATUSES
from app.services.core import audit, bounds
from app.services.core.errors import DomainError, NotAllowedError
from app.services.pool import mediators as mediator_svc
from app.timeutil import from_local, today_local

CONTACT_FIELDS = ("email", "phone", "share_phone", "district", "mobility")
SETTINGS_FIELDS = ("max_per_week", "takes_on_site", "takes_phone", "takes_video",
                   "notify_by_email")


def own_mediator(actor: User) -> Mediator:
    """Return the actor's own mediator record (an erased or missing one is refused)."""
    mediator = actor.mediator if actor.role == Role.MEDIATOR else None
    if mediator is None or mediator.erased_at is not None:
        raise NotAllowedError(_("You have no mediator profile."))
    return mediator


def target(actor: User, mediator: Mediator | None = None) -> Mediator:
    """Return the person a change is for: the actor's own record, or (coordinators only) the
    given one; an erased record is refused either way."""
    if mediator is None:
        return own_mediator(actor)
    if not actor.is_coordinator:
        raise NotAllowedError(_("Only the office can change another person's data."))
    if mediator.erased_at is not None:
        raise NotAllowedError(_("This person's data has been erased."))
    return mediator


def _by(actor: User, mediator: Mediator) -> dict:
    """Return the audit detail that marks a change made for someone else (the office)."""
    return {"on_behalf": True} if actor.mediator_id != mediator.id else {}


def update_profile(actor: User, values: dict, *, locale: str | None = None,
                   mediator: Mediator | None = None) -> list[str]:
    """Change contact data and preferences; return the changed field names (for the audit).

    The locale belongs to the person's account (acting for someone without one, it is
    ignored)."""
    on_behalf = mediator is not None
    mediator = target(actor, mediator)
    account = mediator.user if on_behalf else actor
    changed = []
    for name in CONTACT_FIELDS + SETTINGS_FIELDS:
        if name in values and getattr(mediator, name) != values[name]:
            setattr(mediator, name, values[name])
            changed.append(name)
    if "email" in changed:
        mediator.email = (mediator.email or "").strip().lower()
    if account is not None and locale in languages_for(account) and account.locale != locale:
        account.locale = locale
        changed.append("locale")
    db.session.flush()
    if changed:
        audit.record(actor, "update_on_behalf" if on_behalf else "self_update", "mediator",
                     mediator.id, fields=changed, **_by(actor, mediator))
    return changed


def request_language(actor: User, code: str, variety: str, level: str, *,
                     mediator: Mediator | None = None) -> MediatorLanguage:
    """Add a language: pending until the coordinator confirms it, unless they add it."""
    on_behalf = mediator is not None
    mediator = target(actor, mediator)
    return mediator_svc.add_language(actor, mediator, code, variety, level, confirmed=on_behalf)


def remove_language(actor: User, language_id: int, *, mediator: Mediator | None = None) -> None:
    """Remove one of the own languages; it only narrows matching, so it needs no confirmation."""
    mediator = target(actor, mediator)
    mediator_svc.remove_language(actor, mediator, language_id)


def _overlaps(a_start: dt.time, a_end: dt.time, b_start: dt.time, b_end: dt.time) -> bool:
    return a_start < b_end and b_start < a_end


def add_availability(actor: User, weekday: int, start: dt.time, end: dt.time, *,
                     mediator: Mediator | None = None) -> Availability:
    """Add a weekly window; the end must be after the start and windows may not overlap."""
    mediator = target(actor, mediator)
    if not 0 <= weekday <= 6:
        raise DomainError(_("Please choose a weekday."))
    if end <= start:
        raise DomainError(_("The end must be after the start."))
    for other in mediator.availability:
        if other.weekday == weekday and _overlaps(start, end, other.start_time, other.end_time):
            raise DomainError(_("This time overlaps with another time on the same day."))
    window = Availability(weekday=weekday, start_time=start, end_time=end)
    mediator.availability.append(window)
    db.session.flush()
    audit.record(actor, "add_availability", "mediator", mediator.id, weekday=weekday,
                 start=start, end=end, **_by(actor, mediator))
    return window


def remove_availability(actor: User, availability_id: int, *,
                        mediator: Mediator | None = None) -> None:
    """Delete one of the own windows (another person's id is simply not found)."""
    mediator = target(actor, mediator)
    window = next((a for a in mediator.availability if a.id == availability_id), None)
    if window is None:
        raise NotAllowedError(_("This time is not in your list."))
    mediator.availability.remove(window)
    db.session.flush()
    audit.record(actor, "remove_availability", "mediator", mediator.id, id=availability_id,
                 **_by(actor, mediator))


def add_absence(actor: User, start: dt.date, end: dt.date, reason: str = "", *,
                mediator: Mediator | None = None) -> Absence:
    """Record an absence (holiday); the end may not be before the start or in the past."""
    mediator = target(actor, mediator)
    bounds.check_appointment_day(start)
    bounds.check_appointment_day(end)
    if end < start:
        raise DomainError(_("The end must not be before the start."))
    if end < today_local():
        raise DomainError(_("The absence is already over."))
    absence = Absence(start_date=start, end_date=end, reason=reason.strip())
    mediator.absences.append(absence)
    db.session.flush()
    audit.record(actor, "add_absence", "mediator", mediator.id, start=start, end=end,
                 **_by(actor, mediator))
    return absence


def remove_absence(actor: User, absence_id: int, *, mediator: Mediator | None = None) -> None:
    """Delete one of the own absences."""
    mediator = target(actor, mediator)
    absence = next((a for a in mediator.absences if a.id == absence_id), None)
    if absence is None:
        raise NotAllowedError(_("This absence is not in your list."))
    mediator.absences.remove(absence)
    db.session.flush()
    audit.record(actor, "remove_absence", "mediator", mediator.id, id=absence_id,
                 **_by(actor, mediator))


def hours_this_year(mediator: Mediator, year: int | None = None) -> float:
    """Sum the approved reported minutes of completed assignments in the local year, in hours."""
    year = year or today_local().year
    start = from_local(dt.date(year, 1, 1), dt.time(0))
    end = from_local(dt.date(year + 1, 1, 1), dt.time(0))
    minutes = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Assignment.reported_minutes), 0)).where(
            Assignment.mediator_id == mediator.id, Assignment.status == AssignmentStatus.COMPLETED,
            Assignment.report_status == ReportStatus.APPROVED, Assignment.starts_at >= start,
            Assignment.starts_at < end))
    return round(int(minutes) / 60, 1)


def pending_languages() -> list[MediatorLanguage]:
    """Return language changes awaiting the coordinator, oldest first."""
    return list(db.session.scalars(
        sa.select(MediatorLanguage).join(MediatorLanguage.mediator)
        .where(MediatorLanguage.confirmed.is_(False), Mediator.erased_at.is_(None),
               Mediator.status.in_(MEDIATOR_IN_POOL_STATUSES))
        .options(contains_eager(MediatorLanguage.mediator))
        .order_by(MediatorLanguage.id)))


def decide_language(actor: User, language_id: int, *, confirm: bool) -> MediatorLanguage:
    """Confirm a pending language (it becomes matchable) or reject it (it is removed)."""
    lang = db.session.get(MediatorLanguage, language_id)
    if lang is None or lang.confirmed:
        raise DomainError(_("This language change is no longer pending."))
    mediator = lang.mediator
    if confirm:
        lang.confirmed = True
        audit.record(actor, "confirm_language", "mediator", mediator.id, code=lang.code)
    else:
        mediator.languages.remove(lang)
        audit.record(actor, "reject_language", "mediator", mediator.id, code=lang.code)
    db.session.flush()
    return lang
