"""services/schedule.py on both backends, on the demo database (clock 2026-11-23 09:30): as
s1234567 (Computer Science, already in some second-semester classes), four courses of the
coming semester give conflict-free results; preferring Friday off changes the ranking; a locked
tutorial is in every result; the chosen result goes into the Shopping cart all or nothing and
"Enrol all" enrols every class of it without a clash; when no combination exists the smallest
set of courses and the clashing meetings are named; bad input is one clear refusal."""

from __future__ import annotations

import pytest
from factories import dump, unchanged
from helpers import DEMO_NOW

from usis_tui.services import ServiceError, Usis
from usis_tui.services.schedule import SchedulePrefs, parse_prefs

EVA = "s1234567"
FOUR = ["4031DATABY", "4031CNETY", "4031SENGY", "4031CCONY"]
YEAR = "2026-2027"


@pytest.fixture
def usis(demo_db_url):
    services = Usis.open(demo_db_url, clock=lambda: DEMO_NOW)
    yield services
    services.close()


def clashes_on_her_schedule(usis: Usis) -> list[str]:
    """Class numbers of her enrolled classes that meet at the same time on the same date as
    another of them (MyTimetable's own conflict marking)."""
    from usis_tui.services.timetable import TimetableClass, occurrences_of

    lines = usis.enrolment.schedule(EVA, YEAR)
    classes = [TimetableClass(kind="enrolled", cls=line.cls) for line in lines
               if line.status == "enrolled"]
    return sorted({o.class_number for o in occurrences_of(classes) if o.conflicts})


def test_four_courses_give_ranked_conflict_free_results(usis):
    outcome = usis.schedule.solve(EVA, FOUR)
    assert (outcome.academic_year, outcome.semester) == (YEAR, 2)  # the coming semester
    assert [c.catalogue_number for c in outcome.courses] == FOUR
    assert len(outcome.results) >= 2 and outcome.explanation == []
    scores = [r.score for r in outcome.results]
    assert scores == sorted(scores) and [r.rank for r in outcome.results] == list(
        range(1, len(scores) + 1))
    for result in outcome.results:
        picks = result.picks
        # one class of each component of each course; her own classes are kept as they are
        for course in FOUR:
            comps = [p.cls.component for p in picks if p.cls.catalogue_number == course]
            assert len(comps) == len(set(comps)) and "Lecture" in comps and "Exam" in comps
        assert {p.cls.class_number for p in picks if p.enrolled} >= {"2027", "2028", "2048"}
        # a tutorial with its own lecture
        lectures = {p.cls.class_number for p in picks if p.cls.component == "Lecture"}
        assert all(p.cls.parent_class_number in lectures for p in picks
                   if p.cls.component == "Tutorial")
        assert result.preview.occurrences and not [
            o for o in result.preview.occurrences if o.conflicts]
    best = outcome.results[0]
    assert "1901" in best.class_numbers  # the Friday tutorial of 4031CNETY


def test_preferring_friday_off_changes_the_ranking(usis):
    plain = usis.schedule.solve(EVA, FOUR)
    friday = usis.schedule.solve(EVA, FOUR, prefs=parse_prefs("days-off=Fr"))
    assert friday.prefs.days_off == (4,)
    assert plain.results[0].class_numbers != friday.results[0].class_numbers
    top = friday.results[0]
    assert "1902" in top.class_numbers and "1901" not in top.class_numbers  # Wednesday's group
    new_friday = [p for p in top.picks if not p.enrolled and p.cls.component != "Exam"
                  and any(m.weekday == 4 for m in p.cls.meetings)]
    assert new_friday == []  # nothing new on Friday (her own Friday classes stay)
    early = usis.schedule.solve(EVA, FOUR, prefs=SchedulePrefs(no_before=parse_prefs(
        "no-before=11:00").no_before))
    assert all(r.early_late >= early.results[0].early_late for r in early.results)


def test_a_locked_tutorial_is_in_every_result(usis):
    locked = usis.schedule.solve(EVA, FOUR, locked=["2070"])
    assert locked.locked == ["2070"] and locked.results
    for result in locked.results:
        [pick] = [p for p in result.picks if p.cls.class_number == "2070"]
        assert pick.locked
        assert "2071" not in result.class_numbers and "1903" not in result.class_numbers
    with pytest.raises(ServiceError) as refused:
        usis.schedule.solve(EVA, FOUR, locked=["2007"])  # a class of another course
    assert refused.value.code == "bad_lock"
    assert refused.value.problems[0].message == (
        "Class 2007 is not one of the classes these courses can use.")
    with pytest.raises(ServiceError) as refused:  # two tutorials of one course: one is kept
        usis.schedule.solve(EVA, FOUR, locked=["2070", "2071"])
    assert refused.value.code == "bad_lock"
    assert refused.value.problems[0].message == (
        "Classes 2070 and 2071 are both a tutorial of 4031CCONY: a schedule has one of each. "
        "Lock one of them.")


def test_the_result_goes_into_the_cart_all_or_nothing_and_enrols(usis):
    result = usis.schedule.solve(EVA, FOUR, prefs=parse_prefs("days-off=Fr")).results[0]
    usis.cart.add(EVA, YEAR, "2070")  # another tutorial of 4031CCONY in the cart: replaced
    done = usis.schedule.to_cart(EVA, YEAR, result.class_numbers)
    planned = [n for n in result.class_numbers if n not in done.kept]
    assert sorted(done.added) == sorted(planned) and done.replaced == (
        [] if "2070" in result.class_numbers else ["2070"])
    lines = usis.cart.list(EVA, YEAR)
    assert sorted(line.cls.class_number for line in lines) == sorted(result.class_numbers)
    assert all(line.ready and not line.cart_clashes for line in lines)
    enrolled = usis.cart.enrol(EVA, [line.item_id for line in lines], all_or_nothing=True)
    assert {r.class_number: r.outcome for r in enrolled} == {
        p.cls.class_number: "waitlisted" if p.waitlist else "enrolled"
        for p in result.picks if not p.enrolled}
    held = {line.cls.class_number for line in usis.enrolment.schedule(EVA, YEAR)}
    assert set(result.class_numbers) <= held
    assert clashes_on_her_schedule(usis) == []  # the timetable shows no conflict


def test_to_cart_refuses_everything_when_one_class_can_no_longer_be_taken(usis):
    from sqlalchemy import update

    from usis_tui.models import AcademicYear, ClassSection

    result = usis.schedule.solve(EVA, FOUR).results[0]
    with usis.db.write() as session:  # one of its classes closes meanwhile (full, no places)
        year_id = session.scalar(AcademicYear.__table__.select().with_only_columns(
            AcademicYear.id).where(AcademicYear.code == YEAR))
        session.execute(update(ClassSection).where(
            ClassSection.academic_year_id == year_id, ClassSection.class_number == "2069")
            .values(enrolled_count=ClassSection.capacity,
                    waitlist_count=ClassSection.waitlist_capacity))
    before = dump(usis.db)
    with pytest.raises(ServiceError) as refused:
        usis.schedule.to_cart(EVA, YEAR, result.class_numbers)
    assert refused.value.code == "schedule_refused"
    assert refused.value.problems[0].message.startswith(
        "Nothing was put in your Shopping cart: 2069: ")
    assert dump(usis.db) == before


def test_no_combination_names_the_smallest_set_and_the_clashing_meetings(usis):
    exams = usis.schedule.solve(EVA, ["4031CCONY", "4031CNETY", "4031IPROY"])
    assert exams.results == [] and exams.conflict == ["4031CNETY", "4031IPROY"]
    assert exams.explanation == [
        "4031CNETY exam Tue 14:00 clashes with 4031IPROY exam Tue 14:00.",
        "Drop one of them or look at next period's classes."]
    mine = usis.schedule.solve(EVA, ["4031CCONY", "4031LACSY"])
    assert mine.conflict == ["4031LACSY"]
    assert mine.explanation[0] == (
        "4031LACSY lecture Thu 09:00 clashes with your class 2028 (4031DATABY tutorial "
        "Thu 09:00).")
    assert mine.explanation[-1] == (
        "Drop the clashing class from your schedule, or look at next period's classes.")
    closed = usis.schedule.solve(EVA, ["4031BPCSY"])  # its enrolment period has closed
    assert closed.conflict == ["4031BPCSY"]
    assert closed.explanation[0].startswith("4031BPCSY: no lecture can be used: 2079: ")
    gone = usis.schedule.solve(EVA, ["4031CARCY"])  # a first-semester course
    assert gone.explanation[0] == "4031CARCY is not taught in semester 2 of 2026-2027."


def test_sources_and_bad_input(usis):
    sources = usis.schedule.sources(EVA)
    assert (sources.academic_year, sources.semester) == (YEAR, 2)
    assert {"4031CNETY", "4031CCONY"} <= set(sources.still_needed)
    assert {"4031DATABY", "4031SENGY", "4031OSYSY"} <= set(sources.enrolled)
    with unchanged(usis.db):
        for courses, code in (([], "no_courses"), ([" "], "no_courses"),
                              (["4031NOPE"], "unknown_course"),
                              ([f"C{i}" for i in range(11)], "too_many_courses")):
            with pytest.raises(ServiceError) as refused:
                usis.schedule.solve(EVA, courses)
            assert refused.value.code == code
        for text in ("days-off=Xx", "no-before=25:00", "sleep-in", "compact=yes"):
            with pytest.raises(ServiceError) as refused:
                parse_prefs(text)
            assert refused.value.code == "bad_preference"
            assert refused.value.problems[0].message
        with pytest.raises(ServiceError) as refused:
            usis.schedule.to_cart(EVA, YEAR, [])
        assert refused.value.code == "no_classes"
    prefs = parse_prefs("days-off=Fr+Mo, no-before=11, no-after=17:00, compact, fewest-days, "
                        "open-only")
    assert prefs.days_off == (0, 4) and prefs.compact and prefs.fewest_days
    assert (prefs.no_before.hour, prefs.no_after.hour, prefs.seats) == (11, 17, "open")
    assert parse_prefs("days-off=vr").days_off == (4,)  # Dutch day names too
