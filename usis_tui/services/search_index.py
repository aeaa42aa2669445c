"""The class search's in-memory index of the catalogue, one per Database and academic year.

What it holds never goes stale unnoticed: database triggers raise ``catalogue_version`` on every
change to the catalogue (models/catalogue.py ``catalogue_triggers``), whoever writes it (the
importer, the demo, another process), and every search first reads the counter, in its own
transaction, and rebuilds what it holds when the counter moved. Seat counts are not in it:
enrolling does not raise the counter, and the search reads the seats (capacity, enrolled,
wait list) and the full classes from the database on every call.

Matching is Python's, the same on both backends: title words and the instructor are
substrings of ``str.lower()`` (Unicode, unlike SQLite's ASCII-only lower()), the catalogue
number a prefix of the upper-cased text in code point order, results ordered by catalogue
number then class number (code point order, i.e. SQLite's BINARY and PostgreSQL's "C").
"""

from __future__ import annotations

import threading
import weakref
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased

from ..db import Database, RawConnection
from ..models import AcademicYear, CatalogueVersion, ClassSection, Course, Meeting, Minor, Programme
from .schemas import ClassInfo, MeetingInfo, SearchCriteria


@dataclass(slots=True)
class Row:
    """One class of the year: what the search matches on, and the rest of its ClassInfo."""

    id: int
    catalogue_number: str
    class_number: str
    component: str
    instructor: str | None  # lower case
    title: str  # lower case
    level: int
    ec: float
    programme_name: str | None  # lower case
    programme_code: str | None  # lower case
    times: tuple[tuple[int, time, time], ...]  # (weekday, start, end) per meeting
    enrol_opens_at: datetime
    enrol_closes_at: datetime
    # ClassInfo fields that are not seats or the period state, in STATIC_FIELDS order (a tuple:
    # a dict per class made the index of 9,000 classes twice as big)
    static: tuple[Any, ...]
    template: ClassInfo | None = None  # validated once, then copied with fresh seats


STATIC_FIELDS = ("section_id", "academic_year", "class_number", "catalogue_number", "title",
                 "component", "section", "ec", "level", "honours", "programme", "instructor",
                 "enrol_opens_at", "enrol_closes_at", "meetings", "brightspace_url",
                 "parent_class_number", "minor_type", "minor_part")


@dataclass
class YearIndex:
    year_id: int
    rows: list[Row]  # by catalogue number, then class number
    catalogue_numbers: list[str] = field(default_factory=list)
    courses: list[tuple[str, int, int]] = field(default_factory=list)  # (title, first, end)
    by_instructor: dict[str, list[int]] = field(default_factory=dict)
    by_class_number: dict[str, int] = field(default_factory=dict)
    position: dict[int, int] = field(default_factory=dict)  # section id -> position
    # every course title, lower case, each followed by NUL (never in a search word: the
    # criteria drop control characters), and where each starts: a word is found by str.find
    titles: str = ""
    title_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rows.sort(key=lambda r: (r.catalogue_number, r.class_number))
        self.catalogue_numbers = [r.catalogue_number for r in self.rows]
        for i, r in enumerate(self.rows):
            self.position[r.id] = i
            self.by_class_number[r.class_number] = i
            if r.instructor is not None:
                self.by_instructor.setdefault(r.instructor, []).append(i)
            if self.courses and self.rows[self.courses[-1][1]].catalogue_number \
                    == r.catalogue_number:  # a course's classes are next to each other
                title, first, _end = self.courses[-1]
                self.courses[-1] = (title, first, i + 1)
            else:
                self.courses.append((r.title, i, i + 1))
        offset = 0
        for title, _first, _end in self.courses:
            self.title_starts.append(offset)
            offset += len(title) + 1
        self.titles = "".join(f"{title}\0" for title, _first, _end in self.courses)

    def courses_with(self, word: str) -> list[int]:
        """The courses (indexes into ``courses``) whose title holds ``word``, in order."""
        out: list[int] = []
        titles, starts = self.titles, self.title_starts
        at = titles.find(word)
        while at >= 0:
            course = bisect_right(starts, at) - 1
            out.append(course)
            if course + 1 >= len(starts):
                break
            at = titles.find(word, starts[course + 1])
        return out

    def find(self, c: SearchCriteria) -> Sequence[int]:
        """Positions of the rows that match every criterion except open_only, in order."""
        words = c.title.lower().split() if c.title else []
        instructor = c.instructor.lower() if c.instructor else None
        prefix = c.catalogue_number.upper() if c.catalogue_number else None
        used = None
        base: Sequence[int]
        if c.class_number:
            found = self.by_class_number.get(c.class_number)
            base, used = ([] if found is None else [found]), "class_number"
        elif prefix:
            lo = bisect_left(self.catalogue_numbers, prefix)
            hi = bisect_left(self.catalogue_numbers, True, lo,
                             key=lambda n: not n.startswith(prefix))
            base, used = range(lo, hi), "catalogue_number"
        elif words:
            first_word, *others = sorted(words, key=len, reverse=True)
            courses = self.courses
            base = [i for k in self.courses_with(first_word)
                    if all(w in courses[k][0] for w in others)
                    for i in range(courses[k][1], courses[k][2])]
            used = "title"
        elif instructor:
            base = sorted(i for name, positions in self.by_instructor.items()
                          if instructor in name for i in positions)
            used = "instructor"
        else:
            base = range(len(self.rows))
        check = _checks(c, words, instructor, prefix, used)
        if check is None:
            return base
        rows = self.rows
        return [i for i in base if check(rows[i])]


def _checks(c: SearchCriteria, words: list[str], instructor: str | None, prefix: str | None,
            used: str | None) -> Callable[[Row], bool] | None:
    checks: list[Callable[[Row], bool]] = []
    if c.class_number and used != "class_number":
        checks.append(lambda r: r.class_number == c.class_number)
    if prefix and used != "catalogue_number":
        checks.append(lambda r: r.catalogue_number.startswith(prefix))
    if words and used != "title":
        checks.append(lambda r: all(w in r.title for w in words))
    if instructor and used != "instructor":
        checks.append(lambda r: r.instructor is not None and instructor in r.instructor)
    if c.programme:
        wanted = c.programme.lower()
        checks.append(lambda r: r.programme_name is not None and (
            wanted in r.programme_name or wanted == r.programme_code))
    if c.component:
        checks.append(lambda r: r.component == c.component)
    if c.level is not None:
        checks.append(lambda r: r.level == c.level)
    if c.ec is not None:
        checks.append(lambda r: r.ec == c.ec)
    if c.days or c.start_after or c.end_before:
        days, after, before = set(c.days), c.start_after, c.end_before
        checks.append(lambda r: any(
            (not days or d in days) and (after is None or s >= after)
            and (before is None or e <= before) for d, s, e in r.times))
    if not checks:
        return None
    if len(checks) == 1:
        return checks[0]
    return lambda r: all(check(r) for check in checks)


@dataclass
class Snapshot:
    """The catalogue as of one catalogue_version."""

    version: int
    years: dict[str, int]  # code -> id
    indexes: dict[int, YearIndex] = field(default_factory=dict)


class SearchIndex:
    """The snapshots of one Database (see the module docstring)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None

    def version(self, raw: RawConnection) -> int:
        rows = raw.all(self.db.prepared("search.version", lambda: select(
            CatalogueVersion.version).where(CatalogueVersion.id == 1)))
        return rows[0][0] if rows else 0

    def snapshot(self, raw: RawConnection) -> Snapshot:
        """The snapshot for the counter as read now in ``raw``'s transaction (read before any
        catalogue row, so that what is built is at least as new as its version)."""
        version = self.version(raw)
        snap = self._snapshot
        if snap is not None and snap.version == version:
            return snap
        with self._lock:
            snap = self._snapshot
            if snap is None or snap.version != version:
                years = raw.all(self.db.prepared("search.years", lambda: select(
                    AcademicYear.code, AcademicYear.id)))
                snap = self._snapshot = Snapshot(version, dict(years))
            return snap

    def year(self, raw: RawConnection, snap: Snapshot, code: str) -> YearIndex | None:
        """The index of the year ``code``; None when the year is not offered."""
        year_id = snap.years.get(code)
        if year_id is None:
            return None
        index = snap.indexes.get(year_id)
        if index is None:
            with self._lock:
                index = snap.indexes.get(year_id)
                if index is None:
                    index = snap.indexes[year_id] = self._build(raw, year_id, code)
        return index

    def _build(self, raw: RawConnection, year_id: int, code: str) -> YearIndex:
        db = self.db
        times: dict[int, list[tuple[int, time, time]]] = {}
        meetings: dict[int, list[tuple]] = {}
        for (section_id, weekday, start, end, room, start_date, end_date,
             weeks) in raw.all(db.prepared("search.meetings", _meetings_stmt), {"y": year_id}):
            times.setdefault(section_id, []).append((weekday, start, end))
            meetings.setdefault(section_id, []).append(
                (weekday, start, end, room, start_date, end_date, weeks))
        rows = []
        for (sid, class_number, component, section, instructor, opens, closes, catalogue_number,
             title, ec, level, honours, brightspace_url, programme_name, programme_code,
             minor_type, parent_class_number, parent_minor) in raw.all(
                db.prepared("search.sections", _sections_stmt), {"y": year_id}):
            static = (sid, code, class_number, catalogue_number, title, component, section, ec,
                      level, honours, programme_name, instructor, opens, closes,
                      tuple(meetings.get(sid, ())), brightspace_url, parent_class_number,
                      minor_type, parent_minor is not None)
            rows.append(Row(
                id=sid, catalogue_number=catalogue_number, class_number=class_number,
                component=component, instructor=instructor.lower() if instructor else None,
                title=title.lower(), level=level, ec=ec,
                programme_name=programme_name.lower() if programme_name is not None else None,
                programme_code=programme_code.lower() if programme_code is not None else None,
                times=tuple(times.get(sid, ())), enrol_opens_at=opens, enrol_closes_at=closes,
                static=static))
        return YearIndex(year_id, rows)


def _sections_stmt():
    parent = aliased(ClassSection)
    parent_minor = aliased(Minor)
    return (select(ClassSection.id, ClassSection.class_number, ClassSection.component,
                   ClassSection.section, ClassSection.instructor, ClassSection.enrol_opens_at,
                   ClassSection.enrol_closes_at, Course.catalogue_number, Course.title,
                   Course.ec, Course.level, Course.honours, Course.brightspace_url,
                   Programme.name, Programme.code, Minor.minor_type, parent.class_number,
                   parent_minor.id)
            .join(Course, ClassSection.course_id == Course.id)
            .outerjoin(Programme, Course.programme_id == Programme.id)
            .outerjoin(Minor, Minor.course_id == Course.id)
            .outerjoin(parent, ClassSection.parent_id == parent.id)
            .outerjoin(parent_minor, parent_minor.course_id == parent.course_id)
            .where(ClassSection.academic_year_id == bindparam("y")))


def _meetings_stmt():
    return (select(Meeting.section_id, Meeting.weekday, Meeting.start_time, Meeting.end_time,
                   Meeting.room, Meeting.start_date, Meeting.end_date, Meeting.weeks)
            .join(ClassSection, Meeting.section_id == ClassSection.id)
            .where(ClassSection.academic_year_id == bindparam("y")).order_by(Meeting.id))


def full_stmt():
    """The year's full classes (the partial index ix_class_section_full)."""
    return select(ClassSection.id).where(ClassSection.academic_year_id == bindparam("y"),
                                         ClassSection.enrolled_count >= ClassSection.capacity)


def seats_stmt(count: int):
    return (select(ClassSection.id, ClassSection.capacity, ClassSection.enrolled_count,
                   ClassSection.waitlist_capacity, ClassSection.waitlist_count)
            .where(ClassSection.id.in_([bindparam(f"i{k}") for k in range(count)])))


_INDEXES: weakref.WeakKeyDictionary[Database, SearchIndex] = weakref.WeakKeyDictionary()
_INDEXES_LOCK = threading.Lock()


def search_index(db: Database) -> SearchIndex:
    found = _INDEXES.get(db)
    if found is None:
        with _INDEXES_LOCK:
            found = _INDEXES.get(db)
            if found is None:
                found = _INDEXES[db] = SearchIndex(db)
    return found


def class_info_of(row: Row, seats: Sequence[int], now: datetime) -> ClassInfo:
    """The row's ClassInfo with the seats read now (capacity, enrolled, wait list capacity,
    wait-listed)."""
    capacity, enrolled, waitlist_capacity, waitlisted = seats
    status = ("Open" if enrolled < capacity else
              "Wait List" if waitlisted < waitlist_capacity else "Closed")
    period = ("not_yet_open" if now < row.enrol_opens_at else
              "closed" if now > row.enrol_closes_at else "open")
    template = row.template
    if template is None:  # validated once (the types as class_info() would give them)
        static = dict(zip(STATIC_FIELDS, row.static, strict=True))
        static["meetings"] = [
            MeetingInfo(weekday=weekday, start=start, end=end, room=room, start_date=start_date,
                        end_date=end_date, weeks=weeks)
            for weekday, start, end, room, start_date, end_date, weeks in static["meetings"]]
        template = row.template = ClassInfo(**static, capacity=capacity, enrolled=enrolled,
                                            waitlist_capacity=waitlist_capacity,
                                            waitlisted=waitlisted, status=status,
                                            period_state=period)
    return template.model_copy(update={
        "capacity": capacity, "enrolled": enrolled, "waitlist_capacity": waitlist_capacity,
        "waitlisted": waitlisted, "status": status, "period_state": period,
        "meetings": list(template.meetings)})


