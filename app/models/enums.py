"""The coded values stored in status and role columns, each with its words and badge colour.

Why one place: the stored string, its translated label (`app.labels.LABELS`), its badge tone
(`app.web.templating.BADGE_TONES`) and the CHECK constraint of its column (`in_check`) are
all read from these enums, so a new status is added once. Members are `str` (StrEnum): they
compare equal to the plain strings the database returns, and are written as their value.
"""

from __future__ import annotations

import enum
from typing import Any

from flask_babel import lazy_gettext as _l


class RichEnum(enum.StrEnum):
    """A StrEnum whose members carry a translated `label` and a KERN badge `tone`.

    A member is written `NAME = "value", _l("Label"), "tone"`; label and tone may be left out
    (the label is then the value, the badge falls back to "info").
    """

    label: Any
    tone: str | None

    def __new__(cls, value: str, label: Any = None, tone: str | None = None):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = value if label is None else label
        member.tone = tone
        return member

    @classmethod
    def labels(cls) -> dict[str, Any]:
        """Map each stored value to its lazy label (one `LABELS` entry)."""
        return {member.value: member.label for member in cls}

    @classmethod
    def tones(cls) -> dict[str, str]:
        """Map each stored value that has a badge colour to it."""
        return {member.value: member.tone for member in cls if member.tone}


class RequestStatus(RichEnum):
    SUBMITTED = "submitted", _l("Submitted"), "warning"
    OFFERED = "offered", _l("Offered"), "warning"
    ASSIGNED = "assigned", _l("Assigned"), "success"
    COMPLETED = "completed", _l("Completed"), "success"
    CANCELLED = "cancelled", _l("Cancelled"), "danger"
    UNFILLED = "unfilled", _l("Unfilled"), "danger"


class OfferStatus(RichEnum):
    PENDING = "pending", _l("awaiting answer"), "warning"
    ACCEPTED = "accepted", _l("accepted"), "success"
    DECLINED = "declined", _l("declined"), "danger"
    WITHDRAWN = "withdrawn", _l("withdrawn"), "danger"
    EXPIRED = "expired", _l("expired"), "danger"


class AssignmentStatus(RichEnum):
    ACTIVE = "active", _l("active"), "success"
    CANCELLED = "cancelled", _l("cancelled"), "danger"
    COMPLETED = "completed", _l("completed"), "success"


class ReportStatus(RichEnum):
    """returned: the office sent the report back with a reason; the mediator reports again."""

    NONE = "none", _l("not reported")
    REPORTED = "reported", _l("reported")
    APPROVED = "approved", _l("approved"), "success"
    RETURNED = "returned", _l("returned for a new report"), "warning"


class Outcome(RichEnum):
    """What happened at an appointment that took place as booked (request.outcome)."""

    TOOK_PLACE = "took_place", _l("took place")
    NO_SHOW = "no_show", _l("family did not come"), "danger"


class Role(RichEnum):
    COORDINATOR = "coordinator", _l("Coordinator")
    INSTITUTION = "institution", _l("Institution")
    MEDIATOR = "mediator", _l("Mediator")


class CancelledBy(RichEnum):
    """Who cancelled an assignment or request (`cancelled_by`; empty while not cancelled)."""

    INSTITUTION = "institution", _l("institution")
    MEDIATOR = "mediator", _l("mediator")
    COORDINATOR = "coordinator", _l("coordination")


class PhoneCaller(RichEnum):
    """Who dials for a phone appointment: the mediator calls the given number, or the
    institution calls the mediator (who then sees nothing but the institution's number)."""

    MEDIATOR = "mediator", _l("The mediator calls this number")
    INSTITUTION = "institution", _l("We call the mediator")


class MediatorStatus(RichEnum):
    APPLICANT = "applicant", _l("Applicant")
    IN_TRAINING = "in_training", _l("In training")
    ACTIVE = "active", _l("Active"), "success"
    PAUSED = "paused", _l("Paused"), "warning"
    RETIRED = "retired", _l("Retired")
    REJECTED = "rejected", _l("Rejected"), "danger"
    WITHDRAWN = "withdrawn", _l("Withdrawn"), "danger"


class MeetingStatus(RichEnum):
    SCHEDULED = "scheduled", _l("scheduled")
    CANCELLED = "cancelled", _l("cancelled"), "danger"


class OutboxStatus(RichEnum):
    """dead: given up after failures, waits for a coordinator; discarded: a coordinator gave
    up on it. Not shown as words (the outbox page lists dead and retrying mails apart)."""

    PENDING = "pending", None, "warning"
    SENT = "sent"
    DEAD = "dead"
    DISCARDED = "discarded"


# the enums whose words are shown, by their kind in `app.labels.LABELS`
LABELLED: dict[str, type[RichEnum]] = {
    "role": Role, "request_status": RequestStatus, "offer_status": OfferStatus,
    "assignment_status": AssignmentStatus, "report_status": ReportStatus, "outcome": Outcome,
    "cancelled_by": CancelledBy, "phone_caller": PhoneCaller, "mediator_status": MediatorStatus,
    "meeting_status": MeetingStatus,
}
# every coded-value enum: BADGE_TONES and the vocabulary test (tests/core) read this list
VOCABULARY: tuple[type[RichEnum], ...] = (*LABELLED.values(), OutboxStatus)
