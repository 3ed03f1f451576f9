"""Take in interpreting requests from institutions (single or weekly series).

Validation lives here rather than in the form so the same rules hold for every caller: future
dates only, a sane duration, a known language, refused occasions explained, follow-ups only
to the institution's own requests, and urgency derived from the configured lead time.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from app.extensions import db
from app.models import Institution, InterpretingRequest, User
from app.models.enums import PhoneCaller, RequestStatus
from app.models.request import (
    OCCASIONS,
    PLACE_KINDS,
    PREFERRED_GENDERS,
    REQUEST_MODES,
)
from app.services.booking import workdays
from app.services.booking.workdays import working_days_until
from app.services.core import audit, bounds
from app.services.core.errors import DomainError
from app.services.core.languages import is_valid_code
from app.timeutil import from_local, now_utc, to_local


@dataclass
class RequestData:
    day: dt.date
    start_time: dt.time
    duration_minutes: int
    language_code: str
    occasion: str
    place_kind: str = "institution"
    address: str = ""
    room: str = ""
    variety: str = ""
    legal_consequences: bool = False
    family_members: int = 1
    preferred_gender: str = "none"
    note: str = ""  # for the mediator
    # the office's own note: only a coordinator's form has it (None: not given, kept as is)
    internal_note: str | None = None
    follow_up_of_id: int | None = None
    weeks: int = 1
    mode: str = "on_site"
    meeting_url: str = ""
    phone_number: str = ""
    phone_caller: str = ""


def is_urgent(day: dt.date, today: dt.date | None = None) -> bool:
    """Tell whether a date is closer than the configured minimum lead time."""
    return working_days_until(day, today) < current_app.config["MIN_LEAD_WORKING_DAYS"]


def check_occasion(occasion: str, legal_consequences: bool) -> None:
    """Refuse occasions the volunteer pool does not serve, with an explanation."""
    refused = current_app.config["REFUSED_OCCASIONS"]
    if occasion not in OCCASIONS:
        raise DomainError(_("Unknown occasion."))
    if occasion in refused or (legal_consequences and "legal_consequences" in refused):
        raise DomainError(
            _("The volunteer mediators cannot interpret conversations with legal consequences "
              "(e.g. court, police, asylum hearings, custody decisions). Please book a sworn "
              "interpreter for these.")
        )


def check_mode(data: RequestData) -> None:
    """Refuse a mode without what it needs: a place on site, a link (or the office's video
    room) for video, a number and who dials for phone."""
    if data.mode not in REQUEST_MODES:
        raise DomainError(_("Please choose how the appointment is held."))
    if data.mode == "video":
        url = data.meeting_url.strip()
        if not url and not current_app.config["VIDEO_ROOM_URL"]:
            raise DomainError(_("Please enter the link of the video meeting."))
        parts = urlsplit(url)
        if url and (parts.scheme not in ("https", "http") or not parts.netloc
                    or any(c.isspace() for c in url)):
            raise DomainError(_("Please enter the link of the video meeting as https://…"))
    if data.mode == "phone":
        if not data.phone_number.strip():
            raise DomainError(_("Please enter the phone number."))
        if data.phone_caller not in tuple(PhoneCaller):
            raise DomainError(_("Please choose who calls whom."))


def video_room_url() -> tuple[str, str]:
    """Return (link, token) of a new room in the office's video service (`VIDEO_ROOM_URL`).

    The token is unguessable (whoever has the link is in the meeting) and new for every
    appointment, so an old invitation opens no later conversation.
    """
    token = secrets.token_urlsafe(18)
    return current_app.config["VIDEO_ROOM_URL"].replace("{token}", token), token


def mode_values(data: RequestData) -> dict:
    """Return the columns a request of the mode keeps (nothing of the other modes)."""
    values = {"mode": data.mode, "meeting_url": "", "video_token": "", "phone_number": "",
              "phone_caller": ""}
    if data.mode == "video":
        values["meeting_url"] = data.meeting_url.strip()
        if not values["meeting_url"]:
            values["meeting_url"], values["video_token"] = video_room_url()
    elif data.mode == "phone":
        values["phone_number"] = data.phone_number.strip()
        values["phone_caller"] = data.phone_caller
    return values


def follow_up_choices(institution_id: int, limit: int = 50) -> list[InterpretingRequest]:
    """Return the institution's recent requests that a new one may continue."""
    return list(
        db.session.scalars(
            sa.select(InterpretingRequest)
            .where(InterpretingRequest.institution_id == institution_id,
                   InterpretingRequest.status != RequestStatus.CANCELLED)
            .order_by(InterpretingRequest.starts_at.desc())
            .limit(limit)
        )
    )


def check_values(data: RequestData, institution_id: int) -> None:
    """Refuse what no request may hold, whether new or edited (the time is checked apart)."""
    cfg = current_app.config
    if not 15 <= data.duration_minutes <= 480:
        raise DomainError(_("The duration must be between 15 minutes and 8 hours."))
    if not 1 <= data.weeks <= cfg["MAX_RECURRING_WEEKS"]:
        raise DomainError(ngettext("A series can have at most %(num)d week.",
                                   "A series can have at most %(num)d weeks.",
                                   cfg["MAX_RECURRING_WEEKS"]))
    if not is_valid_code(data.language_code):
        raise DomainError(_("Please choose a language from the list."))
    check_occasion(data.occasion, data.legal_consequences)
    if data.place_kind not in PLACE_KINDS or data.preferred_gender not in PREFERRED_GENDERS:
        raise DomainError(_("Please check your entries."))
    check_mode(data)
    on_site = data.mode == "on_site"
    if on_site and data.place_kind == "address" and not data.address.strip():
        raise DomainError(_("Please enter the address."))
    if not 1 <= data.family_members <= 30:
        raise DomainError(_("Please enter between 1 and 30 family members."))
    if data.follow_up_of_id is not None:
        earlier = db.session.get(InterpretingRequest, data.follow_up_of_id)
        if earlier is None or earlier.institution_id != institution_id:
            raise DomainError(_("The earlier request was not found."))
    bounds.check_appointment_day(data.day)
    bounds.check_appointment_day(data.day + dt.timedelta(weeks=data.weeks - 1))


def check_future(data: RequestData) -> None:
    if from_local(data.day, data.start_time) <= now_utc():
        raise DomainError(_("The appointment must be in the future."))


def spans(data: RequestData) -> list[tuple[dt.datetime, dt.datetime]]:
    """Return the UTC (start, end) of every appointment the data describes (one per week)."""
    out = []
    for week in range(data.weeks):
        starts = from_local(data.day + dt.timedelta(weeks=week), data.start_time)
        out.append((starts, starts + dt.timedelta(minutes=data.duration_minutes)))
    return out


def duplicates(institution_id: int, language_code: str,
               times: list[tuple[dt.datetime, dt.datetime]],
               exclude_id: int | None = None) -> list[InterpretingRequest]:
    """Return the institution's open or assigned requests in that language that overlap.

    Why: the same appointment entered twice (by two colleagues, or by phone and online)
    books two volunteers; the form asks before saving such a request.
    """
    if not times:
        return []
    overlap = sa.or_(*(sa.and_(InterpretingRequest.starts_at < end,
                               InterpretingRequest.ends_at > start) for start, end in times))
    stmt = (sa.select(InterpretingRequest)
            .where(InterpretingRequest.institution_id == institution_id,
                   InterpretingRequest.language_code == language_code.lower(),
                   InterpretingRequest.is_cancellable, overlap)
            .order_by(InterpretingRequest.starts_at).limit(20))
    if exclude_id is not None:
        stmt = stmt.where(InterpretingRequest.id != exclude_id)
    return list(db.session.scalars(stmt))


@dataclass
class Intake:
    """What a submission gave: the new requests, or what to confirm first (the overlapping
    requests, the series dates on holidays)."""

    created: list[InterpretingRequest]
    duplicates: list[InterpretingRequest]
    holidays: dict[dt.date, str] = field(default_factory=dict)


def series_warnings(data: RequestData) -> dict[dt.date, str]:
    """Return the dates of a weekly series that fall on a day nobody expects a conversation.

    Why: a series typed in November runs into Christmas, New Year's Eve, a public holiday of
    the state (`HOLIDAY_STATE`, from the `holidays` package) or the school holidays (the
    `SCHOOL_HOLIDAYS` list the office keeps): schools and Kitas are closed or families away.
    The form warns and saves only when confirmed. A single date is not checked.
    """
    if data.weeks <= 1:
        return {}
    days = [data.day + dt.timedelta(weeks=week) for week in range(data.weeks)]
    public = workdays.public_holidays(days[0], days[-1])
    school = current_app.config["SCHOOL_HOLIDAYS"]
    found = {}
    for day in days:
        reasons = []
        if (day.month, day.day) == (12, 24):
            reasons.append(_("Christmas Eve"))
        if (day.month, day.day) == (12, 31):
            reasons.append(_("New Year's Eve"))
        if day in public:
            reasons.append(public[day])
        if any(start <= day <= end for start, end in school):
            reasons.append(_("school holidays"))
        if reasons:
            found[day] = ", ".join(reasons)
    return found


def submit(actor: User, institution_id: int, data: RequestData, *, confirmed: bool = False,
           on_behalf: bool = False, holidays_confirmed: bool = False) -> Intake:
    """Create the request(s) unless they overlap an open one of the institution, or a series
    lands on holidays (`series_warnings`), unconfirmed.

    Nothing is written then: the view shows both warnings at once and asks again, with
    everything typed kept in the form.
    """
    check_values(data, institution_id)
    check_future(data)
    found = [] if confirmed else duplicates(institution_id, data.language_code, spans(data))
    holidays = {} if holidays_confirmed else series_warnings(data)
    if found or holidays:
        return Intake(created=[], duplicates=found, holidays=holidays)
    return Intake(created=create_requests(actor, institution_id, data, on_behalf=on_behalf),
                  duplicates=[])


def institution_choices() -> list[tuple[int, str]]:
    """Return (id, name) of every institution, for the coordinator's phone intake."""
    return [(i, name) for i, name in db.session.execute(
        sa.select(Institution.id, Institution.name)
        .order_by(Institution.sort_name, Institution.id))]


def create_requests(
    actor: User, institution_id: int, data: RequestData, *, on_behalf: bool = False
) -> list[InterpretingRequest]:
    """Create one request, or one per week for a recurring series sharing a series key.

    `on_behalf`: a coordinator enters the request for the institution (phone intake); the
    coordinator is `created_by`, and the audit entry says so.
    """
    check_values(data, institution_id)
    check_future(data)
    series_key = str(uuid.uuid4()) if data.weeks > 1 else None
    on_site = data.mode == "on_site"
    created = []
    for starts, ends in spans(data):
        req = InterpretingRequest(
            institution_id=institution_id,
            created_by_id=actor.id,
            starts_at=starts,
            ends_at=ends,
            duration_minutes=data.duration_minutes,
            place_kind=data.place_kind if on_site else "institution",
            address=data.address.strip() if on_site and data.place_kind == "address" else "",
            room=data.room.strip() if on_site else "",
            **mode_values(data),
            language_code=data.language_code.lower(),
            variety=data.variety.strip(),
            occasion=data.occasion,
            family_members=data.family_members,
            preferred_gender=data.preferred_gender,
            note=data.note.strip(),
            internal_note=office_note(actor, data) or "",
            follow_up_of_id=data.follow_up_of_id,
            series_key=series_key,
            status=RequestStatus.SUBMITTED,
            urgent=is_urgent(to_local(starts).date()),
        )
        db.session.add(req)
        created.append(req)
    db.session.flush()
    for req in created:
        if on_behalf:
            audit.record(actor, "create_on_behalf", "request", req.id, series_key=series_key,
                         institution_id=institution_id, on_behalf=True)
        else:
            audit.record(actor, "create", "request", req.id, series_key=series_key)
    return created


def office_note(actor: User, data: RequestData) -> str | None:
    """Return the internal note a coordinator typed (None: keep the stored one).

    Only a coordinator writes it; whatever an institution's post carries is ignored.
    """
    if data.internal_note is None or not actor.is_coordinator:
        return None
    return data.internal_note.strip()


def visible_mediator(req: InterpretingRequest) -> dict | None:
    """Return what the institution may see of the assigned mediator: first name, opted-in phone."""
    assignment = req.live_assignment
    if assignment is None:
        return None
    m = assignment.mediator
    return {"first_name": m.first_name, "phone": m.phone if m.share_phone else ""}
