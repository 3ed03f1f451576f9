"""Decide who receives which e-mail, in which language, and what a mediator's opt-out means.

Every mail the app sends asks `recipients(kind, subject)` whom to write to and queues it with
`queue(recipient, ...)` inside `speaking(recipient)`; no other module picks an address, reads
the opt-out flag or chooses a recipient's language, so one rule cannot drift into several
(the test suite scans the sources for it). The table in docs/email.md says the same per kind.

Addresses
    mediator     the login address of the person's *enabled* account, else the contact address
                 on the mediator record; an erased person gets nothing.
    institution  every enabled institution account of the institution; when it has none, the
                 institution's own address (`Institution.email`); when that is empty, nobody.
    coordinator  every enabled coordinator account.
    supervisor   the external supervisor of a supervision group (`supervisor_email`).
    account      the account itself (invitation, password reset; a reset never goes to a
                 disabled account, so a disabled person cannot get back in).

    An offer the coordinator made by phone (`Offer.channel == "phone"`) is not e-mailed: the
    person has already heard it, and the answer is recorded by the coordinator. A person
    with no address at all (no account, no contact address) simply gets no mail of any kind.

Language
    The profile locale of the person's account when it is one the app speaks to them (a
    mediator's in seven languages, staff in German or English: app/i18n.py), also
    when the account is disabled (the language belongs to the person, not to the login);
    otherwise German: addresses without an account (mediator contact address, institution
    address, supervisor) always get German, the office's working language.

Opt-out (`Mediator.notify_by_email`, the only opt-out there is; accounts of coordinators and
institutions have none)
    The person works from the dashboard and the calendar feed instead of the inbox, so every
    mail whose content those also show is *optional* and suppressed: offers (the offer waits
    on the dashboard; it went to several people, and an unanswered one expires and alerts
    the coordinators), withdrawn offers, invitations to assignments and meetings, reminders,
    document renewal notices (the coordinators get their own copy and follow up).
    The day-after report reminder is optional too (the dashboard lists the unreported
    assignment); the institution's confirmation request has no opt-out (institutions have none).
    *Must-have* mail ignores the opt-out: account mail (without it nobody can log in to see
    the dashboard) and the cancellation of an assignment or meeting the person has in their
    calendar, and the notice that a changed request released an assignment (the only mail
    whose absence costs a wasted trip).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa

from app.extensions import db
from app.i18n import languages_for
from app.i18n import speaking as i18n_speaking
from app.models import Institution, Mediator, OutboxMessage, SupervisionGroup, User
from app.models.enums import Role
from app.services.core import outbox

DEFAULT_LOCALE = "de"


class Kind(StrEnum):
    """Every kind of e-mail the app sends (one per row of the table in docs/email.md)."""

    OFFER = "offer"
    OFFER_WITHDRAWN = "offer_withdrawn"
    ASSIGNMENT_INVITATION = "assignment_invitation"  # iTIP REQUEST, created or updated
    ASSIGNMENT_CANCELLATION = "assignment_cancellation"  # iTIP CANCEL
    ASSIGNMENT_REMINDER = "assignment_reminder"
    ASSIGNMENT_RELEASED = "assignment_released"  # a changed request no longer fits the mediator
    MEETING_INVITATION = "meeting_invitation"  # iTIP REQUEST: meeting, series, supervision
    MEETING_CANCELLATION = "meeting_cancellation"  # iTIP CANCEL of an occurrence
    MEETING_REMINDER = "meeting_reminder"
    DOCUMENT_DUE = "document_due"
    INSTITUTION_NOTICE = "institution_notice"  # mediator cancelled, reassigned, unfilled
    ESCALATION = "escalation"
    MEDIATOR_CANCELLED = "mediator_cancelled"  # the coordinators' alert
    NEW_APPLICATION = "new_application"
    OPEN_REQUESTS_DIGEST = "open_requests_digest"
    ACCOUNT_INVITE = "account_invite"
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a message kind, not a secret)
    ACCESSIBILITY_FEEDBACK = "accessibility_feedback"  # BITV feedback form -> the office
    FOLLOW_UP_CONFIRMATION = "follow_up_confirmation"  # the day after: did it take place?
    REPORT_REMINDER = "report_reminder"  # the day after: the mediator's hours and travel
    REPORT_REVIEWED = "report_reviewed"  # the office corrected or returned the report


# the kinds a mediator's opt-out suppresses; every other kind is must-have for mediators
OPTIONAL_FOR_MEDIATORS = frozenset({
    Kind.OFFER, Kind.OFFER_WITHDRAWN, Kind.ASSIGNMENT_INVITATION, Kind.ASSIGNMENT_REMINDER,
    Kind.MEETING_INVITATION, Kind.MEETING_REMINDER, Kind.DOCUMENT_DUE, Kind.REPORT_REMINDER,
})
_MEETING_KINDS = (Kind.MEETING_INVITATION, Kind.MEETING_CANCELLATION, Kind.MEETING_REMINDER)
_COORDINATOR_KINDS = (Kind.ESCALATION, Kind.MEDIATOR_CANCELLED, Kind.NEW_APPLICATION,
                      Kind.OPEN_REQUESTS_DIGEST)


@dataclass(frozen=True)
class Recipient:
    """One addressee of one message; `role` also says which text they may see (iCal)."""

    email: str
    locale: str
    name: str
    role: str  # mediator, institution, coordinator, external, account
    user_id: int | None = None
    mediator_id: int | None = None


def recipients(kind: Kind | str, subject=None, *,
               invitees: Sequence[Mediator] = ()) -> list[Recipient]:
    """Return who receives a message of `kind` about `subject`, each once, in their language.

    `subject` is what the message is about: an `Offer` (offer kinds), an `Assignment`
    (assignment kinds), a `Meeting`/`MeetingSeries` with the `invitees` the calendar domain
    invited (meeting kinds; for reminders those who did not decline), a `Document`, an
    `InterpretingRequest` (institution notice), a `User` (account kinds), the office's address
    (accessibility feedback, always German); nothing for the coordinators' kinds.
    """
    kind = Kind(kind)
    found: list[Recipient | None]
    if kind == Kind.OFFER and subject.channel == "phone":
        found = []  # the coordinator asked on the phone and records the answer
    elif kind in (Kind.OFFER, Kind.OFFER_WITHDRAWN):
        found = [_mediator(subject.mediator, kind)]
    elif kind in (Kind.ASSIGNMENT_INVITATION, Kind.ASSIGNMENT_CANCELLATION):
        found = [_mediator(subject.mediator, kind), *_institution(subject.request.institution)]
    elif kind in (Kind.ASSIGNMENT_REMINDER, Kind.REPORT_REMINDER, Kind.ASSIGNMENT_RELEASED,
                  Kind.REPORT_REVIEWED):
        found = [_mediator(subject.mediator, kind)]
    elif kind == Kind.FOLLOW_UP_CONFIRMATION:
        found = list(_institution(subject.request.institution))
    elif kind in _MEETING_KINDS:
        found = [_mediator(m, kind) for m in invitees]
        if kind != Kind.MEETING_REMINDER:
            found.append(_supervisor(subject.group))
    elif kind == Kind.DOCUMENT_DUE:
        found = [_mediator(subject.mediator, kind), *_coordinators()]
    elif kind == Kind.INSTITUTION_NOTICE:
        found = list(_institution(subject.institution))
    elif kind in _COORDINATOR_KINDS:
        found = list(_coordinators())
    elif kind == Kind.ACCESSIBILITY_FEEDBACK:  # subject: the office address from configuration
        found = [Recipient(subject, DEFAULT_LOCALE, "", "external")] if subject else []
    elif kind == Kind.ACCOUNT_INVITE or subject.is_enabled:
        found = [_account(subject)]
    else:  # a password reset for a disabled account
        found = []
    return _unique(found)


@contextlib.contextmanager
def speaking(rcpt: Recipient) -> Iterator[None]:
    """Render what is inside the block (subject, body, iCal text) in the recipient's language."""
    with i18n_speaking(rcpt.locale):
        yield


def queue(rcpt: Recipient, subject: str, body_text: str, **kwargs) -> OutboxMessage | None:
    """Put one message to `rcpt` into the outbox, in the caller's transaction."""
    return outbox.enqueue(rcpt.email, subject, body_text, **kwargs)


def _locale(user: User | None) -> str:
    if user is not None and user.locale in languages_for(user):
        return user.locale
    return DEFAULT_LOCALE


def _mediator(mediator: Mediator, kind: Kind) -> Recipient | None:
    if mediator.erased_at is not None:
        return None
    if kind in OPTIONAL_FOR_MEDIATORS and not mediator.notify_by_email:
        return None
    user = mediator.user
    email = user.email if user is not None and user.is_enabled else mediator.email
    if not email:
        return None
    return Recipient(email, _locale(user), mediator.full_name, Role.MEDIATOR,
                     user_id=user.id if user is not None else None, mediator_id=mediator.id)


def _institution(institution: Institution) -> list[Recipient]:
    users = db.session.scalars(
        sa.select(User).where(User.institution_id == institution.id,
                              User.role == Role.INSTITUTION, User.is_enabled.is_(True))
        .order_by(User.id)).all()
    if users:
        return [Recipient(u.email, _locale(u), u.name, Role.INSTITUTION, user_id=u.id)
                for u in users]
    if institution.email:
        return [Recipient(institution.email.strip().lower(), DEFAULT_LOCALE, institution.name,
                          Role.INSTITUTION)]
    return []


def _coordinators() -> list[Recipient]:
    users = db.session.scalars(
        sa.select(User).where(User.role == Role.COORDINATOR, User.is_enabled.is_(True))
        .order_by(User.id)).all()
    return [Recipient(u.email, _locale(u), u.name, Role.COORDINATOR, user_id=u.id) for u in users]


def _supervisor(group: SupervisionGroup | None) -> Recipient | None:
    if group is None or not group.supervisor_email:
        return None
    return Recipient(group.supervisor_email, DEFAULT_LOCALE, group.supervisor_name, "external")


def _account(user: User) -> Recipient:
    return Recipient(user.email, _locale(user), user.name, "account", user_id=user.id,
                     mediator_id=user.mediator_id)


def _unique(found: Iterable[Recipient | None]) -> list[Recipient]:
    """Drop the empty slots and later duplicates of an address (the first role wins)."""
    seen: set[str] = set()
    out = []
    for rcpt in found:
        if rcpt is not None and rcpt.email not in seen:
            seen.add(rcpt.email)
            out.append(rcpt)
    return out

