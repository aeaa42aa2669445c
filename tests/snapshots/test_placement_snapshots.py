"""Snapshots of Minor placement (the Board of Examiners) on a fresh copy of the demo database
with the clock at DEMO_NOW: selection minor 1048 with its ranked applicants at 120x40 and 80x24,
after placing and rejecting, the "Place all up to capacity" confirmation; and what the placed
demo student s3456789 then sees on her Minors page and in her To Do list.

Update with ``pytest tests/snapshots/test_placement_snapshots.py --snapshot-update`` and look at
every changed SVG before accepting it.
"""

from __future__ import annotations

from helpers import DEMO_NOW, make_app, settle
from petition_helpers import as_board, as_student, settle_reloads, started

from usis_tui.services import Usis

SIZE = (120, 40)
NARROW = (80, 24)
APPLICANT = "s3456789"


def board_page(*keys: str, row: int | None = None):
    async def run_before(pilot) -> None:
        await started(pilot)
        await as_board(pilot)
        await pilot.app.navigate("Minor placement")
        await settle_reloads(pilot)
        if row is not None:
            table = pilot.app.screen.query_one("#placement-table")
            table.focus()
            table.move_cursor(row=row)
            await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle_reloads(pilot)
    return run_before


def student_page(page: str, *keys: str):
    async def run_before(pilot) -> None:
        await started(pilot)
        await as_student(pilot, APPLICANT)
        await pilot.app.navigate(page)
        await settle_reloads(pilot)
        for key in keys:
            await pilot.press(key)
            await settle_reloads(pilot)
    return run_before


def decided(url: str) -> None:
    """The Board placed s3456789 and rejected the second-choice applicant of 1048."""
    usis = Usis.open(url, clock=lambda: DEMO_NOW)
    try:
        waiting = [a for a in usis.minors.placement("1048").applicants if a.rank is not None]
        usis.minors.place(APPLICANT, "1048", actor="board")
        usis.minors.reject(waiting[-1].student_number, "1048", actor="board")
    finally:
        usis.close()






def test_placement_after_placing(snap_compare, demo_db_url):
    """p on the demo student (ranked second): the result, the list ranked again."""
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE,
                        run_before=board_page("p", row=1))


def test_place_all_confirmation_80x24(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=NARROW,
                        run_before=board_page("a"))


def test_placed_on_the_minors_page(snap_compare, demo_db_url):
    decided(demo_db_url)
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE,
                        run_before=student_page("Minors", "down"))


def test_placed_in_the_todo_list(snap_compare, demo_db_url):
    decided(demo_db_url)
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE,
                        run_before=student_page("Student Center"))
