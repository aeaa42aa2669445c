"""MyTimetable: a student's week view, list view, exam schedule and iCalendar export.

UI-free. Meetings are placed on their real dates only (``Meeting.dates()``: the weekday between
the start and end date, restricted to the ISO weeks in ``weeks`` when given), so a fortnightly
practical shows up only in its own weeks and a holiday week is empty.

Three kinds of classes are shown: ``enrolled`` and ``waitlisted`` (from the enrolments) and
``planned`` (in the Shopping cart). Two occurrences on the same date whose times overlap are a
conflict; each occurrence lists the class numbers it clashes with.

The pure functions (``build_week``, ``occurrences_of``, ``mark_conflicts``, ``calendar_ics``)
work on a loaded list of ``TimetableClass`` so a screen can load once and move between weeks
without a database round trip.

    usis.timetable.week("s1234567")                   # this week (the app clock)
    usis.timetable.week("s1234567", date(2026, 12, 21))
    usis.timetable.exams("s1234567")
    usis.timetable.ics("s1234567")                      # bytes of an RFC 5545 calendar
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Literal, cast

from sqlalchemy import select

from ..clock import in_range, out_of_range
from ..i18n import N_, _, format_date, format_datetime, ngettext
from ..models import CartItem, ClassSection, Enrolment, Meeting
from .base import Context, class_info, fail, get_student, get_year, section_options, shown
from .catalogue import academic_year_code
from .exam_rules import EXAM_COMPONENTS, EXAM_DEADLINE_DAYS, confirm_deadlines
from .rules import grades_by_course, results_stmt
from .schemas import ClassInfo, Frozen, MeetingInfo, component_label

Kind = Literal["enrolled", "waitlisted", "planned"]
KINDS: tuple[Kind, ...] = ("enrolled", "waitlisted", "planned")
# (English; shown as _(KIND_LABELS[kind]))
KIND_LABELS: dict[str, str] = {"enrolled": N_("Enrolled"), "waitlisted": N_("Wait list"),
                               "planned": N_("Planned (Shopping cart)")}
TZID = "Europe/Amsterdam"
UID_DOMAIN = "usis.leidenuniv.nl"
PRODID = "-//Universiteit Leiden//uSis timetable//EN"
_KIND_ORDER = {k: i for i, k in enumerate(KINDS)}


# ---------------------------------------------------------------------------- results
def provisional_label(confirm_by: datetime) -> str:
    """"Provisional: confirm by 8 Jan 2027 23:59"."""
    return _("Provisional: confirm by {date}").format(date=format_datetime(confirm_by))


class TimetableClass(Frozen):
    """One class on the student's timetable, with how the student holds it."""

    kind: Kind
    cls: ClassInfo
    waitlist_position: int | None = None
    colour: int = 0  # the course's colour index, stable for this student's timetable
    confirm_by: datetime | None = None  # a provisional exam enrolment: confirm it by then


class Occurrence(Frozen):
    """One meeting of a class on one real date."""

    key: str  # stable: "<academic year>-<class number>-<YYYYMMDD>[-n]"
    kind: Kind
    day: date
    start: time
    end: time
    room: str | None
    academic_year: str
    class_number: str
    catalogue_number: str
    title: str
    component: str
    section: str
    instructor: str | None
    brightspace_url: str | None
    waitlist_position: int | None = None
    colour: int = 0
    meeting: MeetingInfo
    conflicts: tuple[str, ...] = ()  # class numbers of overlapping occurrences that date
    confirm_by: datetime | None = None  # a provisional exam enrolment: confirm it by then

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.day, self.start)

    @property
    def ends_at(self) -> datetime:
        return datetime.combine(self.day, self.end)

    @property
    def times(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def kind_label(self) -> str:
        if self.kind == "waitlisted":
            return (_("Wait list #{position}").format(position=self.waitlist_position)
                    if self.waitlist_position else _("Wait list"))
        if self.confirm_by is not None:
            return _("Provisional")
        return _("Planned") if self.kind == "planned" else _("Enrolled")

    @property
    def status_label(self) -> str:
        """``kind_label``, with the date to confirm a provisional exam enrolment by."""
        if self.confirm_by is not None:
            return provisional_label(self.confirm_by)
        return self.kind_label

    @property
    def uid(self) -> str:
        return f"{self.key}@{UID_DOMAIN}"

    def overlaps(self, other: Occurrence) -> bool:
        return (self.day == other.day and self.start < other.end and other.start < self.end)


class WeekView(Frozen):
    """An ISO week of a student's timetable."""

    student_number: str
    monday: date
    today: date
    occurrences: list[Occurrence]
    previous_class: date | None = None  # the last date with a class before this week
    next_class: date | None = None  # the first date with a class after this week

    @property
    def iso_year(self) -> int:
        return self.monday.isocalendar().year

    @property
    def week(self) -> int:
        return self.monday.isocalendar().week

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=i) for i in range(7)]

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def contains_today(self) -> bool:
        return self.monday <= self.today <= self.sunday

    def on(self, day: date) -> list[Occurrence]:
        return [o for o in self.occurrences if o.day == day]

    def dates_label(self, weekend: bool = True) -> str:
        """"23 – 29 Nov 2026" (or to Friday without the weekend)."""
        return date_range(self.monday, self.sunday if weekend else self.monday + timedelta(days=4))

    def title(self, weekend: bool = True) -> str:
        return _("Week {week} · {dates}").format(week=self.week,
                                                 dates=self.dates_label(weekend))

    @property
    def conflicts(self) -> list[Occurrence]:
        return [o for o in self.occurrences if o.conflicts]


class ExamLine(Frozen):
    """One exam or resit in the exam schedule."""

    kind: Kind | Literal["not_enrolled"]
    component: str
    academic_year: str
    class_number: str
    catalogue_number: str
    title: str
    day: date
    start: time
    end: time
    room: str | None
    deadline: date  # the last day to enrol: EXAM_DEADLINE_DAYS before the exam
    today: date
    waitlist_position: int | None = None
    confirm_by: datetime | None = None  # a provisional enrolment: confirm it by then

    @property
    def provisional(self) -> bool:
        return self.confirm_by is not None

    @property
    def deadline_passed(self) -> bool:
        return self.today > self.deadline

    @property
    def days_left(self) -> int:
        """Days until the enrolment deadline (negative once passed)."""
        return (self.deadline - self.today).days

    @property
    def status_label(self) -> str:
        if self.kind == "not_enrolled":
            return _("Not enrolled")
        if self.kind == "waitlisted":
            return (_("Wait list #{position}").format(position=self.waitlist_position)
                    if self.waitlist_position else _("Wait list"))
        if self.provisional:
            return _("Provisional")
        return _("Planned") if self.kind == "planned" else _("Enrolled")

    @property
    def deadline_label(self) -> str:
        when = format_date(self.deadline, weekday=True)
        if self.kind == "enrolled" and not self.provisional:
            return when
        if self.deadline_passed:
            return _("{date} (passed)").format(date=when)
        if self.days_left == 0:
            return _("{date} (today)").format(date=when)
        return ngettext("{date} ({n} day left)", "{date} ({n} days left)", self.days_left
                        ).format(date=when, n=self.days_left)


class IcsExport(Frozen):
    """An iCalendar file to hand over: services never write files (the app delivers it through
    Textual, the CLI writes it where its user said, never replacing a file by accident)."""

    filename: str
    data: bytes
    events: int
    kinds: tuple[str, ...]


# ---------------------------------------------------------------------------- pure helpers
def date_range(first: date, last: date) -> str:
    """"23 – 27 Nov 2026", "30 Nov – 4 Dec 2026", "28 Dec 2026 – 3 Jan 2027"."""
    if first.year != last.year:
        return f"{format_date(first)} – {format_date(last)}"
    if first.month != last.month:
        return f"{format_date(first, year=False)} – {format_date(last)}"
    return f"{first.day} – {format_date(last)}"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def meeting_dates(meeting: MeetingInfo) -> list[date]:
    """Every real date of a meeting pattern (the model's own rule, ``Meeting.dates``)."""
    return list(_pattern_dates(meeting.weekday, meeting.start_date, meeting.end_date,
                               meeting.weeks))


@lru_cache(maxsize=4096)
def _pattern_dates(weekday: int, start_date: date, end_date: date,
                   weeks: str | None) -> tuple[date, ...]:
    """(A pattern's dates depend on nothing else: built once, not once per week shown.)"""
    return tuple(Meeting(weekday=weekday, start_date=start_date, end_date=end_date,
                         weeks=weeks).dates())


def parse_week(value: str | None, today: date) -> date:
    """The Monday of a week given as "48", "W48", "2026-W48", "2026-48" or a date "2026-11-25".

    A bare week number is taken in the academic year of ``today`` (weeks 35–53 in its first
    calendar year, the others in the second), so "3" in November means January.
    """
    if value is None or not value.strip():
        return monday_of(today)
    text = value.strip().upper()
    monday = None
    try:
        if m := re.fullmatch(r"(\d{4})-?W(\d{1,2})", text) or re.fullmatch(r"(\d{4})-(\d{1,2})",
                                                                               text):
            monday = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
        elif m := re.fullmatch(r"W?(\d{1,2})", text):
            week = int(m.group(1))
            start_year = today.year if today.month >= 9 else today.year - 1
            year = start_year if week >= 35 else start_year + 1
            monday = date.fromisocalendar(year, week, 1)
        else:
            monday = monday_of(date.fromisoformat(text))
    except (ValueError, OverflowError):
        pass
    if monday is None:
        raise fail("bad_week", _("Not a week: {value}.").format(value=repr(shown(value))),
                   _("Give a week number (48), an ISO week (2026-W48) or a date (2026-11-25)."))
    if not in_range(monday):
        raise fail("bad_week", out_of_range(value.strip()),
                   _("Give a week number (48), an ISO week (2026-W48) or a date (2026-11-25)."))
    return monday


def assign_colours(classes: Iterable[TimetableClass]) -> list[TimetableClass]:
    """Give every course (catalogue number) its own colour index, in catalogue order."""
    classes = list(classes)
    courses = sorted({c.cls.catalogue_number for c in classes})
    index = {cat: i for i, cat in enumerate(courses)}
    return [c.model_copy(update={"colour": index[c.cls.catalogue_number]}) for c in classes]


def occurrences_of(classes: Iterable[TimetableClass], *, first: date | None = None,
                   last: date | None = None, kinds: Iterable[str] = KINDS) -> list[Occurrence]:
    """Every meeting of the classes on its real dates within [first, last], conflicts marked.

    Sorted by date, start time, end time, class number.
    """
    wanted = set(kinds)
    out: list[Occurrence] = []
    for tc in classes:
        if tc.kind not in wanted:
            continue
        c = tc.cls
        for meeting in c.meetings:
            for day in meeting_dates(meeting):
                if (first is not None and day < first) or (last is not None and day > last):
                    continue
                out.append(Occurrence(
                    key="", kind=tc.kind, day=day, start=meeting.start, end=meeting.end,
                    room=meeting.room, academic_year=c.academic_year,
                    class_number=c.class_number, catalogue_number=c.catalogue_number,
                    title=c.title, component=c.component, section=c.section,
                    instructor=c.instructor, brightspace_url=c.brightspace_url,
                    waitlist_position=tc.waitlist_position, colour=tc.colour, meeting=meeting,
                    confirm_by=tc.confirm_by))
    out.sort(key=lambda o: (o.day, o.start, o.end, o.class_number, _KIND_ORDER[o.kind]))
    return mark_conflicts(_with_keys(out))


def _with_keys(occurrences: list[Occurrence]) -> list[Occurrence]:
    """Stable keys: academic year, class number and date; "-2" for a second meeting that day."""
    seen: dict[tuple[str, str, date], int] = {}
    out = []
    for o in occurrences:  # already sorted by date and start time
        n = seen[(o.academic_year, o.class_number, o.day)] = seen.get(
            (o.academic_year, o.class_number, o.day), 0) + 1
        key = f"{o.academic_year}-{o.class_number}-{o.day:%Y%m%d}" + (f"-{n}" if n > 1 else "")
        out.append(o.model_copy(update={"key": key}))
    return out


def mark_conflicts(occurrences: Sequence[Occurrence]) -> list[Occurrence]:
    """Mark every occurrence that overlaps another one on the same date (any kind)."""
    by_day: dict[date, list[int]] = {}
    for i, o in enumerate(occurrences):
        by_day.setdefault(o.day, []).append(i)
    clashes: dict[int, list[str]] = {}
    for indices in by_day.values():
        for a_pos, a in enumerate(indices):
            for b in indices[a_pos + 1:]:
                oa, ob = occurrences[a], occurrences[b]
                if oa.overlaps(ob):
                    clashes.setdefault(a, []).append(ob.class_number)
                    clashes.setdefault(b, []).append(oa.class_number)
    return [o.model_copy(update={"conflicts": tuple(dict.fromkeys(clashes[i]))})
            if i in clashes else o for i, o in enumerate(occurrences)]


def build_week(student_number: str, classes: Sequence[TimetableClass], day: date, today: date,
               kinds: Iterable[str] = KINDS) -> WeekView:
    """The ISO week containing ``day``, from already loaded classes."""
    kinds = tuple(kinds)
    monday = monday_of(day)
    sunday = monday + timedelta(days=6)
    # Only the week's meetings become Occurrences (conflicts and keys are per day, so the same
    # as among all of them); the dates around it only name the previous and the next class.
    week = occurrences_of(classes, first=monday, last=sunday, kinds=kinds)
    wanted = set(kinds)
    previous_class: date | None = None
    next_class: date | None = None
    for tc in classes:
        if tc.kind not in wanted:
            continue
        for meeting in tc.cls.meetings:
            for day in meeting_dates(meeting):
                if day < monday and (previous_class is None or day > previous_class):
                    previous_class = day
                elif day > sunday and (next_class is None or day < next_class):
                    next_class = day
    return WeekView(student_number=student_number, monday=monday, today=today, occurrences=week,
                    previous_class=previous_class, next_class=next_class)


def exam_lines(classes: Sequence[TimetableClass], today: date, *,
               available: Iterable[ClassInfo] = ()) -> list[ExamLine]:
    """The exam schedule: exams and resits on the timetable, then those the student has not
    enrolled in yet (``available``), each with its enrolment deadline. Sorted by date."""
    lines: list[ExamLine] = []

    def add(kind: Kind | Literal["not_enrolled"], c: ClassInfo,
            position: int | None = None, confirm_by: datetime | None = None) -> None:
        for meeting in c.meetings:
            for day in meeting_dates(meeting):
                lines.append(ExamLine(
                    kind=kind, component=c.component, academic_year=c.academic_year,
                    class_number=c.class_number, catalogue_number=c.catalogue_number,
                    title=c.title, day=day, start=meeting.start, end=meeting.end,
                    room=meeting.room, deadline=day - timedelta(days=EXAM_DEADLINE_DAYS),
                    today=today, waitlist_position=position, confirm_by=confirm_by))

    mine = set()
    for tc in classes:
        if tc.cls.component in EXAM_COMPONENTS:
            mine.add((tc.cls.academic_year, tc.cls.class_number))
            add(tc.kind, tc.cls, tc.waitlist_position, tc.confirm_by)
    for c in available:
        if (c.academic_year, c.class_number) not in mine:
            add("not_enrolled", c)
    lines.sort(key=lambda e: (e.day, e.start, e.catalogue_number, e.class_number))
    return lines


# ---------------------------------------------------------------------------- iCalendar
def calendar_ics(student_number: str, occurrences: Sequence[Occurrence], stamp: datetime, *,
                 name: str | None = None) -> bytes:
    """An RFC 5545 calendar: one VEVENT per occurrence, Europe/Amsterdam VTIMEZONE.

    Deterministic: events sorted, DTSTAMP fixed to ``stamp`` (the app clock, Amsterdam time),
    stable UIDs (academic year + class number + date) so a re-import updates, never duplicates.
    """
    from zoneinfo import ZoneInfo

    from icalendar import Calendar, Event, Timezone

    tz = ZoneInfo(TZID)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name or _("uSis timetable {student}").format(student=student_number))
    cal.add("x-wr-timezone", TZID)
    events = sorted(occurrences, key=lambda o: (o.starts_at, o.ends_at, o.key))
    years = [o.day.year for o in events] or [stamp.year]
    cal.add_component(Timezone.from_tzid(TZID, first_date=date(min(years) - 1, 12, 1),
                                         last_date=date(max(years) + 1, 1, 31)))
    dtstamp = stamp.replace(tzinfo=tz).astimezone(timezone.utc) if stamp.tzinfo is None else (
        stamp.astimezone(timezone.utc))
    for o in events:
        ev = Event()
        ev.add("uid", o.uid)
        ev.add("dtstamp", dtstamp)
        ev.add("dtstart", datetime.combine(o.day, o.start, tzinfo=tz))
        ev.add("dtend", datetime.combine(o.day, o.end, tzinfo=tz))
        component = component_label(o.component)
        summary = f"{o.catalogue_number} {o.title} ({component})"
        if o.kind != "enrolled" or o.confirm_by is not None:
            summary += f" [{o.kind_label}]"
        ev.add("summary", summary)
        if o.room:
            ev.add("location", o.room)
        lines = [_("Class {number} · {component} · section {section} · {year}").format(
                     number=o.class_number, component=component, section=o.section,
                     year=o.academic_year),
                 _("Status: {status}").format(status=o.status_label)]
        if o.instructor:
            lines.append(_("Instructor: {name}").format(name=o.instructor))
        if o.brightspace_url:
            lines.append(f"Brightspace: {o.brightspace_url}")
        ev.add("description", "\n".join(lines))
        if o.brightspace_url:
            ev.add("url", o.brightspace_url)
        ev.add("categories", [o.component])
        ev.add("status", "CONFIRMED" if o.kind == "enrolled" and o.confirm_by is None
               else "TENTATIVE")
        ev.add("transp", "OPAQUE")
        cal.add_component(ev)
    return cal.to_ical()


# ---------------------------------------------------------------------------- service
class TimetableService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def today(self) -> date:
        return self.ctx.now().date()

    def classes(self, student_number: str,
                academic_year: str | None = None) -> list[TimetableClass]:
        """Every class on the student's timetable: enrolled, waitlisted and planned (cart).

        A class both enrolled and still in the cart counts once, as enrolled.
        """
        now = self.ctx.now()
        with self.ctx.db.read() as session:
            student = get_student(session, student_number)
            year_id = get_year(session, academic_year).id if academic_year else None
            enrolments = session.scalars(select(Enrolment).where(
                Enrolment.student_id == student.id,
                Enrolment.status.in_(("enrolled", "waitlisted")))).all()
            cart = session.scalars(select(CartItem).where(CartItem.student_id == student.id)).all()
            ids = {e.section_id for e in enrolments} | {c.section_id for c in cart}
            stmt = select(ClassSection).where(ClassSection.id.in_(ids)).options(*section_options())
            if year_id is not None:
                stmt = stmt.where(ClassSection.academic_year_id == year_id)
            sections = {s.id: s for s in session.scalars(stmt).unique()}
            held: dict[int, TimetableClass] = {}
            confirm_by = confirm_deadlines(session, [(e, sections[e.section_id])
                                                     for e in enrolments
                                                     if e.section_id in sections], now.date())
            for e in enrolments:  # (enrolled or waitlisted, as selected above)
                if e.section_id in sections:
                    held[e.section_id] = TimetableClass(
                        kind=cast(Kind, e.status), cls=class_info(sections[e.section_id], now),
                        waitlist_position=e.waitlist_position, confirm_by=confirm_by.get(e.id))
            for item in cart:
                if item.section_id in sections and item.section_id not in held:
                    held[item.section_id] = TimetableClass(
                        kind="planned", cls=class_info(sections[item.section_id], now))
        ordered = sorted(held.values(), key=lambda t: (t.cls.academic_year, t.cls.class_number))
        return assign_colours(ordered)

    def week(self, student_number: str, day: date | None = None, *,
             kinds: Iterable[str] = KINDS) -> WeekView:
        """The ISO week containing ``day`` (default: today by the app clock)."""
        today = self.today()
        return build_week(student_number, self.classes(student_number), day or today, today,
                          kinds)

    def agenda(self, student_number: str, *, kinds: Iterable[str] = KINDS,
               academic_year: str | None = None, first: date | None = None,
               last: date | None = None) -> list[Occurrence]:
        """The list view: every occurrence in date order (conflicts marked)."""
        return occurrences_of(self.classes(student_number, academic_year), first=first,
                              last=last, kinds=kinds)

    def exams(self, student_number: str, academic_year: str | None = None) -> list[ExamLine]:
        """Exams and resits with date, time, room and enrolment deadline (exam − 10 days).

        Besides the exams on the timetable it lists the exams of courses the student follows
        but has not enrolled in for the exam yet, and the resit of a course whose exam the
        student did not pass (resits are never offered automatically otherwise).
        """
        classes = self.classes(student_number, academic_year)
        now = self.ctx.now()
        followed = {(t.cls.academic_year, t.cls.catalogue_number) for t in classes
                    if t.cls.component not in EXAM_COMPONENTS}
        with self.ctx.db.read() as session:
            student = get_student(session, student_number)
            grades = grades_by_course(session.execute(results_stmt(), {"st": student.id}))
            failed = {cid for cid, gs in grades.items()
                      if (seen := [g for g in gs if g.visible(now)])
                      and not any(g.passed for g in seen)}
            stmt = (select(ClassSection).where(ClassSection.component.in_(EXAM_COMPONENTS))
                    .options(*section_options()))
            if academic_year:
                year_id = get_year(session, academic_year).id
                stmt = stmt.where(ClassSection.academic_year_id == year_id)
            # Resits only in the years the student is studying in (the timetable's, this one).
            years = {t.cls.academic_year for t in classes} | {academic_year_code(now)}
            candidates = []
            for s in session.scalars(stmt.order_by(ClassSection.class_number)).unique():
                follows = (s.academic_year.code, s.course.catalogue_number) in followed
                if (s.component == "Exam" and follows) or (
                        s.component == "Resit" and s.course_id in failed
                        and s.academic_year.code in years):
                    candidates.append(class_info(s, now))
        return exam_lines(classes, now.date(), available=candidates)

    def ics(self, student_number: str, *, kinds: Iterable[str] = ("enrolled",),
            academic_year: str | None = None) -> bytes:
        """The iCalendar file of the chosen kinds (default: enrolled classes only)."""
        occurrences = self.agenda(student_number, kinds=kinds, academic_year=academic_year)
        return calendar_ics(student_number, occurrences, self.ctx.now())

    def export(self, student_number: str, *, kinds: Iterable[str] = ("enrolled",),
               academic_year: str | None = None) -> IcsExport:
        """The .ics file of the chosen kinds, with a file name and how many events it holds."""
        kinds = tuple(k for k in KINDS if k in set(kinds))
        if not kinds:
            raise fail("nothing_to_export",
                       _("Nothing to export: every kind of class is hidden."),
                       _("Show enrolled, wait-listed or planned classes first."))
        occurrences = self.agenda(student_number, kinds=kinds, academic_year=academic_year)
        data = calendar_ics(student_number, occurrences, self.ctx.now())
        return IcsExport(filename=f"usis-timetable-{student_number.strip().lower()}.ics",
                         data=data, events=len(occurrences), kinds=kinds)


__all__ = ["TimetableService", "TimetableClass", "Occurrence", "WeekView", "ExamLine",
           "IcsExport", "KINDS", "KIND_LABELS", "EXAM_DEADLINE_DAYS",
           "build_week", "occurrences_of", "mark_conflicts", "calendar_ics", "parse_week",
           "date_range", "monday_of", "meeting_dates", "exam_lines", "provisional_label"]
