"""What the petition service returns: summaries, details, documents and events, and the
status transitions."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from ...i18n import _
from ...models import Petition
from ..base import fail
from .constants import GRADED_TYPES, LEIDEN, OPEN, TRANSITIONS


# ---------------------------------------------------------------------------- results
class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class DocumentInfo(Frozen):
    kind: str
    path: str


class EventInfo(Frozen):
    at: datetime
    status: str
    title: str
    note: str
    actor: str


class PetitionSummary(Frozen):
    """A row of a petition list."""

    id: int
    number: str
    petition_type: str
    course: str
    institution: str
    submitted_at: datetime
    updated_at: datetime
    status: str
    student_number: str
    student_name: str
    decided: bool
    next_step: str  # what the Board does next: Advice, Decision, Grade or ""


class PetitionInfo(Frozen):
    """Everything about one petition: the detail screens render this."""

    id: int
    number: str
    petition_type: str
    status: str
    student_number: str
    student_name: str
    programme: str
    catalogue_number: str | None
    course: str
    course_name: str | None
    institution: str | None
    institution_type: str | None
    level: int | None
    ec_entered: float | None
    ec: int | None
    course_start: date | None
    motivation: str
    course_url: str | None
    documents: list[DocumentInfo] = Field(default_factory=list)
    submitted_at: datetime
    updated_at: datetime
    advice: str | None = None
    decision: str | None = None
    decided_at: datetime | None = None
    decision_number: str | None = None
    decision_type: str | None = None
    decided_ec: int | None = None
    decided_level: int | None = None
    decided_institution: str | None = None
    board_explanation: str | None = None
    grade_entered: float | None = None
    grade: float | None = None
    withdraw_reason: str | None = None
    events: list[EventInfo] = Field(default_factory=list)
    next_step: str = ""

    @property
    def can_withdraw(self) -> bool:
        return self.status in OPEN and self.decision is None

    @property
    def awaits_grade(self) -> bool:
        return (self.status == "In progress" and self.decision == "approved"
                and self.petition_type in GRADED_TYPES)


def next_step(p: Petition) -> str:
    if p.status == "Submitted":
        return "Advice"
    if p.status == "In progress" and p.decision is None:
        return "Decision"
    if p.status == "In progress" and p.decision == "approved":
        return "Grade"
    return ""


def course_label(p: Petition) -> str:
    if p.course is not None:
        return f"{p.course.catalogue_number} {p.course.title}"
    return p.course_name or ""


def institution_label(p: Petition) -> str:
    if p.institution:
        return p.institution
    return LEIDEN if p.course_id is not None and p.petition_type == "Elective course" else ""


def summary(p: Petition) -> PetitionSummary:
    return PetitionSummary(
        id=p.id, number=p.number, petition_type=p.petition_type, course=course_label(p),
        institution=institution_label(p), submitted_at=p.submitted_at, updated_at=p.updated_at,
        status=p.status, student_number=p.student.student_number, student_name=p.student.name,
        decided=p.decision is not None, next_step=next_step(p))


def petition_info(p: Petition) -> PetitionInfo:
    return PetitionInfo(
        id=p.id, number=p.number, petition_type=p.petition_type, status=p.status,
        student_number=p.student.student_number, student_name=p.student.name,
        programme=p.student.programme.name,
        catalogue_number=p.course.catalogue_number if p.course else None,
        course=course_label(p), course_name=p.course_name, institution=institution_label(p) or None,
        institution_type=p.institution_type, level=p.level, ec_entered=p.ec_entered, ec=p.ec,
        course_start=p.course_start, motivation=p.motivation, course_url=p.course_url,
        documents=[DocumentInfo(kind=d.kind, path=d.path) for d in p.documents],
        submitted_at=p.submitted_at, updated_at=p.updated_at, advice=p.advice,
        decision=p.decision, decided_at=p.decided_at, decision_number=p.decision_number,
        decision_type=p.decision_type, decided_ec=p.decided_ec, decided_level=p.decided_level,
        decided_institution=p.decided_institution, board_explanation=p.board_explanation,
        grade_entered=p.grade_entered, grade=p.grade, withdraw_reason=p.withdraw_reason,
        events=[EventInfo(at=e.at, status=e.status, title=e.title, note=e.note, actor=e.actor)
                for e in p.events],
        next_step=next_step(p))


def check_transition(current: str, new: str) -> None:
    """Refuse every status change that is not in TRANSITIONS."""
    if new not in TRANSITIONS.get(current, ()):
        allowed = TRANSITIONS.get(current, ())
        raise fail("transition_not_allowed",
                   _("A petition with status \"{current}\" cannot become \"{new}\".").format(
                       current=_(current), new=_(new)),
                   _("From \"{current}\" it can only become {allowed}.").format(
                       current=_(current),
                       allowed=_(" or ").join(f"\"{_(s)}\"" for s in allowed)) if allowed
                   else _("\"{current}\" is final.").format(current=_(current)))
