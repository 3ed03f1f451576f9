"""Say each audit entry as a sentence in the reader's language, with links to what it names.

Why: the log stored codes and JSON (`send_offers`, `{"mediator_ids": [20, 42]}`) that only a
developer can read. Each action has one formatter in `SENTENCES`, keyed by (action, object
type); `tests/core/test_audit_text.py` fails for any action recorded in `app/` without one. The
objects the entries name are loaded with one query per type for the whole page, never per
row. Values are escaped before they enter the (trusted) translated sentence.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app.i18n import ui_language
from app.labels import label
from app.models import AuditLog
from app.services.core.audit_format import (
    Formatter,
    _changes,
    _details,
    _Entry,
    _escalated,
    _generated,
    _lang,
    _load,
    _med,
    _module,
    _req,
    _say,
    _series_cancelled,
)

_FIRST_COME_ON = _say(_l("%(who)s switched on “first come, first served” for %(request)s."),
                      request=_req)
_FIRST_COME_OFF = _say(_l("%(who)s switched off “first come, first served” for %(request)s."),
                       request=_req)

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
    ("board_signup", "request"): _say(_l("%(mediator)s said “I can” for %(request)s on the "
                                         "board."), mediator=_med, request=_req),
    ("board_withdraw", "request"): _say(_l("%(mediator)s withdrew their “I can” for %(request)s."),
                                        mediator=_med, request=_req),
    ("board_book", "request"): _say(_l("%(mediator)s was booked for %(request)s from the board "
                                       "(first come, first served)."),
                                    mediator=_med, request=_req),
    ("board_first_come", "request"): lambda e: (
        _FIRST_COME_ON if e.data.get("enabled") else _FIRST_COME_OFF)(e),
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
    ("correct_report", "assignment"): _say(
        _l("%(who)s corrected and approved the report of %(mediator)s for %(request)s."),
        mediator=lambda e: e.via(e.names.assignments)[1],
        request=lambda e: e.via(e.names.assignments)[0]),
    ("return_report", "assignment"): _say(
        _l("%(who)s returned the report of %(mediator)s for %(request)s."),
        mediator=lambda e: e.via(e.names.assignments)[1],
        request=lambda e: e.via(e.names.assignments)[0]),
    ("create", "request"): _say(_l("%(who)s submitted %(request)s."), request=_req),
    ("create_on_behalf", "request"): _say(
        _l("%(who)s entered %(request)s for the institution (phone intake)."), request=_req),
    ("update", "request"): _say(_l("%(who)s changed %(request)s: %(changes)s."), request=_req,
                                changes=_changes),
    ("release_assignment", "assignment"): _say(
        _l("The assignment of %(mediator)s for %(request)s was released after a change of the "
           "request."), mediator=lambda e: e.via(e.names.assignments)[1],
        request=lambda e: e.via(e.names.assignments)[0]),
    ("cancel_request", "request"): _say(_l("%(who)s cancelled %(request)s."), request=_req),
    ("cancel_series", "request"): _series_cancelled,
    ("outcome", "request"): _say(_l("%(who)s recorded the outcome of %(request)s: %(outcome)s."),
                                 request=_req, outcome=lambda e: label("outcome",
                                                                       e.get("outcome"))),
    ("escalate", "request"): _escalated,
    ("follow_up_answer", "request"): _say(
        _l("The institution confirmed %(request)s from the e-mail link: %(answer)s."),
        request=_req, answer=lambda e: label("follow_up_answer", e.get("answer"))),
    ("rate", "request"): _say(_l("%(who)s rated the interpreting of %(request)s."),
                              request=_req),
    ("assume_completion", "assignment"): _say(
        _l("Nobody answered: the assignment of %(mediator)s for %(request)s was assumed to "
           "have taken place."),
        mediator=lambda e: e.via(e.names.assignments)[1],
        request=lambda e: e.via(e.names.assignments)[0]),
    ("debrief", "assignment"): _say(
        _l("%(who)s wrote a debrief for %(request)s."),
        request=lambda e: e.via(e.names.assignments)[0]),
    ("debrief_follow_up", "assignment"): _say(
        _l("%(who)s noted the follow-up of a debrief of %(mediator)s."),
        mediator=lambda e: e.via(e.names.assignments)[1]),
    ("debrief_agenda", "assignment"): _say(
        _l("%(who)s put a debrief of %(mediator)s on the next supervision agenda."),
        mediator=lambda e: e.via(e.names.assignments)[1]),
    ("purge_feedback", "request"): _say(
        _l("Ratings and debriefs older than the retention period were deleted.")),
    ("unfilled", "request"): _say(_l("No mediator was found for %(request)s."), request=_req),
    ("unfilled_reason", "request"): _say(
        _l("%(who)s gave the reason why %(request)s was not served: %(reason)s."),
        request=_req, reason=lambda e: label("unfilled_reason", e.get("reason"))),
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
    # the pool list is exported without an id; one person's data with theirs
    ("export", "mediator"): lambda e: (
        _say(_l("%(who)s exported the data of %(mediator)s."), mediator=_med)
        if e.log.object_id is not None else _say(_l("%(who)s exported the mediator list.")))(e),
    ("erase", "mediator"): _say(_l("%(who)s erased the personal data of %(mediator)s."),
                                mediator=_med),
    ("person_left", "mediator"): _say(
        _l("%(mediator)s left the pool (%(status)s); pending offers withdrawn: %(offers)s; "
           "sessions ended and calendar feed switched off."),
        mediator=_med, status=lambda e: label("mediator_status", e.get("status")),
        offers=lambda e: len(e.get("withdrawn_offers") or [])),
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
    ("invite_again", "user"): _say(_l("The invitation to %(email)s was sent again: someone "
                                      "asked for a password reset before it was used."),
                                   email=lambda e: e.get("email")),
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
        name=lambda e: e.get("name_en" if ui_language() == "en" else "name_de")),
    ("translation_review", "translation"): _say(
        _l("%(who)s took a reviewed translation into %(language)s: “%(message)s” now reads "
           "“%(after)s”."), language=lambda e: e.get("locale"),
        message=lambda e: e.get("message"), after=lambda e: " / ".join(e.get("after") or [])),
    ("language_name_remove", "language"): _say(
        _l("%(who)s removed the office's own name of the language %(code)s."),
        code=lambda e: e.get("code")),
    ("update_on_behalf", "mediator"): _say(
        _l("%(who)s changed the profile of %(mediator)s for them (%(fields)s)."), mediator=_med,
        fields=lambda e: e.get("fields")),
    ("update_bank_details", "mediator"): _say(_l("%(who)s changed the bank details of "
                                                 "%(mediator)s."), mediator=_med),
    ("remove_bank_details", "mediator"): _say(_l("%(who)s deleted the bank details of "
                                                 "%(mediator)s."), mediator=_med),
    ("read_bank_details", "mediator"): _say(_l("%(who)s looked at the full IBAN of "
                                               "%(mediator)s."), mediator=_med),
    ("import", "mediator"): _say(
        _l("%(who)s imported mediators from “%(file)s” (%(created)s new, %(updated)s updated)."),
        file=lambda e: e.get("file"), created=lambda e: e.get("created", 0),
        updated=lambda e: e.get("updated", 0)),
    ("import", "institution"): _say(
        _l("%(who)s imported institutions from “%(file)s” (%(created)s new, %(updated)s "
           "updated)."), file=lambda e: e.get("file"), created=lambda e: e.get("created", 0),
        updated=lambda e: e.get("updated", 0)),
    ("export", "institution"): _say(_l("%(who)s exported the institution list.")),
    ("end_sessions", "user"): _say(_l("%(who)s ended all sessions of %(user)s."),
                                   user=lambda e: e.user()),
    ("password_change", "user"): _say(_l("%(user)s changed their password."),
                                      user=lambda e: e.user()),
    ("login", "user"): _say(_l("%(user)s logged in."), user=lambda e: e.user()),
    ("login_failed", "user"): lambda e: (
        _("A login as %(user)s failed (further failures in the same minute are not listed).",
          user=escape(e.user())) if e.log.object_id is not None else
        _("A login with an unknown e-mail address failed (further ones in the same minute are "
          "not listed).")),
    ("disable", "user"): _say(_l("%(who)s disabled the account of %(user)s and ended its "
                                 "sessions."), user=lambda e: e.user()),
    ("enable", "user"): _say(_l("%(who)s enabled the account of %(user)s again."),
                             user=lambda e: e.user()),
    ("maintenance_on", "system"): _say(_l("%(who)s switched maintenance mode on: “%(text)s”."),
                                       text=lambda e: e.get("message")),
    ("maintenance_off", "system"): _say(_l("%(who)s switched maintenance mode off.")),
    ("reset_link", "user"): _say(_l("%(who)s made a password link for %(user)s."),
                                 user=lambda e: e.user()),
}


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
