"""Shared plumbing for services: the context (database + clock), errors, ORM → schema helpers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select
from sqlalchemy.orm import Session, joinedload, selectinload

from ..db import Database
from ..errors import ServiceError, UsisError  # noqa: F401 - ServiceError: re-exported
from ..i18n import _, format_datetime
from ..models import AcademicYear, ClassSection, Course, Student
from .schemas import ClassInfo, ClassStatus, Component, MeetingInfo, PeriodState, Problem

CLASS_NUMBER = re.compile(r"[0-9]{4}")  # ASCII: \d would accept "１２３４"


def rows_changed(session: Session, statement: Any) -> int:
    """Run an UPDATE/DELETE: how many rows it changed (a conditional UPDATE's "did I win")."""
    result = cast(CursorResult[Any], session.execute(
        statement.execution_options(synchronize_session=False)))
    return result.rowcount


def fail(code: str, message: str, hint: str = "") -> ServiceError:
    return ServiceError(Problem(code=code, message=message, hint=hint))


def shown(value: object, limit: int = 40) -> str:
    """User input echoed in a message: control characters dropped, at most ``limit`` long."""
    text = "".join(ch for ch in str(value) if ch.isprintable())
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: bidirectional embeddings, overrides, isolates and marks: they reorder how text is shown
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
                          "\u200e\u200f\u061c")


def bad_text(value: str, limit: int, *, multiline: bool = False) -> str | None:
    """Why a free-text value cannot be stored (None when it can), as the end of a sentence
    ("Title: " + why): longer than ``limit`` characters, or a character that could change the
    terminal or how the text reads: C0 controls (NUL: PostgreSQL refuses it; ESC starts escape
    sequences), DEL, C1 controls (U+0080-U+009F, e.g. CSI U+009B), bidirectional overrides,
    isolates and marks (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C), lone surrogates,
    and line/paragraph separators. Only ``multiline`` text (a motivation, a reason) may hold
    newlines (also CRLF) and tabs; names, titles and rooms are one line. The one check for
    every text a user or a file gives."""
    if len(value) > limit:
        return _("at most {limit} characters, not {length}").format(limit=limit,
                                                                    length=len(value))
    for ch in value.replace("\r\n", "\n") if multiline else value:  # CRLF: a pasted newline
        if multiline and ch in "\n\t":
            continue
        kind = unicodedata.category(ch)
        if not multiline and (ch in "\n\t" or kind in ("Zl", "Zp")):
            return _("one line only: no line breaks or tabs")
        if kind == "Cc":
            return _("letters, digits and punctuation only, no control characters "
                     "({codepoint})").format(codepoint=f"U+{ord(ch):04X}")
        if ch in BIDI_CONTROLS:
            return _("no bidirectional text controls ({codepoint}): they change how the text "
                     "reads").format(codepoint=f"U+{ord(ch):04X}")
        if kind == "Cs":
            return _("not valid Unicode text (a lone surrogate)")
    return None


@dataclass
class Context:
    db: Database
    clock: Callable[[], datetime]

    def now(self) -> datetime:
        return self.clock().replace(microsecond=0)


def period_state(section: ClassSection, now: datetime) -> PeriodState:
    if now < section.enrol_opens_at:
        return "not_yet_open"
    if now > section.enrol_closes_at:
        return "closed"
    return "open"


def fmt_dt(value: datetime, *, language: object | None = None) -> str:
    """"2 Dec 2026 09:30" ("2 dec. 2026 09:30" in Dutch); ``language``: default the current one."""
    return format_datetime(value, language=language)


def section_options():
    """Loader options so that class_info() never lazy-loads row by row."""
    return (
        joinedload(ClassSection.course).joinedload(Course.programme),
        joinedload(ClassSection.course).joinedload(Course.minor),
        joinedload(ClassSection.academic_year),
        joinedload(ClassSection.parent).joinedload(ClassSection.course).joinedload(Course.minor),
        selectinload(ClassSection.meetings),
    )


def class_info(section: ClassSection, now: datetime) -> ClassInfo:
    course = section.course
    return ClassInfo(
        section_id=section.id,
        academic_year=section.academic_year.code,
        class_number=section.class_number,
        catalogue_number=course.catalogue_number,
        title=course.title,
        component=cast(Component, section.component),  # (plain strings in the database)
        section=section.section,
        ec=course.ec,
        level=course.level,
        honours=course.honours,
        programme=course.programme.name if course.programme else None,
        instructor=section.instructor,
        capacity=section.capacity,
        enrolled=section.enrolled_count,
        waitlist_capacity=section.waitlist_capacity,
        waitlisted=section.waitlist_count,
        status=cast(ClassStatus, section.status),
        enrol_opens_at=section.enrol_opens_at,
        enrol_closes_at=section.enrol_closes_at,
        period_state=period_state(section, now),
        meetings=[
            MeetingInfo(weekday=m.weekday, start=m.start_time, end=m.end_time, room=m.room,
                        start_date=m.start_date, end_date=m.end_date, weeks=m.weeks)
            for m in section.meetings
        ],
        brightspace_url=course.brightspace_url,
        parent_class_number=section.parent.class_number if section.parent else None,
        minor_type=course.minor.minor_type if course.minor else None,
        minor_part=section.parent is not None and section.parent.course.minor is not None,
    )


def permission_number_of(value: str | None) -> str | None:
    """The permission number as typed: letters and digits, at most 12 (e.g. PN1234)."""
    text = (value or "").strip()
    if text and not (len(text) <= 12 and text.isascii() and text.isalnum()):
        raise fail("bad_permission_number",
                   _("A permission number has at most 12 letters and digits, e.g. PN1234."),
                   _("Copy it from the e-mail of the lecturer or your study adviser."))
    return text or None


def get_student(session: Session, student_number: str, *, lock: bool = False) -> Student:
    """The student; with ``lock`` the row stays locked until the transaction ends (PostgreSQL
    ``SELECT ... FOR NO KEY UPDATE``; SQLite's writers are serialised already), so that one
    student's writing transactions (two sessions, a promotion) run one after the other and each
    sees the other's enrolments. Every writing enrolment path locks its student first, then the
    class rows (lock_sections, in id order): one order, no deadlocks."""
    stmt = select(Student).where(Student.student_number == student_number)
    if lock:  # NO KEY UPDATE: rows that merely reference the student are not held up
        stmt = stmt.with_for_update(key_share=True).execution_options(populate_existing=True)
    student = session.scalar(stmt)
    if student is None:
        raise fail("unknown_student", _("Student {number} does not exist.").format(
            number=shown(student_number)))
    return student


def lock_students(session: Session, student_ids: Iterable[int]) -> None:
    """Lock students' rows (see get_student) by id, in id order."""
    ids = sorted(set(student_ids))
    if ids:
        session.execute(select(Student.id).where(Student.id.in_(ids)).order_by(Student.id)
                        .with_for_update(key_share=True)).all()


def get_year(session: Session, code: str) -> AcademicYear:
    year = session.scalar(select(AcademicYear).where(AcademicYear.code == code))
    if year is None:
        codes = ", ".join(session.scalars(select(AcademicYear.code).order_by(AcademicYear.code)))
        raise fail("unknown_year", _("Academic year {year} is not offered.").format(
            year=repr(shown(code))),
                   _("Choose one of: {years}.").format(years=codes) if codes else "")
    return year


def check_class_number(class_number: str) -> str:
    value = (class_number or "").strip()
    if not CLASS_NUMBER.fullmatch(value):
        raise fail("bad_class_number", _("A class number has exactly 4 digits, e.g. 1052."),
                   _("Class numbers are published per programme and in MyTimetable."))
    return value


def find_section(session: Session, year: AcademicYear, class_number: str, *,
                 lock: bool = False) -> ClassSection:
    number = check_class_number(class_number)
    stmt = (select(ClassSection)
            .where(ClassSection.academic_year_id == year.id, ClassSection.class_number == number))
    if lock:
        stmt = stmt.with_for_update()
    else:
        stmt = stmt.options(*section_options())
    section = session.scalar(stmt)
    if section is None:
        raise fail("unknown_class",
                   _("Class {number} does not exist in {year}.").format(number=number,
                                                                         year=year.label),
                   _("Check the number in MyTimetable, or use \"Enrol by searching the "
                     "course\"."))
    return section
