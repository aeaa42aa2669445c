"""The Schedule assistant page (issue 17) as s1234567 in the demo, driven by keyboard (Pilot):
the acceptance walk — open it from the Student Center, four courses of the next period, Friday
off changes the ranking, a locked tutorial stays in every schedule, the schedule into the
Shopping cart, Enrol all, and the timetable shows no conflict — and, at 80x24 from "Courses
still needed", a catalogue number that does not exist (one message, the list unchanged) and
courses that cannot be combined (the explanation, the course marked, then removed again).

Demo facts used (clock 2026-11-23 09:30): s1234567 is enrolled in 4031DATABY and 4031SENGY
(and 4031OSYSY) in semester 2; she still needs 4031CNETY and 4031CCONY then; 4031LACSY's
lecture (Thu 09:00) clashes with her 4031DATABY tutorial 2028.
"""

from __future__ import annotations

from datetime import date

from helpers import make_app, settle
from shell_helpers import signed_in, text_of

from usis_tui.screens.enrol import EnrolScreen
from usis_tui.screens.schedule_assistant import ScheduleAssistantScreen
from usis_tui.screens.timetable import TimetableScreen

STUDENT = "s1234567"
YEAR = "2026-2027"
FRIDAY = 4


async def add_course(pilot, number: str) -> None:
    """Type a catalogue number in the Add field and press Enter."""
    field = pilot.app.screen.query_one("#sa-add")
    field.focus()
    await pilot.press(*number, "enter")
    await settle(pilot)


def planned_days(result) -> set[int]:
    """The weekdays the schedule's own (not yet enrolled) teaching classes meet."""
    return {m.weekday for p in result.picks if not p.enrolled and p.cls.component != "Exam"
            for m in p.cls.meetings}


async def test_acceptance_walk_from_student_center_to_enrolled(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await signed_in(pilot)
        await app.navigate("Student Center")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ScheduleAssistantScreen)
        # it starts with what MyStudymap would plan: the courses still needed next semester
        assert screen.period == (YEAR, 2)
        assert screen.courses == ["4031CNETY", "4031CCONY"]
        assert "Started with the courses you still need in Semester 2 2026-2027." in text_of(
            screen.query_one("#sa-course-note"))

        await pilot.press("a")  # the Add field
        assert app.focused is screen.query_one("#sa-add")
        for number in ("4031DATABY", "4031SENGY"):
            await add_course(pilot, number)
        await pilot.press("escape")  # leaves the field, not the page
        assert app.screen is screen and app.focused is screen.query_one("#sa-results")
        before = screen.outcome
        assert before is not None and before.results
        assert [c.catalogue_number for c in before.courses] == [
            "4031CNETY", "4031CCONY", "4031DATABY", "4031SENGY"]
        assert "schedule" in text_of(screen.query_one("#sa-count"))

        # Friday off: the best schedule changes to one without planned classes on Friday
        await pilot.press("5")
        await settle(pilot)
        after = screen.outcome
        assert after is not None and after.prefs.days_off == (FRIDAY,)
        assert FRIDAY in planned_days(before.results[0])
        assert FRIDAY not in planned_days(after.results[0])
        assert after.results[0].class_numbers != before.results[0].class_numbers
        table = screen.query_one("#sa-results")
        assert "classes on Fri" in str(table.get_row_at(0)[-1])  # her own Friday classes

        # lock the best schedule's 4031CCONY tutorial: every schedule keeps it
        tutorial = next(p.cls.class_number for p in after.results[0].picks
                        if p.cls.catalogue_number == "4031CCONY" and
                        p.cls.component == "Tutorial")
        classes = screen.query_one("#sa-classes")
        classes.focus()
        classes.move_cursor(row=[p.cls.class_number for p in after.results[0].picks]
                            .index(tutorial))
        await pilot.press("space")
        await settle(pilot)
        locked = screen.outcome
        assert locked is not None and locked.locked == [tutorial] and locked.results
        for result in locked.results:
            pick = next(p for p in result.picks if p.cls.class_number == tutorial)
            assert pick.locked
        assert f"locked: {tutorial}" in text_of(screen.query_one("#sa-count"))
        assert str(classes.get_row(tutorial)[0]) == "●"

        # into the Shopping cart, all or nothing; then c opens it, ready for Enrol all
        chosen = locked.results[0]
        await pilot.press("t")
        await settle(pilot)
        done = text_of(screen.query_one("#sa-done-text"))
        assert (f"Schedule 1 is in your Shopping cart: {len(chosen.class_numbers)} classes "
                f"added ({', '.join(chosen.class_numbers)}).") in done
        cart = [line.cls.class_number for line in app.raw_usis.cart.list(STUDENT, YEAR)]
        assert sorted(cart) == sorted(chosen.class_numbers)
        await pilot.press("c")
        await settle(pilot)
        enrol = app.screen
        assert isinstance(enrol, EnrolScreen) and enrol.usis_page == "Shopping cart"
        await pilot.press("E")  # Enrol all
        await settle(pilot)
        assert enrol.add_pane.view == "step2"
        await pilot.press("f")  # Finish enrolling
        await settle(pilot)
        assert enrol.add_pane.view == "step3"

        schedule = {line.cls.class_number: line.status
                    for line in app.raw_usis.enrolment.schedule(STUDENT, YEAR)}
        for number in chosen.class_numbers:
            assert schedule.get(number) in ("enrolled", "waitlisted"), number
        assert app.raw_usis.cart.list(STUDENT, YEAR) == []

        # MyTimetable: the schedule's busiest week, and every date, without a conflict
        week = chosen.preview.monday
        assert await app.navigate("Timetable", day=week)
        await settle(pilot)
        timetable = app.screen
        assert isinstance(timetable, TimetableScreen) and timetable.week_view is not None
        assert timetable.monday == week
        shown = {o.class_number for o in timetable.week_view.occurrences}
        assert tutorial in shown
        assert timetable.week_view.conflicts == []
        agenda = app.raw_usis.timetable.agenda(STUDENT, first=date(2027, 2, 1))
        assert [o for o in agenda if o.conflicts] == []


async def test_bad_number_and_no_schedule_at_80x24_from_courses_still_needed(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        await signed_in(pilot)
        await app.navigate("Courses still needed")
        await settle(pilot)
        await pilot.press("s")  # the Schedule assistant with the courses marked ✓
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ScheduleAssistantScreen)
        assert screen.courses == ["4031CNETY", "4031CCONY"]
        assert screen.outcome is not None and screen.outcome.results
        assert screen.view == "list"

        await pilot.press("o")  # courses and preferences
        assert screen.view == "setup" and app.focused is screen.query_one("#sa-courses")
        await pilot.press("a")
        await add_course(pilot, "4031XXXXY")
        problems = text_of(screen.query_one("#sa-problems"))
        assert problems.count("✗") == 1
        assert "There is no course 4031XXXXY." in problems
        assert screen.courses == ["4031CNETY", "4031CCONY"]  # taken off the list again
        assert screen.outcome.results  # the schedules found before stay

        await add_course(pilot, "4031LACSY")
        outcome = screen.outcome
        assert outcome is not None and not outcome.results
        assert not screen.query_one("#sa-problems").has_class("-shown")  # cleared
        explanation = text_of(screen.query_one("#sa-explain-text"))
        assert "No schedule fits these courses in Semester 2 2026-2027." in explanation
        assert ("4031LACSY lecture Thu 09:00 clashes with your class 2028 (4031DATABY tutorial "
                "Thu 09:00).") in explanation
        assert "In the way: 4031LACSY" in explanation  # the one course that does not fit
        courses = screen.query_one("#sa-courses")
        assert str(courses.get_row("4031LACSY")[0]) == "✗"
        assert "No schedule" in text_of(screen.query_one("#sa-count"))

        await pilot.press("escape")  # out of the field
        await pilot.press("escape")  # back to the schedules view: the explanation
        assert screen.view == "list" and app.screen is screen
        assert screen.query_one("#sa-explain").display
        assert not screen.query_one("#sa-results").display

        await pilot.press("o")
        courses.move_cursor(row=screen.courses.index("4031LACSY"))
        await pilot.press("x")
        await settle(pilot)
        assert screen.courses == ["4031CNETY", "4031CCONY"]
        assert screen.outcome is not None and screen.outcome.results
