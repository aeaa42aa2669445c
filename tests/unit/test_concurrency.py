"""Several processes enrolling into one nearly full class at the same moment, on a file SQLite
database: no overbooking, counts equal rows, wait list positions 1..n in arrival order."""

from __future__ import annotations

import multiprocessing as mp
from datetime import datetime

import pytest
from factories import (
    check_invariants,
    drop_worker,
    enrol_worker,
    enrolments,
    one_student_worker,
    section_row,
    status_of,
)

pytestmark = pytest.mark.slow

CTX = mp.get_context("spawn")  # a fresh interpreter per worker: no inherited connections


def run(jobs: list[tuple], url: str, section_id: int) -> list[tuple]:
    """Start one process per (worker function, student numbers); they wait at a barrier so
    they really start together. Returns every (number, outcome, position/promoted, message)."""
    barrier = CTX.Barrier(len(jobs))
    results = CTX.Queue()
    t0 = datetime.now()
    workers = [CTX.Process(target=fn, args=(url, numbers, section_id, barrier, results, t0))
               for fn, numbers in jobs]
    for w in workers:
        w.start()
    expected = sum(len(numbers) for _, numbers in jobs)
    out = []
    try:
        while len(out) < expected:
            out.append(results.get(timeout=60))
            if out[-1][0] == "error":
                break
    finally:
        for w in workers:
            w.join(timeout=60)
    errors = [r for r in out if r[0] == "error"]
    assert not errors, errors
    assert [w.exitcode for w in workers] == [0] * len(workers)
    return out


def test_processes_enrol_into_one_nearly_full_class(sc, db):
    processes, per_process = 4, 3
    section = sc.section("1234", capacity=5, waitlist_capacity=5)
    sc.fill(section, 2)  # nearly full: 3 seats left, then 5 wait list places
    students = [sc.student() for _ in range(processes * per_process)]
    out = run([(enrol_worker, [s.number for s in students[i::processes]])
               for i in range(processes)], db.url, section.id)

    by_outcome: dict[str, list[tuple]] = {"enrolled": [], "waitlisted": [], "failed": []}
    for r in out:
        by_outcome[r[1]].append(r)
    assert sorted(r[0] for r in out) == sorted(s.number for s in students)  # one result each
    assert {k: len(v) for k, v in by_outcome.items()} == {
        "enrolled": 3, "waitlisted": 5, "failed": 4}
    assert {r[3] for r in by_outcome["failed"]} == {
        "Class 1234 Not Enrolled, Class And Wait List Are Full."}

    row = section_row(db, section)
    enrolled = enrolments(db, section, "enrolled")
    waiting = enrolments(db, section, "waitlisted")
    assert row.enrolled_count == len(enrolled) == row.capacity == 5
    assert row.waitlist_count == len(waiting) == 5
    assert [e.waitlist_position for e in waiting] == [1, 2, 3, 4, 5]
    # arrival order: rows are inserted under the write lock, so ids follow commit order
    assert [e.id for e in waiting] == sorted(e.id for e in waiting)
    stamps = [e.waitlisted_at for e in waiting]
    assert stamps == sorted(stamps)
    # every student was told the position that is stored
    number_to_id = {s.number: s.id for s in students}
    told = sorted((r[2], number_to_id[r[0]]) for r in by_outcome["waitlisted"])
    assert told == [(e.waitlist_position, e.student_id) for e in waiting]
    ids = [e.student_id for e in enrolled + waiting]
    assert len(ids) == len(set(ids))
    check_invariants(db)


def test_concurrent_drops_and_enrolments_keep_the_invariants(sc, db):
    """Seat holders drop while newcomers enrol: promotions and new wait list places interleave."""
    section = sc.section("1234", capacity=4, waitlist_capacity=6)
    holders = sc.fill(section)
    newcomers = [sc.student() for _ in range(8)]
    out = run([(drop_worker, [h.number for h in holders[i::2]]) for i in range(2)]
              + [(enrol_worker, [n.number for n in newcomers[i::2]]) for i in range(2)],
              db.url, section.id)
    row = section_row(db, section)
    outcomes = [r[1] for r in out if r[1] != "dropped"]
    refused = [r for r in out if r[1] == "failed"]
    # refusals only happen while all 6 wait list places are taken, so at least 6 newcomers get
    # in: every freed seat is taken again, the rest wait
    assert len(refused) <= 2
    assert {r[3] for r in refused} <= {"Class 1234 Not Enrolled, Class And Wait List Are Full."}
    assert row.enrolled_count == 4
    assert row.waitlist_count == len(outcomes) - len(refused) - 4
    promoted = sum(r[2] for r in out if r[1] == "dropped")
    assert promoted + outcomes.count("enrolled") == 4
    enrolled = {e.student_id for e in enrolments(db, section, "enrolled")}
    assert enrolled <= {n.id for n in newcomers}
    check_invariants(db)


# Two sessions of ONE student at the same moment, each into one of two clashing classes: each
# checks the student's timetable before the other has committed. SQLite serialises every writer
# (BEGIN IMMEDIATE); PostgreSQL must lock the student's row with the class rows, or both land.
ROUNDS = 40
PAIRS = {  # what the two sessions do in each round
    "fast+fast": ("fast", "fast"),
    "orm+orm": ("orm", "orm"),
    "fast+orm": ("fast", "orm"),
    "cart+fast": ("cart", "fast"),
    "swap+fast": ("swap", "fast"),
}


def run_rounds(url: str, jobs: list[list[tuple]]) -> list[tuple]:
    """Two processes, each doing its list of rounds; round i starts at the same moment in
    both (a barrier). Returns every (student number, section id, ok, message)."""
    barrier = CTX.Barrier(len(jobs))
    results = CTX.Queue()
    t0 = datetime.now()
    workers = [CTX.Process(target=one_student_worker, args=(url, rounds, barrier, results, t0))
               for rounds in jobs]
    for w in workers:
        w.start()
    out: list[tuple] = []
    try:
        while len(out) < sum(len(rounds) for rounds in jobs):
            out.append(results.get(timeout=120))
            if out[-1][0] == "error":
                break
    finally:
        for w in workers:
            w.join(timeout=60)
    assert not [r for r in out if r[0] == "error"], out
    assert [w.exitcode for w in workers] == [0] * len(workers)
    return out


@pytest.mark.parametrize("pair", PAIRS.values(), ids=PAIRS.keys())
def test_one_student_two_sessions_never_get_a_time_clash(sc, db, usis, pair):
    from usis_tui.services.schemas import EnrolRequest

    x = sc.section("2001", capacity=500, meets=[(0, "09:00", "10:45")])
    y = sc.section("2002", capacity=500, meets=[(0, "10:00", "11:45")])  # overlaps x
    z = sc.section("2003", capacity=500, meets=[(2, "09:00", "10:45")])  # swapped from
    students = [sc.student() for _ in range(ROUNDS)]
    for s in students:
        if "swap" in pair:
            [r] = usis.enrolment.enrol(s.number, [EnrolRequest(section_id=z.id)])
            assert r.ok, r.message
        if "cart" in pair:
            usis.cart.add(s.number, "2026-2027", "2001")
    jobs = [[(s.number, pair[0], x.id, z.id) for s in students],
            [(s.number, pair[1], y.id, None) for s in students]]
    out = run_rounds(db.url, jobs)
    both = [s.number for s in students
            if status_of(db, s, x)[0] == "enrolled" and status_of(db, s, y)[0] == "enrolled"]
    assert both == [], f"{len(both)} of {ROUNDS} students enrolled in two clashing classes"
    for s in students:  # exactly one of the two sessions succeeded; the other was told why
        mine = [r for r in out if r[0] == s.number]
        assert sorted(r[2] for r in mine) == [False, True], mine
    check_invariants(db)


def test_a_promotion_and_the_students_own_session_never_clash(sc, db, usis):
    """A seat frees in a full class (someone drops it) while the first student on its wait list
    enrols, in a session of their own, into a class that clashes with it: the promotion must
    see that enrolment (or the enrolment the promotion), never both."""
    from usis_tui.services.schemas import EnrolRequest

    y = sc.section("2002", capacity=500, meets=[(0, "10:00", "11:45")])
    holders, waiting, fulls = [], [], []
    for i in range(ROUNDS):
        x = sc.section(f"{3000 + i}", capacity=1, waitlist_capacity=5,
                       meets=[(0, "09:00", "10:45")])  # overlaps y
        [holder] = sc.fill(x)
        student = sc.student()
        [r] = usis.enrolment.enrol(student.number, [EnrolRequest(section_id=x.id,
                                                                 wait_list_ok=True)])
        assert r.outcome == "waitlisted", r.message
        holders.append(holder)
        waiting.append(student)
        fulls.append(x)
    drops = [(h.number, "drop", x.id, None) for h, x in zip(holders, fulls, strict=True)]
    out = run_rounds(db.url, [drops, [(s.number, "fast", y.id, None) for s in waiting]])
    both = [s.number for s, x in zip(waiting, fulls, strict=True)
            if status_of(db, s, x)[0] == "enrolled" and status_of(db, s, y)[0] == "enrolled"]
    assert both == [], f"{len(both)} of {ROUNDS} students enrolled in two clashing classes"
    assert len(out) == 2 * ROUNDS
    check_invariants(db)
