"""Let a coordinator name a language (or add one to the lists) without a release."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.models import LanguageName, User
from app.services.core import audit
from app.services.core.collation import sorted_by_name
from app.services.core.errors import DomainError
from app.services.core.language_names import REVIEWED
from app.services.core.languages import (
    forget_overrides,
    is_valid_code,
    offered_codes,
    reviewed_or_iso_name,
)


def table() -> list[dict]:
    """Return each offered language with its shown names and where they come from."""
    own = {row.code: row for row in db.session.scalars(sa.select(LanguageName))}
    rows = []
    for code in offered_codes():
        mine = own.get(code)
        rows.append({
            "code": code,
            "name_de": mine.name_de if mine else reviewed_or_iso_name(code, "de"),
            "name_en": mine.name_en if mine else reviewed_or_iso_name(code, "en"),
            "source": "office" if mine else ("reviewed" if code in REVIEWED else "iso"),
        })
    return sorted_by_name(rows, lambda r: r["name_de"])


def save(actor: User, code: str, name_de: str, name_en: str) -> LanguageName:
    """Store the office's names for a language; a new code joins every selection list."""
    code = (code or "").strip().lower()
    name_de, name_en = name_de.strip(), name_en.strip()
    if not is_valid_code(code):
        raise DomainError(_("%(code)s is not an ISO 639-3 language code.", code=code[:10]))
    if not name_de or not name_en:
        raise DomainError(_("Please give the name in German and in English."))
    row = db.session.get(LanguageName, code)
    if row is None:
        row = LanguageName(code=code, name_de=name_de, name_en=name_en)
        db.session.add(row)
    else:
        row.name_de, row.name_en = name_de, name_en
    audit.record(actor, "language_name_save", "language", None, code=code,
                 name_de=name_de, name_en=name_en)
    db.session.flush()
    forget_overrides()
    return row


def remove(actor: User, code: str) -> None:
    """Drop the office's names: the reviewed (or ISO) name is shown again."""
    row = db.session.get(LanguageName, code)
    if row is None:
        raise DomainError(_("This language has no name of the office's own."))
    db.session.delete(row)
    audit.record(actor, "language_name_remove", "language", None, code=code)
    db.session.flush()
    forget_overrides()
