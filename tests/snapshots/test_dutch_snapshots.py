"""The main pages in Dutch (``lang="nl"``, as ``usis --lang nl``) at 120x40, on a fresh copy of
the demo database with the clock at DEMO_NOW: the Login, the walk Hoofdmenu › Selfservice ›
Studentencentrum › Inschrijven, both enrol options to "Resultaten bekijken", the Winkelwagen,
Mijn studierooster, the Rooster and the Berichtencentrum.

Update with ``pytest tests/snapshots/test_dutch_snapshots.py --snapshot-update`` and look at every
changed SVG before accepting it.
"""

from __future__ import annotations

import pytest
from app.enrol_helpers import no_blink, open_enrol, settle_until_idle
from helpers import make_app, settle
from textual.widgets import Input

SIZE = (120, 40)


@pytest.fixture
def app(demo_db_url, demo_now):
    return make_app(demo_db_url, now=demo_now, lang="nl")


async def ready(pilot) -> None:
    for _ in range(400):
        if pilot.app.ready:
            break
        await pilot.pause(0.05)
    await settle(pilot)


async def finish(pilot) -> None:
    await settle_until_idle(pilot)
    no_blink(pilot.app)
    await pilot.pause()


async def sign_in(pilot, username: str = "s1234567") -> None:
    await ready(pilot)
    await pilot.click("#username")
    await pilot.press(*username, "enter")
    await pilot.pause()
    await pilot.press(*"demo", "enter")
    await settle(pilot)


def page(name: str):
    async def run_before(pilot) -> None:
        await sign_in(pilot)
        if name != "Main Menu":
            await pilot.app.navigate(name)
        await finish(pilot)
    return run_before


async def add(pilot, number: str) -> None:
    field = pilot.app.screen.query_one("#class-number", Input)
    field.focus()
    await pilot.press(*number, "enter")
    await settle_until_idle(pilot)
    await pilot.press("n")
    await settle_until_idle(pilot)


async def to_cart(pilot) -> None:
    for _ in range(8):
        if pilot.app.focused is pilot.app.screen.query_one("#cart-table"):
            return
        await pilot.press("tab")
    raise AssertionError("cannot reach the Winkelwagen")


def test_login(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


@pytest.mark.parametrize("name", ["Main Menu", "Self Service", "Student Center", "Enrol",
                                  "My Class Schedule", "Timetable", "Message centre",
                                  "Study results", "Academic requirements",
                                  "Courses still needed"])
def test_page(app, snap_compare, name):
    assert snap_compare(app, terminal_size=SIZE, run_before=page(name))


def test_preferences_step(app, snap_compare):
    async def run_before(pilot):
        await open_enrol(pilot)
        field = pilot.app.screen.query_one("#class-number", Input)
        field.focus()
        await pilot.press(*"1052", "enter")
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


def test_confirm_step(app, snap_compare, demo_summary):
    async def run_before(pilot):
        await open_enrol(pilot)
        await add(pilot, "1052")
        await add(pilot, demo_summary.highlights["clash"])
        await to_cart(pilot)
        await pilot.press("e")
        await finish(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_results_step(app, snap_compare, demo_summary):
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
