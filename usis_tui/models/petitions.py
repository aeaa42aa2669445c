"""Petitions (requests to the Board of Examiners): elective course, exemption, different amount
of credits and external education; their documents and their status timeline.

Rules and wording live in ``services/petitions.py``; these are the tables only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base

if TYPE_CHECKING:
    from .catalogue import Course
    from .people import Student

PETITION_TYPES = ("Elective course", "Exemption", "Different amount of credits",
                  "External education")
PETITION_STATUSES = ("Submitted", "In progress", "Approved", "External courses approved",
                     "Rejected", "Withdrawn")
INSTITUTION_TYPES = ("University", "HBO")
DECISION_TYPES = ("Individueel besluit", "Algemeen besluit")


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Petition(Base):
    """One request of a student. ``number`` (the petition number) is the zero-padded id."""

    __tablename__ = "petition"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    petition_type: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(30), default="Submitted")

    # What is requested. A course from our catalogue has course_id; an external one a name.
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id"))
    course_name: Mapped[str | None] = mapped_column(String(200))
    institution: Mapped[str | None] = mapped_column(String(200))
    institution_type: Mapped[str | None] = mapped_column(String(12))  # University | HBO
    level: Mapped[int | None]
    ec_entered: Mapped[float | None]  # as the student typed it, e.g. 7.5
    ec: Mapped[int | None]  # what counts: half credits rounded down, e.g. 7
    course_start: Mapped[date | None]
    motivation: Mapped[str] = mapped_column(Text)  # "Explanation student"
    course_url: Mapped[str | None] = mapped_column(String(300))
    submitted_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    # Programme board advice ("In progress").
    advice: Mapped[str | None] = mapped_column(Text)
    # Board of Examiners decision.
    decision: Mapped[str | None] = mapped_column(String(10))  # approved | rejected
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(40))
    decision_number: Mapped[str | None] = mapped_column(String(40))
    decision_type: Mapped[str | None] = mapped_column(String(30))
    decided_ec: Mapped[int | None]
    decided_level: Mapped[int | None]
    decided_institution: Mapped[str | None] = mapped_column(String(200))
    board_explanation: Mapped[str | None] = mapped_column(Text)  # "Explanation Board of Examiners"
    # Grade registration (electives and external education).
    grade_entered: Mapped[float | None]
    grade: Mapped[float | None]
    grade_registered_at: Mapped[datetime | None]
    # Withdrawal by the student.
    withdraw_reason: Mapped[str | None] = mapped_column(Text)

    student: Mapped[Student] = relationship()
    course: Mapped[Course | None] = relationship()
    documents: Mapped[list[PetitionDocument]] = relationship(
        back_populates="petition", order_by="PetitionDocument.id", cascade="all, delete-orphan")
    events: Mapped[list[PetitionEvent]] = relationship(
        back_populates="petition", order_by="PetitionEvent.id", cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint(f"petition_type IN ({_in(PETITION_TYPES)})", name="petition_type"),
        CheckConstraint(f"status IN ({_in(PETITION_STATUSES)})", name="status"),
        CheckConstraint(f"institution_type IS NULL OR institution_type IN "
                        f"({_in(INSTITUTION_TYPES)})", name="institution_type"),
        CheckConstraint("decision IS NULL OR decision IN ('approved', 'rejected')",
                        name="decision"),
        CheckConstraint(f"decision_type IS NULL OR decision_type IN ({_in(DECISION_TYPES)})",
                        name="decision_type"),
        CheckConstraint("level IS NULL OR level IN (100, 200, 300, 400, 500, 600)", name="level"),
        CheckConstraint("ec IS NULL OR ec > 0", name="ec"),
        CheckConstraint("grade IS NULL OR (grade >= 1 AND grade <= 10)", name="grade"),
        Index("ix_petition_student", "student_id", "submitted_at"),
        Index("ix_petition_status", "status", "submitted_at"),
    )

    @property
    def number(self) -> str:
        return f"{self.id:06d}"


class PetitionDocument(Base):
    """A file the student added (a path), e.g. the signed "HBO Elective Course Form"."""

    __tablename__ = "petition_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id", ondelete="CASCADE"),
                                             index=True)
    kind: Mapped[str] = mapped_column(String(40))  # "HBO Elective Course Form" | "Document"
    path: Mapped[str] = mapped_column(String(500))
    added_at: Mapped[datetime]

    petition: Mapped[Petition] = relationship(back_populates="documents")


class PetitionEvent(Base):
    """One step of the status timeline: what happened, the status after it, who did it."""

    __tablename__ = "petition_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petition.id", ondelete="CASCADE"),
                                             index=True)
    at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(40))

    petition: Mapped[Petition] = relationship(back_populates="events")

    __table_args__ = (CheckConstraint(f"status IN ({_in(PETITION_STATUSES)})", name="status"),)
