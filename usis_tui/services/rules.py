"""The enrolment rules. One function, ``evaluate``, says for one class whether a student would be
enrolled, waitlisted or refused, with every blocking reason in uSis wording.

It reads a ``StudentState`` loaded once per transaction, so a cart of many classes is judged
against the same snapshot plus the classes already accepted earlier in the same batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from ..models import (
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
from .schemas import Outcome, Problem

PASS_GRADE = 5.5


@dataclass
class Verdict:
    section: ClassSection
    outcome: Outcome
    problems: list[Problem]
    permission: PermissionNumber | None = None

    @property
    def ok(self) -> bool:
        return self.outcome != "failed"


@dataclass
class StudentState:
    """What the rules need to know about one student, loaded once per transaction."""

    student: Student
    active: dict[int, Enrolment]  # section_id -> enrolled/waitlisted enrolment
    results: dict[int, list[float]]  # course_id -> grades
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
        results: dict[int, list[float]] = {}
        for r in session.scalars(select(ExamResult).where(ExamResult.student_id == student.id)):
            results.setdefault(r.course_id, []).append(r.grade)
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
    are not cancelled. Only read when a minor is judged."""
    from ..models import Minor, MinorApplication

    return [(sec, st) for sec, st in session.execute(
        select(ClassSection, MinorApplication.status)
        .join(Minor, Minor.course_id == ClassSection.course_id)
        .join(MinorApplication, MinorApplication.minor_id == Minor.id)
        .where(MinorApplication.student_id == student.id,
               MinorApplication.academic_year_id == year_id,
               MinorApplication.status != "cancelled",
               ClassSection.academic_year_id == year_id,
               ClassSection.parent_id.is_(None)))]


def evaluate(session: Session | None, state: StudentState, section: ClassSection,
             year: AcademicYear, now: datetime, *, wait_list_ok: bool = False,
             permission_number: str | None = None) -> Verdict:
    """Judge one class for one student. Collects every blocking reason, not only the first.

    ``session`` is only queried for a permission number and for a minor: the hot path
    (enrol_fast.py) handles neither and passes None."""
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
            code="already_enrolled", message="Already Enrolled in Class, Add Not Processed.",
            hint=f"Class {n} is already on your schedule: see My Class Schedule."))
    elif current is not None and current.status == "waitlisted":
        problems.append(Problem(
            code="already_waitlisted",
            message=f"Already on the Wait List for Class {n}, Add Not Processed.",
            hint=f"Your wait list position is {current.waitlist_position}; you are told when a "
                 "seat frees up."))

    # Enrolment period.
    state_now = period_state(section, now)
    if state_now == "not_yet_open":
        problems.append(Problem(
            code="not_yet_open",
            message="You cannot enroll at this time. Your enrollment appointment is in the future "
                    "or open enrollment has not yet begun.",
            hint=f"Enrolment for class {n} opens on {fmt_dt(section.enrol_opens_at)}. Keep it in "
                 "your Shopping cart and enrol then."))
    elif state_now == "closed":
        problems.append(Problem(
            code="period_closed",
            message=f"You cannot enroll at this time. Enrolment for class {n} closed on "
                    f"{fmt_dt(section.enrol_closes_at)}.",
            hint="Contact your education administration office (usis-fwn@science.leidenuniv.nl) "
                 "with your student number and the class number."))

    # Holds.
    for hold in state.active_holds(now):
        problems.append(Problem(
            code="hold", message=f"You have a hold on your record that prevents enrolment: "
                                 f"{hold.kind}.",
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
                message=f"Permission number {permission_number.strip()} is not valid for "
                        f"class {n}.",
                hint="A permission number belongs to one class (and sometimes one student) and "
                     "can be used once; check it with the instructor."))
            permission = None

    # Requisites: resits, required courses, parts of a minor.
    if permission is None:
        grades = state.results.get(course.id, [])
        if section.component == "Resit":
            if not grades:
                problems.append(Problem(
                    code="requisites", message="Requisites not met for Class, not enrolled.",
                    hint=f"Class {n} is the resit of {course.catalogue_number}: enrol only after "
                         "taking the first exam and not passing it (grade below 5.5). Do not "
                         "enrol for retakes automatically."))
            elif max(grades) >= PASS_GRADE:
                problems.append(Problem(
                    code="requisites", message="Requisites not met for Class, not enrolled.",
                    hint=f"You passed {course.catalogue_number} with a {max(grades):.1f}; a resit "
                         "is only for students who did not pass."))
        if section.requires_course is not None:
            req = section.requires_course
            if max(state.results.get(req.id, [0.0])) < PASS_GRADE:
                problems.append(Problem(
                    code="requisites", message="Requisites not met for Class, not enrolled.",
                    hint=f"Class {n} requires that you passed {req.catalogue_number} {req.title}. "
                         "With an exemption, ask the instructor for a permission number."))
        parent = section.parent
        if parent is not None and parent.course.minor is not None:
            in_parent = any(s.id == parent.id
                            for s in state.enrolled_sections(section.academic_year_id))
            if not in_parent:
                problems.append(Problem(
                    code="requisites", message="Requisites not met for Class, not enrolled.",
                    hint=f"Class {n} is part of minor {parent.class_number} "
                         f"{parent.course.title}: enrol in class {parent.class_number} first "
                         "(it may be in the same enrolment)."))

    # Time conflicts with classes the student sits in (only meetings that really overlap).
    for other, mine, theirs in clashes(section, state.enrolled_sections(section.academic_year_id)):
        shared = sorted(set(mine.dates()) & set(theirs.dates()))
        problems.append(Problem(
            code="time_conflict",
            message=f"Time Scheduling Conflict for class {n} and {other.class_number}, "
                    "not enrolled.",
            hint=f"Both meet {mine.days_times} (first on {shared[0]:%d %b %Y}); choose another "
                 f"class of {course.catalogue_number} or drop class {other.class_number}."))

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
                message=f"Class {n} is a selection minor: places are allocated by selection, "
                        "not enrolled.",
                hint="Apply on the Minors page (Student Center › Minors); you are enrolled "
                     "when you are placed, and told so in the Message centre."))
        if placed:
            m = placed[0]
            problems.append(Problem(
                code="one_minor",
                message=f"You may only follow one minor: you are already registered for minor "
                        f"{m.class_number} {m.course.title}, not enrolled.",
                hint="A second minor can only be requested while you are on the wait list for "
                     f"your first choice; drop class {m.class_number} first to change minors."))
        elif awaiting:
            m = awaiting[0]
            problems.append(Problem(
                code="one_minor",
                message=f"You have already applied for minor {m.class_number} "
                        f"{m.course.title} (Waiting for placement outcome), not enrolled.",
                hint="A second minor can only be requested while you are on the wait list for "
                     "your first choice; cancel that application on the Minors page first."))
        elif len(others) >= 2:
            problems.append(Problem(
                code="one_minor",
                message="You have already requested two minors, not enrolled.",
                hint="Cancel one of your minor applications first."))

    # Optional EC cap for the academic year.
    if year.max_ec is not None:
        courses = {s.course_id: s.course.ec for s in state.enrolled_sections(year.id)}
        if course.id not in courses and sum(courses.values()) + course.ec > year.max_ec:
            problems.append(Problem(
                code="ec_cap",
                message=f"Enrolling in class {n} exceeds the maximum of {year.max_ec:g} EC for "
                        f"{year.label}, not enrolled.",
                hint=f"You are enrolled for {sum(courses.values()):g} EC; "
                     f"{course.catalogue_number} adds {course.ec:g} EC. Drop a course first."))

    # Seats and wait list.
    outcome: Outcome = "enrolled"
    if section.enrolled_count >= section.capacity and permission is None:
        other_sections = f"another class of {course.catalogue_number}"
        if not wait_list_ok:
            waitlist_room = section.waitlist_count < section.waitlist_capacity
            problems.append(Problem(
                code="class_full", message=f"Not Enrolled, Class {n} Full.",
                hint=(f"Tick \"Wait list if class is full\" to join the wait list "
                      f"({section.waitlist_count} waiting), " if waitlist_room else "")
                + f"ask the instructor for a permission number, or choose {other_sections}."))
        elif section.waitlist_count >= section.waitlist_capacity:
            problems.append(Problem(
                code="class_and_waitlist_full",
                message=f"Class {n} Not Enrolled, Class And Wait List Are Full.",
                hint=f"Ask the instructor for a permission number, or choose {other_sections}."))
        else:
            outcome = "waitlisted"

    if problems:
        return Verdict(section=section, outcome="failed", problems=problems)
    return Verdict(section=section, outcome=outcome, problems=[], permission=permission)
