"""Say how to join a phone or video appointment, only to the people who take part.

Why one place: the link of a video room or the number to dial lets anyone into the
conversation, so the invitation, the feed event and the assignment pages all ask here what
a viewer may see. Those concerned are the assigned mediator (`viewer="mediator"`, whose
feed and invitations only hold their own assignments), the institution and the office on
its own pages (`"office"`, it arranges the appointment); the coordinator's feed (a secret
URL in a calendar app) and a mediator's offer say "Video" or "Telefon" without the way in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from app.labels import label
from app.models import InterpretingRequest, Mediator

CONCERNED = ("mediator", "institution", "office")


@dataclass
class Access:
    """What one viewer may see: where it happens, the link to open, lines of text."""

    location: str = ""
    url: str = ""
    lines: list[str] = field(default_factory=list)


def location(req: InterpretingRequest) -> str:
    """Return the LOCATION of a remote appointment ("Video", "Telefon"); "" on site."""
    if req.mode == "video":
        return _("Video")
    if req.mode == "phone":
        return _("Phone")
    return ""


def access(req: InterpretingRequest, viewer: str, mediator: Mediator | None = None) -> Access:
    """Return how `viewer` (mediator, institution, office, coordinator) joins; `mediator`
    is the assigned one (None before the assignment)."""
    found = Access(location=location(req))
    if not req.is_remote:
        return found
    found.lines.append(_("Held %(mode)s", mode=label("request_mode", req.mode)))
    if viewer not in CONCERNED:
        return found
    if req.mode == "video":
        found.url = req.meeting_url
        if found.url:
            found.lines.append(_("Video link: %(url)s", url=found.url))
        return found
    number = req.phone_number
    if viewer == "office":  # the coordinator's page: who dials, both numbers
        phone = mediator.phone if mediator is not None else ""
        found.lines.append(_("The mediator calls %(number)s.", number=number)
                           if req.phone_caller == "mediator" else
                           _("The institution (%(number)s) calls the mediator (%(phone)s).",
                             number=number, phone=phone or "–"))
    elif req.phone_caller == "mediator":
        found.lines.append(_("Please call %(number)s.", number=number) if viewer == "mediator"
                           else _("The mediator calls you at %(number)s.", number=number))
    elif viewer == "mediator":
        found.lines.append(_("The institution calls you (if needed, you reach it at "
                             "%(number)s).", number=number))
    else:
        phone = mediator.phone if mediator is not None else ""
        found.lines.append(_("Please call the mediator at %(number)s.", number=phone) if phone
                           else _("Please call the mediator; the office gives you the number."))
    return found
