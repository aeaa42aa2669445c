"""Registration-day rush: N students submit a cart of 5-6 classes at the opening minute.

    python benchmarks/rush.py [--students 5000] [--workers 2] [--backend sqlite|postgresql|both]
                              [--pg-url URL] [--size 50000] [--seed 1575] [--dir DIR]

The catalogue is the demo catalogue scaled with ``seed_demo(size=...)``. N extra students are
bulk-inserted (one shared password hash) with their cart already filled. Each cart holds one
"popular" class (popular classes receive 5x their free seats in requests) plus 4-5 classes spread
over the rest of the open catalogue, chosen so that a cart has no time clash with itself.

Per backend, two runs on identical copies of the same database, each from W spawned worker
processes that start together at a barrier:

* service: ``EnrolmentService.enrol(student, [EnrolRequest(..., wait_list_ok=True)])``, one call
  per cart (the real code path: rules, messages, audit trail, cart clean-up);
* floor: the same transaction in plain SQL (sqlite3 / psycopg), see ``FloorCart``: the same two
  transactions as the service's hot path (read what the rules need; then lock the class rows,
  re-read seats and the student's enrolments, judge, write), the same checks (duplicate,
  wait list, enrolment period, holds, requisites, time clash with the student's classes, EC
  cap, seats and wait list) and the same rows (enrolments, counters, cart items, messages with
  the same text, one audit entry per class with the same detail).

Afterwards each database is checked: overbooked classes (``enrolled_count > capacity`` or more
enrolled rows than capacity), counters that disagree with the rows, and wait-list order
(positions 1..n without gaps, and in arrival order: by ``waitlisted_at`` and by enrolment id,
which follow the order in which writers take the class row's lock). ``same_rows`` compares the
service's and the floor's databases: the same enrolments per class, counters, cart items,
messages and audit entries (all but timestamps and which student got which seat).

The importable functions (``prepare``, ``run_service``, ``run_floor``, ``check``, ``rush``) are
used by tests/bench/test_rush.py.
"""

from __future__ import annotations

import argparse
import fcntl
import multiprocessing as mp
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

OPENING = datetime(2026, 11, 23, 9, 0)  # "the opening minute" (inside the demo's open window)
STUDENT_BASE = 5_000_000  # extra students are s5000000, s5000001, ...
OVERSUBSCRIPTION = 5
CTX = mp.get_context("spawn")
SA_DATETIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a DateTime in SQLite


# ---------------------------------------------------------------------------- databases
@dataclass(frozen=True)
class Target:
    """One database: a SQLite file or a PostgreSQL database (SQLAlchemy URL + libpq DSN)."""

    backend: str  # "sqlite" | "postgresql"
    path: str = ""  # SQLite file
    url: str = ""  # PostgreSQL SQLAlchemy URL
    dsn: str = ""  # PostgreSQL libpq DSN

    @property
    def sqlalchemy_url(self) -> str:
        return f"sqlite:///{self.path}" if self.backend == "sqlite" else self.url


class Dbapi:
    """A plain DBAPI connection (sqlite3 or psycopg) with ``?`` placeholders everywhere."""

    def __init__(self, target: Target) -> None:
        self.sqlite = target.backend == "sqlite"
        if self.sqlite:
            self.conn = sqlite3.connect(target.path, isolation_level=None, timeout=30)
            for pragma in ("foreign_keys=ON", "busy_timeout=30000", "journal_mode=WAL",
                           "synchronous=NORMAL"):
                self.conn.execute(f"PRAGMA {pragma}")
            # Writers queue on the same blocking file lock as the service (usis_tui/db.py
            # RawConnection.begin_write) instead of SQLite's sleeping busy handler.
            self.gate = os.open(f"{target.path}-writers", os.O_RDWR | os.O_CREAT, 0o644)
        else:
            import psycopg

            self.conn = psycopg.connect(target.dsn)
        self.cur = self.conn.cursor()
        self._sql: dict[str, str] = {}

    def q(self, sql: str) -> str:
        if self.sqlite:
            return sql
        found = self._sql.get(sql)
        if found is None:
            found = self._sql[sql] = sql.replace("?", "%s")
        return found

    def all(self, sql: str, params=()) -> list:
        self.cur.execute(self.q(sql), params)
        return self.cur.fetchall()

    def one(self, sql: str, params=()):
        self.cur.execute(self.q(sql), params)
        return self.cur.fetchone()

    def many(self, sql: str, rows: list) -> None:
        if rows:
            self.cur.executemany(self.q(sql), rows)

    def begin_read(self) -> None:
        if self.sqlite:
            self.cur.execute("BEGIN")

    def begin_write(self) -> None:
        if self.sqlite:
            fcntl.flock(self.gate, fcntl.LOCK_EX)
            self.cur.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        if self.sqlite:
            self.cur.execute("COMMIT")
            fcntl.flock(self.gate, fcntl.LOCK_UN)
        else:
            self.conn.commit()

    def rollback(self) -> None:
        if self.sqlite:
            if self.conn.in_transaction:
                self.cur.execute("ROLLBACK")
            fcntl.flock(self.gate, fcntl.LOCK_UN)
        else:
            self.conn.rollback()

    def ts(self, value: datetime):
        """A timestamp parameter, stored as SQLAlchemy stores it."""
        return value.strftime(SA_DATETIME) if self.sqlite else value

    def close(self) -> None:
        self.conn.close()
        if self.sqlite:
            os.close(self.gate)


def _in(n: int) -> str:
    return "(" + ", ".join("?" * n) + ")"


# ---------------------------------------------------------------------------- preparation
@dataclass
class Prepared:
    target: Target  # the seeded template database (copied per run)
    carts: list[tuple[str, list[int]]]  # (student number, section ids)
    popular: list[int]
    sections: int
    seed_s: float
    students_s: float

    @property
    def path(self) -> Path:  # the SQLite template (tests)
        return Path(self.target.path)


def _candidates(db: Dbapi, now: datetime) -> list[tuple[int, int, int, frozenset]]:
    """Open classes a fresh student can take: (section id, capacity, free seats, clash keys)."""
    rows = db.all(
        """SELECT s.id, s.capacity, s.enrolled_count, m.weekday, m.start_time, m.end_date
           FROM class_section s
           JOIN course c ON c.id = s.course_id
           LEFT JOIN minor mi ON mi.course_id = c.id
           JOIN meeting m ON m.section_id = s.id
           WHERE s.component IN ('Lecture', 'Tutorial', 'Practical', 'Seminar', 'Workshop')
             AND s.parent_id IS NULL AND s.requires_course_id IS NULL AND mi.id IS NULL
             AND s.enrol_opens_at <= ? AND s.enrol_closes_at >= ?
           ORDER BY s.id, m.id""", (db.ts(now), db.ts(now)))
    out: dict[int, list] = {}
    for sid, cap, enrolled, weekday, start, end_date in rows:
        entry = out.setdefault(sid, [sid, cap, cap - enrolled, set()])
        # Meetings of one term share their end date; one key per weekly slot.
        entry[3].add((weekday, str(start), str(end_date)))
    return [(sid, cap, free, frozenset(keys)) for sid, cap, free, keys in out.values()]


def make_carts(candidates: list[tuple[int, int, int, frozenset]], students: int,
               rng: random.Random) -> tuple[list[list[int]], list[int]]:
    """One popular class per cart (5x its free seats in requests) plus 4-5 others, no clashes."""
    tutorials = [c for c in candidates if 10 <= c[2] <= 40]
    rng.shuffle(tutorials)
    popular: list[tuple] = []
    load = 0
    for c in tutorials:
        if load >= students:
            break
        popular.append(c)
        load += OVERSUBSCRIPTION * c[2]
    if not popular or len(candidates) - len(popular) < 10:
        raise ValueError(f"the catalogue has too few open classes ({len(candidates)}) for a rush: "
                         "use a larger --size")
    # Every cart gets a popular class; popular class i gets 5x its free seats (the last one
    # takes what is left over, so it may be less).
    slots: list[tuple] = []
    for c in popular:
        slots += [c] * (OVERSUBSCRIPTION * c[2])
    slots = slots[:students]
    while len(slots) < students:  # catalogue too small: oversubscribe more
        slots.append(popular[len(slots) % len(popular)])
    rng.shuffle(slots)
    popular_ids = {c[0] for c in popular}
    others = [c for c in candidates if c[0] not in popular_ids]
    carts = []
    for first in slots:
        cart, keys = [first[0]], set(first[3])
        want = rng.choice((5, 6))
        tries = 0
        while len(cart) < want and tries < 60:
            tries += 1
            c = others[rng.randrange(len(others))]
            if c[0] in cart or keys & c[3]:
                continue
            cart.append(c[0])
            keys |= c[3]
        rng.shuffle(cart)
        carts.append(cart)
    return carts, sorted(popular_ids)


def add_students(db: Dbapi, count: int, carts: list[list[int]], now: datetime) -> list[str]:
    """Bulk-insert students (one shared password hash) and their filled shopping carts."""
    from usis_tui.services.auth import hash_password

    pw = hash_password("rush")  # hashed once, shared by every rush student
    programme = db.one("SELECT id, degree FROM programme ORDER BY id LIMIT 1")
    first_id = db.one("SELECT COALESCE(MAX(id), 0) FROM student")[0] + 1
    numbers = [f"s{STUDENT_BASE + i:07d}" for i in range(count)]
    db.begin_write()
    db.many("INSERT INTO student (id, student_number, name, email, programme_id, degree, "
            "password_hash, failed_logins, locked_until) VALUES (?, ?, ?, ?, ?, ?, ?, 0, NULL)",
            [(first_id + i, n, f"Rush Student {i}", f"{n}@vuw.leidenuniv.nl", programme[0],
              programme[1], pw) for i, n in enumerate(numbers)])
    added = db.ts(now - timedelta(days=1))
    db.many("INSERT INTO cart_item (student_id, section_id, wait_list_ok, permission_number, "
            "added_at) VALUES (?, ?, ?, NULL, ?)",
            [(first_id + i, sid, True, added) for i, cart in enumerate(carts) for sid in cart])
    if not db.sqlite:  # explicit ids do not move PostgreSQL's sequence
        db.one("SELECT setval(pg_get_serial_sequence('student', 'id'), "
               "(SELECT MAX(id) FROM student))")
    db.commit()
    return numbers


def _seed(target: Target, *, students: int, size: int, seed: int, now: datetime) -> Prepared:
    from usis_tui.data.demo import seed_demo
    from usis_tui.db import Database

    t0 = time.perf_counter()
    db = Database(target.sqlalchemy_url)
    summary = seed_demo(db, now - timedelta(minutes=1), size=size, seed=seed)
    db.dispose()
    t1 = time.perf_counter()
    conn = Dbapi(target)
    try:
        carts, popular = make_carts(_candidates(conn, now), students, random.Random(seed))
        if not conn.sqlite:
            conn.rollback()
        numbers = add_students(conn, students, carts, now)
        if conn.sqlite:
            conn.all("PRAGMA wal_checkpoint(TRUNCATE)")
        else:  # planner statistics, as a live database has them (copied with the template)
            conn.conn.autocommit = True
            conn.cur.execute("ANALYZE")
    finally:
        conn.close()
    return Prepared(target=target, carts=list(zip(numbers, carts, strict=True)), popular=popular,
                    sections=summary.sections, seed_s=t1 - t0,
                    students_s=time.perf_counter() - t1)


def prepare(directory: Path, *, students: int, size: int, seed: int = 1575,
            now: datetime = OPENING) -> Prepared:
    """Seed the scaled demo catalogue in SQLite, add the rush students and their carts."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "template.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return _seed(Target("sqlite", path=str(path)), students=students, size=size, seed=seed,
                 now=now)


def prepare_pg(cluster, *, students: int, size: int, seed: int = 1575,
               now: datetime = OPENING) -> Prepared:
    """The same on a PostgreSQL cluster (tests/support/pgcluster.py): database rush_template."""
    cluster.create_database("rush_template")
    return _seed(pg_target(cluster, "rush_template"), students=students, size=size, seed=seed,
                 now=now)


def pg_target(cluster, name: str) -> Target:
    return Target("postgresql", url=cluster.url_for(name),
                  dsn=f"host=127.0.0.1 port={cluster.port} user=postgres dbname={name}")


def copy_db(src: Path, dst: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dst}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(src, dst)
    return dst


def copy_target(prep: Prepared, name: str, *, directory: Path | None = None,
                cluster=None) -> Target:
    if prep.target.backend == "sqlite":
        assert directory is not None
        return Target("sqlite", path=str(copy_db(Path(prep.target.path), directory / f"{name}.db")))
    cluster.drop_database(name)
    cluster.create_database(name, template="rush_template")
    return pg_target(cluster, name)


# ---------------------------------------------------------------------------- workers
def _clock(t0_wall: float):
    """Opening minute + real elapsed time (wall clock: shared by all processes)."""
    return lambda: OPENING + timedelta(seconds=time.time() - t0_wall)


def _service_worker(target: Target, carts, barrier, results, t0_wall: float) -> None:
    try:
        from usis_tui.services import Usis
        from usis_tui.services.schemas import EnrolRequest

        usis = Usis.open(target.sqlalchemy_url, clock=_clock(t0_wall))
        enrol = usis.enrolment.enrol
        latencies, outcomes = [], {}
        barrier.wait()
        start = time.perf_counter()
        start_wall = time.time()
        for number, section_ids in carts:
            t = time.perf_counter()
            lines = enrol(number, [EnrolRequest(section_id=s, wait_list_ok=True)
                                   for s in section_ids])
            latencies.append(time.perf_counter() - t)
            for line in lines:
                key = line.outcome if line.outcome != "failed" else line.problems[0].code
                outcomes[key] = outcomes.get(key, 0) + 1
        results.put(("ok", start_wall, start_wall + time.perf_counter() - start, latencies,
                     outcomes))
        usis.close()
    except Exception as exc:  # noqa: BLE001 - report it, never hang the parent
        import traceback

        results.put(("error", repr(exc), traceback.format_exc()))


# ---------------------------------------------------------------------------- the floor
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PASS_GRADE = 5.5


def _day(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _dt(value) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _dates(weekday: int, start, end, weeks) -> set[date]:
    start, end = _day(start), _day(end)
    wanted = {int(w) for w in weeks.split(",")} if weeks else None
    day = start + timedelta(days=(weekday - start.weekday()) % 7)
    out = set()
    while day <= end:
        if wanted is None or day.isocalendar().week in wanted:
            out.add(day)
        day += timedelta(days=7)
    return out


def _clash(mine: list, theirs: list) -> bool:
    """Do two classes' meetings really overlap (same weekday, times, and a shared date)?"""
    for wa, sa, ea, da, fa, ka in mine:
        for wb, sb, eb, db, fb, kb in theirs:
            if wa == wb and sa < eb and sb < ea and not (fa < db or fb < da) and (
                    _dates(wa, da, fa, ka) & _dates(wb, db, fb, kb)):
                return True
    return False


class FloorCart:
    """The service's enrol transaction in plain SQL; see the module docstring."""

    SECTIONS = """SELECT s.id, s.academic_year_id, s.class_number, s.course_id, s.component,
                         s.capacity, s.waitlist_capacity, s.enrolled_count, s.waitlist_count,
                         s.enrol_opens_at, s.enrol_closes_at, s.parent_id, s.requires_course_id,
                         c.catalogue_number, c.title, c.ec, mi.id, y.code, y.max_ec,
                         pm.id
                  FROM class_section s
                  JOIN course c ON c.id = s.course_id
                  JOIN academic_year y ON y.id = s.academic_year_id
                  LEFT JOIN minor mi ON mi.course_id = s.course_id
                  LEFT JOIN class_section p ON p.id = s.parent_id
                  LEFT JOIN minor pm ON pm.course_id = p.course_id
                  WHERE s.id IN """

    def __init__(self, db: Dbapi, clock) -> None:
        self.db = db
        self.clock = clock

    def enrol(self, number: str, section_ids: list[int], outcomes: dict) -> None:
        db = self.db
        ids = list(dict.fromkeys(section_ids))
        # 1. read, outside the write lock
        db.begin_read()
        (student_id,) = db.one("SELECT id FROM student WHERE student_number = ?", (number,))
        mine = db.all("SELECT id, section_id, status, waitlist_position FROM enrolment "
                      "WHERE student_id = ? ORDER BY id", (student_id,))
        active_before = {(r[1], r[2]) for r in mine if r[2] in ("enrolled", "waitlisted")}
        wanted = ids + sorted({r[1] for r in mine if r[2] in ("enrolled", "waitlisted")}
                              - set(ids))
        sections = {r[0]: list(r) for r in db.all(self.SECTIONS + _in(len(wanted)), wanted)}
        meetings: dict[int, list] = {sid: [] for sid in sections}
        for sid, *m in db.all("SELECT section_id, weekday, start_time, end_time, start_date, "
                              "end_date, weeks FROM meeting WHERE section_id IN "
                              + _in(len(wanted)) + " ORDER BY id", wanted):
            meetings[sid].append(m)
        for sid in ids:  # the service hands these to its ORM path; the rush has none
            if sections[sid][16] is not None or sections[sid][19] is not None:
                raise NotImplementedError("the floor does not do minors")
        holds = db.all("SELECT kind, starts_at, ends_at FROM hold WHERE student_id = ? "
                       "AND blocks_enrolment = ? ORDER BY id", (student_id, True))
        results: dict[int, list[float]] = {}
        if any(sections[sid][4] == "Resit" or sections[sid][12] for sid in ids):
            for course_id, grade in db.all("SELECT course_id, grade FROM exam_result "
                                           "WHERE student_id = ? ORDER BY id", (student_id,)):
                results.setdefault(course_id, []).append(grade)
        db.rollback()

        # 2. write: lock the class rows, re-read seats and the student's enrolments
        db.begin_write()
        locked = sorted(ids)
        for sid, cap, wl_cap, enrolled, waiting, opens, closes in db.all(
                "SELECT id, capacity, waitlist_capacity, enrolled_count, waitlist_count, "
                "enrol_opens_at, enrol_closes_at FROM class_section WHERE id IN "
                + _in(len(locked)) + " ORDER BY id" + ("" if db.sqlite else " FOR UPDATE"),
                locked):
            sections[sid][5:11] = [cap, wl_cap, enrolled, waiting, opens, closes]
        now_dt = self.clock().replace(microsecond=0)
        now = db.ts(now_dt)
        mine = db.all("SELECT id, section_id, status, waitlist_position FROM enrolment "
                      "WHERE student_id = ? ORDER BY id", (student_id,))
        active = {r[1]: r for r in mine if r[2] in ("enrolled", "waitlisted")}
        if {(sid, r[2]) for sid, r in active.items()} != active_before:
            raise RuntimeError("the student's enrolments changed meanwhile")
        rows_by_section = {r[1]: r for r in mine}
        active_holds = [kind for kind, starts, ends in holds
                        if starts <= now and (ends is None or ends > now)]
        pending: list[tuple[int, str]] = []  # (section id, outcome) accepted in this cart
        inserts, reuse_enrolled, reuse_waitlisted, counters, messages, audit, applied = (
            [], [], [], [], [], [], [])
        for sid in section_ids:
            s = sections[sid]
            (_id, year_id, n, course_id, component, cap, wl_cap, enrolled, waiting, opens,
             closes, _parent, requires_id, cat, title, ec, _minor, year_code, max_ec, _pm) = s
            problems: list[tuple[str, str]] = []
            current = active.get(sid)
            if (current is not None and current[2] == "enrolled") or any(
                    p == sid for p, _o in pending):
                problems.append(("already_enrolled",
                                 "Already Enrolled in Class, Add Not Processed."))
            elif current is not None:
                problems.append(("already_waitlisted",
                                 f"Already on the Wait List for Class {n}, Add Not Processed."))
            if now < opens:
                problems.append(("not_yet_open", ("You cannot enroll at this time. Your "
                                 "enrollment appointment is in the future or open enrollment "
                                 "has not yet begun.")))
            elif now > closes:
                problems.append(("period_closed", (f"You cannot enroll at this time. Enrolment "
                                 f"for class {n} closed on {_dt(closes):%d %b %Y %H:%M}.")))
            for kind in active_holds:
                problems.append(("hold", ("You have a hold on your record that prevents "
                                 f"enrolment: {kind}.")))
            grades = results.get(course_id, [])
            if component == "Resit" and (not grades or max(grades) >= PASS_GRADE):
                problems.append(("requisites", "Requisites not met for Class, not enrolled."))
            if requires_id is not None and max(results.get(requires_id, [0.0])) < PASS_GRADE:
                problems.append(("requisites", "Requisites not met for Class, not enrolled."))
            sitting = [o for o, r in active.items() if r[2] == "enrolled"] + [
                p for p, o in pending if o == "enrolled"]
            sitting = [o for o in sitting if sections[o][1] == year_id]
            for other in sitting:
                if other != sid and _clash(meetings[sid], meetings[other]):
                    problems.append(("time_conflict", (f"Time Scheduling Conflict for class {n} "
                                     f"and {sections[other][2]}, not enrolled.")))
            if max_ec is not None:
                courses = {sections[o][3]: sections[o][15] for o in sitting}
                if course_id not in courses and sum(courses.values()) + ec > max_ec:
                    problems.append(("ec_cap", (f"Enrolling in class {n} exceeds the maximum of "
                                     f"{max_ec:g} EC for Studiejaar {year_code}, not enrolled.")))
            outcome = "enrolled"
            if enrolled >= cap:
                if waiting >= wl_cap:
                    problems.append(("class_and_waitlist_full",
                                     f"Class {n} Not Enrolled, Class And Wait List Are Full."))
                else:
                    outcome = "waitlisted"
            if problems:
                outcomes[problems[0][0]] = outcomes.get(problems[0][0], 0) + 1
                audit.append(f"class {n}: {problems[0][1]}")
                continue
            pending.append((sid, outcome))
            existing = rows_by_section.get(sid)
            what = f"{cat} {title} ({component}, class {n})"
            if outcome == "enrolled":
                s[7] += 1
                counters.append((1, 0, sid))
                if existing is None:
                    inserts.append((student_id, sid, "enrolled", None, now, now, None))
                else:
                    reuse_enrolled.append((now, existing[0]))
                messages.append((student_id, "enrolment", f"Enrolled: {what}",
                                 (f"You are enrolled in class {n}, {cat} {title}. The course "
                                 "has been added to your Brightspace courses."), now))
                audit.append(f"class {n}: Success: This class has been added to your "
                             "schedule.")
            else:
                s[8] += 1
                position = s[8]
                counters.append((0, 1, sid))
                if existing is None:
                    inserts.append((student_id, sid, "waitlisted", position, now, None, now))
                else:
                    reuse_waitlisted.append((position, now, existing[0]))
                messages.append((student_id, "enrolment", f"Wait list: {what}",
                                 (f"You are on the wait list for class {n} at position "
                                 f"{position}. You will be enrolled automatically when a seat "
                                 "frees up."), now))
                audit.append(f"class {n}: Success: This class has been added to your wait "
                             f"list (position {position}).")
            applied.append((student_id, sid))
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        db.many("INSERT INTO enrolment (student_id, section_id, status, waitlist_position, "
                "permission_number, created_at, enrolled_at, waitlisted_at, dropped_at, "
                "drop_reason) VALUES (?, ?, ?, ?, NULL, ?, ?, ?, NULL, NULL)", inserts)
        db.many("UPDATE enrolment SET status = 'enrolled', waitlist_position = NULL, "
                "enrolled_at = ?, dropped_at = NULL, drop_reason = NULL WHERE id = ?",
                reuse_enrolled)
        db.many("UPDATE enrolment SET status = 'waitlisted', waitlist_position = ?, "
                "waitlisted_at = ?, dropped_at = NULL, drop_reason = NULL WHERE id = ?",
                reuse_waitlisted)
        db.many("UPDATE class_section SET enrolled_count = enrolled_count + ?, "
                "waitlist_count = waitlist_count + ? WHERE id = ?", counters)
        db.many("DELETE FROM cart_item WHERE student_id = ? AND section_id = ?", applied)
        db.many("INSERT INTO message (student_id, category, subject, body, created_at, read_at) "
                "VALUES (?, ?, ?, ?, ?, NULL)", messages)
        at = db.ts(self.clock().replace(microsecond=0))
        db.many("INSERT INTO audit_entry (at, actor, acting_for, action, detail, outcome) "
                "VALUES (?, ?, ?, 'enrol', ?, ?)",
                [(at, number, number, detail, "ok" if ": Success" in detail else "refused")
                 for detail in audit])
        db.commit()


def _floor_worker(target: Target, carts, barrier, results, t0_wall: float) -> None:
    try:
        db = Dbapi(target)
        floor = FloorCart(db, _clock(t0_wall))
        latencies, outcomes = [], {}
        barrier.wait()
        start = time.perf_counter()
        start_wall = time.time()
        for number, section_ids in carts:
            t = time.perf_counter()
            try:
                floor.enrol(number, section_ids, outcomes)
            except BaseException:
                db.rollback()
                raise
            latencies.append(time.perf_counter() - t)
        results.put(("ok", start_wall, start_wall + time.perf_counter() - start, latencies,
                     outcomes))
        db.close()
    except Exception as exc:  # noqa: BLE001 - report it, never hang the parent
        import traceback

        results.put(("error", repr(exc), traceback.format_exc()))


# ---------------------------------------------------------------------------- runs
@dataclass
class RunResult:
    name: str
    carts: int
    items: int
    wall_s: float
    latencies: list[float]
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def items_per_s(self) -> float:
        return self.items / self.wall_s if self.wall_s else 0.0

    def pct(self, q: float) -> float:
        xs = sorted(self.latencies)
        return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else 0.0


def _run(name: str, worker, target: Target, carts, workers: int, timeout: float) -> RunResult:
    # Interleave so every worker hits the popular classes at the same time.
    shares = [carts[i::workers] for i in range(workers)]
    barrier = CTX.Barrier(workers)
    results = CTX.Queue()
    t0_wall = time.time()
    procs = [CTX.Process(target=worker, args=(target, share, barrier, results, t0_wall))
             for share in shares]
    for p in procs:
        p.start()
    out = []
    try:
        for _ in procs:
            out.append(results.get(timeout=timeout))
            if out[-1][0] == "error":
                raise RuntimeError(f"{name} worker failed: {out[-1][1]}\n{out[-1][2]}")
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    latencies = [x for r in out for x in r[3]]
    outcomes: dict[str, int] = {}
    for r in out:
        for k, v in r[4].items():
            outcomes[k] = outcomes.get(k, 0) + v
    wall = max(r[2] for r in out) - min(r[1] for r in out)
    return RunResult(name=name, carts=len(carts), items=sum(len(c) for _, c in carts),
                     wall_s=wall, latencies=latencies, outcomes=outcomes)


def _as_target(where) -> Target:
    return where if isinstance(where, Target) else Target("sqlite", path=str(where))


def run_service(where, carts, workers: int, timeout: float = 3600) -> RunResult:
    return _run("service", _service_worker, _as_target(where), carts, workers, timeout)


def run_floor(where, carts, workers: int, timeout: float = 3600) -> RunResult:
    return _run("floor", _floor_worker, _as_target(where), carts, workers, timeout)


# ---------------------------------------------------------------------------- checks
@dataclass
class Check:
    overbooked: int  # classes with enrolled_count > capacity or more enrolled rows than capacity
    count_mismatch: int  # classes whose counters disagree with their rows
    order_violations: int  # wait-list positions not 1..n or not in arrival order
    enrolled: int
    waitlisted: int


def check(where) -> Check:
    db = Dbapi(_as_target(where))
    try:
        over = db.one(
            """SELECT COUNT(*) FROM class_section s
               WHERE s.enrolled_count > s.capacity
                  OR (SELECT COUNT(*) FROM enrolment e WHERE e.section_id = s.id
                      AND e.status = 'enrolled') > s.capacity""")[0]
        mismatch = db.one(
            """SELECT COUNT(*) FROM class_section s
               WHERE s.enrolled_count != (SELECT COUNT(*) FROM enrolment e
                                          WHERE e.section_id = s.id AND e.status = 'enrolled')
                  OR s.waitlist_count != (SELECT COUNT(*) FROM enrolment e
                                          WHERE e.section_id = s.id
                                            AND e.status = 'waitlisted')""")[0]
        rows = db.all(
            """SELECT section_id, id, waitlist_position, waitlisted_at FROM enrolment
               WHERE status = 'waitlisted' ORDER BY section_id, waitlist_position, id""")
        violations = 0
        prev = None
        expected = 1
        for section_id, eid, pos, at in rows:
            if prev is None or prev[0] != section_id:
                expected = 1
                prev = None
            if pos != expected or (prev is not None and (eid < prev[1] or at < prev[2])):
                violations += 1
            expected += 1
            prev = (section_id, eid, at)
        enrolled = db.one("SELECT COUNT(*) FROM enrolment WHERE status = 'enrolled'")[0]
        waitlisted = db.one("SELECT COUNT(*) FROM enrolment WHERE status = 'waitlisted'")[0]
        return Check(overbooked=over, count_mismatch=mismatch, order_violations=violations,
                     enrolled=enrolled, waitlisted=waitlisted)
    finally:
        db.close()


SAME_ROWS = {
    "enrolments": "SELECT section_id, status, waitlist_position FROM enrolment",
    "counters": "SELECT id, enrolled_count, waitlist_count FROM class_section",
    "cart items": "SELECT section_id FROM cart_item",
    "messages": "SELECT category, subject, body FROM message",
    "audit entries": "SELECT action, detail, outcome FROM audit_entry",
    "audit entries per student": "SELECT acting_for, actor FROM audit_entry",
}


def same_rows(a, b) -> list[str]:
    """The tables in which the two databases differ (ignoring timestamps, row ids and which
    student got which seat or wait list place): [] when they agree."""
    da, dbb = Dbapi(_as_target(a)), Dbapi(_as_target(b))
    try:
        return [name for name, sql in SAME_ROWS.items()
                if Counter(map(tuple, da.all(sql))) != Counter(map(tuple, dbb.all(sql)))]
    finally:
        da.close()
        dbb.close()


# ---------------------------------------------------------------------------- the benchmark
@dataclass
class Report:
    backend: str
    service: RunResult
    floor: RunResult
    service_check: Check
    floor_check: Check
    differences: list[str]

    @property
    def ratio(self) -> float:
        return self.service.items_per_s / self.floor.items_per_s if self.floor.items_per_s else 0.0


SqliteReport = Report


def _measure(prep: Prepared, fresh, *, workers: int, floor: bool, repeat: int = 1,
             log=print) -> Report:
    """Run the service and the floor ``repeat`` times, alternating, each on fresh copies
    (``fresh(name) -> Target``): the best run of each counts (other helpers' load on this
    machine only ever slows a run down); every run's checks count."""
    best: Report | None = None
    for i in range(repeat):
        service_target = fresh("service")
        service = run_service(service_target, prep.carts, workers)
        service_check = check(service_target)
        if floor:
            floor_target = fresh("floor")
            floor_run = run_floor(floor_target, prep.carts, workers)
            rep = Report(prep.target.backend, service, floor_run, service_check,
                         check(floor_target), same_rows(service_target, floor_target))
        else:
            rep = Report(prep.target.backend, service, service, service_check, service_check, [])
        if repeat > 1:
            log(f"  run {i + 1}/{repeat}: service {service.items_per_s:,.0f} items/s, floor "
                f"{rep.floor.items_per_s:,.0f} items/s, ratio {rep.ratio:.2f}")
        if best is None:
            best = rep
            continue
        worst = [max(a, b, key=lambda c: (c.overbooked, c.count_mismatch, c.order_violations))
                 for a, b in ((best.service_check, rep.service_check),
                              (best.floor_check, rep.floor_check))]
        best = Report(prep.target.backend,
                      max(best.service, rep.service, key=lambda r: r.items_per_s),
                      max(best.floor, rep.floor, key=lambda r: r.items_per_s),
                      worst[0], worst[1], sorted(set(best.differences) | set(rep.differences)))
    assert best is not None
    return best


def _log_prep(prep: Prepared, students: int, log) -> None:
    log(f"catalogue: {prep.sections} sections (seeded in {prep.seed_s:.1f} s); "
        f"{students} students and {sum(len(c) for _, c in prep.carts)} cart items added in "
        f"{prep.students_s:.1f} s; {len(prep.popular)} popular classes oversubscribed "
        f"{OVERSUBSCRIPTION}x")


def rush(directory: Path, *, students: int, workers: int, size: int, seed: int = 1575,
         floor: bool = True, repeat: int = 1, log=print) -> tuple[Prepared, Report]:
    """The SQLite rush in ``directory``."""
    prep = prepare(directory, students=students, size=size, seed=seed)
    _log_prep(prep, students, log)
    return prep, _measure(prep, lambda name: copy_target(prep, name, directory=directory),
                          workers=workers, floor=floor, repeat=repeat, log=log)


def rush_pg(cluster, *, students: int, workers: int, size: int, seed: int = 1575,
            floor: bool = True, repeat: int = 1, log=print) -> tuple[Prepared, Report]:
    """The PostgreSQL rush on ``cluster`` (tests/support/pgcluster.py PgCluster, started)."""
    prep = prepare_pg(cluster, students=students, size=size, seed=seed)
    _log_prep(prep, students, log)
    return prep, _measure(prep, lambda name: copy_target(prep, f"rush_{name}", cluster=cluster),
                          workers=workers, floor=floor, repeat=repeat, log=log)


def postgresql_unavailable() -> str | None:
    """None if a throwaway PostgreSQL cluster can be made here; otherwise why not."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install 'psycopg[binary]')"
    try:
        from tests.support.pgcluster import find_pg_bin
    except ImportError as exc:
        return f"tests/support/pgcluster.py is missing ({exc})"
    if find_pg_bin() is None:
        return "PostgreSQL is not installed (no initdb/pg_ctl; .ci/run installs it)"
    return None


def describe_run(r: RunResult) -> str:
    outcomes = ", ".join(f"{k}={v}" for k, v in sorted(r.outcomes.items()))
    return (f"  {r.name:8s} {r.carts} carts, {r.items} items in {r.wall_s:.2f} s: "
            f"{r.items_per_s:,.0f} items/s, {r.carts / r.wall_s:,.0f} carts/s; "
            f"latency per cart p50={r.pct(0.5) * 1000:.1f} ms p99={r.pct(0.99) * 1000:.1f} ms\n"
            f"           outcomes: {outcomes}")


def describe_check(name: str, c: Check) -> str:
    return (f"  {name:8s} overbooked={c.overbooked} count_mismatch={c.count_mismatch} "
            f"order_violations={c.order_violations} (enrolled rows {c.enrolled}, "
            f"waitlisted rows {c.waitlisted})")


def _print_report(rep: Report, floor: bool) -> tuple[bool, str]:
    print(describe_run(rep.service))
    if floor:
        print(describe_run(rep.floor))
    print(describe_check("service", rep.service_check))
    if floor:
        print(describe_check("floor", rep.floor_check))
        print(f"  same rows in service and floor databases: "
              f"{'yes' if not rep.differences else 'NO: ' + ', '.join(rep.differences)}")
        print(f"  ratio service/floor = {rep.ratio:.2f}")
    c = rep.service_check
    ok = not (c.overbooked or c.order_violations or c.count_mismatch or rep.differences)
    if floor:
        f = rep.floor_check
        ok = ok and not (f.overbooked or f.order_violations or f.count_mismatch)
    line = (f"{rep.backend} items_per_s={rep.service.items_per_s:.0f} "
            f"p50_ms={rep.service.pct(0.5) * 1000:.1f} "
            f"p99_ms={rep.service.pct(0.99) * 1000:.1f}")
    if floor:
        line += (f" floor_items_per_s={rep.floor.items_per_s:.0f} ratio={rep.ratio:.2f}"
                 f" same_rows={int(not rep.differences)}")
    line += f" overbooked={c.overbooked} order_violations={c.order_violations}"
    return ok, line


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, default=5000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    ap.add_argument("--pg-url", default=os.environ.get("USIS_RUSH_PG_URL"),
                    help="unused: the PostgreSQL run makes its own throwaway cluster")
    ap.add_argument("--size", type=int, default=50_000, help="class sections in the catalogue")
    ap.add_argument("--seed", type=int, default=1575)
    ap.add_argument("--dir", type=Path, help="work directory (default: a temporary one)")
    ap.add_argument("--no-floor", action="store_true", help="skip the plain-SQL floor run")
    ap.add_argument("--repeat", type=int, default=2,
                    help="service and floor runs per backend, alternating; the best of each "
                         "counts (default 2)")
    args = ap.parse_args(argv)

    summary: list[str] = []
    ok = True
    floor = not args.no_floor
    with tempfile.TemporaryDirectory(prefix="usis-rush-") as tmp, ExitStack() as stack:
        directory = args.dir or Path(tmp)
        if args.backend in ("sqlite", "both"):
            print(f"SQLite rush: {args.students} students, {args.workers} workers, "
                  f"--size {args.size}", flush=True)
            _prep, rep = rush(directory / "sqlite", students=args.students,
                              workers=args.workers, size=args.size, seed=args.seed,
                              floor=floor, repeat=args.repeat,
                              log=lambda s: print(s, flush=True))
            good, line = _print_report(rep, floor)
            ok = ok and good
            summary.append(line)
        if args.backend in ("postgresql", "both"):
            why = postgresql_unavailable()
            if why:
                print(f"PostgreSQL rush: skipped: {why}", flush=True)
                summary.append("postgresql skipped=1")
            else:
                from tests.support.pgcluster import PgCluster

                print(f"PostgreSQL rush: {args.students} students, {args.workers} workers, "
                      f"--size {args.size} (throwaway cluster)", flush=True)
                cluster = stack.enter_context(PgCluster())
                _prep, rep = rush_pg(cluster, students=args.students, workers=args.workers,
                                     size=args.size, seed=args.seed, floor=floor,
                                     repeat=args.repeat, log=lambda s: print(s, flush=True))
                good, line = _print_report(rep, floor)
                ok = ok and good
                summary.append(line)
    print(" | ".join(summary), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
