"""Translated display labels for the coded values stored in the database."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

LABELS = {
    "role": {
        "coordinator": _l("Coordinator"),
        "institution": _l("Institution"),
        "mediator": _l("Mediator"),
    },
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
    "mediator_status": {
        "applicant": _l("Applicant"),
        "in_training": _l("In training"),
        "active": _l("Active"),
        "paused": _l("Paused"),
        "retired": _l("Retired"),
        "rejected": _l("Rejected"),
        "withdrawn": _l("Withdrawn"),
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
    "request_status": {
        "submitted": _l("Submitted"),
        "offered": _l("Offered"),
        "assigned": _l("Assigned"),
        "completed": _l("Completed"),
        "cancelled": _l("Cancelled"),
        "unfilled": _l("Unfilled"),
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
    "preferred_gender": {
        "none": _l("no preference"),
        "female": _l("female"),
        "male": _l("male"),
    },
    "offer_status": {
        "pending": _l("awaiting answer"),
        "accepted": _l("accepted"),
        "declined": _l("declined"),
        "withdrawn": _l("withdrawn"),
        "expired": _l("expired"),
    },
    "assignment_status": {
        "active": _l("active"),
        "cancelled": _l("cancelled"),
        "completed": _l("completed"),
    },
    "meeting_kind": {
        "exchange": _l("Exchange meeting"),
        "supervision": _l("Supervision"),
    },
    "meeting_status": {
        "scheduled": _l("scheduled"),
        "cancelled": _l("cancelled"),
    },
    "rsvp": {
        "yes": _l("I will come"),
        "no": _l("I cannot come"),
        "maybe": _l("maybe"),
    },
}


def label(kind: str, value) -> str:
    """Return the translated label of a coded value (the value itself when unknown)."""
    return str(LABELS.get(kind, {}).get(value, value if value is not None else ""))


def choices(kind: str) -> list[tuple[str, str]]:
    """Return (value, lazy label) pairs for a WTForms SelectField."""
    return [(k, v) for k, v in LABELS[kind].items()]
