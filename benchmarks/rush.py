"""Registration-day rush: N students submit a cart of 5-6 classes at the opening minute.

    python benchmarks/rush.py [--students 5000] [--workers 2] [--backend sqlite|postgresql|both]
                              [--pg-url URL] [--size 50000] [--seed 1575] [--dir DIR]

The catalogue is the demo catalogue scaled with ``seed_demo(size=...)``. N extra students are
bulk-inserted (one shared password hash) with their cart already filled. Each cart holds one
"popular" class (popular classes receive 5x their free seats in requests) plus 4-5 classes spread
over the rest of the open catalogue, chosen so that a cart has no time clash with itself.

Two runs on identical copies of the same database, each from W spawned worker processes that
start together at a barrier:

* service: ``EnrolmentService.enrol(student, [EnrolRequest(..., wait_list_ok=True)])``, one call
  per cart (the real code path: rules, ORM, messages, cart clean-up);
* floor: the same transactions in plain SQL with the sqlite3 module (BEGIN IMMEDIATE, read the
  class rows, check seats/wait list, insert the enrolment, update the counters, delete the cart
  item, post the message, COMMIT).

Afterwards both databases are checked: overbooked classes (``enrolled_count > capacity`` or more
enrolled rows than capacity), counters that disagree with the rows, and wait-list order
(positions 1..n without gaps, and in arrival order: by ``waitlisted_at`` and by enrolment id,
which SQLite assigns in commit order because writers are serialised).

The importable functions (``prepare``, ``run_service``, ``run_floor``, ``check``, ``rush``) are
used by tests/bench/test_rush.py.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

OPENING = datetime(2026, 11, 23, 9, 0)  # "the opening minute" (inside the demo's open window)
STUDENT_BASE = 5_000_000  # extra students are s5000000, s5000001, ...
OVERSUBSCRIPTION = 5
CTX = mp.get_context("spawn")


# ---------------------------------------------------------------------------- preparation
@dataclass
class Prepared:
    path: Path  # the seeded SQLite database (template; copied per run)
    carts: list[tuple[str, list[int]]]  # (student number, section ids)
    popular: list[int]
    sections: int
    seed_s: float
    students_s: float


def _candidates(conn: sqlite3.Connection, now: datetime) -> list[tuple[int, int, int, tuple]]:
    """Open classes a fresh student can take: (section id, capacity, free seats, clash keys)."""
    iso = now.isoformat(sep=" ")
    rows = conn.execute(
        """SELECT s.id, s.capacity, s.enrolled_count, m.weekday, m.start_time, m.end_date
           FROM class_section s
           JOIN course c ON c.id = s.course_id
           LEFT JOIN minor mi ON mi.course_id = c.id
           JOIN meeting m ON m.section_id = s.id
           WHERE s.component IN ('Lecture', 'Tutorial', 'Practical', 'Seminar', 'Workshop')
             AND s.parent_id IS NULL AND s.requires_course_id IS NULL AND mi.id IS NULL
             AND s.enrol_opens_at <= ? AND s.enrol_closes_at >= ?
           ORDER BY s.id""", (iso, iso)).fetchall()
    out: dict[int, list] = {}
    for sid, cap, enrolled, weekday, start, end_date in rows:
        entry = out.setdefault(sid, [sid, cap, cap - enrolled, set()])
        # Meetings of one term share their end date; one key per weekly slot.
        entry[3].add((weekday, start, end_date))
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


def add_students(conn: sqlite3.Connection, count: int, carts: list[list[int]],
                 now: datetime) -> list[str]:
    """Bulk-insert students (one shared password hash) and their filled shopping carts."""
    from usis_tui.services.auth import hash_password

    pw = hash_password("rush")  # hashed once, shared by every rush student
    programme = conn.execute("SELECT id, degree FROM programme ORDER BY id LIMIT 1").fetchone()
    first_id = (conn.execute("SELECT COALESCE(MAX(id), 0) FROM student").fetchone()[0]) + 1
    numbers = [f"s{STUDENT_BASE + i:07d}" for i in range(count)]
    conn.executemany(
        "INSERT INTO student (id, student_number, name, email, programme_id, degree, "
        "password_hash, failed_logins, locked_until) VALUES (?, ?, ?, ?, ?, ?, ?, 0, NULL)",
        [(first_id + i, n, f"Rush Student {i}", f"{n}@vuw.leidenuniv.nl", programme[0],
          programme[1], pw) for i, n in enumerate(numbers)])
    added = (now - timedelta(days=1)).isoformat(sep=" ")
    conn.executemany(
        "INSERT INTO cart_item (student_id, section_id, wait_list_ok, permission_number, "
        "added_at) VALUES (?, ?, 1, NULL, ?)",
        [(first_id + i, sid, added) for i, cart in enumerate(carts) for sid in cart])
    conn.commit()
    return numbers


def prepare(directory: Path, *, students: int, size: int, seed: int = 1575,
            now: datetime = OPENING) -> Prepared:
    """Seed the scaled demo catalogue, add the rush students and their carts."""
    from usis_tui.data.demo import seed_demo
    from usis_tui.db import Database

    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "template.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    t0 = time.perf_counter()
    db = Database(f"sqlite:///{path}")
    summary = seed_demo(db, now - timedelta(minutes=1), size=size, seed=seed)
    db.dispose()
    t1 = time.perf_counter()
    conn = sqlite3.connect(path)
    carts, popular = make_carts(_candidates(conn, now), students, random.Random(seed))
    numbers = add_students(conn, students, carts, now)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return Prepared(path=path, carts=list(zip(numbers, carts)), popular=popular,
                    sections=summary.sections, seed_s=t1 - t0,
                    students_s=time.perf_counter() - t1)


def copy_db(src: Path, dst: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dst}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(src, dst)
    return dst


# ---------------------------------------------------------------------------- workers
def _clock(t0_wall: float):
    """Opening minute + real elapsed time (wall clock: shared by all processes)."""
    return lambda: OPENING + timedelta(seconds=time.time() - t0_wall)


def _service_worker(url: str, carts, barrier, results, t0_wall: float) -> None:
    try:
        from usis_tui.services import Usis
        from usis_tui.services.schemas import EnrolRequest

        usis = Usis.open(url, clock=_clock(t0_wall))
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


def _floor_cart(conn: sqlite3.Connection, number: str, section_ids: list[int],
                now: str, outcomes: dict) -> None:
    """The same transaction in plain SQL: lock, check seats, insert, update counters."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        (student_id,) = conn.execute("SELECT id FROM student WHERE student_number = ?",
                                     (number,)).fetchone()
        for sid in section_ids:
            cap, enrolled, wl_cap, waiting, cls = conn.execute(
                "SELECT capacity, enrolled_count, waitlist_capacity, waitlist_count, "
                "class_number FROM class_section WHERE id = ?", (sid,)).fetchone()
            if conn.execute("SELECT 1 FROM enrolment WHERE student_id = ? AND section_id = ? "
                            "AND status IN ('enrolled', 'waitlisted')",
                            (student_id, sid)).fetchone():
                outcomes["already_enrolled"] = outcomes.get("already_enrolled", 0) + 1
                continue
            if enrolled < cap:
                conn.execute(
                    "INSERT INTO enrolment (student_id, section_id, status, waitlist_position, "
                    "created_at, enrolled_at) VALUES (?, ?, 'enrolled', NULL, ?, ?)",
                    (student_id, sid, now, now))
                conn.execute("UPDATE class_section SET enrolled_count = enrolled_count + 1 "
                             "WHERE id = ?", (sid,))
                outcome, subject = "enrolled", f"Enrolled: class {cls}"
            elif waiting < wl_cap:
                conn.execute(
                    "INSERT INTO enrolment (student_id, section_id, status, waitlist_position, "
                    "created_at, waitlisted_at) VALUES (?, ?, 'waitlisted', ?, ?, ?)",
                    (student_id, sid, waiting + 1, now, now))
                conn.execute("UPDATE class_section SET waitlist_count = waitlist_count + 1 "
                             "WHERE id = ?", (sid,))
                outcome, subject = "waitlisted", f"Wait list: class {cls}"
            else:
                outcomes["class_and_waitlist_full"] = outcomes.get("class_and_waitlist_full", 0) + 1
                continue
            conn.execute("DELETE FROM cart_item WHERE student_id = ? AND section_id = ?",
                         (student_id, sid))
            conn.execute("INSERT INTO message (student_id, category, subject, body, created_at) "
                         "VALUES (?, 'enrolment', ?, ?, ?)",
                         (student_id, subject, f"{subject}.", now))
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _floor_worker(path: str, carts, barrier, results, t0_wall: float) -> None:
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        for pragma in ("foreign_keys=ON", "busy_timeout=30000", "journal_mode=WAL",
                       "synchronous=NORMAL"):
            conn.execute(f"PRAGMA {pragma}")
        clock = _clock(t0_wall)
        latencies, outcomes = [], {}
        barrier.wait()
        start = time.perf_counter()
        start_wall = time.time()
        for number, section_ids in carts:
            t = time.perf_counter()
            _floor_cart(conn, number, section_ids, clock().replace(microsecond=0)
                        .isoformat(sep=" "), outcomes)
            latencies.append(time.perf_counter() - t)
        results.put(("ok", start_wall, start_wall + time.perf_counter() - start, latencies,
                     outcomes))
        conn.close()
    except Exception as exc:  # noqa: BLE001 - report it, never hang the parent
        import traceback

        results.put(("error", repr(exc), traceback.format_exc()))


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


def _run(name: str, target, arg: str, carts, workers: int, timeout: float) -> RunResult:
    # Interleave so every worker hits the popular classes at the same time.
    shares = [carts[i::workers] for i in range(workers)]
    barrier = CTX.Barrier(workers)
    results = CTX.Queue()
    t0_wall = time.time()
    procs = [CTX.Process(target=target, args=(arg, share, barrier, results, t0_wall))
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


def run_service(path: Path, carts, workers: int, timeout: float = 3600) -> RunResult:
    return _run("service", _service_worker, f"sqlite:///{path}", carts, workers, timeout)


def run_floor(path: Path, carts, workers: int, timeout: float = 3600) -> RunResult:
    return _run("floor", _floor_worker, str(path), carts, workers, timeout)


# ---------------------------------------------------------------------------- checks
@dataclass
class Check:
    overbooked: int  # classes with enrolled_count > capacity or more enrolled rows than capacity
    count_mismatch: int  # classes whose counters disagree with their rows
    order_violations: int  # wait-list positions not 1..n or not in arrival order
    enrolled: int
    waitlisted: int


def check(path: Path) -> Check:
    conn = sqlite3.connect(path)
    try:
        over = conn.execute(
            """SELECT COUNT(*) FROM class_section s
               WHERE s.enrolled_count > s.capacity
                  OR (SELECT COUNT(*) FROM enrolment e WHERE e.section_id = s.id
                      AND e.status = 'enrolled') > s.capacity""").fetchone()[0]
        mismatch = conn.execute(
            """SELECT COUNT(*) FROM class_section s
               WHERE s.enrolled_count != (SELECT COUNT(*) FROM enrolment e
                                          WHERE e.section_id = s.id AND e.status = 'enrolled')
                  OR s.waitlist_count != (SELECT COUNT(*) FROM enrolment e
                                          WHERE e.section_id = s.id
                                            AND e.status = 'waitlisted')""").fetchone()[0]
        rows = conn.execute(
            """SELECT section_id, id, waitlist_position, waitlisted_at FROM enrolment
               WHERE status = 'waitlisted' ORDER BY section_id, waitlist_position, id""")
        violations = 0
        bad: set[int] = set()
        prev = None
        for section_id, eid, pos, at in rows:
            if prev is None or prev[0] != section_id:
                expected = 1
                prev = None
            if pos != expected or (prev is not None and (eid < prev[1] or at < prev[2])):
                violations += 1
                bad.add(section_id)
            expected += 1
            prev = (section_id, eid, at)
        enrolled = conn.execute("SELECT COUNT(*) FROM enrolment WHERE status = 'enrolled'"
                                ).fetchone()[0]
        waitlisted = conn.execute("SELECT COUNT(*) FROM enrolment WHERE status = 'waitlisted'"
                                  ).fetchone()[0]
        return Check(overbooked=over, count_mismatch=mismatch, order_violations=violations,
                     enrolled=enrolled, waitlisted=waitlisted)
    finally:
        conn.close()


# ---------------------------------------------------------------------------- the benchmark
@dataclass
class SqliteReport:
    service: RunResult
    floor: RunResult
    service_check: Check
    floor_check: Check

    @property
    def ratio(self) -> float:
        return self.service.items_per_s / self.floor.items_per_s if self.floor.items_per_s else 0.0


def rush(directory: Path, *, students: int, workers: int, size: int, seed: int = 1575,
         floor: bool = True, log=print) -> tuple[Prepared, SqliteReport]:
    prep = prepare(directory, students=students, size=size, seed=seed)
    log(f"catalogue: {prep.sections} sections (seeded in {prep.seed_s:.1f} s); "
        f"{students} students and {sum(len(c) for _, c in prep.carts)} cart items added in "
        f"{prep.students_s:.1f} s; {len(prep.popular)} popular classes oversubscribed "
        f"{OVERSUBSCRIPTION}x")
    service_db = copy_db(prep.path, directory / "service.db")
    floor_db = copy_db(prep.path, directory / "floor.db")
    service = run_service(service_db, prep.carts, workers)
    floor_run = run_floor(floor_db, prep.carts, workers) if floor else service
    return prep, SqliteReport(service=service, floor=floor_run, service_check=check(service_db),
                              floor_check=check(floor_db) if floor else check(service_db))


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


def postgresql_status(backend: str, pg_url: str | None) -> str | None:
    """None if PostgreSQL should run; otherwise why it is skipped."""
    if backend == "sqlite":
        return "not requested (--backend sqlite)"
    if not pg_url:
        return "no --pg-url given (the throwaway PostgreSQL cluster is a later task)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed"
    return "not implemented yet (the PostgreSQL rush run is a later task)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, default=5000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    ap.add_argument("--pg-url", default=os.environ.get("USIS_RUSH_PG_URL"))
    ap.add_argument("--size", type=int, default=50_000, help="class sections in the catalogue")
    ap.add_argument("--seed", type=int, default=1575)
    ap.add_argument("--dir", type=Path, help="work directory (default: a temporary one)")
    ap.add_argument("--no-floor", action="store_true", help="skip the plain-SQL floor run")
    args = ap.parse_args(argv)

    summary: list[str] = []
    ok = True
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="usis-rush-") as tmp:
            directory = args.dir or Path(tmp)
            print(f"SQLite rush: {args.students} students, {args.workers} workers, "
                  f"--size {args.size}", flush=True)
            _prep, rep = rush(directory, students=args.students, workers=args.workers,
                              size=args.size, seed=args.seed, floor=not args.no_floor,
                              log=lambda s: print(s, flush=True))
            print(describe_run(rep.service))
            if not args.no_floor:
                print(describe_run(rep.floor))
            print(describe_check("service", rep.service_check))
            if not args.no_floor:
                print(describe_check("floor", rep.floor_check))
                print(f"  ratio service/floor = {rep.ratio:.2f}")
            c = rep.service_check
            ok = ok and not (c.overbooked or c.order_violations or c.count_mismatch)
            summary.append(
                f"sqlite items_per_s={rep.service.items_per_s:.0f} "
                f"p50_ms={rep.service.pct(0.5) * 1000:.1f} "
                f"p99_ms={rep.service.pct(0.99) * 1000:.1f} "
                f"floor_items_per_s={rep.floor.items_per_s:.0f} ratio={rep.ratio:.2f} "
                f"overbooked={c.overbooked} order_violations={c.order_violations}")
    if args.backend in ("postgresql", "both"):
        why = postgresql_status(args.backend, args.pg_url)
        print(f"PostgreSQL rush: skipped: {why}")
        summary.append("postgresql skipped=1")
    print(" | ".join(summary), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
