"""Petitions through the real app (Pilot): the student's list, "Submit request" with every step,
all problems at once with nothing saved, the catalogue look-up, withdrawing, the detail with the
timeline and the Board's explanation; the Board's queue, advice, decision and grade; and the
whole workflow from the student's submission to the registered grade."""

from __future__ import annotations

import pytest
from helpers import make_app
from petition_helpers import (
    BOARD,
    SIZE,
    STUDENT,
    as_board,
    as_student,
    choose_level,
    choose_radio,
    fill_external_elective,
    open_petitions,
    open_queue,
    press_button,
    screen_text,
    settle_reloads,
    steady,
    table_rows,
    type_into,
)
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session
from textual.widgets import DataTable

from usis_tui.models import Message, Petition
from usis_tui.screens.board import BoardPetitionScreen, BoardQueueScreen
from usis_tui.screens.petitions import PetitionDetailScreen, PetitionsScreen, WithdrawDialog
from usis_tui.services.schemas import Identity

pytestmark = pytest.mark.usefixtures("quick_idle")  # tests/conftest.py


def db_counts(url: str) -> tuple[int, int]:
    """(petitions, petition messages) straight from the database."""
    engine = create_engine(url)
    try:
        with Session(engine) as s:
            return (s.scalar(select(func.count(Petition.id))),
                    s.scalar(select(func.count(Message.id)).where(Message.category == "petition")))
    finally:
        engine.dispose()


# ---------------------------------------------------------------------------- the student
async def test_list_of_the_students_petitions(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_petitions(pilot)
        assert isinstance(app.screen, PetitionsScreen) and app.screen is screen
        rows = table_rows(screen.query_one("#petition-table", DataTable))
        assert rows == [
            ["000003", "Elective course", "Service Design Sprint", "21 Nov 2026", "● Submitted"],
            ["000002", "External education", "Digital Platform Strategy", "3 Nov 2026",
             "◐ In progress"],
            ["000001", "Elective course", "Human-Computer Interaction Design", "20 Aug 2026",
             "✓ Approved"],
        ]
        assert "3 petitions" in screen_text(pilot, "#list-count")
        assert screen.query_one("#breadcrumb").text == (
            "Main Menu › Self Service › Student Center › Petitions")


async def test_submit_an_external_elective_with_the_keyboard(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_petitions(pilot)
        await fill_external_elective(pilot, keys=True)
        # Only the fields of an external elective are shown; no HBO form for a university.
        shown = {row.id[4:] for row in screen.query("#form .field-row") if row.display}
        assert shown == {"source", "course_name", "institution", "institution_type", "level",
                         "ec", "course_start", "motivation", "documents", "course_url"}
        await press_button(pilot, "#form-review")
        assert screen.view == "review"
        review = screen_text(pilot, "#review-table")
        assert "Another institution" in review and "7.5 → 7 (rounded down)" in review
        notes = screen_text(pilot, "#review-notes")
        assert "7.5 EC becomes 7 EC" in notes and "does not enrol you" in notes
        assert db_counts(demo_db_url) == (3, 7)  # nothing saved before Submit
        await press_button(pilot, "#review-submit")
        assert screen.view == "done"
        assert screen_text(pilot, "#done-number") == "Petition number 000004"
        assert db_counts(demo_db_url) == (4, 8)
        p = app.usis.petitions.petition(STUDENT, 4)
        assert (p.status, p.course, p.institution, p.level, p.ec_entered, p.ec) == (
            "Submitted", "Advanced Information Retrieval", "University of Amsterdam", 500, 7.5, 7)
        assert [d.path for d in p.documents] == ["~/air.pdf"]
        # Back to the list: the new petition is on top.
        await press_button(pilot, "#done-list")
        assert table_rows(screen.query_one("#petition-table", DataTable))[0][0] == "000004"


async def test_every_problem_at_once_and_nothing_saved(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_petitions(pilot)
        await pilot.press("n")
        await settle_reloads(pilot)
        await pilot.press("down", "down", "down", "enter")  # External education
        await settle_reloads(pilot)
        await type_into(pilot, "#f-ec", "seven")
        await type_into(pilot, "#f-course_start", "02-11-2026")
        await choose_radio(pilot, "#f-institution_type", 1)  # HBO
        assert screen.query_one("#row-hbo_form").display  # the form's field appears
        await press_button(pilot, "#form-review")
        assert screen.view == "form"
        text = screen_text(pilot, "#form-problems")
        for words in ("Course name: enter the name of the course.",
                      "Institution: enter the university",
                      "Level: choose the level of the course",
                      'EC: "seven" is not a number',
                      "Too late: the course started on 2 Nov 2026",
                      "Explanation student: write your motivation",
                      "HBO Elective Course Form: a course at a university of applied sciences"):
            assert words in text
        invalid = {row.id[4:] for row in screen.query("#form .field-row.-invalid")}
        assert invalid == {"course_name", "institution", "level", "ec", "course_start",
                           "motivation", "hbo_form"}
        assert db_counts(demo_db_url) == (3, 7)
        # Fixing everything makes the review possible; the marks go away.
        await type_into(pilot, "#f-course_name", "Service Design", keys=False)
        await type_into(pilot, "#f-institution", "Hogeschool Rotterdam", keys=False)
        await choose_level(pilot, "#f-level", 400)
        await type_into(pilot, "#f-ec", "5")
        await type_into(pilot, "#f-course_start", "08-02-2027", keys=False)
        await type_into(pilot, "#f-motivation", "Prototype for my thesis.", keys=False)
        await type_into(pilot, "#f-hbo_form", "~/hbo-form.pdf", keys=False)
        await press_button(pilot, "#form-review")
        assert screen.view == "review"
        assert not list(screen.query("#form .field-row.-invalid"))
        assert "HBO Elective Course Form" in screen_text(pilot, "#review-table")


async def test_level_allowance_is_explained_on_the_form(demo_db_url):
    """000003 (3 EC at level 300) is pending: 3 EC more at level 300 is one too many."""
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_petitions(pilot)
        await fill_external_elective(pilot, level=300)
        await type_into(pilot, "#f-ec", "3")
        await press_button(pilot, "#form-review")
        assert screen.view == "form"
        text = screen_text(pilot, "#form-problems")
        assert "Level 300 is below Master level" in text
        assert "6 EC of your electives would be below Master level" in text
        assert "Already approved or pending below Master level: 3 EC" in text
        await type_into(pilot, "#f-ec", "2")
        await press_button(pilot, "#form-review")
        assert screen.view == "review"
        assert "5 of at most 5 EC" in screen_text(pilot, "#review-notes")


async def test_catalogue_elective_is_looked_up(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_petitions(pilot)
        number = app.usis.petitions.course_facts("4413DVISY")
        assert number is not None and number.title == "Data Visualization"
        await pilot.press("n")
        await settle_reloads(pilot)
        await pilot.press("enter")  # Elective course; Leiden University is the default
        await settle_reloads(pilot)
        shown = {row.id[4:] for row in screen.query("#form .field-row") if row.display}
        assert shown == {"source", "catalogue_number", "course_start", "motivation", "documents",
                         "course_url"}
        await type_into(pilot, "#f-catalogue_number", "4413dvisy")
        await pilot.press("enter")
        await settle_reloads(pilot)
        facts = screen_text(pilot, "#course-facts")
        assert facts.startswith("4413DVISY Data Visualization · 6 EC · level 500")
        assert screen.query_one("#f-course_start").value == "01-02-2027"
        await type_into(pilot, "#f-motivation", "Dashboards for my thesis.", keys=False)
        await press_button(pilot, "#form-review")
        review = screen_text(pilot, "#review-table")
        assert "4413DVISY Data Visualization" in review and "Leiden University" in review
        await press_button(pilot, "#review-submit")
        p = app.usis.petitions.petition(STUDENT, 4)
        assert (p.course, p.level, p.ec, p.institution) == (
            "4413DVISY Data Visualization", 500, 6, "Leiden University")
        # An unknown number is said at once.
        await press_button(pilot, "#done-list")
        await pilot.press("n")
        await settle_reloads(pilot)
        await pilot.press("enter")
        await settle_reloads(pilot)
        await type_into(pilot, "#f-catalogue_number", "4413NOPE")
        await pilot.press("enter")
        await settle_reloads(pilot)
        assert screen_text(pilot, "#course-facts") == "4413NOPE is not in the course catalogue."


async def test_the_form_fits_each_type_and_escape_steps_back(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_petitions(pilot)
        expected = {
            1: {"catalogue_number", "institution", "motivation", "documents", "course_url"},
            2: {"catalogue_number", "ec", "motivation", "documents"},
        }
        for index, fields in expected.items():
            await pilot.press("n")
            await settle_reloads(pilot)
            for _ in range(index):
                await pilot.press("down")
            await pilot.press("enter")
            await settle_reloads(pilot)
            assert {r.id[4:] for r in screen.query("#form .field-row") if r.display} == fields
            await pilot.press("escape")  # form → type
            assert screen.view == "type"
            await pilot.press("escape")  # type → list
            assert screen.view == "list"
        assert str(screen.query_one("#label-ec").content) == "EC requested"


async def test_detail_with_timeline_and_explanation(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_petitions(pilot)
        await pilot.press("down", "down", "enter")  # 000001, the approved one
        await settle_reloads(pilot)
        detail = app.screen
        assert isinstance(detail, PetitionDetailScreen)
        assert detail.query_one("#breadcrumb").text.endswith("Petitions › Petition 000001")
        request = screen_text(pilot, "#detail-request")
        for words in ("Human-Computer Interaction Design", "Delft University of Technology",
                      "500 (Master)", "https://studiegids.tudelft.nl/IN4315", "16 Sep"):
            assert words in request
        board = screen_text(pilot, "#detail-board")
        assert board.startswith("26-27 LIACS 129, Individueel besluit: approved, 5 EC, level 500, "
                                "Delft University of Technology.")
        assert "Grade 7.5 (7.3 on the transcript)" in board
        timeline = screen_text(pilot, "#detail-timeline")
        assert [line.split("  ")[-1].strip() for line in timeline.splitlines()
                if line[:1] in "●◐✓"] == ["Submitted", "Advice programme board",
                                          "Decision Board of Examiners: approved",
                                          "Grade registered"]
        assert not detail.query_one("#withdraw").display  # decided: no withdrawing
        await pilot.press("escape")
        assert app.screen is screen


async def test_withdraw_with_a_reason(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_petitions(pilot)
        await pilot.press("enter")  # 000003, Submitted
        await settle_reloads(pilot)
        detail = app.screen
        assert detail.query_one("#withdraw").display
        await pilot.press("w")
        await settle_reloads(pilot)
        assert isinstance(app.screen, WithdrawDialog)
        steady(pilot)
        await pilot.press("enter")  # no reason yet
        await settle_reloads(pilot)
        assert "Reason: say why you withdraw" in screen_text(pilot, "#withdraw-problems")
        await type_into(pilot, "#withdraw-reason", "I take a Master course instead.", keys=False)
        await pilot.press("enter")
        await settle_reloads(pilot)
        assert app.screen is detail
        assert "Withdrawn" in screen_text(pilot, "#detail-status")
        assert "Withdrawn by the student" in screen_text(pilot, "#detail-timeline")
        assert "I take a Master course instead." in screen_text(pilot, "#detail-request")
        assert not detail.query_one("#withdraw").display
        await pilot.press("escape")
        await settle_reloads(pilot)
        assert table_rows(screen.query_one("#petition-table", DataTable))[0][4] == "– Withdrawn"
        assert app.usis.student.messages(STUDENT)[0].subject == "Petition 000003 withdrawn"


async def test_a_staff_user_sees_no_student_petitions(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_queue(pilot)
        await app.push_screen(PetitionsScreen())
        await settle_reloads(pilot)
        assert "Log in with your student number" in screen_text(pilot, ".intro")
        await pilot.press("n")  # nothing happens
        assert isinstance(app.screen, PetitionsScreen)


# ---------------------------------------------------------------------------- the Board
async def test_board_queue(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(pilot)
        rows = table_rows(screen.query_one("#queue-table", DataTable))
        assert [(r[0], r[1], r[5], r[6]) for r in rows] == [
            ("000002", STUDENT, "◐ In progress", "Decision"),
            ("000003", STUDENT, "● Submitted", "Advice")]
        await pilot.press("a")
        await settle_reloads(pilot)
        assert [r[0] for r in table_rows(screen.query_one("#queue-table", DataTable))] == [
            "000001", "000002", "000003"]
        assert "All 3 petitions" in screen_text(pilot, "#queue-count")


async def test_only_the_board_sees_the_queue(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_queue(pilot)
        app.identity = Identity(kind="staff", username="support", name="Sanne Visser",
                                role="support")
        await app.push_screen(BoardQueueScreen())
        await settle_reloads(pilot)
        assert "Only the Board of Examiners handles petitions." in screen_text(
            pilot, "#queue-problems")
        assert app.screen.query_one("#queue-table", DataTable).row_count == 0
        await app.push_screen(BoardPetitionScreen(2))
        await settle_reloads(pilot)
        assert "Only the Board of Examiners" in screen_text(pilot, "#load-problems")
        assert not app.screen.query_one("#action").display


async def test_board_decision_shows_every_problem_at_once(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_queue(pilot)
        await pilot.press("enter")  # 000002: decision
        await settle_reloads(pilot)
        board = app.screen
        assert isinstance(board, BoardPetitionScreen)
        # Pre-filled from the petition.
        assert board.query_one("#d-ec").value == "7"
        assert board.query_one("#d-institution").value == "Copenhagen Business School"
        await press_button(pilot, "#do-decision")
        text = screen_text(pilot, "#decision-problems")
        assert "Decision: choose Approve or Reject." in text
        assert "Decision number: enter the number of the Board's decision" in text
        assert "Decision type: choose Individueel besluit or Algemeen besluit." in text
        # Approve with a bad number, no EC and no institution: every problem again.
        await choose_radio(pilot, "#d-outcome", 0)
        await type_into(pilot, "#d-decision_number", "129")
        await type_into(pilot, "#d-ec", "")
        await type_into(pilot, "#d-institution", "")
        await press_button(pilot, "#do-decision")
        problems = [line for line in screen_text(pilot, "#decision-problems").splitlines()
                    if line.startswith("✗")]
        assert problems == [
            '✗ Decision number: "129" is not a decision number; write it as 26-27 LIACS 129 or '
            "Besluit 1642.",
            "✗ Decision type: choose Individueel besluit or Algemeen besluit.",
            "✗ EC: enter the number of EC approved.",
            "✗ Institution: enter the institution that teaches the course.",
        ]
        assert app.usis.petitions.board_petition("board", 2).decision is None


async def test_whole_workflow_from_submission_to_registered_grade(demo_db_url):
    """The student submits; the Board advises, approves and registers 7.3 → 7.5; the student
    sees "Approved", the explanation and a message for every step; nothing was enrolled."""
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_petitions(pilot)
        before_schedule = app.usis.enrolment.schedule(STUDENT)
        await fill_external_elective(pilot)
        await press_button(pilot, "#form-review")
        await press_button(pilot, "#review-submit")
        assert screen_text(pilot, "#done-number") == "Petition number 000004"

        # The Board of Examiners.
        await as_board(pilot)
        queue = BoardQueueScreen()
        await app.push_screen(queue)
        await settle_reloads(pilot)
        rows = table_rows(queue.query_one("#queue-table", DataTable))
        assert rows[-1][0] == "000004" and rows[-1][6] == "Advice"
        await pilot.press("down", "down", "enter")
        await settle_reloads(pilot)
        board = app.screen
        assert isinstance(board, BoardPetitionScreen) and board.petition_id == 4
        steady(pilot)
        assert board.query_one("#action").border_title == (
            "Next step: advice of the programme board")
        await press_button(pilot, "#do-advice")  # no advice yet
        assert "Advice: write the programme board's advice." in screen_text(
            pilot, "#advice-problems")
        await type_into(pilot, "#a-advice", "Supported: fits the thesis.", keys=False)
        await press_button(pilot, "#do-advice")
        assert board.petition.status == "In progress"
        assert board.query_one("#actions").current == "act-decision"
        steady(pilot)
        await choose_radio(pilot, "#d-outcome", 0)  # Approve
        await type_into(pilot, "#d-decision_number", "26-27 LIACS 129")
        await choose_radio(pilot, "#d-decision_type", 0)  # Individueel besluit
        preview = screen_text(pilot, "#explanation-preview")
        assert ("26-27 LIACS 129, Individueel besluit: approved, 7 EC, level 500, University "
                "of Amsterdam.") in preview
        await press_button(pilot, "#do-decision")
        p = board.petition
        assert (p.status, p.decision, p.next_step) == ("In progress", "approved", "Grade")
        assert board.query_one("#actions").current == "act-grade"
        steady(pilot)
        await type_into(pilot, "#g-grade", "7.3")
        assert "Registered as 7.5" in screen_text(pilot, "#grade-preview")
        await pilot.press("enter")
        await settle_reloads(pilot)
        p = board.petition
        assert (p.status, p.grade_entered, p.grade) == ("Approved", 7.3, 7.5)
        assert board.query_one("#actions").current == "act-none"
        assert "nothing left to do" in screen_text(pilot, "#action-none")
        await pilot.press("escape")
        await settle_reloads(pilot)
        assert [r[0] for r in table_rows(queue.query_one("#queue-table", DataTable))] == [
            "000002", "000003"]

        # The student again.
        await as_student(pilot)
        await app.push_screen(PetitionDetailScreen(4))
        await settle_reloads(pilot)
        assert "Approved" in screen_text(pilot, "#detail-status")
        assert screen_text(pilot, "#detail-board").startswith(
            "26-27 LIACS 129, Individueel besluit: approved, 7 EC, level 500, University of "
            "Amsterdam.")
        subjects = [m.subject for m in app.usis.student.messages(STUDENT)[:4]]
        assert subjects == ["Petition 000004: Approved",
                            "Petition 000004 approved by the Board of Examiners",
                            "Petition 000004 is in progress",
                            "Petition 000004 submitted: Elective course"]
        assert app.usis.enrolment.schedule(STUDENT) == before_schedule  # approval ≠ enrolment


async def test_board_registers_a_grade_of_5_5_as_5(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_queue(pilot)
        app.usis.petitions.decide("board", 2, {
            "outcome": "approve", "decision_number": "Besluit 1642",
            "decision_type": "Algemeen besluit", "ec": "7", "level": "500",
            "institution": "Copenhagen Business School"})
        await app.push_screen(BoardPetitionScreen(2))
        await settle_reloads(pilot)
        steady(pilot)
        await type_into(pilot, "#g-grade", "5.5")
        assert "Registered as 5 (5.5 becomes 5)" in screen_text(pilot, "#grade-preview")
        await press_button(pilot, "#do-grade")
        assert app.screen.petition.status == "External courses approved"
        assert app.screen.petition.grade == 5.0


async def test_screens_at_80x24(demo_db_url):
    """The narrow layout: hints hidden, short labels; the list fits without scrolling sideways."""
    app = make_app(demo_db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_petitions(pilot)
        assert screen.has_class("-narrow")
        table = screen.query_one("#petition-table", DataTable)
        assert table.virtual_size.width <= table.size.width
        await fill_external_elective(pilot)
        await press_button(pilot, "#form-review")
        assert screen.view == "review"
        await as_board(pilot)
        queue = BoardQueueScreen()
        await app.push_screen(queue)
        await settle_reloads(pilot)
        table = queue.query_one("#queue-table", DataTable)
        assert table.virtual_size.width <= table.size.width
        assert BOARD.username == "board"


# ---------------------------------------------------------------------------- in Dutch
async def test_petitions_and_the_board_in_dutch(demo_db_url, dutch):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_petitions(pilot)
        assert screen_text(pilot, "#page-heading").strip() == "Verzoekschriften"
        table = screen.query_one("#petition-table", DataTable)
        assert [str(c.label) for c in table.columns.values()] == [
            "Nummer", "Soort", "Cursus", "Ingediend", "Status"]
        assert table_rows(table)[1] == ["000002", "Extern onderwijs", "Digital Platform Strategy",
                                        "3 nov. 2026", "◐ In behandeling"]
        assert "3 verzoekschriften, nieuwste eerst" in screen_text(pilot, "#list-count")
        assert str(screen.query_one("#submit-request").label) == "Verzoek indienen"
        await pilot.press("down", "down", "enter")  # 000001, the approved one
        await settle_reloads(pilot)
        request = screen_text(pilot, "#detail-request")
        for words in ("Soort verzoek", "Keuzevak", "✓ Goedgekeurd", "500 (master)",
                      "Begindatum cursus", "16 sep. 2026"):
            assert words in request
        assert "Besloten op 9 sep. 2026." in screen_text(pilot, "#detail-board")
        assert "Advies opleidingsbestuur" in screen_text(pilot, "#detail-timeline")
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        queue = await open_queue(pilot)
        assert "2 te behandelen verzoekschriften, oudste eerst." in screen_text(
            pilot, "#queue-count")
        assert table_rows(queue.query_one("#queue-table", DataTable))[0][-2:] == [
            "◐ In behandeling", "Besluit"]
