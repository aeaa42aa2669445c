"""Snapshots of the Schedule assistant (issue 17) as s1234567 on the demo database, clock at
DEMO_NOW, at 120x40 and 80x24 (the page as it opens is in test_every_page_snapshots.py):

- 120x40: four courses with Friday off, the 4031CCONY tutorial locked and the schedule put in
  the Shopping cart (the confirmation with its link, the classes, the week grid);
- 80x24: the same four courses with Friday off in the list view and in the grid view (v), the
  courses and preferences (o) with "only classes with a free seat" (the classes left out);
- both sizes: no schedule for 4031LACSY with the courses still needed (the explanation);
- in Dutch at 120x40: Friday off, and no schedule with its explanation.
"""

from __future__ import annotations

from helpers import make_app, settle
from shell_helpers import signed_in

WIDE, NARROW = (120, 40), (80, 24)
FOUR = ("4031DATABY", "4031SENGY")  # with the courses still needed, 4031CNETY and 4031CCONY


def opened(*courses: str, keys: tuple[str, ...] = (), then=None):
    """Signed in, the Schedule assistant opened from the Student Center (a), ``courses`` typed
    in the Add field (narrow: in the courses view, o), Escape back to the schedules, then
    ``keys`` and ``then(pilot)``."""

    async def run_before(pilot) -> None:
        await signed_in(pilot)
        await pilot.app.navigate("Student Center")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        screen = pilot.app.screen
        field = screen.query_one("#sa-add")
        field.cursor_blink = False
        narrow = pilot.app.size.width < 110
        if courses:
            await pilot.press(*(("o", "a") if narrow else ("a",)))
        for number in courses:
            await pilot.press(*number, "enter")
            await settle(pilot)
        if courses:
            await pilot.press(*(("escape", "escape") if narrow else ("escape",)))
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        if then is not None:
            await then(pilot)
        await settle(pilot)

    return run_before


async def lock_tutorial_and_cart(pilot) -> None:
    screen = pilot.app.screen
    best = screen.outcome.results[0]
    row = next(i for i, p in enumerate(best.picks)
               if p.cls.catalogue_number == "4031CCONY" and p.cls.component == "Tutorial")
    classes = screen.query_one("#sa-classes")
    classes.focus()
    classes.move_cursor(row=row)
    await pilot.press("space")
    await settle(pilot)
    await pilot.press("t")
    await settle(pilot)


async def free_seats_only(pilot) -> None:
    screen = pilot.app.screen
    screen.query_one("#sa-open-only").value = True
    await settle(pilot)
    screen.query_one("#sa-courses").move_cursor(row=0)  # 4031CNETY: 2060 is full
    await settle(pilot)


def test_locked_and_in_the_cart_120x40(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=WIDE,
                        run_before=opened(*FOUR, keys=("5",), then=lock_tutorial_and_cart))


def test_list_friday_off_80x24(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=NARROW,
                        run_before=opened(*FOUR, keys=("5",)))


def test_grid_friday_off_80x24(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=NARROW,
                        run_before=opened(*FOUR, keys=("5", "v")))


def test_courses_and_preferences_80x24(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=NARROW,
                        run_before=opened(keys=("o",), then=free_seats_only))


def test_no_schedule_120x40(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=WIDE,
                        run_before=opened("4031LACSY"))


def test_no_schedule_80x24(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=NARROW,
                        run_before=opened("4031LACSY"))


def test_dutch_friday_off_120x40(snap_compare, demo_db_url):
    """In Dutch (usis --lang nl): the same four courses with Friday off."""
    assert snap_compare(make_app(demo_db_url, lang="nl"), terminal_size=WIDE,
                        run_before=opened(*FOUR, keys=("5",)))


def test_dutch_no_schedule_120x40(snap_compare, demo_db_url):
    """In Dutch: no schedule for 4031LACSY with the courses still needed, and why."""
    assert snap_compare(make_app(demo_db_url, lang="nl"), terminal_size=WIDE,
                        run_before=opened("4031LACSY"))
