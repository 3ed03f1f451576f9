"""All models, imported so that Alembic and the mappers see every table."""

from app.models.allowance import AllowanceRule, AllowanceStatement, AllowanceStatementLine
from app.models.board import BoardSignup
from app.models.follow_up import Debrief, FollowUp, Rating
from app.models.institution import ContactPerson, Institution
from app.models.language import LanguageName
from app.models.mediator import Absence, Availability, Document, Mediator, MediatorLanguage
from app.models.meeting import Meeting, MeetingAttendance, MeetingSeries
from app.models.messaging import (
    AuditLog,
    FactStamp,
    IcsSequence,
    MaintenanceNotice,
    OutboxMessage,
    SchedulerRun,
    SentReminder,
)
from app.models.pool import (
    Cohort,
    Course,
    CourseParticipant,
    ModuleCompletion,
    QualificationModule,
    SupervisionGroup,
    SupervisionMember,
)
from app.models.request import Assignment, InterpretingRequest, Offer
from app.models.translation import TranslationOverride
from app.models.user import User

__all__ = [
    "Absence",
    "AllowanceRule",
    "AllowanceStatement",
    "AllowanceStatementLine",
    "Assignment",
    "AuditLog",
    "Availability",
    "BoardSignup",
    "Cohort",
    "ContactPerson",
    "Course",
    "CourseParticipant",
    "Debrief",
    "Document",
    "FactStamp",
    "FollowUp",
    "IcsSequence",
    "Institution",
    "InterpretingRequest",
    "LanguageName",
    "MaintenanceNotice",
    "Mediator",
    "MediatorLanguage",
    "Meeting",
    "MeetingAttendance",
    "MeetingSeries",
    "ModuleCompletion",
    "Offer",
    "OutboxMessage",
    "QualificationModule",
    "Rating",
    "SchedulerRun",
    "SentReminder",
    "SupervisionGroup",
    "SupervisionMember",
    "TranslationOverride",
    "User",
]
