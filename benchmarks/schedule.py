"""The schedule assistant's search on the 50,000-section catalogue: time to the first result and
to the best 20 for 4, 6 and 8 courses, and the same search against an exhaustive one.

    python benchmarks/schedule.py                          # 50,000 sections, temporary folder
    python benchmarks/schedule.py --db /tmp/sched.db       # seed once into that file, reuse it
    python benchmarks/schedule.py --trials 40 --profile    # cProfile of the 8-course searches

The demo database (seed_demo, ``--size`` class sections) is written once into ``--db`` and
reused by later runs, as benchmarks/search.py does. What is measured (benchmarks/README.md,
"Schedule assistant"):

* The classes of semester 2 of 2026-2027 are read from the database and turned into the
  search's classes by the service's own conversion (services/schedule.py ``_sec``: every
  meeting on its real dates, fortnightly weeks included).
* The demo's courses have one lecture and two tutorials; real ones have more groups. So each
  trial builds a *programme* of N courses from the catalogue: courses taken in a random order,
  keeping a course when its lecture and exam clash with none kept so far (a programme's
  compulsory lectures and exams do not clash); each keeps its own lecture and exam and gets
  4-10 tutorial groups whose meetings are those of real tutorials of that semester (drawn from
  those that do not clash with the programme's lectures, re-numbered, linked to the lecture),
  every third course a second lecture stream (a real lecture's meetings) with its tutorials
  split between the streams, every fourth course 2-3 practical groups (real fortnightly
  practicals, odd ISO weeks); 15 % of the tutorial groups are full (a wait list). The student
  is already enrolled in a lecture and a tutorial of another course (fixed classes nothing may
  clash with). Three kinds of programme (SCENARIOS): whole-semester courses (the demo's
  dates: the demo's day has four time slots, so 8 courses of 14 weeks never fit); courses
  alternating between the two halves of the semester (Leiden's blocks 3 and 4: each keeps
  only its meetings in its half); the same with no two groups of a course at the same time
  (no parallel groups: the search's hardest case).
* Per trial: ``search(first_only=True, limit=1)`` (the first result) and ``search(limit=20)``
  (the best 20), with no preferences ("plain") and with "Friday off, nothing before 11:00,
  compact" ("picky"); when there is no combination, the time to say so and
  ``smallest_conflict`` (why). Each timed ``--repeat`` times (3), the fastest counting (other
  processes only slow a call down); median and worst of the trials.
* Small cases (3-5 courses, 3-6 groups): the same search against an exhaustive search written
  here (itertools.product over every component of every course, no pruning): the same best
  score and the same 20 results, and the time of each.
* The whole service call, ``usis.schedule.solve`` for s1234567 with four courses (database,
  enrolment rules, search, week previews), for scale.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import itertools
import pstats
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

if __package__ in (None, ""):  # python benchmarks/schedule.py: the checkout comes first
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.search import database  # noqa: E402
from benchmarks.ui import NOW  # noqa: E402
from usis_tui.services.schedule_solver import (  # noqa: E402
    COMPONENT_ORDER,
    CourseSpec,
    Prefs,
    Search,
    Sec,
    course_options,
    score,
    search,
    smallest_conflict,
)

YEAR, SEMESTER = "2026-2027", 2
PLAIN = Prefs()
PICKY = Prefs(days_off=frozenset({4}), no_before=11 * 60, compact=True)
STUDENT_COURSES = ["4031DATABY", "4031CNETY", "4031SENGY", "4031CCONY"]


# ---------------------------------------------------------------------------- the catalogue
@dataclasses.dataclass
class Pool:
    """The semester's classes as the search sees them, by course and component."""

    courses: dict[str, dict[str, list[Sec]]]
    tutorials: list[Sec]
    lectures: list[Sec]
    practicals: list[Sec]
    sections: int

    halves: tuple[date, date] = (date.min, date.max)  # the second half starts, the end

    def block(self, sec: Sec, block: int | None) -> Sec:
        """``sec`` with only its meetings in the first (0) or second (1) half of the semester."""
        if block is None:
            return sec
        lo, hi = (date.min, self.halves[0]) if block == 0 else self.halves
        return dataclasses.replace(sec, occurrences={d: v for d, v in sec.occurrences.items()
                                                     if lo <= d < hi})

    def free_of(self, secs: list[Sec], taken: list[Sec], block: int | None) -> list[Sec]:
        """Those of ``secs`` (in that half) that clash with none of ``taken``; judged once per
        weekly pattern and date range."""
        verdict: dict[tuple, bool] = {}
        out = []
        for s in secs:
            key = (s.slots, min(s.occurrences, default=None), max(s.occurrences, default=None))
            if key not in verdict:
                mine = self.block(s, block)
                verdict[key] = not any(mine.clashes(k) for k in taken)
            if verdict[key]:
                out.append(s)
        return out


def load(url: str) -> Pool:
    from sqlalchemy import select

    from usis_tui.db import Database
    from usis_tui.models import AcademicYear, ClassSection
    from usis_tui.services.base import section_options
    from usis_tui.services.schedule import _sec, _semester

    db = Database(url)
    with db.read() as session:
        year = session.scalar(select(AcademicYear).where(AcademicYear.code == YEAR))
        rows = session.scalars(
            select(ClassSection)
            .where(ClassSection.academic_year_id == year.id,
                   ClassSection.component.in_(COMPONENT_ORDER))
            .options(*section_options())).unique().all()
        secs = [_sec(s) for s in rows if _semester(s) == SEMESTER]
    db.dispose()
    courses: dict[str, dict[str, list[Sec]]] = {}
    for s in secs:
        courses.setdefault(s.course, {}).setdefault(s.component, []).append(s)
    teaching = sorted({d for s in secs if s.component != "Exam" for d in s.occurrences})
    middle = teaching[0] + (teaching[-1] - teaching[0]) / 2
    return Pool(courses={c: comps for c, comps in courses.items()
                         if len(comps.get("Lecture", ())) == 1 and comps.get("Exam")},
                tutorials=[s for s in secs if s.component == "Tutorial"],
                lectures=[s for s in secs if s.component == "Lecture"],
                practicals=[s for s in secs if s.component == "Practical"],
                sections=len(secs),
                halves=(middle - timedelta(days=middle.weekday()), date.max))


def programme(pool: Pool, n: int, rng: random.Random, blocks: bool = False,
              apart: bool = False) -> tuple[list[CourseSpec], list[Sec]]:
    """N courses whose lectures and exams do not clash, with realistic group counts, and the
    student's fixed classes (a lecture and a tutorial of another course). ``blocks``: the
    courses alternate between the two halves of the semester (Leiden's blocks 3 and 4): each
    keeps only its meetings in its own half. ``apart``: no two tutorial groups of a course
    meet at the same time (no parallel groups)."""
    numbers = (f"{k:05d}" for k in itertools.count(10001))
    order = list(pool.courses)
    rng.shuffle(order)
    kept: list[Sec] = []  # the programme's lectures and exams, the student's own classes
    chosen: list[str] = []
    fixed: list[Sec] = []
    for course in order:
        comps = pool.courses[course]
        block = len(chosen) % 2 if blocks and fixed else None
        core = [pool.block(comps["Lecture"][0], block), comps["Exam"][0]]
        if any(a.clashes(b) for a in core for b in kept):
            continue
        if not fixed:  # the first fitting course: the student's own (enrolled) classes
            tutorial = next((t for t in comps.get("Tutorial", ())
                             if not any(t.clashes(k) for k in kept + core)), None)
            if tutorial is not None:
                fixed = [dataclasses.replace(s, key=next(numbers), fixed=True)
                         for s in (comps["Lecture"][0], tutorial)]
                kept += fixed
            continue
        kept += core
        chosen.append(course)
        if len(chosen) == n:
            break
    else:
        raise SystemExit(f"the catalogue has no {n} courses whose lectures do not clash")
    block_of = {c: (i % 2 if blocks else None) for i, c in enumerate(chosen)}
    streams = {}
    for i, course in enumerate(chosen):
        if i % 3 == 2:  # a second lecture stream, at a time no other lecture has
            free = pool.free_of(pool.lectures, kept, block_of[course])
            if free:
                streams[course] = rng.choice(free)
                kept.append(pool.block(streams[course], block_of[course]))
    specs = []
    for i, course in enumerate(chosen):
        comps = pool.courses[course]
        block = block_of[course]
        # a programme's tutorial groups are not put against its own lectures
        groups = pool.free_of(pool.tutorials, kept, block)
        if apart:  # one real tutorial per weekly pattern
            groups = list({(s.slots, min(s.occurrences)): s
                           for s in rng.sample(groups, len(groups))}.values())

        def copy(src: Sec, component: str, parent: str | None = None, c=course, b=block,
                 **kw) -> Sec:
            return dataclasses.replace(pool.block(src, b if component != "Exam" else None),
                                       key=next(numbers), course=c, component=component,
                                       parent=parent, fixed=False, **kw)

        lectures = [copy(comps["Lecture"][0], "Lecture")]
        if course in streams:
            lectures.append(copy(streams[course], "Lecture"))
        tutorials = [copy(src, "Tutorial", lectures[g % len(lectures)].key,
                          waitlist=rng.random() < 0.15)
                     for g, src in enumerate(rng.sample(groups, min(len(groups),
                                                                    rng.randint(4, 10))))]
        spec = {"Lecture": lectures, "Tutorial": tutorials,
                "Exam": [copy(comps["Exam"][0], "Exam")]}
        if i % 4 == 3 and pool.practicals:
            spec["Practical"] = [copy(src, "Practical", lectures[g % len(lectures)].key)
                                 for g, src in enumerate(rng.sample(pool.practicals,
                                                                    rng.randint(2, 3)))]
        specs.append(CourseSpec(course, spec))
    return specs, fixed


def small_case(pool: Pool, n: int, rng: random.Random) -> tuple[list[CourseSpec], list[Sec]]:
    """As ``programme`` with fewer groups (3-6 tutorials), small enough to enumerate."""
    specs, fixed = programme(pool, n, rng)
    for spec in specs:
        spec.components["Tutorial"] = spec.components["Tutorial"][:rng.randint(3, 6)]
    return specs, fixed


# ---------------------------------------------------------------------------- the reference
def exhaustive(courses: list[CourseSpec], fixed: list[Sec], prefs: Prefs
               ) -> list[tuple[int, tuple[str, ...]]]:
    """Every combination, no pruning (itertools.product over every component of every
    course), checked and scored, sorted by (score, class numbers)."""
    def comp_key(c: str) -> tuple[int, str]:
        return COMPONENT_ORDER.index(c) if c in COMPONENT_ORDER else 9, c

    groups = [spec.components[c] for spec in courses for c in sorted(spec.components,
                                                                      key=comp_key)]
    secs = list({id(s): s for g in groups for s in g}.values())
    index = {id(s): i for i, s in enumerate(secs)}
    clash = [0] * len(secs)
    for i, a in enumerate(secs):
        for j in range(i + 1, len(secs)):
            if a.clashes(secs[j]):
                clash[i] |= 1 << j
                clash[j] |= 1 << i
        if any(a.clashes(f) for f in fixed):
            clash[i] |= 1 << i
    out = []
    for combo in itertools.product(*groups):
        bits = 0
        for s in combo:
            bits |= 1 << index[id(s)]
        if any(clash[index[id(s)]] & bits for s in combo):
            continue
        lectures = {(s.course, s.key) for s in combo if s.component == "Lecture"}
        if any(s.parent is not None and (s.course, s.parent) not in lectures for s in combo):
            continue
        out.append((score(combo, fixed, prefs).score, tuple(s.key for s in combo)))
    out.sort()
    return out


# ---------------------------------------------------------------------------- timing
REPEAT = 1  # --repeat: each search timed this many times, the fastest counts


def timed(fn: Callable[[], object], repeat: int = 1) -> tuple[float, object]:
    """Milliseconds of the fastest of ``repeat`` calls (other processes on the machine only
    ever slow a call down), and the value."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - started)
    return best * 1000, value


def ms(values: list[float]) -> str:
    if not values:
        return "–"
    return f"{statistics.median(values):7.2f} / {max(values):7.2f}"


SCENARIOS = {
    "semester": ("whole-semester courses (the demo's dates)", False, False),
    "blocks": ("courses alternating between the semester's two halves (blocks 3 and 4)", True,
               False),
    "apart": ("two blocks, and no two tutorial groups of a course at the same time", True,
              True),
}


def run_sizes(pool: Pool, trials: int, seed: int, profile: bool, scenario: str
              ) -> dict[int, dict[str, list[float]]]:
    rng = random.Random(seed)
    out = {}
    profiler = cProfile.Profile() if profile else None
    what, blocks, apart = SCENARIOS[scenario]
    print(f"\n{what}, {trials} programmes per size; ms, median / worst:")
    print(f"  {'courses':>7} {'options':>7} {'combinations':>12} {'feasible':>8} "
          f"{'first, plain':>17} {'best 20, plain':>17} {'first, picky':>17} "
          f"{'best 20, picky':>17} {'scored':>6} {'none':>17} {'why (smallest)':>17}")
    for n in (4, 6, 8):
        rows: dict[str, list[float]] = {k: [] for k in ("first", "best", "first_p", "best_p",
                                                         "none", "why")}
        options, space, scored, feasible_count = [], [], [], 0
        for _t in range(trials):
            courses, fixed = programme(pool, n, rng, blocks, apart)
            opts = [len(course_options(spec, fixed, set())) for spec in courses]
            options.append(sum(opts))
            space.append(_product(opts))
            if profiler and n == 8:
                profiler.enable()
            t1, first = timed(lambda c=courses, f=fixed: search(c, f, PLAIN, limit=1,
                                                                  first_only=True), REPEAT)
            t2, best = timed(lambda c=courses, f=fixed: search(c, f, PLAIN, limit=20), REPEAT)
            t3, _ = timed(lambda c=courses, f=fixed: search(c, f, PICKY, limit=1,
                                                              first_only=True), REPEAT)
            t4, best_p = timed(lambda c=courses, f=fixed: search(c, f, PICKY, limit=20), REPEAT)
            if profiler and n == 8:
                profiler.disable()
            assert isinstance(first, Search) and isinstance(best, Search)
            assert first.feasible == best.feasible
            if best.feasible:
                feasible_count += 1
                rows["first"].append(t1)
                rows["best"].append(t2)
                rows["first_p"].append(t3)
                rows["best_p"].append(t4)
                scored.append(best.checked)
            else:
                rows["none"].append(t2)
                t5, _ = timed(lambda c=courses, f=fixed: smallest_conflict(c, f), REPEAT)
                rows["why"].append(t5)
        out[n] = rows
        print(f"  {n:>7} {statistics.median(options):>7.0f} "
              f"{statistics.median(space):>12.1e} {feasible_count:>4}/{trials:<3} "
              f"{ms(rows['first']):>17} {ms(rows['best']):>17} {ms(rows['first_p']):>17} "
              f"{ms(rows['best_p']):>17} {statistics.median(scored or [0]):>6.0f} "
              f"{ms(rows['none']):>17} {ms(rows['why']):>17}")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    return out


def _product(values: list[int]) -> int:
    out = 1
    for v in values:
        out *= v
    return out


def run_exhaustive(pool: Pool, cases: int, seed: int) -> None:
    rng = random.Random(seed + 1)
    print(f"\nAgainst an exhaustive search (itertools.product, no pruning), {cases} small "
          "cases per size:")
    print(f"  {'courses':>7} {'combinations':>13} {'same best':>10} {'same 20':>8} "
          f"{'none agree':>11} {'search ms':>17} {'exhaustive ms':>17} {'ratio':>7}")
    for n in (3, 4, 5):
        same_best = same_20 = none_agree = 0
        fast, slow, ratios, space = [], [], [], []
        for k in range(cases):
            courses, fixed = small_case(pool, n, rng)
            prefs = PICKY if k % 2 else PLAIN
            space.append(_product([len(g) for spec in courses
                                   for g in spec.components.values()]))
            t_fast, got = timed(lambda c=courses, f=fixed, p=prefs: search(c, f, p, limit=20),
                                REPEAT)
            t_slow, ref = timed(lambda c=courses, f=fixed, p=prefs: exhaustive(c, f, p), REPEAT)
            assert isinstance(got, Search) and isinstance(ref, list)
            mine = [(r.score, tuple(s.key for s in r.picks)) for r in got.results]
            same_best += (mine[0][0] if mine else None) == (ref[0][0] if ref else None)
            same_20 += mine == ref[:20]
            none_agree += got.feasible == bool(ref)
            fast.append(t_fast)
            slow.append(t_slow)
            ratios.append(t_slow / t_fast)
        print(f"  {n:>7} {statistics.median(space):>13.0f} {same_best:>5}/{cases:<4} "
              f"{same_20:>4}/{cases:<3} {none_agree:>6}/{cases:<4} {ms(fast):>17} "
              f"{ms(slow):>17} {statistics.median(ratios):>6.0f}×")


def run_service(url: str, rounds: int) -> None:
    from usis_tui.clock import make_clock
    from usis_tui.db import Database
    from usis_tui.services import Usis

    usis = Usis(Database(url), make_clock(NOW))
    usis.schedule.solve("s1234567", STUDENT_COURSES)  # warm-up
    times = []
    for _ in range(rounds):
        t, outcome = timed(lambda: usis.schedule.solve("s1234567", STUDENT_COURSES))
        times.append(t)
    print(f"\nThe service, usis.schedule.solve('s1234567', {STUDENT_COURSES}) on the same "
          f"database: {len(outcome.results)} results, {rounds} rounds, ms median / worst: "
          f"{ms(times)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--db", type=Path, default=None,
                        help="SQLite file, seeded when missing (default: a temporary folder)")
    parser.add_argument("--trials", type=int, default=30, help="programmes per size")
    parser.add_argument("--cases", type=int, default=20, help="small cases per size")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--repeat", type=int, default=3,
                        help="time each search this many times, the fastest counts")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    global REPEAT
    REPEAT = args.repeat
    path = args.db or Path(tempfile.mkdtemp(prefix="usis-schedule-bench-")) / "usis.db"
    url = database(path, args.size)
    t, pool = timed(lambda: load(url))
    assert isinstance(pool, Pool)
    print(f"Loaded semester {SEMESTER} of {YEAR} from {path}: {pool.sections:,} classes in "
          f"{t:.0f} ms (the service reads only the chosen courses' classes)")
    print(f"Search on {pool.sections:,} classes of semester {SEMESTER} of {YEAR} "
          f"({len(pool.courses):,} courses with a lecture and an exam, "
          f"{len(pool.tutorials):,} tutorials and {len(pool.practicals)} practicals to draw "
          "groups from)")
    sizes = {name: run_sizes(pool, args.trials, args.seed, args.profile, name)
             for name in SCENARIOS}
    run_exhaustive(pool, args.cases, args.seed)
    run_service(url, 7)
    for name, rows in sizes.items():
        eight = rows[8]
        first = max(eight["first"] + eight["first_p"], default=None)
        best = max(eight["best"] + eight["best_p"], default=None)
        none = max(eight["none"] + eight["why"], default=None)
        print(f"8 courses, {SCENARIOS[name][0]}: {len(eight['first'])} programmes with results "
              f"(x 2 preference sets): worst first result {_goal(first, 50)}, worst best 20 "
              f"{_goal(best, 500)}; {len(eight['none'])} without: worst time to say so or why "
              f"{_goal(none, None)}")


def _goal(value: float | None, goal: float | None) -> str:
    if value is None:
        return "–"
    if goal is None:
        return f"{value:.1f} ms"
    return f"{value:.1f} ms (goal ≤ {goal:.0f} ms: {'met' if value <= goal else 'NOT met'})"

if __name__ == "__main__":
    sys.exit(main())
