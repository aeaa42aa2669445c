"""Exam enrolment confirmation: an enrolment in an Exam or Resit class is provisional until the
student confirms it (binding); unconfirmed ones are removed at the deadline, 10 days before the
exam. No row means "provisional"; rules and wording live in ``services/exams.py``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

EXAM_CONFIRMATION_STATUSES = ("confirmed", "expired")


class ExamConfirmation(Base):
    """The confirmation state of one exam enrolment (one row per enrolment row).

    ``confirmed`` counts only if ``confirmed_at`` is not older than the enrolment's
    ``enrolled_at``: enrolling again after a drop needs a new confirmation.
    """

    __tablename__ = "exam_confirmation"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolment.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(10))  # confirmed | expired
    deadline_at: Mapped[datetime]  # the last moment to confirm (exam day - 10 days, 23:59)
    confirmed_at: Mapped[datetime | None]
    expired_at: Mapped[datetime | None]

    __table_args__ = (CheckConstraint("status IN ('confirmed', 'expired')", name="status"),)
