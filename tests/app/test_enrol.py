"""The Enrol page driven by keyboard (Pilot, 120x40) on a copy of the demo database; every
outcome is checked in the database through a second ``Usis`` on the same file."""

from __future__ import annotations

import re

import pytest
from enrol_helpers import (
    SIZE,
    STUDENT,
    open_enrol,
    plain,
    screen_text,
    settle_until_idle,
    wait_until,
)
from helpers import make_app
from textual.widgets import Input

from usis_tui.screens.enrol import EnrolScreen
from usis_tui.screens.enrol_manage import ConfirmDropScreen
from usis_tui.services.schemas import EnrolRequest
from usis_tui.widgets.cart import CartTable

YEAR = "2026-2027"


# ---------------------------------------------------------------------- helpers
async def enter_class(pilot, number: str) -> None:
    """Option 1: type the class number in the (focused) field and Continue."""
    field = pilot.app.screen.query_one("#class-number", Input)
    field.focus()
    field.value = ""
    await pilot.press(*number, "enter")
    await settle_until_idle(pilot)


async def add_by_number(pilot, number: str, *, wait_list: bool = False) -> None:
    await enter_class(pilot, number)
    pane = pilot.app.screen.add_pane
    assert pane.view == "prefs", f"preferences step not shown for {number}"
    if wait_list:
        await pilot.press("w")
    await pilot.press("n")  # Next
    await settle_until_idle(pilot)


async def focus_cart(pilot) -> CartTable:
    table = pilot.app.screen.query_one(CartTable)
    for _ in range(8):
        if pilot.app.focused is table:
            return table
        await pilot.press("tab")
    raise AssertionError(f"cannot Tab to the Shopping cart (focus: {pilot.app.focused})")


async def enrol_ticked(pilot) -> str:
    """Shopping cart → Enrol → step 2 → Finish enrolling → step 3; the results text."""
    await focus_cart(pilot)
    await pilot.press("e")
    await settle_until_idle(pilot)
    pane = pilot.app.screen.add_pane
    assert pane.view == "step2"
    await pilot.press("f")
    await settle_until_idle(pilot)
    assert pane.view == "step3"
    return plain(pilot.app.screen.query_one("#results-list"))


def status_of(usis, number: str) -> tuple[str, int | None] | None:
    for line in usis.enrolment.schedule(STUDENT, YEAR):
        if line.cls.class_number == number:
            return line.status, line.waitlist_position
    return None


def cart_numbers(usis) -> list[str]:
    return [line.cls.class_number for line in usis.cart.list(STUDENT, YEAR)]


@pytest.fixture
def app(demo_db_url, demo_now):
    return make_app(demo_db_url, now=demo_now)


# ---------------------------------------------------------------------- option 1
async def test_option1_class_number_ends_enrolled(app, demo_usis, demo_summary):
    number = demo_summary.highlights["minor_open"]
    assert status_of(demo_usis, number) is None
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        assert screen.query_one("#year").value == YEAR
        assert "Studiejaar 2026-2027" in screen_text(pilot.app)
        await enter_class(pilot, number)
        detail = plain(screen.query_one("#prefs-detail"))
        assert "4000MDSAIN" in detail and "Data Science and Artificial Intelligence" in detail
        assert "Mo 13:45-15:30" in detail and "Snellius 408/409" in detail
        assert "seats taken" in detail and "Open" in detail
        await pilot.press("n")
        await settle_until_idle(pilot)
        assert cart_numbers(demo_usis) == [number]
        table = screen.query_one(CartTable)
        assert [line.cls.class_number for line in table.selected_lines()] == [number]
        results = await enrol_ticked(pilot)
    assert "✓" in results and "Success: This class has been added to your schedule." in results
    assert status_of(demo_usis, number) == ("enrolled", None)
    assert cart_numbers(demo_usis) == []


async def test_full_class_wait_list_gives_position(app, demo_usis, demo_summary):
    number = demo_summary.highlights["minor_wait_list"]
    before = demo_usis.catalogue.lookup(YEAR, number)
    assert before.enrolled >= before.capacity and before.waitlisted < before.waitlist_capacity
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        await enter_class(pilot, number)
        assert "This class is full" in plain(screen.query_one("#prefs-note"))
        await pilot.press("w", "n")
        await settle_until_idle(pilot)
        line = screen.query_one(CartTable).selected_lines()[0]
        assert line.wait_list_ok and line.would == "waitlisted"
        results = await enrol_ticked(pilot)
    position = before.waitlisted + 1
    assert f"Success: This class has been added to your wait list (position {position})." in results
    assert status_of(demo_usis, number) == ("waitlisted", position)


async def test_full_class_without_wait_list_is_refused(app, demo_usis, demo_summary):
    number = demo_summary.highlights["minor_wait_list"]
    async with app.run_test(size=SIZE) as pilot:
        await open_enrol(pilot)
        await add_by_number(pilot, number)
        results = await enrol_ticked(pilot)
    assert f"Not Enrolled, Class {number} Full." in results
    assert "Wait list if class is full" in results  # the hint says what to do
    assert status_of(demo_usis, number) is None
    assert cart_numbers(demo_usis) == [number]  # a refused class stays in the cart


async def test_clashing_class_is_flagged_then_refused(app, demo_usis, demo_summary):
    number = demo_summary.highlights["clash"]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        await add_by_number(pilot, number)
        table = await focus_cart(pilot)
        assert "Time clash" in str(table.get_row(str(table.current.item_id))[-1])
        check = plain(screen.query_one("#cart-check"))
        assert re.search(
            rf"Time Scheduling Conflict for class {number} and \d{{4}}, not enrolled\.", check
        ), check
        results = await enrol_ticked(pilot)
    assert "✗" in results
    assert re.search(rf"Time Scheduling Conflict for class {number} and \d{{4}}, not enrolled\.",
                     results), results
    assert status_of(demo_usis, number) is None


async def test_closed_period_message(app, demo_usis, demo_summary):
    number = demo_summary.highlights["period_closed"]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        await enter_class(pilot, number)
        assert "Enrolment for this class has closed." in plain(screen.query_one("#prefs-note"))
        await pilot.press("n")
        await settle_until_idle(pilot)
        results = await enrol_ticked(pilot)
    assert (f"You cannot enroll at this time. Enrolment for class {number} closed on"
            in results)
    assert status_of(demo_usis, number) is None


async def test_not_yet_open_message(app, demo_usis, demo_summary):
    number = demo_summary.highlights["not_yet_open"]
    async with app.run_test(size=SIZE) as pilot:
        await open_enrol(pilot)
        await add_by_number(pilot, number)
        results = await enrol_ticked(pilot)
    assert ("You cannot enroll at this time. Your enrollment appointment is in the future or "
            "open enrollment has not yet begun.") in results


async def test_class_number_must_have_four_digits(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        field = screen.query_one("#class-number", Input)
        field.focus()
        await pilot.press("1", "2", "x", "3", "enter")  # the letter is not accepted
        await settle_until_idle(pilot)
        assert field.value == "123"
        error = screen.query_one("#class-number-error")
        assert error.display and "A class number has exactly 4 digits, e.g. 1052." in plain(error)
        assert screen.add_pane.view == "entry"
        await pilot.press("4")  # a fourth digit clears the message
        await settle_until_idle(pilot)
        assert not error.display


async def test_unknown_class_number_suggests_search(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        await enter_class(pilot, "9999")
        assert screen.add_pane.view == "entry"
        shown = plain(screen.query_one("#entry-problems"))
        assert "Class 9999 does not exist in Studiejaar 2026-2027." in shown
        assert "Enrol by searching the course" in shown


async def test_already_enrolled_and_already_in_cart(app, demo_usis, demo_summary):
    enrolled = demo_summary.highlights["enrolled"]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        await add_by_number(pilot, enrolled)
        assert screen.add_pane.view == "prefs"
        assert "Already Enrolled in Class, Add Not Processed." in plain(
            screen.query_one("#prefs-problems"))
        await pilot.press("escape")
        await settle_until_idle(pilot)
        assert screen.add_pane.view == "entry"
        await add_by_number(pilot, "1052")
        await add_by_number(pilot, "1052")
        assert "Class 1052 is already in your Shopping cart." in plain(
            screen.query_one("#prefs-problems"))
    assert cart_numbers(demo_usis) == ["1052"]


async def test_prefilled_class_number(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot, class_number="1052")
        assert screen.query_one("#class-number", Input).value == "1052"
        await pilot.press("enter")
        await settle_until_idle(pilot)
        assert screen.add_pane.view == "prefs"
        detail = plain(screen.query_one("#prefs-detail"))
        assert "Data Science and Artificial Intelligence" in detail


# ---------------------------------------------------------------------- option 2
async def open_search(pilot) -> None:
    await pilot.click("#search-continue")
    await settle_until_idle(pilot)
    assert pilot.app.screen.add_pane.view == "search"


async def test_option2_search_catalogue_number_to_cart_and_enrol(app, demo_usis):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        await open_search(pilot)
        assert screen.query_one("#search-open").value is True  # ticked by default
        await pilot.press(*"4000MDSAIN", "enter")
        await settle_until_idle(pilot)
        results = screen.query_one("#search-results")
        assert results.display and results.row_count >= 1
        assert "class section" in plain(screen.query_one("#search-summary"))
        assert pilot.app.focused is results
        row = results.get_row_at(0)
        assert row[0] == "4000MDSAIN" and row[2] == "1052"
        await pilot.press("enter")  # select the row: class detail
        await settle_until_idle(pilot)
        assert screen.add_pane.view == "prefs"
        assert str(screen.query_one("#prefs-next").label) == "To shopping cart"
        await pilot.press("t")
        await settle_until_idle(pilot)
        assert cart_numbers(demo_usis) == ["1052"]
        results_text = await enrol_ticked(pilot)
    assert "Success: This class has been added to your schedule." in results_text
    assert status_of(demo_usis, "1052") == ("enrolled", None)


async def test_empty_search_shows_service_message(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        await open_search(pilot)
        await pilot.press("enter")
        await settle_until_idle(pilot)
        assert "Enter at least one search criterion." in plain(screen.query_one("#search-problems"))
        assert not screen.query_one("#search-results").display


async def test_search_bad_time_is_explained(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        await open_search(pilot)
        screen.query_one("#search-start", Input).value = "25:00"
        screen.query_one("#search-catalogue", Input).focus()
        await pilot.press("4", "0", "3", "1", "enter")
        await settle_until_idle(pilot)
        assert "Meeting start time: '25:00' is not a time." in plain(
            screen.query_one("#search-problems"))


async def test_search_paging(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        await open_search(pilot)
        screen.query_one("#search-open").value = False
        await pilot.press(*"4031", "enter")
        await settle_until_idle(pilot)
        search = screen.query_one("#add-search")
        assert search.pages > 1
        first = screen.query_one("#search-results").get_row_at(0)
        await pilot.press("n")  # Next page (focus is on the results)
        await settle_until_idle(pilot)
        assert search.page == 2
        assert screen.query_one("#search-results").get_row_at(0) != first
        assert "page 2 of" in plain(screen.query_one("#search-summary"))


# ---------------------------------------------------------------------- cart
async def test_validate_shows_what_would_happen_without_enrolling(app, demo_usis, demo_summary):
    clash = demo_summary.highlights["clash"]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        await add_by_number(pilot, "1052")
        await add_by_number(pilot, clash)
        await focus_cart(pilot)
        await pilot.press("v")
        await settle_until_idle(pilot)
        shown = plain(screen.query_one("#cart-validate-results"))
    assert "Validate: this class can be added to your schedule." in shown
    assert f"Time Scheduling Conflict for class {clash} and" in shown
    assert status_of(demo_usis, "1052") is None  # nothing enrolled
    assert sorted(cart_numbers(demo_usis)) == sorted(["1052", clash])


async def test_enrol_with_nothing_ticked_says_so(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        await add_by_number(pilot, "1052")
        table = await focus_cart(pilot)
        await pilot.press("space")  # untick
        assert table.selected == set()
        await pilot.press("e")
        await settle_until_idle(pilot)
        assert screen.add_pane.view == "entry"
        assert "Select at least one class to enrol." in plain(screen.query_one("#cart-problems"))


async def test_delete_removes_from_cart(app, demo_usis):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        await add_by_number(pilot, "1052")
        assert cart_numbers(demo_usis) == ["1052"]
        await focus_cart(pilot)
        await pilot.press("d")
        await settle_until_idle(pilot)
        assert "deleted from your Shopping cart" in plain(screen.query_one("#cart-check"))
        assert screen.query_one("#cart-empty").display
    assert cart_numbers(demo_usis) == []


async def test_wizard_previous_and_cancel_keep_cart(app, demo_usis):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        await add_by_number(pilot, "1052")
        await focus_cart(pilot)
        await pilot.press("e")
        await settle_until_idle(pilot)
        assert screen.add_pane.view == "step2"
        assert "1052" in plain(screen.query_one("#confirm-table"))
        await pilot.press("escape")  # back to step 1
        await settle_until_idle(pilot)
        assert screen.add_pane.view == "entry"
        await focus_cart(pilot)
        await pilot.press("e")
        await settle_until_idle(pilot)
        await pilot.press("x")  # Cancel
        await settle_until_idle(pilot)
        assert screen.add_pane.view == "entry"
    assert cart_numbers(demo_usis) == ["1052"]
    assert status_of(demo_usis, "1052") is None


async def test_cart_persists_across_restart(demo_db_url, demo_now, demo_usis):
    first = make_app(demo_db_url, now=demo_now)
    async with first.run_test(size=SIZE) as pilot:
        await open_enrol(pilot)
        await add_by_number(pilot, "1052")
    second = make_app(demo_db_url, now=demo_now)
    async with second.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot, tab="cart")
        table = screen.query_one(CartTable)
        assert [line.cls.class_number for line in table.lines.values()] == ["1052"]
        assert pilot.app.focused is table


# ---------------------------------------------------------------------- drop
def fill_class(usis, section_id: int, *, enrolled_until_full: bool, waitlisters: int) -> list[str]:
    """Classmates take the free seats, then join the wait list; returns the waitlisters."""
    from sqlalchemy import select

    from usis_tui.models import Student

    with usis.db.read() as session:
        numbers = list(session.scalars(select(Student.student_number)
                                       .where(Student.student_number.like("s2%"))
                                       .order_by(Student.student_number)))
    waiting: list[str] = []
    for number in numbers:
        info = usis.catalogue.get(section_id)
        if info.enrolled >= info.capacity and len(waiting) >= waitlisters:
            break
        [result] = usis.enrolment.enrol(number, [EnrolRequest(section_id=section_id,
                                                              wait_list_ok=True)],
                                        from_cart=False)
        if result.outcome == "waitlisted":
            waiting.append(number)
    assert len(waiting) == waitlisters
    return waiting


async def test_drop_with_confirmation_promotes_first_waitlisted(app, demo_usis, demo_summary):
    number = demo_summary.highlights["minor_nearly_full"]
    cls = demo_usis.catalogue.lookup(YEAR, number)
    [mine] = demo_usis.enrolment.enrol(STUDENT, [EnrolRequest(section_id=cls.section_id)],
                                       from_cart=False)
    assert mine.outcome == "enrolled"
    [first_waiting, _second] = fill_class(demo_usis, cls.section_id, enrolled_until_full=True,
                                          waitlisters=2)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot, tab="drop")
        table = screen.query_one("#drop-table")
        assert pilot.app.focused is table
        key = next(k for k, line in table.lines.items() if line.cls.class_number == number)
        table.move_cursor(row=table.get_row_index(key))
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmDropScreen),
                         what="the drop confirmation")
        question = plain(pilot.app.screen.query_one("#confirm-drop-question"))
        assert f"Are you sure you want to drop class {number}" in question
        pilot.app.screen.query_one("#drop-reason").value = "Workload too high this semester"
        await pilot.press("y")
        await settle_until_idle(pilot)
        assert isinstance(pilot.app.screen, EnrolScreen)
        shown = plain(screen.query_one("#drop-result"))
        assert f"Success: Class {number} has been dropped from your schedule." in shown
        assert "1 student from the wait list" in shown
        assert "Reason recorded: Workload too high this semester" in shown
        assert all(line.cls.class_number != number for line in table.lines.values())
    assert status_of(demo_usis, number) is None
    theirs = {line.cls.class_number: line.status
              for line in demo_usis.enrolment.schedule(first_waiting, YEAR)}
    assert theirs[number] == "enrolled"


async def test_drop_escape_means_no(app, demo_usis, demo_summary):
    number = demo_summary.highlights["enrolled"]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot, tab="drop")
        table = screen.query_one("#drop-table")
        key = next(k for k, line in table.lines.items() if line.cls.class_number == number)
        table.move_cursor(row=table.get_row_index(key))
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmDropScreen),
                         what="the drop confirmation")
        await pilot.press("escape")
        await settle_until_idle(pilot)
        assert isinstance(pilot.app.screen, EnrolScreen)
        assert plain(screen.query_one("#drop-result")) == ""
    assert status_of(demo_usis, number) == ("enrolled", None)


# ---------------------------------------------------------------------- swap
async def choose_swap_from(pilot, number: str) -> None:
    screen = pilot.app.screen
    select = screen.query_one("#swap-from")
    value = next(sid for sid, line in screen.query_one("#swap-pane").lines.items()
                 if line.cls.class_number == number)
    select.value = value
    await settle_until_idle(pilot)


async def test_swap_success(app, demo_usis):
    old, new = "2038", "2039"  # Operating Systems tutorial 1 → tutorial 2
    assert status_of(demo_usis, old) == ("enrolled", None)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot, tab="swap")
        await choose_swap_from(pilot, old)
        screen.query_one("#swap-number", Input).focus()
        await pilot.press(*new, "enter")
        await settle_until_idle(pilot)
        assert screen.query_one("#swap-confirm").display
        assert f"for class {new}" in plain(screen.query_one("#swap-question"))
        await pilot.press("f")  # Finish swapping
        await settle_until_idle(pilot)
        shown = plain(screen.query_one("#swap-result"))
    assert f"Success: Class {old} has been swapped for class {new}." in shown
    assert status_of(demo_usis, old) is None
    assert status_of(demo_usis, new) == ("enrolled", None)


async def test_swap_failure_keeps_old_class(app, demo_usis, demo_summary):
    old, new = "2054", demo_summary.highlights["clash"]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot, tab="swap")
        await choose_swap_from(pilot, old)
        screen.query_one("#swap-number", Input).focus()
        await pilot.press(*new, "enter")
        await settle_until_idle(pilot)
        await pilot.press("f")
        await settle_until_idle(pilot)
        result = plain(screen.query_one("#swap-result"))
        problems = plain(screen.query_one("#swap-problems"))
    assert f"Swap not processed: you stay enrolled in class {old}." in result
    assert f"Time Scheduling Conflict for class {new} and" in problems
    assert status_of(demo_usis, old) == ("enrolled", None)
    assert status_of(demo_usis, new) is None


async def test_swap_via_search_dialog(app, demo_usis):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot, tab="swap")
        await choose_swap_from(pilot, "2038")
        screen.query_one("#swap-search").focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: pilot.app.screen.id == "class-search-dialog",
                         what="the search dialog")
        await pilot.press(*"4031OSYSY", "enter")
        await wait_until(pilot, lambda: pilot.app.screen.query_one("#search-results").row_count > 0,
                         what="search results")
        table = pilot.app.screen.query_one("#search-results")
        row = next(i for i in range(table.row_count) if table.get_row_at(i)[2] == "2039")
        table.move_cursor(row=row)
        await pilot.press("enter")
        await settle_until_idle(pilot)
        assert isinstance(pilot.app.screen, EnrolScreen)
        assert screen.query_one("#swap-number", Input).value == "2039"
        assert screen.query_one("#swap-confirm").display


# ---------------------------------------------------------------------- schedule
async def test_my_class_schedule_lists_enrolled_and_waiting(app, demo_usis, demo_summary):
    waiting = demo_summary.highlights["minor_wait_list"]
    cls = demo_usis.catalogue.lookup(YEAR, waiting)
    demo_usis.enrolment.enrol(STUDENT, [EnrolRequest(section_id=cls.section_id,
                                                     wait_list_ok=True)], from_cart=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot, tab="schedule")
        table = screen.query_one("#schedule-table")
        rows = {table.get_row_at(i)[1]: table.get_row_at(i) for i in range(table.row_count)}
        enrolled = demo_summary.highlights["enrolled"]
        assert "Enrolled" in str(rows[enrolled][0])
        assert f"Waiting ({cls.waitlisted + 1})" in str(rows[waiting][0])
        assert "Brightspace: https://brightspace.universiteitleiden.nl/" in plain(
            screen.query_one("#schedule-detail"))
        assert "EC" in plain(screen.query_one("#schedule-summary"))


async def test_enrolment_shows_up_in_schedule_and_drop_tabs(app, demo_usis):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        await add_by_number(pilot, "1052")
        await enrol_ticked(pilot)
        await pilot.press("m")  # My Class Schedule
        await settle_until_idle(pilot)
        assert screen.query_one("#enrol-tabs").active == "schedule"
        numbers = [line.cls.class_number
                   for line in screen.query_one("#schedule-table").lines.values()]
        assert "1052" in numbers
        await pilot.click("#--content-tab-drop")  # the Drop tab (mounted when first shown)
        await settle_until_idle(pilot)
        assert screen.query_one("#enrol-tabs").active == "drop"
        assert "1052" in [line.cls.class_number
                          for line in screen.query_one("#drop-table").lines.values()]


# ---------------------------------------------------------------------- robustness
async def test_unexpected_error_is_one_message_not_a_crash(app, monkeypatch):
    """An unexpected failure is one sentence with a reference, where the step shows its
    problems; its text (which may hold SQL or a URL) goes to the log, not to the student."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)

        def broken(*args, **kwargs):
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(pilot.app.usis.catalogue, "lookup", broken)
        await enter_class(pilot, "1052")
        assert pilot.app.is_running and pilot.app.screen is screen
        shown = plain(screen.query_one("#entry-problems"))
        assert "Something went wrong in uSis" in shown and "Reference" in shown
        assert "disk on fire" not in shown and "RuntimeError" not in shown


async def test_footer_bindings_follow_the_step(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)

        def shown() -> dict[str, str]:
            return {key: b.binding.description for key, b in screen.active_bindings.items()
                    if b.binding.show}

        assert shown()["enter"] == "Continue"
        await add_by_number(pilot, "1052")
        await focus_cart(pilot)
        assert {"space": "Select", "e": "Enrol", "v": "Validate", "d": "Delete"}.items() <= \
            shown().items()
        await pilot.press("e")
        await settle_until_idle(pilot)
        assert shown()["f"] == "Finish enrolling"
        await pilot.press("f")
        await settle_until_idle(pilot)
        assert shown()["a"] == "Add another class" and shown()["m"] == "My Class Schedule"


async def navigate_as_student(pilot, page: str) -> None:
    """Past start-up, as the demo student (identity only), open ``page`` the way the shell does."""
    await wait_until(pilot, lambda: getattr(pilot.app, "ready", True), what="ready")
    await settle_until_idle(pilot)
    pilot.app.identity = pilot.app.raw_usis.student.profile(STUDENT)
    await pilot.app.navigate(page)
    await settle_until_idle(pilot)


async def test_opened_by_the_app_navigation(app):
    """The app shell opens the page by name ("Shopping cart") with the cart focused."""
    async with app.run_test(size=SIZE) as pilot:
        await navigate_as_student(pilot, "Shopping cart")
        screen = pilot.app.screen
        assert isinstance(screen, EnrolScreen)
        assert screen.query_one("#enrol-tabs").active == "add"
        assert "Main Menu › Self Service › Student Center › Enrol" in str(
            screen.query_one("#breadcrumb").content)


async def test_class_search_opens_the_search_form(app):
    """"Class Search" (Student Center link, palette) opens the Add tab's search form with the
    catalogue number focused, as uSis's Class Search page does; Escape goes back to the Add
    tab's start, and again to the Student Center."""
    async with app.run_test(size=SIZE) as pilot:
        await navigate_as_student(pilot, "Class Search")
        screen = pilot.app.screen
        assert isinstance(screen, EnrolScreen)
        assert screen.add_pane.view == "search"
        assert pilot.app.focused is screen.query_one("#search-catalogue")
        await pilot.press("escape")
        await settle_until_idle(pilot)
        assert screen.add_pane.view == "entry"
        await pilot.press("escape")
        await settle_until_idle(pilot)
        assert pilot.app.screen.usis_page == "Student Center"


async def test_no_search_results_is_said_in_sight_at_80x24(app):
    """The answer to a search without results is under the form: at 80x24 the page scrolls to
    it (and it wraps), so pressing Enter never seems to do nothing."""
    async with app.run_test(size=(80, 24)) as pilot:
        await navigate_as_student(pilot, "Class Search")
        await pilot.press(*"zzzz", "enter")
        await settle_until_idle(pilot)
        await pilot.pause()
        summary = pilot.app.screen.query_one("#search-summary")
        assert "no classes match" in str(summary.render())
        visible = pilot.app.screen.region
        assert summary.region.height >= 2  # wrapped, not cut off at the edge
        assert visible.contains_region(summary.region)


async def test_timetable_is_one_key_away_even_while_typing(app):
    """Issue 4: the Timetable is reachable from Enrol (ctrl+t works in the class number field)."""
    from usis_tui.screens.timetable import TimetableScreen

    async with app.run_test(size=SIZE) as pilot:
        await navigate_as_student(pilot, "Enrol")
        field = pilot.app.screen.query_one("#class-number", Input)
        field.focus()
        await pilot.press("1", "0", "ctrl+t")
        await settle_until_idle(pilot)
        assert isinstance(pilot.app.screen, TimetableScreen)
        assert "Timetable" in str(pilot.app.screen.query_one("#breadcrumb").content)
