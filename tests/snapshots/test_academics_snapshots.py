"""Snapshots of My Academics for s1234567 in the demo beyond the pages themselves (those are in
test_every_page_snapshots.py at 80x24 and 120x40): the course history and a what-if against
Mathematics."""

from __future__ import annotations

from helpers import make_app, settle
from shell_helpers import signed_in


def opened(page: str, *keys: str):
    async def run_before(pilot) -> None:
        await signed_in(pilot)
        await pilot.app.navigate(page)
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)
    return run_before


def test_course_history_120x40(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=(120, 40),
                        run_before=opened("Study results", "h"))


def test_what_if_mathematics_120x40(snap_compare, demo_db_url):
    async def run_before(pilot) -> None:
        await opened("Academic requirements", "w")(pilot)
        options = pilot.app.screen.query_one("OptionList")
        options.highlighted = next(i for i, o in enumerate(options.options)
                                   if o.id == "BSC-MATH")
        await pilot.press("enter")
        await settle(pilot)
    assert snap_compare(make_app(demo_db_url), terminal_size=(120, 40), run_before=run_before)