"""The messages of enrolment: the result lines (``ENROLLED_MSG``, ``waitlisted_msg``) and the
message-centre messages, shared by ``enrolment`` and ``enrol_fast`` (so neither imports the
other for them) and by the other services that post messages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..models import ClassSection, Message

ENROLLED_MSG = "Success: This class has been added to your schedule."


def waitlisted_msg(position: int) -> str:
    return f"Success: This class has been added to your wait list (position {position})."


def post_message(session: Session, student_id: int, category: str, subject: str, body: str,
                 now: datetime) -> None:
    session.add(Message(student_id=student_id, category=category, subject=subject, body=body,
                        created_at=now))


def describe(section: ClassSection) -> str:
    return (f"{section.course.catalogue_number} {section.course.title} "
            f"({section.component}, class {section.class_number})")


def enrolled_message(section: ClassSection) -> tuple[str, str]:
    """Subject and body of the message for a new enrolment."""
    return (f"Enrolled: {describe(section)}",
            (f"You are enrolled in class {section.class_number}, "
             f"{section.course.catalogue_number} {section.course.title}. "
             "The course has been added to your Brightspace courses."))


def waitlisted_message(section: ClassSection, position: int) -> tuple[str, str]:
    """Subject and body of the message for a new wait list place."""
    return (f"Wait list: {describe(section)}",
            (f"You are on the wait list for class {section.class_number} at position "
             f"{position}. You will be enrolled automatically when a seat frees up."))
