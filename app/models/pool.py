"""Qualification modules, courses, cohorts and supervision groups."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

if TYPE_CHECKING:
    from app.models.mediator import Mediator


class Cohort(db.Model):
    """A training year (Schulungsjahrgang)."""

    __tablename__ = "cohort"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")

    members: Mapped[list["Mediator"]] = relationship(back_populates="cohort")


class QualificationModule(db.Model):
    __tablename__ = "qualification_module"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    title_de: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    required: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_de


class Course(db.Model):
    """A dated offering of one module."""

    __tablename__ = "course"
    __table_args__ = (sa.CheckConstraint("capacity > 0", name="capacity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(
        sa.ForeignKey("qualification_module.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[dt.date]
    trainer: Mapped[str] = mapped_column(sa.String(120), default="")
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    capacity: Mapped[int] = mapped_column(default=20)

    module: Mapped[QualificationModule] = relationship()
    participants: Mapped[list["CourseParticipant"]] = relationship(
        back_populates="course", cascade="all, delete-orphan"
    )


class CourseParticipant(db.Model):
    __tablename__ = "course_participant"
    __table_args__ = (sa.UniqueConstraint("course_id", "mediator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"))
    mediator_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mediator.id", ondelete="CASCADE"), index=True
    )
    attended: Mapped[Optional[bool]]

    course: Mapped[Course] = relationship(back_populates="participants")
    mediator: Mapped["Mediator"] = relationship()


class ModuleCompletion(db.Model):
    __tablename__ = "module_completion"
    __table_args__ = (sa.UniqueConstraint("mediator_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mediator_id: Mapped[int] = mapped_column(sa.ForeignKey("mediator.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(
        sa.ForeignKey("qualification_module.id", ondelete="CASCADE"), index=True
    )
    completed_on: Mapped[dt.date]
    course_id: Mapped[Optional[int]] = mapped_column(
        sa.ForeignKey("course.id", ondelete="SET NULL")
    )

    mediator: Mapped["Mediator"] = relationship(back_populates="completions")
    module: Mapped[QualificationModule] = relationship()


class SupervisionGroup(db.Model):
    __tablename__ = "supervision_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    supervisor_name: Mapped[str] = mapped_column(sa.String(120), default="")
    supervisor_email: Mapped[str] = mapped_column(sa.String(254), default="")

    members: Mapped[list["SupervisionMember"]] = relationship(
        back_populates="group", cascade="all, delete-orphan"
    )


class SupervisionMember(db.Model):
    __tablename__ = "supervision_member"
    __table_args__ = (sa.UniqueConstraint("group_id", "mediator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("supervision_group.id", ondelete="CASCADE")
    )
    mediator_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mediator.id", ondelete="CASCADE"), index=True
    )

    group: Mapped[SupervisionGroup] = relationship(back_populates="members")
    mediator: Mapped["Mediator"] = relationship()
