"""Issue 13: the Enrol page mounts only what it shows. The Drop, Swap and My Class Schedule tabs
get their content when first shown, and so do the hidden views of the Add tab (preferences,
class search, step 2, step 3); data loaded before that (a reload, another academic year) is
what they show when they appear."""

from __future__ import annotations

import pytest
from enrol_helpers import SIZE, STUDENT, open_enrol, plain, settle_until_idle
from helpers import make_app
from textual.widgets import Select, TabPane

from usis_tui.screens.enrol_manage import DropPane, SchedulePane, SwapPane
from usis_tui.screens.enrol_search import ClassSearch
from usis_tui.services.schemas import EnrolRequest
from usis_tui.widgets.enrol_add import ConfirmStep, PrefsStep, ResultsStep

YEAR = "2026-2027"
HIDDEN = (DropPane, SwapPane, SchedulePane, PrefsStep, ClassSearch, ConfirmStep, ResultsStep)


@pytest.fixture
def app(demo_db_url, demo_now):
    return make_app(demo_db_url, now=demo_now)


def mounted(screen) -> set[str]:
    return {kind.__name__ for kind in HIDDEN if screen.query(kind)}


def schedule_numbers(table) -> set[str]:
    return {line.cls.class_number for line in table.lines.values()}


async def show_tab(pilot, tab: str) -> None:
    """Click the tab, as a student does."""
    await pilot.click(f"#--content-tab-{tab}")
    await settle_until_idle(pilot)
    assert pilot.app.screen.query_one("#enrol-tabs").active == tab


async def test_opening_mounts_only_what_is_shown(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        assert mounted(screen) == set()
        for tab in ("drop", "swap", "schedule"):
            assert not screen.query_one(f"#{tab}", TabPane).children
        assert len(list(screen.walk_children(with_self=True))) < 120  # 208 when all mounted


async def test_tabs_appear_with_the_schedule_loaded_before(app, demo_usis, demo_summary):
    """Classes enrolled elsewhere, then F5: each tab shows them the first time it is opened."""
    enrolled = demo_summary.highlights["enrolled"]
    new = demo_summary.highlights["minor_open"]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        cls = demo_usis.catalogue.lookup(YEAR, new)
        [result] = demo_usis.enrolment.enrol(STUDENT, [EnrolRequest(section_id=cls.section_id)],
                                             from_cart=False)
        assert result.outcome == "enrolled"
        await pilot.press("f5")
        await settle_until_idle(pilot)
        assert new in {line.cls.class_number for line in screen.schedule_lines}
        assert mounted(screen) == set()

        await show_tab(pilot, "drop")
        assert mounted(screen) == {"DropPane"}
        table = screen.query_one("#drop-table")
        assert {enrolled, new} <= schedule_numbers(table)
        assert table.display and not screen.query_one("#drop-empty").display
        assert plain(screen.query_one("#drop-title")) == "Drop classes · Studiejaar 2026-2027"

        await show_tab(pilot, "swap")
        assert {new, enrolled} <= {line.cls.class_number
                                   for line in screen.query_one(SwapPane).lines.values()}
        await show_tab(pilot, "schedule")
        assert {enrolled, new} <= schedule_numbers(screen.query_one("#schedule-table"))
        assert "enrolled" in plain(screen.query_one("#schedule-summary"))
        assert mounted(screen) == {"DropPane", "SwapPane", "SchedulePane"}


async def test_year_chosen_before_views_exist_reaches_them(app, demo_usis):
    """Another academic year chosen on the Add tab, then the class search and the Drop tab are
    opened: both are for that year; back to the first year, the mounted ones follow."""
    years = {y.code: y.label for y in demo_usis.catalogue.years()}
    other = next(code for code in years if code != YEAR)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        year = screen.query_one("#year", Select)
        year.value = other
        await settle_until_idle(pilot)
        assert screen.year == other
        assert mounted(screen) == set()

        await pilot.click("#search-continue")  # Enrol by searching the course › Continue
        await settle_until_idle(pilot)
        assert screen.add_pane.view == "search"
        assert mounted(screen) == {"ClassSearch"}
        search = screen.query_one(ClassSearch)
        assert search.year == other
        assert plain(screen.query_one("#search-title")) == f"Class search · {years[other]}"
        assert search._programmes_set  # the programmes were handed over

        await show_tab(pilot, "drop")
        assert plain(screen.query_one("#drop-title")) == f"Drop classes · {years[other]}"
        expected = {line.cls.class_number
                    for line in demo_usis.enrolment.schedule(STUDENT, other)}
        assert schedule_numbers(screen.query_one("#drop-table")) == expected

        await show_tab(pilot, "add")
        year.value = YEAR
        await settle_until_idle(pilot)
        assert plain(screen.query_one("#search-title")) == f"Class search · {years[YEAR]}"
        assert plain(screen.query_one("#drop-title")) == f"Drop classes · {years[YEAR]}"
        assert schedule_numbers(screen.query_one("#drop-table")) == {
            line.cls.class_number for line in demo_usis.enrolment.schedule(STUDENT, YEAR)}


async def test_wizard_steps_mount_when_reached(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_enrol(pilot)
        pane = screen.add_pane
        field = screen.query_one("#class-number")
        field.focus()
        await pilot.press(*"1052", "enter")
        await settle_until_idle(pilot)
        assert pane.view == "prefs" and mounted(screen) == {"PrefsStep"}
        assert "1052" in plain(screen.query_one("#prefs-detail"))
        await pilot.press("n")
        await settle_until_idle(pilot)
        assert pane.view == "entry"
        pane.focus_cart()
        await pilot.press("e")  # Enrol the ticked class
        await settle_until_idle(pilot)
        assert pane.view == "step2" and "ConfirmStep" in mounted(screen)
        assert "1052" in plain(screen.query_one("#confirm-table"))
        await pilot.press("f")
        await settle_until_idle(pilot)
        assert pane.view == "step3" and "ResultsStep" in mounted(screen)
        assert "1052" in plain(screen.query_one("#results-list"))
        assert pilot.app.focused is screen.query_one("#results-add")
        await pilot.press("m")  # My Class Schedule: mounted and focused
        await settle_until_idle(pilot)
        assert screen.query_one("#enrol-tabs").active == "schedule"
        assert pilot.app.focused is screen.query_one("#schedule-table")
        assert "1052" in schedule_numbers(screen.query_one("#schedule-table"))
