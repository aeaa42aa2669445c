"""Plan ahead, Enrol all, all or nothing, the other classes of a full course, wait list positions
and the reason for a drop, driven by keyboard (Pilot, 120x40) on a copy of the demo database.

Demo classes used (clock 2026-11-23 09:30, student s1234567): 2093 opens 2 Dec 2026 09:00;
2060 (Computer Networks tutorial) is full with 4 waiting, its other tutorial 2059 clashes with
her Tuesday lecture, the groups added later (1901, 1902) have seats; 2479 (Astronomical
Observing Techniques tutorial) is full, its other tutorial 2480 has seats.
"""

from __future__ import annotations

import pytest
from enrol_helpers import SIZE, STUDENT, open_enrol, plain, settle_until_idle, wait_until
from factories import unchanged
from helpers import make_app
from sqlalchemy import select
from textual.widgets import Input, Select

from usis_tui.models import Enrolment
from usis_tui.screens.enrol import EnrolScreen
from usis_tui.screens.enrol_manage import OTHER_REASON, ConfirmDropScreen
from usis_tui.widgets.cart import CartTable
from usis_tui.widgets.class_table import AlternativesTable

YEAR = "2026-2027"
PLANNED = "2093"  # enrolment opens 2 Dec 2026 09:00


async def add(pilot, number: str, *, wait_list: bool = False) -> None:
    field = pilot.app.screen.query_one("#class-number", Input)
    field.focus()
    field.value = ""
    await pilot.press(*number, "enter")
    await settle_until_idle(pilot)
    assert pilot.app.screen.add_pane.view == "prefs", f"no preferences step for {number}"
    if wait_list:
        await pilot.press("w")
    await pilot.press("n")
    await settle_until_idle(pilot)


async def cart_focused(pilot) -> CartTable:
    table = pilot.app.screen.query_one(CartTable)
    table.focus()
    await settle_until_idle(pilot)
    return table


def flag(table: CartTable, number: str) -> str:
    key = next(k for k, line in table.lines.items() if line.cls.class_number == number)
    return str(table.get_row(key)[-1])


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


# ---------------------------------------------------------------------- plan, then Enrol all
async def test_plan_before_opening_then_enrol_all_when_usis_now_passes_it(
        demo_db_url, demo_usis, monkeypatch):
    monkeypatch.setenv("USIS_NOW", "2026-12-02T08:59")
    before = make_app(demo_db_url, now=None)
    async with before.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        field = screen.query_one("#class-number", Input)
        field.focus()
        await pilot.press(*PLANNED, "enter")
        await settle_until_idle(pilot)
        assert "Enrolment opens 2 Dec 2026 09:00" in plain(screen.query_one("#prefs-note"))
        await pilot.press("n")
        await settle_until_idle(pilot)
        await add(pilot, "1052")
        table = await cart_focused(pilot)
        assert flag(table, PLANNED) == "○ Opens 2 Dec 09:00"
        assert flag(table, "1052") == "✓ Can enrol"
        table.move_cursor(row=table.get_row_index(next(
            k for k, line in table.lines.items() if line.cls.class_number == PLANNED)))
        await settle_until_idle(pilot)
        check = plain(screen.query_one("#cart-check"))
        assert "Planned. Enrolment opens 2 Dec 2026 09:00" in check
        assert "Nothing else in the way" in check
        plan = plain(screen.query_one("#cart-plan"))
        assert "2 classes in your cart: 1 can be enrolled now" in plan
        assert "1 planned, enrolment opens 2 Dec 2026 09:00" in plan
    assert sorted(cart_numbers(demo_usis)) == ["1052", PLANNED]

    monkeypatch.setenv("USIS_NOW", "2026-12-02T09:00")  # the opening minute
    after = make_app(demo_db_url, now=None)
    async with after.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot, tab="cart")
        table = screen.query_one(CartTable)
        assert pilot.app.focused is table
        assert flag(table, PLANNED) == "✓ Can enrol"
        await pilot.press("space")  # untick one: Enrol all still takes the whole cart
        await pilot.press("E")
        await settle_until_idle(pilot)
        pane = screen.add_pane
        assert pane.view == "step2"
        assert [line.cls.class_number for line in pane.wizard_lines] == [PLANNED, "1052"]
        await pilot.press("f")
        await settle_until_idle(pilot)
        assert pane.view == "step3"
        assert plain(screen.query_one("#results-summary")) == "2 enrolled"
        results = plain(screen.query_one("#results-list"))
    assert results.count("Success: This class has been added to your schedule.") == 2
    assert status_of(demo_usis, PLANNED) == ("enrolled", None)
    assert status_of(demo_usis, "1052") == ("enrolled", None)
    assert cart_numbers(demo_usis) == []


async def test_enrol_all_on_an_empty_cart_says_so(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        screen.query_one("#cart-enrol-all").focus()
        await pilot.press("E")
        await settle_until_idle(pilot)
        assert screen.add_pane.view == "entry"
        assert "Your Shopping cart is empty." in plain(screen.query_one("#cart-problems"))


async def test_clash_between_two_cart_classes_is_flagged(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        await add(pilot, "2060", wait_list=True)
        await add(pilot, "2479")  # both meet We 13:45-15:30
        table = await cart_focused(pilot)
        assert flag(table, "2060") == "▲ Clash 2479"
        assert table.current.cls.class_number == "2479"  # the class just added
        assert "Clashes with class 2060 in your Shopping cart" in plain(
            screen.query_one("#cart-check"))
        assert "2 clash with each other" in plain(screen.query_one("#cart-plan"))


# ---------------------------------------------------------------------- all or nothing
async def test_all_or_nothing_enrols_none_when_one_class_is_full(app, demo_usis):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        await add(pilot, "1052")
        await add(pilot, "2479")  # full, no wait list
        await cart_focused(pilot)
        with unchanged(demo_usis.db):
            await pilot.press("E")
            await settle_until_idle(pilot)
            box = screen.query_one("#confirm-all-or-nothing")
            assert box.value is False
            await pilot.press("o")
            assert box.value is True
            await pilot.press("f")
            await settle_until_idle(pilot)
        summary = plain(screen.query_one("#results-summary"))
        results = plain(screen.query_one("#results-list"))
    assert ("All or nothing: class 2479 could not be enrolled, so none of the 2 classes was "
            "enrolled.") in summary
    assert "Not Enrolled, Class 2479 Full." in results
    assert "another class in this all-or-nothing enrolment was refused" in results
    assert status_of(demo_usis, "1052") is None
    assert sorted(cart_numbers(demo_usis)) == ["1052", "2479"]


# ---------------------------------------------------------------------- results
async def test_results_give_wait_list_position_and_offer_other_sections(app, demo_usis):
    waiting_before = demo_usis.catalogue.lookup(YEAR, "2060").waitlisted
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        await add(pilot, "1052")
        await add(pilot, "2060", wait_list=True)
        await cart_focused(pilot)
        assert (f"The class is full: Enrol would put you on the wait list at position "
                f"{waiting_before + 1}.") in plain(screen.query_one("#cart-check"))
        await add(pilot, "2479")
        await cart_focused(pilot)
        await pilot.press("E")
        await settle_until_idle(pilot)
        await pilot.press("f")
        await settle_until_idle(pilot)
        position = waiting_before + 1
        results = plain(screen.query_one("#results-list"))
        assert f"Success: This class has been added to your wait list (position {position})." \
            in results
        assert "Not Enrolled, Class 2479 Full." in results
        assert plain(screen.query_one("#results-summary")) == (
            "1 enrolled · 1 on a wait list · 1 not enrolled (still in your Shopping cart)")
        alts = screen.query_one(AlternativesTable)
        await wait_until(pilot, lambda: pilot.app.focused is alts, what="alternatives focus")
        offered = {(a.instead_of, a.cls.class_number): a for a in alts.by_key.values()}
        assert set(offered) == {("2060", "2059"), ("2060", "1901"), ("2060", "1902"),
                                ("2479", "2480")}
        assert offered[("2060", "2059")].would == "failed"  # clashes with her Tuesday lecture
        assert offered[("2060", "1901")].would == offered[("2060", "1902")].would == "enrolled"
        assert offered[("2479", "2480")].would == "enrolled"
        assert "Classes 2060, 2479 are full." in plain(screen.query_one("#results-alt-hint"))
        # t: the clashing one to the cart (to sort out later); e: enrol in the free one.
        alts.move_cursor(row=alts.get_row_index("2060:" + str(
            offered[("2060", "2059")].cls.section_id)))
        await pilot.press("t")
        await settle_until_idle(pilot)
        assert "Class 2059" in plain(screen.query_one("#results-alt-note"))
        alts.move_cursor(row=alts.get_row_index("2479:" + str(
            offered[("2479", "2480")].cls.section_id)))
        await pilot.press("e")
        await settle_until_idle(pilot)
        note = plain(screen.query_one("#results-alt-note"))
        assert "Success: This class has been added to your schedule." in note
        assert "Class 2480 instead of class 2479" in note
        assert "2480" in plain(screen.query_one("#results-list"))
        # The wait list position shows in the cart and in My Class Schedule.
        assert f"class 2060 4031CNETY position {position}" in plain(
            screen.query_one("#cart-plan"))
        await pilot.click("#--content-tab-schedule")  # mounted when first shown
        await settle_until_idle(pilot)
        schedule = screen.query_one("#schedule-table")
        row = next(schedule.get_row_at(i) for i in range(schedule.row_count)
                   if schedule.get_row_at(i)[1] == "2060")
        assert str(row[0]) == f"▲ Waiting ({position})"
        assert f"2060: position {position}" in plain(screen.query_one("#schedule-summary"))
    assert status_of(demo_usis, "2480") == ("enrolled", None)
    assert status_of(demo_usis, "2060") == ("waitlisted", position)
    assert sorted(cart_numbers(demo_usis)) == ["2059", "2479"]


# ---------------------------------------------------------------------- withdraw
async def open_drop(pilot, screen, number: str) -> ConfirmDropScreen:
    table = screen.query_one("#drop-table")
    key = next(k for k, line in table.lines.items() if line.cls.class_number == number)
    table.move_cursor(row=table.get_row_index(key))
    table.focus()
    await pilot.press("d")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmDropScreen),
                     what="the drop confirmation")
    await pilot.pause()
    return pilot.app.screen


def drop_reason(usis, number: str) -> tuple[str, str | None]:
    section_id = usis.catalogue.lookup(YEAR, number).section_id
    with usis.db.read() as session:
        row = session.scalar(select(Enrolment).where(Enrolment.section_id == section_id,
                                                     Enrolment.student.has(student_number=STUDENT)))
        return row.status, row.drop_reason


async def test_withdraw_asks_for_a_reason_and_stores_it(app, demo_usis, demo_summary):
    number = demo_summary.highlights["enrolled"]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot, tab="drop")
        modal = await open_drop(pilot, screen, number)
        assert pilot.app.focused is modal.query_one("#drop-reason")
        await pilot.press("y")  # no reason yet
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmDropScreen)
        assert "Select a reason for dropping this class." in plain(
            modal.query_one("#drop-reason-error"))
        # The reason list by keyboard: open it, go down to the third reason, choose it.
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("down", "down", "down", "enter")
        await pilot.pause()
        assert modal.query_one("#drop-reason", Select).value == "Changed my study plan"
        modal.query_one("#drop-explanation", Input).focus()
        await pilot.press(*"minor abroad", "enter")
        await settle_until_idle(pilot)
        assert isinstance(pilot.app.screen, EnrolScreen)
        shown = plain(screen.query_one("#drop-result"))
    assert f"Success: Class {number} has been dropped from your schedule." in shown
    assert "Reason recorded: Changed my study plan: minor abroad" in shown
    assert drop_reason(demo_usis, number) == ("dropped", "Changed my study plan: minor abroad")


async def test_withdraw_other_needs_an_explanation_and_no_keeps_the_class(app, demo_usis,
                                                                          demo_summary):
    number = demo_summary.highlights["enrolled"]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot, tab="drop")
        modal = await open_drop(pilot, screen, number)
        modal.query_one("#drop-reason", Select).value = OTHER_REASON
        await pilot.pause()
        assert pilot.app.focused is modal.query_one("#drop-explanation")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmDropScreen)
        assert "Explain your reason in a few words." in plain(
            modal.query_one("#drop-reason-error"))
        await pilot.press("escape")  # No
        await settle_until_idle(pilot)
        assert isinstance(pilot.app.screen, EnrolScreen)
        assert plain(screen.query_one("#drop-result")) == ""
    assert drop_reason(demo_usis, number) == ("enrolled", None)
