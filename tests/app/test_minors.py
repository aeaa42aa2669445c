"""The Minors page, driven through the real app on the demo database (clock 2026-11-23 09:30):
the list, apply (a place, the wait list, "Waiting for placement outcome"), the one-minor rule on
screen, change and cancel with confirmation."""

from __future__ import annotations

from factories import open_selection_minor
from helpers import make_app, settle
from shell_helpers import SIZE, signed_in, text_of
from textual.widgets import DataTable

from usis_tui.screens.minors import ConfirmCancelMinorScreen, MinorsScreen

STUDENT = "s1234567"




async def open_minors(pilot) -> MinorsScreen:
    await signed_in(pilot, STUDENT)
    await pilot.app.navigate("Student Center")
    await settle(pilot)
    link = pilot.app.screen.query_one("#link-minors")
    link.focus()
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, MinorsScreen)
    return pilot.app.screen


async def select(pilot, screen: MinorsScreen, class_number: str) -> None:
    table = screen.query_one(DataTable)
    table.focus()
    row = [m.class_number for m in screen.minors].index(class_number)
    while table.cursor_row != row:
        await pilot.press("down" if table.cursor_row < row else "up")
    await settle(pilot)


def row_text(screen: MinorsScreen, class_number: str) -> list[str]:
    table = screen.query_one(DataTable)
    return [str(getattr(c, "plain", c)) for c in table.get_row(class_number)]


async def test_the_minors_of_the_seed_with_their_facts(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_minors(pilot)
        numbers = [m.class_number for m in screen.minors]
        assert numbers == ["1047", "1048", "1051", "1052", "1053", "1054", "1055", "1056",
                           "1058", "1061", "1078"]
        assert row_text(screen, "1053")[:3] == ["1053", "Human Evolution", "Leiden"]
        assert row_text(screen, "1053")[4:6] == ["0", "6/25"]  # full, 6 waiting
        kind, window = row_text(screen, "1048")[2:4]  # "4 Sep" (en_GB via Babel: "4 Sept")
        assert kind == "Selection" and window.startswith("■ 4 Sep") and window.endswith("–19 Nov")
        await select(pilot, screen, "1048")
        detail = text_of(screen.query_one("#minor-detail-text"))
        assert "Selection minor" in detail and "Registration closed" in detail
        assert "1049 Part 1 of Computational" in detail and "1050 Part 2" in detail


async def test_apply_cancel_and_the_one_minor_rule_on_screen(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_minors(pilot)
        await select(pilot, screen, "1052")
        await pilot.press("a")
        await settle(pilot)
        assert text_of(screen.query_one("#minor-result")).startswith(
            "✓ Success: you are enrolled in minor 1052 Data Science and Artificial Intelligence")
        assert row_text(screen, "1052")[-1] == "Enrolled"
        # a second minor is refused with the uSis-style reason, nothing changes
        await select(pilot, screen, "1047")
        await pilot.press("a")
        await settle(pilot)
        problems = text_of(screen.query_one("#minor-problems"))
        assert "You may only follow one minor: you are already registered for minor 1052" in (
            problems)
        assert row_text(screen, "1047")[-1] == ""
        # change to 1047 instead: g
        await pilot.press("g")
        await settle(pilot)
        assert "has been changed to minor 1047" in text_of(screen.query_one("#minor-result"))
        assert row_text(screen, "1047")[-1] == "Enrolled"
        assert row_text(screen, "1052")[-1] == "Cancelled"
        # cancel asks first; No keeps it
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmCancelMinorScreen)
        await pilot.press("n")
        await settle(pilot)
        assert row_text(screen, "1047")[-1] == "Enrolled"
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        assert row_text(screen, "1047")[-1] == "Cancelled"
        assert "has been cancelled" in text_of(screen.query_one("#minor-result"))


async def test_selection_minor_and_wait_list_on_screen(demo_db_url):
    open_selection_minor(demo_db_url)
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_minors(pilot)
        await select(pilot, screen, "1053")  # full: the wait list
        await pilot.press("a")
        await settle(pilot)
        assert row_text(screen, "1053")[-1] == "On wait list (position 7)"
        assert "wait list at position 7" in text_of(screen.query_one("#minor-result"))
        await select(pilot, screen, "1054")  # selection minor, second choice
        await pilot.press("a")
        await settle(pilot)
        assert row_text(screen, "1054")[-1] == "Waiting for placement outcome"
        detail = text_of(screen.query_one("#minor-detail-text"))
        assert "(second choice)" in detail
        # a closed window refuses to cancel with the reason
        await select(pilot, screen, "1048")
        await pilot.press("x")
        await settle(pilot)
        assert "You have not applied for minor 1048" in text_of(
            screen.query_one("#minor-problems"))


async def test_the_minors_page_in_dutch(demo_db_url, dutch):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_minors(pilot)
        table = screen.query_one(DataTable)
        assert [str(c.label) for c in table.columns.values()] == [
            "Nr.", "Minor", "Soort", "Aanmelding", "Vrij", "Wachtlijst", "Mijn aanmelding"]
        assert row_text(screen, "1048")[2:4] == ["Selectie", "■ 4 sep.–19 nov."]
        await select(pilot, screen, "1048")
        detail = text_of(screen.query_one("#minor-detail-text"))
        assert "Selectieminor" in detail and "Aanmelding gesloten: 4 sep. 2026" in detail
        assert "1049 Part 1 of Computational" in detail


async def test_next_years_minors_with_the_seeds_registration_dates(demo_db_url):
    """y shows the next academic year: its minors register on the seed's dates (selection
    1-15 April, Leiden 3-15 May, LDE 3-31 May), with the LDE minors the seed lists as coming;
    with the clock in April a selection minor's window is open there."""
    from datetime import datetime

    app = make_app(demo_db_url, now=datetime(2027, 4, 5, 10, 0))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_minors(pilot)
        assert text_of(screen.query_one("#minors-title")) == "Minors 2026-2027"
        await pilot.press("y")
        await settle(pilot)
        assert text_of(screen.query_one("#minors-title")) == "Minors 2027-2028"
        assert [m.class_number for m in screen.minors][:2] == ["1046", "1047"]
        assert row_text(screen, "1046")[1:4] == ["Responsible Innovation", "LDE",
                                                  "○ 3 May–31 May"]
        assert row_text(screen, "1047")[2:4] == ["Leiden", "○ 3 May–15 May"]
        assert row_text(screen, "1048")[2:4] == ["Selection", "● 1 Apr–15 Apr"]
        await select(pilot, screen, "1048")
        await pilot.press("a")
        await settle(pilot)
        assert row_text(screen, "1048")[-1] == "Waiting for placement outcome"
        await pilot.press("y")  # and back
        await settle(pilot)
        assert text_of(screen.query_one("#minors-title")) == "Minors 2026-2027"
        assert row_text(screen, "1048")[-1] == ""
