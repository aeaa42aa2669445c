"""The enrolment hot path (registration day: benchmarks/rush.py). Same rules, fewer costs.

``EnrolmentService.enrol`` tries this first; it returns ``None`` (and has written nothing) for
whatever it does not handle, and the ORM path in enrolment.py then does the whole call:

* a refused call (unknown student or class, no classes): the ORM path raises the error and
  writes the "refused" audit entry;
* a permission number, a minor, or a part of a minor (minor applications, selection minors);
* the student's enrolments changed between the two transactions below (another session).

Two transactions on one pooled DBAPI connection, with Core statements compiled once
(``Database.prepared``):

1. read (deferred ``BEGIN`` on SQLite, so it never waits for writers): the student, their
   enrolment rows, the requested and enrolled classes with course, year, parent, requisite
   course and meetings, their enrolment holds and (only for a resit or a requisite) exam results;
2. write (``BEGIN IMMEDIATE`` on SQLite; on PostgreSQL ``SELECT ... FOR NO KEY UPDATE`` on the
   student's row, so that two sessions of one student take turns, then ``SELECT ... FOR UPDATE``
   on the class rows in id order): re-read what can change while others enrol - the class rows'
   seats, counters, capacity and enrolment period, and the student's enrolment rows - take ``now``,
   judge every class with ``rules.evaluate`` (the one rule function; plain objects instead of
   ORM rows), then write the enrolment rows, the counters, the cart clean-up, the messages and
   one audit entry per class with executemany, and commit.

Catalogue data (titles, meetings, requisites), holds and exam results are read in step 1: an
edit by staff committed between the two steps counts as made just after this enrolment.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import cast

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import aliased

from ..db import Database, RawConnection
from ..i18n import N_, _, account_language
from ..models import (
    AcademicYear,
    AuditEntry,
    CartItem,
    ClassSection,
    Course,
    Enrolment,
    Hold,
    Meeting,
    Message,
    Minor,
    Student,
)
from .enrol_messages import (
    enrolled_message,
    enrolled_msg,
    waitlisted_message,
    waitlisted_msg,
)
from .rules import Grade, StudentState, Verdict, evaluate, grades_by_course, results_stmt
from .schemas import EnrolRequest, EnrolResult

ACTIVE = ("enrolled", "waitlisted")


# ------------------------------------------------------------------ plain objects for the rules
# They stand in for the ORM rows that ``rules.evaluate`` and enrol_messages.py read (duck
# typing: each carries the attributes read there, with the models' types); where they are
# handed over, they are cast to the models.
class _Student:
    __slots__ = ("id", "language", "student_number")
    id: int
    language: str | None
    student_number: str
    session_student = False  # a classroom's session student takes the ORM path

    def __init__(self, ident: int, student_number: str, language: str | None = None) -> None:
        self.id, self.student_number, self.language = ident, student_number, language


class _Minor:
    __slots__ = ("id",)
    id: int

    def __init__(self, ident: int) -> None:
        self.id = ident


class _Course:
    __slots__ = ("catalogue_number", "ec", "id", "minor", "title")
    id: int
    catalogue_number: str
    title: str
    ec: float
    minor: _Minor | None

    def __init__(self, ident: int, catalogue_number: str, title: str, ec: float = 0.0,
                 minor: _Minor | None = None) -> None:
        self.id, self.catalogue_number, self.title, self.ec, self.minor = (
            ident, catalogue_number, title, ec, minor)


class _Year:
    __slots__ = ("code", "id", "max_ec")
    id: int
    code: str
    max_ec: int | None
    label = AcademicYear.label

    def __init__(self, ident: int, code: str, max_ec: int | None) -> None:
        self.id, self.code, self.max_ec = ident, code, max_ec


class _Meeting:
    __slots__ = ("end_date", "end_time", "room", "start_date", "start_time", "weekday", "weeks")
    weekday: int
    start_time: time
    end_time: time
    room: str | None
    start_date: date
    end_date: date
    weeks: str | None
    dates = Meeting.dates
    days_times = Meeting.days_times


class _Section:
    __slots__ = (
        "academic_year_id",
        "capacity",
        "class_number",
        "component",
        "course",
        "course_id",
        "enrol_closes_at",
        "enrol_opens_at",
        "enrolled_count",
        "id",
        "meetings",
        "parent",
        "parent_id",
        "requires_course",
        "requires_course_id",
        "waitlist_capacity",
        "waitlist_count",
        "year",
    )
    id: int
    academic_year_id: int
    class_number: str
    course_id: int
    component: str
    capacity: int
    waitlist_capacity: int
    enrolled_count: int
    waitlist_count: int
    enrol_opens_at: datetime
    enrol_closes_at: datetime
    parent_id: int | None
    requires_course_id: int | None
    course: _Course
    requires_course: _Course | None
    parent: _Section | None
    meetings: list[_Meeting]
    year: _Year  # (not set on a parent: the rules read only its id, number and course)
    status = ClassSection.status


class _Enrolment:
    __slots__ = ("id", "section", "section_id", "status", "waitlist_position")
    id: int
    section_id: int
    status: str
    waitlist_position: int | None
    section: _Section

    def __init__(self, ident: int, section_id: int, status: str, waitlist_position: int | None,
                 section: _Section) -> None:
        self.id, self.section_id, self.status = ident, section_id, status
        self.waitlist_position, self.section = waitlist_position, section


class _Hold:
    __slots__ = ("ends_at", "kind", "reason", "starts_at")
    kind: str
    reason: str
    starts_at: datetime
    ends_at: datetime | None

    def __init__(self, kind: str, reason: str, starts_at: datetime,
                 ends_at: datetime | None) -> None:
        self.kind, self.reason, self.starts_at, self.ends_at = kind, reason, starts_at, ends_at


# ------------------------------------------------------------------ statements
def _in(column, n: int):
    return column.in_([bindparam(f"i{k}") for k in range(n)])


_IN_FIELDS = {n: tuple(f"i{k}" for k in range(n)) for n in (4, 8, 16, 32, 64)}


def _bucket(ids: list[int]) -> tuple[int, tuple, tuple[str, ...]]:
    """Pad an IN list to 4, 8, 16, ... entries (repeating the last id) so that few statement
    variants are compiled (and prepared by PostgreSQL): (n, values, their field names)."""
    n = 4
    while n < len(ids):
        n *= 2
    fields = _IN_FIELDS.get(n) or tuple(f"i{k}" for k in range(n))
    return n, (*ids, *[ids[-1]] * (n - len(ids))), fields


def _student_stmt():
    return (select(Student.id, Student.language, Student.session_student)
            .where(Student.student_number == bindparam("n")))


def _mine_stmt():
    return (select(Enrolment.id, Enrolment.section_id, Enrolment.status,
                   Enrolment.waitlist_position)
            .where(Enrolment.student_id == bindparam("st")).order_by(Enrolment.id))


def _sections_stmt(n: int):
    parent = aliased(ClassSection)
    parent_minor = aliased(Minor)
    return (select(ClassSection.id, ClassSection.academic_year_id, ClassSection.class_number,
                   ClassSection.course_id, ClassSection.component, ClassSection.capacity,
                   ClassSection.waitlist_capacity, ClassSection.enrolled_count,
                   ClassSection.waitlist_count, ClassSection.enrol_opens_at,
                   ClassSection.enrol_closes_at, ClassSection.parent_id,
                   ClassSection.requires_course_id,
                   Course.catalogue_number, Course.title, Course.ec, Minor.id,
                   AcademicYear.code, AcademicYear.max_ec, parent_minor.id)
            .join(Course, Course.id == ClassSection.course_id)
            .join(AcademicYear, AcademicYear.id == ClassSection.academic_year_id)
            .outerjoin(Minor, Minor.course_id == ClassSection.course_id)
            .outerjoin(parent, parent.id == ClassSection.parent_id)
            .outerjoin(parent_minor, parent_minor.course_id == parent.course_id)
            .where(_in(ClassSection.id, n)))


def _links_stmt():
    """A linked class's parent, or its requisite course (rare: read only when present)."""
    return (select(ClassSection.class_number, ClassSection.course_id, Course.catalogue_number,
                   Course.title)
            .join(Course, Course.id == ClassSection.course_id)
            .where(ClassSection.id == bindparam("sid")))


def _course_stmt():
    return (select(Course.catalogue_number, Course.title)
            .where(Course.id == bindparam("cid")))


def _meetings_stmt(n: int):
    return (select(Meeting.section_id, Meeting.weekday, Meeting.start_time, Meeting.end_time,
                   Meeting.room, Meeting.start_date, Meeting.end_date, Meeting.weeks)
            .where(_in(Meeting.section_id, n)).order_by(Meeting.id))


def _holds_stmt():
    return (select(Hold.kind, Hold.reason, Hold.starts_at, Hold.ends_at)
            .where(Hold.student_id == bindparam("st"), Hold.blocks_enrolment.is_(True))
            .order_by(Hold.id))


def _lock_student_stmt():
    """The student's row, locked first (PostgreSQL; see services/base.get_student): one
    student's sessions enrol one after the other."""
    return (select(Student.id).where(Student.id == bindparam("st"))
            .with_for_update(key_share=True))


def _lock_stmt(n: int):
    """The class rows under the write lock (FOR UPDATE on PostgreSQL, in id order)."""
    return (select(ClassSection.id, ClassSection.capacity, ClassSection.waitlist_capacity,
                   ClassSection.enrolled_count, ClassSection.waitlist_count,
                   ClassSection.enrol_opens_at, ClassSection.enrol_closes_at)
            .where(_in(ClassSection.id, n)).order_by(ClassSection.id).with_for_update())


def _insert_enrolment_stmt():
    return insert(Enrolment).values(
        student_id=bindparam("p_student"), section_id=bindparam("p_section"),
        status=bindparam("p_status"), waitlist_position=bindparam("p_position"),
        permission_number=None, created_at=bindparam("p_now"),
        enrolled_at=bindparam("p_enrolled_at"), waitlisted_at=bindparam("p_waitlisted_at"),
        dropped_at=None, drop_reason=None)


def _reuse_enrolled_stmt():
    """An earlier (dropped) row of the student for this class becomes the enrolment."""
    return (update(Enrolment).where(Enrolment.id == bindparam("p_id"))
            .values(status="enrolled", waitlist_position=None, enrolled_at=bindparam("p_now"),
                    dropped_at=None, drop_reason=None))


def _reuse_waitlisted_stmt():
    return (update(Enrolment).where(Enrolment.id == bindparam("p_id"))
            .values(status="waitlisted", waitlist_position=bindparam("p_position"),
                    waitlisted_at=bindparam("p_now"), dropped_at=None, drop_reason=None))


def _counters_stmt():
    return (update(ClassSection).where(ClassSection.id == bindparam("p_id"))
            .values(enrolled_count=ClassSection.enrolled_count + bindparam("p_enrolled"),
                    waitlist_count=ClassSection.waitlist_count + bindparam("p_waitlisted")))


def _cart_stmt():
    return delete(CartItem).where(CartItem.student_id == bindparam("p_student"),
                                  CartItem.section_id == bindparam("p_section"))


def _message_stmt():
    return insert(Message).values(
        student_id=bindparam("p_student"), category=bindparam("p_category"),
        subject=bindparam("p_subject"), body=bindparam("p_body"),
        created_at=bindparam("p_now"), read_at=None)


def _audit_stmt():
    return insert(AuditEntry).values(
        at=bindparam("p_at"), actor=bindparam("p_actor"), acting_for=bindparam("p_for"),
        action=bindparam("p_action"), detail=bindparam("p_detail"),
        outcome=bindparam("p_outcome"))


# ------------------------------------------------------------------ loading
def _load_sections(conn: RawConnection, db: Database, ids: list[int]) -> dict[int, _Section]:
    n, params, fields = _bucket(ids)
    sections: dict[int, _Section] = {}
    years: dict[int, _Year] = {}
    courses: dict[int, _Course] = {}
    for (sid, year_id, number, course_id, component, cap, wl_cap, enrolled, waiting, opens,
         closes, parent_id, requires_id, cat, title, ec, minor_id, year_code, max_ec,
         pminor_id) in conn.all(db.prepared(("fast.sections", n), lambda: _sections_stmt(n)),
                                params, fields):
        s = _Section()
        s.id, s.academic_year_id, s.class_number, s.course_id = sid, year_id, number, course_id
        s.component, s.capacity, s.waitlist_capacity = component, cap, wl_cap
        s.enrolled_count, s.waitlist_count = enrolled, waiting
        s.enrol_opens_at, s.enrol_closes_at = opens, closes
        s.parent_id, s.requires_course_id = parent_id, requires_id
        course = courses.get(course_id)
        if course is None:
            course = courses[course_id] = _Course(
                course_id, cat, title, ec, _Minor(minor_id) if minor_id is not None else None)
        s.course = course
        s.requires_course = None
        if requires_id is not None:
            rcat, rtitle = conn.all(db.prepared("fast.course", _course_stmt),
                                    {"cid": requires_id})[0]
            s.requires_course = _Course(requires_id, rcat, rtitle)
        s.parent = None
        if parent_id is not None:
            pnumber, pcourse_id, pcat, ptitle = conn.all(
                db.prepared("fast.links", _links_stmt), {"sid": parent_id})[0]
            p = _Section()
            p.id, p.class_number, p.course_id, p.academic_year_id = (
                parent_id, pnumber, pcourse_id, year_id)
            p.course = _Course(pcourse_id, pcat, ptitle, 0.0,
                               _Minor(pminor_id) if pminor_id is not None else None)
            p.parent = p.requires_course = None
            p.meetings = []
            s.parent = p
        year = years.get(year_id)
        if year is None:
            year = years[year_id] = _Year(year_id, year_code, max_ec)
        s.year = year
        s.meetings = []
        sections[sid] = s
    n, params, fields = _bucket(list(sections) or ids)
    for (sid, weekday, start, end, room, start_date, end_date, weeks) in conn.all(
            db.prepared(("fast.meetings", n), lambda: _meetings_stmt(n)), params, fields):
        m = _Meeting()
        m.weekday, m.start_time, m.end_time, m.room = weekday, start, end, room
        m.start_date, m.end_date, m.weeks = start_date, end_date, weeks
        sections[sid].meetings.append(m)
    return sections


def _handled(requests: Sequence[EnrolRequest]) -> bool:
    return bool(requests) and not any(
        r.permission_number and r.permission_number.strip() for r in requests)


# ------------------------------------------------------------------ the call
def enrol_fast(service, student_number: str, requests: Sequence[EnrolRequest], *,
               all_or_nothing: bool, from_cart: bool,
               actor: str | None) -> list[EnrolResult] | None:
    """``EnrolmentService.enrol`` for the common case, or None (nothing written) for the rest."""
    if not _handled(requests):
        return None
    ctx = service.ctx
    db: Database = ctx.db
    ids = list(dict.fromkeys(r.section_id for r in requests))
    with db.raw() as conn:
        # 1. Read: everything the rules need, outside the write lock.
        conn.begin_read()
        found = conn.all(db.prepared("fast.student", _student_stmt), {"n": student_number})
        if not found:
            return None  # unknown student: the ORM path refuses it (and audits that)
        student_id, language = found[0][0], found[0][1]
        if found[0][2]:
            return None  # a classroom's session student: its own seats (the ORM path)
        mine = conn.all(db.prepared("fast.mine", _mine_stmt), {"st": student_id})
        active_before = {(sid, status) for _id, sid, status, _pos in mine if status in ACTIVE}
        wanted = ids + [sid for sid, _st in sorted(active_before) if sid not in set(ids)]
        sections = _load_sections(conn, db, wanted)
        for sid in ids:
            s = sections.get(sid)
            if s is None or s.course.minor is not None or (
                    s.parent is not None and s.parent.course.minor is not None):
                return None  # unknown class, or a minor (part): the ORM path
        holds = [_Hold(*h) for h in conn.all(db.prepared("fast.holds", _holds_stmt),
                                               {"st": student_id})]
        results: dict[int, list[Grade]] = {}
        if any(sections[sid].component == "Resit" or sections[sid].requires_course_id
               for sid in ids):
            results = grades_by_course(conn.all(db.prepared("fast.results", results_stmt),
                                                {"st": student_id}))
        conn.rollback()

        # 2. Write: lock, re-read what others can change, judge, write, commit.
        conn.begin_write()
        # the student's row first (SQLite: BEGIN IMMEDIATE holds every other writer already)
        if not conn.sqlite and not conn.all(db.prepared("fast.lock_student", _lock_student_stmt),
                                            {"st": student_id}):
            return None  # the student was removed meanwhile: the ORM path says so
        locked = sorted(ids)
        n, params, fields = _bucket(locked)
        rows = conn.all(db.prepared(("fast.lock", n), lambda: _lock_stmt(n)), params, fields)
        if len(rows) != len(locked):
            return None  # a class was deleted meanwhile: the ORM path says so
        for sid, cap, wl_cap, enrolled, waiting, opens, closes in rows:
            s = sections[sid]
            s.capacity, s.waitlist_capacity, s.enrolled_count, s.waitlist_count = (
                cap, wl_cap, enrolled, waiting)
            s.enrol_opens_at, s.enrol_closes_at = opens, closes
        now = ctx.now()  # after the lock: timestamps follow the order of arrival
        mine = conn.all(db.prepared("fast.mine", _mine_stmt), {"st": student_id})
        if {(sid, status) for _id, sid, status, _pos in mine if status in ACTIVE} != active_before:
            return None  # the student enrolled elsewhere meanwhile: the ORM path, under the lock
        rows_by_section = {sid: (eid, status) for eid, sid, status, _pos in mine}
        active = {sid: _Enrolment(eid, sid, status, pos, sections[sid])
                  for eid, sid, status, pos in mine if status in ACTIVE}
        # the plain objects as the models the rules are typed for (see above)
        state = StudentState(
            student=cast(Student, _Student(student_id, student_number, language)),
            active=cast("dict[int, Enrolment]", active),
            results=results, holds=cast("list[Hold]", holds))
        verdicts: list[Verdict] = []
        for req in requests:
            section = sections[req.section_id]
            # no session: there is no permission number and no minor here (see _handled and
            # the minor check above), the only rules that query
            verdict = evaluate(None, state, cast(ClassSection, section),
                               cast(AcademicYear, section.year), now,
                               wait_list_ok=req.wait_list_ok)
            if verdict.ok:
                state.pending.append(verdict)
            verdicts.append(verdict)
        lines = _write(service, conn, db, student_id, verdicts, rows_by_section, now,
                       all_or_nothing=all_or_nothing, from_cart=from_cart,
                       student_number=student_number, actor=actor,
                       lang=account_language(language))
        conn.commit()
    # The result lines (pydantic) after the commit: not while holding the write lock.
    result = service._result
    return [result(v, position=position, message=message, outcome=outcome)
            for v, position, message, outcome in lines]


ALL_OR_NOTHING_MSG = N_("Not enrolled: another class in this all-or-nothing enrolment was "
                        "refused, so none was processed.")


def _write(service, conn: RawConnection, db: Database, student_id: int, verdicts: list[Verdict],
           rows_by_section: dict[int, tuple[int, str]], now: datetime, *,
           all_or_nothing: bool, from_cart: bool, student_number: str,
           actor: str | None, lang: str | None = None) -> list[tuple]:
    """Write the accepted verdicts; returns (verdict, position, message, outcome) per line, with
    the messages and outcomes of ``EnrolmentService._result``; the message-centre messages in
    ``lang``, the student's."""
    failed = any(not v.ok for v in verdicts)
    lines: list[tuple] = []
    audit: list[tuple[str, str]] = []  # (detail, outcome) as services/audit.py records them
    # (section, status, position, enrolled_at, waitlisted_at)
    inserts: list[tuple[int, str, int | None, datetime | None, datetime | None]] = []
    reuse_enrolled: list[dict[str, object]] = []
    reuse_waitlisted: list[dict[str, object]] = []
    messages: list[tuple[str, str]] = []
    applied: list[int] = []
    counters: dict[int, list[int]] = {}
    for verdict in verdicts:
        section = verdict.section
        if verdict.ok and all_or_nothing and failed:
            lines.append((verdict, None, _(ALL_OR_NOTHING_MSG), "failed"))
            audit.append((f"class {section.class_number}: {_(ALL_OR_NOTHING_MSG)}", "failed"))
            continue
        if not verdict.ok:
            message = verdict.problems[0].message
            lines.append((verdict, None, message, None))
            audit.append((f"class {section.class_number}: {message}",
                           "refused" if verdict.problems else "failed"))
            continue
        existing = rows_by_section.get(section.id)
        delta = counters.setdefault(section.id, [0, 0])
        if verdict.outcome == "enrolled":
            section.enrolled_count += 1
            delta[0] += 1
            position = None
            if existing is None:
                inserts.append((section.id, "enrolled", None, now, None))
            else:
                reuse_enrolled.append({"p_id": existing[0], "p_now": now})
            subject, body = enrolled_message(section, lang)
            message = enrolled_msg()
        else:
            section.waitlist_count += 1
            delta[1] += 1
            position = section.waitlist_count
            if existing is None:
                inserts.append((section.id, "waitlisted", position, None, now))
            else:
                reuse_waitlisted.append({"p_id": existing[0], "p_position": position,
                                         "p_now": now})
            subject, body = waitlisted_message(section, position, lang)
            message = waitlisted_msg(position)
        messages.append((subject, body))
        applied.append(section.id)
        lines.append((verdict, position, message, None))
        audit.append((f"class {section.class_number}: {message}", "ok"))
    conn.executemany(db.prepared("fast.insert_enrolment", _insert_enrolment_stmt),
                     [(student_id, *row, now) for row in inserts],
                     ("p_student", "p_section", "p_status", "p_position", "p_enrolled_at",
                      "p_waitlisted_at", "p_now"))
    conn.executemany(db.prepared("fast.reuse_enrolled", _reuse_enrolled_stmt), reuse_enrolled)
    conn.executemany(db.prepared("fast.reuse_waitlisted", _reuse_waitlisted_stmt),
                     reuse_waitlisted)
    conn.executemany(db.prepared("fast.counters", _counters_stmt),
                     [(sid, *d) for sid, d in counters.items()],
                     ("p_id", "p_enrolled", "p_waitlisted"))
    if from_cart:
        conn.executemany(db.prepared("fast.cart", _cart_stmt),
                         [(student_id, sid) for sid in applied], ("p_student", "p_section"))
    conn.executemany(db.prepared("fast.message", _message_stmt),
                     [(student_id, "enrolment", subject, body, now)
                      for subject, body in messages],
                     ("p_student", "p_category", "p_subject", "p_body", "p_now"))
    # The audit trail: one entry per class, as services/audit.py's Step.record writes them.
    acting_for = (student_number or "").strip().lower()
    who = (actor or acting_for)[:40]
    at = service.ctx.now()
    acting_for_col = acting_for[:40] or None
    conn.executemany(db.prepared("fast.audit", _audit_stmt),
                     [(at, who, acting_for_col, "enrol", detail, outcome)
                      for detail, outcome in audit],
                     ("p_at", "p_actor", "p_for", "p_action", "p_detail", "p_outcome"))
    return lines


__all__ = ["enrol_fast"]
