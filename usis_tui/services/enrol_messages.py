"""The messages of enrolment: the result lines (``ENROLLED_MSG``, ``waitlisted_msg``) and the
message-centre messages, shared by ``enrolment`` and ``enrol_fast`` (so neither imports the
other for them) and by the other services that post messages.

A result line is shown to whoever enrols (the current language); a message-centre message is
written in its recipient's language (``lang``: ``i18n.account_language(student.language)``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..i18n import N_, _, _in
from ..models import ClassSection, Message
from .schemas import component_label

#: the English text (tests compare with it); shown as ``_(ENROLLED_MSG)``
ENROLLED_MSG = N_("Success: This class has been added to your schedule.")


def enrolled_msg() -> str:
    """The result line of an enrolment, in the current language."""
    return _(ENROLLED_MSG)


def waitlisted_msg(position: int) -> str:
    return _("Success: This class has been added to your wait list (position {position})."
             ).format(position=position)


def post_message(session: Session, student_id: int, category: str, subject: str, body: str,
                 now: datetime) -> None:
    session.add(Message(student_id=student_id, category=category, subject=subject, body=body,
                        created_at=now))


def describe(section: ClassSection, lang: object | None = None) -> str:
    """"4000MDSAIN Title (Lecture, class 1052)"; the component is named in ``lang``."""
    return _in(lang, "{course} {title} ({component}, class {number})").format(
        course=section.course.catalogue_number, title=section.course.title,
        component=component_label(section.component, lang), number=section.class_number)


def enrolled_message(section: ClassSection, lang: object | None = None) -> tuple[str, str]:
    """Subject and body of the message for a new enrolment, in ``lang`` (the recipient's)."""
    return (_in(lang, "Enrolled: {name}").format(name=describe(section, lang)),
            _in(lang, "You are enrolled in class {number}, {course} {title}. The course has been "
                      "added to your Brightspace courses.").format(
                number=section.class_number, course=section.course.catalogue_number,
                title=section.course.title))


def waitlisted_message(section: ClassSection, position: int,
                       lang: object | None = None) -> tuple[str, str]:
    """Subject and body of the message for a new wait list place, in ``lang``."""
    return (_in(lang, "Wait list: {name}").format(name=describe(section, lang)),
            _in(lang, "You are on the wait list for class {number} at position {position}. You "
                      "will be enrolled automatically when a seat frees up.").format(
                number=section.class_number, position=position))
