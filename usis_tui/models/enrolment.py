"""Shopping cart, enrolments, permission numbers, exam results, minors applications, holds."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base

if TYPE_CHECKING:
    from .catalogue import ClassSection, Course, Minor
    from .people import Student

ENROLMENT_STATUSES = ("enrolled", "waitlisted", "dropped")


class CartItem(Base):
    __tablename__ = "cart_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    section_id: Mapped[int] = mapped_column(ForeignKey("class_section.id", ondelete="CASCADE"))
    wait_list_ok: Mapped[bool] = mapped_column(default=False)
    permission_number: Mapped[str | None] = mapped_column(String(12))
    added_at: Mapped[datetime]

    section: Mapped[ClassSection] = relationship()

    __table_args__ = (
        UniqueConstraint("student_id", "section_id", name="uq_cart_item_student_section"),
    )


class Enrolment(Base):
    """A student's place in a class: enrolled, waitlisted (with position) or dropped.

    One row per student and class; re-enrolling after a drop reuses the row.
    """

    __tablename__ = "enrolment"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    section_id: Mapped[int] = mapped_column(ForeignKey("class_section.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10))
    waitlist_position: Mapped[int | None]
    permission_number: Mapped[str | None] = mapped_column(String(12))
    created_at: Mapped[datetime]
    enrolled_at: Mapped[datetime | None]
    waitlisted_at: Mapped[datetime | None]
    dropped_at: Mapped[datetime | None]
    drop_reason: Mapped[str | None] = mapped_column(String(500))
    # A Swap onto the wait list (PeopleSoft's "drop if enrolled"): the class this wait list
    # place replaces. When a seat comes, the student is enrolled here and that class dropped.
    swap_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("class_section.id", ondelete="SET NULL"))

    section: Mapped[ClassSection] = relationship(foreign_keys=[section_id])
    student: Mapped[Student] = relationship()

    __table_args__ = (
        UniqueConstraint("student_id", "section_id", name="uq_enrolment_student_section"),
        CheckConstraint("status IN ('enrolled', 'waitlisted', 'dropped')", name="status"),
        CheckConstraint("(status = 'waitlisted') = (waitlist_position IS NOT NULL)",
                        name="waitlist_position"),
        Index("ix_enrolment_section_status", "section_id", "status", "waitlist_position"),
    )


class PermissionNumber(Base):
    """A permission number an instructor hands out: overrides a full class or requisites."""

    __tablename__ = "permission_number"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("class_section.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(12))
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id"))  # None: anyone
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("student.id"))
    used_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("section_id", "number", name="uq_permission_section_number"),
    )


#: the marks of a course without a numeric grade: "V" (voldaan, passed) / "NV" (not passed)
RESULT_MARKS = ("V", "NV")
RESULT_COMPONENTS = ("Exam", "Resit")
PASS_GRADE = 5.5


class ExamResult(Base):
    """One study result: a grade (1-10) or a mark ("V"/"NV") for a course's exam or resit.

    ``section_id`` is the exam class it was registered for (None for older results);
    ``attempt`` counts the student's results for the course (1 = first exam). A result with
    ``hidden_until`` in the future is registered but not released: students do not see it and
    the rules do not count it yet."""

    __tablename__ = "exam_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.id", ondelete="CASCADE"), index=True
    )
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    grade: Mapped[float | None]
    exam_date: Mapped[date]
    mark: Mapped[str | None] = mapped_column(String(2))
    component: Mapped[str] = mapped_column(String(10), default="Exam", server_default="Exam")
    attempt: Mapped[int] = mapped_column(default=1, server_default="1")
    section_id: Mapped[int | None] = mapped_column(
        ForeignKey("class_section.id", ondelete="SET NULL"))
    hidden_until: Mapped[datetime | None]
    registered_at: Mapped[datetime | None]
    registered_by: Mapped[str | None] = mapped_column(String(40))

    course: Mapped[Course] = relationship()
    section: Mapped[ClassSection | None] = relationship()

    __table_args__ = (
        CheckConstraint("grade >= 1 AND grade <= 10", name="grade"),
        CheckConstraint("(grade IS NOT NULL AND mark IS NULL) OR "
                        "(grade IS NULL AND mark IN ('V', 'NV'))", name="grade_or_mark"),
        CheckConstraint("component IN ('Exam', 'Resit')", name="component"),
        CheckConstraint("attempt >= 1", name="attempt"),
    )

    @property
    def passed(self) -> bool:
        if self.grade is None:
            return self.mark == "V"
        return self.grade >= PASS_GRADE

    def visible(self, now: datetime) -> bool:
        """Released: the student sees it and the rules count it."""
        return self.hidden_until is None or self.hidden_until <= now


MINOR_APPLICATION_STATUSES = ("applied", "waitlisted", "waiting_for_placement", "placed",
                              "not_placed", "cancelled")


class MinorApplication(Base):
    __tablename__ = "minor_application"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id", ondelete="CASCADE"))
    minor_id: Mapped[int] = mapped_column(ForeignKey("minor.id", ondelete="CASCADE"))
    academic_year_id: Mapped[int] = mapped_column(ForeignKey("academic_year.id"))
    status: Mapped[str] = mapped_column(String(24))
    choice: Mapped[int] = mapped_column(default=1)
    applied_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    minor: Mapped[Minor] = relationship()

    __table_args__ = (
        UniqueConstraint("student_id", "minor_id", "academic_year_id", name="uq_minor_application"),
        CheckConstraint("status IN ('applied', 'waitlisted', 'waiting_for_placement', 'placed', "
                        "'not_placed', 'cancelled')", name="status"),
    )


class Hold(Base):
    __tablename__ = "hold"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("student.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(Text)
    blocks_enrolment: Mapped[bool] = mapped_column(default=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
