"""Institutions and their contact persons."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.models import ContactPerson, Institution, User
from app.models.enums import Role
from app.services.core import accounts, audit
from app.services.core.errors import DomainError
from app.textfold import fold

INSTITUTION_FIELDS = ("name", "kind", "street", "postcode", "city", "district", "phone",
                      "email", "notes")
CONTACT_FIELDS = ("name", "function", "phone", "email")


def search_query(*, text: str = "", kind: str = "", district: str = "") -> sa.Select:
    stmt = sa.select(Institution)
    if kind:
        stmt = stmt.where(Institution.kind == kind)
    if district:
        stmt = stmt.where(Institution.district == district)
    if fold(text):  # name and address, with and without accents (see app.textfold)
        stmt = stmt.where(Institution.search_key.contains(fold(text), autoescape=True))
    return stmt.order_by(Institution.sort_name, Institution.id)  # German order (DIN 5007-1)


def name_taken(name: str, own_id: int | None = None) -> bool:
    """Tell whether another institution already has this name (case does not count)."""
    stmt = sa.select(Institution.id).where(sa.func.lower(Institution.name) == name.lower())
    found = db.session.scalar(stmt)
    return found is not None and found != own_id


def save_institution(actor: User, institution: Institution | None, values: dict) -> Institution:
    """Create (None) or update an institution from validated values and audit it.

    The name check gives a readable message; the unique index still decides a race, which
    the transaction helper reports as a conflict.
    """
    if name_taken(values["name"], institution.id if institution else None):
        raise DomainError(_("An institution with this name already exists."))
    created = institution is None
    institution = institution or Institution()
    for field in INSTITUTION_FIELDS:
        if field in values:
            setattr(institution, field, values[field] if values[field] is not None else "")
    db.session.add(institution)
    db.session.flush()
    audit.record(actor, "create" if created else "update", "institution", institution.id)
    return institution


def add_contact(actor: User, institution: Institution, values: dict) -> ContactPerson:
    """Add a contact person to an institution and audit it."""
    contact = ContactPerson(**{f: values.get(f) or "" for f in CONTACT_FIELDS})
    institution.contacts.append(contact)
    db.session.flush()
    audit.record(actor, "create", "contact_person", contact.id)
    return contact


def delete_contact(actor: User, contact: ContactPerson) -> None:
    contact_id = contact.id
    db.session.delete(contact)
    audit.record(actor, "delete", "contact_person", contact_id)


def invite_user(actor: User, institution: Institution, email: str, *, name: str,
                locale: str) -> User:
    """Create an account for a person of the institution and queue the invitation."""
    user = accounts.create_user(email, Role.INSTITUTION, name=name, institution=institution,
                                locale=locale)
    accounts.invite(actor, user)
    return user
