"""Snapshots of the shell screens (Login, Main Menu, Self Service, Student Center, Message
centre) at 120x40, on a fresh copy of the demo database with the clock at DEMO_NOW.

Update with ``pytest tests/snapshots/test_shell_snapshots.py --snapshot-update`` and look at
every changed SVG before accepting it.
"""

from __future__ import annotations

from helpers import make_app, second_factor, settle

SIZE = (120, 40)


async def ready(pilot) -> None:
    for _ in range(400):
        if pilot.app.ready:
            break
        await pilot.pause(0.05)
    await settle(pilot)


async def type_login(pilot, username: str, password: str) -> None:
    await pilot.click("#username")
    pilot.app.screen.query_one("#username").value = ""
    await pilot.press(*username, "enter")
    await pilot.pause()
    await pilot.press(*password, "enter")
    await settle(pilot)
    await second_factor(pilot)  # staff: the two-step sign-in


def signed_in(username: str = "s1234567", *keys: str):
    async def run_before(pilot) -> None:
        await ready(pilot)
        await type_login(pilot, username, "demo")
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await settle(pilot)
    return run_before


def test_login(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE, run_before=ready)


def test_login_error(snap_compare, demo_db_url):
    async def run_before(pilot) -> None:
        await ready(pilot)
        await type_login(pilot, "s1234567", "wrong")
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE, run_before=run_before)


def test_login_locked(snap_compare, demo_db_url):
    async def run_before(pilot) -> None:
        await ready(pilot)
        for _ in range(5):
            await type_login(pilot, "s1234567", "wrong")
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE, run_before=run_before)


def test_main_menu(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE, run_before=signed_in())




def test_self_service_staff(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE,
                        run_before=signed_in("support", "s"))




def test_student_center_with_hold(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE,
                        run_before=signed_in("s2345678", "s", "c"))




def test_message_centre(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE,
                        run_before=signed_in("s1234567", "s", "c", "m", "down", "enter"))
