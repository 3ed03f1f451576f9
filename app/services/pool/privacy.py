"""Data protection: export, erasure, retention purges, expiring documents, the audit trail.

The periodic functions (``purge_request_notes``, ``purge_police_certificates``,
``erase_stale_applicants`` and ``run_retention``) flush but never commit: their job
(``pool/tasks.py: run_retention``, also the ``privacy purge`` command) commits once.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager, selectinload

from app.extensions import db
from app.models import (
    AllowanceStatement,
    Assignment,
    AuditLog,
    CourseParticipant,
    Document,
    InterpretingRequest,
    Mediator,
    Offer,
    User,
)
from app.models.enums import MediatorStatus
from app.models.mediator import MEDIATOR_IN_POOL_STATUSES, MEDIATOR_LEFT_STATUSES
from app.services.core import audit
from app.services.core.errors import DomainError
from app.services.pool import departure, feedback_privacy
from app.timeutil import now_utc, to_local

ERASABLE_STATUSES = MEDIATOR_LEFT_STATUSES


class AuditLogChangeError(RuntimeError):
    """Raised when code tries to change or delete an audit entry through the ORM."""


@sa.event.listens_for(AuditLog, "before_update")
@sa.event.listens_for(AuditLog, "before_delete")
def _refuse_audit_change(_mapper, _connection, target: AuditLog) -> None:
    """Keep the audit trail append-only in the application (no view edits it either)."""
    raise AuditLogChangeError(f"audit entry {target.id} cannot be changed")
NEVER_STARTED = (MediatorStatus.APPLICANT, MediatorStatus.REJECTED, MediatorStatus.WITHDRAWN)


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def export_mediator(actor: User | None, mediator: Mediator) -> dict:
    """Collect every personal datum held about a mediator (Art. 15/20 GDPR) and audit it."""
    assignments = db.session.scalars(sa.select(Assignment).where(
        Assignment.mediator_id == mediator.id).order_by(Assignment.starts_at))
    offers = db.session.scalars(sa.select(Offer).where(Offer.mediator_id == mediator.id)
                                .order_by(Offer.created_at))
    courses = db.session.scalars(sa.select(CourseParticipant).where(
        CourseParticipant.mediator_id == mediator.id))
    simple = ("first_name", "last_name", "email", "phone", "share_phone", "gender", "district",
              "mobility", "german_level", "status", "max_per_week", "notify_by_email", "notes",
              "account_holder", "iban", "bic", "motivation")
    data = {name: getattr(mediator, name) for name in simple}
    statements = db.session.scalars(sa.select(AllowanceStatement).where(
        AllowanceStatement.mediator_id == mediator.id).order_by(AllowanceStatement.id))
    data.update({
        "id": mediator.id, "cohort": mediator.cohort.year if mediator.cohort else None,
        "joined_on": _iso(mediator.joined_on), "left_on": _iso(mediator.left_on),
        "consent_at": _iso(mediator.consent_at), "created_at": _iso(mediator.created_at),
        "languages": [{"code": lang.code, "variety": lang.variety, "level": lang.level,
                       "confirmed": lang.confirmed} for lang in mediator.languages],
        "availability": [{"weekday": a.weekday, "start": a.start_time.isoformat("minutes"),
                          "end": a.end_time.isoformat("minutes")} for a in mediator.availability],
        "absences": [{"start": _iso(a.start_date), "end": _iso(a.end_date), "reason": a.reason}
                     for a in mediator.absences],
        "documents": [{"kind": d.kind, "recorded_on": _iso(d.recorded_on),
                       "issued_on": _iso(d.issued_on),
                       "has_relevant_entry": d.has_relevant_entry} for d in mediator.documents],
        "module_completions": [{"module": c.module.code, "completed_on": _iso(c.completed_on)}
                               for c in mediator.completions],
        "courses": [{"course_id": p.course_id, "attended": p.attended} for p in courses],
        "assignments": [{"id": a.id, "starts_at": _iso(a.starts_at), "ends_at": _iso(a.ends_at),
                         "status": a.status, "reported_minutes": a.reported_minutes,
                         "travel_km": str(a.travel_km) if a.travel_km is not None else None,
                         "ticket_cost_cents": a.ticket_cost_cents} for a in assignments],
        "offers": [{"request_id": o.request_id, "status": o.status,
                    "created_at": _iso(o.created_at), "decline_reason": o.decline_reason}
                   for o in offers],
        "allowance_statements": [
            {"year": st.year, "month": st.month, "kind": st.kind, "total_cents": st.total_cents,
             "exported_at": _iso(st.exported_at), "reference": st.reference,
             "payee_name": st.payee_name, "iban": st.iban, "bic": st.bic}
            for st in statements],
        "account": _account(mediator.user),
        **feedback_privacy.export_mediator(mediator.id),
    })
    audit.record(actor, "export", "mediator", mediator.id)
    db.session.flush()
    return {"kind": "mediator", "exported_at": _iso(now_utc()), "person": data}


def _account(user: User | None) -> dict | None:
    if user is None:
        return None
    return {"id": user.id, "email": user.email, "name": user.name, "role": user.role,
            "locale": user.locale, "created_at": _iso(user.created_at),
            "last_login_at": _iso(user.last_login_at)}


def export_user(actor: User | None, user: User) -> dict:
    """Export an account without a mediator record (coordinator or institution staff)."""
    if user.mediator is not None:
        return export_mediator(actor, user.mediator)
    data = _account(user) or {}
    data["institution"] = user.institution.name if user.institution else None
    data["ratings_written"] = feedback_privacy.export_user(user)
    data["requests_created"] = db.session.scalar(sa.select(sa.func.count(
        InterpretingRequest.id)).where(InterpretingRequest.created_by_id == user.id))
    audit.record(actor, "export", "user", user.id)
    db.session.flush()
    return {"kind": "user", "exported_at": _iso(now_utc()), "person": data}


def erase_mediator(actor: User | None, mediator: Mediator, *, reason: str = "request") -> None:
    """Anonymise a person who left or was never taken on; statistics stay exactly as they were.

    Kept: the row and its id (assignments, hours, offers and completions still point at it),
    status, gender, German level, district, cohort, dates, languages. Removed: names, contact,
    notes, bank data, motivation, availability, absences, documents, offer decline reasons,
    debriefs and the ratings of their work,
    the login account and the e-mail address in the audit entries of their own actions.
    """
    if mediator.erased_at is not None:
        raise DomainError(_("This person has already been erased."))
    if mediator.status not in ERASABLE_STATUSES and not (
            reason == "retention" and mediator.status == MediatorStatus.APPLICANT):
        raise DomainError(_("Only retired mediators and rejected or withdrawn applicants "
                            "can be erased."))
    departure.person_left(actor, mediator)  # offers withdrawn; the account goes below
    mediator.first_name = _("Erased")
    mediator.last_name = f"#{mediator.id}"
    for name in ("email", "phone", "notes", "account_holder", "iban", "bic", "motivation"):
        setattr(mediator, name, "")
    mediator.share_phone = False
    mediator.notify_by_email = False
    mediator.availability.clear()
    mediator.absences.clear()
    mediator.documents.clear()
    for offer in db.session.scalars(sa.select(Offer).where(Offer.mediator_id == mediator.id)):
        offer.decline_reason = ""  # free text written by the person
    feedback_privacy.erase_mediator(mediator.id)  # debriefs, ratings of their work
    if mediator.user is not None:
        # the audit trail stays (who did what, when), but no longer names the person
        db.session.execute(
            sa.update(AuditLog).where(AuditLog.actor_id == mediator.user.id)
            .values(actor_label=f"mediator #{mediator.id} (erased)")
            .execution_options(synchronize_session=False))
        db.session.delete(mediator.user)
    mediator.erased_at = now_utc()
    db.session.flush()
    audit.record(actor, "erase", "mediator", mediator.id, reason=reason)


def _months_ago(months: int, moment: dt.datetime | None = None) -> dt.datetime:
    return (moment or now_utc()) - relativedelta(months=months)


def purge_request_notes(now: dt.datetime | None = None) -> int:
    """Empty both notes (for the mediator, internal) of requests that ended N months ago."""
    cutoff = _months_ago(current_app.config["REQUEST_NOTE_RETENTION_MONTHS"], now)
    requests = db.session.scalars(sa.select(InterpretingRequest).where(
        InterpretingRequest.ends_at < cutoff, InterpretingRequest.note_purged_at.is_(None)))
    count = 0
    for req in requests:
        had_note = bool(req.note or req.internal_note)
        req.note = ""
        req.internal_note = ""
        req.note_purged_at = now or now_utc()
        if had_note:
            count += 1
            audit.record(None, "purge_note", "request", req.id)
    db.session.flush()
    return count


def purge_police_certificates(today: dt.date | None = None) -> int:
    """Delete the police-certificate record 3 months after a person left (§ 72a (5) SGB VIII)."""
    today = today or to_local(now_utc()).date()
    cutoff = today - relativedelta(months=current_app.config["POLICE_CERT_DELETE_MONTHS"])
    docs = db.session.scalars(sa.select(Document).join(Document.mediator).where(
        Document.kind == "police_certificate", Mediator.left_on.is_not(None),
        Mediator.left_on <= cutoff).options(contains_eager(Document.mediator))).all()
    count = 0
    for doc in docs:
        audit.record(None, "delete_police_certificate", "mediator", doc.mediator_id)
        doc.mediator.documents.remove(doc)  # delete-orphan: the row goes at the flush
        count += 1
    db.session.flush()
    return count


def erase_stale_applicants(now: dt.datetime | None = None) -> int:
    """Erase applicants who never started training after the configured number of months."""
    cutoff = _months_ago(current_app.config["APPLICANT_RETENTION_MONTHS"], now)
    stale = db.session.scalars(sa.select(Mediator).where(
        Mediator.status.in_(NEVER_STARTED), Mediator.erased_at.is_(None),
        Mediator.updated_at < cutoff).options(selectinload(Mediator.user)))
    count = 0
    for mediator in stale:
        erase_mediator(None, mediator, reason="retention")
        count += 1
    return count


def run_retention(now: dt.datetime | None = None) -> dict[str, int]:
    """Run every retention rule once (the daily job in pool/tasks.py commits)."""
    moment = now or now_utc()
    return {
        "notes": purge_request_notes(moment),
        "police_certificates": purge_police_certificates(to_local(moment).date()),
        "applicants": erase_stale_applicants(moment),
        "feedback": feedback_privacy.purge(moment),
    }


def _expiring(today: dt.date, days: int) -> sa.ColumnElement[bool]:
    years = current_app.config["POLICE_CERT_VALID_YEARS"]
    threshold = today + dt.timedelta(days=days) - relativedelta(years=years)
    return sa.and_(Document.kind == "police_certificate", Document.recorded_on <= threshold,
                   Mediator.erased_at.is_(None),
                   Mediator.status.in_(MEDIATOR_IN_POOL_STATUSES))


def expiring_documents(today: dt.date, days: int = 60) -> list[tuple[Document, dt.date]]:
    """Return police certificates due for re-inspection within `days` (or overdue), soonest first.

    Only people who can still be asked (not retired, rejected, withdrawn or erased) are listed.
    """
    years = current_app.config["POLICE_CERT_VALID_YEARS"]
    docs = db.session.scalars(
        sa.select(Document).join(Document.mediator).where(_expiring(today, days))
        .options(contains_eager(Document.mediator))
        .order_by(Document.recorded_on))
    return [(d, d.recorded_on + relativedelta(years=years)) for d in docs]


def count_expiring_documents(today: dt.date, days: int = 60) -> int:
    """Count what `expiring_documents` lists, in one query (the start page's card)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Document)
                             .join(Document.mediator).where(_expiring(today, days))) or 0


def audit_query(object_type: str = "", object_id: int | None = None) -> sa.Select:
    """Build the newest-first audit query, optionally for one object (paginated by the view)."""
    stmt = sa.select(AuditLog)
    if object_type:
        stmt = stmt.where(AuditLog.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditLog.object_id == object_id)
    return stmt.order_by(AuditLog.at.desc(), AuditLog.id.desc())
