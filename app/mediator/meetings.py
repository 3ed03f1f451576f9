"""The mediator's meetings: upcoming exchange meetings and own supervision sessions, RSVP."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.decorators import role_required
from app.extensions import db
from app.mediator import bp
from app.models import Meeting, MeetingAttendance, SupervisionMember
from app.services.calendar import meetings as svc
from app.services.core.errors import DomainError
from app.timeutil import now_utc


def _visible(mediator_id: int) -> sa.ColumnElement[bool]:
    groups = sa.select(SupervisionMember.group_id).where(
        SupervisionMember.mediator_id == mediator_id)
    return sa.or_(Meeting.kind == "exchange", Meeting.group_id.in_(groups))


@bp.route("/meetings")
@role_required("mediator")
def meetings():
    mediator = current_user.mediator
    rows = db.session.scalars(
        sa.select(Meeting).where(_visible(mediator.id), Meeting.ends_at >= now_utc())
        .order_by(Meeting.starts_at).limit(30)
    ).all()
    answers = dict(db.session.execute(
        sa.select(MeetingAttendance.meeting_id, MeetingAttendance.rsvp).where(
            MeetingAttendance.mediator_id == mediator.id,
            MeetingAttendance.meeting_id.in_([m.id for m in rows]))
    ).all())
    attended, recorded = db.session.execute(
        sa.select(sa.func.sum(sa.case((MeetingAttendance.attended.is_(True), 1), else_=0)),
                  sa.func.count(MeetingAttendance.id))
        .where(MeetingAttendance.mediator_id == mediator.id,
               MeetingAttendance.attended.is_not(None))
    ).one()
    return render_template("mediator/meetings.html", meetings=rows, answers=answers,
                           attended=int(attended or 0), recorded=recorded)


@bp.route("/meetings/<int:meeting_id>/rsvp", methods=["POST"])
@role_required("mediator")
def rsvp(meeting_id: int):
    mediator = current_user.mediator
    meeting = db.session.scalar(
        sa.select(Meeting).where(Meeting.id == meeting_id, _visible(mediator.id)))
    if meeting is None:
        abort(404)
    try:
        svc.set_rsvp(meeting, mediator, request.form.get("answer", ""))
    except DomainError as exc:
        flash(str(exc), "error")
        return redirect(url_for("mediator.meetings")), 303
    db.session.commit()
    flash(_("Thank you. Your answer is saved."), "success")
    return redirect(url_for("mediator.meetings"))
