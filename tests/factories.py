"""A small scenario builder on top of the ORM, for service-level tests.

    sc = Scenario.create(tmp_path / "usis.db")
    s = sc.student()
    lec = sc.section("1234", capacity=2, meets=[(0, "09:00", "10:45")])
    usis = Usis(sc.db, clock=lambda: NOW)

Every helper writes in its own transaction and returns plain references (ids, numbers), so
tests never hold ORM objects across sessions. Checks of the database state live here too:
``dump`` (every row of every table), ``counts`` and ``check_invariants``.
"""

from __future__ import annotations

import functools
import itertools
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from usis_tui.db import READ_ONLY, Database
from usis_tui.models import (
    AcademicYear,
    Base,
    ClassSection,
    Course,
    Enrolment,
    ExamResult,
    Hold,
    Meeting,
    Minor,
    PermissionNumber,
    Programme,
    StaffUser,
    Student,
)
from usis_tui.services.rules import first_clash
from usis_tui.services.schemas import EnrolRequest

NOW = datetime(2026, 9, 7, 10, 0)  # a Monday, enrolment open
YEAR = "2026-2027"
PASSWORD = "correct horse"
SEMESTER_1 = (date(2026, 9, 1), date(2026, 12, 18))


@functools.cache
def password_hash() -> str:
    """scrypt is slow on purpose: hash once per process and reuse."""
    from usis_tui.services.auth import hash_password

    return hash_password(PASSWORD)


def hhmm(value: str | time) -> time:
    return value if isinstance(value, time) else time.fromisoformat(value)


@dataclass(frozen=True)
class StudentRef:
    id: int
    number: str


@dataclass(frozen=True)
class SectionRef:
    id: int
    number: str
    course_id: int


class Scenario:
    """Builds rows; numbers (students, catalogue numbers) are generated unless given."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._seq = itertools.count(1)
        self._years: dict[str, int] = {}
        self._programme: int | None = None

    @classmethod
    def create(cls, path: Path | str) -> Scenario:
        db = Database(f"sqlite:///{path}")
        db.create_schema()
        return cls(db)

    # ------------------------------------------------------------------ people
    def year(self, code: str = YEAR, *, max_ec: int | None = None) -> int:
        if code in self._years and max_ec is None:
            return self._years[code]
        start = int(code[:4])
        with self.db.write() as s:
            row = s.scalar(select(AcademicYear).where(AcademicYear.code == code))
            if row is None:
                row = AcademicYear(code=code, starts_on=date(start, 9, 1),
                                   ends_on=date(start + 1, 8, 31))
                s.add(row)
            row.max_ec = max_ec
            s.flush()
            self._years[code] = row.id
        return self._years[code]

    def programme(self, code: str = "BSc-INF", name: str = "Computer Science",
                  degree: str = "bachelor") -> int:
        with self.db.write() as s:
            row = s.scalar(select(Programme).where(Programme.code == code))
            if row is None:
                row = Programme(code=code, name=name, degree=degree)
                s.add(row)
                s.flush()
            if self._programme is None:
                self._programme = row.id
            return row.id

    def default_programme(self) -> int:
        return self._programme if self._programme is not None else self.programme()

    def student(self, number: str | None = None, *, name: str | None = None,
                programme: int | None = None) -> StudentRef:
        n = next(self._seq)
        number = number or f"s{1000000 + n:07d}"
        programme = programme or self.default_programme()
        with self.db.write() as s:
            row = Student(student_number=number, name=name or f"Student {n}",
                          email=f"{number}@vuw.leidenuniv.nl", programme_id=programme,
                          degree="bachelor", password_hash=password_hash())
            s.add(row)
            s.flush()
            return StudentRef(row.id, number)

    def staff(self, username: str = "helpdesk", role: str = "support") -> str:
        with self.db.write() as s:
            s.add(StaffUser(username=username, name=username.title(), role=role,
                            password_hash=password_hash()))
        return username

    # ------------------------------------------------------------------ catalogue
    def course(self, catalogue_number: str | None = None, *, title: str | None = None,
               ec: float = 5, level: int = 100, programme: int | None = None,
               brightspace: bool = True) -> int:
        n = next(self._seq)
        catalogue_number = catalogue_number or f"4{n:03d}CRS"
        with self.db.write() as s:
            row = Course(catalogue_number=catalogue_number.upper(), title=title or f"Course {n}",
                         ec=ec, level=level, programme_id=programme or self.default_programme(),
                         brightspace_id=f"bs{n}" if brightspace else None,
                         brightspace_url=f"https://brightspace.universiteitleiden.nl/d2l/home/{n}"
                         if brightspace else None)
            s.add(row)
            s.flush()
            return row.id

    def section(self, class_number: str, *, course: int | None = None,
                component: str = "Lecture", capacity: int = 10, waitlist_capacity: int = 5,
                opens: datetime | None = None, closes: datetime | None = None,
                instructor: str | None = None, parent: SectionRef | None = None,
                requires: int | None = None, year: str = YEAR,
                meets: list[tuple] = (), **course_kw) -> SectionRef:
        """A class. ``meets``: (weekday, "HH:MM", "HH:MM"[, start_date, end_date[, weeks]])."""
        course = course if course is not None else self.course(**course_kw)
        year_id = self.year(year)
        with self.db.write() as s:
            row = ClassSection(
                academic_year_id=year_id, class_number=class_number, course_id=course,
                component=component, capacity=capacity, waitlist_capacity=waitlist_capacity,
                instructor=instructor,
                enrol_opens_at=opens or NOW - timedelta(days=7),
                enrol_closes_at=closes or NOW + timedelta(days=14),
                parent_id=parent.id if parent else None, requires_course_id=requires)
            s.add(row)
            s.flush()
            ref = SectionRef(row.id, class_number, course)
        for m in meets:
            self.meeting(ref, *m)
        return ref

    def meeting(self, section: SectionRef, weekday: int, start: str | time, end: str | time,
                start_date: date = SEMESTER_1[0], end_date: date = SEMESTER_1[1],
                weeks: str | None = None, room: str | None = "Gorlaeus C1") -> int:
        with self.db.write() as s:
            row = Meeting(section_id=section.id, weekday=weekday, start_time=hhmm(start),
                          end_time=hhmm(end), start_date=start_date, end_date=end_date,
                          weeks=weeks, room=room)
            s.add(row)
            s.flush()
            return row.id

    def minor(self, class_number: str, *, minor_type: str = "leiden", capacity: int = 10,
              waitlist_capacity: int = 5, ec: float = 30, title: str | None = None,
              catalogue_number: str | None = None, **kw) -> SectionRef:
        course = self.course(catalogue_number, title=title or f"Minor {class_number}", ec=ec,
                             level=300)
        with self.db.write() as s:
            s.add(Minor(course_id=course, minor_type=minor_type))
        return self.section(class_number, course=course, capacity=capacity,
                            waitlist_capacity=waitlist_capacity, **kw)

    def minor_part(self, minor: SectionRef, class_number: str, *, ec: float = 15,
                   **kw) -> SectionRef:
        return self.section(class_number, parent=minor, ec=ec, **kw)

    # ------------------------------------------------------------------ records
    def result(self, student: StudentRef, course: int, grade: float,
               exam_date: date = date(2026, 6, 20)) -> None:
        with self.db.write() as s:
            s.add(ExamResult(student_id=student.id, course_id=course, grade=grade,
                             exam_date=exam_date))

    def hold(self, student: StudentRef, *, kind: str = "Tuition fees not paid",
             reason: str = "Pay your tuition fees via Studielink.", blocks: bool = True,
             starts: datetime | None = None, ends: datetime | None = None) -> None:
        with self.db.write() as s:
            s.add(Hold(student_id=student.id, kind=kind, reason=reason, blocks_enrolment=blocks,
                       starts_at=starts or NOW - timedelta(days=30), ends_at=ends))

    def permission(self, section: SectionRef, number: str = "PN1234", *,
                   student: StudentRef | None = None) -> str:
        with self.db.write() as s:
            s.add(PermissionNumber(section_id=section.id, number=number,
                                   student_id=student.id if student else None))
        return number

    def fill(self, section: SectionRef, n: int | None = None) -> list[StudentRef]:
        """Enrol ``n`` new students directly (default: up to capacity), keeping counts right."""
        with self.db.read() as s:
            row = s.get(ClassSection, section.id)
            n = row.capacity - row.enrolled_count if n is None else n
        students = [self.student() for _ in range(n)]
        with self.db.write() as s:
            row = s.get(ClassSection, section.id)
            for st in students:
                s.add(Enrolment(student_id=st.id, section_id=section.id, status="enrolled",
                                created_at=NOW, enrolled_at=NOW))
            row.enrolled_count += n
        return students


def req(section: SectionRef, *, wait: bool = False, pn: str | None = None) -> EnrolRequest:
    return EnrolRequest(section_id=section.id, wait_list_ok=wait, permission_number=pn)


# ---------------------------------------------------------------------- state checks
@contextmanager
def unchanged(db: Database):
    """Asserts that the block leaves every row of every table as it was."""
    before = dump(db)
    yield
    after = dump(db)
    changed = [name for name in before if before[name] != after[name]]
    assert not changed, f"refused operation changed tables {changed}"


#: what a complete sign-in writes: the time step of the code it accepted, a recovery code
#: used up (services/mfa.py)
SIGN_IN_COLUMNS = ("mfa_last_step", "mfa_recovery")


def dump(db: Database, *, audit: bool = False, sign_in: bool = False) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: equal dumps mean an unchanged database.

    The audit trail is left out unless ``audit``: a refused operation writes its audit entry
    (and nothing else), see tests/unit/test_audit.py. ``sign_in``: leave out what signing in
    with a code writes (SIGN_IN_COLUMNS), for a command run with ``--user`` by staff."""
    out = {}
    with db.engine.connect().execution_options(**{READ_ONLY: True}) as conn:  # no write lock
        for table in Base.metadata.sorted_tables:
            if table.name == "audit_entry" and not audit:
                continue
            # plain SQL: fast even on a fresh engine (no statement compilation)
            result = conn.exec_driver_sql(f"SELECT * FROM {table.name}")
            keep = [i for i, name in enumerate(result.keys())
                    if not (sign_in and name in SIGN_IN_COLUMNS)]
            out[table.name] = sorted((tuple(r[i] for i in keep) for r in result.all()),
                                     key=repr)
    return out


def counts(db: Database) -> dict[str, int]:
    return {name: len(rows) for name, rows in dump(db).items()}


def section_row(db: Database, section: SectionRef | int) -> ClassSection:
    sid = section if isinstance(section, int) else section.id
    with db.read() as s:
        row = s.get(ClassSection, sid)
        s.expunge(row)  # detached, not expired by the read's rollback
        return row


def enrolments(db: Database, section: SectionRef | int, status: str | None = None
               ) -> list[Enrolment]:
    sid = section if isinstance(section, int) else section.id
    with db.read() as s:
        stmt = select(Enrolment).where(Enrolment.section_id == sid)
        if status:
            stmt = stmt.where(Enrolment.status == status)
        rows = list(s.scalars(stmt.order_by(Enrolment.waitlist_position, Enrolment.id)))
        s.expunge_all()
        return rows


def status_of(db: Database, student: StudentRef,
              section: SectionRef) -> tuple[str | None, int | None]:
    with db.read() as s:
        row = s.scalar(select(Enrolment).where(Enrolment.student_id == student.id,
                                               Enrolment.section_id == section.id))
        return (row.status, row.waitlist_position) if row else (None, None)


def waitlist(db: Database, section: SectionRef | int) -> list[tuple[int, int]]:
    """(position, student id) of the wait list, in position order."""
    return [(e.waitlist_position, e.student_id) for e in enrolments(db, section, "waitlisted")]


def check_invariants(db: Database, *, allow_over_capacity: bool = False) -> None:
    """The seat invariants every service call must keep. Raises AssertionError.

    Per class: enrolled_count/waitlist_count equal the rows, enrolled <= capacity (unless
    permission numbers were used), wait list within its capacity with positions 1..n in
    first-come-first-served order (waitlisted_at), nobody twice. Per student: no two enrolled
    classes of the same year whose meetings really clash.
    """
    with db.read() as s:
        sections = {sec.id: sec for sec in s.scalars(
            select(ClassSection).options(selectinload(ClassSection.meetings)))}
        rows: dict[int, list[Enrolment]] = {sid: [] for sid in sections}
        for e in s.scalars(select(Enrolment)):
            rows[e.section_id].append(e)
        by_student: dict[int, list[ClassSection]] = {}
        for sid, sec in sections.items():
            enrolled = [r for r in rows[sid] if r.status == "enrolled"]
            waiting = sorted((r for r in rows[sid] if r.status == "waitlisted"),
                             key=lambda r: r.waitlist_position)
            n = sec.class_number
            assert sec.enrolled_count == len(enrolled), f"{n}: enrolled_count out of sync"
            assert sec.waitlist_count == len(waiting), f"{n}: waitlist_count out of sync"
            if not allow_over_capacity:
                assert len(enrolled) <= sec.capacity, f"{n}: overbooked"
            assert len(waiting) <= sec.waitlist_capacity, f"{n}: wait list overbooked"
            assert [r.waitlist_position for r in waiting] == list(range(1, len(waiting) + 1)), (
                f"{n}: wait list positions not 1..n")
            stamps = [r.waitlisted_at for r in waiting]
            assert stamps == sorted(stamps), f"{n}: wait list not first come first served"
            students = [r.student_id for r in rows[sid] if r.status != "dropped"]
            assert len(students) == len(set(students)), f"{n}: a student is in twice"
            for r in enrolled:
                by_student.setdefault(r.student_id, []).append(sec)
        for student_id, secs in by_student.items():
            for i, a in enumerate(secs):
                for b in secs[i + 1:]:
                    if a.academic_year_id == b.academic_year_id:
                        assert first_clash(a, b) is None, (
                            f"student {student_id} enrolled in clashing {a.class_number} and "
                            f"{b.class_number}")


# ---------------------------------------------------------------------- concurrency
def shared_clock(t0: datetime):
    """NOW plus the real time elapsed since ``t0``: one timeline for every process."""
    return lambda: NOW + (datetime.now() - t0)


def enrol_worker(url: str, student_numbers: list[str], section_id: int, barrier, results,
                 t0: datetime) -> None:
    """Runs in a spawned process: wait for the others, then enrol each student (wait list ok)
    and put (student number, outcome, position, message) on ``results``."""
    from usis_tui.services import Usis

    usis = Usis(Database(url), clock=shared_clock(t0))
    usis.catalogue.get(section_id)  # connect and warm up before the start signal
    barrier.wait(timeout=60)
    try:
        for number in student_numbers:
            [r] = usis.enrolment.enrol(number, [EnrolRequest(section_id=section_id,
                                                             wait_list_ok=True)])
            results.put((number, r.outcome, r.waitlist_position, r.message))
    except Exception as exc:  # reported to the parent, which fails the test
        results.put(("error", repr(exc), None, ""))
    finally:
        usis.close()


def drop_worker(url: str, student_numbers: list[str], section_id: int, barrier, results,
                t0: datetime) -> None:
    from usis_tui.services import Usis

    usis = Usis(Database(url), clock=shared_clock(t0))
    usis.catalogue.get(section_id)
    barrier.wait(timeout=60)
    try:
        for number in student_numbers:
            r = usis.enrolment.drop(number, section_id)
            results.put((number, "dropped", r.promoted, r.message))
    except Exception as exc:
        results.put(("error", repr(exc), None, ""))
    finally:
        usis.close()


def one_student_worker(url: str, rounds: list[tuple[str, str, int, int | None]], barrier,
                       results, t0: datetime) -> None:
    """Runs in a spawned process: each round (student number, how, section id, from section
    id) waits for the other process, then acts for that student at the same moment: "fast" or
    "orm" enrol (enrol_fast.py or the ORM path), "cart" (Enrol all from the Shopping cart),
    "swap" (from section -> section) or "drop". Puts (student number, section id, ok, message).
    """
    from usis_tui.services import Usis

    usis = Usis(Database(url), clock=shared_clock(t0))
    usis.catalogue.get(rounds[0][2])  # connect and warm up before the first round
    try:
        for number, how, section_id, from_id in rounds:
            usis.enrolment.fast = how != "orm"  # "cart" goes through enrol() too
            barrier.wait(timeout=60)
            if how == "swap":
                r = usis.enrolment.swap(number, from_id, section_id)
                results.put((number, section_id, r.ok, r.message))
            elif how == "drop":  # another student's drop: promotes the first on the wait list
                d = usis.enrolment.drop(number, section_id)
                results.put((number, section_id, True, d.message))
            elif how == "cart":
                [item] = [i for i in usis.cart.list(number) if i.cls.section_id == section_id]
                [r] = usis.cart.enrol(number, [item.item_id])
                results.put((number, section_id, r.ok, r.message))
            else:
                [r] = usis.enrolment.enrol(number, [EnrolRequest(section_id=section_id)])
                results.put((number, section_id, r.ok, r.message))
    except Exception as exc:  # reported to the parent, which fails the test
        results.put(("error", repr(exc), None, ""))
    finally:
        usis.close()


def open_selection_minor(url: str, number: str = "1054") -> None:
    """The demo keeps selection minors closed at the clock: open one like 1052's window."""
    from sqlalchemy import create_engine, select, update
    from sqlalchemy.orm import Session

    from usis_tui.models import ClassSection

    engine = create_engine(url)
    try:
        with Session(engine) as s, s.begin():
            ref = s.execute(select(ClassSection.academic_year_id, ClassSection.enrol_opens_at,
                                   ClassSection.enrol_closes_at)
                            .where(ClassSection.class_number == "1052")
                            .order_by(ClassSection.academic_year_id)).first()
            s.execute(update(ClassSection).where(
                ClassSection.class_number == number,
                ClassSection.academic_year_id == ref.academic_year_id,
            ).values(enrol_opens_at=ref.enrol_opens_at, enrol_closes_at=ref.enrol_closes_at))
    finally:
        engine.dispose()
