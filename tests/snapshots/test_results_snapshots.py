"""Snapshots of Register results (the Board of Examiners) on a fresh copy of the demo database
(clock: DEMO_NOW): the exam and resit classes of the year, and class 2014's grid with three
grades typed, at 120x40 and 80x24, its confirmation at 80x24; and the board's Main Menu with
the page at 80x24.

Update with ``pytest tests/snapshots/test_results_snapshots.py --snapshot-update`` and look at
every changed SVG before accepting it.
"""

from __future__ import annotations

from helpers import make_app
from petition_helpers import settle_reloads, steady
from results_helpers import open_class, open_classes, type_grades
from shell_helpers import signed_in

SIZE = (120, 40)
NARROW = (80, 24)


def run(*steps):
    async def run_before(pilot) -> None:
        for step in steps:
            await step(pilot)
        await settle_reloads(pilot)
        steady(pilot)
        await pilot.pause()
    return run_before


async def grid(pilot) -> None:
    await open_class(pilot, "2014")
    await type_grades(pilot, "4,5", "7.5", "v")






def test_register_results_grid(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE,
                        run_before=run(open_classes, grid))


def test_register_results_grid_80x24(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=NARROW,
                        run_before=run(open_classes, grid))


async def confirm(pilot) -> None:
    await pilot.press("ctrl+s")


def test_register_results_confirm_80x24(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=NARROW,
                        run_before=run(open_classes, grid, confirm))


async def board_menu(pilot) -> None:
    await signed_in(pilot, "board")


def test_board_main_menu_80x24(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=NARROW, run_before=run(board_menu))
