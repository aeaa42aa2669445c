"""The SQLAlchemy ORM: tables only, no rules and no UI."""

from .academics import REQUIREMENT_KINDS, RequirementCourse, RequirementGroup
from .base import Base
from .catalogue import (
    COMPONENTS,
    MINOR_TYPES,
    WEEKDAYS,
    AcademicYear,
    CatalogueVersion,
    ClassSection,
    Course,
    Meeting,
    Minor,
)
from .classroom import Classroom, ClassroomTrainee
from .enrolment import (
    ENROLMENT_STATUSES,
    PASS_GRADE,
    RESULT_COMPONENTS,
    RESULT_MARKS,
    CartItem,
    Enrolment,
    ExamResult,
    Hold,
    MinorApplication,
    PermissionNumber,
)
from .exams import EXAM_CONFIRMATION_STATUSES, ExamConfirmation
from .messaging import AuditEntry, Message
from .people import Programme, StaffUser, Student
from .petitions import (
    DECISION_TYPES,
    INSTITUTION_TYPES,
    PETITION_STATUSES,
    PETITION_TYPES,
    Petition,
    PetitionDocument,
    PetitionEvent,
)
from .portal import (
    PAYMENT_METHODS,
    PAYMENT_STATUSES,
    PORTAL_ENROLMENT_STATUSES,
    PORTAL_LOGINS,
    RECORD_KINDS,
    WITHDRAWAL_STATUSES,
    CancellationPolicy,
    EvaluationResponse,
    Invoice,
    Offering,
    OutgoingMail,
    Payment,
    PaymentEvent,
    PolicyRule,
    PortalAccount,
    PortalEnrolment,
    PortalMessage,
    PortalRecord,
    Withdrawal,
)
from .security import LoginThrottle, Setting
from .sessions import SESSION_STATUSES, LoginSession

__all__ = [
    "COMPONENTS", "ENROLMENT_STATUSES", "MINOR_TYPES", "WEEKDAYS",
    "AcademicYear", "AuditEntry", "Base", "CartItem", "CatalogueVersion", "ClassSection",
    "Course", "Enrolment",
    "ExamResult", "Hold", "Meeting", "Message", "Minor", "MinorApplication", "PermissionNumber",
    "Programme", "StaffUser", "Student",
    "DECISION_TYPES", "INSTITUTION_TYPES", "PETITION_STATUSES", "PETITION_TYPES",
    "Petition", "PetitionDocument", "PetitionEvent",
    "SESSION_STATUSES", "LoginSession",
    "Classroom", "ClassroomTrainee",
    "EXAM_CONFIRMATION_STATUSES", "ExamConfirmation",
    "LoginThrottle", "Setting",
    "PASS_GRADE", "RESULT_COMPONENTS", "RESULT_MARKS",
    "REQUIREMENT_KINDS", "RequirementCourse", "RequirementGroup",
    "PAYMENT_METHODS", "PAYMENT_STATUSES", "PORTAL_ENROLMENT_STATUSES", "PORTAL_LOGINS",
    "RECORD_KINDS", "WITHDRAWAL_STATUSES", "CancellationPolicy", "EvaluationResponse", "Invoice",
    "Offering", "OutgoingMail", "Payment", "PaymentEvent", "PolicyRule", "PortalAccount",
    "PortalEnrolment", "PortalMessage", "PortalRecord", "Withdrawal",
]
