"""The schedule assistant's results are enrolable by the rules (on both backends).

Small random catalogues (seeded) built with the Scenario factories: linked tutorials, fortnightly
practicals, exams, full classes (wait list), classes the rules refuse (a requisite, a closed
enrolment period), an enrolled class of another course and one of a chosen course. Every result
of usis.schedule.solve is put in the Shopping cart with usis.schedule.to_cart and judged by the
cart's own Validate (what Enrol would do); one is enrolled for real and the timetable shows no
conflict. to_cart is all or nothing: a class closed after the search leaves everything as it was.
The search itself is checked against an exhaustive search in test_schedule_solver.py.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from factories import NOW, SEMESTER_1, YEAR, req, unchanged
from sqlalchemy import update

from usis_tui.models import ClassSection
from usis_tui.services import ServiceError

SLOTS = [("09:00", "10:45"), ("11:00", "12:45"), ("13:45", "15:30"), ("15:45", "17:30")]
WEEKS = [(SEMESTER_1[0] + timedelta(weeks=w)).isocalendar().week for w in range(16)]
ODD = ",".join(str(w) for w in WEEKS if w % 2)
EVEN = ",".join(str(w) for w in WEEKS if not w % 2)
EXAM_DAYS = [date(2027, 1, 11) + timedelta(days=d) for d in range(5)]


def weekly(rng: random.Random, weeks: str | None = None) -> tuple:
    start, end = SLOTS[rng.randrange(4)]
    return (rng.randrange(5), start, end, *SEMESTER_1, weeks)


def build(sc, usis, rng: random.Random) -> dict:
    """A student and four courses to schedule; returns what the checks need."""
    student = sc.student()
    prereq = sc.course("4000PREY")  # never passed by the student
    numbers = iter(f"{n}" for n in range(2001, 3000))
    out = {"student": student, "courses": [], "refused": set(), "sections": {}}

    def section(course: int, component: str, meets: list[tuple], **kw):
        ref = sc.section(next(numbers), course=course, component=component, meets=meets, **kw)
        out["sections"][ref.number] = ref
        return ref

    # the student's own class of another course: nothing may clash with it
    own = sc.course("4099OWNY")
    enrolled = [section(own, "Lecture", [weekly(rng)])]
    for c in range(4):
        number = f"40{c}1RNDY"
        cid = sc.course(number)
        out["courses"].append(number)
        lectures = [section(cid, "Lecture", [weekly(rng)]) for _ in range(rng.choice((1, 2)))]
        for _t in range(rng.randint(2, 4)):
            full = rng.random() < 0.25
            tut = section(cid, "Tutorial", [weekly(rng)], parent=rng.choice(lectures),
                          capacity=1 if full else 10)
            if full:
                sc.fill(tut)  # only a wait-list place left
        if rng.random() < 0.5:
            for weeks in rng.sample([ODD, EVEN], rng.choice((1, 2))):
                section(cid, "Practical", [weekly(rng, weeks)], parent=rng.choice(lectures))
        day = EXAM_DAYS[c]  # a programme's exams do not clash
        start, end = rng.choice([("09:00", "12:00"), ("14:00", "17:00")])
        section(cid, "Exam", [(day.weekday(), start, end, day, day)])
        # classes the rules refuse: the assistant must never use them
        out["refused"].add(section(cid, "Tutorial", [weekly(rng)], parent=lectures[0],
                                   requires=prereq).number)
        if c == 1:
            out["refused"].add(section(cid, "Tutorial", [weekly(rng)], parent=lectures[0],
                                       closes=NOW - timedelta(days=1)).number)
        if c == 0:
            enrolled.append(lectures[0])  # already enrolled in a lecture of a chosen course
    lines = usis.enrolment.enrol(student.number, [req(s) for s in enrolled])
    assert all(line.ok for line in lines), [line.message for line in lines]
    out["enrolled"] = {s.number for s in enrolled}
    return out


def solve(usis, world, **kw):
    return usis.schedule.solve(world["student"].number, world["courses"], academic_year=YEAR,
                               semester=1, **kw)


@pytest.mark.parametrize("seed", [6, 8])
def test_every_result_is_enrolable_by_the_rules(sc, usis, seed):
    world = build(sc, usis, random.Random(seed))
    student = world["student"].number
    outcome = solve(usis, world, limit=6)
    assert outcome.results, outcome.explanation  # (the seeds are chosen to have results)
    left_out = {line.split(":")[0] for c in outcome.courses for line in c.left_out}
    assert world["refused"] <= left_out
    for result in outcome.results:
        picked = {p.cls.class_number for p in result.picks}
        assert not picked & world["refused"]
        assert {p.cls.class_number for p in result.picks if p.enrolled} == \
            world["enrolled"] & picked
        usis.schedule.to_cart(student, YEAR, result.class_numbers)
        cart = usis.cart.list(student, YEAR)
        assert sorted(line.cls.class_number for line in cart) == sorted(result.class_numbers)
        verdicts = {v.class_number: v for v in usis.cart.validate(student)}
        for pick in result.picks:
            if pick.enrolled:
                continue
            v = verdicts[pick.cls.class_number]
            assert (v.outcome, v.problems) == ("waitlisted" if pick.waitlist else "enrolled",
                                               []), v.message
    # the last one for real: everything enrols, and the timetable has no conflict
    items = [line.item_id for line in usis.cart.list(student, YEAR)]
    lines = usis.cart.enrol(student, items, all_or_nothing=True)
    assert all(line.ok for line in lines), [line.message for line in lines]
    assert usis.cart.list(student, YEAR) == []
    on_schedule = {line.cls.class_number for line in usis.enrolment.schedule(student, YEAR)}
    assert {p.cls.class_number for p in outcome.results[-1].picks} <= on_schedule
    assert [o for o in usis.timetable.agenda(student, academic_year=YEAR) if o.conflicts] == []
    # and now every course is on the schedule: the assistant finds exactly that plan
    again = solve(usis, world)
    assert [sorted(p.cls.class_number for p in r.picks) for r in again.results] == \
        [sorted(p.cls.class_number for p in outcome.results[-1].picks)]
    assert again.results[0].class_numbers == []


def test_to_cart_is_all_or_nothing(sc, usis, db):
    world = build(sc, usis, random.Random(1))
    student = world["student"].number
    outcome = solve(usis, world)
    first, second = outcome.results[0], outcome.results[-1]
    assert first.class_numbers != second.class_numbers
    usis.schedule.to_cart(student, YEAR, second.class_numbers)  # something to replace
    closing = next(n for n in first.class_numbers if n not in second.class_numbers)
    with db.write() as s:  # the enrolment period of one class ends after the search
        s.execute(update(ClassSection).where(
            ClassSection.id == world["sections"][closing].id).values(
                enrol_closes_at=NOW - timedelta(minutes=1)))
    with unchanged(db), pytest.raises(ServiceError) as err:
        usis.schedule.to_cart(student, YEAR, first.class_numbers)
    assert err.value.code == "schedule_refused"
    assert closing in str(err.value)
    assert sorted(line.cls.class_number for line in usis.cart.list(student, YEAR)) == \
        sorted(second.class_numbers)
    # solved again, the closed class is left out and the results can be used
    again = solve(usis, world)
    assert all(closing not in r.class_numbers for r in again.results)
    assert closing in {line.split(":")[0] for c in again.courses for line in c.left_out}


def test_a_course_not_taught_in_the_period_is_said_so(sc, usis):
    """Before the fix the search left such a course out of every result, silently."""
    student = sc.student()
    taught = sc.course("4010TAUY")
    sc.section("2001", course=taught, meets=[(0, "09:00", "10:45")])
    spring = sc.course("4020SPRY")
    sc.section("2002", course=spring, meets=[(1, "09:00", "10:45", date(2027, 2, 1),
                                                  date(2027, 5, 14))])
    outcome = usis.schedule.solve(student.number, ["4010TAUY", "4020SPRY"], academic_year=YEAR,
                                  semester=1)
    assert outcome.results == []
    assert outcome.conflict == ["4020SPRY"]
    assert outcome.explanation[0] == "4020SPRY is not taught in semester 1 of 2026-2027."
    spring_only = usis.schedule.solve(student.number, ["4010TAUY", "4020SPRY"],
                                      academic_year=YEAR, semester=2)
    assert (spring_only.results, spring_only.conflict) == ([], ["4010TAUY"])
