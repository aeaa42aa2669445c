"""Classrooms in the app: one trainer app and three trainee apps on one demo database. The
trainer opens a classroom (Main Menu › Classroom); each trainee joins it from the Login (ctrl+l,
the code, a name), is signed in as a session student of their own, and follows the classroom's
tour (Option 1: enrol in 1052) in the tour guide: each trainee does a step's actions (with the
replay engine, as a trainee would by hand) and the guide, seeing it done, moves on and reports
the new step through the listener the classroom gave it; one wrong turn gets the guide's hint.
The trainer's table shows each trainee's step and hint changing; each enrolment in 1052 lands on
that trainee's own session student; Close classroom removes them.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from helpers import DEMO_NOW, make_app, settle
from shell_helpers import signed_in, text_of, wait_ready
from sqlalchemy import select
from textual.widgets import Input

from usis_tui.db import Database
from usis_tui.models import ClassSection, Enrolment, Student
from usis_tui.replay import Open
from usis_tui.replay.runner import Replayer
from usis_tui.screens.classroom import ClassroomScreen, ConfirmCloseClassroom
from usis_tui.screens.classroom_join import JoinClassroomDialog, ProgressReporter
from usis_tui.screens.main_menu import MainMenuScreen
from usis_tui.tours import TourProgress

TOUR = "enrol-by-class-number"
SIZE = (120, 40)
NAMES = ("Anna", "Bram", "Carla")


def table_rows(screen: ClassroomScreen) -> dict[str, list[str]]:
    """The trainer's table by trainee name: every cell as plain text."""
    from usis_tui.widgets.literal import DataTable

    table = screen.query_one("#classroom-table", DataTable)
    rows = {}
    for key in table.rows:
        cells = [getattr(c, "plain", str(c)) for c in table.get_row(key)]
        rows[cells[0]] = cells
    return rows


@contextmanager
def this_app(app):
    """Four apps run in this one test task: Textual's ``active_app`` (what ``widget.app`` is
    outside the app's own tasks) is the app entered last; the replay engine's look-ups from this
    task must see the app they drive."""
    from textual._context import active_app

    token = active_app.set(app)
    try:
        yield
    finally:
        active_app.reset(token)


async def open_classroom(pilot) -> ClassroomScreen:
    app = pilot.app
    await signed_in(pilot, "trainer")
    assert isinstance(app.screen, MainMenuScreen)
    assert app.screen.query("#link-classroom")
    await pilot.press("l")  # Main Menu › Classroom
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ClassroomScreen)
    assert screen.room is None and screen.query_one("#classroom-start").display
    await pilot.press("ctrl+o")  # Open classroom, for the one tour there is
    await settle(pilot)
    assert screen.room is not None and screen.room.tour == TOUR
    return screen


async def join(pilot, code: str, name: str) -> ProgressReporter:
    app = pilot.app
    await wait_ready(pilot)
    await pilot.press("ctrl+l")  # Login › Join a classroom
    await pilot.pause()
    assert isinstance(app.screen, JoinClassroomDialog)
    app.screen.query_one("#join-code", Input).value = code.lower()
    app.screen.query_one("#join-name", Input).value = name
    app.screen.query_one("#join-name", Input).focus()
    await pilot.press("enter")
    await settle(pilot)
    for _ in range(100):
        if app.identity is not None and isinstance(app.screen, MainMenuScreen):
            break
        await pilot.pause(0.05)
    assert app.identity is not None and app.identity.name == name
    assert app.identity.username.startswith("s9") and app.classroom is not None
    assert app.classroom[0] == code
    reporter = app.classroom[1]
    assert isinstance(reporter, ProgressReporter)
    return reporter


async def until(pilot, done, what: str) -> None:
    for _ in range(200):
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"{what} did not happen")


async def do_steps(pilot, numbers: range) -> None:
    """Do these steps of the tour in the trainee's app: a step's actions with the replay engine
    (as a trainee would by hand), a note with the panel's Next (F7); after each, wait until the
    tour guide has seen it done and moved on, and until its report reached the classroom."""
    app = pilot.app
    guide = app.tour_guide
    assert guide is not None and guide.tour.name == TOUR
    replayer = Replayer(pilot)
    for number in numbers:
        assert guide.index == number - 1 and not guide.finished, (guide.index, number)
        step = guide.tour.steps[number - 1]
        if step.is_note:
            await pilot.press("f7")
        else:
            with this_app(app):
                for action in step.actions:
                    await replayer.run(action)
        await until(pilot, lambda n=number: guide.finished or guide.index >= n,
                    f"the guide seeing step {number} done")
    await app.classroom[1].idle()


async def show_roster(pilot, screen: ClassroomScreen) -> dict[str, list[str]]:
    """The table after the next refresh (the page reads the roster every second)."""
    before = screen.roster
    for _ in range(60):
        await pilot.pause(0.05)
        if screen.roster is not before:
            break
    await settle(pilot, cancelled_ok=True)
    return table_rows(screen)


async def test_a_trainer_follows_three_trainees(demo_db_url):
    trainer = make_app(demo_db_url)
    trainees = [make_app(demo_db_url, now=DEMO_NOW + timedelta(minutes=i)) for i in range(3)]
    async with trainer.run_test(size=SIZE) as tp:
        screen = await open_classroom(tp)
        assert screen.room is not None
        code = screen.room.code
        assert text_of(screen.query_one("#classroom-code")).replace(" ", "") == code
        async with (trainees[0].run_test(size=SIZE) as p0,
                    trainees[1].run_test(size=SIZE) as p1,
                    trainees[2].run_test(size=SIZE) as p2):
            pilots = (p0, p1, p2)
            reporters = [await join(p, code, name) for p, name in zip(pilots, NAMES,
                                                                       strict=True)]
            numbers = [app.identity.username for app in trainees]  # type: ignore[union-attr]
            assert len(set(numbers)) == 3
            for pilot, reporter in zip(pilots, reporters, strict=True):
                # the classroom signed them in: the guide counts the login step done at once
                await until(pilot, lambda a=pilot.app: a.tour_guide is not None
                            and a.tour_guide.index == 1, "the login step counted as done")
                await reporter.idle()
            rows = await show_roster(tp, screen)
            assert sorted(rows) == sorted(NAMES)
            for name, number in zip(NAMES, numbers, strict=True):
                assert rows[name][1] == number
                assert rows[name][3].startswith("Step 2 of 9 · Click on 'Main Menu'")

            # Anna goes on to the Enrol page (steps 2-4), Bram only to Self Service (step 2)
            # and then takes a wrong turn: the Timetable instead of the Student Center
            await do_steps(p0, range(2, 5))
            await do_steps(p1, range(2, 3))
            with this_app(trainees[1]):
                await Replayer(p1).run(Open(page="Timetable"))
            guide = trainees[1].tour_guide
            assert guide is not None
            await until(p1, lambda: guide.hint is not None, "Bram's hint")
            hint = guide.hint
            assert hint is not None and "Escape" in hint
            await reporters[1].idle()
            rows = await show_roster(tp, screen)
            assert rows["Anna"][3].startswith("Step 5 of 9 · Enter the class number")
            assert rows["Bram"][3].startswith("Step 3 of 9 · Click on 'Student Center'")
            assert rows["Bram"][4].startswith("This step is on Student Center")
            assert hint.startswith(rows["Bram"][4].rstrip("…"))  # (the cell may cut it short)
            assert rows["Carla"][3].startswith("Step 2 of 9")
            assert rows["Anna"][2] == "0:00"  # by the trainer's clock, frozen

            # every trainee enrols in 1052 (the tour to its end); Carla starts last
            await do_steps(p0, range(5, 10))
            await do_steps(p1, range(3, 10))
            await do_steps(p2, range(2, 7))
            trainer.clock.set(DEMO_NOW + timedelta(minutes=4, seconds=5))
            rows = await show_roster(tp, screen)
            assert rows["Anna"][3] == rows["Bram"][3] == "Finished all 9 steps"
            assert rows["Anna"][2] == "✓"
            assert rows["Carla"][3].startswith("Step 7 of 9 · Click on 'Enrol' to go to step 2")
            assert rows["Carla"][2] == "2:05"  # Carla's clock is 2 minutes ahead
            assert "3 trainees · 2 finished" in text_of(screen.query_one("#classroom-count"))
            assert all(r.failures == 0 for r in reporters)
            await do_steps(p2, range(7, 10))

            # each enrolment in 1052 is the trainee's own session student's
            db = Database(demo_db_url)
            try:
                with db.read() as session:
                    enrolled = session.execute(
                        select(Student.student_number, Student.name, Student.session_student)
                        .join(Enrolment, Enrolment.student_id == Student.id)
                        .join(ClassSection, ClassSection.id == Enrolment.section_id)
                        .where(ClassSection.class_number == "1052",
                               Enrolment.status == "enrolled",
                               Student.student_number.in_([*numbers, "s1234567"]))).all()
                assert sorted(enrolled) == sorted(
                    (n, name, True) for n, name in zip(numbers, NAMES, strict=True))
            finally:
                db.dispose()

            # Close classroom, confirmed: the session students are gone
            await tp.press("ctrl+x")
            await settle(tp, cancelled_ok=True)
            assert isinstance(trainer.screen, ConfirmCloseClassroom)
            await tp.press("y")
            await settle(tp, cancelled_ok=True)
            assert isinstance(trainer.screen, ClassroomScreen) and screen.room is None
            db = Database(demo_db_url)
            try:
                with db.read() as session:
                    assert not session.scalars(select(Student).where(
                        Student.student_number.in_(numbers))).all()
            finally:
                db.dispose()

            # a step reported after the close fails quietly: the trainee's app goes on
            reporters[2](TourProgress(tour=TOUR, number=10, total=9, finished=True,
                                      entered_at=trainees[2].now().isoformat()))
            await reporters[2].idle()
            await settle(p2, cancelled_ok=True)
            assert reporters[2].failures == 1 and trainees[2].is_running
            assert not [n for n in trainees[2]._notifications if n.severity == "error"]


async def test_usis_join_code_opens_the_dialog_with_the_code(demo_db_url):
    app = make_app(demo_db_url, join="K7MQ3T")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_ready(pilot)
        await settle(pilot)
        assert isinstance(app.screen, JoinClassroomDialog)
        assert app.screen.query_one("#join-code", Input).value == "K7MQ3T"
        assert app.screen.focused is app.screen.query_one("#join-name", Input)
        await pilot.press(*"Dana", "enter")  # no such classroom: said in the dialog
        await settle(pilot)
        assert isinstance(app.screen, JoinClassroomDialog) and app.identity is None
        assert "There is no classroom with the code 'K7MQ3T'." in text_of(
            app.screen.query_one("#join-problems"))
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, JoinClassroomDialog)


async def test_a_classroom_closed_elsewhere_leaves_the_page(demo_db_url):
    """Another trainer closed it: the next refresh says so and offers to open one again."""
    from usis_tui.services import Usis

    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_classroom(pilot)
        assert screen.room is not None
        usis = Usis.open(demo_db_url, clock=lambda: DEMO_NOW)
        try:
            usis.classroom.close_session(screen.room.code, actor="trainer")
        finally:
            usis.close()
        for _ in range(60):
            if screen.room is None:
                break
            await pilot.pause(0.05)
        assert screen.room is None and screen.query_one("#classroom-start").display
        await pilot.pause()
        assert any("has been closed" in str(n.message) for n in app._notifications)


async def test_a_trainer_opens_a_classroom_from_the_tours_page(demo_db_url):
    """Main Menu › Tours, a tour highlighted, c (Open a classroom): the Classroom page with that
    tour chosen; a student's Tours page has no such key or button."""
    from usis_tui.screens.tours import ToursScreen
    from usis_tui.widgets.literal import DataTable, Select

    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "trainer")
        await app.navigate("Tours")
        await settle(pilot)
        tours = app.screen
        assert isinstance(tours, ToursScreen) and tours.query("#tours-classroom")
        table = tours.query_one("#tours-table", DataTable)
        table.move_cursor(row=[t.name for t in tours.tours].index("apply-for-minor"))
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClassroomScreen)
        assert screen.query_one("#classroom-tour", Select).value == "apply-for-minor"
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert screen.room is not None and screen.room.tour == "apply-for-minor"

    student = make_app(demo_db_url)
    async with student.run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        await student.navigate("Tours")
        await settle(pilot)
        assert isinstance(student.screen, ToursScreen)
        assert not student.screen.query("#tours-classroom")
        assert student.screen.check_action("classroom", ()) is False
