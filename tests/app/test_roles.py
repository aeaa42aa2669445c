"""Roles in the app: a student sees only their own pages; support finds a student and acts as
them (banner on every page, ctrl+g stops); the board keeps its queue; the trainer resets the demo
database (with confirmation) and sets or moves the frozen clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from helpers import DEMO_NOW, make_app, settle
from shell_helpers import (
    SIZE,
    act_as,
    banner_text,
    find_student,
    signed_in,
    text_of,
)
from textual.widgets import DataTable, Input

from usis_tui.screens.audit import AuditTrailScreen
from usis_tui.screens.base import PendingPage
from usis_tui.screens.board import BoardQueueScreen
from usis_tui.screens.enrol import EnrolScreen
from usis_tui.screens.main_menu import MainMenuScreen
from usis_tui.screens.student_center import StudentCenterScreen
from usis_tui.screens.support import FindStudentScreen
from usis_tui.screens.trainer import ClockScreen, ConfirmResetScreen
from usis_tui.services import Usis

YEAR = "2026-2027"
BANNER = "Acting as Eva de Vries (s1234567) — support: support"


def notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def footer_keys(app) -> set[str]:
    return {b.binding.description for b in app.active_bindings.values()
            if b.enabled and b.binding.show}


# ---------------------------------------------------------------- student
async def test_student_cannot_open_support_or_trainer_pages(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "s1234567")
        assert not app.screen.query("#link-find-student") and not app.screen.query("#link-audit")
        assert not app.screen.query("#link-reset")
        assert not {"Find a student", "Audit trail", "Reset demo database"} & footer_keys(app)
        for key in ("f", "a", "r", "k"):  # the keys are not there for a student
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, MainMenuScreen), key
        for page in ("Find a student", "Audit trail"):
            assert not app.may_open(page)
            assert await app.navigate(page) is False
        await pilot.pause()  # notifications arrive as messages
        assert any("for support staff" in n for n in notes(app)), notes(app)
        assert not {"Find a student", "Audit trail"} & {n for n, *_ in app.role_commands()}
        assert await app.act_as("s7654321") is False  # cannot act as another student
        assert app.student_number == "s1234567"
        assert await app.reset_demo_database() is False
        assert await app.set_clock(DEMO_NOW + timedelta(days=3)) is False
        assert app.now() == DEMO_NOW
        # own pages still work, without a banner
        assert await app.navigate("Student Center")
        await settle(pilot)
        assert isinstance(app.screen, StudentCenterScreen) and banner_text(app) is None


# ---------------------------------------------------------------- support: find, act as, stop
async def test_support_finds_a_student_by_name_and_by_number(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "support")
        assert "Find a student" in text_of(app.screen.query_one("#link-find-student"))
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FindStudentScreen)
        await find_student(pilot, "vries")
        table = app.screen.query_one("#find-results", DataTable)
        numbers = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert "s1234567" in numbers
        assert "Eva de Vries" in [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        await find_student(pilot, "S765")
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == ["s7654321"]
        await find_student(pilot, "s")  # every student: the first 50, and a hint
        assert table.row_count == 50
        assert "More than 50 students match" in text_of(app.screen.query_one("#find-count"))
        await find_student(pilot, "nobody-like-this")
        assert "No student matches" in text_of(app.screen.query_one("#find-count"))
        assert not table.display
        await find_student(pilot, "")
        assert "Enter a student number" in text_of(app.screen.query_one("#find-problems"))
        assert app.student_number is None  # finding is not acting


async def test_support_acts_as_student_banner_on_every_page_then_stops(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "support")
        # before acting: student pages are refused, with the way to do it
        assert await app.navigate("Student Center") is False
        await pilot.pause()
        assert any("Find the student first and act as them" in n for n in notes(app))
        assert banner_text(app) is None

        await act_as(pilot, "s1234567")
        assert isinstance(app.screen, StudentCenterScreen)
        assert app.student_number == "s1234567" and app.identity.username == "support"
        assert app.student_identity.name == "Eva de Vries"
        assert banner_text(app) == BANNER
        assert "Stop acting as" in footer_keys(app)
        # Enrol shows the student's own data (the guard lets it through) and the banner
        await app.navigate("My Class Schedule")
        await settle(pilot)
        assert isinstance(app.screen, EnrolScreen) and banner_text(app) == BANNER
        assert app.screen.schedule_lines, "the student's schedule is shown"
        await app.navigate("Timetable")
        await settle(pilot)
        assert banner_text(app) == BANNER
        # every page in the stack carries it, the Main Menu too (the pages of the breadcrumb
        # underneath are built, with the banner, when Escape brings them back)
        for screen in app.screen_stack[1:]:
            if not isinstance(screen, PendingPage):
                assert screen.query_one("#act-as-banner").text == BANNER, type(screen).__name__
        # the guarded facade injects support as the actor
        line = await app.screen.call(app.usis.cart.add, "s1234567", YEAR, "1052")
        assert line.cls.class_number == "1052"
        rows = app.raw_usis.audit.entries("s1234567", action="cart_add")
        assert (rows[-1].actor, rows[-1].acting_for, rows[-1].outcome) == \
            ("support", "s1234567", "ok")

        # ctrl+g works while typing in a field too
        await app.navigate("Enrol")
        await settle(pilot)
        assert isinstance(app.focused, Input)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, FindStudentScreen)
        assert app.student_number is None and app.acting_for is None
        assert banner_text(app) is None
        assert all(not s.query_one("#act-as-banner").display for s in app.screen_stack[1:]
                   if not isinstance(s, PendingPage))
        assert "Stop acting as" not in footer_keys(app)
        assert await app.navigate("Enrol") is False
        kinds = [(r.action, r.detail) for r in app.raw_usis.audit.entries("s1234567",
                                                                           action="act_as")]
        assert kinds == [("act_as", "start"), ("act_as", "stop")]


async def test_support_acting_cannot_reach_another_students_data(demo_db_url):
    from usis_tui.services import ServiceError

    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "support")
        await act_as(pilot, "s1234567")
        try:
            app.usis.cart.list("s7654321", YEAR)
        except ServiceError as exc:
            assert exc.code == "not_authorised"
        else:
            raise AssertionError("support acting for s1234567 read s7654321's cart")
        # switching students: act as the other one; the banner follows
        await act_as(pilot, "s7654321")
        assert banner_text(app) == "Acting as Jan Jansen (s7654321) — support: support"
        assert app.usis.cart.list("s7654321", YEAR) == []


async def test_support_acting_signs_out_cleanly(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "support")
        await act_as(pilot)
        await app.action_sign_out()
        await settle(pilot)
        assert app.identity is None and app.acting_for is None and app.student_number is None
        await signed_in(pilot, "s7654321")
        assert app.student_number == "s7654321" and banner_text(app) is None


# ---------------------------------------------------------------- board
async def test_board_has_its_queue_but_no_student_or_support_pages(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "board")
        assert not app.screen.query("#link-find-student")
        assert await app.navigate("Find a student") is False
        assert await app.navigate("Student Center") is False
        await pilot.pause()
        assert any("Only support staff can open it" in n for n in notes(app))
        assert await app.act_as("s1234567") is False
        assert await app.navigate("Petitions to handle")
        await settle(pilot)
        assert isinstance(app.screen, BoardQueueScreen) and banner_text(app) is None


# ---------------------------------------------------------------- trainer
async def test_trainer_resets_the_demo_database_after_confirmation(demo_db_url):
    check = Usis.open(demo_db_url, clock=lambda: DEMO_NOW)
    try:
        check.cart.add("s1234567", YEAR, "1052")
        app = make_app(demo_db_url)
        async with app.run_test(size=SIZE) as pilot:
            await signed_in(pilot, "trainer")
            assert {"Reset demo database", "Set the clock"} <= footer_keys(app)
            assert app.screen.query("#link-reset") and app.screen.query("#link-clock")
            await pilot.press("r")
            await settle(pilot)
            assert isinstance(app.screen, ConfirmResetScreen)
            assert app.focused.id == "reset-no"  # the safe answer has the focus
            await pilot.press("escape")  # Cancel: nothing happens
            await settle(pilot)
            assert isinstance(app.screen, MainMenuScreen)
            assert [x.cls.class_number for x in check.cart.list("s1234567", YEAR)] == ["1052"]

            await pilot.press("r")
            await settle(pilot)
            await pilot.click("#reset-yes")
            await settle(pilot)
            assert isinstance(app.screen, MainMenuScreen)
            assert app.identity.username == "trainer"
            assert check.cart.list("s1234567", YEAR) == []  # back to the demo data
            assert any("Demo database reset" in n for n in notes(app))
            assert [r.action for r in check.audit.entries("s1234567")] == []  # fresh trail
    finally:
        check.close()


async def test_trainer_sets_and_moves_the_clock(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "trainer")
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, ClockScreen)
        assert app.screen.query_one("#clock-value", Input).value == "2026-11-23T09:30"
        await pilot.click("#clock-plus-day")
        await pilot.click("#clock-plus-hour")
        assert app.now() == DEMO_NOW  # nothing changes before "Set clock"
        await pilot.click("#clock-set")
        await settle(pilot)
        assert isinstance(app.screen, MainMenuScreen)
        assert app.now() == DEMO_NOW + timedelta(days=1, hours=1)
        assert app.raw_usis.now() == DEMO_NOW + timedelta(days=1, hours=1)  # services too
        assert any("The clock is now Tue 24 Nov 2026 10:30" in n for n in notes(app))

        await pilot.press("k")
        await settle(pilot)
        field = app.screen.query_one("#clock-value", Input)
        field.value = "next tuesday"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClockScreen)  # refused, said why, clock unchanged
        assert "Not an ISO date-time" in text_of(app.screen.query_one("#clock-problems"))
        field.value = "2026-09-07T10:00"
        await pilot.press("enter")
        await settle(pilot)
        assert app.now() == datetime(2026, 9, 7, 10, 0)

        await pilot.press("k")
        await settle(pilot)
        await pilot.press("escape")  # Cancel
        await settle(pilot)
        assert app.now() == datetime(2026, 9, 7, 10, 0)
        assert await app.move_clock(timedelta(hours=-1))
        assert app.now() == datetime(2026, 9, 7, 9, 0)


async def palette(pilot, query: str) -> None:
    """ctrl+p, type ``query``, wait for the hits, press Enter on the first."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*query)
    for _ in range(40):  # the palette searches in the background
        await pilot.pause(0.05)
        if pilot.app.screen.query("CommandList") and pilot.app.screen.query_one(
                "CommandList").option_count:
            break
    await pilot.pause(0.2)
    await pilot.press("enter")
    await settle(pilot)


async def test_role_commands_in_the_palette(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "trainer")
        assert {n for n, *_ in app.role_commands()} == {"Reset demo database", "Set the clock"}
        await app.action_sign_out()
        await settle(pilot)
        await signed_in(pilot, "support")
        assert app.role_commands() == []
        await act_as(pilot)
        assert [n for n, *_ in app.role_commands()] == ["Stop acting as"]
        assert app.may_open("Audit trail") and app.may_open("Student Center")
        assert await app.navigate("Audit trail")
        await settle(pilot)
        assert isinstance(app.screen, AuditTrailScreen) and banner_text(app) == BANNER
        await palette(pilot, "Stop acting")
        assert isinstance(app.screen, FindStudentScreen) and app.acting_for is None
        await palette(pilot, "Audit trail")
        assert isinstance(app.screen, AuditTrailScreen) and banner_text(app) is None
