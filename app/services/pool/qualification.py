"""Qualification: the module catalogue, courses with attendance, cohorts and their figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Cohort,
    Course,
    CourseParticipant,
    Mediator,
    ModuleCompletion,
    QualificationModule,
    User,
)
from app.models.enums import MediatorStatus
from app.models.mediator import MEDIATOR_IN_POOL_STATUSES
from app.services.core import audit
from app.services.core.errors import DomainError


def modules() -> list[QualificationModule]:
    """Return the catalogue in its display order."""
    return list(db.session.scalars(
        sa.select(QualificationModule).order_by(QualificationModule.position,
                                                QualificationModule.id)))


def cohorts() -> list[Cohort]:
    """Return the cohorts by year (for choosing one)."""
    return list(db.session.scalars(sa.select(Cohort).order_by(Cohort.year)))


COURSE_CANDIDATE_STATUSES = MEDIATOR_IN_POOL_STATUSES


def course_candidates(course: Course) -> list[Mediator]:
    """Return the people who can still be registered for the course, by name."""
    registered = {p.mediator_id for p in course.participants}
    rows = db.session.scalars(
        sa.select(Mediator).where(Mediator.erased_at.is_(None),
                                  Mediator.status.in_(COURSE_CANDIDATE_STATUSES))
        .order_by(Mediator.sort_name, Mediator.id))
    return [m for m in rows if m.id not in registered]


def required_module_ids() -> set[int]:
    """Return the ids of the modules required for assignments (the configurable set)."""
    return set(db.session.scalars(
        sa.select(QualificationModule.id).where(QualificationModule.required.is_(True))))


def save_module(module: QualificationModule, *, created: bool) -> QualificationModule:
    """Add or update a module; the code must stay unique so completions stay readable."""
    clash = db.session.scalar(sa.select(QualificationModule.id).where(
        QualificationModule.code == module.code, QualificationModule.id != (module.id or 0)))
    if clash:
        raise DomainError(_("A module with this code already exists."))
    if created:
        db.session.add(module)
    db.session.flush()
    return module


def missing_required_modules(mediator: Mediator) -> list[QualificationModule]:
    """Return the required modules the mediator has not completed yet."""
    done = {c.module_id for c in mediator.completions}
    return [m for m in modules() if m.required and m.id not in done]


def courses(*, upcoming_from: dt.date | None = None) -> list[Course]:
    """Return courses (newest first) with module and participant count loaded in one go."""
    stmt = (sa.select(Course).options(selectinload(Course.module),
                                      selectinload(Course.participants))
            .order_by(Course.held_on.desc(), Course.id.desc()))
    if upcoming_from is not None:
        stmt = stmt.where(Course.held_on >= upcoming_from)
    return list(db.session.scalars(stmt))


def save_course(course: Course, *, created: bool) -> Course:
    """Add or update a course; the capacity may not fall below the registered participants."""
    if not created and course.capacity < len(course.participants):
        raise DomainError(_("The capacity is smaller than the number of participants."))
    if created:
        db.session.add(course)
    db.session.flush()
    return course


def add_participant(actor: User, course_id: int, mediator: Mediator) -> CourseParticipant:
    """Register a mediator for a course; the row lock on the course makes the capacity hold."""
    course = db.session.scalar(
        sa.select(Course).where(Course.id == course_id).with_for_update())
    if course is None:
        raise DomainError(_("This course does not exist."))
    taken = db.session.scalar(sa.select(sa.func.count(CourseParticipant.id)).where(
        CourseParticipant.course_id == course.id))
    if any(p.mediator_id == mediator.id for p in course.participants):
        raise DomainError(_("This person is already registered for the course."))
    if taken >= course.capacity:
        raise DomainError(_("The course is full."))
    participant = CourseParticipant(course=course, mediator=mediator)
    db.session.add(participant)
    db.session.flush()
    audit.record(actor, "add_course_participant", "mediator", mediator.id, course_id=course.id)
    return participant


def remove_participant(actor: User, course: Course, participant_id: int) -> None:
    """Take a person off the course list (a recorded completion stays)."""
    participant = next((p for p in course.participants if p.id == participant_id), None)
    if participant is None:
        raise DomainError(_("This person is not registered for the course."))
    course.participants.remove(participant)
    db.session.flush()
    audit.record(actor, "remove_course_participant", "mediator", participant.mediator_id,
                 course_id=course.id)


def record_attendance(actor: User, course: Course, attended_ids: set[int]) -> int:
    """Record who attended; attendance becomes a module completion dated on the course day.

    Returns the number of completions created. Marking someone absent again removes the
    completion that came from this course (a completion from another course stays).
    """
    created = 0
    for p in course.participants:
        p.attended = p.mediator_id in attended_ids
        completion = db.session.scalar(sa.select(ModuleCompletion).where(
            ModuleCompletion.mediator_id == p.mediator_id,
            ModuleCompletion.module_id == course.module_id))
        if p.attended and completion is None:
            db.session.add(ModuleCompletion(mediator_id=p.mediator_id, module_id=course.module_id,
                                            completed_on=course.held_on, course_id=course.id))
            created += 1
            audit.record(actor, "complete_module", "mediator", p.mediator_id,
                         module=course.module.code, course_id=course.id)
        elif not p.attended and completion is not None and completion.course_id == course.id:
            db.session.delete(completion)
            audit.record(actor, "uncomplete_module", "mediator", p.mediator_id,
                         module=course.module.code, course_id=course.id)
    db.session.flush()
    return created


@dataclass
class CohortFigures:
    cohort: Cohort
    members: int
    trained: int
    active: int
    retired: int


def cohort_figures() -> list[CohortFigures]:
    """Count per cohort: members, trained (all required modules done), still active, retired.

    Aggregated in SQL (one query for the counts, one for the trained) so the list stays cheap.
    """
    m = Mediator
    counts = db.session.execute(
        sa.select(m.cohort_id, sa.func.count(m.id),
                  sa.func.sum(sa.case((m.status == MediatorStatus.ACTIVE, 1), else_=0)),
                  sa.func.sum(sa.case((m.status == MediatorStatus.RETIRED, 1), else_=0)))
        .where(m.cohort_id.is_not(None)).group_by(m.cohort_id)).all()
    required = required_module_ids()
    done = (sa.select(ModuleCompletion.mediator_id)
            .where(ModuleCompletion.module_id.in_(required or {0}))
            .group_by(ModuleCompletion.mediator_id)
            .having(sa.func.count(ModuleCompletion.module_id) >= len(required)).subquery())
    trained = dict(db.session.execute(
        sa.select(m.cohort_id, sa.func.count(m.id)).join(done, done.c.mediator_id == m.id)
        .where(m.cohort_id.is_not(None)).group_by(m.cohort_id)).all())
    by_id = {row[0]: row for row in counts}
    result = []
    for cohort in db.session.scalars(sa.select(Cohort).order_by(Cohort.year.desc())):
        row = by_id.get(cohort.id)
        result.append(CohortFigures(cohort, row[1] if row else 0, trained.get(cohort.id, 0),
                                    int(row[2] or 0) if row else 0,
                                    int(row[3] or 0) if row else 0))
    return result


def save_cohort(cohort: Cohort, *, created: bool) -> Cohort:
    """Add or update a cohort; one cohort per training year."""
    clash = db.session.scalar(sa.select(Cohort.id).where(
        Cohort.year == cohort.year, Cohort.id != (cohort.id or 0)))
    if clash:
        raise DomainError(_("A cohort for this year already exists."))
    if created:
        db.session.add(cohort)
    db.session.flush()
    return cohort


def cohort_members(cohort: Cohort) -> list[Mediator]:
    """Return the cohort's (not erased) members with their completions loaded."""
    return list(db.session.scalars(
        sa.select(Mediator).where(Mediator.cohort_id == cohort.id)
        .options(selectinload(Mediator.completions))
        .order_by(Mediator.sort_name, Mediator.id)))


def completed_modules(mediator: Mediator) -> list[ModuleCompletion]:
    """Return the mediator's completions with their module, in date order (for certificates)."""
    return list(db.session.scalars(
        sa.select(ModuleCompletion).where(ModuleCompletion.mediator_id == mediator.id)
        .options(selectinload(ModuleCompletion.module))
        .order_by(ModuleCompletion.completed_on, ModuleCompletion.id)))
