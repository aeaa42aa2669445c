"""Snapshots of a guided tour's panel (widgets/tour_panel.py) at 120x40 and 80x24, on a fresh
copy of the demo database with the clock at DEMO_NOW: on the Login (`usis --tour`), on Enrol
with the step's control highlighted, with a hint after a wrong turn; and the Tours page.

Update with ``pytest tests/snapshots/test_tour_snapshots.py --snapshot-update`` and look at
every changed SVG before accepting it.
"""

from __future__ import annotations

import time

import pytest
from helpers import make_app, settle
from test_shell_snapshots import ready, type_login

from usis_tui.tours.guide import TARGET_CLASS

TOUR = "enrol-by-class-number"
SIZES = {"120x40": (120, 40), "80x24": (80, 24)}


async def until(pilot, predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)
    await settle(pilot)


def on_step(number: int):
    return lambda app: app.tour_guide is not None and app.tour_guide.progress().number == number


async def highlighted(pilot, selector: str) -> None:
    """Until the step's control (``selector``) is highlighted and on the screen (the page has
    scrolled to it)."""
    def shown() -> bool:
        found = pilot.app.screen.query(f"{selector}.{TARGET_CLASS}")
        return bool(found) and found.first().is_on_screen
    await until(pilot, shown)
    for field in pilot.app.screen.query("Input"):
        field.cursor_blink = False
    await pilot.pause(0.3)  # a look of the guide at the settled page
    await settle(pilot)


async def to_enrol(pilot) -> None:
    """Signed in through the tour's first steps, as the trainee would, up to the class
    number on Enrol."""
    app = pilot.app
    await ready(pilot)
    await until(pilot, lambda: on_step(1)(app))
    await type_login(pilot, "s1234567", "demo")
    await until(pilot, lambda: on_step(2)(app))
    for key, number in (("s", 3), ("c", 4), ("e", 5)):
        await pilot.press(key)
        await until(pilot, lambda n=number: on_step(n)(app))


@pytest.mark.parametrize("size", SIZES)
def test_tour_on_the_login(snap_compare, demo_db_url, size):
    async def run_before(pilot) -> None:
        await ready(pilot)
        await until(pilot, lambda: on_step(1)(pilot.app))
        await highlighted(pilot, "#username")
    assert snap_compare(make_app(demo_db_url, tour=TOUR), terminal_size=SIZES[size],
                        run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_tour_on_enrol_field_highlighted(snap_compare, demo_db_url, size):
    """Step 5: the Class number field highlighted."""
    async def run_before(pilot) -> None:
        await to_enrol(pilot)
        await highlighted(pilot, "#class-number")
    assert snap_compare(make_app(demo_db_url, tour=TOUR), terminal_size=SIZES[size],
                        run_before=run_before)


def test_tour_on_enrol_button_highlighted(snap_compare, demo_db_url):
    """Step 6: the class found; Next (the button) highlighted. (At 80x24 the page scrolls to
    the preferences by itself, at a moment that varies: 120x40 only.)"""
    size = "120x40"
    async def run_before(pilot) -> None:
        await to_enrol(pilot)
        field = pilot.app.screen.query_one("#class-number")
        field.focus()
        await pilot.press(*"1052", "enter")
        await until(pilot, lambda: on_step(6)(pilot.app))
        await highlighted(pilot, "#prefs-next")
    assert snap_compare(make_app(demo_db_url, tour=TOUR), terminal_size=SIZES[size],
                        run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_tour_hint_after_a_wrong_turn(snap_compare, demo_db_url, size):
    """Step 5 on the Timetable: the hint leads back to Enrol."""
    async def run_before(pilot) -> None:
        await to_enrol(pilot)
        await pilot.app.navigate("Timetable")
        await until(pilot, lambda: pilot.app.tour_guide.hint is not None)
        await pilot.pause(0.3)
        await settle(pilot)
    assert snap_compare(make_app(demo_db_url, tour=TOUR), terminal_size=SIZES[size],
                        run_before=run_before)


def test_tours_page(snap_compare, demo_db_url):
    async def run_before(pilot) -> None:
        await ready(pilot)
        await type_login(pilot, "s1234567", "demo")
        await pilot.app.navigate("Tours")
        await settle(pilot)
    assert snap_compare(make_app(demo_db_url), terminal_size=(120, 40), run_before=run_before)
