"""Translated display labels for the coded values stored in the database."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.i18n import current
from app.models.enums import LABELLED

# the words of the coded values that have an enum (app/models/enums.py) come from it
LABELS = {kind: enum.labels() for kind, enum in LABELLED.items()} | {
    "institution_kind": {
        "school": _l("School"),
        "kita": _l("Kita (daycare)"),
        "counselling": _l("Counselling service"),
        "other": _l("Other"),
    },
    "gender": {"female": _l("female"), "male": _l("male"), "diverse": _l("diverse")},
    "mobility": {
        "foot": _l("on foot"),
        "bike": _l("bicycle"),
        "public": _l("public transport"),
        "car": _l("car"),
    },
    "language_level": {
        "B1": "B1",
        "B2": "B2",
        "C1": "C1",
        "C2": "C2",
        "native": _l("native"),
    },
    "german_level": {
        "A1": "A1",
        "A2": "A2",
        "B1": "B1",
        "B2": "B2",
        "C1": "C1",
        "C2": "C2",
        "native": _l("native"),
    },
    "document_kind": {
        "pledge": _l("Confidentiality pledge"),
        "police_certificate": _l("Extended police certificate"),
    },
    "weekday": {
        0: _l("Monday"),
        1: _l("Tuesday"),
        2: _l("Wednesday"),
        3: _l("Thursday"),
        4: _l("Friday"),
        5: _l("Saturday"),
        6: _l("Sunday"),
    },
    # short weekday names for lists of times ("Mo 14–18, Mi 9–12")
    "weekday_short": {
        0: _l("Mon"),
        1: _l("Tue"),
        2: _l("Wed"),
        3: _l("Thu"),
        4: _l("Fri"),
        5: _l("Sat"),
        6: _l("Sun"),
    },
    "occasion": {
        "parent_meeting": _l("Parent meeting"),
        "registration": _l("Registration"),
        "support_plan": _l("Support plan"),
        "parents_evening": _l("Parents' evening"),
        "settling_in": _l("Settling-in period"),
        "counselling": _l("Counselling"),
        "other": _l("Other"),
    },
    "unfilled_reason": {
        "no_speaker": _l("no speaker of the language"),
        "none_available": _l("nobody available at that time"),
        "short_notice": _l("lead time too short"),
        "occasion_not_served": _l("occasion not served"),
        "other": _l("other reason"),
    },
    "preferred_gender": {
        "none": _l("no preference"),
        "female": _l("female"),
        "male": _l("male"),
    },
    "offer_channel": {
        "email": _l("by e-mail"),
        "phone": _l("asked by phone"),
    },
    "audit_action": {
        "create": _l("created"),
        "update": _l("changed"),
        "delete": _l("deleted"),
        "invite": _l("invited"),
        "apply": _l("applied (public form)"),
        "self_update": _l("changed own data"),
        "add_language": _l("language added"),
        "remove_language": _l("language removed"),
        "confirm_language": _l("language confirmed"),
        "reject_language": _l("language rejected"),
        "add_availability": _l("time added"),
        "remove_availability": _l("time removed"),
        "add_absence": _l("absence added"),
        "remove_absence": _l("absence removed"),
        "record_pledge": _l("pledge recorded"),
        "record_police_certificate": _l("police certificate recorded"),
        "delete_police_certificate": _l("police certificate record deleted"),
        "add_course_participant": _l("registered for a course"),
        "remove_course_participant": _l("removed from a course"),
        "complete_module": _l("module completed"),
        "uncomplete_module": _l("module completion withdrawn"),
        "change_status": _l("status changed"),
        "export": _l("data exported"),
        "import": _l("list imported"),
        "erase": _l("personal data erased"),
        "person_left": _l("left the pool: offers withdrawn, sessions and feed ended"),
        "purge_note": _l("request note purged"),
        "outbox_retry": _l("e-mail queued again"),
        "outbox_discard": _l("e-mail discarded"),
        "end_sessions": _l("all sessions ended"),
        "password_change": _l("password changed"),
        "password_reset": _l("password reset by link"),
        "password_invite": _l("password set from invitation"),
        "login": _l("logged in"),
        "login_failed": _l("failed login"),
        "disable": _l("account disabled"),
        "enable": _l("account enabled"),
        "reset_link": _l("password link made"),
        "maintenance_on": _l("maintenance mode on"),
        "maintenance_off": _l("maintenance mode off"),
    },
    "audit_object": {
        "mediator": _l("Mediator"),
        "user": _l("Account"),
        "system": _l("System"),
        "request": _l("Request"),
        "assignment": _l("Assignment"),
        "institution": _l("Institution"),
        "contact_person": _l("Contact person"),
        "outbox_message": _l("E-mail"),
    },
    "place_kind": {
        "institution": _l("in the institution"),
        "address": _l("at another address"),
    },
    "request_mode": {
        "on_site": _l("on site"),
        "phone": _l("by phone"),
        "video": _l("by video"),
    },
    "follow_up_answer": {
        "took_place": _l("took place"),
        "no_show": _l("family did not come"),
        "cancelled_at_door": _l("cancelled at the door"),
        "mediator_no_show": _l("mediator did not come"),
    },
    "flag": {
        "urgent": _l("urgent"),
        "late": _l("late cancellation"),
        "overdue": _l("due soon"),
        "override": _l("override"),
        "no_show": _l("mediator did not come"),
        "assumed": _l("assumed"),  # completed without an answer (ASSUME_COMPLETION_AFTER_DAYS)
        "burdened": _l("weighed on them"),
        "reason_missing": _l("reason missing"),
    },
    "meeting_kind": {
        "exchange": _l("Exchange meeting"),
        "supervision": _l("Supervision"),
    },
    "rsvp": {
        "yes": _l("I will come"),
        "no": _l("I cannot come"),
        "maybe": _l("maybe"),
    },
    # CP-SAT's status names, as the week planner reports them
    "solver_status": {
        # said to the coordinator under the proposal: what the plan is worth, in plain words
        "OPTIMAL": _l("This is the best plan for these requests and mediators."),
        "FEASIBLE": _l("This is a good plan. The planner stopped at its time limit, so a "
                       "slightly better one may exist."),
        "INFEASIBLE": _l("No plan keeps every rule: please plan these requests by hand."),
        "UNKNOWN": _l("No plan was found in time: please try again or plan by hand."),
        "MODEL_INVALID": _l("The planner failed: please plan these requests by hand."),
    },
}


# values that may be unknown (an imported list that did not say): shown as "missing"
UNKNOWN_SHOWN = frozenset({"mobility", "german_level", "language_level"})


def label(kind: str, value) -> str:
    """Return the translated label of a coded value (the value itself when unknown); each
    label is translated once per request (a list page shows one per row, `app.i18n`)."""
    memo = current().labels
    key = (kind, value)
    text = memo.get(key)
    if text is None and value is None and kind in UNKNOWN_SHOWN:
        text = memo[key] = str(_l("missing"))
    if text is None:
        text = memo[key] = str(LABELS.get(kind, {}).get(value, value if value is not None
                                                          else ""))
    return text


def choices(kind: str) -> list[tuple[str, str]]:
    """Return (value, lazy label) pairs for a WTForms SelectField."""
    return [(k, v) for k, v in LABELS[kind].items()]
LABELS["flag"]["uncovered"] = _l("not covered")
LABELS["flag"]["offers_out"] = _l("offers out")
