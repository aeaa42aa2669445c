"""The schedule assistant's search, without a database: which combinations of sections (one
class of each component of each course, a tutorial with its own lecture) have no clash with each
other or with fixed classes, ranked by preferences; and, when there are none, the smallest set of
courses that cannot be combined.

A pruned search of our own (benchmarks/README.md says why not a CP solver): options are bit
positions, every option carries the bitmask of the options it clashes with, so choosing one is
one AND; the course with the fewest options left goes next (fail first), options are tried
cheapest first, and a branch is cut when its lower bound cannot beat the 20th best result. The
search is complete: "no result" means no combination exists (tests/unit/test_schedule_solver.py
checks it against an exhaustive search).
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

COMPONENT_ORDER = ("Lecture", "Tutorial", "Practical", "Exam")


# ---------------------------------------------------------------------------- input
@dataclass(frozen=True)
class Slot:
    """A weekly meeting pattern (for the week's shape: days on campus, gaps, early or late)."""

    weekday: int
    start: int  # minutes after midnight
    end: int


@dataclass(eq=False)
class Sec:
    """One class (section) as the search sees it."""

    key: str  # the class number
    course: str  # the catalogue number
    component: str
    parent: str | None = None  # a tutorial's or practical's own lecture (class number)
    occurrences: dict[date, list[tuple[int, int]]] = field(default_factory=dict)
    slots: tuple[Slot, ...] = ()  # weekly patterns (teaching only: not the exam's one day)
    waitlist: bool = False  # only a wait-list place is left
    fixed: bool = False  # already on the student's schedule (part of every result)

    def clashes(self, other: Sec) -> bool:
        """True when a meeting of one overlaps a meeting of the other on the same date."""
        mine, theirs = self.occurrences, other.occurrences
        if len(theirs) < len(mine):
            mine, theirs = theirs, mine
        for day, spans in mine.items():
            others = theirs.get(day)
            if others:
                for s1, e1 in spans:
                    for s2, e2 in others:
                        if s1 < e2 and s2 < e1:
                            return True
        return False


@dataclass
class CourseSpec:
    """A course to schedule: its sections by component (every component needs one class)."""

    number: str
    components: dict[str, list[Sec]]


@dataclass(frozen=True)
class Prefs:
    days_off: frozenset[int] = frozenset()
    no_before: int | None = None  # minutes after midnight
    no_after: int | None = None
    compact: bool = False
    fewest_days: bool = False
    prefer_open: bool = True


# ---------------------------------------------------------------------------- output
@dataclass(frozen=True)
class Found:
    score: int
    picks: tuple[Sec, ...]  # one per course component, in course order
    days: tuple[int, ...]  # weekdays on campus (fixed classes included)
    gaps: int  # minutes of gaps in the week
    waitlisted: int
    off_days_used: tuple[int, ...]
    early_late: int


@dataclass
class Search:
    results: list[Found]
    checked: int  # complete combinations scored
    feasible: bool


# ---------------------------------------------------------------------------- scoring
W_OFF_DAY, W_OFF_SLOT, W_EARLY_LATE, W_WAITLIST, W_DAY, W_GAP = 1000, 400, 100, 300, 10, 1
W_DAY_STRONG, W_GAP_STRONG = 200, 4


def week_shape(slots: Iterable[Slot]) -> tuple[tuple[int, ...], int]:
    """Weekdays used and minutes of gaps between classes on each of those days."""
    by_day: dict[int, list[tuple[int, int]]] = {}
    for s in slots:
        by_day.setdefault(s.weekday, []).append((s.start, s.end))
    gaps = 0
    for spans in by_day.values():
        spans.sort()
        end = spans[0][1]
        for start, stop in spans[1:]:
            if start > end:
                gaps += start - end
            end = max(end, stop)
    return tuple(sorted(by_day)), gaps


def _additive(sec: Sec, prefs: Prefs) -> int:
    """The part of a result's score that one class adds on its own."""
    cost = 0
    for s in sec.slots:
        if s.weekday in prefs.days_off:  # a class on a day you want off (also when the day
            cost += W_OFF_SLOT           # is taken already: the fewer the better)
        if (prefs.no_before is not None and s.start < prefs.no_before) or (
                prefs.no_after is not None and s.end > prefs.no_after):
            cost += W_EARLY_LATE
    if sec.waitlist and prefs.prefer_open:
        cost += W_WAITLIST
    return cost


def _day_weight(prefs: Prefs) -> int:
    return W_DAY_STRONG if prefs.fewest_days else W_DAY


def score(picks: Sequence[Sec], fixed: Sequence[Sec], prefs: Prefs) -> Found:
    slots = [s for sec in (*fixed, *picks) for s in sec.slots]
    days, gaps = week_shape(slots)
    off = tuple(d for d in days if d in prefs.days_off)
    early_late = sum(1 for sec in picks for s in sec.slots
                     if (prefs.no_before is not None and s.start < prefs.no_before)
                     or (prefs.no_after is not None and s.end > prefs.no_after))
    total = (sum(_additive(sec, prefs) for sec in picks if not sec.fixed)
             + W_OFF_DAY * len(off)
             + _day_weight(prefs) * len(days)
             + (W_GAP_STRONG if prefs.compact else W_GAP) * gaps // 15)
    return Found(score=total, picks=tuple(picks), days=days, gaps=gaps,
                 waitlisted=sum(1 for sec in picks if sec.waitlist and not sec.fixed),
                 off_days_used=off,
                 early_late=early_late)


# ---------------------------------------------------------------------------- options
@dataclass(eq=False)
class Option:
    """One way to take one course: a class of each component."""

    course: int  # index into the courses
    sections: tuple[Sec, ...]
    cost: int  # additive part of the score
    days: frozenset[int]
    bit: int = 0
    conflicts: int = 0  # bitmask of the options (of other courses) it clashes with


def course_options(spec: CourseSpec, fixed: Sequence[Sec],
                   locked: set[str]) -> list[tuple[Sec, ...]]:
    """Every combination of one class per component of a course: tutorials and practicals
    with a parent go with their own lecture; none clashes with another or with a fixed class;
    a locked class (or a fixed one of this course) is in every combination."""
    if not spec.components:  # not taught in the period: no way to take it
        return []
    comps = sorted(spec.components, key=lambda c: (COMPONENT_ORDER.index(c)
                                                    if c in COMPONENT_ORDER else 9, c))
    choices = []
    for comp in comps:
        secs = spec.components[comp]
        mine = [s for s in secs if s.fixed or s.key in locked]
        choices.append(mine[:1] if mine else secs)
    out = []
    for combo in itertools.product(*choices):
        lectures = {s.key for s in combo if s.component == "Lecture"}
        if any(s.parent is not None and lectures and s.parent not in lectures for s in combo):
            continue
        if any(a.clashes(b) for a, b in itertools.combinations(combo, 2)):
            continue
        if any(s.clashes(f) for s in combo if not s.fixed for f in fixed if f.course != s.course):
            continue
        out.append(tuple(combo))
    return out


def build_options(courses: Sequence[CourseSpec], fixed: Sequence[Sec], prefs: Prefs,
                  locked: set[str]) -> tuple[list[Option], list[int]]:
    """The options of every course as bits, each with the bitmask of the options it clashes
    with; and per course the bitmask of its options."""
    options: list[Option] = []
    masks: list[int] = []
    for i, spec in enumerate(courses):
        mask = 0
        combos = course_options(spec, fixed, locked)
        combos.sort(key=lambda c: (sum(_additive(s, prefs) for s in c), [s.key for s in c]))
        for combo in combos:
            opt = Option(course=i, sections=combo,
                         cost=sum(_additive(s, prefs) for s in combo if not s.fixed),
                         days=frozenset(sl.weekday for s in combo for sl in s.slots),
                         bit=1 << len(options))
            options.append(opt)
            mask |= opt.bit
        masks.append(mask)
    # section-level clashes first (few sections, many options)
    sections: dict[int, Sec] = {}
    holders: dict[int, int] = {}  # id(section) -> bitmask of the options holding it
    for opt in options:
        for s in opt.sections:
            sections[id(s)] = s
            holders[id(s)] = holders.get(id(s), 0) | opt.bit
    ids = list(sections)
    clash_of: dict[int, int] = {k: 0 for k in ids}  # section -> options it clashes with
    for a, b in itertools.combinations(ids, 2):
        sa, sb = sections[a], sections[b]
        if sa.course != sb.course and sa.clashes(sb):
            clash_of[a] |= holders[b]
            clash_of[b] |= holders[a]
    for opt in options:
        for s in opt.sections:
            opt.conflicts |= clash_of[id(s)]
    return options, masks


# ---------------------------------------------------------------------------- search
def search(courses: Sequence[CourseSpec], fixed: Sequence[Sec] = (), prefs: Prefs = Prefs(),
           locked: Iterable[str] = (), limit: int = 20, first_only: bool = False) -> Search:
    """The best ``limit`` combinations (lowest score first; ties by class numbers)."""
    options, masks = build_options(courses, fixed, prefs, set(locked))
    n = len(courses)
    if n == 0 or any(m == 0 for m in masks):
        return Search(results=[], checked=0, feasible=False)
    fixed_days = frozenset(sl.weekday for f in fixed for sl in f.slots)
    day_w = _day_weight(prefs)
    # the cheapest option still possible for each course (a lower bound)
    # the best so far as a heap whose top is the worst of them: (-score, reversed keys, ...)
    best: list[tuple[int, _neg, tuple[str, ...], Found]] = []
    checked = 0
    feasible = False
    chosen: list[Option] = []
    by_course = [[o for o in options if o.course == i] for i in range(n)]

    def bound(cost: int, days: frozenset[int], alive: int, left: list[int]) -> int:
        low = cost
        for c in left:
            cheapest = min((o.cost for o in by_course[c] if o.bit & alive), default=0)
            low += cheapest
        off = sum(1 for d in days if d in prefs.days_off)
        return low + W_OFF_DAY * off + day_w * len(days)

    def worst() -> int:
        return -best[0][0] if len(best) >= limit else 1 << 60

    def visit(alive: int, left: list[int], cost: int, days: frozenset[int]) -> bool:
        nonlocal checked, feasible
        if not left:
            picks = [s for o in sorted(chosen, key=lambda o: o.course) for s in o.sections]
            found = score(picks, fixed, prefs)
            checked += 1
            feasible = True
            keys = tuple(s.key for s in picks)
            entry = (-found.score, _neg(keys), keys, found)
            if len(best) < limit:
                heapq.heappush(best, entry)
            elif (found.score, keys) < (-best[0][0], best[0][2]):
                heapq.heapreplace(best, entry)
            return first_only
        # fail first: the course with the fewest options left
        counts = [(int(masks[c] & alive).bit_count(), c) for c in left]
        if any(k == 0 for k, _c in counts):
            return False
        counts.sort()
        course = counts[0][1]
        rest = [c for c in left if c != course]
        for opt in by_course[course]:
            if not opt.bit & alive:
                continue
            new_days = days | opt.days
            new_cost = cost + opt.cost
            new_alive = alive & ~opt.conflicts
            if len(best) >= limit and bound(new_cost, new_days, new_alive, rest) > worst():
                continue
            chosen.append(opt)
            stop = visit(new_alive, rest, new_cost, new_days)
            chosen.pop()
            if stop:
                return True
        return False

    visit((1 << len(options)) - 1, list(range(n)), 0, fixed_days)
    ranked = sorted((item[3] for item in best), key=lambda f: (f.score,
                                                               [s.key for s in f.picks]))
    return Search(results=ranked, checked=checked, feasible=feasible)


class _neg:
    """Reverses the order of a tuple of class numbers inside the max-heap (ties: the larger
    class numbers are dropped first)."""

    __slots__ = ("keys",)

    def __init__(self, keys: tuple[str, ...]) -> None:
        self.keys = keys

    def __lt__(self, other: _neg) -> bool:
        return self.keys > other.keys

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _neg) and self.keys == other.keys


def feasible(courses: Sequence[CourseSpec], fixed: Sequence[Sec] = (),
             locked: Iterable[str] = ()) -> bool:
    return search(courses, fixed, locked=locked, limit=1, first_only=True).feasible


# ---------------------------------------------------------------------------- explanation
@dataclass
class Conflict:
    """Why a set of courses cannot be combined: the smallest such set, and clashing meetings."""

    courses: list[str]  # catalogue numbers (fixed classes are always there)
    pairs: list[tuple[list[Sec], list[Sec]]]  # every class of one side clashes with every of
    #                                            the other (a component of a course, or fixed)
    examples: list[tuple[Sec, Sec]]  # clashing pairs seen most often


def smallest_conflict(courses: Sequence[CourseSpec], fixed: Sequence[Sec] = (),
                      locked: Iterable[str] = ()) -> Conflict | None:
    """The smallest set of courses (with the fixed classes) that has no combination; None
    when all of them combine. At most 2^n feasibility checks, smallest sets first."""
    locked = set(locked)
    n = len(courses)
    for size in range(1, n + 1):
        for subset in itertools.combinations(range(n), size):
            chosen = [courses[i] for i in subset]
            if not feasible(chosen, fixed, locked):
                return Conflict(courses=[c.number for c in chosen],
                                pairs=_blocking_pairs(chosen, fixed, locked),
                                examples=_examples(chosen, fixed))
    return None


def _blocking_pairs(courses: Sequence[CourseSpec], fixed: Sequence[Sec],
                    locked: set[str]) -> list[tuple[list[Sec], list[Sec]]]:
    """Components that cannot go together: every class of one clashes with every class of the
    other (or with a fixed class)."""
    groups: list[list[Sec]] = []
    for spec in courses:
        for secs in spec.components.values():
            mine = [s for s in secs if s.fixed or s.key in locked]
            groups.append(mine[:1] if mine else list(secs))
    out = []
    for a, b in itertools.combinations(groups, 2):
        if a[0].course == b[0].course:
            continue
        if all(x.clashes(y) for x in a for y in b):
            out.append((a, b))
    for g in groups:
        for f in fixed:
            if f.course != g[0].course and all(x.clashes(f) for x in g):
                out.append((g, [f]))
    return out


def _examples(courses: Sequence[CourseSpec], fixed: Sequence[Sec]) -> list[tuple[Sec, Sec]]:
    secs = [s for spec in courses for group in spec.components.values() for s in group]
    pairs = [(a, b) for a, b in itertools.combinations(secs, 2)
             if a.course != b.course and a.clashes(b)]
    pairs += [(a, f) for a in secs for f in fixed if f.course != a.course and a.clashes(f)]
    return pairs[:6]


__all__ = ["COMPONENT_ORDER", "Conflict", "CourseSpec", "Found", "Prefs", "Search", "Sec",
           "Slot", "course_options", "feasible", "score", "search", "smallest_conflict",
           "week_shape"]
