"""The Student Center's To Do List (exam confirmations with their deadline, wait list positions,
minor applications), the "Confirm exam enrolments" dialog, the next enrolment opening, the link
to Minors, and the lazy removal of unconfirmed exam enrolments, through the real app."""

from __future__ import annotations

from datetime import datetime

from factories import open_selection_minor
from helpers import DEMO_NOW, make_app, settle
from shell_helpers import SIZE, signed_in, text_of
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from usis_tui.models import Enrolment, ExamConfirmation
from usis_tui.screens.minors import MinorsScreen
from usis_tui.screens.student_center import ExamConfirmScreen, StudentCenterScreen
from usis_tui.services import Usis

STUDENT = "s1234567"




async def open_center(pilot) -> StudentCenterScreen:
    await signed_in(pilot, STUDENT)
    await pilot.app.navigate("Student Center")
    await settle(pilot)
    assert isinstance(pilot.app.screen, StudentCenterScreen)
    return pilot.app.screen


def confirmations(url: str) -> list[tuple[int, str]]:
    engine = create_engine(url)
    try:
        with Session(engine) as s:
            return [tuple(r) for r in s.execute(
                select(ExamConfirmation.enrolment_id, ExamConfirmation.status))]
    finally:
        engine.dispose()


async def test_todo_list_shows_exam_confirmations_with_their_deadline(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_center(pilot)
        todo = text_of(screen.query_one("#todo")).replace("\n", " ")
        assert ("Confirm exam 2056 Artificial Intelligence (18 Jan) by 8 Jan 2027 23:59 "
                "(46 days left).") in todo
        assert "Confirm exam 2035 Concepts of Programming Languages (19 Jan) by 9 Jan 2027" in (
            todo)
        assert text_of(screen.query_one("#link-confirm-exams")) == "› Confirm exam enrolments (2)"
        dates = text_of(screen.query_one("#dates"))
        assert dates.startswith("Next opening: 2 Dec 2026 09:00")


async def test_confirm_an_exam_from_the_todo_list(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_center(pilot)
        before = len(confirmations(demo_db_url))
        await pilot.press("x")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExamConfirmScreen)
        await pilot.press("enter")  # asks first: binding
        await settle(pilot)
        assert "Press Enter again to confirm" in text_of(dialog.query_one("#exam-confirm-prompt"))
        assert len(confirmations(demo_db_url)) == before
        await pilot.press("enter")
        await settle(pilot)
        assert text_of(dialog.query_one("#exam-confirm-prompt")) == (
            "✓ Your enrolment for class 2056 is confirmed.")
        assert len(confirmations(demo_db_url)) == before + 1
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        todo = text_of(screen.query_one("#todo")).replace("\n", " ")
        assert "2056" not in todo and "Confirm exam 2035" in todo
        assert text_of(screen.query_one("#link-confirm-exams")) == "› Confirm exam enrolments (1)"


async def test_wait_list_positions_and_minor_applications_in_the_todo_list(demo_db_url):
    open_selection_minor(demo_db_url)
    usis = Usis.open(demo_db_url, clock=lambda: DEMO_NOW)
    try:
        assert usis.minors.apply(STUDENT, "1053").waitlist_position == 7
        usis.minors.apply(STUDENT, "1054")
    finally:
        usis.close()
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_center(pilot)
        todo = text_of(screen.query_one("#todo")).replace("\n", " ")
        assert "Wait list position 7 for class 1053 (Human Evolution)." in todo
        assert "Minor 1054 Modern Drug Discovery: Waiting for placement outcome." in todo
        screen.query_one("#link-minors").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MinorsScreen)


async def test_unconfirmed_exam_enrolments_are_removed_after_the_deadline(demo_db_url):
    later = datetime(2027, 1, 9, 8, 0)  # 2056's deadline (08 Jan 23:59) has passed
    app = make_app(demo_db_url, now=later)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_center(pilot)
        todo = text_of(screen.query_one("#todo")).replace("\n", " ")
        assert "2056" not in todo and "Confirm exam 2035" in todo
        assert "(0 days left)" in todo or "(today)" in todo
    usis = Usis.open(demo_db_url, clock=lambda: later)
    try:
        [msg] = [m for m in usis.student.messages(STUDENT) if m.category == "exam"]
        assert msg.subject.startswith("Exam enrolment removed: ")
        with usis.db.read() as s:
            statuses = {st for (st,) in s.execute(
                select(Enrolment.status).join(ExamConfirmation,
                                              ExamConfirmation.enrolment_id == Enrolment.id)
                .where(ExamConfirmation.status == "expired"))}
        assert statuses == {"dropped"}
    finally:
        usis.close()
