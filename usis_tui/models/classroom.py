"""Classrooms: a trainer's session of a guided tour (usis_tui/tours) and the trainees in it.

A trainer opens a session with a short code; trainees join it with that code and each works as a
*session student* of their own (``Student.session_student``), made when they join and removed
when the trainer closes the session. A trainee's row stays after the close, without its student
(``student_id`` NULL): the classroom's history, and the student numbers that are never handed
out again (services/classroom.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base


class Classroom(Base):
    """One classroom session: its code (6 characters people can type), the trainer who opened
    it (a staff user name), the tour everybody follows, when it was opened and closed."""

    __tablename__ = "classroom"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    trainer: Mapped[str] = mapped_column(String(40))
    tour: Mapped[str] = mapped_column(String(60))
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]

    trainees: Mapped[list[ClassroomTrainee]] = relationship(
        back_populates="classroom", order_by="ClassroomTrainee.id", cascade="all, delete-orphan")

    __table_args__ = (Index("ix_classroom_trainer", "trainer", "closed_at"),)


class ClassroomTrainee(Base):
    """A person in a classroom: the name they gave, the session student they work as, and
    where they are in the tour (the step, since when, the last hint, finished), as their app
    last reported it (``last_seen_at``)."""

    __tablename__ = "classroom_trainee"

    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(ForeignKey("classroom.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    #: the session student's number, kept after the close (never handed out again)
    student_number: Mapped[str] = mapped_column(String(8), unique=True)
    #: the session student while the session is open; NULL once it has been removed
    student_id: Mapped[int | None] = mapped_column(
        ForeignKey("student.id", ondelete="SET NULL"), unique=True)
    step: Mapped[int] = mapped_column(default=1)  # 1-based; total + 1 once finished
    total: Mapped[int]
    step_since: Mapped[datetime]
    hint: Mapped[str | None] = mapped_column(Text)
    finished: Mapped[bool] = mapped_column(default=False)
    joined_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]

    classroom: Mapped[Classroom] = relationship(back_populates="trainees")

    __table_args__ = (
        UniqueConstraint("classroom_id", "name", name="uq_classroom_trainee_name"),
        CheckConstraint("step >= 1 AND total >= 0", name="step"),
    )
