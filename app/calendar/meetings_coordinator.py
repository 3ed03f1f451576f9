"""Coordinator views: series and single meetings, one occurrence, groups, attendance."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from app.calendar import bp
from app.calendar.meetings_forms import GroupForm, OccurrenceForm, SeriesForm, SingleForm
from app.extensions import db
from app.models import Meeting, SupervisionGroup
from app.services.booking import debriefs
from app.services.calendar import meeting_admin as admin
from app.services.calendar import meetings as svc
from app.timeutil import now_utc, to_local
from app.web.confirm import ask, confirmed
from app.web.guards import coordinator_required
from app.web.input import ids_from
from app.web.transaction import commit_or_message
from app.web.views import form_page, load_or_404


def _group_choices(form) -> None:
    form.group_id.choices = [(0, _("– none –"))] + [(g.id, g.name) for g in admin.groups()]


def _group(form) -> SupervisionGroup | None:
    return db.session.get(SupervisionGroup, form.group_id.data) if form.group_id.data else None


@bp.route("/meetings/")
@coordinator_required
def meetings():
    show = request.args.get("show", "upcoming")
    page = db.paginate(admin.meetings_query(show, now_utc()),
                       per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    return render_template("calendar/meetings/index.html", page=page, show=show)


def _create(form, template: str, create):
    _group_choices(form)
    if form.validate_on_submit():
        outcome = commit_or_message(create, form)
        if outcome.ok:
            flash(_("Meeting saved. The invitations are on their way."), "success")
            return redirect(url_for("calendar.meetings"))
        form.form_errors.append(outcome.error)
    return form_page(template, form)


@bp.route("/meetings/series/new", methods=["GET", "POST"])
@coordinator_required
def new_series():
    def create(form):
        return admin.create_series(
            current_user, kind=form.kind.data, title=form.title.data, place=form.place.data or "",
            agenda=form.agenda.data or "", first_day=form.first_day.data, start=form.start.data,
            duration_minutes=form.duration_minutes.data, pattern=form.pattern.data,
            interval=form.interval.data, until=form.until.data, group=_group(form))

    return _create(SeriesForm(), "calendar/meetings/series_form.html", create)


@bp.route("/meetings/new", methods=["GET", "POST"])
@coordinator_required
def new_single():
    def create(form):
        return admin.create_single(
            current_user, kind=form.kind.data, title=form.title.data, place=form.place.data or "",
            agenda=form.agenda.data or "", day=form.day.data, start=form.start.data,
            duration_minutes=form.duration_minutes.data, group=_group(form))

    return _create(SingleForm(), "calendar/meetings/single_form.html", create)


def _detail(meeting: Meeting, form: OccurrenceForm | None = None, status: int = 200):
    if form is None:
        local = to_local(meeting.starts_at)
        form = OccurrenceForm(data={
            "day": local.date(), "start": local.time().replace(second=0, microsecond=0),
            "duration_minutes": int((meeting.ends_at - meeting.starts_at).total_seconds() // 60),
            "place": meeting.place, "agenda": meeting.agenda})
    answers = {a.mediator_id: a for a in meeting.attendances}
    return render_template(
        "calendar/meetings/detail.html", meeting=meeting, form=form, invitees=svc.invitees(meeting),
        answers=answers, can_record=meeting.starts_at <= now_utc(),
        debriefs=debriefs.agenda_items(meeting),
    ), status


@bp.route("/meetings/<int:meeting_id>")
@coordinator_required
def meeting_detail(meeting_id: int):
    return _detail(load_or_404(Meeting, meeting_id))


@bp.route("/meetings/<int:meeting_id>/edit", methods=["POST"])
@coordinator_required
def edit_meeting(meeting_id: int):
    meeting = load_or_404(Meeting, meeting_id)
    form = OccurrenceForm()
    if not form.validate_on_submit():
        return _detail(meeting, form, 400)
    outcome = commit_or_message(
        admin.update_occurrence, current_user, meeting, day=form.day.data,
        start=form.start.data, duration_minutes=form.duration_minutes.data,
        place=form.place.data or "", agenda=form.agenda.data or "")
    if not outcome.ok:
        form.form_errors.append(outcome.error)
        return _detail(meeting, form, 400)
    if outcome.result:
        flash(_("Meeting changed. The invitees get an updated invitation."), "success")
    else:
        flash(_("Nothing was changed."), "info")
    return redirect(url_for("calendar.meeting_detail", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
@coordinator_required
def cancel_meeting(meeting_id: int):
    meeting = load_or_404(Meeting, meeting_id)
    text = f"{meeting.title}, {format_datetime(to_local(meeting.starts_at), 'short')}"
    if not confirmed():
        return ask(_("Cancel the date %(meeting)s? Every invitee is told.", meeting=text),
                   back=url_for("calendar.meeting_detail", meeting_id=meeting.id),
                   button=_("Yes, cancel the date"))
    if not commit_or_message(admin.cancel_occurrence, current_user, meeting).flash(
            _("%(meeting)s cancelled. The invitees are informed.", meeting=text)):
        return _detail(meeting, status=409)
    return redirect(url_for("calendar.meeting_detail", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["POST"])
@coordinator_required
def meeting_attendance(meeting_id: int):
    meeting = load_or_404(Meeting, meeting_id)
    present = ids_from(request.form.getlist("present"))
    if not commit_or_message(svc.record_attendance, meeting, present).flash(
            _("Attendance saved.")):
        return _detail(meeting, status=409)
    return redirect(url_for("calendar.meeting_detail", meeting_id=meeting.id))


@bp.route("/meetings/rates")
@coordinator_required
def meeting_rates():
    return render_template("calendar/meetings/rates.html", people=svc.rates_per_person(),
                           meetings=svc.rates_per_meeting())


@bp.route("/meetings/groups")
@coordinator_required
def groups():
    return render_template("calendar/meetings/groups.html", groups=admin.groups(with_members=True))


@bp.route("/meetings/groups/new", methods=["GET", "POST"])
@bp.route("/meetings/groups/<int:group_id>", methods=["GET", "POST"])
@coordinator_required
def edit_group(group_id: int | None = None):
    group = load_or_404(SupervisionGroup, group_id) if group_id else None
    form = GroupForm(obj=group)
    form.members.choices = [(m.id, m.full_name) for m in admin.group_candidates()]
    if request.method == "GET" and group is not None:
        form.members.data = [m.mediator_id for m in group.members]
    if form.validate_on_submit():
        outcome = commit_or_message(
            admin.save_group, current_user, group, name=form.name.data,
            supervisor_name=form.supervisor_name.data,
            supervisor_email=form.supervisor_email.data or "",
            member_ids=form.members.data or [])
        if outcome.ok:
            flash(_("Supervision group saved."), "success")
            return redirect(url_for("calendar.groups"))
        form.name.errors = [outcome.error]
    return form_page("calendar/meetings/group_form.html", form, group=group)
