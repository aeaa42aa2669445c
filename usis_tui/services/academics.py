"""My Academics: study results, the academic requirements report (also as a what-if against
another programme), the binding study advice (BSA), "Which courses do I still need to follow?"
and the plan that puts them in the Shopping cart.

Everything is computed from the data when asked: the results (models ExamResult; a result
hidden until a later moment is not shown and not counted), the enrolments and the cart, and the
programme's requirement groups (models/academics.py). How a course counts:

- a course is **done** when the student has a released passing result (grade >= 5.5, or "V");
  **in progress** when enrolled in one of its classes this year or later; **planned** when one
  of its classes is in the Shopping cart or on a wait list; otherwise **missing**;
- a part of a minor (1059 under 1058) does not count beside its minor: the minor's EC count once;
- the groups are filled in their order, listed groups first (compulsory, choice, level, final
  project), then "minor or free electives", then "free electives"; a course counts in one group
  only, and only as far as a group needs (a choice group of 24 EC takes no more than 24 EC).

    usis.academics.results("s1234567")            # StudyResults: lines per year, totals
    usis.academics.requirements("s1234567")       # RequirementsReport
    usis.academics.requirements("s1234567", programme="BSC-MATH")   # what-if, writes nothing
    usis.academics.still_needed("s1234567")       # NeededCourse lines with when taught next
    usis.academics.plan("s1234567")               # the coming semester's classes into the cart
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from ..i18n import N_, _
from ..models import (
    AcademicYear,
    CartItem,
    ClassSection,
    Course,
    Enrolment,
    ExamResult,
    Programme,
    RequirementGroup,
    Student,
)
from .audit import audited
from .base import Context, fail, get_student, period_state
from .catalogue import academic_year_code
from .rules import clashes
from .schemas import Frozen, PeriodState, component_label

CourseState = Literal["done", "in_progress", "planned", "missing"]
TEACHING = ("Lecture", "Tutorial", "Practical")
BSA_NORM = 45.0  # Leiden: at least 45 of the 60 EC of the first year
BSA_FIRST_YEAR = 60.0

#: the requirement group titles of the demo data, translated where shown (a title from an
#: imported programme is shown as it is)
GROUP_TITLES = {
    "First year (propaedeutic phase)": N_("First year (propaedeutic phase)"),
    "Compulsory courses": N_("Compulsory courses"),
    "Advanced courses (level 300)": N_("Advanced courses (level 300)"),
    "Minor or free electives": N_("Minor or free electives"),
    "Free electives": N_("Free electives"),
    "Bachelor project": N_("Bachelor project"),
    "Core courses": N_("Core courses"),
    "Specialisation electives": N_("Specialisation electives"),
    "Master thesis": N_("Master thesis"),
}


def group_title(title: str) -> str:
    """A requirement group's title in the current language (a known title) or as stored."""
    known = GROUP_TITLES.get(title)
    return _(known) if known else title


def semester_of(day: date) -> int:
    """The semester a day falls in: 1 (September to January) or 2 (February to August)."""
    return 1 if day.month >= 9 or day.month == 1 else 2


def coming_semester(now: datetime) -> tuple[str, int]:
    """The semester the plan is for: the next one to start (semester 2 while semester 1 runs,
    from February on semester 1 of the next academic year)."""
    code = academic_year_code(now)
    if semester_of(now.date()) == 1:
        return code, 2
    start = int(code[:4]) + 1
    return f"{start}-{start + 1}", 1


# ---------------------------------------------------------------------------- results
class ResultLine(Frozen):
    id: int
    academic_year: str
    semester: int
    catalogue_number: str
    title: str
    ec: float
    component: str  # "Exam" | "Resit"
    grade: float | None
    mark: str | None
    exam_date: date
    attempt: int
    passed: bool
    #: a failed result that no later result passed: the course's resit class and its state
    resit_class: str | None = None
    resit_state: PeriodState | Literal["enrolled"] | None = None
    resit_closes_at: datetime | None = None


class CourseHistoryLine(Frozen):
    catalogue_number: str
    title: str
    ec: float
    attempts: int
    best: ResultLine  # the passing result, else the latest
    passed: bool


class StudyResults(Frozen):
    academic_year: str  # the current one
    lines: list[ResultLine]  # newest year first; in a year by date
    earned_this_year: float
    earned_total: float
    history: list[CourseHistoryLine]


# ---------------------------------------------------------------------------- requirements
class RequirementLine(Frozen):
    catalogue_number: str
    title: str
    ec: float
    level: int
    state: CourseState
    grade: str | None = None  # "7.5" / "V" for a done course
    counted: bool = True  # False: listed in the group, but not counted (e.g. beyond its EC)


class GroupReport(Frozen):
    position: int
    kind: str
    title: str
    required: float
    earned: float
    in_progress: float
    planned: float
    lines: list[RequirementLine]
    min_level: int | None = None

    @property
    def needed(self) -> float:
        """EC not yet earned, in progress or planned."""
        return max(0.0, self.required - self.earned - self.in_progress - self.planned)

    @property
    def satisfied(self) -> bool:
        if self.kind in ("compulsory", "final_project"):
            return all(line.state == "done" for line in self.lines) and (
                self.earned >= self.required)
        return self.earned >= self.required


class BsaReport(Frozen):
    """The binding study advice of a first-year bachelor student: the first year's EC."""

    academic_year: str
    deadline: date
    norm: float
    first_year_ec: float
    earned: float
    in_progress: float
    counted: list[RequirementLine]  # done
    missing: list[RequirementLine]  # in progress, planned or missing

    @property
    def met(self) -> bool:
        return self.earned >= self.norm

    @property
    def reachable(self) -> bool:
        return self.earned + self.in_progress >= self.norm


class ProgrammeInfo(Frozen):
    code: str
    name: str
    degree: str
    total: float  # EC of all requirement groups


class RequirementsReport(Frozen):
    student_number: str
    programme: ProgrammeInfo
    own_programme: str  # the student's programme code
    what_if: bool
    groups: list[GroupReport]
    bsa: BsaReport | None = None

    @property
    def required(self) -> float:
        return sum(g.required for g in self.groups)

    @property
    def earned(self) -> float:
        return sum(min(g.earned, g.required) for g in self.groups)

    @property
    def in_progress(self) -> float:
        return sum(g.in_progress for g in self.groups)

    @property
    def planned(self) -> float:
        return sum(g.planned for g in self.groups)

    @property
    def needed(self) -> float:
        return sum(g.needed for g in self.groups)

    @property
    def satisfied(self) -> bool:
        return all(g.satisfied for g in self.groups)


# ---------------------------------------------------------------------------- planning
class TeachingClass(Frozen):
    class_number: str
    component: str
    section: str
    status: str  # Open / Wait List / Closed
    days_times: str


class NextTeaching(Frozen):
    academic_year: str
    semester: int
    starts_on: date
    enrolment: PeriodState
    enrol_opens_at: datetime
    classes: list[TeachingClass]


class NeededCourse(Frozen):
    catalogue_number: str
    title: str
    ec: float
    level: int
    group: str  # the group's title (as stored)
    choice: bool  # one of a choice: the group needs some of its courses, not all
    next: NextTeaching | None
    plan: bool  # the plan puts it in the cart for the coming semester


class StillNeeded(Frozen):
    coming: tuple[str, int]  # (academic year, semester) the plan is for
    courses: list[NeededCourse]
    open_ec: list[tuple[str, float]] = Field(default_factory=list)  # (group, EC) of free groups


class PlanOutcome(Frozen):
    coming: tuple[str, int]
    added: list[str]  # class numbers put in the cart
    skipped: list[tuple[str, str]]  # (catalogue number, why)


class BrightspaceCourse(Frozen):
    catalogue_number: str
    title: str
    url: str | None


# ---------------------------------------------------------------------------- the work
@dataclass
class _Course:
    id: int
    catalogue_number: str
    title: str
    ec: float
    level: int
    is_minor: bool


@dataclass
class _Standing:
    """What one student has of each course."""

    state: dict[int, CourseState]
    grade: dict[int, str]
    courses: dict[int, _Course]
    parts: dict[int, int]  # minor part course -> its minor's course


def _course(c: Course) -> _Course:
    return _Course(c.id, c.catalogue_number, c.title, c.ec, c.level, c.minor is not None)


def _grade_text(r: ExamResult) -> str:
    from ..i18n import format_grade

    return r.mark or "" if r.grade is None else format_grade(r.grade)


def _standing(session: Session, student: Student, now: datetime,
              extra: Iterable[int] = ()) -> _Standing:
    current = academic_year_code(now)
    state: dict[int, CourseState] = {}
    grade: dict[int, str] = {}
    courses: dict[int, _Course] = {}
    results = session.scalars(select(ExamResult).where(ExamResult.student_id == student.id)
                              .options(joinedload(ExamResult.course).joinedload(Course.minor))
                              .order_by(ExamResult.exam_date, ExamResult.id)).all()
    for r in results:
        if not r.visible(now):
            continue
        courses[r.course_id] = _course(r.course)
        if r.passed:
            state[r.course_id] = "done"
            grade[r.course_id] = _grade_text(r)
    enrolments = session.execute(
        select(Enrolment.status, ClassSection, AcademicYear.code)
        .join(ClassSection, ClassSection.id == Enrolment.section_id)
        .join(AcademicYear, AcademicYear.id == ClassSection.academic_year_id)
        .where(Enrolment.student_id == student.id,
               Enrolment.status.in_(("enrolled", "waitlisted")))
        .options(joinedload(ClassSection.course).joinedload(Course.minor),
                 joinedload(ClassSection.parent).joinedload(ClassSection.course)
                 .joinedload(Course.minor))).all()
    carted = session.scalars(
        select(ClassSection).join(CartItem, CartItem.section_id == ClassSection.id)
        .where(CartItem.student_id == student.id)
        .options(joinedload(ClassSection.course).joinedload(Course.minor),
                 joinedload(ClassSection.parent).joinedload(ClassSection.course)
                 .joinedload(Course.minor))).all()
    parts: dict[int, int] = {}
    for status, section, code in enrolments:
        if code < current:
            continue
        _note_part(section, parts)
        courses[section.course_id] = _course(section.course)
        if state.get(section.course_id) == "done":
            continue
        if status == "enrolled":
            state[section.course_id] = "in_progress"
        else:
            state.setdefault(section.course_id, "planned")
    for section in carted:
        _note_part(section, parts)
        courses[section.course_id] = _course(section.course)
        state.setdefault(section.course_id, "planned")
    wanted = [cid for cid in extra if cid not in courses]
    if wanted:
        for c in session.scalars(select(Course).where(Course.id.in_(wanted))
                                 .options(joinedload(Course.minor))):
            courses[c.id] = _course(c)
    # A minor's part does not count beside its minor.
    for part, minor in parts.items():
        if state.get(minor, "missing") != "missing":
            state.pop(part, None)
    return _Standing(state, grade, courses, parts)


def _note_part(section: ClassSection, parts: dict[int, int]) -> None:
    parent = section.parent
    if parent is not None and parent.course.minor is not None:
        parts[section.course_id] = parent.course_id


def _line(c: _Course, standing: _Standing, *, counted: bool = True) -> RequirementLine:
    return RequirementLine(catalogue_number=c.catalogue_number, title=c.title, ec=c.ec,
                           level=c.level, state=standing.state.get(c.id, "missing"),
                           grade=standing.grade.get(c.id), counted=counted)


_ORDER = {"compulsory": 0, "final_project": 0, "choice": 1, "level": 1,
          "minor_or_electives": 2, "electives": 3}
_RANK: dict[CourseState, int] = {"done": 0, "in_progress": 1, "planned": 2, "missing": 3}


def _report(groups: list[RequirementGroup], standing: _Standing) -> list[GroupReport]:
    used: set[int] = set()
    reports: dict[int, GroupReport] = {}
    for group in sorted(groups, key=lambda g: (_ORDER[g.kind], g.position)):
        sums: dict[CourseState, float] = {"done": 0.0, "in_progress": 0.0, "planned": 0.0,
                                          "missing": 0.0}
        lines: list[RequirementLine] = []
        listed = [standing.courses[rc.course_id] for rc in group.courses
                  if rc.course_id in standing.courses]
        if group.kind in ("compulsory", "final_project"):
            for c in listed:
                line = _line(c, standing)
                lines.append(line)
                sums[line.state] += c.ec
                used.add(c.id)
        elif group.kind in ("choice", "level"):
            eligible = [c for c in listed
                        if group.min_level is None or c.level >= group.min_level]
            covered = 0.0
            for c in sorted(eligible, key=lambda c: _RANK[standing.state.get(c.id, "missing")]):
                state = standing.state.get(c.id, "missing")
                take = state != "missing" and c.id not in used and covered < group.min_ec
                if take:
                    covered += c.ec
                    sums[state] += c.ec
                    used.add(c.id)
                lines.append(_line(c, standing, counted=take or state == "missing"))
            lines.sort(key=lambda ln: [c.catalogue_number for c in eligible].index(
                ln.catalogue_number))
        else:
            pool = [standing.courses[cid] for cid, state in standing.state.items()
                    if cid not in used and cid in standing.courses]
            pool.sort(key=lambda c: (_RANK[standing.state[c.id]], c.catalogue_number))
            if group.kind == "minor_or_electives":
                minors = [c for c in pool if c.is_minor]
                if minors:
                    pool = minors[:1]
            covered = 0.0
            for c in pool:
                if covered >= group.min_ec:
                    break
                covered += c.ec
                sums[standing.state[c.id]] += c.ec
                used.add(c.id)
                lines.append(_line(c, standing))
        reports[group.id] = GroupReport(
            position=group.position, kind=group.kind, title=group.title,
            required=group.min_ec, earned=sums["done"], in_progress=sums["in_progress"],
            planned=sums["planned"], lines=lines, min_level=group.min_level)
    return [reports[g.id] for g in sorted(groups, key=lambda g: g.position)]


def _groups(session: Session, programme_id: int) -> list[RequirementGroup]:
    return list(session.scalars(
        select(RequirementGroup).where(RequirementGroup.programme_id == programme_id)
        .options(selectinload(RequirementGroup.courses)).order_by(RequirementGroup.position)))


def _programme_info(programme: Programme, groups: list[RequirementGroup]) -> ProgrammeInfo:
    return ProgrammeInfo(code=programme.code, name=programme.name, degree=programme.degree,
                         total=sum(g.min_ec for g in groups))


def _year_bounds(code: str) -> tuple[date, date]:
    start = int(code[:4])
    return date(start, 9, 1), date(start + 1, 8, 31)


class AcademicsService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # ------------------------------------------------------------------ results
    def results(self, student_number: str) -> StudyResults:
        """Every released result, per academic year and semester, with EC totals, the course
        history and the resit a failed exam opens."""
        now = self.ctx.now()
        current = academic_year_code(now)
        with self.ctx.db.read() as session:
            student = get_student(session, student_number)
            rows = [r for r in session.scalars(
                select(ExamResult).where(ExamResult.student_id == student.id)
                .options(joinedload(ExamResult.course))
                .order_by(ExamResult.exam_date, ExamResult.id)) if r.visible(now)]
            passed_courses = {r.course_id for r in rows if r.passed}
            failed_courses = {r.course_id for r in rows} - passed_courses
            resits = self._resits(session, student, failed_courses, current, now)
            lines: list[ResultLine] = []
            last_of_course: dict[int, int] = {r.course_id: r.id for r in rows}
            for r in rows:
                resit = resits.get(r.course_id) if (
                    not r.passed and r.course_id in failed_courses
                    and last_of_course[r.course_id] == r.id) else None
                lines.append(ResultLine(
                    id=r.id, academic_year=academic_year_code(
                        datetime.combine(r.exam_date, datetime.min.time())),
                    semester=semester_of(r.exam_date), catalogue_number=r.course.catalogue_number,
                    title=r.course.title, ec=r.course.ec, component=r.component, grade=r.grade,
                    mark=r.mark, exam_date=r.exam_date, attempt=r.attempt, passed=r.passed,
                    resit_class=resit[0] if resit else None,
                    resit_state=resit[1] if resit else None,
                    resit_closes_at=resit[2] if resit else None))
            ec: dict[int, float] = {r.course_id: r.course.ec for r in rows}
            course_of = [r.course_id for r in rows]
        first_pass: dict[int, ResultLine] = {}
        history: dict[str, list[ResultLine]] = {}
        ids: dict[str, int] = {}
        for line, course_id in zip(lines, course_of, strict=True):
            history.setdefault(line.catalogue_number, []).append(line)
            ids[line.catalogue_number] = course_id
            if line.passed:
                first_pass.setdefault(course_id, line)
        lines.sort(key=lambda ln: (ln.academic_year, ln.exam_date, ln.id), reverse=True)
        courses = []
        for number, attempts in sorted(history.items()):
            passing = [a for a in attempts if a.passed]
            best = passing[0] if passing else attempts[-1]
            courses.append(CourseHistoryLine(
                catalogue_number=number, title=best.title, ec=ec[ids[number]],
                attempts=len(attempts), best=best, passed=bool(passing)))
        return StudyResults(
            academic_year=current, lines=lines,
            earned_this_year=sum(ln.ec for ln in first_pass.values()
                                 if ln.academic_year == current),
            earned_total=sum(ln.ec for ln in first_pass.values()), history=courses)

    def _resits(self, session: Session, student: Student, course_ids: set[int], current: str,
                now: datetime) -> dict[int, tuple[str, PeriodState | Literal["enrolled"],
                                                  datetime]]:
        """The resit class (this academic year) of each failed course, and whether it can be
        enrolled now ("open"), later, no longer, or is enrolled already."""
        if not course_ids:
            return {}
        sections = session.scalars(
            select(ClassSection).join(AcademicYear)
            .where(ClassSection.course_id.in_(course_ids), ClassSection.component == "Resit",
                   AcademicYear.code == current).order_by(ClassSection.class_number)).all()
        enrolled = set(session.scalars(select(Enrolment.section_id).where(
            Enrolment.student_id == student.id, Enrolment.status == "enrolled",
            Enrolment.section_id.in_([s.id for s in sections]))))
        out: dict[int, tuple[str, PeriodState | Literal["enrolled"], datetime]] = {}
        for s in sections:
            state: PeriodState | Literal["enrolled"] = (
                "enrolled" if s.id in enrolled else period_state(s, now))
            out.setdefault(s.course_id, (s.class_number, state, s.enrol_closes_at))
        return out

    # ------------------------------------------------------------------ requirements
    def programmes(self) -> list[ProgrammeInfo]:
        """Every programme with requirements (the what-if report's choices)."""
        with self.ctx.db.read() as session:
            out = []
            for p in session.scalars(select(Programme).order_by(Programme.name)):
                groups = _groups(session, p.id)
                if groups:
                    out.append(_programme_info(p, groups))
            return out

    def requirements(self, student_number: str, programme: str | None = None
                     ) -> RequirementsReport:
        """The Academic Requirements report of the student's programme, or what-if: against
        ``programme`` (a code such as "BSC-MATH"), without changing anything."""
        now = self.ctx.now()
        with self.ctx.db.read() as session:
            student = get_student(session, student_number)
            own = student.programme
            target = own
            if programme is not None and programme.strip().upper() != own.code:
                found = session.scalar(select(Programme).where(
                    Programme.code == programme.strip().upper()))
                if found is None:
                    raise fail("unknown_programme",
                               _("There is no programme {code}.").format(
                                   code=programme.strip()[:20]),
                               _("Choose one of the programmes in the list."))
                target = found
            groups = _groups(session, target.id)
            if not groups:
                raise fail("no_requirements",
                           _("No academic requirements are published for {programme}.")
                           .format(programme=target.name),
                           _("Ask your study adviser which courses your programme needs."))
            listed = [rc.course_id for g in groups for rc in g.courses]
            standing = _standing(session, student, now, listed)
            reports = _report(groups, standing)
            bsa = None
            if target.id == own.id:
                bsa = self._bsa(session, student, groups, standing, now)
            return RequirementsReport(
                student_number=student.student_number, programme=_programme_info(target, groups),
                own_programme=own.code, what_if=target.id != own.id, groups=reports, bsa=bsa)

    def _bsa(self, session: Session, student: Student, groups: list[RequirementGroup],
             standing: _Standing, now: datetime) -> BsaReport | None:
        """The BSA of a first-year bachelor student: the first-year courses passed in the
        first academic year, against the norm."""
        if student.degree != "bachelor" or student.cohort != academic_year_code(now):
            return None
        first = next((g for g in groups if g.kind == "compulsory" and g.position == 1), None)
        if first is None:
            return None
        start, end = _year_bounds(student.cohort)
        in_year = {r.course_id for r in session.scalars(select(ExamResult).where(
            ExamResult.student_id == student.id, ExamResult.exam_date >= start,
            ExamResult.exam_date <= end)) if r.visible(now) and r.passed}
        counted, missing = [], []
        earned = in_progress = 0.0
        for rc in first.courses:
            c = standing.courses[rc.course_id]
            line = _line(c, standing)
            if line.state == "done" and c.id in in_year:
                counted.append(line)
                earned += c.ec
            else:
                missing.append(line)
                if line.state == "in_progress":
                    in_progress += c.ec
        return BsaReport(academic_year=student.cohort, deadline=end, norm=BSA_NORM,
                         first_year_ec=first.min_ec, earned=earned, in_progress=in_progress,
                         counted=counted, missing=missing)

    # ------------------------------------------------------------------ still needed
    def still_needed(self, student_number: str) -> StillNeeded:
        """"Which courses do I still need to follow?": the courses the programme still needs,
        each with when it is taught next, and which of them the plan would put in the cart."""
        now = self.ctx.now()
        with self.ctx.db.read() as session:
            return self._still_needed(session, get_student(session, student_number), now)

    def _still_needed(self, session: Session, student: Student, now: datetime) -> StillNeeded:
        groups = _groups(session, student.programme_id)
        listed = [rc.course_id for g in groups for rc in g.courses]
        standing = _standing(session, student, now, listed)
        reports = _report(groups, standing)
        by_number = {c.catalogue_number: c for c in standing.courses.values()}
        wanted: list[tuple[_Course, GroupReport]] = []
        open_ec: list[tuple[str, float]] = []
        for group in reports:
            if group.kind in ("compulsory", "final_project", "choice", "level"):
                if group.kind in ("choice", "level") and group.needed <= 0:
                    continue
                wanted += [(by_number[ln.catalogue_number], group) for ln in group.lines
                           if ln.state == "missing"]
            elif group.needed > 0:
                open_ec.append((group.title, group.needed))
        teaching = self._next_teaching(session, [c.id for c, _g in wanted], now)
        coming = coming_semester(now)
        out: list[NeededCourse] = []
        others_covered = all(g.needed <= 0 and all(ln.state != "missing" for ln in g.lines)
                             for g in reports if g.kind == "compulsory")
        choice_left = {g.position: g.needed for g in reports}
        for c, group in wanted:
            nxt = teaching.get(c.id)
            plan = nxt is not None and (nxt.academic_year, nxt.semester) == coming
            if group.kind == "final_project" and not others_covered:
                plan = False
            if plan and group.kind in ("choice", "level"):
                plan = choice_left[group.position] > 0
                if plan:
                    choice_left[group.position] -= c.ec
            out.append(NeededCourse(catalogue_number=c.catalogue_number, title=c.title, ec=c.ec,
                                    level=c.level, group=group.title,
                                    choice=group.kind in ("choice", "level"), next=nxt,
                                    plan=plan))
        return StillNeeded(coming=coming, courses=out, open_ec=open_ec)

    def _next_teaching(self, session: Session, course_ids: list[int],
                       now: datetime) -> dict[int, NextTeaching]:
        """When each course is taught next: the first year and semester whose classes have
        not started yet (and whose enrolment has not closed)."""
        if not course_ids:
            return {}
        sections = session.scalars(
            select(ClassSection).join(AcademicYear)
            .where(ClassSection.course_id.in_(course_ids), ClassSection.component.in_(TEACHING),
                   AcademicYear.code >= academic_year_code(now))
            .options(selectinload(ClassSection.meetings), joinedload(ClassSection.academic_year))
            .order_by(ClassSection.class_number)).all()
        found: dict[int, dict[tuple[str, int], list[ClassSection]]] = {}
        starts: dict[tuple[int, str, int], date] = {}
        for s in sections:
            first = min((m.start_date for m in s.meetings), default=None)
            start = first or s.academic_year.starts_on
            if start <= now.date() or now > s.enrol_closes_at:
                continue
            key = (s.academic_year.code, semester_of(start))
            found.setdefault(s.course_id, {}).setdefault(key, []).append(s)
            starts[(s.course_id, *key)] = min(starts.get((s.course_id, *key), start), start)
        out: dict[int, NextTeaching] = {}
        for cid, options in found.items():
            key = min(options)
            chosen = options[key]
            out[cid] = NextTeaching(
                academic_year=key[0], semester=key[1], starts_on=starts[(cid, *key)],
                enrolment=period_state(chosen[0], now),
                enrol_opens_at=min(s.enrol_opens_at for s in chosen),
                classes=[TeachingClass(class_number=s.class_number, component=s.component,
                                       section=s.section, status=s.status,
                                       days_times=", ".join(m.days_times for m in s.meetings))
                         for s in chosen])
        return out

    def plan(self, student_number: str, *, actor: str | None = None) -> PlanOutcome:
        """Put the classes of the courses still needed that are taught in the coming semester in
        the Shopping cart: each course's lecture with one tutorial (and practical) that does not
        clash with the student's classes, open seats first. Classes already in the cart or on
        the schedule are left as they are. One transaction."""
        with audited(self.ctx, "plan", student_number, actor=actor,
                     detail="courses still needed into the Shopping cart") as step:
            session = step.session
            now = self.ctx.now()
            student = get_student(session, student_number, lock=True)
            needed = self._still_needed(session, student, now)
            numbers = [n.catalogue_number for n in needed.courses if n.plan]
            if not numbers:
                raise fail("nothing_to_plan",
                           _("There is nothing to plan: no course you still need is taught in "
                             "the coming semester."),
                           _("\"Which courses do I still need to follow?\" shows when each "
                             "course is taught next."))
            added: list[str] = []
            skipped: list[tuple[str, str]] = []
            taken = {sid for (sid,) in session.execute(
                select(Enrolment.section_id).where(Enrolment.student_id == student.id,
                                                   Enrolment.status.in_(("enrolled",
                                                                         "waitlisted"))))}
            carted = {sid for (sid,) in session.execute(
                select(CartItem.section_id).where(CartItem.student_id == student.id))}
            mine = list(session.scalars(select(ClassSection).where(
                ClassSection.id.in_(taken | carted)).options(
                selectinload(ClassSection.meetings))))
            for need in needed.courses:
                if not need.plan or need.next is None:
                    continue
                chosen, why = self._choose(session, need, mine)
                if why:
                    skipped.append((need.catalogue_number, why))
                    continue
                for section in chosen:
                    if section.id in taken or section.id in carted:
                        continue
                    session.add(CartItem(student_id=student.id, section_id=section.id,
                                         wait_list_ok=section.status != "Open",
                                         permission_number=None, added_at=now))
                    carted.add(section.id)
                    added.append(section.class_number)
                    step.record(f"class {section.class_number}: planned in the Shopping cart")
                mine += chosen
            try:
                session.flush()
            except IntegrityError:  # another terminal put one of them in the cart just now
                raise fail("cart_changed",
                           _("Your Shopping cart changed meanwhile; nothing was planned."),
                           _("Press p again to plan what is still missing.")) from None
            if not added:
                step.record("nothing added")
            return PlanOutcome(coming=needed.coming, added=added, skipped=skipped)

    def _choose(self, session: Session, need: NeededCourse,
                mine: list[ClassSection]) -> tuple[list[ClassSection], str]:
        assert need.next is not None
        numbers = [c.class_number for c in need.next.classes]
        sections = list(session.scalars(
            select(ClassSection).join(AcademicYear)
            .where(AcademicYear.code == need.next.academic_year,
                   ClassSection.class_number.in_(numbers))
            .options(selectinload(ClassSection.meetings))
            .order_by(ClassSection.class_number)))
        chosen: list[ClassSection] = []
        for component in TEACHING:
            options = [s for s in sections if s.component == component]
            if not options:
                continue
            free = [s for s in options if not clashes(s, mine + chosen)]
            if not free:
                other = clashes(options[0], mine + chosen)[0][0]
                return [], _("its {component} clashes with class {number}").format(
                    component=component_label(component).lower(), number=other.class_number)
            if component == "Lecture" and len(options) > 1 and options[0].parent_id is None:
                chosen += [s for s in free if s.parent_id is None][:1] or free[:1]
            else:
                free.sort(key=lambda s: s.status != "Open")
                chosen.append(free[0])
        if not chosen:
            return [], _("no classes to enrol in")
        return chosen, ""

    # ------------------------------------------------------------------ Brightspace
    def brightspace(self, student_number: str) -> list[BrightspaceCourse]:
        """"My courses in Brightspace": every course the student's enrolments (this year and
        later) give access to, with its link."""
        now = self.ctx.now()
        with self.ctx.db.read() as session:
            student = get_student(session, student_number)
            rows = session.execute(
                select(Course).join(ClassSection, ClassSection.course_id == Course.id)
                .join(Enrolment, Enrolment.section_id == ClassSection.id)
                .join(AcademicYear, AcademicYear.id == ClassSection.academic_year_id)
                .where(Enrolment.student_id == student.id, Enrolment.status == "enrolled",
                       AcademicYear.code >= academic_year_code(now))
                .distinct().order_by(Course.catalogue_number)).scalars().all()
            return [BrightspaceCourse(catalogue_number=c.catalogue_number, title=c.title,
                                      url=c.brightspace_url) for c in rows]


__all__ = [
    "AcademicsService", "BrightspaceCourse", "BsaReport", "CourseHistoryLine", "GroupReport",
    "NeededCourse", "NextTeaching", "PlanOutcome", "ProgrammeInfo", "RequirementLine",
    "RequirementsReport", "ResultLine", "StillNeeded", "StudyResults", "group_title",
    "semester_of",
]
