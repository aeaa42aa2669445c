"""Snapshots of the Enrol page at 120x40 on a copy of the demo database, clock at DEMO_NOW.

Each ``run_before`` drives the page like a student (keys), waits for the service calls, and stops
the cursor blinking, so that the SVG is the same on every run.
"""

from __future__ import annotations

import pytest
from app.enrol_helpers import no_blink, open_enrol, settle_until_idle, wait_until
from helpers import make_app
from textual.widgets import Input

from usis_tui.screens.enrol_manage import ConfirmDropScreen

SIZE = (120, 40)


@pytest.fixture
def app(demo_db_url, demo_now):
    return make_app(demo_db_url, now=demo_now)


async def finish(pilot) -> None:
    await settle_until_idle(pilot)
    no_blink(pilot.app)
    await pilot.pause()


async def enter_class(pilot, number: str) -> None:
    field = pilot.app.screen.query_one("#class-number", Input)
    field.focus()
    await pilot.press(*number, "enter")
    await settle_until_idle(pilot)


async def add(pilot, number: str, *, wait_list: bool = False) -> None:
    await enter_class(pilot, number)
    if wait_list:
        await pilot.press("w")
    await pilot.press("n")
    await settle_until_idle(pilot)


async def to_cart(pilot) -> None:
    for _ in range(8):
        if pilot.app.focused is pilot.app.screen.query_one("#cart-table"):
            return
        await pilot.press("tab")
    raise AssertionError("cannot reach the Shopping cart")


def test_add_tab(app, snap_compare):
    async def run_before(pilot):
        await open_enrol(pilot)
        await finish(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_preferences_step(app, snap_compare):
    async def run_before(pilot):
        await open_enrol(pilot)
        await enter_class(pilot, "1052")
        await finish(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_four_digit_inline_error(app, snap_compare):
    async def run_before(pilot):
        await open_enrol(pilot)
        await enter_class(pilot, "105")
        await finish(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_unknown_class_message(app, snap_compare):
    async def run_before(pilot):
        await open_enrol(pilot)
        await enter_class(pilot, "9999")
        await finish(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_search_form(app, snap_compare):
    async def run_before(pilot):
        await open_enrol(pilot)
        await pilot.click("#search-continue")
        await finish(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_search_results(app, snap_compare):
    async def run_before(pilot):
        await open_enrol(pilot)
        await pilot.click("#search-continue")
        await settle_until_idle(pilot)
        pilot.app.screen.query_one("#search-open").value = False
        await pilot.press(*"4031OSYSY", "enter")
        await finish(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_cart_with_clash_flagged(app, snap_compare, demo_summary):
    clash = demo_summary.highlights["clash"]

    async def run_before(pilot):
        await open_enrol(pilot)
        await add(pilot, "1052")
        await add(pilot, clash)
        await to_cart(pilot)
        await finish(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_cart_with_clash_flagged_80x24(app, snap_compare, demo_summary):
    """At 80x24 the cart still shows each class's Status and Enrol check."""
    clash = demo_summary.highlights["clash"]

    async def run_before(pilot):
        await open_enrol(pilot)
        await add(pilot, "1052")
        await add(pilot, clash)
        await to_cart(pilot)
        await finish(pilot)
        # the page scrolled to the cart while it loaded: end at its bottom, whatever the timing
        for page in pilot.app.screen.query("VerticalScroll"):
            page.scroll_end(animate=False, immediate=True)
        await finish(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))


def test_wizard_step2_confirm(app, snap_compare, demo_summary):
    async def run_before(pilot):
        await open_enrol(pilot)
        await add(pilot, "1052")
        await add(pilot, demo_summary.highlights["clash"])
        await to_cart(pilot)
        await pilot.press("e")
        await finish(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_wizard_step3_results(app, snap_compare, demo_summary):
    async def run_before(pilot):
        await open_enrol(pilot)
        await add(pilot, "1052")
        await add(pilot, demo_summary.highlights["clash"])
        await add(pilot, demo_summary.highlights["period_closed"])
        await to_cart(pilot)
        await pilot.press("e")
        await settle_until_idle(pilot)
        await pilot.press("f")
        await finish(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_drop_confirmation(app, snap_compare, demo_summary):
    number = demo_summary.highlights["enrolled"]

    async def run_before(pilot):
        screen = await open_enrol(pilot, tab="drop")
        table = screen.query_one("#drop-table")
        key = next(k for k, line in table.lines.items() if line.cls.class_number == number)
        table.move_cursor(row=table.get_row_index(key))
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmDropScreen))
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_swap_confirm(app, snap_compare):
    async def run_before(pilot):
        screen = await open_enrol(pilot, tab="swap")
        pane = screen.query_one("#swap-pane")
        screen.query_one("#swap-from").value = next(
            sid for sid, line in pane.lines.items() if line.cls.class_number == "2038")
        await settle_until_idle(pilot)
        screen.query_one("#swap-number", Input).focus()
        await pilot.press(*"2039", "enter")
        await finish(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_swap_refused(app, snap_compare, demo_summary):
    async def run_before(pilot):
        screen = await open_enrol(pilot, tab="swap")
        pane = screen.query_one("#swap-pane")
        screen.query_one("#swap-from").value = next(
            sid for sid, line in pane.lines.items() if line.cls.class_number == "2054")
        await settle_until_idle(pilot)
        screen.query_one("#swap-number", Input).focus()
        await pilot.press(*demo_summary.highlights["clash"], "enter")
        await settle_until_idle(pilot)
        await pilot.press("f")
        await finish(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_my_class_schedule(app, snap_compare):
    async def run_before(pilot):
        await open_enrol(pilot, tab="schedule")
        await finish(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)
