"""Registering study results (the Board of Examiners): the grades of an exam or resit class.

    usis.results.exam_classes("2026-2027")          # the Exam and Resit classes of a year
    usis.results.sheet("2026-2027", "2035")          # its enrolled students and their results
    usis.results.register("2026-2027", "2035", {"s1234567": "4,5", "s2000001": "V"})
    usis.results.import_file("results.csv")          # the same, from a CSV file

A grade is typed as "7.5", "7,5" or "8" (1 to 10, at most one decimal) or as a mark "V" / "NV"
(passed / not passed, any case). Every grade of a call is checked first — a student who does
not exist or is not enrolled in the class, a grade that is no grade, a student given twice — and
every problem is reported at once (one Problem per student, with the student number; for a file,
the line and column); nothing is written unless all are good. Then one transaction writes the
results (``exam_result``: the class, its component, the exam date, the attempt), one audit entry
and one message "New study result" per student, in the student's language; a failing grade
names the resit class of the course that the student can now enrol in (the enrolment rules
allow a resit after a visible failing result without a pass: services/rules.py).

Registering again for the same class and student corrects that result (same attempt) and says
so. The CSV format: README.md "Registering results", examples/results.csv.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from ..clock import in_range, out_of_range
from ..i18n import N_, _, _in, account_language, format_date, format_datetime, format_grade
from ..models import (
    PASS_GRADE,
    RESULT_COMPONENTS,
    AcademicYear,
    ClassSection,
    Course,
    Enrolment,
    ExamResult,
    Meeting,
    Student,
)
from .audit import record
from .base import (
    CLASS_NUMBER,
    Context,
    ServiceError,
    fail,
    find_section,
    get_year,
    lock_students,
    period_state,
    shown,
)
from .catalogue import CatalogueService
from .enrol_messages import post_message
from .enrolment import lock_sections
from .importer import MAX_BYTES, _Problems, read_file, read_rows
from .schemas import Frozen, Problem, component_label

CATEGORY = "result"  # the message centre's category of a new study result
ACTION = "result_register"  # the audit trail's action, one entry per student
REQUIRED = ("academic_year", "class_number", "student_number", "grade")
OPTIONAL = ("exam_date",)
MARKS = ("V", "NV")
DEFAULT_ACTOR = "admin"  # who registers when nobody is named (the local administrator)
_GRADE = re.compile(r"([0-9]{1,2})(?:[.,]([0-9]+))?")  # ASCII digits only
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# ---------------------------------------------------------------------------- results
class ResultLine(Frozen):
    """One registered result as staff see it (released or not)."""

    grade: float | None
    mark: str | None
    component: str
    attempt: int
    exam_date: date
    academic_year: str | None = None  # of the class it was registered for (None: older)
    class_number: str | None = None
    hidden_until: datetime | None = None
    registered_at: datetime | None = None
    registered_by: str | None = None

    @property
    def passed(self) -> bool:
        return self.mark == "V" if self.grade is None else self.grade >= PASS_GRADE

    def label(self, language: object | None = None) -> str:
        """"7.5" / "7,5", or the mark as it is ("V")."""
        return grade_label(self.grade, self.mark, language)


class ExamClass(Frozen):
    """An Exam or Resit class with how many are enrolled and how many have a result."""

    academic_year: str
    class_number: str
    catalogue_number: str
    title: str
    component: str
    ec: float
    exam_day: date | None
    enrolled: int
    registered: int


class SheetRow(Frozen):
    """One enrolled student on a class's result sheet."""

    student_number: str
    name: str
    programme: str | None
    result: ResultLine | None  # registered for this class
    earlier: list[ResultLine]  # the student's other results for the course, oldest first


class ResultSheet(Frozen):
    exam_class: ExamClass
    students: list[SheetRow]


class RegisteredResult(Frozen):
    student_number: str
    name: str
    grade: float | None
    mark: str | None
    attempt: int
    corrected: bool  # there was a result for this class already: it was replaced
    passed: bool
    resit_class: str | None = None  # failed: the resit class the student can enrol in
    resit_closes_at: datetime | None = None

    def label(self, language: object | None = None) -> str:
        return grade_label(self.grade, self.mark, language)


class Registration(Frozen):
    """What one class's registration wrote."""

    academic_year: str
    class_number: str
    catalogue_number: str
    title: str
    component: str
    results: list[RegisteredResult]

    @property
    def registered(self) -> int:
        """New results (corrections not counted)."""
        return sum(1 for r in self.results if not r.corrected)

    @property
    def corrected(self) -> int:
        return sum(1 for r in self.results if r.corrected)


class ResultsImport(Frozen):
    path: str
    rows: int
    classes: int
    registered: int
    corrected: int
    checked: bool  # --check: everything was checked and rolled back, nothing written
    registrations: list[Registration] = []


class GradeProblem(Problem):
    """A problem with one student's grade: which student, so that a grid can mark the row."""

    student_number: str | None = None


# ---------------------------------------------------------------------------- grades
class Parsed(NamedTuple):
    grade: float | None
    mark: str | None


class GradeError(ValueError):
    """A typed grade that is no grade; ``str()`` says why (the end of a sentence)."""


def grade_label(grade: float | None, mark: str | None, language: object | None = None) -> str:
    return mark or "" if grade is None else format_grade(grade, language=language)


def parse_grade(text: str) -> Parsed:
    """A grade as typed — "7.5", "7,5", "8" (1 to 10, at most one decimal) — or a mark "V" /
    "NV" (any case). GradeError says what is wrong. UI-free: the grid checks as it is typed."""
    value = (text or "").strip()
    if not value:
        raise GradeError(_("no grade given"))
    if value.upper() in MARKS:
        return Parsed(None, value.upper())
    m = _GRADE.fullmatch(value)
    if m is None:
        raise GradeError(_("{value} is not a grade (1 to 10, or V / NV)").format(
            value=repr(shown(value, 20))))
    try:
        number = Decimal(f"{m.group(1)}.{m.group(2) or '0'}")
    except InvalidOperation:  # pragma: no cover - the pattern admits digits only
        raise GradeError(repr(value)) from None
    if number != number.quantize(Decimal("0.1")):
        raise GradeError(_("{value} has more than one decimal: a grade is registered with one "
                           "(e.g. 7.5)").format(value=repr(shown(value, 20))))
    if not Decimal(1) <= number <= Decimal(10):
        raise GradeError(_("{value} is not between 1 and 10").format(value=repr(shown(value,
                                                                                       20))))
    return Parsed(float(number), None)


GRADE_HINT = N_("Type a grade from 1 to 10 with at most one decimal (7.5 or 7,5), or V / NV.")


# ---------------------------------------------------------------------------- internals
@dataclass
class _Entry:
    """One grade to register, as given."""

    student_number: str  # normalised (trimmed, lower case)
    text: str
    line: int | None = None  # in the file
    exam_date: date | None = None
    parsed: Parsed | None = None


@dataclass
class _Group:
    """The grades of one class (a call of register, or the rows of a file for one class)."""

    section_id: int
    entries: list[_Entry] = field(default_factory=list)


@dataclass(frozen=True)
class _Issue:
    entry: _Entry
    column: str
    code: str
    message: str  # the end of a sentence: "'11' is not between 1 and 10"


def _exam_day(section: ClassSection) -> date | None:
    days = [m.start_date for m in section.meetings]
    return min(days) if days else None


def _line(row: ExamResult, year: str | None, class_number: str | None) -> ResultLine:
    return ResultLine(grade=row.grade, mark=row.mark, component=row.component,
                      attempt=row.attempt, exam_date=row.exam_date, academic_year=year,
                      class_number=class_number, hidden_until=row.hidden_until,
                      registered_at=row.registered_at, registered_by=row.registered_by)


def _exam_class(section: ClassSection, registered: int) -> ExamClass:
    course = section.course
    return ExamClass(academic_year=section.academic_year.code,
                     class_number=section.class_number,
                     catalogue_number=course.catalogue_number, title=course.title,
                     component=section.component, ec=course.ec, exam_day=_exam_day(section),
                     enrolled=section.enrolled_count, registered=registered)


def _registered_count(session: Session, section_id: int) -> int:
    return session.scalar(select(func.count(func.distinct(ExamResult.student_id)))
                          .where(ExamResult.section_id == section_id)) or 0


def _not_an_exam(section: ClassSection) -> str:
    return _("class {number} is a {component} class; results are registered for exam and "
             "resit classes").format(number=section.class_number,
                                     component=component_label(section.component).lower())


def _exam_section(session: Session, year: AcademicYear, class_number: str) -> ClassSection:
    section = find_section(session, year, class_number)
    if section.component not in RESULT_COMPONENTS:
        raise fail("not_an_exam_class", _("Class {number} is a {component} class: results are "
                                          "registered for exam and resit classes.").format(
            number=section.class_number,
            component=component_label(section.component).lower()),
                   _("Choose an exam or resit class (Register results lists them)."))
    return section


# ---------------------------------------------------------------------------- the service
class ResultsService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # ------------------------------------------------------------------ reading
    def exam_classes(self, academic_year: str | None = None) -> list[ExamClass]:
        """The Exam and Resit classes of a year (default: the current one) by exam day, each
        with its course, the number enrolled and the number with a result registered."""
        code = academic_year or CatalogueService(self.ctx).current_year()
        with self.ctx.db.read() as session:
            year = get_year(session, code)
            day = (select(func.min(Meeting.start_date)).where(Meeting.section_id == ClassSection.id)
                   .correlate(ClassSection).scalar_subquery())
            registered = (select(func.count(func.distinct(ExamResult.student_id)))
                          .where(ExamResult.section_id == ClassSection.id)
                          .correlate(ClassSection).scalar_subquery())
            rows = session.execute(
                select(ClassSection.class_number, ClassSection.component,
                       ClassSection.enrolled_count, Course.catalogue_number, Course.title,
                       Course.ec, day, registered)
                .join(Course, Course.id == ClassSection.course_id)
                .where(ClassSection.academic_year_id == year.id,
                       ClassSection.component.in_(RESULT_COMPONENTS))).all()
        out = [ExamClass(academic_year=code, class_number=number, catalogue_number=catalogue,
                         title=title, component=component, ec=ec, exam_day=exam_day,
                         enrolled=enrolled, registered=count or 0)
               for number, component, enrolled, catalogue, title, ec, exam_day, count in rows]
        return sorted(out, key=lambda c: (c.exam_day is None, c.exam_day or date.max,
                                          c.class_number))

    def sheet(self, academic_year: str | None, class_number: str) -> ResultSheet:
        """An exam class and its enrolled students in student-number order, each with the
        result registered for this class (if any) and their other results for the course."""
        code = academic_year or CatalogueService(self.ctx).current_year()
        with self.ctx.db.read() as session:
            section = _exam_section(session, get_year(session, code), class_number)
            students = session.scalars(
                select(Student).join(Enrolment, Enrolment.student_id == Student.id)
                .options(joinedload(Student.programme))
                .where(Enrolment.section_id == section.id, Enrolment.status == "enrolled")
                .order_by(Student.student_number)).all()
            results: dict[int, list[tuple[ExamResult, str | None, str | None]]] = {}
            ids = [s.id for s in students]
            for chunk in _chunks(ids, 500):
                for row, year_code, number in session.execute(
                        select(ExamResult, AcademicYear.code, ClassSection.class_number)
                        .outerjoin(ClassSection, ClassSection.id == ExamResult.section_id)
                        .outerjoin(AcademicYear,
                                   AcademicYear.id == ClassSection.academic_year_id)
                        .where(ExamResult.student_id.in_(chunk),
                               ExamResult.course_id == section.course_id)
                        .order_by(ExamResult.exam_date, ExamResult.attempt, ExamResult.id)):
                    results.setdefault(row.student_id, []).append((row, year_code, number))
            rows = []
            for s in students:
                mine = results.get(s.id, [])
                here = [r for r, _y, _n in mine if r.section_id == section.id]
                rows.append(SheetRow(
                    student_number=s.student_number, name=s.name,
                    programme=s.programme.name if s.programme else None,
                    result=_line(here[-1], code, section.class_number) if here else None,
                    earlier=[_line(r, y, n) for r, y, n in mine if r.section_id != section.id]))
            return ResultSheet(exam_class=_exam_class(section,
                                                      _registered_count(session, section.id)),
                               students=rows)

    # ------------------------------------------------------------------ writing
    def register(self, academic_year: str | None, class_number: str, grades: dict[str, str], *,
                 exam_date: date | None = None, actor: str | None = None) -> Registration:
        """Register the grades (by student number, as typed) of an exam or resit class: all or
        nothing. Every problem comes back at once (a GradeProblem per student); nothing is
        written unless all grades are good."""
        code = academic_year or CatalogueService(self.ctx).current_year()
        if exam_date is not None and not in_range(exam_date):
            raise fail("bad_exam_date", out_of_range(exam_date.isoformat()))
        entries = [_Entry(student_number=(number or "").strip().lower(),
                          text="" if text is None else str(text), exam_date=exam_date)
                   for number, text in grades.items()]
        if not entries:
            raise fail("no_grades", _("No grades to register."),
                       _("Type a grade for at least one student."))
        now = self.ctx.now()
        with self.ctx.db.write() as session:
            section = _exam_section(session, get_year(session, code), class_number)
            group = _Group(section.id, entries)
            issues = self._check(session, [group])
            if issues:
                raise ServiceError([_typed_problem(i) for i in issues])
            [registration] = self._write(session, [group], now, actor or DEFAULT_ACTOR)
            return registration

    def import_file(self, path: str | Path, *, actor: str | None = None, check: bool = False,
                    max_bytes: int = MAX_BYTES) -> ResultsImport:
        """Grades from a CSV file (a regular file of at most ``max_bytes``): every row checked,
        then all written in one transaction, or none. ``check``: check only, write nothing."""
        file = Path(path)
        data = read_file(file, max_bytes)
        return self.import_bytes(data, name=shown(file, 200), actor=actor, check=check)

    def import_bytes(self, data: bytes, *, name: str = "results.csv", actor: str | None = None,
                     check: bool = False) -> ResultsImport:
        """The rows of a CSV file (header ``academic_year,class_number,student_number,grade``
        and optionally ``exam_date``): every bad row is reported (line, column, problem), and
        nothing is written unless the whole file is good."""
        problems = _Problems()
        raw, count = read_rows(data, problems, required=REQUIRED, optional=OPTIONAL)
        unreadable = _("Nothing was imported: the file cannot be read as results.")
        rows: list[tuple[int, dict[str, str]]] = []
        for line, values in raw:
            values = {k: v.strip() for k, v in values.items()}
            bad = False
            for column in REQUIRED:
                if not values.get(column):
                    problems.add(line, column, _("is empty; this column is required"))
                    bad = True
            number = values.get("class_number", "")
            if number and not CLASS_NUMBER.fullmatch(number):
                problems.add(line, "class_number", _(
                    "{value} is not a class number (exactly 4 digits, e.g. 1052)").format(
                        value=repr(shown(number, 20))))
                bad = True
            day = values.get("exam_date", "")
            if day:
                try:
                    if not _DAY.fullmatch(day):
                        raise ValueError(day)
                    parsed_day = date.fromisoformat(day)
                except ValueError:
                    problems.add(line, "exam_date", _("{value} is not a date such as {example}")
                                 .format(value=repr(shown(day, 20)), example="2027-01-18"))
                    bad = True
                else:
                    if not in_range(parsed_day):
                        problems.add(line, "exam_date", out_of_range(day))
                        bad = True
            if not bad:  # (a row with problems of its own is not looked up)
                rows.append((line, values))
        now = self.ctx.now()
        try:
            with self.ctx.db.write() as session:
                groups = self._groups(session, rows, problems)
                for issue in self._check(session, groups.values()):
                    problems.add(issue.entry.line, issue.column, issue.message)
                problems.raise_if_any(count, unreadable=unreadable)
                written = self._write(session, list(groups.values()), now,
                                      actor or DEFAULT_ACTOR, file=Path(name).name)
                result = ResultsImport(
                    path=name, rows=count, classes=len(written),
                    registered=sum(r.registered for r in written),
                    corrected=sum(r.corrected for r in written), checked=check,
                    registrations=written)
                if check:
                    raise _Checked(result)
        except _Checked as done:
            return done.result
        return result

    # ------------------------------------------------------------------ internals
    @staticmethod
    def _groups(session: Session, rows: Sequence[tuple[int, dict[str, str]]],
                problems: _Problems) -> dict[int, _Group]:
        """The file's rows by class (section id); a row whose year or class is unknown (or no
        exam class) is reported on its line."""
        years = {y.code: y for y in session.scalars(select(AcademicYear))}
        sections: dict[tuple[str, str], ClassSection | str] = {}
        groups: dict[int, _Group] = {}
        for line, values in rows:
            code, number = values["academic_year"], values["class_number"]
            year = years.get(code)
            if year is None:
                problems.add(line, "academic_year", _(
                    "{value} is not an academic year in uSis; the years are {years}").format(
                        value=repr(shown(code, 20)), years=", ".join(sorted(years))))
                continue
            found = sections.get((code, number))
            if found is None:
                section = session.scalar(select(ClassSection).where(
                    ClassSection.academic_year_id == year.id,
                    ClassSection.class_number == number))
                if section is None:
                    found = _("class {number} does not exist in {year}").format(number=number,
                                                                               year=code)
                elif section.component not in RESULT_COMPONENTS:
                    found = _not_an_exam(section)
                else:
                    found = section
                sections[(code, number)] = found
            if isinstance(found, str):
                problems.add(line, "class_number", found)
                continue
            day = values.get("exam_date")
            groups.setdefault(found.id, _Group(found.id)).entries.append(_Entry(
                student_number=values["student_number"].lower(), text=values["grade"],
                line=line, exam_date=date.fromisoformat(day) if day else None))
        return groups

    def _check(self, session: Session, groups: Iterable[_Group]) -> list[_Issue]:
        """Lock the students and the classes (students first, then classes: the order of every
        writer), then check every grade: who, enrolled, the grade itself, given twice."""
        groups = list(groups)
        numbers = sorted({e.student_number for g in groups for e in g.entries})
        students: dict[str, Student] = {}
        for chunk in _chunks(numbers, 500):
            students.update((s.student_number, s) for s in session.scalars(
                select(Student).where(Student.student_number.in_(chunk))))
        lock_students(session, (s.id for s in students.values()))
        sections = lock_sections(session, (g.section_id for g in groups))
        issues: list[_Issue] = []
        for group in groups:
            section = sections[group.section_id]
            enrolled = set(session.scalars(select(Enrolment.student_id).where(
                Enrolment.section_id == section.id, Enrolment.status == "enrolled")))
            seen: dict[str, _Entry] = {}
            for entry in group.entries:
                n = entry.student_number
                student = students.get(n)
                if student is None:
                    issues.append(_Issue(entry, "student_number", "unknown_student",
                                         _("no student has this number")))
                elif student.id not in enrolled:
                    issues.append(_Issue(entry, "student_number", "not_enrolled", _(
                        "{name} is not enrolled in class {class_number}").format(
                            name=student.name, class_number=section.class_number)))
                first = seen.setdefault(n, entry)
                if first is not entry:
                    issues.append(_Issue(entry, "student_number", "given_twice", _(
                        "{number} is already on line {line} for class {class_number}").format(
                            number=n, line=first.line, class_number=section.class_number)
                        if first.line is not None else _("{number} is given twice").format(
                            number=n)))
                try:
                    entry.parsed = parse_grade(entry.text)
                except GradeError as exc:
                    issues.append(_Issue(entry, "grade", "bad_grade", str(exc)))
                if entry.exam_date is None and _exam_day(section) is None:
                    issues.append(_Issue(entry, "exam_date", "no_exam_day", _(
                        "class {class_number} has no exam day: give the exam date").format(
                            class_number=section.class_number)))
        return issues

    def _write(self, session: Session, groups: list[_Group], now: datetime, actor: str, *,
               file: str | None = None) -> list[Registration]:
        """Write the checked grades of each class: new results and corrections, an audit entry
        and a message per student. Runs in the caller's transaction, after ``_check``."""
        out = []
        for group in groups:
            section = session.get(ClassSection, group.section_id)
            assert section is not None  # locked by _check
            course = section.course
            numbers = [e.student_number for e in group.entries]
            students = {s.student_number: s for s in session.scalars(
                select(Student).where(Student.student_number.in_(numbers)))}
            existing: dict[int, list[ExamResult]] = {}
            for row in session.scalars(select(ExamResult).where(
                    ExamResult.student_id.in_([s.id for s in students.values()]),
                    ExamResult.course_id == course.id).order_by(ExamResult.id)):
                existing.setdefault(row.student_id, []).append(row)
            resit = self._resit(session, section, now)
            day = _exam_day(section)
            results = []
            for entry in group.entries:
                student = students[entry.student_number]
                parsed = entry.parsed
                assert parsed is not None  # checked
                when = entry.exam_date or day
                assert when is not None  # checked
                mine = existing.get(student.id, [])
                here = [r for r in mine if r.section_id == section.id]
                corrected = bool(here)
                before = ""
                if here:
                    row = here[-1]
                    before = grade_label(row.grade, row.mark, "en")
                else:
                    row = ExamResult(student_id=student.id, course_id=course.id,
                                     section_id=section.id, component=section.component,
                                     attempt=len(mine) + 1)
                    session.add(row)
                row.grade, row.mark = parsed.grade, parsed.mark
                row.exam_date = when
                row.registered_at, row.registered_by = now, actor[:40]
                passed = parsed.mark == "V" if parsed.grade is None else (
                    parsed.grade >= PASS_GRADE)
                offer = resit if not passed else None
                result = RegisteredResult(
                    student_number=student.student_number, name=student.name,
                    grade=parsed.grade, mark=parsed.mark, attempt=row.attempt,
                    corrected=corrected, passed=passed,
                    resit_class=offer.class_number if offer else None,
                    resit_closes_at=offer.enrol_closes_at if offer else None)
                results.append(result)
                label = grade_label(parsed.grade, parsed.mark, "en")
                detail = (f"class {section.class_number} ({section.academic_year.code}), "
                          f"{course.catalogue_number}: {label}, attempt {row.attempt}")
                if corrected:
                    detail += f" (corrected, was {before})"
                if file:
                    detail += f", from {file}"
                record(session, now, actor=actor, acting_for=student.student_number,
                       action=ACTION, detail=detail)
                self._message(session, student, section, result, when, offer, now)
            out.append(Registration(
                academic_year=section.academic_year.code, class_number=section.class_number,
                catalogue_number=course.catalogue_number, title=course.title,
                component=section.component, results=results))
        session.flush()
        return out

    @staticmethod
    def _resit(session: Session, section: ClassSection, now: datetime) -> ClassSection | None:
        """The resit class of the course in the class's year whose enrolment is not closed
        (not the class itself)."""
        for resit in session.scalars(select(ClassSection).where(
                ClassSection.academic_year_id == section.academic_year_id,
                ClassSection.course_id == section.course_id,
                ClassSection.component == "Resit",
                ClassSection.id != section.id).order_by(ClassSection.class_number)):
            if period_state(resit, now) != "closed":
                return resit
        return None

    @staticmethod
    def _message(session: Session, student: Student, section: ClassSection,
                 result: RegisteredResult, exam_date: date, resit: ClassSection | None,
                 now: datetime) -> None:
        """"New study result" (or "Study result corrected") in the student's language."""
        lang = account_language(student.language)
        course = section.course
        names = {"course": course.catalogue_number, "title": course.title}
        subject = (_in(lang, "Study result corrected: {course} {title}") if result.corrected
                   else _in(lang, "New study result: {course} {title}")).format(**names)
        facts = {**names, "component": component_label(section.component, lang),
                 "number": section.class_number, "date": format_date(exam_date, language=lang),
                 "grade": result.label(lang)}
        body = (_in(lang, "Your result for {course} {title} ({component}, class {number}, "
                          "{date}) has been corrected: {grade}.") if result.corrected else
                _in(lang, "Your result for {course} {title} ({component}, class {number}, "
                          "{date}) has been registered: {grade}.")).format(**facts)
        if result.passed:
            body += " " + _in(lang, "You passed {course}.").format(**names)
        else:
            body += " " + _in(lang, "You did not pass {course}.").format(**names)
            if resit is not None and period_state(resit, now) == "open":
                body += " " + _in(lang, "You can enrol in the resit, class {number}, until "
                                        "{closes}.").format(
                    number=resit.class_number,
                    closes=format_datetime(resit.enrol_closes_at, language=lang))
            elif resit is not None:
                body += " " + _in(lang, "You can enrol in the resit, class {number}, from "
                                        "{opens} until {closes}.").format(
                    number=resit.class_number,
                    opens=format_datetime(resit.enrol_opens_at, language=lang),
                    closes=format_datetime(resit.enrol_closes_at, language=lang))
        post_message(session, student.id, CATEGORY, subject, body, now)


def _typed_problem(issue: _Issue) -> GradeProblem:
    """A problem of register(): the student number first, a hint for a grade."""
    number = issue.entry.student_number
    return GradeProblem(code=issue.code,
                        message=_("{student}: {problem}").format(student=number or "–",
                                                                 problem=issue.message),
                        hint=_(GRADE_HINT) if issue.code == "bad_grade" else "",
                        student_number=number)


class _Checked(Exception):
    """Rolls the import back after a complete trial run (--check)."""

    def __init__(self, result: ResultsImport) -> None:
        super().__init__("checked")
        self.result = result


def _chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


__all__ = ["CATEGORY", "ExamClass", "GradeError", "GradeProblem", "Parsed", "Registration",
           "RegisteredResult", "ResultLine", "ResultSheet", "ResultsImport", "ResultsService",
           "SheetRow", "grade_label", "parse_grade"]
