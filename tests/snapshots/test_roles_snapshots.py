"""Snapshots of the roles screens at 120x40 on a fresh copy of the demo database (clock:
DEMO_NOW): the act-as banner on a student page, Find a student with results, the Audit trail of
s1234567, and the trainer's reset and clock dialogs.

Update with ``pytest tests/snapshots/test_roles_snapshots.py --snapshot-update`` and look at
every changed SVG before accepting it.
"""

from __future__ import annotations

from helpers import DEMO_NOW, make_app, settle
from shell_helpers import act_as, find_student, signed_in
from textual.widgets import Input

from usis_tui.services import ServiceError, Usis

SIZE = (120, 40)
STUDENT = "s1234567"
YEAR = "2026-2027"


def steady(pilot) -> None:
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


def run(*steps):
    async def run_before(pilot) -> None:
        for step in steps:
            await step(pilot)
        await settle(pilot)
        steady(pilot)
        await pilot.pause()
    return run_before


def seed_trail(url: str) -> None:
    now = [DEMO_NOW]
    usis = Usis.open(url, clock=lambda: now[0])
    try:
        usis.auth.login(STUDENT, "demo")
        usis.audit.navigation(STUDENT, STUDENT, "Main Menu")
        usis.audit.navigation(STUDENT, STUDENT, "Enrol")
        usis.cart.add(STUDENT, YEAR, "1052")
        now[0] = DEMO_NOW.replace(hour=14)
        usis.audit.navigation(STUDENT, STUDENT, "Shopping cart")
        try:
            usis.cart.add(STUDENT, YEAR, "1052")
        except ServiceError:
            pass
        usis.cart.add(STUDENT, YEAR, "1053", wait_list_ok=True, actor="support")
    finally:
        usis.close()


async def support(pilot) -> None:
    await signed_in(pilot, "support")


async def acting(pilot) -> None:
    await act_as(pilot, STUDENT)


async def schedule(pilot) -> None:
    await pilot.app.navigate("My Class Schedule")
    await settle(pilot)


async def find_vries(pilot) -> None:
    await pilot.press("f")
    await settle(pilot)
    await find_student(pilot, "vries")


async def audit_trail(pilot) -> None:
    await pilot.press("a")
    await settle(pilot)
    field = pilot.app.screen.query_one("#audit-student", Input)
    field.focus()
    await pilot.press(*STUDENT, "enter")
    await settle(pilot)


async def trainer(pilot) -> None:
    await signed_in(pilot, "trainer")


def press(key: str):
    async def step(pilot) -> None:
        await pilot.press(key)
        await settle(pilot)
    return step


def test_banner_on_my_class_schedule(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE,
                        run_before=run(support, acting, schedule))


def test_find_a_student_results(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE,
                        run_before=run(support, find_vries))


def test_audit_trail(snap_compare, demo_db_url):
    seed_trail(demo_db_url)
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE,
                        run_before=run(support, audit_trail))


def test_main_menu_trainer(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE, run_before=run(trainer))


def test_trainer_reset_confirmation(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE,
                        run_before=run(trainer, press("r")))


def test_trainer_clock_dialog(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=SIZE,
                        run_before=run(trainer, press("k")))
