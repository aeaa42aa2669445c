"""Deterministic demo database, built relative to the clock's academic year.

``seed_demo(db, now)`` writes: the current and the next academic year; the Faculty of Science
minors with their real class numbers; eight programmes with sixteen courses each (lecture,
tutorials, sometimes a practical, exam and resit, each with its own class number and real
meeting dates); a mix, at ``now``, of open, nearly full, full-with-wait-list, closed,
not-yet-open and closed-period classes; a pair of clashing classes; the demo accounts; and
classmates ("filler" students) who fill the seats without clashing themselves.

The same ``now`` and ``seed`` always give the same database. ``size`` adds synthetic courses
until there are at least that many class sections (spreading over more academic years, since a
class number has 4 digits and is unique within a year).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, insert, text

from .. import models as m
from ..db import Database
from ..services.auth import hash_password
from ..services.catalogue import academic_year_code
from .catalogue_data import (
    EXAM_ROOMS,
    FIRST_NAMES,
    INSTRUCTORS,
    LAST_NAMES,
    LDE_MINORS,
    MINORS,
    PROGRAMMES,
    ROOMS,
    SLOTS,
)

DEMO_PASSWORD = "demo"
DEMO_STUDENT = "s1234567"
DEMO_MASTER = "s7654321"
DEMO_HOLD_STUDENT = "s2345678"
DEMO_APPLICANT = "s3456789"  # waiting for the placement outcome of selection minor 1048
STAFF = [("support", "Sanne Visser (uSis helpdesk)", "support"),
         ("board", "Prof.dr. M. de Rijke (Board of Examiners)", "board"),
         ("trainer", "Tom Bakker (uSis trainer)", "trainer"),
         ("courseadmin", "Course Portal Administration (Leiden)", "portal")]
TEACHING_WEEKS = 14
FILLERS_PER_PROGRAMME = 260
Progress = Callable[[int, int], None]


@dataclass
class DemoSummary:
    academic_year: str
    years: list[str]
    programmes: int = 0
    courses: int = 0
    sections: int = 0
    students: int = 0
    enrolments: int = 0
    highlights: dict[str, str] = field(default_factory=dict)  # what a trainer can show, by class


def first_monday(on_or_after: date) -> date:
    return on_or_after + timedelta(days=(7 - on_or_after.weekday()) % 7)


def at(day: date, hhmm: str) -> datetime:
    h, mi = map(int, hhmm.split(":"))
    return datetime.combine(day, time(h, mi))


class _Builder:
    """Accumulates rows with explicit ids, then bulk-inserts them in foreign-key order."""

    ORDER = [m.AcademicYear, m.Programme, m.Course, m.RequirementGroup, m.RequirementCourse,
             m.Minor, m.ClassSection, m.Meeting,
             m.Student, m.StaffUser, m.Enrolment, m.ExamConfirmation, m.CartItem,
             m.PermissionNumber, m.ExamResult, m.Hold, m.Message, m.MinorApplication,
             m.Petition, m.PetitionDocument, m.PetitionEvent,
             # the Course Portal (data/portal_demo.py)
             m.CancellationPolicy, m.PolicyRule, m.Offering, m.PortalAccount, m.PortalEnrolment,
             m.Payment, m.PaymentEvent, m.Invoice, m.Withdrawal, m.PortalRecord,
             m.EvaluationResponse, m.PortalMessage]

    def __init__(self) -> None:
        self.rows: dict[type, list[dict]] = {t: [] for t in self.ORDER}
        #: written with the rows: this is the demo database (services/auth.py is_demo)
        self.settings: dict[str, str] = {"demo": "1"}

    def add(self, model: type, **values) -> int:
        rows = self.rows[model]
        values.setdefault("id", len(rows) + 1)
        rows.append(values)
        return values["id"]

    def write(self, db: Database, progress: Progress | None = None) -> None:
        total = sum(len(v) for v in self.rows.values())
        done = 0
        with db.write() as session:
            for model in self.ORDER:
                rows = self.rows[model]
                for start in range(0, len(rows), 5000):
                    chunk = rows[start:start + 5000]
                    session.execute(insert(model), chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
            if self.settings:  # replaces e.g. demo=0 of a database made empty on purpose
                session.execute(delete(m.Setting).where(m.Setting.name.in_(self.settings)))
                session.execute(insert(m.Setting), [{"name": k, "value": v}
                                                    for k, v in self.settings.items()])
            if session.get_bind().dialect.name == "postgresql":
                # Explicit ids do not advance PostgreSQL's sequences: move them past our rows.
                for model in self.ORDER:
                    if model is m.EvaluationResponse:  # random text ids: no sequence
                        continue
                    table = model.__tablename__
                    session.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"))


@dataclass
class _Section:
    id: int
    course_idx: int
    class_number: str
    component: str
    capacity: int
    waitlist_capacity: int
    occupancy: list[tuple]  # (term, weekday, slot) or (date, slot) keys a student can hold once
    period: str


class DemoGenerator:
    def __init__(self, now: datetime, *, seed: int = 1575, size: int | None = None) -> None:
        self.now = now.replace(second=0, microsecond=0)
        self.rng = random.Random(seed)
        self.size = size
        self.b = _Builder()
        code = academic_year_code(self.now)
        self.start_year = int(code[:4])
        self.summary = DemoSummary(academic_year=code, years=[])
        self.course_ids: dict[str, int] = {}
        self.sections: list[_Section] = []
        self.by_number: dict[tuple[int, str], _Section] = {}
        self.occupied: dict[int, set] = {}  # student id -> occupancy keys
        self.enrolled_in: dict[int, set[int]] = {}  # section id -> student ids

    # ------------------------------------------------------------------ calendar
    def calendar(self, start_year: int) -> dict[str, date]:
        sem1 = first_monday(date(start_year, 9, 1))
        sem2 = first_monday(date(start_year + 1, 2, 1))
        return {
            "sem1": sem1, "sem1_end": sem1 + timedelta(weeks=TEACHING_WEEKS - 1, days=4),
            "sem1_exam": first_monday(date(start_year + 1, 1, 12)),
            "sem2": sem2, "sem2_end": sem2 + timedelta(weeks=TEACHING_WEEKS - 1, days=4),
            "sem2_exam": first_monday(date(start_year + 1, 6, 1)),
        }

    def window(self, period: str, year_offset: int) -> tuple[datetime, datetime]:
        """Enrolment window relative to the clock (current year) or to the year (next year)."""
        today = self.now.date()
        if year_offset > 0:
            return (datetime(self.start_year + year_offset, 6, 15, 9, 0),
                    datetime(self.start_year + year_offset, 9, 30, 23, 59))
        if year_offset < 0:
            return (datetime(self.start_year + year_offset, 6, 15, 9, 0),
                    datetime(self.start_year + year_offset, 9, 30, 23, 59))
        if period == "not_yet_open":
            return at(today + timedelta(days=9), "09:00"), at(today + timedelta(days=50), "23:59")
        if period == "closed":
            return at(today - timedelta(days=80), "09:00"), at(today - timedelta(days=4), "23:59")
        return at(today - timedelta(days=21), "09:00"), at(today + timedelta(days=28), "23:59")

    #: The seed's registration dates for minors ("Registration dates for minors in 2021-2022":
    #: 1-15 April 2021 selection minors, 3-31 May LDE + EUR/TUD minors, 3-15 May Leiden minors).
    MINOR_REGISTRATION = {"selection": ((4, 1), (4, 15)), "lde": ((5, 3), (5, 31)),
                          "leiden": ((5, 3), (5, 15))}

    def minor_registration(self, minor_type: str) -> tuple[datetime, datetime]:
        """The registration period of a minor of the next academic year: the seed's dates, in
        the spring of the clock's academic year (registration for 2027-2028 is in April and
        May 2027), so setting the clock there shows each window open."""
        (m1, d1), (m2, d2) = self.MINOR_REGISTRATION[minor_type]
        spring = self.start_year + 1
        return datetime(spring, m1, d1, 9, 0), datetime(spring, m2, d2, 23, 59)

    def period_of(self, window: tuple[datetime, datetime]) -> str:
        return ("not_yet_open" if self.now < window[0] else
                "closed" if self.now > window[1] else "open")

    # ------------------------------------------------------------------ building blocks
    def add_year(self, start_year: int) -> int:
        code = f"{start_year}-{start_year + 1}"
        self.summary.years.append(code)
        return self.b.add(m.AcademicYear, code=code, starts_on=date(start_year, 9, 1),
                          ends_on=date(start_year + 1, 8, 31), max_ec=None)

    def add_course(self, catalogue_number: str, title: str, ec: float, level: int,
                   programme_id: int | None, honours: bool = False) -> int:
        cid = len(self.b.rows[m.Course]) + 1
        bs = 100000 + cid * 7
        self.b.add(m.Course, id=cid, catalogue_number=catalogue_number, title=title, ec=ec,
                   level=level, honours=honours, programme_id=programme_id,
                   brightspace_id=str(bs),
                   brightspace_url=f"https://brightspace.universiteitleiden.nl/d2l/home/{bs}",
                   description=None)
        self.course_ids[catalogue_number] = cid
        return cid

    def add_section(self, year_id: int, class_number: str, course_id: int, component: str, *,
                    capacity: int, waitlist_capacity: int, window: tuple[datetime, datetime],
                    period: str, section: str = "1", parent_id: int | None = None,
                    instructor: str | None = None, meetings: Sequence[dict] = ()) -> _Section:
        sid = self.b.add(m.ClassSection, academic_year_id=year_id, class_number=class_number,
                         course_id=course_id, component=component, section=section,
                         capacity=capacity, waitlist_capacity=waitlist_capacity,
                         enrolled_count=0, waitlist_count=0, instructor=instructor,
                         enrol_opens_at=window[0], enrol_closes_at=window[1],
                         parent_id=parent_id, requires_course_id=None)
        occupancy = []
        for mt in meetings:
            self.b.add(m.Meeting, section_id=sid, **{k: v for k, v in mt.items() if k != "keys"})
            occupancy.extend(mt["keys"])
        sec = _Section(sid, course_id, class_number, component, capacity, waitlist_capacity,
                       occupancy, period)
        self.sections.append(sec)
        self.by_number[(year_id, class_number)] = sec
        return sec

    @staticmethod
    def weekly(term: str, weekday: int, slot: int, start: date, end: date, room: str,
               weeks: str | None = None) -> dict:
        s, e = SLOTS[slot]
        return dict(weekday=weekday, start_time=time.fromisoformat(s),
                    end_time=time.fromisoformat(e), room=room,
                    start_date=start + timedelta(days=weekday), end_date=end, weeks=weeks,
                    keys=[(term, weekday, slot)])

    def single(self, day: date, start: str, end: str, room: str) -> dict:
        """A one-day meeting (exam). Inside a teaching term it also occupies the weekly slots it
        overlaps, so nobody is seated in an exam and a class that meet at the same moment."""
        keys: list[tuple] = [(day, start)]
        for offset in (-1, 0, 1):
            cal = self.calendar(self.start_year + offset)
            for term in ("sem1", "sem2"):
                if cal[term] <= day <= cal[f"{term}_end"]:
                    keys += [(term, day.weekday(), i) for i, (s, e) in enumerate(SLOTS)
                             if s < end and start < e]
        return dict(weekday=day.weekday(), start_time=time.fromisoformat(start),
                    end_time=time.fromisoformat(end), room=room, start_date=day, end_date=day,
                    weeks=None, keys=keys)

    def student(self, number: str, name: str, programme_id: int, degree: str, pw: str,
                cohort: int | None = None) -> int:
        """A student; ``cohort``: how many years ago they started (0: first-year)."""
        code = None if cohort is None else (
            f"{self.start_year - cohort}-{self.start_year - cohort + 1}")
        sid = self.b.add(m.Student, student_number=number, name=name,
                         email=f"{number}@vuw.leidenuniv.nl", programme_id=programme_id,
                         degree=degree, password_hash=pw, failed_logins=0, locked_until=None,
                         cohort=code)
        self.occupied[sid] = set()
        return sid

    def can_sit(self, student_id: int, sec: _Section) -> bool:
        return (student_id not in self.enrolled_in.get(sec.id, set())
                and not (self.occupied[student_id] & set(sec.occupancy)))

    def enrol(self, student_id: int, sec: _Section, status: str, when: datetime,
              position: int | None = None) -> None:
        self.b.add(m.Enrolment, student_id=student_id, section_id=sec.id, status=status,
                   waitlist_position=position, permission_number=None, created_at=when,
                   enrolled_at=when if status == "enrolled" else None,
                   waitlisted_at=when if status == "waitlisted" else None, dropped_at=None,
                   drop_reason=None)
        self.enrolled_in.setdefault(sec.id, set()).add(student_id)
        if status == "enrolled":
            self.occupied[student_id] |= set(sec.occupancy)
        row = self.b.rows[m.ClassSection][sec.id - 1]
        row["enrolled_count" if status == "enrolled" else "waitlist_count"] += 1
        self.summary.enrolments += 1

    # ------------------------------------------------------------------ the catalogue
    def build(self) -> DemoSummary:
        year_id = self.add_year(self.start_year)
        next_year_id = self.add_year(self.start_year + 1)
        minors_prog = None
        prog_ids: dict[str, int] = {}
        for code, name, degree, _prefix, _courses in PROGRAMMES:
            prog_ids[code] = self.b.add(m.Programme, code=code, name=name, degree=degree)
        self.summary.programmes = len(prog_ids)

        # Minors: real catalogue and class numbers, same numbers in both years.
        minor_course: dict[str, int] = {}
        for number, cat, title, mtype, ec, parts in MINORS:
            cid = self.add_course(cat, title, ec, 300, minors_prog)
            self.b.add(m.Minor, course_id=cid, minor_type=mtype)
            minor_course[number] = cid
            for pnum, pcat, ptitle, pec in parts:
                minor_course[pnum] = self.add_course(pcat, ptitle, pec, 300, minors_prog)
        # Registration: this year's minors show every state at the clock (1052 open, 1061 not
        # yet open, the selection minors closed: what the trainer's table in the README and the
        # enrolment demonstrations use); next year's follow the seed's dates (1-15 April, 3-15
        # May) in the spring of this one. A selection minor's parts are enrolled after the
        # placement, in the ordinary course enrolment period; a Leiden minor's with the minor.
        for yid, offset in ((year_id, 0), (next_year_id, 1)):
            cal = self.calendar(self.start_year + offset)
            for i, (number, _cat, _title, mtype, _ec, parts) in enumerate(MINORS):
                if offset == 0:
                    period = ("closed" if mtype == "selection" else
                              "not_yet_open" if number == "1061" else "open")
                    win = self.window(period, offset)
                else:
                    win = self.minor_registration(mtype)
                    period = self.period_of(win)
                part_win, part_period = ((self.window("open", offset), "open")
                                         if mtype == "selection" else (win, period))
                room = ROOMS[i % len(ROOMS)]
                meetings = [self.weekly("sem1", d, 2, cal["sem1"], cal["sem1_end"], room)
                            for d in (0, 2)] if offset == 0 else []
                cap = 60 + 20 * (i % 4)
                minor = self.add_section(yid, number, minor_course[number], "Lecture",
                                         capacity=cap, waitlist_capacity=25, window=win,
                                         period=period, instructor=INSTRUCTORS[i],
                                         meetings=meetings)
                for pnum, _pcat, _ptitle, _pec in parts:
                    self.add_section(yid, pnum, minor_course[pnum], "Lecture", capacity=cap,
                                     waitlist_capacity=10, window=part_win, period=part_period,
                                     parent_id=minor.id, instructor=INSTRUCTORS[i])

        # Programmes: sixteen courses each; class numbers from 2001 upwards.
        programme_courses: dict[str, list[tuple[int, int, str, int]]] = {}
        for code, _name, _degree, prefix, courses in PROGRAMMES:
            pid = prog_ids[code]
            rows = []
            for c_i, (title, ec, level) in enumerate(courses):
                cat = f"{prefix}{self.abbreviation(title)}"
                while cat in self.course_ids:
                    cat = cat[:-1] + str(int(cat[-1]) + 1 if cat[-1].isdigit() else 2)
                cid = self.add_course(cat, title, ec, level, pid)
                rows.append((cid, c_i, cat, level))
            programme_courses[code] = rows
        numbers: dict[tuple[int, str], list[str]] = {}
        for offset, yid in ((0, year_id), (1, next_year_id)):
            counter = iter(range(2001, 10000))
            for p_i, (code, _name, degree, _prefix, courses) in enumerate(PROGRAMMES):
                for cid, c_i, cat, _level in programme_courses[code]:
                    period = self.course_period(code, c_i) if offset == 0 else "not_yet_open"
                    numbers[(yid, cat)] = self.course_sections(
                        yid, offset, counter, p_i, c_i, cid, degree, period, courses[c_i])
        # People.
        # One hash with the current parameters (services/auth.py) for every demo account: the
        # password is public, and a sign-in must cost what an unknown name costs.
        demo_hash = hash_password(DEMO_PASSWORD)
        cs = prog_ids["BSC-CS"]
        me = self.student(DEMO_STUDENT, "Eva de Vries", cs, "bachelor", demo_hash, cohort=0)
        master = self.student(DEMO_MASTER, "Jan Jansen", prog_ids["MSC-ICTIB"], "master",
                              demo_hash, cohort=1)
        held = self.student(DEMO_HOLD_STUDENT, "Ada Visser", prog_ids["BSC-MATH"], "bachelor",
                            demo_hash, cohort=1)
        for username, name, role in STAFF:
            self.b.add(m.StaffUser, username=username, name=name, role=role,
                       password_hash=demo_hash, failed_logins=0, locked_until=None)
        self.b.add(m.Hold, student_id=held, kind="Tuition fees not paid",
                   reason="Your tuition fees for this academic year have not been received. "
                          "Contact the Student Desk (studentdesk@leidenuniv.nl).",
                   blocks_enrolment=True,
                   starts_at=at(self.now.date() - timedelta(days=30), "00:00"), ends_at=None)

        self.demo_student(me, year_id, programme_courses["BSC-CS"], numbers)
        self.demo_master(master, year_id, programme_courses["MSC-ICTIB"], numbers)
        self.demo_petitions(master)
        self.requirements(prog_ids, programme_courses)
        self.demo_results(me, master, held, programme_courses)
        from .portal_demo import seed_portal

        self.summary.highlights.update(seed_portal(self.b.add, self.now, demo_hash))
        self.fill(year_id, prog_ids, programme_courses, numbers, demo_hash)
        self.confirm_exams(me)
        # (after everything else, so that no id or random draw above changes)
        self.minor_applications(year_id, prog_ids, demo_hash)
        self.lde_minors(next_year_id, minors_prog)
        self.extra_groups(year_id, numbers)
        if self.size:
            self.scale(year_id, prog_ids, self.size)
        self.summary.courses = len(self.b.rows[m.Course])
        self.summary.sections = len(self.b.rows[m.ClassSection])
        self.summary.students = len(self.b.rows[m.Student])
        return self.summary

    @staticmethod
    def abbreviation(title: str) -> str:
        words = [w for w in title.replace(",", "").replace(":", "").split()
                 if w.lower() not in {"and", "of", "for", "the", "in", "to", "with", "a"}]
        if len(words) == 1:
            core = words[0][:5]
        else:
            core = "".join(w[0] if not w.isdigit() else w for w in words)[:4]
            core += words[-1][1:3] if len(core) < 4 else ""
        digits = "".join(ch for ch in title if ch.isdigit()) or "Y"
        return (core.upper() + digits)[:6]

    def course_period(self, programme: str, c_i: int) -> str:
        if programme == "BSC-CS" and c_i in (1, 2, 4, 5, 6, 7, 8, 9, 10, 12):
            return "open"  # the demo student's programme stays demonstrable
        roll = self.rng.random()
        return "not_yet_open" if roll < 0.15 else "closed" if roll < 0.28 else "open"

    def course_sections(self, yid: int, offset: int, counter: Iterator[int], p_i: int, c_i: int,
                        cid: int, degree: str, period: str, course: tuple) -> list[str]:
        title, _ec, level = course
        rng = self.rng
        cal = self.calendar(self.start_year + offset)
        term = "sem1" if c_i % 2 == 0 else "sem2"
        if "Thesis" in title or "Project" in title or "Research" in title:
            term = "sem2"
        start, end = cal[term], cal[f"{term}_end"]
        instructor = INSTRUCTORS[(p_i * 5 + c_i) % len(INSTRUCTORS)]
        room = ROOMS[(p_i + c_i) % len(ROOMS)]
        lec_day, lec_slot = (c_i // 2 + p_i) % 5, (c_i // 2 + c_i) % 4
        big = degree == "bachelor"
        lec_cap = rng.choice([120, 150, 200, 250]) if big else rng.choice([40, 50, 60, 80])
        win = self.window(period, offset)
        out = []
        lecture_meetings = [self.weekly(term, lec_day, lec_slot, start, end, room)]
        if big and c_i % 3 == 0:
            second_day = (lec_day + 2) % 5
            lecture_meetings.append(self.weekly(term, second_day, lec_slot, start, end, room))
        lec = self.add_section(yid, f"{next(counter):04d}", cid, "Lecture", capacity=lec_cap,
                               waitlist_capacity=20, window=win, period=period,
                               instructor=instructor, meetings=lecture_meetings)
        out.append(lec.class_number)
        n_tut = 2 if big else 1
        for t in range(n_tut):
            tday, tslot = (lec_day + 1 + t) % 5, (lec_slot + 1 + t) % 4
            tut = self.add_section(
                yid, f"{next(counter):04d}", cid, "Tutorial", capacity=rng.choice([24, 28, 30]),
                waitlist_capacity=8, window=win, period=period, section=str(t + 1),
                parent_id=lec.id, instructor=instructor,
                meetings=[self.weekly(term, tday, tslot, start, end,
                                      ROOMS[(p_i + c_i + t + 3) % len(ROOMS)])])
            out.append(tut.class_number)
        if c_i % 4 == 3:
            # A fortnightly practical: only odd ISO weeks.
            weeks = sorted({(start + timedelta(weeks=w)).isocalendar().week
                            for w in range(TEACHING_WEEKS)})
            odd = ",".join(str(w) for w in weeks if w % 2 == 1)
            pday = (lec_day + 3) % 5
            prac = self.add_section(
                yid, f"{next(counter):04d}", cid, "Practical", capacity=40, waitlist_capacity=5,
                window=win, period=period, parent_id=lec.id, instructor=instructor,
                # Same occupancy key as a weekly class in that slot: it clashes in odd weeks.
                meetings=[self.weekly(term, pday, 3, start, end, "Snellius 302/304", weeks=odd)])
            out.append(prac.class_number)
        exam_day = cal[f"{term}_exam"] + timedelta(days=c_i % 5)
        resit_day = exam_day + timedelta(weeks=6 if term == "sem1" else 5)
        ex_room = EXAM_ROOMS[c_i % len(EXAM_ROOMS)]
        for component, day in (("Exam", exam_day), ("Resit", resit_day)):
            closes = at(day - timedelta(days=10), "23:59")
            opens = min(win[0], closes - timedelta(days=30))
            sec = self.add_section(
                yid, f"{next(counter):04d}", cid, component, capacity=lec_cap + 20,
                waitlist_capacity=0, window=(opens, closes),
                period="open" if opens <= self.now <= closes else (
                    "closed" if self.now > closes else "not_yet_open"),
                instructor=instructor,
                meetings=[self.single(day, "09:00" if c_i % 2 == 0 else "14:00",
                                      "12:00" if c_i % 2 == 0 else "17:00", ex_room)])
            out.append(sec.class_number)
        return out

    # ------------------------------------------------------------------ people
    def _sections_of(self, yid: int, numbers: dict, cat: str) -> list[_Section]:
        return [self.by_number[(yid, n)] for n in numbers[(yid, cat)]]

    def demo_student(self, me: int, yid: int, courses: list, numbers: dict) -> None:
        """s1234567: first-year Computer Science (the binding study advice applies), a week
        filled in both semesters, block-1 results with one failed exam (so its resit may be
        enrolled), a clash to demonstrate."""
        h = self.summary.highlights
        when = self.now - timedelta(days=14)
        by_cat = {cat: (cid, c_i) for cid, c_i, cat, _lvl in courses}
        cats = list(by_cat)
        chosen = 0
        # Keep the minor trainers demonstrate first (1052) free of clashes for this student.
        reserved = set(self.by_number[(yid, "1052")].occupancy) - self.occupied[me]
        self.occupied[me] |= reserved
        for cat in [cats[i] for i in (7, 2, 4, 6, 9, 5, 8, 10, 12, 1)]:
            secs = self._sections_of(yid, numbers, cat)
            weekly = [s for s in secs if s.component in ("Lecture", "Tutorial")]
            lecture, tutorial = weekly[0], weekly[1]
            if chosen < 6 and self.can_sit(me, lecture) and self.can_sit(me, tutorial) and not (
                    set(lecture.occupancy) & set(tutorial.occupancy)):
                self.enrol(me, lecture, "enrolled", when)
                self.enrol(me, tutorial, "enrolled", when)
                exam = next(s for s in secs if s.component == "Exam")
                if self.can_sit(me, exam):
                    self.enrol(me, exam, "enrolled", when)
                chosen += 1
                h.setdefault("enrolled", lecture.class_number)
        self.occupied[me] -= reserved
        # A class with free seats that clashes with one of the student's own classes.
        mine = self.occupied[me]
        for cat in cats:
            for sec in self._sections_of(yid, numbers, cat):
                if (sec.component == "Lecture" and sec.period == "open"
                        and me not in self.enrolled_in.get(sec.id, set())
                        and set(sec.occupancy) & mine):
                    h.setdefault("clash", sec.class_number)
        # First-year results (block 1, four weeks ago): passed, and one failed exam whose resit
        # is open now. More results (a mark, one not yet released) in demo_results.
        block1 = self.now.date() - timedelta(days=28)
        for cat, grade in ((cats[0], 7.5), (cats[3], 8.0), (cats[2 - 1], 6.5)):
            self.result(me, by_cat[cat][0], block1, grade=grade)
        failed_cat = cats[11]  # an advanced course taken early: exam failed three weeks ago
        self.result(me, by_cat[failed_cat][0], self.now.date() - timedelta(days=21), grade=4.8)
        resit = next(s for s in self._sections_of(yid, numbers, failed_cat)
                     if s.component == "Resit")
        row = self.b.rows[m.ClassSection][resit.id - 1]
        row["enrol_opens_at"] = at(self.now.date() - timedelta(days=14), "09:00")
        closes = at(self.now.date() + timedelta(days=21), "23:59")
        row["enrol_closes_at"] = max(row["enrol_closes_at"], closes)
        h["resit"] = resit.class_number
        other_resit = next(s for s in self._sections_of(yid, numbers, cats[1])
                           if s.component == "Resit")
        h["resit_without_failed_exam"] = other_resit.class_number
        # Welcome messages.
        self.b.add(m.Message, student_id=me, category="info", subject="Welcome to uSis",
                   body="Enrol for your courses and exams under Student Center → Enrol.",
                   created_at=self.now - timedelta(days=30), read_at=self.now - timedelta(days=29))
        self.b.add(m.Message, student_id=me, category="info",
                   subject="Enrolment for semester 2 opens soon",
                   body="Plan your semester 2 courses in your Shopping cart now and enrol as soon "
                        "as enrolment opens.",
                   created_at=self.now - timedelta(days=2), read_at=None)

    def demo_master(self, master: int, yid: int, courses: list, numbers: dict) -> None:
        when = self.now - timedelta(days=10)
        for _cid, _c_i, cat, _lvl in courses[:4]:
            lecture = self._sections_of(yid, numbers, cat)[0]
            if self.can_sit(master, lecture):
                self.enrol(master, lecture, "enrolled", when)

    # ------------------------------------------------------------------ My Academics
    def result(self, student_id: int, course_id: int, day: date, *, grade: float | None = None,
               mark: str | None = None, component: str = "Exam", attempt: int = 1,
               hidden_until: datetime | None = None) -> None:
        self.b.add(m.ExamResult, student_id=student_id, course_id=course_id, grade=grade,
                   mark=mark, exam_date=day, component=component, attempt=attempt,
                   section_id=None, hidden_until=hidden_until,
                   registered_at=at(day + timedelta(days=7), "12:00"), registered_by="board")

    def requirements(self, prog_ids: dict[str, int], programme_courses: dict) -> None:
        """The academic requirements of every programme (models/academics.py), built from its
        course list with Leiden's totals: a bachelor of 180 EC (the first year of 60 EC with
        the binding study advice, compulsory courses, advanced courses at level 300, a minor
        or free electives of 30 EC, free electives, the bachelor project), a master of 120 EC
        (core courses, electives from the programme, free electives, the thesis of 30 EC).
        Computer Science's first year also has Academic and Professional Skills (pass/fail)."""
        skills = self.add_course("4031APSKY", "Academic and Professional Skills", 6, 100,
                                 prog_ids["BSC-CS"])
        for code, _name, degree, _prefix, titles in PROGRAMMES:
            rows = programme_courses[code]
            ec = {cid: titles[c_i][1] for cid, c_i, _cat, _lvl in rows}
            project = [cid for cid, c_i, _cat, _lvl in rows
                       if any(w in titles[c_i][0] for w in ("Project", "Thesis", "Research"))
                       and titles[c_i][1] >= 12]
            taught = [(cid, lvl) for cid, _c_i, _cat, lvl in rows if cid not in project]
            groups: list[tuple[str, str, float, int | None, list[int]]] = []
            if degree == "bachelor":
                first: list[int] = [skills] if code == "BSC-CS" else []
                total = sum(ec.get(c, 6) for c in first)
                for cid, lvl in taught:
                    if lvl <= 200 and total < 60 and (total + ec[cid] <= 60 or not first):
                        first.append(cid)
                        total += ec.get(cid, 6)
                rest = [cid for cid, lvl in taught if cid not in first and lvl < 300]
                advanced = [cid for cid, lvl in taught if lvl >= 300]
                groups.append(("First year (propaedeutic phase)", "compulsory", total, None,
                               first))
                if rest:
                    groups.append(("Compulsory courses", "compulsory",
                                   sum(ec[c] for c in rest), None, rest))
                groups.append(("Advanced courses (level 300)", "level",
                               min(18.0, sum(ec[c] for c in advanced)), 300, advanced))
                groups.append(("Minor or free electives", "minor_or_electives", 30, None, []))
                project_ec = sum(ec[c] for c in project)
                used = sum(g[2] for g in groups) + project_ec
                groups.append(("Free electives", "electives", 180 - used, None, []))
                groups.append(("Bachelor project", "final_project", project_ec, None, project))
            else:
                core, options = [c for c, _l in taught[:8]], [c for c, _l in taught[8:]]
                groups.append(("Core courses", "compulsory", sum(ec[c] for c in core), None,
                               core))
                groups.append(("Specialisation electives", "choice", 24, None, options))
                project_ec = sum(ec[c] for c in project)
                used = sum(g[2] for g in groups) + project_ec
                groups.append(("Free electives", "electives", 120 - used, None, []))
                groups.append(("Master thesis", "final_project", project_ec, None, project))
            for position, (title, kind, min_ec, min_level, courses) in enumerate(groups, 1):
                gid = self.b.add(m.RequirementGroup, programme_id=prog_ids[code],
                                 position=position, kind=kind, title=title,
                                 min_ec=float(min_ec), min_level=min_level)
                for i, cid in enumerate(courses, 1):
                    self.b.add(m.RequirementCourse, group_id=gid, course_id=cid, position=i)

    def demo_results(self, me: int, master: int, held: int, programme_courses: dict) -> None:
        """Results besides s1234567's block-1 exams: her Academic and Professional Skills ("V",
        no number), a grade registered but not released yet (she does not see it until
        then), the master student's first year, and the Mathematics student's first exams."""
        cs = {c_i: cid for cid, c_i, _cat, _lvl in programme_courses["BSC-CS"]}
        self.result(me, self.course_ids["4031APSKY"], self.now.date() - timedelta(days=14),
                    mark="V")
        self.result(me, cs[8], self.now.date() - timedelta(days=5), grade=7.0,
                    hidden_until=at(self.now.date() + timedelta(days=4), "09:00"))
        last_year = self.calendar(self.start_year - 1)
        ict = {c_i: cid for cid, c_i, _cat, _lvl in programme_courses["MSC-ICTIB"]}
        for c_i, grade in ((4, 7.0), (5, 8.5), (6, 6.0), (7, 7.5), (8, 5.0), (9, 6.5)):
            term = "sem1_exam" if c_i % 2 == 0 else "sem2_exam"
            self.result(master, ict[c_i], last_year[term] + timedelta(days=c_i % 5),
                        grade=grade)
        self.result(master, ict[8], last_year["sem2_exam"] + timedelta(weeks=5, days=3),
                    grade=6.0, component="Resit", attempt=2)
        maths = {c_i: cid for cid, c_i, _cat, _lvl in programme_courses["BSC-MATH"]}
        for c_i, grade in ((0, 6.5), (1, 7.0), (2, 5.5), (3, 4.0)):
            self.result(held, maths[c_i], last_year["sem1_exam"] + timedelta(days=c_i),
                        grade=grade)

    # ------------------------------------------------------------------ petitions
    def demo_petitions(self, student_id: int) -> None:
        """Three petitions of the master student s7654321, relative to the clock: one
        "Approved" (with the Board's explanation and a registered grade), one "In progress"
        (external education, 7.5 EC rounded down to 7) and one "Submitted" (an HBO course at
        level 300 with the signed HBO Elective Course Form). Also an honours class, to show that
        honours courses cannot be electives."""
        self.add_course("4000HONSSE", "Honours Class: Science, Society and Ethics", 5, 400, None,
                        honours=True)
        board = "board"
        now = self.now

        def day(offset: int, hhmm: str = "10:00") -> datetime:
            return at(now.date() + timedelta(days=offset), hhmm)

        def petition(kind: str, status: str, submitted: datetime, **values) -> int:
            row = dict(student_id=student_id, petition_type=kind, status=status, course_id=None,
                       course_url=None, submitted_at=submitted, updated_at=submitted,
                       advice=None, decision=None, decided_at=None, decided_by=None,
                       decision_number=None, decision_type=None, decided_ec=None,
                       decided_level=None, decided_institution=None, board_explanation=None,
                       grade_entered=None, grade=None, grade_registered_at=None,
                       withdraw_reason=None)
            row.update(values)
            return self.b.add(m.Petition, **row)

        def event(pid: int, when: datetime, status: str, title: str, actor: str,
                  note: str = "") -> None:
            self.b.add(m.PetitionEvent, petition_id=pid, at=when, status=status, title=title,
                       note=note, actor=actor)

        def message(when: datetime, subject: str, body: str, read: bool) -> None:
            self.b.add(m.Message, student_id=student_id, category="petition", subject=subject,
                       body=body, created_at=when, read_at=when + timedelta(hours=3) if read
                       else None)

        advice_text = ("The Media Technology board supports the petition: the course fits the "
                       "student's graduation project.")
        # 1. Approved: an elective at TU Delft, decided, grade 7.3 registered as 7.5.
        submitted, advised, decided, graded = day(-95), day(-82, "15:00"), day(-75), day(-3)
        number = f"{academic_year_code(decided)[2:4]}-{academic_year_code(decided)[7:9]} LIACS 129"
        explanation = (f"{number}, Individueel besluit: approved, 5 EC, level 500, "
                       "Delft University of Technology.")
        p1 = petition("Elective course", "Approved", submitted,
                      course_name="Human-Computer Interaction Design",
                      institution="Delft University of Technology", institution_type="University",
                      level=500, ec_entered=5.0, ec=5, course_start=(day(-68)).date(),
                      motivation="HCI design methods prepare my graduation project on citizen "
                                 "portals; Leiden does not teach this course.",
                      course_url="https://studiegids.tudelft.nl/IN4315",
                      updated_at=graded, advice=advice_text, decision="approved",
                      decided_at=decided, decided_by=board, decision_number=number,
                      decision_type="Individueel besluit", decided_ec=5, decided_level=500,
                      decided_institution="Delft University of Technology",
                      board_explanation=explanation, grade_entered=7.3, grade=7.5,
                      grade_registered_at=graded)
        self.b.add(m.PetitionDocument, petition_id=p1, kind="Document",
                   path="~/Documents/petitions/tudelft-in4315-course-description.pdf",
                   added_at=submitted)
        event(p1, submitted, "Submitted", "Submitted", DEMO_MASTER)
        event(p1, advised, "In progress", "Advice programme board", board, advice_text)
        event(p1, decided, "In progress", "Decision Board of Examiners: approved", board,
              explanation)
        event(p1, graded, "Approved", "Grade registered",
              board, "The grade 7.3 on the transcript is registered as 7.5 (rounded to the "
                     "nearest half point).")
        label = ("Elective course: Human-Computer Interaction Design, Delft University of "
                 "Technology")
        message(submitted, "Petition 000001 submitted: Elective course",
                f"We received your petition 000001 ({label}). Its status is \"Submitted\".", True)
        message(advised, "Petition 000001 is in progress",
                "The programme board has discussed your petition 000001 and passed its advice "
                "to the Board of Examiners. Status: \"In progress\".", True)
        message(decided, "Petition 000001 approved by the Board of Examiners",
                f"Explanation Board of Examiners: {explanation} The status stays \"In progress\" "
                "until your grade is registered. Approval does not enrol you: enrol for the "
                "course and the exam in uSis yourself.", True)
        message(graded, "Petition 000001: Approved",
                "Your grade for Human-Computer Interaction Design has been registered: 7.5. The "
                "grade 7.3 on the transcript is registered as 7.5 (rounded to the nearest half "
                "point). Petition 000001 now has status \"Approved\".", False)

        # 2. In progress: external education in Copenhagen, 7.5 EC becomes 7 EC.
        submitted, advised = day(-20, "11:30"), day(-6, "16:00")
        p2 = petition("External education", "In progress", submitted,
                      course_name="Digital Platform Strategy",
                      institution="Copenhagen Business School", institution_type="University",
                      level=500, ec_entered=7.5, ec=7, course_start=day(70).date(),
                      motivation="Exchange semester at CBS; platform strategy complements IT "
                                 "Governance and my thesis on public digital platforms.",
                      course_url="https://kursuskatalog.cbs.dk/KAN-CDSCV1801U",
                      updated_at=advised, advice=advice_text)
        self.b.add(m.PetitionDocument, petition_id=p2, kind="Document",
                   path="~/Documents/exchange/cbs-learning-agreement.pdf", added_at=submitted)
        rounding = ("7.5 EC becomes 7 EC: Leiden University does not accept half credits and "
                    "always rounds down.")
        event(p2, submitted, "Submitted", "Submitted", DEMO_MASTER, rounding)
        event(p2, advised, "In progress", "Advice programme board", board, advice_text)
        message(submitted, "Petition 000002 submitted: External education",
                "We received your petition 000002 (External education: Digital Platform "
                f"Strategy, Copenhagen Business School). {rounding}", True)
        message(advised, "Petition 000002 is in progress",
                "The programme board has discussed your petition 000002 and passed its advice "
                "to the Board of Examiners, who will approve or reject it. Status: "
                "\"In progress\".", False)

        # 3. Submitted: an HBO course at level 300 (3 of the 5 EC below Master level).
        submitted = day(-2, "14:45")
        p3 = petition("Elective course", "Submitted", submitted,
                      course_name="Service Design Sprint", institution="Hogeschool Rotterdam",
                      institution_type="HBO", level=300, ec_entered=3.0, ec=3,
                      course_start=day(77).date(),
                      motivation="A hands-on service design course for the prototype in my "
                                 "graduation project.",
                      course_url="https://www.hogeschoolrotterdam.nl/minoren/service-design")
        self.b.add(m.PetitionDocument, petition_id=p3, kind="HBO Elective Course Form",
                   path="~/Documents/petitions/hbo-elective-course-form-signed.pdf",
                   added_at=submitted)
        event(p3, submitted, "Submitted", "Submitted", DEMO_MASTER)
        message(submitted, "Petition 000003 submitted: Elective course",
                "We received your petition 000003 (Elective course: Service Design Sprint, "
                "Hogeschool Rotterdam). Its status is \"Submitted\".", True)

    def fill(self, yid: int, prog_ids: dict, programme_courses: dict, numbers: dict,
             pw: str) -> None:
        """Classmates: fill seats per a deterministic mix of Open, nearly full, Wait List and
        Closed classes, without any classmate sitting in two clashing classes."""
        rng = self.rng
        h = self.summary.highlights
        serial = 2000001
        for code, _name, degree, _prefix, _courses in PROGRAMMES:
            pool = []
            for _ in range(FILLERS_PER_PROGRAMME):
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                pool.append(self.student(f"s{serial:07d}", name, prog_ids[code], degree, pw))
                serial += 1
            for _cid, c_i, cat, _lvl in programme_courses[code]:
                for sec in self._sections_of(yid, numbers, cat):
                    self.fill_section(sec, pool, code, c_i)
        # Minors get classmates from every programme.
        everyone = [sid for sid in self.occupied if sid > 3]
        for number, *_ in MINORS:
            sec = self.by_number[(yid, number)]
            target = {"1047": sec.capacity - 2, "1053": sec.capacity, "1051": sec.capacity,
                      "1052": sec.capacity - 37}.get(number, sec.capacity // 2)
            waiting = {"1053": 6, "1051": sec.waitlist_capacity}.get(number, 0)
            self.seat(sec, everyone, target, waiting)
        h.setdefault("minor_open", "1052")
        h.setdefault("minor_nearly_full", "1047")
        h.setdefault("minor_wait_list", "1053")
        h.setdefault("minor_closed", "1051")
        h.setdefault("minor_not_yet_open", "1061")
        h.setdefault("minor_period_closed", "1048")

    # ------------------------------------------------------------------ minors: placement
    def minor_applications(self, yid: int, prog_ids: dict, pw: str) -> None:
        """The selection minors' applications this year. The classmates seated in a selection
        minor were placed; selection minor 1048 has three places left and five applications
        waiting for the placement outcome, in ranked order (services/minors.py: first choices
        in the order of applying, then second choices), so the Board can place them: the
        demo student s3456789 (ranked second) among them."""
        h = self.summary.highlights
        for number, _cat, _title, mtype, _ec, _parts in MINORS:
            if mtype != "selection":
                continue
            sec = self.by_number[(yid, number)]
            row = self.b.rows[m.ClassSection][sec.id - 1]
            minor_id = self.minor_id(sec)
            for k, sid in enumerate(sorted(self.enrolled_in.get(sec.id, set()))):
                applied = row["enrol_opens_at"] + timedelta(hours=2 + k)
                self.b.add(m.MinorApplication, student_id=sid, minor_id=minor_id,
                           academic_year_id=yid, status="placed", choice=1,
                           applied_at=applied, updated_at=row["enrol_closes_at"])
        sec = self.by_number[(yid, "1048")]
        row = self.b.rows[m.ClassSection][sec.id - 1]
        row["capacity"] = row["enrolled_count"] + 3  # three places left for five waiting
        minor_id = self.minor_id(sec)
        minor_sections = {self.by_number[(yid, number)].id for number, *_ in MINORS}
        in_a_minor = {e["student_id"] for e in self.b.rows[m.Enrolment]
                      if e["section_id"] in minor_sections and e["status"] == "enrolled"}
        students = self.b.rows[m.Student]

        def free(sid: int) -> bool:
            return sid not in in_a_minor and self.can_sit(sid, sec)

        def first_of(programme: str) -> int:
            return next(r["id"] for r in students if 3 < r["id"] < me and free(r["id"])
                        and r["programme_id"] == prog_ids[programme])

        me = self.student(DEMO_APPLICANT, "Lotte Smit", prog_ids["BSC-BIO"], "bachelor", pw)
        # wait-listed for Human Evolution (1053), then applied for 1048 as a second choice
        wait_listed = self.by_number[(yid, "1053")]
        second = next(e["student_id"] for e in self.b.rows[m.Enrolment]
                      if e["section_id"] == wait_listed.id and e["status"] == "waitlisted"
                      and free(e["student_id"]))
        human_evolution = self.minor_id(wait_listed)
        ranked = [(first_of("BSC-BIO"), 76, 1), (me, 71, 1), (first_of("BSC-CS"), 63, 1),
                  (first_of("BSC-PHYS"), 40, 1), (second, 10, 2)]
        for sid, days_ago, choice in ranked:
            applied = at(self.now.date() - timedelta(days=days_ago), "10:15")
            if choice == 2:
                self.b.add(m.MinorApplication, student_id=sid, minor_id=human_evolution,
                           academic_year_id=yid, status="waitlisted", choice=1,
                           applied_at=applied - timedelta(days=5),
                           updated_at=applied - timedelta(days=5))
            self.b.add(m.MinorApplication, student_id=sid, minor_id=minor_id,
                       academic_year_id=yid, status="waiting_for_placement", choice=choice,
                       applied_at=applied, updated_at=applied)
        applied = at(self.now.date() - timedelta(days=71), "10:15")
        self.b.add(m.Message, student_id=me, category="minor",
                   subject="Minor application: 4000MCOADN Computational approach to Disease, "
                           "Signalling and Drug Targets (Lecture, class 1048)",
                   body="Your application for selection minor 1048 Computational approach to "
                        "Disease, Signalling and Drug Targets has been received: Waiting for "
                        "placement outcome. Places are allocated by selection, not by order; "
                        "you are told the outcome here.",
                   created_at=applied, read_at=applied + timedelta(hours=1))
        h.setdefault("minor_placement", "1048")

    def minor_id(self, sec: _Section) -> int:
        return next(r["id"] for r in self.b.rows[m.Minor] if r["course_id"] == sec.course_idx)

    def lde_minors(self, yid: int, programme_id: int | None) -> None:
        """The LDE minors the seed lists as coming: offered next academic year, registration
        3-31 May (the seed's dates for LDE + EUR/TUD minors)."""
        win = self.minor_registration("lde")
        for i, (number, cat, title, mtype, ec, _parts) in enumerate(LDE_MINORS):
            cid = self.add_course(cat, title, ec, 300, programme_id)
            self.b.add(m.Minor, course_id=cid, minor_type=mtype)
            self.add_section(yid, number, cid, "Lecture", capacity=90, waitlist_capacity=25,
                             window=win, period=self.period_of(win),
                             instructor=INSTRUCTORS[(i + 11) % len(INSTRUCTORS)])

    def confirm_exams(self, me: int, provisional: int = 2) -> None:
        """Exam enrolments are provisional until confirmed (services/exams.py): everyone's are
        confirmed, except the demo student's ``provisional`` next ones whose deadline (10 days
        before the exam, 23:59) is still ahead, so her To Do List asks her to confirm them."""
        exam_day: dict[int, date] = {}
        for row in self.b.rows[m.Meeting]:
            day = exam_day.get(row["section_id"])
            exam_day[row["section_id"]] = min(day, row["start_date"]) if day else row["start_date"]
        exams = {s.id for s in self.sections if s.component in ("Exam", "Resit")}
        mine = sorted((exam_day[e["section_id"]], e["id"]) for e in self.b.rows[m.Enrolment]
                      if e["student_id"] == me and e["section_id"] in exams
                      and at(exam_day[e["section_id"]] - timedelta(days=10), "23:59") > self.now)
        leave = {eid for _day, eid in mine[:provisional]}
        for e in self.b.rows[m.Enrolment]:
            if (e["section_id"] in exams and e["status"] == "enrolled"
                    and e["id"] not in leave):
                day = exam_day[e["section_id"]]
                self.b.add(m.ExamConfirmation, enrolment_id=e["id"], status="confirmed",
                           deadline_at=at(day - timedelta(days=10), "23:59"),
                           confirmed_at=e["enrolled_at"], expired_at=None)

    #: More tutorial groups for three second-semester courses of Computer Science, published
    #: later (so their class numbers are 19xx): the choice that the schedule assistant works
    #: with (a Friday group and a group on another day, one of them in a gap of s1234567's week).
    EXTRA_GROUPS = (("4031CNETY", (("1901", 4, 2), ("1902", 2, 0))),
                    ("4031CCONY", (("1903", 4, 0), ("1904", 0, 3))),
                    ("4031IPROY", (("1905", 3, 1), ("1906", 4, 2))))

    def extra_groups(self, year_id: int, numbers: dict) -> None:
        cal = self.calendar(self.start_year)
        for cat, groups in self.EXTRA_GROUPS:
            if (year_id, cat) not in numbers:
                continue
            lecture = self.by_number[(year_id, numbers[(year_id, cat)][0])]
            for k, (number, day, slot) in enumerate(groups):
                self.add_section(
                    year_id, number, lecture.course_idx, "Tutorial", capacity=24,
                    waitlist_capacity=8, window=self.window(lecture.period, 0),
                    period=lecture.period, section=str(3 + k), parent_id=lecture.id,
                    instructor=INSTRUCTORS[(k + len(cat)) % len(INSTRUCTORS)],
                    meetings=[self.weekly("sem2", day, slot, cal["sem2"], cal["sem2_end"],
                                          ROOMS[(k + 5) % len(ROOMS)])])

    def fill_section(self, sec: _Section, pool: list[int], code: str, c_i: int) -> None:
        rng = self.rng
        h = self.summary.highlights
        if sec.component in ("Exam", "Resit"):
            self.seat(sec, pool, int(sec.capacity * rng.uniform(0.05, 0.4)), 0)
            return
        roll = rng.random()
        protected = code == "BSC-CS" and sec.component == "Lecture"
        # Highlights are what a trainer shows as s1234567 (student id 1): only classes she
        # is not in and that do not clash with her timetable, so only the named rule applies.
        if not self.can_sit(1, sec):
            h = {}
        if roll < 0.12 and not protected and sec.period == "open":
            self.seat(sec, pool, sec.capacity - rng.randint(1, 2), 0)
            h.setdefault("nearly_full", sec.class_number)
        elif roll < 0.22 and not protected and sec.waitlist_capacity:
            self.seat(sec, pool, sec.capacity, rng.randint(1, min(4, sec.waitlist_capacity)))
            if sec.period == "open":
                h.setdefault("wait_list", sec.class_number)
        elif roll < 0.27 and not protected:
            self.seat(sec, pool, sec.capacity, sec.waitlist_capacity)
            if sec.period == "open":
                h.setdefault("closed", sec.class_number)
                self.b.add(m.PermissionNumber, section_id=sec.id,
                           number=str(40000 + sec.id * 13 % 50000), student_id=None,
                           used_by_id=None, used_at=None)
                h.setdefault("permission", f"{sec.class_number}:{40000 + sec.id * 13 % 50000}")
        else:
            self.seat(sec, pool, int(sec.capacity * rng.uniform(0.1, 0.75)), 0)
        if sec.period == "not_yet_open":
            h.setdefault("not_yet_open", sec.class_number)
        elif sec.period == "closed":
            h.setdefault("period_closed", sec.class_number)

    def seat(self, sec: _Section, pool: list[int], enrolled: int, waiting: int) -> None:
        candidates = [s for s in pool if self.can_sit(s, sec)]
        self.rng.shuffle(candidates)
        base = self.now - timedelta(days=20)
        already = len(self.enrolled_in.get(sec.id, set()))
        for k, sid in enumerate(candidates[:max(0, enrolled - already)]):
            self.enrol(sid, sec, "enrolled", base + timedelta(minutes=k))
        rest = [s for s in candidates[max(0, enrolled - already):] if self.can_sit(s, sec)]
        for k, sid in enumerate(rest[:waiting]):
            self.enrol(sid, sec, "waitlisted", base + timedelta(days=5, minutes=k), position=k + 1)

    def scale(self, year_id: int, prog_ids: dict, size: int) -> None:
        """Synthetic courses until there are ``size`` sections; extra sections go to earlier
        academic years once a year's 4-digit class numbers run out."""
        used = {n for (yid, n) in self.by_number if yid == year_id}
        free = iter([f"{n:04d}" for n in range(1000, 10000) if f"{n:04d}" not in used])
        year, offset = year_id, 0
        cal = self.calendar(self.start_year)
        codes = list(prog_ids)
        k = 0
        while len(self.b.rows[m.ClassSection]) < size:
            code = codes[k % len(codes)]
            prefix = next(p for c, _n, _d, p, _cs in PROGRAMMES if c == code)
            cid = self.add_course(f"{prefix}S{k:05d}", f"Special Topics {k + 1}", 6,
                                  300 + 100 * (k % 3), prog_ids[code])
            term = "sem1" if k % 2 == 0 else "sem2"
            for component, slot_shift, cap in (("Lecture", 0, 200), ("Tutorial", 1, 30),
                                               ("Tutorial", 2, 30), ("Exam", 0, 220),
                                               ("Resit", 0, 150)):
                number = next(free, None)
                if number is None:
                    offset -= 1
                    year = self.add_year(self.start_year + offset)
                    free = iter([f"{n:04d}" for n in range(1000, 10000)])
                    number = next(free)
                day, slot = (k + slot_shift) % 5, (k // 5 + slot_shift) % 4
                if component in ("Exam", "Resit"):
                    exam = cal[f"{term}_exam"] + timedelta(days=k % 5,
                                                           weeks=6 if component == "Resit" else 0)
                    meetings = [self.single(exam, "09:00", "12:00", EXAM_ROOMS[k % 4])]
                else:
                    meetings = [self.weekly(term, day, slot, cal[term], cal[f"{term}_end"],
                                            ROOMS[k % len(ROOMS)])]
                self.add_section(year, number, cid, component, capacity=cap,
                                 waitlist_capacity=20 if component != "Exam" else 0,
                                 window=self.window("open", 0 if year == year_id else -1),
                                 period="open", instructor=INSTRUCTORS[k % len(INSTRUCTORS)],
                                 meetings=meetings)
            k += 1


def seed_demo(db: Database, now: datetime, *, size: int | None = None, seed: int = 1575,
              progress: Progress | None = None) -> DemoSummary:
    """Create the schema if needed and write the demo data. The database must be empty."""
    if not db.has_schema():
        db.create_schema()
    else:
        from .. import migrations

        migrations.refuse_unknown_revision(db)
    gen = DemoGenerator(now, seed=seed, size=size)
    summary = gen.build()
    gen.b.write(db, progress)
    return summary
