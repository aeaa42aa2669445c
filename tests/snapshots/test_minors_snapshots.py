"""Snapshots of the Minors page, the Student Center's To Do List with exam confirmations and
minor applications, and the "Confirm exam enrolments" dialog, on a fresh copy of the demo
database with the clock at DEMO_NOW.

Update with ``pytest tests/snapshots/test_minors_snapshots.py --snapshot-update`` and look at
every changed SVG before accepting it.
"""

from __future__ import annotations

from factories import open_selection_minor
from helpers import DEMO_NOW, make_app, settle

from usis_tui.services import Usis

SIZE = (120, 40)


def at_page(page: str, *keys: str):
    async def run_before(pilot) -> None:
        for _ in range(400):
            if pilot.app.ready:
                break
            await pilot.pause(0.05)
        await settle(pilot)
        await pilot.click("#username")
        await pilot.press(*"s1234567", "enter")
        await pilot.pause()
        await pilot.press(*"demo", "enter")
        await settle(pilot)
        await pilot.app.navigate(page)
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
    return run_before


def applied(url: str) -> None:
    """s1234567 on the wait list of 1053 and waiting for the placement outcome of 1054."""
    open_selection_minor(url)
    usis = Usis.open(url, clock=lambda: DEMO_NOW)
    try:
        usis.minors.apply("s1234567", "1053")
        usis.minors.apply("s1234567", "1054")
    finally:
        usis.close()


def test_minors(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE,
                        run_before=at_page("Minors", "down", "down", "down"))


def test_minors_with_applications(snap_compare, demo_db_url):
    applied(demo_db_url)
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE,
                        run_before=at_page("Minors", *["down"] * 5))




def test_student_center_todo_list(snap_compare, demo_db_url):
    applied(demo_db_url)
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE,
                        run_before=at_page("Student Center"))


def test_exam_confirmation_dialog(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE,
                        run_before=at_page("Student Center", "x", "enter"))
