"""The schedule assistant's search (services/schedule_solver.py), without a database.

Hand-made cases for each rule, and a property test on generated small catalogues that compares
the pruned search with an exhaustive one written here (itertools.product over every component
of every course, no pruning): the same results in the same order, the same "no combination",
and the smallest set of courses that cannot be combined really is the smallest.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from usis_tui.services.schedule_solver import (
    COMPONENT_ORDER,
    CourseSpec,
    Found,
    Prefs,
    Sec,
    Slot,
    course_options,
    feasible,
    score,
    search,
    smallest_conflict,
)

TERM = date(2027, 2, 1)  # a Monday, ISO week 5
TERM_WEEKS = 6
MON, TUE, WED, THU, FRI = range(5)


# ---------------------------------------------------------------------------- building classes
def hm(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def term_days(weekday: int, weeks: str | None = None,
              term_weeks: int = TERM_WEEKS) -> list[date]:
    """The dates of a weekly meeting: every week, or only the "odd" / "even" ISO weeks."""
    days = [TERM + timedelta(days=weekday, weeks=w) for w in range(term_weeks)]
    if weeks == "odd":
        days = [d for d in days if d.isocalendar().week % 2 == 1]
    elif weeks == "even":
        days = [d for d in days if d.isocalendar().week % 2 == 0]
    return days


def weekly(weekday: int, start: str, end: str, weeks: str | None = None,
           term_weeks: int = TERM_WEEKS) -> tuple[Slot, list[tuple[date, int, int]]]:
    """A weekly meeting in the term."""
    s, e = hm(start), hm(end)
    return Slot(weekday, s, e), [(d, s, e) for d in term_days(weekday, weeks, term_weeks)]


def once(day: date, start: str, end: str) -> tuple[None, list[tuple[date, int, int]]]:
    """A one-day meeting (an exam): no weekly slot."""
    return None, [(day, hm(start), hm(end))]


def mk(key: str, course: str, component: str, *meetings, parent: str | None = None,
       waitlist: bool = False, fixed: bool = False) -> Sec:
    occurrences: dict[date, list[tuple[int, int]]] = {}
    slots = []
    for slot, dates in meetings:
        if slot is not None:
            slots.append(slot)
        for day, s, e in dates:
            occurrences.setdefault(day, []).append((s, e))
    return Sec(key=key, course=course, component=component, parent=parent,
               occurrences=occurrences, slots=tuple(slots), waitlist=waitlist, fixed=fixed)


def course(number: str, *secs: Sec) -> CourseSpec:
    components: dict[str, list[Sec]] = {}
    for s in secs:
        components.setdefault(s.component, []).append(s)
    return CourseSpec(number, components)


def keys(found: Found) -> tuple[str, ...]:
    return tuple(s.key for s in found.picks)


def ranked(result) -> list[tuple[int, tuple[str, ...]]]:
    return [(f.score, keys(f)) for f in result.results]


# ---------------------------------------------------------------------------- the reference
def overlap(a: Sec, b: Sec) -> bool:
    """Written here, not the solver's Sec.clashes: a shared date with overlapping times."""
    return any(s1 < e2 and s2 < e1
               for day in set(a.occurrences) & set(b.occurrences)
               for s1, e1 in a.occurrences[day] for s2, e2 in b.occurrences[day])


def component_order(spec: CourseSpec) -> list[str]:
    return sorted(spec.components, key=lambda c: (
        COMPONENT_ORDER.index(c) if c in COMPONENT_ORDER else 9, c))


def valid(picks: tuple[Sec, ...], courses: list[CourseSpec], fixed: list[Sec],
          locked: set[str]) -> bool:
    """The rules of a result, one by one: exactly one class of every component of every course
    (in course order, components in COMPONENT_ORDER), a tutorial or practical with a parent
    with its own lecture, the locked and the already enrolled class of a component taken, no
    two classes clashing, none clashing with a fixed class."""
    wanted = [(spec.number, comp) for spec in courses for comp in component_order(spec)]
    if [(s.course, s.component) for s in picks] != wanted:
        return False
    for spec in courses:
        mine = [s for s in picks if s.course == spec.number]
        for s in mine:
            if s not in spec.components[s.component]:
                return False
            must = [x for x in spec.components[s.component] if x.fixed or x.key in locked]
            if must and s is not must[0]:
                return False
        lectures = {s.key for s in mine if s.component == "Lecture"}
        if any(s.parent is not None and lectures and s.parent not in lectures for s in mine):
            return False
    if any(overlap(a, b) for a, b in itertools.combinations(picks, 2)):
        return False
    return not any(overlap(s, f) for s in picks for f in fixed)


NO_PREFS = Prefs()


def exhaustive(courses: list[CourseSpec], fixed: list[Sec] = (), prefs: Prefs = NO_PREFS,
               locked: set[str] = frozenset()) -> list[tuple[int, tuple[str, ...]]]:
    """Every combination, no pruning: product over every component of every course, each
    checked by ``valid``, scored, sorted by (score, class numbers)."""
    fixed = list(fixed)
    if any(not spec.components for spec in courses):
        return []  # a course with no classes at all cannot be taken
    groups = [spec.components[comp] for spec in courses for comp in component_order(spec)]
    secs = list({id(s): s for g in groups for s in g}.values())
    index = {id(s): i for i, s in enumerate(secs)}
    # the same checks as ``valid`` with bit masks, to keep the enumeration quick
    clash = [0] * len(secs)
    for i, a in enumerate(secs):
        for j, b in enumerate(secs):
            if i != j and overlap(a, b):
                clash[i] |= 1 << j
        if any(overlap(a, f) for f in fixed):
            clash[i] |= 1 << i  # never usable
    out = []
    for combo in itertools.product(*groups):
        bits = 0
        for s in combo:
            bits |= 1 << index[id(s)]
        if any(clash[index[id(s)]] & bits for s in combo):
            continue
        if not valid(combo, courses, fixed, locked):
            continue
        out.append((score(combo, fixed, prefs).score, tuple(s.key for s in combo)))
    out.sort()
    return out


# ---------------------------------------------------------------------------- hand-made cases
def lecture_with_tutorials() -> CourseSpec:
    return course(
        "4031DATABY",
        mk("1001", "4031DATABY", "Lecture", weekly(MON, "09:00", "10:45")),
        mk("1002", "4031DATABY", "Lecture", weekly(TUE, "09:00", "10:45")),
        mk("1003", "4031DATABY", "Tutorial", weekly(WED, "09:00", "10:45"), parent="1001"),
        mk("1004", "4031DATABY", "Tutorial", weekly(THU, "09:00", "10:45"), parent="1001"),
        mk("1005", "4031DATABY", "Tutorial", weekly(FRI, "09:00", "10:45"), parent="1002"))


def test_a_linked_tutorial_only_goes_with_its_own_lecture():
    spec = lecture_with_tutorials()
    combos = {tuple(s.key for s in c) for c in course_options(spec, [], set())}
    assert combos == {("1001", "1003"), ("1001", "1004"), ("1002", "1005")}
    got = search([spec])
    assert sorted(keys(f) for f in got.results) == sorted(combos)
    assert got.feasible and got.checked == 3


def test_a_tutorial_without_parent_goes_with_any_lecture():
    spec = course("C", mk("1", "C", "Lecture", weekly(MON, "09:00", "10:45")),
                  mk("2", "C", "Lecture", weekly(TUE, "09:00", "10:45")),
                  mk("3", "C", "Tutorial", weekly(WED, "09:00", "10:45")))
    assert sorted(keys(f) for f in search([spec]).results) == [("1", "3"), ("2", "3")]


def test_every_component_needs_a_class():
    spec = lecture_with_tutorials()
    spec.components["Exam"] = []  # an exam the student may not use
    got = search([spec])
    assert (got.results, got.feasible) == ([], False)
    assert not feasible([spec])
    assert smallest_conflict([spec]).courses == ["4031DATABY"]


def test_a_course_without_classes_has_no_combination():
    """A course not taught in the period (no classes at all) cannot be scheduled: the search
    must not leave it out of every result (schedule.solve then says it is not taught)."""
    other = course("C", mk("1", "C", "Lecture", weekly(MON, "09:00", "10:45")))
    got = search([other, CourseSpec("NOTTAUGHT", {})])
    assert (got.results, got.feasible) == ([], False)
    assert smallest_conflict([other, CourseSpec("NOTTAUGHT", {})]).courses == ["NOTTAUGHT"]


def test_every_result_takes_one_class_of_each_component_in_course_and_component_order():
    a = course("A", mk("9", "A", "Exam", once(date(2027, 6, 7), "09:00", "12:00")),
               mk("8", "A", "Tutorial", weekly(TUE, "09:00", "10:45")),
               mk("7", "A", "Lecture", weekly(MON, "09:00", "10:45")))
    b = course("B", mk("1", "B", "Lecture", weekly(WED, "09:00", "10:45")))
    got = search([a, b])
    assert ranked(got) == [(got.results[0].score, ("7", "8", "9", "1"))]
    assert got.results[0].days == (MON, TUE, WED)


def test_a_fixed_class_is_in_every_result_and_nothing_clashes_with_one():
    enrolled = mk("2000", "4031OSYSY", "Lecture", weekly(MON, "09:00", "10:45"), fixed=True)
    spec = lecture_with_tutorials()  # lecture 1001 is on Monday 09:00 too
    got = search([spec], fixed=[enrolled])
    assert [keys(f) for f in got.results] == [("1002", "1005")]
    # an enrolled class of the course itself (fixed inside the course) is in every result
    spec = lecture_with_tutorials()
    spec.components["Tutorial"][1] = mk("1004", "4031DATABY", "Tutorial",
                                        weekly(THU, "09:00", "10:45"), parent="1001",
                                        fixed=True, waitlist=True)
    got = search([spec])
    assert [keys(f) for f in got.results] == [("1001", "1004")]
    assert got.results[0].waitlisted == 0  # a wait list the student is already on is no cost
    # a tutorial clashing with the fixed class is never chosen, even when cheaper
    other = course("B", mk("3001", "B", "Lecture", weekly(WED, "09:00", "10:45")),
                   mk("3002", "B", "Lecture", weekly(FRI, "09:00", "10:45")))
    got = search([other], fixed=[mk("2001", "X", "Tutorial", weekly(WED, "10:00", "11:00"),
                                    fixed=True)])
    assert [keys(f) for f in got.results] == [("3002",)]


def test_a_locked_class_is_in_every_result():
    spec = lecture_with_tutorials()
    assert [keys(f) for f in search([spec], locked=["1004"]).results] == [("1001", "1004")]
    assert [keys(f) for f in search([spec], locked=["1002"]).results] == [("1002", "1005")]
    # a lock that cannot be combined with the rest: no result
    b = course("B", mk("2001", "B", "Lecture", weekly(THU, "10:00", "11:00")))
    assert not search([spec, b], locked=["1004"]).feasible
    assert search([spec, b]).feasible


def test_real_dates_a_fortnightly_practical_and_an_even_weeks_class_do_not_clash():
    odd = mk("1", "A", "Practical", weekly(WED, "13:45", "15:30", "odd"))
    even = mk("2", "B", "Lecture", weekly(WED, "13:45", "15:30", "even"))
    every = mk("3", "B", "Lecture", weekly(WED, "14:00", "15:00"))
    assert not odd.clashes(even) and odd.clashes(every) and even.clashes(every)
    got = search([course("A", odd), course("B", even, every)])
    assert [keys(f) for f in got.results] == [("1", "2")]
    # the other way round: only the weeks that are really shared count
    assert not search([course("A", odd), course("B", every)]).feasible
    # an exam inside the term clashes with a weekly class only on its own date
    exam = mk("4", "C", "Exam", once(TERM + timedelta(days=MON, weeks=2), "09:00", "12:00"))
    monday = mk("5", "D", "Lecture", weekly(MON, "11:00", "12:45"))
    monday_after = mk("6", "D", "Lecture", weekly(MON, "11:00", "12:45", term_weeks=2))
    assert not search([course("C", exam), course("D", monday)]).feasible
    assert [keys(f) for f in search([course("C", exam), course("D", monday_after)]).results] \
        == [("4", "6")]
    # touching meetings (one ends when the other starts) do not clash
    a = mk("7", "E", "Lecture", weekly(TUE, "09:00", "11:00"))
    b = mk("8", "F", "Lecture", weekly(TUE, "11:00", "12:45"))
    assert search([course("E", a), course("F", b)]).feasible


def test_results_are_ranked_by_score_then_class_numbers():
    # four tutorials on the same day and time as each other: equal scores, ordered by number
    lec = mk("1000", "A", "Lecture", weekly(MON, "09:00", "10:45"))
    tuts = [mk(k, "A", "Tutorial", weekly(MON, "10:45", "12:30")) for k in ("1004", "1002")]
    tuts.append(mk("1003", "A", "Tutorial", weekly(MON, "10:45", "12:30"), waitlist=True))
    tuts.append(mk("1001", "A", "Tutorial", weekly(TUE, "11:00", "12:45")))
    got = search([course("A", lec, *tuts)])
    # 1002 and 1004: Monday only; 1003 the same but a wait list (+300); 1001: two days
    assert [(f.score, keys(f)[1]) for f in got.results] == [
        (10, "1002"), (10, "1004"), (20, "1001"), (310, "1003")]
    got = search([course("A", lec, *tuts)], prefs=Prefs(prefer_open=False))
    assert [keys(f)[1] for f in got.results] == ["1002", "1003", "1004", "1001"]
    assert ranked(got) == exhaustive([course("A", lec, *tuts)], prefs=Prefs(prefer_open=False))


def many_groups(n_courses: int = 3, groups: int = 7) -> list[CourseSpec]:
    """Courses with a lecture and ``groups`` tutorials spread over the week: many results."""
    out = []
    for c in range(n_courses):
        number = f"C{c}"
        secs = [mk(f"{c}000", number, "Lecture", weekly(c % 5, "09:00", "10:45"))]
        for g in range(groups):
            day, start = (c + g) % 5, ("11:00", "13:45", "15:45")[(c * 7 + g) % 3]
            secs.append(mk(f"{c}1{g:02d}", number, "Tutorial",
                           weekly(day, start, f"{hm(start) // 60 + 1}:45"),
                           parent=f"{c}000", waitlist=g % 4 == 3))
        out.append(course(number, *secs))
    return out


def test_the_best_20_are_exactly_the_20_best_of_all_combinations():
    courses = many_groups()
    for prefs in (Prefs(), Prefs(days_off=frozenset({FRI}), compact=True),
                  Prefs(fewest_days=True, no_before=hm("11:00"))):
        everything = exhaustive(courses, prefs=prefs)
        assert len(everything) > 100
        got = search(courses, prefs=prefs)
        assert ranked(got) == everything[:20]
        assert ranked(search(courses, prefs=prefs, limit=5)) == everything[:5]
        assert got.checked < len(everything)  # the bound really cut branches


def two_ways(*alternatives: tuple[tuple, ...]) -> list[CourseSpec]:
    """One course whose tutorials (given as meetings) are the alternatives to rank."""
    secs = [mk("1000", "A", "Lecture", weekly(MON, "09:00", "10:45"))]
    secs += [mk(f"10{i + 1:02d}", "A", "Tutorial", *meets)
             for i, meets in enumerate(alternatives)]
    return [course("A", *secs)]


def order(courses: list[CourseSpec], **prefs) -> list[str]:
    return [keys(f)[1] for f in search(courses, prefs=Prefs(**prefs)).results]


def test_days_off_puts_the_results_without_classes_that_day_first():
    courses = two_ways((weekly(MON, "11:00", "12:45"),), (weekly(FRI, "09:00", "10:45"),))
    assert order(courses) == ["1001", "1002"]  # one day on campus beats two
    courses = two_ways((weekly(FRI, "11:00", "12:45"),), (weekly(TUE, "11:00", "12:45"),))
    assert order(courses) == ["1001", "1002"]  # equal: class numbers
    assert order(courses, days_off=frozenset({FRI})) == ["1002", "1001"]
    best = search(courses, prefs=Prefs(days_off=frozenset({FRI}))).results
    assert (best[0].off_days_used, best[1].off_days_used) == ((), (FRI,))


def test_no_before_and_no_after_push_early_and_late_classes_down():
    courses = two_ways((weekly(TUE, "09:00", "10:45"),), (weekly(TUE, "11:00", "12:45"),))
    assert order(courses) == ["1001", "1002"]
    assert order(courses, no_before=hm("11:00")) == ["1002", "1001"]
    early = search(courses, prefs=Prefs(no_before=hm("11:00"))).results
    assert [f.early_late for f in early] == [1, 2]  # both keep the 09:00 lecture
    assert [f.score for f in early] == [120, 220]
    courses = two_ways((weekly(TUE, "15:45", "17:30"),), (weekly(TUE, "13:45", "15:30"),))
    assert order(courses) == ["1001", "1002"]
    assert order(courses, no_after=hm("17:00")) == ["1002", "1001"]


def test_compact_prefers_fewer_gaps_and_fewest_days_fewer_days():
    # 1001: Monday after the lecture with a gap of an hour; 1002: Tuesday, no gap
    courses = two_ways((weekly(MON, "11:45", "13:30"),), (weekly(TUE, "09:00", "10:45"),))
    plain = search(courses).results
    assert [keys(f)[1] for f in plain] == ["1001", "1002"]  # a day fewer beats the gap
    assert [(f.gaps, f.days, f.score) for f in plain] == [(60, (MON,), 14),
                                                         (0, (MON, TUE), 20)]
    assert order(courses, compact=True) == ["1002", "1001"]
    # a gap of three hours costs more than a day
    courses = two_ways((weekly(TUE, "09:00", "10:45"),), (weekly(MON, "13:45", "15:30"),))
    assert order(courses) == ["1001", "1002"]
    courses = two_ways((weekly(TUE, "09:00", "10:45"),), (weekly(MON, "16:45", "18:30"),))
    assert order(courses) == ["1001", "1002"]  # a gap of 6 hours costs more than a day
    assert order(courses, fewest_days=True) == ["1002", "1001"]


def test_smallest_conflict_returns_the_smallest_set_and_its_blocking_pairs():
    a = course("A", mk("1", "A", "Lecture", weekly(WED, "15:45", "17:30")))
    b = course("B", mk("2", "B", "Lecture", weekly(MON, "09:00", "10:45")),
               mk("3", "B", "Tutorial", weekly(WED, "15:45", "17:30")),
               mk("4", "B", "Tutorial", weekly(WED, "16:00", "17:00")))
    c = course("C", mk("5", "C", "Lecture", weekly(THU, "09:00", "10:45")),
               mk("6", "C", "Lecture", weekly(WED, "15:45", "17:30")))
    assert smallest_conflict([a, c]) is None
    assert smallest_conflict([c, b]) is None
    got = smallest_conflict([c, a, b])
    assert got.courses == ["A", "B"]
    assert [([x.key for x in p], [y.key for y in q]) for p, q in got.pairs] == [(["1"], ["3", "4"])]
    assert {(x.key, y.key) for x, y in got.examples} == {("1", "3"), ("1", "4")}
    # one course against the student's own class: a set of one, the fixed class named
    own = mk("9", "X", "Lecture", weekly(WED, "16:30", "17:00"), fixed=True)
    got = smallest_conflict([c, a, b], fixed=[own])
    assert got.courses == ["A"]
    assert [([x.key for x in p], [y.key for y in q]) for p, q in got.pairs] == [(["1"], ["9"])]
    # three courses that clash only all together: pairs stay empty, the examples say why
    x = course("X", mk("11", "X", "Lecture", weekly(MON, "09:00", "10:45")),
               mk("12", "X", "Lecture", weekly(TUE, "09:00", "10:45")))
    y = course("Y", mk("21", "Y", "Lecture", weekly(MON, "09:00", "10:45")),
               mk("22", "Y", "Lecture", weekly(TUE, "09:00", "10:45")))
    z = course("Z", mk("31", "Z", "Lecture", weekly(MON, "09:00", "10:45")),
               mk("32", "Z", "Lecture", weekly(TUE, "09:00", "10:45")))
    got = smallest_conflict([x, y, z])
    assert (got.courses, got.pairs) == (["X", "Y", "Z"], [])
    assert got.examples
    # locks count: with 12 locked Y takes 21; with 12 and 22 locked X and Y do not combine
    assert smallest_conflict([x, y], locked=["12"]) is None
    assert smallest_conflict([x, y], locked=["12", "22"]).courses == ["X", "Y"]


def test_first_only_stops_at_the_first_result():
    courses = many_groups()
    got = search(courses, first_only=True, limit=1)
    assert got.checked == 1 and len(got.results) == 1 and got.feasible
    assert (got.results[0].score, keys(got.results[0])) in exhaustive(courses)


# ---------------------------------------------------------------------------- property
COMPONENTS = ("Lecture", "Tutorial", "Practical", "Exam")
STARTS = (hm("09:00"), hm("10:00"), hm("11:00"), hm("13:45"), hm("15:45"))
EXAM_DAYS = (TERM + timedelta(days=2), TERM + timedelta(days=9), date(2027, 6, 7),
             date(2027, 6, 8))
BUDGET = 800  # combinations the exhaustive search may have to look at


@st.composite
def meeting(draw, exam: bool) -> tuple:
    if exam:
        day = draw(st.sampled_from(EXAM_DAYS))
        start = draw(st.sampled_from((hm("09:00"), hm("14:00"))))
        return None, [(day, start, start + 180)]
    weekday = draw(st.integers(0, 4))
    start = draw(st.sampled_from(STARTS))
    length = draw(st.sampled_from((60, 105, 120)))
    weeks = draw(st.sampled_from((None, None, "odd", "even", "first")))
    dates = (term_days(weekday, term_weeks=TERM_WEEKS // 2) if weeks == "first"
             else term_days(weekday, weeks))
    return Slot(weekday, start, start + length), [(d, start, start + length) for d in dates]


@st.composite
def problems(draw):
    """2-5 courses of 1-3 components with 1-4 classes each (at most BUDGET combinations),
    random weekly meetings (every, odd, even or the first weeks) and exam dates, linked
    tutorials, wait lists, classes the student is already enrolled in (fixed, inside a course
    or of other courses), locks, preferences and a limit."""
    n = draw(st.integers(2, 5))
    shapes = []
    for _c in range(n):
        comps = draw(st.lists(st.sampled_from(COMPONENTS), min_size=1, max_size=3, unique=True))
        shapes.append([[comp, draw(st.integers(1, 4))] for comp in comps])
    while (total := _product(c for shape in shapes for _comp, c in shape)) > BUDGET:
        biggest = max((item for shape in shapes for item in shape), key=lambda i: i[1])
        biggest[1] -= 1
    assert total >= 1
    count = sum(c for shape in shapes for _comp, c in shape)
    numbers = draw(st.permutations(range(count)))
    keys_ = iter(f"{1000 + 7 * k}" for k in numbers)
    courses = []
    for c, shape in enumerate(shapes):
        number = f"40{c}1CRS"
        components: dict[str, list[Sec]] = {}
        lectures: list[str] = []
        for comp, k in sorted(shape, key=lambda item: COMPONENTS.index(item[0])):
            secs: list[Sec] = []
            for _i in range(k):
                meets = [draw(meeting(comp == "Exam"))]
                if comp != "Exam" and draw(st.integers(0, 3)) == 0:
                    meets.append(draw(meeting(False)))  # a second weekly meeting
                if secs and draw(st.integers(0, 3)) == 0:  # a parallel group: the same times
                    meets = parallel(secs[-1])
                parent = None
                if comp in ("Tutorial", "Practical") and lectures:
                    parent = draw(st.one_of(st.none(), st.sampled_from(lectures)))
                secs.append(mk(next(keys_), number, comp, *meets, parent=parent,
                               waitlist=draw(st.booleans())))
            if comp == "Lecture":
                lectures = [s.key for s in secs]
            components[comp] = secs
        # the dict in drawn order: the solver sorts the components itself
        order_ = draw(st.permutations(list(components)))
        courses.append(CourseSpec(number, {comp: components[comp] for comp in order_}))
    # already enrolled: a class inside some courses, and classes of other courses
    fixed_inside = []
    for spec in courses:
        if draw(st.integers(0, 5)) == 0:
            comp = draw(st.sampled_from(sorted(spec.components)))
            sec = draw(st.sampled_from(spec.components[comp]))
            fixed_inside.append(sec)
    fixed = [mk(f"9{i}00", f"50{i}0FIX", "Lecture", draw(meeting(False)), fixed=True)
             for i in range(draw(st.integers(0, 2)))]
    accepted: list[Sec] = []  # enrolled classes never clash with each other (the rules)
    for sec in fixed_inside + fixed:
        if any(overlap(sec, other) for other in accepted):
            if sec in fixed:
                fixed.remove(sec)
            continue
        sec.fixed = True
        accepted.append(sec)
    # locks: at most one per component, never where an enrolled class is
    locked = set()
    for spec in courses:
        for secs in spec.components.values():
            if not any(s.fixed for s in secs) and draw(st.integers(0, 7)) == 0:
                locked.add(draw(st.sampled_from(secs)).key)
    prefs = Prefs(days_off=frozenset(draw(st.sets(st.integers(0, 4), max_size=2))),
                  no_before=draw(st.sampled_from((None, hm("10:00"), hm("11:00")))),
                  no_after=draw(st.sampled_from((None, hm("15:00"), hm("17:00")))),
                  compact=draw(st.booleans()), fewest_days=draw(st.booleans()),
                  prefer_open=draw(st.booleans()))
    limit = draw(st.sampled_from((1, 2, 5, 20)))
    return courses, fixed, locked, prefs, limit


def parallel(sec: Sec) -> list[tuple]:
    """The meetings of ``sec`` (as ``mk`` takes them)."""
    return [*((slot, []) for slot in sec.slots),
            (None, [(d, s, e) for d, spans in sec.occurrences.items() for s, e in spans])]


def fixed_inside(courses: list[CourseSpec]) -> list[Sec]:
    return [s for spec in courses for secs in spec.components.values() for s in secs if s.fixed]


def _product(values) -> int:
    out = 1
    for v in values:
        out *= v
    return out


@settings(max_examples=150, deadline=None)
@given(problem=problems())
def test_the_search_equals_an_exhaustive_search(problem):
    courses, fixed, locked, prefs, limit = problem
    everything = exhaustive(courses, fixed, prefs, locked)
    got = search(courses, fixed, prefs, locked, limit)
    # (a) every result is a real result: one class of every component of every course, linked
    # classes with their own lecture, locks and enrolled classes kept, no clash at all
    for f in got.results:
        assert valid(f.picks, courses, fixed, locked), keys(f)
        assert not any(overlap(a, b) for a, b in itertools.combinations(f.picks, 2))
        assert not any(overlap(s, x) for s in f.picks for x in fixed)
        assert locked <= {s.key for s in f.picks}
        assert all(s.key in {p.key for p in f.picks} for s in fixed_inside(courses))
        assert f == score(f.picks, fixed, prefs)
    # (b) the best ``limit`` of all combinations, in order (score, then class numbers)
    assert ranked(got) == everything[:limit]
    # (c) "no combination" exactly when there is none
    assert got.feasible == bool(everything)
    assert feasible(courses, fixed, locked) == bool(everything)
    first = search(courses, fixed, prefs, locked, limit=1, first_only=True)
    assert first.feasible == bool(everything)
    assert len(first.results) == min(1, len(everything))
    assert all((f.score, keys(f)) in everything for f in first.results)
    # (d) the smallest set of courses that cannot be combined
    conflict = smallest_conflict(courses, fixed, locked)
    if everything:
        assert conflict is None
        return
    assert conflict is not None
    by_number = {spec.number: spec for spec in courses}
    chosen = [by_number[n] for n in conflict.courses]
    assert [spec.number for spec in courses if spec in chosen] == conflict.courses
    assert not exhaustive(chosen, fixed, Prefs(), locked)
    for size in range(1, len(chosen)):
        for subset in itertools.combinations(courses, size):
            assert exhaustive(list(subset), fixed, Prefs(), locked), [s.number for s in subset]
    for a, b in conflict.pairs:  # every class of one side clashes with every of the other
        assert all(overlap(x, y) for x in a for y in b)


@st.composite
def tied_problems(draw):
    """Many results with the same score: tutorials on three days in two time slots, every
    week or only odd or even weeks (so they differ in dates, not in the week's shape), no
    wait lists, a small limit. The search must still break every tie by class number."""
    n = draw(st.integers(2, 5))
    counts = [draw(st.integers(1, 4)) for _ in range(n)]
    numbers = iter(f"{1000 + k}" for k in draw(st.permutations(range(sum(counts)))))
    courses = []
    for c, k in enumerate(counts):
        secs = []
        for _i in range(k):
            day = draw(st.integers(0, 2))
            start, end = draw(st.sampled_from((("09:00", "10:45"), ("11:00", "12:45"))))
            weeks = draw(st.sampled_from((None, "odd", "even")))
            secs.append(mk(next(numbers), f"C{c}", "Tutorial", weekly(day, start, end, weeks)))
        courses.append(CourseSpec(f"C{c}", {"Tutorial": secs}))
    prefs = Prefs(compact=draw(st.booleans()), fewest_days=draw(st.booleans()))
    return courses, prefs, draw(st.integers(1, 3))


@settings(max_examples=150, deadline=None)
@given(problem=tied_problems())
def test_ties_are_broken_by_class_number_as_in_an_exhaustive_search(problem):
    courses, prefs, limit = problem
    assert ranked(search(courses, prefs=prefs, limit=limit)) == \
        exhaustive(courses, prefs=prefs)[:limit]
