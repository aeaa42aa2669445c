"""The enrolment rules. One function, ``evaluate``, says for one class whether a student would be
enrolled, waitlisted or refused, with every blocking reason in uSis wording.

It reads a ``StudentState`` loaded once per transaction, so a cart of many classes is judged
against the same snapshot plus the classes already accepted earlier in the same batch.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from ..i18n import N_, _in, format_date, format_ec, format_grade
from ..models import (
    PASS_GRADE,
    AcademicYear,
    ClassSection,
    Course,
    Enrolment,
    ExamResult,
    Hold,
    Meeting,
    PermissionNumber,
    Student,
)
from .base import fmt_dt, period_state
from .schemas import Outcome, Problem, days_times

REQUISITES = N_("Requisites not met for Class, not enrolled.")


@dataclass
class Verdict:
    section: ClassSection
    outcome: Outcome
    problems: list[Problem]
    permission: PermissionNumber | None = None

    @property
    def ok(self) -> bool:
        return self.outcome != "failed"


class Grade(NamedTuple):
    """One result as the rules see it: a grade or a mark ("V"/"NV"), released or not yet."""

    grade: float | None
    mark: str | None = None
    hidden_until: datetime | None = None

    @property
    def passed(self) -> bool:
        return self.mark == "V" if self.grade is None else self.grade >= PASS_GRADE

    def visible(self, now: datetime) -> bool:
        return self.hidden_until is None or self.hidden_until <= now

    def label(self, language: object | None = None) -> str:
        """"7.5" / "7,5", or the mark as it is ("V")."""
        if self.grade is None:
            return self.mark or ""
        return format_grade(self.grade, language=language)


def results_stmt():
    """(course id, grade, mark, hidden until) of a student's results (bind ``st``)."""
    from sqlalchemy import bindparam

    return (select(ExamResult.course_id, ExamResult.grade, ExamResult.mark,
                   ExamResult.hidden_until)
            .where(ExamResult.student_id == bindparam("st")).order_by(ExamResult.id))


def grades_by_course(rows) -> dict[int, list[Grade]]:
    out: dict[int, list[Grade]] = {}
    for course_id, grade, mark, hidden_until in rows:
        out.setdefault(course_id, []).append(Grade(grade, mark, hidden_until))
    return out


@dataclass
class StudentState:
    """What the rules need to know about one student, loaded once per transaction."""

    student: Student
    active: dict[int, Enrolment]  # section_id -> enrolled/waitlisted enrolment
    results: dict[int, list[Grade]]  # course_id -> results (released or not)
    holds: list[Hold]
    pending: list[Verdict] = field(default_factory=list)  # accepted earlier in this batch
    ignore: set[int] = field(default_factory=set)  # sections treated as dropped (swap)

    @classmethod
    def load(cls, session: Session, student: Student) -> StudentState:
        enrolments = session.scalars(
            select(Enrolment)
            .where(Enrolment.student_id == student.id,
                   Enrolment.status.in_(("enrolled", "waitlisted")))
            .options(joinedload(Enrolment.section).options(
                selectinload(ClassSection.meetings),
                joinedload(ClassSection.course).joinedload(Course.minor),
            ))
        ).all()
        results = grades_by_course(session.execute(results_stmt(), {"st": student.id}))
        holds = list(session.scalars(select(Hold).where(Hold.student_id == student.id,
                                                        Hold.blocks_enrolment.is_(True))))
        return cls(student=student, active={e.section_id: e for e in enrolments},
                   results=results, holds=holds)

    def enrolled_sections(self, year_id: int) -> list[ClassSection]:
        """Sections the student sits in (enrolled now or accepted in this batch) in a year."""
        out = [e.section for sid, e in self.active.items()
               if e.status == "enrolled" and sid not in self.ignore
               and e.section.academic_year_id == year_id]
        out += [v.section for v in self.pending
                if v.outcome == "enrolled" and v.section.academic_year_id == year_id]
        return out

    def minor_sections(self, year_id: int) -> list[tuple[ClassSection, str]]:
        out = [(e.section, e.status) for sid, e in self.active.items()
               if sid not in self.ignore and e.section.course.minor is not None
               and e.section.academic_year_id == year_id]
        out += [(v.section, v.outcome) for v in self.pending
                if v.section.course.minor is not None and v.section.academic_year_id == year_id]
        return out

    def active_holds(self, now: datetime) -> list[Hold]:
        return [h for h in self.holds
                if h.starts_at <= now and (h.ends_at is None or h.ends_at > now)]


def is_minor_part(section: ClassSection) -> bool:
    """A part of a minor (e.g. 1059 under 1058): its parent is the minor's class."""
    parent = section.parent
    return parent is not None and parent.course.minor is not None


def course_ec(sections: Iterable[ClassSection]) -> dict[int, float]:
    """EC per course (course id) of these sections, each course once; a part of a minor adds
    nothing when its minor is among them (the minor's EC include its parts'). The rule of
    schemas.counted_ec, on the rows the enrolment checks read."""
    sections = list(sections)
    ids = {s.id for s in sections}
    out: dict[int, float] = {}
    for s in sections:
        if is_minor_part(s) and s.parent_id in ids:
            continue
        out.setdefault(s.course_id, s.course.ec)
    return out


def ec_added(enrolled: list[ClassSection], section: ClassSection) -> tuple[float, float]:
    """(EC counted now, EC that ``section`` would add) for the EC cap: a second class of a
    course, or a part of a minor the student sits in, adds nothing."""
    now = sum(course_ec(enrolled).values())
    return now, sum(course_ec([*enrolled, section]).values()) - now


def meetings_clash(a: Meeting, b: Meeting) -> bool:
    """True when two meetings really overlap: same weekday, overlapping times, a shared date."""
    if a.weekday != b.weekday or not (a.start_time < b.end_time and b.start_time < a.end_time):
        return False
    if a.end_date < b.start_date or b.end_date < a.start_date:
        return False
    return bool(set(a.dates()) & set(b.dates()))


def first_clash(a: ClassSection, b: ClassSection) -> tuple[Meeting, Meeting] | None:
    for ma in a.meetings:
        weekday = ma.weekday
        for mb in b.meetings:
            if mb.weekday == weekday and meetings_clash(ma, mb):  # (the cheap test first)
                return ma, mb
    return None


def clashes(section: ClassSection,
            others: list[ClassSection]) -> list[tuple[ClassSection, Meeting, Meeting]]:
    out: list[tuple[ClassSection, Meeting, Meeting]] = []
    for other in others:
        if other.id == section.id:
            continue
        hit = first_clash(section, other)
        if hit:
            out.append((other, *hit))
    return out


def find_permission(session: Session, section: ClassSection, student: Student,
                    number: str | None) -> PermissionNumber | None:
    if not number:
        return None
    return session.scalar(select(PermissionNumber).where(
        PermissionNumber.section_id == section.id, PermissionNumber.number == number.strip()))


def minor_applications(session: Session, student: Student,
                       year_id: int) -> list[tuple[ClassSection, str]]:
    """(minor class, application status) of the student's minor applications in a year that
    have not ended (cancelled, or not placed in a selection minor). Only read when a minor is
    judged."""
    from ..models import Minor, MinorApplication

    return [(sec, st) for sec, st in session.execute(
        select(ClassSection, MinorApplication.status)
        .join(Minor, Minor.course_id == ClassSection.course_id)
        .join(MinorApplication, MinorApplication.minor_id == Minor.id)
        .where(MinorApplication.student_id == student.id,
               MinorApplication.academic_year_id == year_id,
               MinorApplication.status.notin_(("cancelled", "not_placed")),
               ClassSection.academic_year_id == year_id,
               ClassSection.parent_id.is_(None)))]


def evaluate(session: Session | None, state: StudentState, section: ClassSection,
             year: AcademicYear, now: datetime, *, wait_list_ok: bool = False,
             permission_number: str | None = None, lang: object | None = None) -> Verdict:
    """Judge one class for one student. Collects every blocking reason, not only the first.

    ``session`` is only queried for a permission number and for a minor: the hot path
    (enrol_fast.py) handles neither and passes None. ``lang``: the language of the messages
    (default: the current one; a message sent to the student is written in theirs)."""
    problems: list[Problem] = []
    n = section.class_number
    course = section.course
    student = state.student

    # Already enrolled or waitlisted (or already accepted earlier in this batch).
    current = state.active.get(section.id)
    if section.id in state.ignore:
        current = None
    if current is not None and current.status == "enrolled" or any(
            v.section.id == section.id for v in state.pending):
        problems.append(Problem(
            code="already_enrolled",
            message=_in(lang, "Already Enrolled in Class, Add Not Processed."),
            hint=_in(lang, "Class {number} is already on your schedule: see My Class Schedule."
                     ).format(number=n)))
    elif current is not None and current.status == "waitlisted":
        problems.append(Problem(
            code="already_waitlisted",
            message=_in(lang, "Already on the Wait List for Class {number}, Add Not Processed."
                        ).format(number=n),
            hint=_in(lang, "Your wait list position is {position}; you are told when a seat "
                           "frees up.").format(position=current.waitlist_position)))

    # Enrolment period.
    state_now = period_state(section, now)
    if state_now == "not_yet_open":
        problems.append(Problem(
            code="not_yet_open",
            message=_in(lang, "You cannot enroll at this time. Your enrollment appointment is in "
                              "the future or open enrollment has not yet begun."),
            hint=_in(lang, "Enrolment for class {number} opens on {date}. Keep it in your "
                           "Shopping cart and enrol then.").format(
                number=n, date=fmt_dt(section.enrol_opens_at, language=lang))))
    elif state_now == "closed":
        problems.append(Problem(
            code="period_closed",
            message=_in(lang, "You cannot enroll at this time. Enrolment for class {number} "
                              "closed on {date}.").format(
                number=n, date=fmt_dt(section.enrol_closes_at, language=lang)),
            hint=_in(lang, "Contact your education administration office "
                           "(usis-fwn@science.leidenuniv.nl) with your student number and the "
                           "class number.")))

    # Holds.
    for hold in state.active_holds(now):
        problems.append(Problem(
            code="hold",
            message=_in(lang, "You have a hold on your record that prevents enrolment: {hold}."
                        ).format(hold=hold.kind),
            hint=hold.reason))

    # Permission number (overrides a full class and requisites, nothing else).
    permission = None
    if permission_number and permission_number.strip():
        assert session is not None, "a permission number is looked up in the session"
        permission = find_permission(session, section, student, permission_number)
        if permission is None or (permission.student_id not in (None, student.id)) or (
                permission.used_by_id not in (None, student.id)):
            problems.append(Problem(
                code="bad_permission",
                message=_in(lang, "Permission number {permission} is not valid for class "
                                  "{number}.").format(permission=permission_number.strip(),
                                                      number=n),
                hint=_in(lang, "A permission number belongs to one class (and sometimes one "
                               "student) and can be used once; check it with the instructor.")))
            permission = None

    # Requisites: resits, required courses, parts of a minor.
    if permission is None:
        grades = [g for g in state.results.get(course.id, []) if g.visible(now)]
        if section.component == "Resit":
            if not grades:
                problems.append(Problem(
                    code="requisites", message=_in(lang, REQUISITES),
                    hint=_in(lang, "Class {number} is the resit of {course}: enrol only after "
                                   "taking the first exam and not passing it (grade below "
                                   "{pass_grade}). Do not enrol for retakes automatically."
                             ).format(number=n, course=course.catalogue_number,
                                      pass_grade=format_grade(PASS_GRADE, language=lang))))
            elif any(g.passed for g in grades):
                best = max((g for g in grades if g.passed),
                           key=lambda g: -1.0 if g.grade is None else g.grade)
                problems.append(Problem(
                    code="requisites", message=_in(lang, REQUISITES),
                    hint=_in(lang, "You passed {course} with a {grade}; a resit is only for "
                                   "students who did not pass.").format(
                        course=course.catalogue_number, grade=best.label(lang))))
        if section.requires_course is not None:
            req = section.requires_course
            if not any(g.passed and g.visible(now) for g in state.results.get(req.id, [])):
                problems.append(Problem(
                    code="requisites", message=_in(lang, REQUISITES),
                    hint=_in(lang, "Class {number} requires that you passed {course} {title}. "
                                   "With an exemption, ask the instructor for a permission "
                                   "number.").format(number=n, course=req.catalogue_number,
                                                     title=req.title)))
        parent = section.parent
        if parent is not None and parent.course.minor is not None:
            in_parent = any(s.id == parent.id
                            for s in state.enrolled_sections(section.academic_year_id))
            if not in_parent:
                problems.append(Problem(
                    code="requisites", message=_in(lang, REQUISITES),
                    hint=_in(lang, "Class {number} is part of minor {minor} {title}: enrol in "
                                   "class {minor} first (it may be in the same enrolment)."
                             ).format(number=n, minor=parent.class_number,
                                      title=parent.course.title)))

    # Time conflicts with classes the student sits in (only meetings that really overlap).
    for other, mine, theirs in clashes(section, state.enrolled_sections(section.academic_year_id)):
        shared = sorted(set(mine.dates()) & set(theirs.dates()))
        problems.append(Problem(
            code="time_conflict",
            message=_in(lang, "Time Scheduling Conflict for class {number} and {other}, not "
                              "enrolled.").format(number=n, other=other.class_number),
            hint=_in(lang, "Both meet {days_times} (first on {date}); choose another class of "
                           "{course} or drop class {other}.").format(
                days_times=days_times(mine.weekday, mine.start_time, mine.end_time, lang),
                date=format_date(shared[0], language=lang),
                course=course.catalogue_number, other=other.class_number)))

    # Minors: one per student; a second only while waitlisted for the first.
    if course.minor is not None:
        others = [(s, st) for s, st in state.minor_sections(section.academic_year_id)
                  if s.id != section.id]
        assert session is not None, "minor applications are read in the session"
        applications = minor_applications(session, student, section.academic_year_id)
        # Selection minors: an application waiting for the placement outcome is a request too.
        awaiting = [s for s, st in applications
                    if st == "waiting_for_placement" and s.id != section.id]
        others += [(s, "waiting_for_placement") for s in awaiting
                   if all(s.id != o.id for o, _ in others)]
        placed = [s for s, st in others if st == "enrolled"]
        if course.minor.minor_type == "selection" and not any(
                s.id == section.id and st == "placed" for s, st in applications):
            problems.append(Problem(
                code="selection_minor",
                message=_in(lang, "Class {number} is a selection minor: places are allocated "
                                  "by selection, not enrolled.").format(number=n),
                hint=_in(lang, "Apply on the Minors page (Student Center › Minors); you are "
                               "enrolled when you are placed, and told so in the Message "
                               "centre.")))
        if placed:
            m = placed[0]
            problems.append(Problem(
                code="one_minor",
                message=_in(lang, "You may only follow one minor: you are already registered "
                                  "for minor {minor} {title}, not enrolled.").format(
                    minor=m.class_number, title=m.course.title),
                hint=_in(lang, "A second minor can only be requested while you are on the wait "
                               "list for your first choice; drop class {minor} first to change "
                               "minors.").format(minor=m.class_number)))
        elif awaiting:
            m = awaiting[0]
            problems.append(Problem(
                code="one_minor",
                message=_in(lang, "You have already applied for minor {minor} {title} (Waiting "
                                  "for placement outcome), not enrolled.").format(
                    minor=m.class_number, title=m.course.title),
                hint=_in(lang, "A second minor can only be requested while you are on the wait "
                               "list for your first choice; cancel that application on the "
                               "Minors page first.")))
        elif len(others) >= 2:
            problems.append(Problem(
                code="one_minor",
                message=_in(lang, "You have already requested two minors, not enrolled."),
                hint=_in(lang, "Cancel one of your minor applications first.")))

    # Optional EC cap for the academic year.
    if year.max_ec is not None:
        counted, adds = ec_added(state.enrolled_sections(year.id), section)
        if adds > 0 and counted + adds > year.max_ec:
            problems.append(Problem(
                code="ec_cap",
                message=_in(lang, "Enrolling in class {number} exceeds the maximum of {max_ec} "
                                  "for {year}, not enrolled.").format(
                    number=n, max_ec=format_ec(year.max_ec, language=lang), year=year.label),
                hint=_in(lang, "You are enrolled for {enrolled}; {course} adds {ec}. Drop a "
                               "course first.").format(
                    enrolled=format_ec(counted, language=lang),
                    course=course.catalogue_number, ec=format_ec(adds, language=lang))))

    # Seats and wait list. A classroom's session student brings a seat of its own (the class
    # grows by one for it, services/enrolment.py): it never takes or waits for anyone's seat.
    outcome: Outcome = "enrolled"
    if (section.enrolled_count >= section.capacity and permission is None
            and not state.student.session_student):
        if not wait_list_ok:
            waitlist_room = section.waitlist_count < section.waitlist_capacity
            problems.append(Problem(
                code="class_full",
                message=_in(lang, "Not Enrolled, Class {number} Full.").format(number=n),
                hint=(_in(lang, "Tick \"Wait list if class is full\" to join the wait list "
                                "({waiting} waiting), ask the instructor for a permission number, "
                                "or choose another class of {course}.") if waitlist_room else
                      _in(lang, "Ask the instructor for a permission number, or choose another "
                                "class of {course}.")).format(
                    waiting=section.waitlist_count, course=course.catalogue_number)))
        elif section.waitlist_count >= section.waitlist_capacity:
            problems.append(Problem(
                code="class_and_waitlist_full",
                message=_in(lang, "Class {number} Not Enrolled, Class And Wait List Are Full."
                            ).format(number=n),
                hint=_in(lang, "Ask the instructor for a permission number, or choose another "
                               "class of {course}.").format(course=course.catalogue_number)))
        else:
            outcome = "waitlisted"

    if problems:
        return Verdict(section=section, outcome="failed", problems=problems)
    return Verdict(section=section, outcome=outcome, problems=[], permission=permission)
