"""Register results in the app (the Board of Examiners, on the demo database): the Main Menu
offers the page (link and `g`); the class list opens class 2014's grid; two grades typed with
the keyboard are saved after the confirmation; the student gets the message and may enrol in
the resit; a bad grade is shown at once; leaving with unsaved grades asks first; a student
cannot open the page."""

from __future__ import annotations

from helpers import make_app, settle
from petition_helpers import SIZE, screen_text, table_rows, text_of
from results_helpers import open_class, open_classes, type_grades
from shell_helpers import signed_in

from usis_tui.screens.main_menu import MainMenuScreen
from usis_tui.screens.register_results import (
    ConfirmLeaveScreen,
    ConfirmSaveScreen,
    RegisterResultsScreen,
    ResultSheetScreen,
)
from usis_tui.services import Usis

EVA, LUCA = "s1234567", "s2000003"


async def test_the_board_types_two_grades_and_saves_them(demo_db_url, demo_now):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_classes(pilot)
        screen = app.screen
        assert isinstance(screen, RegisterResultsScreen)
        assert table_rows(screen.query_one("#classes-table"))[0][:2] == ["2004", "4031PDSTRY"]
        await open_class(pilot, "2014")
        sheet = app.screen
        assert isinstance(sheet, ResultSheetScreen) and sheet.class_number == "2014"
        assert screen_text(pilot, "#grade-label") == f"Grade for {EVA} Eva de Vries"
        await type_grades(pilot, "4,5", "7,5")
        rows = table_rows(sheet.query_one("#sheet-table"))
        assert rows[0][0] == EVA and rows[0][-1] == "4.5"
        assert rows[1][0] == LUCA and rows[1][-1] == "7.5"
        assert screen_text(pilot, "#grade-count") == "2 grades typed"
        await pilot.press("ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmSaveScreen)
        assert text_of(dialog.query_one("#confirm-save-results-question")) == (
            "Register 2 results for class 2014 4031CARCY Computer Architecture?")
        await pilot.press("y")
        await settle(pilot, cancelled_ok=True)
        assert app.screen is sheet
        assert screen_text(pilot, "#sheet-saved").startswith(
            "✓ 2 results registered for class 2014; each student got a message \"New study "
            "result\". 1 did not pass: their message names the resit.")
        rows = table_rows(sheet.query_one("#sheet-table"))
        assert (rows[0][3], rows[0][4], rows[1][3]) == ("4.5", "", "7.5")
        assert "2 results registered" in screen_text(pilot, "#sheet-facts")
        # back on the list, the class counts its results
        await pilot.press("escape")
        await settle(pilot, cancelled_ok=True)
        assert isinstance(app.screen, RegisterResultsScreen)
        [row] = table_rows(app.screen.query_one("#classes-table"))  # (still filtered: 2014)
        assert row[0] == "2014" and row[-1] == "2"
    usis = Usis.open(demo_db_url, clock=lambda: demo_now)
    try:
        message = usis.student.messages(EVA)[0]
        assert message.subject == "New study result: 4031CARCY Computer Architecture"
        assert message.body.endswith(
            "You can enrol in the resit, class 2015, until 21 Feb 2027 23:59.")
        line = usis.cart.add(EVA, "2026-2027", "2015")
        assert line.would == "enrolled"
        entry = usis.audit.entries(LUCA, action="result_register")[-1]
        assert entry.actor == "board"
    finally:
        usis.close()


async def test_a_bad_grade_is_shown_at_once_and_leaving_asks(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await open_classes(pilot)
        await open_class(pilot, "2014")
        sheet = app.screen
        await type_grades(pilot, "11")
        problems = screen_text(pilot, "#sheet-problems")
        assert f"{EVA}: '11' is not between 1 and 10" in problems
        assert screen_text(pilot, "#grade-label") == f"Grade for {EVA} Eva de Vries"  # stays
        assert sheet.grades == {}
        sheet.query_one("#grade").value = ""
        await type_grades(pilot, "nv")
        assert sheet.grades == {EVA: "nv"} and screen_text(pilot, "#sheet-problems") == ""
        await pilot.press("up")  # back to Eva: the field shows what was typed for her
        assert sheet.query_one("#grade").value == "nv"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmLeaveScreen)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is sheet and sheet.grades == {EVA: "nv"}
        await pilot.press("escape", "y")
        await settle(pilot, cancelled_ok=True)
        assert isinstance(app.screen, RegisterResultsScreen)


async def test_the_main_menu_offers_it_to_the_board_only(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "board")
        assert isinstance(app.screen, MainMenuScreen)
        assert app.screen.query("#link-register-results")
        await pilot.press("g")
        await settle(pilot, cancelled_ok=True)
        assert isinstance(app.screen, RegisterResultsScreen)
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, EVA)
        assert not app.screen.query("#link-register-results")
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, MainMenuScreen)
        assert await app.navigate("Register results") is False
        assert await app.navigate("register grades") is False
