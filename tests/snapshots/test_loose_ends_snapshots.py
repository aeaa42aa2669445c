"""Snapshots of what the loose ends of issue 15 added, at 80x24 and 120x40 on a copy of the demo
database (clock at DEMO_NOW): the Edit dialog of a Shopping cart class, the Swap page's
"Wait list if class is full", a wait-listed Swap with its Edit key on My Class Schedule."""

from __future__ import annotations

import pytest
from app.enrol_helpers import no_blink, open_enrol, settle_until_idle, wait_until
from helpers import make_app
from textual.widgets import Input

from usis_tui.screens.enrol_edit import EditClassScreen

YEAR = "2026-2027"
STUDENT = "s1234567"
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


@pytest.fixture
def app(demo_db_url, demo_now):
    return make_app(demo_db_url, now=demo_now)


async def finish(pilot) -> None:
    await settle_until_idle(pilot)
    no_blink(pilot.app)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_edit_a_cart_class(app, snap_compare, demo_usis, demo_summary, size):
    number, _permission = demo_summary.highlights["permission"].split(":")
    demo_usis.cart.add(STUDENT, YEAR, number, permission_number="PN999")

    async def run_before(pilot):
        screen = await open_enrol(pilot, tab="cart")
        screen.query_one("#cart-table").focus()
        await finish(pilot)
        # the page scrolled to the cart while it loaded: end at its bottom, whatever the timing
        for page in pilot.app.screen.query("VerticalScroll"):
            page.scroll_end(animate=False, immediate=True)
        await finish(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, EditClassScreen))
        await pilot.pause()
        no_blink(pilot.app)
        await pilot.pause()

    assert snap_compare(app, run_before=run_before, terminal_size=SIZES[size])


@pytest.mark.parametrize("size", SIZES)
def test_swap_onto_a_wait_list(app, snap_compare, demo_summary, size):
    full = demo_summary.highlights["wait_list"]

    async def run_before(pilot):
        screen = await open_enrol(pilot, tab="swap")
        pane = screen.query_one("#swap-pane")
        screen.query_one("#swap-from").value = next(
            sid for sid, line in pane.lines.items() if line.cls.class_number == "2054")
        await settle_until_idle(pilot)
        screen.query_one("#swap-number", Input).focus()
        await pilot.press(*full, "enter")
        await settle_until_idle(pilot)
        await pilot.press("w")
        await finish(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZES[size])


def test_my_class_schedule_with_a_swap_on_the_wait_list(app, snap_compare, demo_usis,
                                                        demo_summary):
    full = demo_summary.highlights["wait_list"]
    old = demo_usis.catalogue.lookup(YEAR, "2054")
    new = demo_usis.catalogue.lookup(YEAR, full)
    assert demo_usis.enrolment.swap(STUDENT, old.section_id, new.section_id,
                                    wait_list_ok=True).waitlist_position

    async def run_before(pilot):
        screen = await open_enrol(pilot, tab="schedule")
        table = screen.query_one("#schedule-table")
        key = next(k for k, line in table.lines.items() if line.cls.class_number == full)
        table.move_cursor(row=table.get_row_index(key))
        await finish(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=(120, 40))
