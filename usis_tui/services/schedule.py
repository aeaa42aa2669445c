"""The schedule assistant: every conflict-free timetable for the courses a student picks, ranked
by their preferences, with the reason in words when there is none; one call puts the chosen one
in the Shopping cart, all or nothing.

Which classes may be used is decided by the enrolment rules themselves (rules.evaluate: the
enrolment period, holds, requisites, minors), not by a copy of them; clashes are real-date clashes
as in rules.meetings_clash (Meeting.dates()). The search is schedule_solver.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from ..i18n import N_, _, format_time, weekday_name
from ..models import AcademicYear, CartItem, ClassSection, Course, Enrolment
from .academics import coming_semester, semester_of
from .audit import audited
from .base import Context, class_info, fail, get_student, get_year, section_options
from .rules import StudentState, evaluate
from .schedule_solver import COMPONENT_ORDER, CourseSpec, Prefs, Sec, Slot, smallest_conflict
from .schedule_solver import search as run_search
from .schemas import ClassInfo, Frozen, component_label
from .timetable import TimetableClass, WeekView, assign_colours, build_week

COMPONENTS = COMPONENT_ORDER  # the exam counts: one of each
MAX_COURSES = 10
#: refusals of the enrolment rules that do not keep a class out of a plan: clashes are the
#: search's own business, the EC cap depends on the whole plan, and a class whose enrolment
#: opens later can be planned now (enrolled when it opens, as the Shopping cart says)
PLANNABLE = {"time_conflict", "ec_cap", "not_yet_open"}
DAY_CODES = {"mo": 0, "tu": 1, "we": 2, "th": 3, "fr": 4, "sa": 5, "su": 6,
             "ma": 0, "di": 1, "wo": 2, "do": 3, "vr": 4, "za": 5, "zo": 6}


# ---------------------------------------------------------------------------- schemas
class SchedulePrefs(Frozen):
    """What the student prefers: the results are ranked by it."""

    days_off: tuple[int, ...] = ()  # weekdays, Monday 0
    no_before: time | None = None
    no_after: time | None = None
    compact: bool = False  # fewest gaps
    fewest_days: bool = False  # fewest days on campus
    prefer_open: bool = True  # open seats over wait lists
    seats: Literal["waitlist", "open"] = "waitlist"  # "open": only classes with a free seat

    def describe(self, *, short: bool = False) -> str:
        """The preferences in words, in the current language ("" for none): for a sentence
        ("days off Fri, no classes before 11:00, ...": `usis schedule`) or, ``short``, for the
        assistant's summary line ("Fri off, from 11:00, ...")."""
        def pick(long: str, brief: str) -> str:
            return _(brief) if short else _(long)

        days = ", ".join(weekday_name(d) for d in self.days_off)
        parts = []
        if self.days_off:
            parts.append(pick(N_("days off {days}"), N_("{days} off")).format(days=days))
        if self.no_before is not None:
            parts.append(pick(N_("no classes before {time}"), N_("from {time}")).format(
                time=format_time(self.no_before)))
        if self.no_after is not None:
            parts.append(pick(N_("no classes after {time}"), N_("until {time}")).format(
                time=format_time(self.no_after)))
        if self.compact:
            parts.append(_("compact days"))
        if self.fewest_days:
            parts.append(pick(N_("fewest days on campus"), N_("fewest days")))
        if self.seats == "open":
            parts.append(pick(N_("only classes with a free seat"), N_("free seats only")))
        elif self.prefer_open:
            parts.append(pick(N_("open seats over wait lists"), N_("open seats first")))
        return ", ".join(parts)


class SchedulePick(Frozen):
    cls: ClassInfo
    waitlist: bool = False  # a wait-list place (the class is full)
    locked: bool = False  # kept by the student (space)
    enrolled: bool = False  # already on the student's schedule


class ScheduleResult(Frozen):
    rank: int
    score: int
    picks: list[SchedulePick]
    days: list[int]  # weekdays on campus
    gaps_minutes: int
    waitlisted: int
    off_days_used: list[int]
    early_late: int
    preview: WeekView  # a week of it (the busiest), with the student's classes

    @property
    def class_numbers(self) -> list[str]:
        return [p.cls.class_number for p in self.picks if not p.enrolled]


class ScheduleCourse(Frozen):
    catalogue_number: str
    title: str
    ec: float
    classes: int  # classes the assistant may use
    left_out: list[str] = []  # classes it may not use, each with the rules' reason


class ScheduleOutcome(Frozen):
    student_number: str
    academic_year: str
    semester: int
    courses: list[ScheduleCourse]
    prefs: SchedulePrefs
    locked: list[str]
    results: list[ScheduleResult]
    checked: int  # complete combinations scored
    conflict: list[str] = []  # the smallest set of courses that cannot be combined
    explanation: list[str] = []  # why there is no result, in words a student can act on


class ScheduleSources(Frozen):
    """Where the courses to schedule can come from, for the coming semester."""

    academic_year: str
    semester: int
    still_needed: list[str]  # "Which courses do I still need to follow?", taught then
    cart: list[str]  # courses in the Shopping cart
    enrolled: list[str]  # courses the student is already enrolled in then


class ScheduleCartOutcome(Frozen):
    added: list[str]
    replaced: list[str]  # cart classes of the same courses that the result replaced
    kept: list[str]  # already on the schedule or in the cart


# ---------------------------------------------------------------------------- helpers
def parse_prefs(text: str) -> SchedulePrefs:
    """``days-off=Fr+Mo,no-before=11:00,no-after=17:00,compact,fewest-days,open-only,
    any-seat`` (the command line's --prefer); Dutch day names work too."""
    values: dict[str, object] = {}
    for raw in (text or "").split(","):
        item = raw.strip().lower()
        if not item:
            continue
        key, _sep, value = item.partition("=")
        if key == "days-off":
            days = []
            for name in re.split(r"[+/ ]", value):
                if not name:
                    continue
                if name[:2] not in DAY_CODES:
                    raise fail("bad_preference", _("Days off: {day} is not a day (Mo, Tu, We, "
                                                   "Th, Fr).").format(day=name))
                days.append(DAY_CODES[name[:2]])
            values["days_off"] = tuple(sorted(set(days)))
        elif key in ("no-before", "no-after"):
            values[key.replace("-", "_")] = parse_time(value, key)
        elif key in ("compact", "fewest-days") and not value:
            values[key.replace("-", "_")] = True
        elif key == "open-only" and not value:
            values["seats"] = "open"
        elif key == "any-seat" and not value:
            values["prefer_open"] = False
        else:
            raise fail("bad_preference",
                       _("Unknown preference {item}.").format(item=repr(raw.strip())),
                       _("Use days-off=Fr, no-before=11:00, no-after=17:00, compact, "
                         "fewest-days, open-only or any-seat."))
    return SchedulePrefs.model_validate(values)


def parse_time(value: str, what: str) -> time:
    match = re.fullmatch(r"(\d{1,2})(?::?(\d{2}))?", value.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2) or 0) > 59:
        raise fail("bad_preference", _("{what}: a time such as 11:00.").format(what=what))
    return time(int(match.group(1)), int(match.group(2) or 0))


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def _semester_sections(session: Session, year: AcademicYear, semester: int,
                       course_ids: Sequence[int]) -> list[ClassSection]:
    sections = session.scalars(
        select(ClassSection)
        .where(ClassSection.academic_year_id == year.id, ClassSection.course_id.in_(course_ids),
               ClassSection.component.in_(COMPONENTS))
        .options(*section_options(), selectinload(ClassSection.children))
        .order_by(ClassSection.class_number)).all()
    return [s for s in sections if _semester(s) == semester]


def _semester(section: ClassSection) -> int | None:
    """The semester a class belongs to: that of its first meeting (an exam in January: 1)."""
    first = min((m.start_date for m in section.meetings), default=None)
    return None if first is None else semester_of(first)


def _sec(section: ClassSection, *, fixed: bool = False, in_period: bool = True) -> Sec:
    occurrences: dict[date, list[tuple[int, int]]] = {}
    slots = []
    for m in section.meetings:
        span = (_minutes(m.start_time), _minutes(m.end_time))
        for day in m.dates():
            occurrences.setdefault(day, []).append(span)
        if in_period and section.component != "Exam":
            slots.append(Slot(m.weekday, *span))
    return Sec(key=section.class_number, course=section.course.catalogue_number,
               component=section.component,
               parent=section.parent.class_number if section.parent is not None and
               section.parent.course_id == section.course_id else None,
               occurrences=occurrences, slots=tuple(slots),
               waitlist=section.status != "Open", fixed=fixed)


def _meeting_text(sec: Sec, other: Sec | None = None) -> str:
    """"Wed 15:45": the (first clashing) meeting of a class."""
    days = sorted(sec.occurrences)
    if other is not None:
        for day in days:
            for s1, e1 in sec.occurrences[day]:
                for s2, e2 in other.occurrences.get(day, ()):
                    if s1 < e2 and s2 < e1:
                        return f"{weekday_name(day.weekday())} {_hm(s1)}"
    if not days:
        return ""
    return f"{weekday_name(days[0].weekday())} {_hm(sec.occurrences[days[0]][0][0])}"


def _hm(minutes: int) -> str:
    return format_time(time(minutes // 60, minutes % 60))


# ---------------------------------------------------------------------------- the service
class ScheduleService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def sources(self, student_number: str) -> ScheduleSources:
        """The coming semester, and the courses the student may want to schedule for it."""
        from .academics import AcademicsService

        now = self.ctx.now()
        code, semester = coming_semester(now)
        needed = AcademicsService(self.ctx).still_needed(student_number)
        with self.ctx.db.read() as session:
            student = get_student(session, student_number)
            year = session.scalar(select(AcademicYear).where(AcademicYear.code == code))
            cart = session.scalars(
                select(ClassSection).join(CartItem, CartItem.section_id == ClassSection.id)
                .where(CartItem.student_id == student.id)
                .options(*section_options())).all()
            enrolled = session.scalars(
                select(ClassSection).join(Enrolment, Enrolment.section_id == ClassSection.id)
                .where(Enrolment.student_id == student.id, Enrolment.status == "enrolled")
                .options(*section_options())).all()

            def courses(sections: Sequence[ClassSection]) -> list[str]:
                return sorted({s.course.catalogue_number for s in sections
                               if year is not None and s.academic_year_id == year.id
                               and s.component in COMPONENTS and _semester(s) == semester})

            return ScheduleSources(
                academic_year=code, semester=semester,
                still_needed=[n.catalogue_number for n in needed.courses
                              if n.next is not None
                              and (n.next.academic_year, n.next.semester) == (code, semester)],
                cart=courses(cart), enrolled=courses(enrolled))

    def solve(self, student_number: str, courses: Sequence[str], *,
              academic_year: str | None = None, semester: int | None = None,
              prefs: SchedulePrefs | None = None, locked: Sequence[str] = (),
              limit: int = 20) -> ScheduleOutcome:
        """The best ``limit`` conflict-free combinations of the courses' classes in one
        semester (default: the coming one), or why there is none."""
        prefs = prefs or SchedulePrefs()
        now = self.ctx.now()
        if academic_year is None or semester is None:
            academic_year, semester = coming_semester(now)
        if semester not in (1, 2):
            raise fail("bad_semester", _("Semester: 1 or 2."))
        numbers = list(dict.fromkeys((c or "").strip().upper() for c in courses if c.strip()))
        if not numbers:
            raise fail("no_courses", _("Choose at least one course."),
                       _("Add a catalogue number, or take the courses you still need or those "
                         "in your Shopping cart."))
        if len(numbers) > MAX_COURSES:
            raise fail("too_many_courses", _("Choose at most {n} courses.").format(
                n=MAX_COURSES))
        wanted_locks = list(dict.fromkeys((n or "").strip() for n in locked if n.strip()))
        with self.ctx.db.read() as session:
            student = get_student(session, student_number)
            year = get_year(session, academic_year)
            found = {c.catalogue_number: c for c in session.scalars(
                select(Course).where(Course.catalogue_number.in_(numbers)))}
            unknown = [n for n in numbers if n not in found]
            if unknown:
                raise fail("unknown_course", _("There is no course {number}.").format(
                    number=", ".join(unknown)),
                    _("Check the catalogue number, e.g. 4031DATABY."))
            state = StudentState.load(session, student)
            sections = _semester_sections(session, year, semester,
                                          [found[n].id for n in numbers])
            specs: dict[str, CourseSpec] = {n: CourseSpec(n, {}) for n in numbers}
            info: dict[str, ClassSection] = {}
            left_out: dict[str, list[str]] = {n: [] for n in numbers}
            usable: dict[str, int] = {n: 0 for n in numbers}
            left_by: dict[tuple[str, str], list[str]] = {}
            for section in sections:
                number = section.course.catalogue_number
                if section.parent is not None and section.parent.course_id != section.course_id:
                    continue  # a minor's part: planned with its minor, not on its own
                # every component the course has needs a class, also when none can be used
                specs[number].components.setdefault(section.component, [])
                enrolment = state.active.get(section.id)
                if enrolment is not None:
                    sec = _sec(section, fixed=True)
                    sec.waitlist = enrolment.status == "waitlisted"
                else:
                    why = self._why_not(session, state, section, year, now, prefs)
                    if why:
                        left_out[number].append(f"{section.class_number}: {why}")
                        left_by.setdefault((number, section.component), []).append(
                            f"{section.class_number}: {why}")
                        continue
                    sec = _sec(section)
                usable[number] += 1
                info[section.class_number] = section
                specs[number].components.setdefault(section.component, []).append(sec)
            # the student's other classes that year: nothing may clash with them
            fixed = [_sec(e.section, fixed=True, in_period=_semester(e.section) == semester)
                     for e in state.active.values()
                     if e.status == "enrolled" and e.section.academic_year_id == year.id
                     and e.section.course.catalogue_number not in specs]
            kept: dict[tuple[str, str], str] = {}
            for number in wanted_locks:
                if number not in info:
                    raise fail("bad_lock", _("Class {number} is not one of the classes these "
                                             "courses can use.").format(number=number))
                what = (info[number].course.catalogue_number, info[number].component)
                if what in kept:  # a schedule has one class of each component of a course
                    raise fail("bad_lock", _(
                        "Classes {first} and {second} are both a {component} of {course}: a "
                        "schedule has one of each. Lock one of them.").format(
                            first=kept[what], second=number, course=what[0],
                            component=component_label(what[1]).lower()))
                kept[what] = number
            prefs_core = Prefs(days_off=frozenset(prefs.days_off),
                               no_before=_minutes(prefs.no_before) if prefs.no_before else None,
                               no_after=_minutes(prefs.no_after) if prefs.no_after else None,
                               compact=prefs.compact, fewest_days=prefs.fewest_days,
                               prefer_open=prefs.prefer_open)
            ordered = [specs[n] for n in numbers]
            searched = run_search(ordered, fixed, prefs_core, wanted_locks, limit)
            course_rows = [ScheduleCourse(catalogue_number=n, title=found[n].title,
                                          ec=found[n].ec, classes=usable[n],
                                          left_out=left_out[n]) for n in numbers]
            results = []
            others = [e for e in state.active.values() if e.status in ("enrolled", "waitlisted")
                      and e.section.academic_year_id == year.id
                      and e.section.course.catalogue_number not in specs]
            for rank, f in enumerate(searched.results, start=1):
                picks = [SchedulePick(cls=class_info(info[s.key], now), waitlist=s.waitlist,
                                      locked=s.key in wanted_locks, enrolled=s.fixed)
                         for s in f.picks]
                results.append(ScheduleResult(
                    rank=rank, score=f.score, picks=picks, days=list(f.days),
                    gaps_minutes=f.gaps, waitlisted=f.waitlisted,
                    off_days_used=list(f.off_days_used), early_late=f.early_late,
                    preview=self._preview(student.student_number, picks, others, now)))
            conflict: list[str] = []
            explanation: list[str] = []
            if not results:
                conflict, explanation = self._explain(ordered, fixed, wanted_locks, course_rows,
                                                      left_by, academic_year, semester)
            return ScheduleOutcome(student_number=student.student_number,
                                   academic_year=academic_year, semester=semester,
                                   courses=course_rows, prefs=prefs, locked=wanted_locks,
                                   results=results, checked=searched.checked,
                                   conflict=conflict, explanation=explanation)

    def _why_not(self, session: Session, state: StudentState, section: ClassSection,
                 year: AcademicYear, now: datetime, prefs: SchedulePrefs) -> str:
        """Why the rules keep a class out of a plan ("" when they do not)."""
        verdict = evaluate(session, state, section, year, now, wait_list_ok=True)
        blocking = [p for p in verdict.problems if p.code not in PLANNABLE]
        if blocking:
            return blocking[0].message
        if prefs.seats == "open" and section.status != "Open":
            return _("no free seat (only classes with a free seat are used)")
        return ""

    def _preview(self, student_number: str, picks: list[SchedulePick], others: list[Enrolment],
                 now: datetime) -> WeekView:
        """The busiest week of the plan, with the student's own classes of that year."""
        classes = [TimetableClass(kind="enrolled" if p.enrolled else "planned", cls=p.cls)
                   for p in picks]
        classes += [TimetableClass(kind="enrolled" if e.status == "enrolled" else "waitlisted",
                                   cls=class_info(e.section, now),
                                   waitlist_position=e.waitlist_position) for e in others]
        classes = assign_colours(classes)
        counts: dict[date, int] = {}
        for p in picks:
            if p.cls.component == "Exam":
                continue
            for m in p.cls.meetings:
                for day in _dates(m.start_date, m.end_date, m.weekday):
                    monday = day - timedelta(days=day.weekday())
                    counts[monday] = counts.get(monday, 0) + 1
        week = max(sorted(counts), key=lambda d: counts[d]) if counts else now.date()
        return build_week(student_number, classes, week, now.date())

    def _explain(self, courses: list[CourseSpec], fixed: list[Sec], locked: list[str],
                 rows: list[ScheduleCourse], left: dict[tuple[str, str], list[str]],
                 academic_year: str, semester: int) -> tuple[list[str], list[str]]:
        period = _("semester {semester} of {year}").format(semester=semester, year=academic_year)
        out: list[str] = []
        for spec, row in zip(courses, rows, strict=True):
            if not spec.components:
                out.append(_("{course} is not taught in {period}.").format(
                    course=spec.number, period=period))
                return [spec.number], out + [_("Remove it, or look at another period.")]
            for component, secs in spec.components.items():
                if secs:
                    continue
                mine = left.get((spec.number, component)) or row.left_out
                out.append(_("{course}: no {component} can be used: {reason}").format(
                    course=spec.number, component=component_label(component).lower(),
                    reason=_sentence(mine[0] if mine else _("none is open to you"))))
                return [spec.number], out + [_("Remove it, or look at another period.")]
        conflict = smallest_conflict(courses, fixed, locked)
        if conflict is None:
            return [], []
        for a, b in conflict.pairs:
            out.append(_("{a} clashes with {b}.").format(a=_group_text(a, b),
                                                          b=_group_text(b, a)))
        if not conflict.pairs:
            examples = "; ".join(_("{a} with {b}").format(
                a=_sec_text(x, y), b=_sec_text(y, x)) for x, y in conflict.examples[:3])
            out.append(_("Every combination of {courses} has a clash, for example {examples}."
                         ).format(courses=", ".join(conflict.courses), examples=examples))
        if len(conflict.courses) == 1:
            advice = _("Drop the clashing class from your schedule, or look at next period's "
                       "classes.")
        else:
            advice = _("Drop one of them or look at next period's classes.")
        if locked:
            advice += " " + _("Or unlock the classes you locked ({classes}).").format(
                classes=", ".join(locked))
        return conflict.courses, out + [advice]

    def to_cart(self, student_number: str, academic_year: str, class_numbers: Sequence[str], *,
                actor: str | None = None) -> ScheduleCartOutcome:
        """Put a result in the Shopping cart, all or nothing: its classes that are not already
        on the schedule or in the cart are added (a wait list is asked for when the class is
        full); classes of the same courses already in the cart are replaced."""
        numbers = list(dict.fromkeys((n or "").strip() for n in class_numbers if n.strip()))
        with audited(self.ctx, "schedule_to_cart", student_number, actor=actor,
                     detail=f"classes {', '.join(numbers)} ({academic_year})") as step:
            session = step.session
            if not numbers:
                raise fail("no_classes", _("There is no schedule to put in the Shopping cart."),
                           _("Find schedules first."))
            now = self.ctx.now()
            student = get_student(session, student_number, lock=True)
            year = get_year(session, academic_year)
            sections = {s.class_number: s for s in session.scalars(
                select(ClassSection).where(ClassSection.academic_year_id == year.id,
                                           ClassSection.class_number.in_(numbers))
                .options(*section_options()))}
            missing = [n for n in numbers if n not in sections]
            if missing:
                raise fail("unknown_class", _("Class {number} no longer exists.").format(
                    number=", ".join(missing)), _("Find schedules again."))
            state = StudentState.load(session, student)
            refused = []
            for n in numbers:
                verdict = evaluate(session, state, sections[n], year, now, wait_list_ok=True)
                blocking = [p for p in verdict.problems
                            if p.code not in PLANNABLE and p.code != "already_enrolled"]
                if blocking:
                    refused.append(f"{n}: {blocking[0].message}")
            if refused:
                raise fail("schedule_refused",
                           _("Nothing was put in your Shopping cart: {why}").format(
                               why="; ".join(refused)),
                           _("Find schedules again: the classes have changed."))
            courses = {s.course_id for s in sections.values()}
            in_cart = {item.section_id: item for item in session.scalars(
                select(CartItem).where(CartItem.student_id == student.id)
                .options(selectinload(CartItem.section)))}
            wanted_ids = {s.id for s in sections.values()}
            replaced = sorted(item.section.class_number for sid, item in in_cart.items()
                              if item.section.course_id in courses and sid not in wanted_ids
                              and item.section.academic_year_id == year.id)
            if replaced:
                session.execute(delete(CartItem).where(
                    CartItem.student_id == student.id,
                    CartItem.section_id.in_([sid for sid, item in in_cart.items()
                                             if item.section.class_number in replaced])))
            added, kept = [], []
            for n in numbers:
                section = sections[n]
                if section.id in state.active or section.id in in_cart:
                    kept.append(n)
                    continue
                session.add(CartItem(student_id=student.id, section_id=section.id,
                                     wait_list_ok=section.status != "Open",
                                     permission_number=None, added_at=now))
                added.append(n)
            session.flush()
            step.detail += f": added {', '.join(added) or 'none'}" + (
                f", replaced {', '.join(replaced)}" if replaced else "")
            return ScheduleCartOutcome(added=added, replaced=replaced, kept=kept)


def _sentence(text: str) -> str:
    """``text`` ending in one full stop."""
    return text.rstrip(". ") + "."


def _dates(first: date, last: date, weekday: int) -> list[date]:
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    out = []
    while day <= last:
        out.append(day)
        day += timedelta(days=7)
    return out


def _group_text(group: list[Sec], other: list[Sec]) -> str:
    """"4031DATABY lecture Wed 15:45" (one class), "every tutorial of 4031CARCY" (several),
    "your class 2037 (4031OSYSY lecture Thu 13:45)" (one of the student's own)."""
    first = group[0]
    comp = component_label(first.component).lower()
    if len(group) == 1:
        text = f"{first.course} {comp} {_meeting_text(first, other[0] if other else None)}"
        if first.fixed:
            return _("your class {number} ({what})").format(number=first.key, what=text)
        return text
    return _("every {component} of {course}").format(component=comp, course=first.course)


def _sec_text(sec: Sec, other: Sec) -> str:
    comp = component_label(sec.component).lower()
    return f"{sec.course} {comp} {sec.key} {_meeting_text(sec, other)}"


N_("Schedule assistant")

__all__ = ["ScheduleCartOutcome", "ScheduleCourse", "ScheduleOutcome", "SchedulePick",
           "SchedulePrefs", "ScheduleResult", "ScheduleService", "ScheduleSources",
           "parse_prefs"]
