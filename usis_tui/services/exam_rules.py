"""When an exam or resit enrolment is binding (the rules of services/exams.py), readable by the
services that list enrolments (My Class Schedule, MyTimetable) without importing the exam
service: an enrolment in an Exam or Resit class is provisional until the student confirms it, at
the latest 10 days before the exam at 23:59."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import ClassSection, Enrolment, ExamConfirmation

EXAM_COMPONENTS = ("Exam", "Resit")
EXAM_DEADLINE_DAYS = 10  # enrol for (and confirm) an exam at the latest 10 days before it
DEADLINE_TIME = time(23, 59)


def deadline_for(exam_day: date) -> datetime:
    """The last moment to confirm: 10 days before the exam, 23:59."""
    return datetime.combine(exam_day - timedelta(days=EXAM_DEADLINE_DAYS), DEADLINE_TIME)


def is_confirmed(enrolment: Enrolment, row: ExamConfirmation | None,
                 deadline: datetime) -> bool:
    """Confirmed since the (last) enrolment; or enrolled only after the deadline (a wait list
    promotion), which is binding at once."""
    enrolled_at = enrolment.enrolled_at or datetime.min
    if enrolled_at > deadline:
        return True
    return (row is not None and row.status == "confirmed" and row.confirmed_at is not None
            and row.confirmed_at >= enrolled_at)


def confirm_deadlines(session: Session, rows: Iterable[tuple[Enrolment, ClassSection]],
                      today: date) -> dict[int, datetime]:
    """Enrolment id → the moment to confirm by, for each provisional exam or resit enrolment
    among ``rows``: enrolled, the exam still to come (today or later), not confirmed. The
    sections' meetings are read (load them with the rows)."""
    exams = [(e, s) for e, s in rows
             if e.status == "enrolled" and s.component in EXAM_COMPONENTS and s.meetings]
    if not exams:
        return {}
    confirmations = {c.enrolment_id: c for c in session.scalars(select(ExamConfirmation).where(
        ExamConfirmation.enrolment_id.in_([e.id for e, _s in exams])))}
    out: dict[int, datetime] = {}
    for enrolment, section in exams:
        day = min(m.start_date for m in section.meetings)
        deadline = deadline_for(day)
        if day >= today and not is_confirmed(enrolment, confirmations.get(enrolment.id),
                                             deadline):
            out[enrolment.id] = deadline
    return out


__all__ = ["DEADLINE_TIME", "EXAM_COMPONENTS", "EXAM_DEADLINE_DAYS", "confirm_deadlines",
           "deadline_for", "is_confirmed"]
