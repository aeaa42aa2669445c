"""Snapshots of My Academics for s1234567 in the demo at 80x24 and 120x40: Study results (and
the course history), Academic requirements with her BSA (and a what-if against Mathematics),
"Which courses do I still need to follow?" and My courses in Brightspace."""

from __future__ import annotations

import pytest
from helpers import make_app, settle
from shell_helpers import signed_in

SIZES = [(80, 24), (120, 40)]


def opened(page: str, *keys: str):
    async def run_before(pilot) -> None:
        await signed_in(pilot)
        await pilot.app.navigate(page)
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)
    return run_before


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_study_results(snap_compare, demo_db_url, size):
    assert snap_compare(make_app(demo_db_url), terminal_size=size,
                        run_before=opened("Study results"))


def test_course_history_120x40(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=(120, 40),
                        run_before=opened("Study results", "h"))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_academic_requirements(snap_compare, demo_db_url, size):
    assert snap_compare(make_app(demo_db_url), terminal_size=size,
                        run_before=opened("Academic requirements"))


def test_what_if_mathematics_120x40(snap_compare, demo_db_url):
    async def run_before(pilot) -> None:
        await opened("Academic requirements", "w")(pilot)
        options = pilot.app.screen.query_one("OptionList")
        options.highlighted = next(i for i, o in enumerate(options.options)
                                   if o.id == "BSC-MATH")
        await pilot.press("enter")
        await settle(pilot)
    assert snap_compare(make_app(demo_db_url), terminal_size=(120, 40), run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_courses_still_needed(snap_compare, demo_db_url, size):
    assert snap_compare(make_app(demo_db_url), terminal_size=size,
                        run_before=opened("Courses still needed"))


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
def test_brightspace(snap_compare, demo_db_url, size):
    assert snap_compare(make_app(demo_db_url), terminal_size=size,
                        run_before=opened("My courses in Brightspace"))
