"""Mediator records: search, languages and the documents the law lets us keep."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Document, Mediator, MediatorLanguage, User
from app.models.enums import Role
from app.services.core import accounts, audit, bounds
from app.services.core.document_dates import police_certificate_due
from app.services.core.errors import DomainError
from app.services.core.languages import is_valid_code, matching_codes
from app.services.pool import departure
from app.textfold import fold

SEARCH_WORDS = 6  # words of a search that are compared (a pasted paragraph stays cheap)


def search_query(
    *, text: str = "", language: str = "", status: str = "", district: str = ""
) -> sa.Select:
    """Build the filtered, name-ordered mediator list query (paginated by the view)."""
    stmt = sa.select(Mediator).where(Mediator.erased_at.is_(None))
    stmt = stmt.options(selectinload(Mediator.languages))  # the list shows them: no N+1
    if status:
        stmt = stmt.where(Mediator.status == status)
    if district:
        stmt = stmt.where(Mediator.district == district)
    if language:
        stmt = stmt.where(
            Mediator.id.in_(
                sa.select(MediatorLanguage.mediator_id).where(
                    MediatorLanguage.code.in_(matching_codes(language)))  # as the matching
            )
        )
    # with and without accents, in any case (see app.textfold); every word typed must be
    # found, so "Samira Haddad", "Haddad, Samira" and "Haddad Samira" find her
    for word in fold(text.replace(",", " ")).split()[:SEARCH_WORDS]:
        stmt = stmt.where(Mediator.search_key.contains(word, autoescape=True))
    return stmt.order_by(Mediator.sort_name, Mediator.id)  # German order (DIN 5007-1)


def districts() -> list[str]:
    return list(
        db.session.scalars(
            sa.select(Mediator.district).where(Mediator.district != "").distinct().order_by(
                Mediator.district
            )
        )
    )


def save_mediator(actor: User, mediator: Mediator, *, created: bool) -> Mediator:
    """Save the coordinator's form; a status that takes the person out of the pool (retired,
    ...) also withdraws their offers and ends their sessions and feed (`departure`)."""
    old_status = None if created else _status_before(mediator)
    if created:
        db.session.add(mediator)
    db.session.flush()
    audit.record(actor, "create" if created else "update", "mediator", mediator.id)
    if departure.is_leaving(mediator, old_status):
        departure.person_left(actor, mediator)
    return mediator


def _status_before(mediator: Mediator) -> str | None:
    """The status as loaded, before the form changed it (None for a new record)."""
    history = sa.inspect(mediator).attrs.status.history
    if history.deleted:
        return history.deleted[0]
    return history.unchanged[0] if history.unchanged else None


def invite(actor: User, mediator: Mediator, email: str, *, name: str, locale: str) -> User:
    """Create the mediator's account and queue the invitation (refused if one exists)."""
    if mediator.user is not None:
        raise DomainError(_("This mediator already has an account."))
    user = accounts.create_user(email, Role.MEDIATOR, name=name, mediator=mediator, locale=locale)
    accounts.invite(actor, user)
    audit.record(actor, "create", "user", user.id, role=Role.MEDIATOR)
    return user


def add_language(
    actor: User, mediator: Mediator, code: str, variety: str, level: str, *, confirmed: bool = True
) -> MediatorLanguage:
    """Add a language; the same code and variety twice is refused with a message."""
    code = code.strip().lower()
    if not is_valid_code(code):
        raise DomainError(_("Unknown language code."))
    variety = variety.strip()
    if any(lang.code == code and lang.variety == variety for lang in mediator.languages):
        raise DomainError(_("This language is already recorded."))
    lang = MediatorLanguage(code=code, variety=variety, level=level, confirmed=confirmed)
    mediator.languages.append(lang)
    db.session.flush()
    audit.record(actor, "add_language", "mediator", mediator.id, code=code, variety=variety)
    return lang


def remove_language(actor: User, mediator: Mediator, language_id: int) -> None:
    lang = next((lang for lang in mediator.languages if lang.id == language_id), None)
    if lang is None:
        raise DomainError(_("This language is not recorded."))
    mediator.languages.remove(lang)
    db.session.flush()
    audit.record(actor, "remove_language", "mediator", mediator.id, code=lang.code)


def record_pledge(actor: User, mediator: Mediator, signed_on: dt.date) -> Document:
    """Record the confidentiality pledge (replaces an earlier record)."""
    bounds.check_record_day(signed_on)
    doc = mediator.document("pledge") or Document(kind="pledge")
    doc.recorded_on = signed_on
    if doc.id is None:
        mediator.documents.append(doc)
    db.session.flush()
    audit.record(actor, "record_pledge", "mediator", mediator.id, signed_on=signed_on)
    return doc


def record_police_certificate(
    actor: User,
    mediator: Mediator,
    *,
    inspected_on: dt.date,
    issued_on: dt.date,
    has_relevant_entry: bool,
) -> Document:
    """Record *that* a certificate was inspected (§ 72a SGB VIII): dates and the entry flag only."""
    bounds.check_record_day(inspected_on)
    bounds.check_record_day(issued_on)
    max_age = current_app.config["POLICE_CERT_MAX_AGE_DAYS"]
    if issued_on > inspected_on:
        raise DomainError(_("The issue date cannot be after the inspection date."))
    if (inspected_on - issued_on).days > max_age:
        raise DomainError(
            _("The certificate was more than three months old when it was inspected.")
        )
    doc = mediator.document("police_certificate") or Document(kind="police_certificate")
    doc.recorded_on = inspected_on
    doc.issued_on = issued_on
    doc.has_relevant_entry = has_relevant_entry
    if doc.id is None:
        mediator.documents.append(doc)
    db.session.flush()
    audit.record(actor, "record_police_certificate", "mediator", mediator.id)
    return doc


def police_certificate_valid_on(mediator: Mediator, day: dt.date) -> bool:
    """A certificate counts when it was inspected, shows no relevant entry and is not due."""
    doc = mediator.document("police_certificate")
    return (
        doc is not None
        and not doc.has_relevant_entry
        and doc.recorded_on <= day < police_certificate_due(doc)
    )
