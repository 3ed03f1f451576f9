"""Change a request after it was submitted: by its institution while open, by a coordinator
until it is completed.

Why one function for both: the same validation as a new request, and one answer to "what
happens to the people already involved". A change of anything but the note re-checks the
assigned mediator against the hard rules of matching (the request's own assignment left out
of overlap and weekly limit): still eligible, the assignment keeps its UID and gets the new
times with a higher SEQUENCE (iTIP REQUEST, feeds); not eligible any more, the assignment is
released (iTIP CANCEL and a notice) and the request goes back to matching. Pending offers
were made for the old appointment and are withdrawn. The request row is locked first (as in
every booking), so an acceptance cannot slip in between the check and the change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import gettext as _

from app.extensions import db
from app.models import Assignment, InterpretingRequest, User
from app.models.enums import AssignmentStatus, CancelledBy, RequestStatus, Role
from app.services.booking import intake
from app.services.booking import mail as request_mail
from app.services.booking.assignments import lock_mediator, lock_request, withdraw_pending_offers
from app.services.booking.states import move_assignment, move_request
from app.services.calendar import itip as invitations
from app.services.core import audit
from app.services.core.errors import DomainError, NotAllowedError
from app.services.matching import ranking as matching
from app.timeutil import from_local, now_utc, to_local

# what an edit may change; all of them but the notes matter to the mediator or to matching
# (the internal note only a coordinator changes, and only a coordinator's form shows it)
EDITABLE = ("starts_at", "ends_at", "duration_minutes", "place_kind", "address", "room",
            "language_code", "variety", "occasion", "family_members", "preferred_gender",
            "note", "internal_note", "mode", "meeting_url", "phone_number", "phone_caller")
NOTE_ONLY = frozenset({"note", "internal_note"})


@dataclass
class Change:
    """What an edit did: the changed fields, and what happened to the assignment and offers."""

    request: InterpretingRequest
    changed: list[str] = field(default_factory=list)
    duplicates: list[InterpretingRequest] = field(default_factory=list)
    kept: bool = False  # the assigned mediator stays (and got an updated invitation)
    released: bool = False  # the assigned mediator no longer fits; back to matching
    withdrawn: int = 0  # pending offers withdrawn


def form_values(req: InterpretingRequest, *, office: bool = False) -> dict:
    """Return the request's values in the form's terms (local date and time).

    The internal note only for the office's form (`office`): an institution never gets it.
    """
    local = to_local(req.starts_at)
    hidden = ("starts_at", "ends_at") if office else ("starts_at", "ends_at", "internal_note")
    return {"day": local.date(), "start_time": local.time(),
            **{name: getattr(req, name) for name in EDITABLE if name not in hidden}}


def _may_edit(actor: User, req: InterpretingRequest) -> None:
    if actor.is_coordinator:
        if not req.is_cancellable:
            raise NotAllowedError(_("A completed, cancelled or unfilled request cannot be "
                                    "changed any more."))
        return
    if actor.role != Role.INSTITUTION or actor.institution_id != req.institution_id:
        raise NotAllowedError(_("This is not your request."))
    if not req.is_open:
        raise NotAllowedError(_("This request can no longer be changed here because a "
                                "mediator is assigned or it is closed. Please call the "
                                "coordination office."))


def _new_values(actor: User, data: intake.RequestData, req: InterpretingRequest) -> dict:
    starts = from_local(data.day, data.start_time)
    on_site = data.mode == "on_site"
    if data.mode == "video" and not data.meeting_url.strip() and req.mode == "video":
        data.meeting_url = req.meeting_url  # keep the office room the request already has
    modes = intake.mode_values(data)
    if modes["meeting_url"] == req.meeting_url:
        modes["video_token"] = req.video_token
    return {**modes,
        "starts_at": starts, "ends_at": starts + dt.timedelta(minutes=data.duration_minutes),
        "duration_minutes": data.duration_minutes,
        "place_kind": data.place_kind if on_site else "institution",
        "address": data.address.strip() if on_site and data.place_kind == "address" else "",
        "room": data.room.strip() if on_site else "", "language_code": data.language_code.lower(),
        "variety": data.variety.strip(), "occasion": data.occasion,
        "family_members": data.family_members, "preferred_gender": data.preferred_gender,
        "note": data.note.strip(),
        "internal_note": _kept(intake.office_note(actor, data), req.internal_note),
    }


def _kept(value: str | None, stored: str) -> str:
    return stored if value is None else value


def _audit_value(name: str, value):
    if isinstance(value, dt.datetime):
        return to_local(value).strftime("%Y-%m-%d %H:%M")
    return value


def update_request(actor: User, request_id: int, data: intake.RequestData, *,
                   confirmed: bool = False) -> Change:
    """Apply an edit under the request's row lock; see the module docstring for the rules."""
    req = lock_request(request_id)
    _may_edit(actor, req)
    data.weeks, data.follow_up_of_id = 1, None
    intake.check_values(data, req.institution_id)
    new = _new_values(actor, data, req)
    changed = [name for name in EDITABLE if getattr(req, name) != new[name]]
    result = Change(request=req, changed=changed)
    if not changed:
        return result
    begun = req.starts_at <= now_utc()
    if begun and set(changed) - NOTE_ONLY:
        raise DomainError(_("The appointment has already begun; only the notes can be "
                            "changed."))
    if "starts_at" in changed:
        intake.check_future(data)
    if not confirmed and set(changed) - NOTE_ONLY:
        found = intake.duplicates(req.institution_id, new["language_code"],
                                  [(new["starts_at"], new["ends_at"])], exclude_id=req.id)
        if found:
            result.duplicates = found
            return result
    old = {name: getattr(req, name) for name in changed}
    relevant = bool(set(changed) - NOTE_ONLY)
    if relevant:
        # the offers were made for the old appointment: their mails name the old date
        result.withdrawn = withdraw_pending_offers(req)
        if req.status == RequestStatus.OFFERED:
            move_request(req, RequestStatus.SUBMITTED)
    for name in changed:
        setattr(req, name, new[name])
    req.video_token = new["video_token"]
    if "starts_at" in changed:
        req.urgent = intake.is_urgent(data.day)
    db.session.flush()
    assignment = req.live_assignment
    if relevant and assignment is not None and assignment.status == AssignmentStatus.ACTIVE:
        reasons = _recheck(req, assignment)
        if reasons:
            _release(actor, req, assignment, reasons)
            result.released = True
        else:
            assignment.starts_at, assignment.ends_at = req.starts_at, req.ends_at
            db.session.flush()
            invitations.assignment_changed(assignment, "updated")
            result.kept = True
    audit.record(actor, "update", "request", req.id,
                 changes={name: ["…", "…"] if name in NOTE_ONLY else
                          [_audit_value(name, old[name]), _audit_value(name, new[name])]
                          for name in changed},
                 on_behalf=actor.is_coordinator, kept=result.kept,
                 released=result.released, withdrawn=result.withdrawn)
    return result


def _recheck(req: InterpretingRequest, assignment: Assignment) -> list[str]:
    """Return why the assigned mediator no longer fits the changed request (empty: fits)."""
    mediator = lock_mediator(assignment.mediator_id)
    return matching.check_eligible(req, mediator)


def _release(actor: User, req: InterpretingRequest, assignment: Assignment,
             reasons: list[str]) -> None:
    """Cancel the assignment for the changed request and send the request back to matching."""
    reason = _("The request was changed and %(name)s no longer fits: %(reasons)s",
               name=assignment.mediator.first_name, reasons="; ".join(reasons))
    move_assignment(assignment, AssignmentStatus.CANCELLED)
    assignment.cancelled_at = now_utc()
    assignment.cancelled_by = (CancelledBy.COORDINATOR if actor.is_coordinator
                               else CancelledBy.INSTITUTION)
    assignment.cancel_reason = reason[:500]
    move_request(req, RequestStatus.SUBMITTED)
    req.assigned_at = None
    req.escalated_at = None
    db.session.flush()
    invitations.assignment_changed(assignment, "cancelled")
    request_mail.released_mail(assignment)
    request_mail.institution_notice(req, "released")
    audit.record(actor, "release_assignment", "assignment", assignment.id, request_id=req.id,
                 mediator_id=assignment.mediator_id, reasons=reasons)
