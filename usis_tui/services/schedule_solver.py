"""The schedule assistant's search, without a database: which combinations of sections (one
class of each component of each course, a tutorial with its own lecture) have no clash with each
other or with fixed classes, ranked by preferences; and, when there are none, the smallest set of
courses that cannot be combined.

A pruned search of our own (benchmarks/README.md says why not a CP solver): options are bit
positions, every option carries the bitmask of the options it clashes with, so choosing one is
one AND; the course with the fewest options left goes next (fail first). Options of a course
that meet at the same times and cost the same (parallel tutorial groups) are one option, told
apart by class number only where they could be among the best. Until there are 20 results the
cheapest options go first; then every branch gets a lower bound of its score (the additive
costs, the days every option of a course needs, the gaps no class left could close, on week
masks with a bit per quarter of an hour: the greatest common divisor of the times), the most
promising branch goes first, and a branch is cut when its bound cannot beat the 20th best
result (on an equal score: when its smallest class numbers cannot). The search is complete and
exact: "no result" means no combination exists, and the results are the best 20 of all
combinations in order (tests/unit/test_schedule_solver.py checks both against an exhaustive
search).
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

COMPONENT_ORDER = ("Lecture", "Tutorial", "Practical", "Exam")
DAY = 24 * 60  # minutes


# ---------------------------------------------------------------------------- input
@dataclass(frozen=True)
class Slot:
    """A weekly meeting pattern (for the week's shape: days on campus, gaps, early or late)."""

    weekday: int
    start: int  # minutes after midnight
    end: int

    def __post_init__(self) -> None:
        # (the database's meeting table has the same checks: weekday 0-6, start < end)
        if not (0 <= self.weekday <= 6 and 0 <= self.start < self.end <= DAY):
            raise ValueError(f"not a weekly slot: {self}")


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
    """One way to take one course: a class of each component; or several such ways that meet
    at exactly the same times and cost the same (parallel groups), which the search treats as
    one and tells apart only by their class numbers."""

    course: int  # index into the courses
    members: list[tuple[Sec, ...]]  # the combinations it stands for, by class numbers
    cost: int  # additive part of the score
    keys: tuple[str, ...]  # the class numbers of the first member (the smallest)
    days: int  # bitmask of the weekdays it meets on
    week: int  # its weekly slots as a bitmask (_Week)
    bit: int = 0
    conflicts: int = 0  # bitmask of the options (of other courses) it clashes with


def course_options(spec: CourseSpec, fixed: Sequence[Sec],
                   locked: set[str]) -> list[tuple[Sec, ...]]:
    """Every combination of one class per component of a course: tutorials and practicals
    with a parent go with their own lecture; none clashes with another or with a fixed class;
    a locked class (or a fixed one of this course) is in every combination. A course without
    any class (not taught in the period) has none."""
    if not spec.components:
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
                  locked: set[str], week: _Week) -> tuple[list[Option], list[int]]:
    """The options of every course as bits (cheapest first), each with the bitmask of the
    options it clashes with; and per course the bitmask of its options. Combinations of a
    course that meet on the same dates and times and cost the same are one option."""
    options: list[Option] = []
    masks: list[int] = []
    for i, spec in enumerate(courses):
        mask = 0
        same: dict[tuple, Option] = {}
        for combo in course_options(spec, fixed, locked):
            slots = [sl for s in combo for sl in s.slots]
            cost = sum(_additive(s, prefs) for s in combo if not s.fixed)
            days, minutes = _days(slots), week.mask(slots)
            when = frozenset((day, span) for s in combo
                             for day, spans in s.occurrences.items() for span in spans)
            opt = same.get((cost, days, minutes, when))
            if opt is None:
                opt = same[(cost, days, minutes, when)] = Option(
                    course=i, members=[], cost=cost, keys=(), days=days, week=minutes)
            opt.members.append(combo)
        mine = list(same.values())
        for opt in mine:
            opt.members.sort(key=lambda m: [s.key for s in m])
            opt.keys = tuple(s.key for s in opt.members[0])
        mine.sort(key=lambda o: (o.cost, o.keys))
        for opt in mine:
            opt.bit = 1 << len(options)
            options.append(opt)
            mask |= opt.bit
        masks.append(mask)
    # section-level clashes first (few sections, many options)
    sections: dict[int, Sec] = {}
    holders: dict[int, int] = {}  # id(section) -> bitmask of the options holding it
    for opt in options:
        for member in opt.members:
            for s in member:
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
        # (the members meet at the same times: they clash with the same options)
        for s in opt.members[0]:
            opt.conflicts |= clash_of[id(s)]
    return options, masks


# ---------------------------------------------------------------------------- week masks
# The week's shape as integers, so that the search scores a combination with a few integer
# operations instead of week_shape(): bit d of ``days`` is weekday d; a week mask has one bit
# per unit of time of the week (units of the greatest common divisor of the times in play, a
# quarter of an hour for Leiden's timetable; a minute at worst). A day's gaps are its span
# (first to last unit in use) less the units in use, exactly what week_shape() adds up.
_WEEKDAYS = [tuple(d for d in range(7) if bits >> d & 1) for bits in range(128)]


def _days(slots: Iterable[Slot]) -> int:
    out = 0
    for s in slots:
        out |= 1 << s.weekday
    return out


class _Week:
    """Week masks in units of ``unit`` minutes."""

    def __init__(self, slots: Iterable[Slot]) -> None:
        unit = DAY
        for s in slots:
            unit = math.gcd(unit, s.start, s.end)
        self.unit = unit
        self.per_day = DAY // unit
        self.full_day = (1 << self.per_day) - 1

    def mask(self, slots: Iterable[Slot]) -> int:
        out, unit, per_day = 0, self.unit, self.per_day
        for s in slots:
            out |= ((1 << ((s.end - s.start) // unit)) - 1) << (s.weekday * per_day
                                                               + s.start // unit)
        return out

    def gaps(self, week: int, days: int) -> int:
        """Minutes of gaps (week_shape's) of a week mask whose weekdays are ``days``."""
        total = 0
        for d in _WEEKDAYS[days]:
            x = (week >> (d * self.per_day)) & self.full_day
            if x:
                total += x.bit_length() - (x & -x).bit_length() + 1 - x.bit_count()
        return total * self.unit

    def holes(self, week: int, days: int) -> int:
        """The units of gaps of a week mask whose weekdays are ``days``: on each day, those
        between its first and its last class that no class uses. A week with more classes
        has at least the holes that none of them fills (its days only get longer)."""
        out, per_day, full_day = 0, self.per_day, self.full_day
        for d in _WEEKDAYS[days]:
            shift = d * per_day
            x = (week >> shift) & full_day
            if x:
                out |= ((1 << x.bit_length()) - (x & -x)) << shift
        return out & ~week


# ---------------------------------------------------------------------------- search
def search(courses: Sequence[CourseSpec], fixed: Sequence[Sec] = (), prefs: Prefs = Prefs(),
           locked: Iterable[str] = (), limit: int = 20, first_only: bool = False) -> Search:
    """The best ``limit`` combinations (lowest score first; ties by class numbers).
    ``checked`` counts the combinations of options scored (an option may stand for parallel
    groups: those are told apart by class number only where they could be in the best)."""
    fixed_slots = [sl for f in fixed for sl in f.slots]
    week = _Week([*fixed_slots, *(sl for spec in courses for secs in spec.components.values()
                                  for s in secs for sl in s.slots)])
    options, masks = build_options(courses, fixed, prefs, set(locked), week)
    n = len(courses)
    if n == 0 or any(m == 0 for m in masks):
        return Search(results=[], checked=0, feasible=False)
    day_w = _day_weight(prefs)
    gap_w = W_GAP_STRONG if prefs.compact else W_GAP
    off_mask = sum(1 << d for d in set(prefs.days_off) if 0 <= d <= 6)
    by_course = [[o for o in options if o.course == i] for i in range(n)]
    by_keys = [sorted(opts, key=lambda o: o.keys) for opts in by_course]
    # the best so far as a heap whose top is the worst of them: (-score, reversed keys, ...)
    best: list[tuple[int, _neg, tuple[str, ...], Found]] = []
    checked = 0
    feasible = False
    chosen: list[Option] = []

    def below(alive: int, left: list[int]) -> tuple[int, int, int, int]:
        """What the courses ``left`` add at least, whichever of their options still alive
        they take: the sum of their cheapest costs, the weekdays and the time every one of
        their options uses, and all the time any of them uses (where a gap could close)."""
        cost, days, mask, fill = 0, 0, 0, 0
        for c in left:
            first = True
            for o in by_course[c]:  # (cheapest first)
                if o.bit & alive:
                    if first:
                        cost += o.cost
                        every_days, every_week, first = o.days, o.week, False
                    else:
                        every_days &= o.days
                        every_week &= o.week
                    fill |= o.week
            if not first:
                days |= every_days
                mask |= every_week
        return cost, days, mask, fill

    def bound(cost: int, days: int, mask: int, least: tuple[int, int, int, int], alive: int,
              rest: list[int], target: int) -> int:
        """No combination below a node scores less than this (every term of score() bounded),
        given what the courses ``rest`` add at least (``least``: ``below`` with the node's or
        a wider alive). With one course left and a bound not above ``target``: the exact best
        score below (the score of each of its options still alive)."""
        low = cost + least[0]
        with_days = days | least[1]
        low += W_OFF_DAY * (with_days & off_mask).bit_count() + day_w * with_days.bit_count()
        holes = week.holes(mask | least[2], with_days)
        if not holes or not rest:
            low += gap_w * (holes.bit_count() * week.unit) // 15
        else:  # the holes no option left can fill stay
            low += gap_w * ((holes & ~least[3]).bit_count() * week.unit) // 15
        if len(rest) != 1 or low > target:
            return low
        # one course left: its options' scores (what its visit would compute, without it)
        exact = 1 << 60
        for o in by_course[rest[0]]:
            if o.bit & alive:
                d, m = days | o.days, mask | o.week
                exact = min(exact, cost + o.cost + W_OFF_DAY * (d & off_mask).bit_count()
                            + day_w * d.bit_count() + gap_w * week.gaps(m, d) // 15)
        return exact

    def tie_lost(opt: Option, alive: int, rest: list[int]) -> bool:
        """At a node whose bound equals the score of the worst of the best: True when even
        the smallest class numbers below it (per course: the chosen option's, or the smallest
        of its options left) come after that result's, so no result below can replace it."""
        mine = {o.course: o.keys for o in chosen}
        mine[opt.course] = opt.keys
        for c in rest:
            smallest = next((o.keys for o in by_keys[c] if o.bit & alive), None)
            if smallest is None:
                return True  # (and no result at all below)
            mine[c] = smallest
        return tuple(k for c in range(n) for k in mine[c]) >= best[0][2]

    def leaf(cost: int, days: int, mask: int) -> None:
        nonlocal checked, feasible
        checked += 1
        feasible = True
        total = (cost + W_OFF_DAY * (days & off_mask).bit_count() + day_w * days.bit_count()
                 + gap_w * week.gaps(mask, days) // 15)
        if len(best) >= limit and total > -best[0][0]:
            return
        # every member of the options scores ``total``: in order of class numbers, as long
        # as they make the best
        ordered = sorted(chosen, key=lambda o: o.course)
        for members in itertools.product(*(o.members for o in ordered)):
            picks = [s for member in members for s in member]
            keys = tuple(s.key for s in picks)
            full = len(best) >= limit
            if full and (total, keys) >= (-best[0][0], best[0][2]):
                return  # (and so are the members after it)
            found = score(picks, fixed, prefs)
            entry = (-found.score, _neg(keys), keys, found)
            if full:
                heapq.heapreplace(best, entry)
            else:
                heapq.heappush(best, entry)
            if first_only:
                return

    def visit(alive: int, left: list[int], cost: int, days: int, mask: int) -> bool:
        if not left:
            leaf(cost, days, mask)
            return first_only
        # fail first: the course with the fewest options left
        course, fewest = -1, 1 << 60
        for c in left:
            k = (masks[c] & alive).bit_count()
            if k < fewest:
                course, fewest = c, k
        if fewest == 0:
            return False
        rest = [c for c in left if c != course]
        if first_only or not best:
            # no result yet: cheapest options first, no bound (a search that finds none is
            # the proof that there is none: that stays cheap)
            for opt in by_course[course]:
                if opt.bit & alive:
                    chosen.append(opt)
                    stop = visit(alive & ~opt.conflicts, rest, cost + opt.cost,
                                 days | opt.days, mask | opt.week)
                    chosen.pop()
                    if stop:
                        return True
            return False
        # every child gets a bound, from what the other courses add at least whatever this
        # course takes (its options only take more options away); the most promising child
        # goes first: good results early make the bound cut more
        least = below(alive, rest)
        children = []
        for i, opt in enumerate(by_course[course]):
            if opt.bit & alive:
                new_alive = alive & ~opt.conflicts
                if any(not masks[c] & new_alive for c in rest):
                    continue  # it leaves a course without options
                new_cost, new_days, new_mask = cost + opt.cost, days | opt.days, mask | opt.week
                full = len(best) >= limit
                low = bound(new_cost, new_days, new_mask, least, new_alive, rest,
                            -best[0][0] if full else 1 << 60)
                if not full or low < -best[0][0] or (low == -best[0][0]
                                                     and not tie_lost(opt, new_alive, rest)):
                    children.append((low, i, opt, new_alive, new_cost, new_days, new_mask))
        children.sort(key=lambda child: child[:2])
        for low, _i, opt, new_alive, new_cost, new_days, new_mask in children:
            if len(best) >= limit:
                if low > -best[0][0]:
                    break  # (sorted: none of the rest can do better)
                if low == -best[0][0] and tie_lost(opt, new_alive, rest):
                    continue
            chosen.append(opt)
            visit(new_alive, rest, new_cost, new_days, new_mask)
            chosen.pop()
        return False

    visit((1 << len(options)) - 1, list(range(n)), 0, _days(fixed_slots),
          week.mask(fixed_slots))
    ranked = sorted((item[3] for item in best), key=lambda f: (f.score,
                                                               [s.key for s in f.picks]))
    return Search(results=ranked, checked=checked, feasible=feasible)


def _and(values: Iterable[int]) -> int:
    out = -1
    for v in values:
        out &= v
    return out if out != -1 else 0


def _or(values: Iterable[int]) -> int:
    out = 0
    for v in values:
        out |= v
    return out


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
    when all of them combine. At most 2^n feasibility checks, smallest sets first, on the
    options of every course built once."""
    locked = set(locked)
    n = len(courses)
    week = _Week([*(sl for f in fixed for sl in f.slots),
                  *(sl for spec in courses for secs in spec.components.values()
                    for s in secs for sl in s.slots)])
    options, masks = build_options(courses, fixed, Prefs(), locked, week)
    by_course = [[o for o in options if o.course == i] for i in range(n)]

    def fits(alive: int, left: list[int]) -> bool:
        """Whether the courses ``left`` have a combination (fail first, as search())."""
        if not left:
            return True
        course = min(left, key=lambda c: (masks[c] & alive).bit_count())
        if not masks[course] & alive:
            return False
        rest = [c for c in left if c != course]
        return any(fits(alive & ~o.conflicts, rest) for o in by_course[course]
                   if o.bit & alive)

    for size in range(1, n + 1):
        for subset in itertools.combinations(range(n), size):
            chosen = [courses[i] for i in subset]
            if not fits((1 << len(options)) - 1, list(subset)):
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
            if secs:  # (a component without classes is no pair: it blocks on its own)
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
