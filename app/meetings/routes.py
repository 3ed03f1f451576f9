"""Coordinator views: series and single meetings, one occurrence, groups, attendance."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.auth.decorators import coordinator_required
from app.extensions import db
from app.meetings import bp
from app.meetings.forms import GroupForm, OccurrenceForm, SeriesForm, SingleForm
from app.models import Mediator, Meeting, SupervisionGroup, SupervisionMember
from app.services.calendar import meetings as svc
from app.services.core import audit
from app.services.core.errors import DomainError
from app.timeutil import now_utc, to_local
from app.web.input import ids_from


def _group_choices(form) -> None:
    groups = db.session.scalars(sa.select(SupervisionGroup).order_by(SupervisionGroup.name))
    form.group_id.choices = [(0, _("– none –"))] + [(g.id, g.name) for g in groups]


def _group(form) -> SupervisionGroup | None:
    return db.session.get(SupervisionGroup, form.group_id.data) if form.group_id.data else None


@bp.route("/")
@coordinator_required
def index():
    show = request.args.get("show", "upcoming")
    stmt = sa.select(Meeting).options(selectinload(Meeting.group))
    if show == "past":
        stmt = stmt.where(Meeting.starts_at < now_utc()).order_by(Meeting.starts_at.desc())
    else:
        stmt = stmt.where(Meeting.starts_at >= now_utc()).order_by(Meeting.starts_at)
    page = db.paginate(stmt, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    return render_template("meetings/index.html", page=page, show=show)


def _create(form, template: str, create):
    _group_choices(form)
    if form.validate_on_submit():
        try:
            created = create(form)
        except DomainError as exc:
            form.form_errors.append(str(exc))
        else:
            audit.record(current_user, "create", type(created).__name__.lower(), created.id)
            db.session.commit()
            flash(_("Meeting saved. The invitations are on their way."), "success")
            return redirect(url_for("meetings.index"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(template, form=form), status


@bp.route("/series/new", methods=["GET", "POST"])
@coordinator_required
def new_series():
    def create(form):
        return svc.create_series(
            kind=form.kind.data, title=form.title.data, place=form.place.data or "",
            agenda=form.agenda.data or "", first_day=form.first_day.data, start=form.start.data,
            duration_minutes=form.duration_minutes.data, pattern=form.pattern.data,
            interval=form.interval.data, until=form.until.data, group=_group(form))

    return _create(SeriesForm(), "meetings/series_form.html", create)


@bp.route("/new", methods=["GET", "POST"])
@coordinator_required
def new_single():
    def create(form):
        return svc.create_single(
            kind=form.kind.data, title=form.title.data, place=form.place.data or "",
            agenda=form.agenda.data or "", day=form.day.data, start=form.start.data,
            duration_minutes=form.duration_minutes.data, group=_group(form))

    return _create(SingleForm(), "meetings/single_form.html", create)


def _get(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _detail(meeting: Meeting, form: OccurrenceForm | None = None, status: int = 200):
    if form is None:
        local = to_local(meeting.starts_at)
        form = OccurrenceForm(data={
            "day": local.date(), "start": local.time().replace(second=0, microsecond=0),
            "duration_minutes": int((meeting.ends_at - meeting.starts_at).total_seconds() // 60),
            "place": meeting.place, "agenda": meeting.agenda})
    answers = {a.mediator_id: a for a in meeting.attendances}
    return render_template(
        "meetings/detail.html", meeting=meeting, form=form, invitees=svc.invitees(meeting),
        answers=answers, can_record=meeting.starts_at <= now_utc(),
    ), status


@bp.route("/<int:meeting_id>")
@coordinator_required
def detail(meeting_id: int):
    return _detail(_get(meeting_id))


@bp.route("/<int:meeting_id>/edit", methods=["POST"])
@coordinator_required
def edit(meeting_id: int):
    meeting = _get(meeting_id)
    form = OccurrenceForm()
    if not form.validate_on_submit():
        return _detail(meeting, form, 400)
    try:
        changed = svc.update_occurrence(
            meeting, day=form.day.data, start=form.start.data,
            duration_minutes=form.duration_minutes.data, place=form.place.data or "",
            agenda=form.agenda.data or "")
    except DomainError as exc:
        form.form_errors.append(str(exc))
        return _detail(meeting, form, 400)
    if changed:
        audit.record(current_user, "update", "meeting", meeting.id)
        db.session.commit()
        flash(_("Meeting changed. The invitees get an updated invitation."), "success")
    else:
        flash(_("Nothing was changed."), "info")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/cancel", methods=["POST"])
@coordinator_required
def cancel(meeting_id: int):
    meeting = _get(meeting_id)
    try:
        svc.cancel_occurrence(meeting)
    except DomainError as exc:
        flash(str(exc), "error")
        return _detail(meeting, status=409)
    audit.record(current_user, "cancel", "meeting", meeting.id)
    db.session.commit()
    flash(_("Meeting cancelled. The invitees are informed."), "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/attendance", methods=["POST"])
@coordinator_required
def attendance(meeting_id: int):
    meeting = _get(meeting_id)
    present = ids_from(request.form.getlist("present"))
    try:
        svc.record_attendance(meeting, present)
    except DomainError as exc:
        flash(str(exc), "error")
        return _detail(meeting, status=409)
    db.session.commit()
    flash(_("Attendance saved."), "success")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))


@bp.route("/rates")
@coordinator_required
def rates():
    return render_template("meetings/rates.html", people=svc.rates_per_person(),
                           meetings=svc.rates_per_meeting())


@bp.route("/groups")
@coordinator_required
def groups():
    rows = db.session.scalars(
        sa.select(SupervisionGroup).order_by(SupervisionGroup.name)
        .options(selectinload(SupervisionGroup.members).selectinload(SupervisionMember.mediator))
    ).all()
    return render_template("meetings/groups.html", groups=rows)


@bp.route("/groups/new", methods=["GET", "POST"])
@bp.route("/groups/<int:group_id>", methods=["GET", "POST"])
@coordinator_required
def edit_group(group_id: int | None = None):
    group = db.session.get(SupervisionGroup, group_id) if group_id else None
    if group_id and group is None:
        abort(404)
    form = GroupForm(obj=group)
    mediators = db.session.scalars(
        sa.select(Mediator).where(Mediator.status.in_(("active", "in_training", "paused")))
        .order_by(Mediator.last_name, Mediator.first_name))
    form.members.choices = [(m.id, m.full_name) for m in mediators]
    if request.method == "GET" and group is not None:
        form.members.data = [m.mediator_id for m in group.members]
    if form.validate_on_submit():
        try:
            group = svc.save_group(
                group, name=form.name.data, supervisor_name=form.supervisor_name.data,
                supervisor_email=form.supervisor_email.data or "",
                member_ids=form.members.data or [])
        except DomainError as exc:
            form.name.errors = [str(exc)]
        else:
            audit.record(current_user, "update", "supervision_group", group.id)
            db.session.commit()
            flash(_("Supervision group saved."), "success")
            return redirect(url_for("meetings.groups"))
    status = 400 if form.errors else 200
    return render_template("meetings/group_form.html", form=form, group=group), status
