"""The loose ends of issue 15 through the app (Pilot, 120x40, the demo database): the To Do List
and the Shopping cart agree, a minor's EC counted once, Edit in the cart and on My Class
Schedule, the Swap page's wait list box, the class number key, Select all / Select none, All or
nothing for one Enrol, provisional exam enrolments."""

from __future__ import annotations

import pytest
from enrol_helpers import SIZE, STUDENT, open_enrol, plain, settle_until_idle
from helpers import make_app

YEAR = "2026-2027"


@pytest.fixture
def app(demo_db_url, demo_now):
    return make_app(demo_db_url, now=demo_now)


def enrol_now(usis, *numbers: str) -> None:
    for number in numbers:
        usis.cart.add(STUDENT, YEAR, number)
    items = [line.item_id for line in usis.cart.list(STUDENT, YEAR)
             if line.cls.class_number in numbers]
    results = usis.cart.enrol(STUDENT, items)
    assert all(r.outcome == "enrolled" for r in results), [r.message for r in results]


# ---------------------------------------------------------------- 1: To Do List = cart
async def test_todo_list_and_cart_agree_on_what_is_ready_to_enrol(app, demo_usis, demo_summary):
    from shell_helpers import text_of

    from usis_tui.screens.student_center import StudentCenterScreen

    clash = demo_summary.highlights["clash"]
    demo_usis.cart.add(STUDENT, YEAR, clash)
    [line] = demo_usis.cart.list(STUDENT, YEAR)
    assert not line.ready and [p.code for p in line.problems] == ["time_conflict"]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        check = plain(screen.query_one("#cart-check"))
        assert "Time Scheduling Conflict" in check
        assert "0 can be enrolled now" in plain(screen.query_one("#cart-plan"))
        await pilot.app.navigate("Student Center")
        await settle_until_idle(pilot)
        center = pilot.app.screen
        assert isinstance(center, StudentCenterScreen)
        todo = text_of(center.query_one("#todo")).replace("\n", " ")
    assert "ready to enrol" not in todo, todo
    assert (f"Shopping cart: 1 class cannot be enrolled as it is ({clash}); its Enrol check "
            "says why.") in todo


# ---------------------------------------------------------------- 2: a minor's EC once
async def test_my_class_schedule_counts_a_minor_with_its_parts_once(app, demo_usis):
    enrol_now(demo_usis, "1058", "1059", "1060")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot, tab="schedule")
        summary = plain(screen.query_one("#schedule-summary"))
    assert "7 courses, 66 EC" in summary, summary  # not "9 courses, 96 EC"


# ---------------------------------------------------------------- 8: provisional exams
async def test_provisional_exam_enrolments_show_as_provisional_with_their_date(app):
    from textual.widgets import DataTable
    from timetable_helpers import open_timetable

    from usis_tui.widgets.class_table import ScheduleTable

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot, tab="schedule")
        table = screen.query_one("#schedule-table", ScheduleTable)
        statuses = {line.cls.class_number: str(table.get_row(str(line.enrolment_id))[0])
                    for line in table.lines.values()}
        assert statuses["2056"] == statuses["2035"] == "▲ Provisional"
        assert {s for n, s in statuses.items() if n not in ("2056", "2035")} == {"✓ Enrolled"}
        table.focus()
        table.move_cursor(row=table.get_row_index(
            next(k for k, line in table.lines.items() if line.cls.class_number == "2056")))
        await pilot.pause()
        detail = plain(screen.query_one("#schedule-detail"))
        assert ("Provisional: confirm your enrolment by 8 Jan 2027 23:59 (Student Center › "
                "To Do List, x), or it is removed.") in detail
        await pilot.app.pop_screen()
        timetable = await open_timetable(pilot)
        await pilot.press("x")
        await settle_until_idle(pilot)
        exams = timetable.query_one("#tt-exam-table", DataTable)
        rows = {str(exams.get_row_at(i)[3]): exams.get_row_at(i) for i in range(exams.row_count)}
    assert str(rows["2056"][5]) == "Provisional"
    assert str(rows["2056"][6]) == "Fri 8 Jan · 46 days left"


# ---------------------------------------------------------------- 5, 6, 7: keys that say it
def footer_keys(app) -> dict[str, str]:
    """Key → description of what the Footer shows now."""
    return {binding.key: binding.description
            for _node, binding, enabled, _tooltip in app.screen.active_bindings.values()
            if binding.show and enabled}


async def test_n_goes_to_the_class_number_and_the_note_says_so(app, demo_summary):
    from textual.widgets import Input

    from usis_tui.widgets.cart import CartTable

    number = demo_summary.highlights["minor_open"]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        await pilot.press(*number, "enter")
        await settle_until_idle(pilot)
        await pilot.press("n")  # Next: to the Shopping cart
        await settle_until_idle(pilot)
        assert isinstance(pilot.app.focused, CartTable)
        note = plain(screen.query_one("#entry-note"))
        assert "or add another class (n: the class number)." in note, note
        assert footer_keys(pilot.app).get("n") == "Class number"
        await pilot.press("n")
        field = screen.query_one("#class-number", Input)
        assert pilot.app.focused is field
        assert "n" not in footer_keys(pilot.app)  # typing: n is no key here
        await pilot.press(*"2063")
        assert field.value == "2063"


async def test_a_says_select_all_or_select_none(app, demo_usis, demo_summary):
    from usis_tui.widgets.cart import CartTable

    for key in ("minor_open", "resit"):
        demo_usis.cart.add(STUDENT, YEAR, demo_summary.highlights[key])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot, tab="cart")
        table = screen.query_one(CartTable)
        assert pilot.app.focused is table and not table.selected
        assert footer_keys(pilot.app)["a"] == "Select all"
        await pilot.press("a")
        assert len(table.selected) == 2
        assert footer_keys(pilot.app)["a"] == "Select none"
        await pilot.press("a")
        assert not table.selected
        await pilot.press("space")  # one ticked: a ticks the other one too
        assert footer_keys(pilot.app)["a"] == "Select all"
        await pilot.press("a")
        assert len(table.selected) == 2


async def test_all_or_nothing_is_for_one_enrol(app, demo_usis, demo_summary):
    from textual.widgets import Checkbox

    from usis_tui.widgets.cart import CartTable

    demo_usis.cart.add(STUDENT, YEAR, demo_summary.highlights["minor_open"])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot, tab="cart")
        pane = screen.add_pane
        await pilot.press("a", "e")  # Select all, Enrol: step 2
        await settle_until_idle(pilot)
        box = screen.query_one("#confirm-all-or-nothing", Checkbox)
        await pilot.press("o")
        assert pane.view == "step2" and box.value
        await pilot.press("f")
        await settle_until_idle(pilot)
        assert pane.view == "step3"
        assert "all or nothing: every class was processed" in plain(
            screen.query_one("#results-summary"))
        demo_usis.cart.add(STUDENT, YEAR, demo_summary.highlights["resit"])
        await pilot.press("a")  # Add another class
        await screen.load_cart()
        screen.query_one(CartTable).focus()
        await pilot.press("a", "e")
        await settle_until_idle(pilot)
        assert pane.view == "step2"
        assert not box.value  # unticked: a choice for one Enrol


# ---------------------------------------------------------------- 3: Edit
async def open_dialog(pilot, kind):
    """The Edit dialog, once shown (its page's worker waits for it meanwhile)."""
    from enrol_helpers import wait_until

    await wait_until(pilot, lambda: isinstance(pilot.app.screen, kind), what="the dialog")
    await pilot.pause()
    return pilot.app.screen


async def dialog_idle(pilot, dialog) -> None:
    """The dialog's own service call is done."""
    from enrol_helpers import wait_until
    from textual.worker import WorkerState

    await wait_until(pilot, lambda: not any(
        w.node is dialog and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
        for w in pilot.app.workers), what="the dialog's service call")
    await pilot.pause()


async def test_edit_corrects_a_wrong_permission_number_in_the_cart(app, demo_usis, demo_summary):
    from textual.widgets import Checkbox, Input

    from usis_tui.screens.enrol_edit import EditClassScreen
    from usis_tui.widgets.cart import CartTable

    number, permission = demo_summary.highlights["permission"].split(":")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        await pilot.press(*number, "enter")
        await settle_until_idle(pilot)
        screen.query_one("#prefs-permission", Input).focus()
        await pilot.press(*"PN999", "enter")  # a typing error
        await settle_until_idle(pilot)
        table = screen.query_one(CartTable)
        assert pilot.app.focused is table
        assert f"Permission number PN999 is not valid for class {number}." in plain(
            screen.query_one("#cart-check"))
        # entering the class again does not help, and says what does
        await pilot.press("n")
        await pilot.press(*number, "enter")
        await settle_until_idle(pilot)
        screen.query_one("#prefs-permission", Input).focus()
        await pilot.press(*permission, "enter")
        await settle_until_idle(pilot)
        refused = plain(screen.query_one("#prefs-problems"))
        assert f"Class {number} is already in your Shopping cart." in refused
        assert "select Edit (Enter)" in refused
        await pilot.press("escape")  # back to the class number and the cart
        await settle_until_idle(pilot)
        table.focus()
        await pilot.pause()
        assert footer_keys(pilot.app).get("enter") == "Edit"
        await pilot.press("enter")
        dialog = await open_dialog(pilot, EditClassScreen)
        field = dialog.query_one("#edit-permission", Input)
        assert pilot.app.focused is field and field.value == "PN999"
        assert not dialog.query_one("#edit-waitlist", Checkbox).value
        field.value = ""
        await pilot.press(*permission, "enter")  # Save
        await settle_until_idle(pilot)
        assert pilot.app.screen is screen
        check = plain(screen.query_one("#cart-check"))
    assert f"permission number {permission}" in check
    assert "Enrol would add this class to your schedule." in check
    [line] = demo_usis.cart.list(STUDENT, YEAR)
    assert (line.permission_number, line.ready) == (permission, True)


async def test_edit_a_wait_listed_class_with_a_permission_number(app, demo_usis, demo_summary):
    from textual.widgets import Input

    from usis_tui.models import PermissionNumber
    from usis_tui.screens.enrol_edit import EditClassScreen
    from usis_tui.widgets.class_table import ScheduleTable

    number = demo_summary.highlights["minor_wait_list"]
    demo_usis.cart.add(STUDENT, YEAR, number, wait_list_ok=True)
    [line] = demo_usis.cart.list(STUDENT, YEAR)
    [result] = demo_usis.cart.enrol(STUDENT, [line.item_id])
    assert result.outcome == "waitlisted"
    with demo_usis.db.write() as session:
        session.add(PermissionNumber(section_id=line.cls.section_id, number="LATE1"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot, tab="schedule")
        table = screen.query_one("#schedule-table", ScheduleTable)
        keys = {line.cls.class_number: key for key, line in table.lines.items()}
        table.move_cursor(row=table.get_row_index(keys["2056"]))
        await pilot.pause()
        assert "enter" not in footer_keys(pilot.app)  # an enrolled class: nothing to edit
        table.move_cursor(row=table.get_row_index(keys[number]))
        await pilot.pause()
        assert footer_keys(pilot.app).get("enter") == "Edit"
        assert "Edit (Enter)" in plain(screen.query_one("#schedule-detail"))
        await pilot.press("enter")
        dialog = await open_dialog(pilot, EditClassScreen)
        assert not dialog.query("#edit-waitlist")  # a wait-listed class: the number only
        await pilot.press(*"WRONG1", "enter")
        await dialog_idle(pilot, dialog)
        assert pilot.app.screen is dialog  # refused: stays open to correct it
        assert f"Permission number WRONG1 is not valid for class {number}." in plain(
            dialog.query_one("#edit-problems"))
        dialog.query_one("#edit-permission", Input).value = ""
        await pilot.press(*"LATE1", "enter")
        await dialog_idle(pilot, dialog)
        await settle_until_idle(pilot)
        assert pilot.app.screen is screen
        done = plain(screen.query_one("#schedule-result"))
    assert f"Class {number}: Success: This class has been added to your schedule." in done
    status = {line.cls.class_number: line.status
              for line in demo_usis.enrolment.schedule(STUDENT, YEAR)}
    assert status[number] == "enrolled"


# ---------------------------------------------------------------- 4: Swap's wait list box
async def choose_swap_from(pilot, number: str) -> None:
    screen = pilot.app.screen
    select = screen.query_one("#swap-from")
    select.value = next(sid for sid, line in screen.query_one("#swap-pane").lines.items()
                        if line.cls.class_number == number)
    await settle_until_idle(pilot)


async def test_swap_has_the_wait_list_box_its_refusal_names(app, demo_usis, demo_summary):
    from textual.widgets import Checkbox, Input

    old, full = "2054", demo_summary.highlights["wait_list"]  # AI tutorial 1 → 2 (full)
    before = demo_usis.catalogue.lookup(YEAR, full)
    assert before.enrolled >= before.capacity and before.waitlisted < before.waitlist_capacity
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot, tab="swap")
        await choose_swap_from(pilot, old)
        screen.query_one("#swap-number", Input).focus()
        await pilot.press(*full, "enter")
        await settle_until_idle(pilot)
        box = screen.query_one("#swap-waitlist", Checkbox)
        assert box.display and not box.value and not box.disabled
        await pilot.press("f")
        await settle_until_idle(pilot)
        problems = plain(screen.query_one("#swap-problems"))
        assert f"Not Enrolled, Class {full} Full." in problems
        assert 'Tick "Wait list if class is full"' in problems  # ... a box this page has
        number = screen.query_one("#swap-number", Input)
        number.value = ""
        number.focus()
        await pilot.press(*full, "enter")
        await settle_until_idle(pilot)
        assert footer_keys(pilot.app).get("w") == "Wait list if full"
        await pilot.press("w", "f")
        await settle_until_idle(pilot)
        result = plain(screen.query_one("#swap-result"))
    position = before.waitlisted + 1
    assert (f"Class {full} has been added to your wait list (position {position}). You stay "
            f"enrolled in class {old} until you get a seat in class {full}; then class {old} "
            "is dropped.") in result
    status = {line.cls.class_number: (line.status, line.swap_from)
              for line in demo_usis.enrolment.schedule(STUDENT, YEAR)}
    assert status[old] == ("enrolled", None)
    assert status[full] == ("waitlisted", old)
