"""Recruiting: public applications and the applicant → in training → active pipeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import render_template
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.i18n import ui_language
from app.models import Availability, Mediator, MediatorLanguage, User
from app.models.enums import MediatorStatus
from app.services.core import audit
from app.services.core.errors import DomainError
from app.services.core.languages import is_valid_code
from app.services.core.links import external_url
from app.services.core.recipients import Kind, queue, recipients, speaking
from app.services.pool import departure
from app.services.pool.mediators import police_certificate_valid_on
from app.services.pool.qualification import missing_required_modules
from app.timeutil import now_utc, today_local

MS = MediatorStatus
PIPELINE_STATUSES = (MS.APPLICANT, MS.IN_TRAINING)
# status -> statuses the coordinator may move a person to from there
TRANSITIONS = {
    MS.APPLICANT: (MS.IN_TRAINING, MS.REJECTED, MS.WITHDRAWN),
    MS.IN_TRAINING: (MS.ACTIVE, MS.REJECTED, MS.WITHDRAWN),
}


@dataclass
class Application:
    first_name: str
    last_name: str
    email: str
    phone: str
    gender: str
    district: str
    german_level: str
    languages: list[tuple[str, str, str]]  # (code, variety, level)
    availability: list[tuple[int, dt.time, dt.time]] = field(default_factory=list)
    motivation: str = ""


def submit_application(app_data: Application) -> Mediator:
    """Store an application (status applicant, consent time) and tell the coordinators.

    The languages stay unconfirmed until the coordinator has met the person.
    """
    if not app_data.languages:
        raise DomainError(_("Please name at least one language."))
    mediator = Mediator(
        first_name=app_data.first_name.strip(), last_name=app_data.last_name.strip(),
        email=app_data.email.strip().lower(), phone=app_data.phone.strip(),
        gender=app_data.gender, district=app_data.district.strip(),
        german_level=app_data.german_level, motivation=app_data.motivation.strip(),
        status=MediatorStatus.APPLICANT, consent_at=now_utc(),
    )
    seen = set()
    for code, variety, level in app_data.languages:
        if not is_valid_code(code) or (code, variety.strip()) in seen:
            continue
        seen.add((code, variety.strip()))
        mediator.languages.append(MediatorLanguage(code=code, variety=variety.strip(),
                                                   level=level, confirmed=False))
    for weekday, start, end in app_data.availability:
        mediator.availability.append(Availability(weekday=weekday, start_time=start,
                                                  end_time=end))
    db.session.add(mediator)
    db.session.flush()
    audit.record(None, "apply", "mediator", mediator.id)
    _notify_coordinators(mediator)
    return mediator


def _notify_coordinators(mediator: Mediator) -> None:
    link = external_url("pool.mediator", mediator_id=mediator.id)
    for rcpt in recipients(Kind.NEW_APPLICATION):
        with speaking(rcpt):
            queue(
                rcpt,
                _("New application: %(name)s", name=mediator.full_name),
                render_template("email/new_application.txt", mediator=mediator, link=link),
                dedupe_key=f"application-{mediator.id}-{rcpt.user_id}",
            )


def pipeline() -> list[Mediator]:
    """Return applicants and people in training, oldest first, with what next steps need."""
    return list(db.session.scalars(
        sa.select(Mediator)
        .where(Mediator.status.in_(PIPELINE_STATUSES), Mediator.erased_at.is_(None))
        .options(selectinload(Mediator.languages), selectinload(Mediator.documents),
                 selectinload(Mediator.completions))
        .order_by(Mediator.status, Mediator.created_at, Mediator.id)))


def count_pipeline() -> int:
    """Count the people `pipeline` lists (the start page's card), in one query."""
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Mediator)
        .where(Mediator.status.in_(PIPELINE_STATUSES), Mediator.erased_at.is_(None))) or 0


def next_steps(mediator: Mediator) -> list[str]:
    """Say what is still missing before the next stage (translated, for the pipeline list)."""
    if mediator.status == MediatorStatus.APPLICANT:
        steps = [_("Invite to an introductory talk and start the training.")]
        if any(not lang.confirmed for lang in mediator.languages):
            steps.append(_("Confirm the languages."))
        return steps
    if mediator.status != MediatorStatus.IN_TRAINING:
        return []
    locale = ui_language()
    steps = [_("Missing module: %(title)s", title=m.title(locale)) for m in
             missing_required_modules(mediator)]
    if mediator.document("pledge") is None:
        steps.append(_("Confidentiality pledge missing."))
    if not police_certificate_valid_on(mediator, today_local()):
        steps.append(_("Extended police certificate missing or not valid."))
    return steps


def change_status(actor: User, mediator: Mediator, new_status: str) -> None:
    """Move a person along the pipeline; activation needs modules, pledge and certificate."""
    allowed = TRANSITIONS.get(mediator.status, ())
    if new_status not in allowed:
        raise DomainError(_("This change of status is not possible."))
    if new_status == MediatorStatus.ACTIVE:
        missing = next_steps(mediator)
        if missing:
            raise DomainError(_("Not yet possible: %(steps)s", steps=" ".join(missing)))
        mediator.joined_on = mediator.joined_on or today_local()
    if new_status == MediatorStatus.IN_TRAINING:
        mediator.joined_on = mediator.joined_on or today_local()
    if new_status in (MediatorStatus.REJECTED, MediatorStatus.WITHDRAWN):
        mediator.left_on = today_local()
    old = mediator.status
    mediator.status = new_status
    db.session.flush()
    audit.record(actor, "change_status", "mediator", mediator.id, old=old, new=new_status)
    if departure.is_leaving(mediator, old):
        departure.person_left(actor, mediator)
