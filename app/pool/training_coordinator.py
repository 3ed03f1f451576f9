"""Coordinator views for qualification: module catalogue, courses, attendance, cohorts."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.extensions import db
from app.models import Cohort, Course, Mediator, QualificationModule
from app.pool import bp
from app.pool.training_forms import (
    AttendanceForm,
    CohortForm,
    CourseForm,
    ModuleForm,
    ParticipantForm,
)
from app.services.pool import qualification as svc
from app.web.confirm import ask, confirmed
from app.web.forms import please_choose
from app.web.guards import coordinator_required
from app.web.transaction import commit_or_message
from app.web.views import form_page, load_or_404, member_or_404


@bp.route("/pool/modules")
@coordinator_required
def modules():
    return render_template("pool/modules.html", modules=svc.modules())


@bp.route("/pool/modules/new", methods=["GET", "POST"], defaults={"module_id": None})
@bp.route("/pool/modules/<int:module_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit_module(module_id: int | None):
    module = load_or_404(QualificationModule, module_id) if module_id else None
    form = ModuleForm(obj=module)
    if form.validate_on_submit():
        target = module or QualificationModule()
        form.populate_obj(target)
        outcome = commit_or_message(svc.save_module, target, created=module is None)
        if not outcome.ok:
            form.code.errors = [outcome.error]
            return render_template("pool/module_form.html", form=form, module=module), 400
        flash(_("Module saved."), "success")
        return redirect(url_for("pool.modules"))
    return form_page("pool/module_form.html", form, module=module)


@bp.route("/pool/courses")
@coordinator_required
def courses():
    return render_template("pool/courses.html", courses=svc.courses())


def _course_form(course: Course | None) -> CourseForm:
    form = CourseForm(obj=course)
    form.module_id.choices = module_choices()
    return form


def module_choices() -> list:
    return please_choose([(m.id, f"{m.code} – {m.title_de}") for m in svc.modules()])


@bp.route("/pool/courses/new", methods=["GET", "POST"], defaults={"course_id": None})
@bp.route("/pool/courses/<int:course_id>/edit", methods=["GET", "POST"])
@coordinator_required
def edit_course(course_id: int | None):
    course = load_or_404(Course, course_id) if course_id else None
    form = _course_form(course)
    if form.validate_on_submit():
        target = course or Course()
        form.populate_obj(target)
        outcome = commit_or_message(svc.save_course, target, created=course is None)
        if not outcome.ok:
            form.capacity.errors = [outcome.error]
            return render_template("pool/course_form.html", form=form, course=course), 400
        flash(_("Course saved."), "success")
        return redirect(url_for("pool.course", course_id=target.id))
    return form_page("pool/course_form.html", form, course=course)


def _course_page(course: Course, *, participant_form=None, status: int = 200):
    participant_form = participant_form or ParticipantForm()
    participant_form.mediator_id.choices = please_choose([
        (m.id, f"{m.last_name}, {m.first_name}") for m in svc.course_candidates(course)])
    participants = sorted(course.participants,
                          key=lambda p: (p.mediator.sort_name, p.mediator.id))
    return render_template("pool/course.html", course=course, participants=participants,
                           participant_form=participant_form,
                           attendance_form=AttendanceForm()), status


@bp.route("/pool/courses/<int:course_id>")
@coordinator_required
def course(course_id: int):
    return _course_page(load_or_404(Course, course_id))


@bp.route("/pool/courses/<int:course_id>/participants", methods=["POST"])
@coordinator_required
def add_participant(course_id: int):
    course = load_or_404(Course, course_id)
    form = ParticipantForm()
    form.mediator_id.choices = [(form.mediator_id.data, "")] if form.mediator_id.data else []
    mediator = db.session.get(Mediator, form.mediator_id.data or 0)
    if not form.validate_on_submit() or mediator is None or mediator.erased_at is not None:
        form.mediator_id.errors = [_("Please choose a person.")]
        return _course_page(course, participant_form=form, status=400)
    outcome = commit_or_message(svc.add_participant, current_user, course.id, mediator)
    if not outcome.ok:
        form.mediator_id.errors = [outcome.error]
        return _course_page(load_or_404(Course, course_id), participant_form=form, status=409)
    flash(_("Participant registered."), "success")
    return redirect(url_for("pool.course", course_id=course.id))


@bp.route("/pool/courses/<int:course_id>/participants/<int:participant_id>/delete",
          methods=["POST"])
@coordinator_required
def remove_participant(course_id: int, participant_id: int):
    course = load_or_404(Course, course_id)
    participant = member_or_404(course.participants, participant_id)
    name = participant.mediator.full_name
    if not confirmed():
        return ask(_("Remove %(name)s from this course?", name=name),
                   back=url_for("pool.course", course_id=course.id))
    if not commit_or_message(svc.remove_participant, current_user, course,
                             participant_id).flash(_("%(name)s removed from the course.",
                                                     name=name)):
        return _course_page(course, status=404)
    return redirect(url_for("pool.course", course_id=course.id))


@bp.route("/pool/courses/<int:course_id>/attendance", methods=["POST"])
@coordinator_required
def record_attendance(course_id: int):
    course = load_or_404(Course, course_id)
    form = AttendanceForm()
    form.attended.choices = [(p.mediator_id, "") for p in course.participants]
    if not form.validate_on_submit():
        flash(_("The attendance could not be saved."), "error")
        return _course_page(course, status=400)
    outcome = commit_or_message(svc.record_attendance, current_user, course,
                                set(form.attended.data or []))
    if not outcome.flash():
        return _course_page(course, status=409)
    flash(ngettext("Attendance saved; %(num)d module completion recorded.",
                   "Attendance saved; %(num)d module completions recorded.", outcome.result),
          "success")
    return redirect(url_for("pool.course", course_id=course.id))


@bp.route("/pool/cohorts", methods=["GET", "POST"])
@coordinator_required
def cohorts():
    form = CohortForm()
    if form.validate_on_submit():
        outcome = commit_or_message(
            svc.save_cohort, Cohort(year=form.year.data, name=form.name.data or ""), created=True)
        if outcome.ok:
            flash(_("Cohort saved."), "success")
            return redirect(url_for("pool.cohorts"))
        form.year.errors = [outcome.error]
    return form_page("pool/cohorts.html", form, figures=svc.cohort_figures())


@bp.route("/pool/cohorts/<int:cohort_id>")
@coordinator_required
def cohort(cohort_id: int):
    cohort = load_or_404(Cohort, cohort_id)
    required = svc.required_module_ids()
    return render_template("pool/cohort.html", cohort=cohort,
                           members=svc.cohort_members(cohort), required=required)
