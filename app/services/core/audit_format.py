"""The pieces the audit sentences are built from: the names an entry points to (loaded once
per page and type), the entry wrapper and small formatters (`app.services.core.audit_text`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from babel.lists import format_list
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup, escape

from app.extensions import db
from app.i18n import ui_language
from app.models import (
    Assignment,
    AuditLog,
    Institution,
    Mediator,
    Meeting,
    Offer,
    QualificationModule,
    User,
)
from app.services.core.languages import language_name


def _a(text: str, href: str) -> Markup:
    return Markup('<a href="{}">{}</a>').format(href, text)


@dataclass
class _Names:
    """The named objects of one page of entries: {type: {id: link or text}}."""

    mediators: dict[int, Markup] = field(default_factory=dict)
    users: dict[int, str] = field(default_factory=dict)
    institutions: dict[int, Markup] = field(default_factory=dict)
    meetings: dict[int, Markup] = field(default_factory=dict)
    modules: dict[str, str] = field(default_factory=dict)
    assignments: dict[int, tuple[int, int]] = field(default_factory=dict)  # request, mediator
    offers: dict[int, tuple[int, int]] = field(default_factory=dict)


def _ids(pairs, wanted: str) -> set[int]:
    return {int(i) for t, i in pairs if t == wanted and str(i).isdigit()}


def _load(entries: list[tuple[AuditLog, dict]]) -> _Names:
    """Load every object the entries name: one query per type, whatever the page length."""
    refs: list[tuple[str, object]] = []
    for log, data in entries:
        refs.append((log.object_type, log.object_id))
        refs.append(("user", log.actor_id))
        refs += [("mediator", i) for i in data.get("mediator_ids") or ()]
        refs.append(("mediator", data.get("mediator_id")))
    names = _Names()
    if ids := _ids(refs, "assignment"):
        for a_id, r_id, m_id in db.session.execute(sa.select(
                Assignment.id, Assignment.request_id, Assignment.mediator_id)
                .where(Assignment.id.in_(ids))):
            names.assignments[a_id] = (r_id, m_id)
            refs.append(("mediator", m_id))
    if ids := _ids(refs, "offer"):
        for o_id, r_id, m_id in db.session.execute(sa.select(
                Offer.id, Offer.request_id, Offer.mediator_id).where(Offer.id.in_(ids))):
            names.offers[o_id] = (r_id, m_id)
            refs.append(("mediator", m_id))
    if ids := _ids(refs, "mediator"):
        for m_id, first, last in db.session.execute(sa.select(
                Mediator.id, Mediator.first_name, Mediator.last_name)
                .where(Mediator.id.in_(ids))):
            names.mediators[m_id] = _a(f"{first} {last}".strip(),
                                       url_for("pool.mediator", mediator_id=m_id))
    if ids := _ids(refs, "user"):
        for u_id, name, email in db.session.execute(
                sa.select(User.id, User.name, User.email).where(User.id.in_(ids))):
            names.users[u_id] = name or email
    if ids := _ids(refs, "institution"):
        for i_id, name in db.session.execute(
                sa.select(Institution.id, Institution.name).where(Institution.id.in_(ids))):
            names.institutions[i_id] = _a(name, url_for("pool.institution",
                                                        institution_id=i_id))
    if ids := _ids(refs, "meeting"):
        for m_id, title in db.session.execute(
                sa.select(Meeting.id, Meeting.title).where(Meeting.id.in_(ids))):
            names.meetings[m_id] = _a(title or f"#{m_id}",
                                      url_for("calendar.meeting_detail", meeting_id=m_id))
    if any(data.get("module") for _log, data in entries):
        locale = ui_language()
        names.modules = {m.code: m.title(locale)
                         for m in db.session.scalars(sa.select(QualificationModule))}
    return names


class _Entry:
    """One entry's parts, as the formatters use them (links where the object still exists)."""

    def __init__(self, log: AuditLog, data: dict, names: _Names) -> None:
        self.log, self.data, self.names = log, data, names

    @property
    def who(self) -> str:
        if self.log.actor_id in self.names.users:
            return self.names.users[self.log.actor_id]
        if self.log.actor_label and self.log.actor_label != "system":
            return self.log.actor_label
        return _("The system")

    def mediator(self, mediator_id=None) -> Markup:
        if mediator_id is None:
            mediator_id = self.data.get("mediator_id", self.log.object_id)
        return self.names.mediators.get(mediator_id) or escape(f"#{mediator_id}")

    def mediators(self, key: str = "mediator_ids") -> Markup:
        items = [str(self.mediator(i)) for i in self.data.get(key) or ()]
        if not items:
            return Markup("–")
        # the items are escaped links; CLDR only adds ", " and " und "
        return Markup(format_list(items, locale=ui_language()))  # noqa: S704

    def request(self, request_id=None) -> Markup:
        rid = request_id if request_id is not None else self.log.object_id
        text = _("request #%(id)s", id=rid)
        return _a(text, url_for("booking.request_detail", request_id=rid)) if rid else \
            escape(text)

    def via(self, table: dict[int, tuple[int, int]]) -> tuple[Markup, Markup]:
        """Return (request, mediator) of an assignment or offer entry."""
        found = table.get(self.log.object_id)
        if found is None:
            return self.request(self.data.get("request_id")), escape(f"#{self.log.object_id}")
        return self.request(found[0]), self.mediator(found[1])

    def user(self) -> str:
        return self.names.users.get(self.log.object_id) or f"#{self.log.object_id}"

    def get(self, key: str, default: str = "") -> str:
        value = self.data.get(key, default)
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


Formatter = Callable[[_Entry], str]


def _say(msgid, **values) -> Callable[[_Entry], str]:
    """Build a formatter for a lazy sentence whose values are functions of the entry.

    Every value is escaped (a link is already Markup and stays a link); the translated
    sentence itself is ours and trusted.
    """
    def fmt(e: _Entry) -> str:
        return str(msgid) % {"who": escape(e.who), **{k: escape(f(e)) for k, f in values.items()}}
    return fmt


_med: Formatter = lambda e: e.mediator()  # noqa: E731 - one-line value getters
_req: Formatter = lambda e: e.request()  # noqa: E731


def _lang(e: _Entry) -> str:
    return language_name(e.get("code"), ui_language())


def _module(e: _Entry) -> str:
    return e.names.modules.get(e.get("module"), e.get("module"))


def _generated(e: _Entry) -> str:
    n = int(e.data.get("count") or 0)
    return ngettext("%(who)s prepared %(num)d allowance statement for %(month)s/%(year)s.",
                    "%(who)s prepared %(num)d allowance statements for %(month)s/%(year)s.",
                    n, who=escape(e.who), month=escape(e.get("month")),
                    year=escape(e.get("year")))


def _series_cancelled(e: _Entry) -> str:
    n = int(e.data.get("count") or 0)
    return ngettext("%(who)s cancelled %(num)d date of the series of %(request)s (%(dates)s).",
                    "%(who)s cancelled %(num)d dates of the series of %(request)s (%(dates)s).",
                    n, who=escape(e.who), request=e.request(),
                    dates=escape(", ".join(e.data.get("dates") or [])))


def _escalated(e: _Entry) -> str:
    n = int(e.data.get("auto_offered") or 0)
    return ngettext("%(request)s was escalated; %(num)d more candidate got an offer.",
                    "%(request)s was escalated; %(num)d more candidates got an offer.",
                    n, request=e.request())


def _details(log: AuditLog) -> dict:
    try:
        data = json.loads(log.details) if log.details else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _field_names() -> dict[str, str]:
    return {"starts_at": _("start"), "ends_at": _("end"), "duration_minutes": _("duration"),
            "place_kind": _("place"), "address": _("address"), "room": _("room"),
            "language_code": _("language"), "variety": _("variety"), "occasion": _("occasion"),
            "family_members": _("family members"), "preferred_gender": _("preferred gender"),
            "note": _("note"), "internal_note": _("internal note")}


def _changes(e: _Entry) -> Markup:
    """Say "field: old → new" for each changed request field (the note only that it changed)."""
    changes = e.data.get("changes")
    if not isinstance(changes, dict):
        return Markup("–")
    names = _field_names()
    parts = []
    for name, pair in changes.items():
        old, new = pair if isinstance(pair, list) and len(pair) == 2 else ("", "")
        parts.append(f"{names.get(name, name)}: {old} → {new}")
    return escape("; ".join(parts))
