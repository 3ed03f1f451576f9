"""Say each audit entry as a sentence in the reader's language, with links to what it names.

Why: the log stored codes and JSON (`send_offers`, `{"mediator_ids": [20, 42]}`) that only a
developer can read. Each action has one formatter in `SENTENCES`, keyed by (action, object
type); `tests/test_audit_text.py` fails for any action recorded in `app/` without one. The
objects the entries name are loaded with one query per type for the whole page, never per
row. Values are escaped before they enter the (trusted) translated sentence.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from babel.lists import format_list
from flask import url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app.extensions import db
from app.labels import label
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
            names.institutions[i_id] = _a(name, url_for("coordination.institution",
                                                        institution_id=i_id))
    if ids := _ids(refs, "meeting"):
        for m_id, title in db.session.execute(
                sa.select(Meeting.id, Meeting.title).where(Meeting.id.in_(ids))):
            names.meetings[m_id] = _a(title or f"#{m_id}",
                                      url_for("meetings.detail", meeting_id=m_id))
    if any(data.get("module") for _log, data in entries):
        locale = str(get_locale() or "de")
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
        return Markup(format_list(items, locale=str(get_locale() or "de")))  # noqa: S704

    def request(self, request_id=None) -> Markup:
        rid = request_id if request_id is not None else self.log.object_id
        text = _("request #%(id)s", id=rid)
        return _a(text, url_for("coordination.request_detail", request_id=rid)) if rid else \
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
    return language_name(e.get("code"), str(get_locale() or "de"))


def _module(e: _Entry) -> str:
    return e.names.modules.get(e.get("module"), e.get("module"))


def _generated(e: _Entry) -> str:
    n = int(e.data.get("count") or 0)
    return ngettext("%(who)s prepared %(num)d allowance statement for %(month)s/%(year)s.",
                    "%(who)s prepared %(num)d allowance statements for %(month)s/%(year)s.",
                    n, who=escape(e.who), month=escape(e.get("month")),
                    year=escape(e.get("year")))


def _escalated(e: _Entry) -> str:
    n = int(e.data.get("auto_offered") or 0)
    return ngettext("%(request)s was escalated; %(num)d more candidate got an offer.",
                    "%(request)s was escalated; %(num)d more candidates got an offer.",
                    n, request=e.request())


SENTENCES: dict[tuple[str, str], Formatter] = {
    ("send_offers", "request"): _say(_l("%(who)s sent offers to %(mediators)s (%(request)s)."),
                                     mediators=lambda e: e.mediators(), request=_req),
    ("accept_offer", "offer"): _say(_l("%(mediator)s accepted the offer for %(request)s."),
                                    mediator=lambda e: e.via(e.names.offers)[1],
                                    request=lambda e: e.via(e.names.offers)[0]),
    ("decline_offer", "offer"): _say(_l("%(mediator)s declined the offer for %(request)s."),
                                     mediator=lambda e: e.via(e.names.offers)[1],
                                     request=lambda e: e.via(e.names.offers)[0]),
    ("assign", "request"): _say(_l("%(who)s assigned %(mediator)s to %(request)s."),
                                mediator=_med, request=_req),
    ("cancel_assignment", "assignment"): _say(
        _l("%(who)s cancelled the assignment of %(mediator)s for %(request)s."),
        mediator=lambda e: e.via(e.names.assignments)[1],
        request=lambda e: e.via(e.names.assignments)[0]),
    ("report_hours", "assignment"): _say(
        _l("%(who)s reported the hours of %(mediator)s for %(request)s."),
        mediator=lambda e: e.via(e.names.assignments)[1],
        request=lambda e: e.via(e.names.assignments)[0]),
    ("approve_report", "assignment"): _say(
        _l("%(who)s approved the report of %(mediator)s for %(request)s."),
        mediator=lambda e: e.via(e.names.assignments)[1],
        request=lambda e: e.via(e.names.assignments)[0]),
    ("create", "request"): _say(_l("%(who)s submitted %(request)s."), request=_req),
    ("cancel_request", "request"): _say(_l("%(who)s cancelled %(request)s."), request=_req),
    ("outcome", "request"): _say(_l("%(who)s recorded the outcome of %(request)s: %(outcome)s."),
                                 request=_req, outcome=lambda e: label("outcome",
                                                                       e.get("outcome"))),
    ("escalate", "request"): _escalated,
    ("unfilled", "request"): _say(_l("No mediator was found for %(request)s."), request=_req),
    ("purge_note", "request"): _say(
        _l("The notes of %(request)s were deleted at the end of the retention period."),
        request=_req),
    ("create", "mediator"): _say(_l("%(who)s created the record of %(mediator)s."), mediator=_med),
    ("update", "mediator"): _say(_l("%(who)s changed the record of %(mediator)s."), mediator=_med),
    ("apply", "mediator"): _say(_l("%(mediator)s applied through the public form."),
                                mediator=_med),
    ("self_update", "mediator"): _say(_l("%(who)s changed their own profile (%(fields)s)."),
                                      fields=lambda e: e.get("fields")),
    ("change_status", "mediator"): _say(
        _l("%(who)s changed the status of %(mediator)s from “%(old)s” to “%(new)s”."),
        mediator=_med, old=lambda e: label("mediator_status", e.get("old")),
        new=lambda e: label("mediator_status", e.get("new"))),
    ("add_language", "mediator"): _say(_l("%(who)s added %(language)s for %(mediator)s."),
                                       language=_lang, mediator=_med),
    ("remove_language", "mediator"): _say(_l("%(who)s removed %(language)s from %(mediator)s."),
                                          language=_lang, mediator=_med),
    ("confirm_language", "mediator"): _say(_l("%(who)s confirmed %(language)s for %(mediator)s."),
                                           language=_lang, mediator=_med),
    ("reject_language", "mediator"): _say(_l("%(who)s rejected %(language)s for %(mediator)s."),
                                          language=_lang, mediator=_med),
    ("add_availability", "mediator"): _say(_l("%(who)s added a weekly time for %(mediator)s."),
                                           mediator=_med),
    ("remove_availability", "mediator"): _say(
        _l("%(who)s removed a weekly time of %(mediator)s."), mediator=_med),
    ("add_absence", "mediator"): _say(
        _l("%(who)s entered an absence of %(mediator)s (%(start)s – %(end)s)."), mediator=_med,
        start=lambda e: e.get("start"), end=lambda e: e.get("end")),
    ("remove_absence", "mediator"): _say(_l("%(who)s removed an absence of %(mediator)s."),
                                         mediator=_med),
    ("add_course_participant", "mediator"): _say(
        _l("%(who)s signed %(mediator)s up for a course."), mediator=_med),
    ("remove_course_participant", "mediator"): _say(
        _l("%(who)s took %(mediator)s off a course."), mediator=_med),
    ("complete_module", "mediator"): _say(
        _l("%(who)s recorded that %(mediator)s completed the module “%(module)s”."),
        mediator=_med, module=_module),
    ("uncomplete_module", "mediator"): _say(
        _l("%(who)s withdrew the completed module “%(module)s” of %(mediator)s."),
        mediator=_med, module=_module),
    ("record_pledge", "mediator"): _say(
        _l("%(who)s recorded the signed confidentiality pledge of %(mediator)s."), mediator=_med),
    ("record_police_certificate", "mediator"): _say(
        _l("%(who)s recorded the police certificate of %(mediator)s."), mediator=_med),
    ("delete_police_certificate", "mediator"): _say(
        _l("The police certificate record of %(mediator)s was deleted."), mediator=_med),
    ("export", "mediator"): _say(_l("%(who)s exported the data of %(mediator)s."), mediator=_med),
    ("erase", "mediator"): _say(_l("%(who)s erased the personal data of %(mediator)s."),
                                mediator=_med),
    ("create", "institution"): _say(_l("%(who)s created the institution %(institution)s."),
                                    institution=lambda e: e.names.institutions.get(
                                        e.log.object_id, f"#{e.log.object_id}")),
    ("update", "institution"): _say(_l("%(who)s changed the institution %(institution)s."),
                                    institution=lambda e: e.names.institutions.get(
                                        e.log.object_id, f"#{e.log.object_id}")),
    ("create", "contact_person"): _say(_l("%(who)s added a contact person.")),
    ("delete", "contact_person"): _say(_l("%(who)s removed a contact person.")),
    ("create", "user"): _say(_l("%(who)s created the account of %(user)s."),
                             user=lambda e: e.user()),
    ("invite", "user"): _say(_l("%(who)s invited %(email)s."), email=lambda e: e.get("email")),
    ("export", "user"): _say(_l("%(who)s exported the data of the account %(user)s."),
                             user=lambda e: e.user()),
    ("feed_rotate", "user"): _say(_l("%(who)s renewed the calendar feed link of %(user)s."),
                                  user=lambda e: e.user()),
    ("feed_revoke", "user"): _say(_l("%(who)s switched off the calendar feed of %(user)s."),
                                  user=lambda e: e.user()),
    ("password_invite", "user"): _say(_l("%(user)s set a password from the invitation."),
                                      user=lambda e: e.user()),
    ("password_reset", "user"): _say(_l("%(user)s set a new password after a reset."),
                                     user=lambda e: e.user()),
    ("create", "meeting"): _say(_l("%(who)s scheduled the meeting %(meeting)s."),
                                meeting=lambda e: e.names.meetings.get(e.log.object_id, "")),
    ("update", "meeting"): _say(_l("%(who)s changed the meeting %(meeting)s."),
                                meeting=lambda e: e.names.meetings.get(e.log.object_id, "")),
    ("cancel", "meeting"): _say(_l("%(who)s cancelled the meeting %(meeting)s."),
                                meeting=lambda e: e.names.meetings.get(e.log.object_id, "")),
    ("create", "meetingseries"): _say(_l("%(who)s created a meeting series.")),
    ("update", "supervision_group"): _say(_l("%(who)s changed a supervision group.")),
    ("update", "allowance_rule"): _say(_l("%(who)s changed the allowance rates for %(year)s."),
                                       year=lambda e: e.get("year")),
    ("generate", "allowance_statement"): _generated,
    ("create", "allowance_statement"): _say(_l("%(who)s created an allowance statement.")),
    ("delete", "allowance_statement"): _say(_l("%(who)s deleted an allowance statement.")),
    ("export", "allowance_statement"): _say(
        _l("%(who)s exported the allowance statements for %(month)s/%(year)s."),
        month=lambda e: e.get("month"), year=lambda e: e.get("year")),
    ("outbox_retry", "outbox_message"): _say(_l("%(who)s queued a failed e-mail again.")),
    ("outbox_discard", "outbox_message"): _say(
        _l("%(who)s gave up the e-mail to %(recipient)s (“%(subject)s”)."),
        recipient=lambda e: e.get("recipient"), subject=lambda e: e.get("subject")),
    ("language_name_save", "language"): _say(
        _l("%(who)s named the language %(code)s “%(name)s”."), code=lambda e: e.get("code"),
        name=lambda e: e.get("name_en" if str(get_locale()) == "en" else "name_de")),
    ("language_name_remove", "language"): _say(
        _l("%(who)s removed the office's own name of the language %(code)s."),
        code=lambda e: e.get("code")),
}


def _details(log: AuditLog) -> dict:
    try:
        data = json.loads(log.details) if log.details else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def sentences(logs: list[AuditLog]) -> dict[int, Markup]:
    """Return {entry id: sentence} for a page of entries, in the current locale."""
    entries = [(log, _details(log)) for log in logs]
    names = _load(entries)
    out: dict[int, Markup] = {}
    for log, data in entries:
        entry = _Entry(log, data, names)
        fmt = SENTENCES.get((log.action, log.object_type))
        if fmt is None:  # an action from a newer release: say at least who did what
            text = _("%(who)s: %(action)s (%(object)s)", who=escape(entry.who),
                     action=escape(label("audit_action", log.action)),
                     object=escape(label("audit_object", log.object_type)))
        else:
            text = fmt(entry)
        out[log.id] = Markup(text)  # noqa: S704 - every value was escaped by the formatter
    return out
