"""Snapshots of planning ahead (issue 6) at 120x40 on a copy of the demo database, clock at
DEMO_NOW (2026-11-23 09:30): the Shopping cart before enrolment opens, and step 3 "View results"
with mixed outcomes and the other classes of the full ones."""

from __future__ import annotations

import pytest
from app.enrol_helpers import no_blink, open_enrol, settle_until_idle, wait_until
from helpers import make_app
from textual.widgets import Input

SIZE = (120, 40)


@pytest.fixture
def app(demo_db_url, demo_now):
    return make_app(demo_db_url, now=demo_now)


async def add(pilot, number: str, *, wait_list: bool = False) -> None:
    field = pilot.app.screen.query_one("#class-number", Input)
    field.focus()
    field.value = ""
    await pilot.press(*number, "enter")
    await settle_until_idle(pilot)
    if wait_list:
        await pilot.press("w")
    await pilot.press("n")
    await settle_until_idle(pilot)


async def finish(pilot) -> None:
    await settle_until_idle(pilot)
    no_blink(pilot.app)
    await pilot.pause()


def test_plan_cart_before_opening(app, snap_compare):
    """1052 can be enrolled now; 2093 and 1061 are planned (enrolment opens 2 Dec 2026 09:00),
    and 1061 clashes with 1052 in the cart; the highlighted row is the planned 2093."""

    async def run_before(pilot):
        screen = await open_enrol(pilot)
        for number in ("1052", "2093", "1061"):
            await add(pilot, number)
        table = screen.query_one("#cart-table")
        table.focus()
        table.move_cursor(row=1)
        await finish(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_results_mixed_with_alternatives(app, snap_compare):
    """Enrol all: 1052 enrolled, 2060 wait-listed (position 5), 2479 full; the other tutorials
    2059 (clashes) and 2480 (seats) are offered."""

    async def run_before(pilot):
        screen = await open_enrol(pilot)
        await add(pilot, "1052")
        await add(pilot, "2060", wait_list=True)
        await add(pilot, "2479")
        screen.query_one("#cart-table").focus()
        await pilot.press("E")
        await settle_until_idle(pilot)
        await pilot.press("f")
        await settle_until_idle(pilot)
        table = screen.query_one("#results-alt-table")
        await wait_until(pilot, lambda: pilot.app.focused is table, what="alternatives focus")
        await finish(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)
