"""Minor placement (screens/placement.py), driven through the real app on the demo database
(clock 2026-11-23 09:30): the Board opens it from the command palette, sees selection minor
1048 with its places and ranked applicants, places one, rejects one (after a confirmation),
places the rest up to capacity (after a confirmation); then the placed demo student s3456789
sees "Placed" on her Minors page and in her To Do list, and enrols in the parts 1049/1050."""

from __future__ import annotations

import pytest
from helpers import make_app, settle
from shell_helpers import SIZE, signed_in, text_of
from test_roles import palette

from usis_tui.screens.minors import MinorsScreen
from usis_tui.screens.placement import ConfirmPlacementScreen, MinorPlacementScreen
from usis_tui.services.schemas import EnrolRequest

APPLICANT = "s3456789"

pytestmark = pytest.mark.usefixtures("quick_idle")  # tests/conftest.py


def rows(screen: MinorPlacementScreen) -> list[list[str]]:
    table = screen.query_one("#placement-table")
    return [[str(getattr(c, "plain", c)) for c in table.get_row_at(i)]
            for i in range(table.row_count)]


async def select_row(pilot, screen: MinorPlacementScreen, student: str) -> None:
    table = screen.query_one("#placement-table")
    table.focus()
    row = [a.student_number for a in screen.placement.applicants].index(student)
    while table.cursor_row != row:
        await pilot.press("down" if table.cursor_row < row else "up")
    await settle(pilot)


async def test_the_board_places_and_rejects_in_ranked_order(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "board")
        await palette(pilot, "Minor placement")
        screen = app.screen
        assert isinstance(screen, MinorPlacementScreen)
        assert text_of(screen.query_one("#placement-title")) == "Minor placement 2026-2027"
        summary = text_of(screen.query_one("#placement-summary"))
        assert "Computational approach to Disease, Signalling and Drug Targets" in summary
        assert "43 places: 40 placed, 3 left" in summary and "5 waiting" in summary
        assert "parts 1049 and 1050" in summary
        waiting = [r for r in rows(screen) if r[0] != "–"]
        assert [(r[0], r[4], r[6]) for r in waiting] == [
            ("1", "1st", "Waiting"), ("2", "1st", "Waiting"), ("3", "1st", "Waiting"),
            ("4", "1st", "Waiting"), ("5", "2nd", "Waiting")]
        assert waiting[1][1:4] == [APPLICANT, "Lotte Smit", "Biology"]
        assert {r[6] for r in rows(screen)[5:]} == {"Placed"}
        first, second_choice = waiting[0][1], waiting[4][1]

        # p places the selected applicant (the demo student, ranked second)
        await select_row(pilot, screen, APPLICANT)
        await pilot.press("p")
        await settle(pilot)
        assert text_of(screen.query_one("#placement-result")) == (
            "✓ s3456789 (Lotte Smit) has been placed in minor 1048 and has been sent a message.")
        assert "43 places: 41 placed, 2 left" in text_of(screen.query_one("#placement-summary"))
        assert [r[1] for r in rows(screen) if r[0] != "–"] == [
            first, waiting[2][1], waiting[3][1], second_choice]  # ranked again: 1..4
        # a decided application cannot be decided again
        await select_row(pilot, screen, APPLICANT)
        await pilot.press("r")
        await settle(pilot)
        assert "Only a waiting application can be placed or rejected" in text_of(
            screen.query_one("#placement-problems"))

        # r rejects, after a confirmation (No keeps it)
        await select_row(pilot, screen, second_choice)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmPlacementScreen)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen
        assert screen.placement.minor.waiting == 4
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "has not been placed in minor 1048" in text_of(screen.query_one("#placement-result"))
        [rejected] = [r for r in rows(screen) if r[1] == second_choice]
        assert rejected[6] == "Not placed"

        # a places the waiting ones in ranked order until the minor is full (confirmed)
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmPlacementScreen)
        assert "Place the first 2 waiting applicants of minor 1048, in ranked order (2 places " \
            "left)?" == text_of(dialog.query_one("#confirm-place-all-question"))
        await pilot.press("y")
        await settle(pilot)
        assert text_of(screen.query_one("#placement-result")) == (
            "✓ 2 students placed in minor 1048. 0 places left, 1 application still waiting.")
        assert [r[1] for r in rows(screen) if r[0] != "–"] == [waiting[3][1]]  # the fourth
        assert {r[1]: r[6] for r in rows(screen)}[first] == "Placed"
        # full: another batch is refused on the page, with what to do
        await pilot.press("a")
        await settle(pilot)
        assert "Minor 1048 is full: all 43 places have been given." in text_of(
            screen.query_one("#placement-problems"))

    # the placed student sees the outcome and enrols in the parts herself
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, APPLICANT)
        await app.navigate("Student Center")
        await settle(pilot)
        todo = text_of(app.screen.query_one("#todo"))
        assert ("Minor 1048 Computational approach to Disease, Signalling and Drug Targets: "
                "placed. Enrol in its parts 1049 and 1050.") in todo
        assert "Waiting for placement outcome" not in todo
        await app.navigate("Minors")
        await settle(pilot)
        minors = app.screen
        assert isinstance(minors, MinorsScreen)
        [m] = [m for m in minors.minors if m.class_number == "1048"]
        assert m.status_label == "Placed"
        table = minors.query_one("#minor-list")
        assert str(table.get_row("1048")[-1]) == "Placed"
        raw = app.raw_usis
        year = raw.catalogue.current_year()
        ids = [raw.catalogue.lookup(year, n).section_id for n in ("1049", "1050")]
        results = app.usis.enrolment.enrol(APPLICANT, [EnrolRequest(section_id=i) for i in ids])
        assert [r.outcome for r in results] == ["enrolled", "enrolled"]


async def test_only_the_board_opens_minor_placement(demo_db_url):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot, "s1234567")
        assert not app.may_open("Minor placement") and not app.screen.query("#link-placement")
        assert await app.navigate("Minor placement") is False
        await app.action_sign_out()
        await settle(pilot)
        await signed_in(pilot, "board")
        assert app.may_open("Minor placement")
        assert "Minor placement" in text_of(app.screen.query_one("#link-placement"))
        await pilot.press("m")  # the Main Menu's key for the Board
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MinorPlacementScreen)
        # y: next year's selection minors, registering 1-15 April 2027, nobody applied yet
        await pilot.press("y")
        await settle(pilot)
        assert text_of(screen.query_one("#placement-title")) == "Minor placement 2027-2028"
        summary = text_of(screen.query_one("#placement-summary"))
        assert "Registration not yet open: 1 Apr 2027 – 15 Apr 2027" in summary
        assert "No applications." in summary
