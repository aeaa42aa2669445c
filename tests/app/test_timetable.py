"""The Timetable screen driven with Pilot: week navigation, kind and weekend toggles, block
selection and details, list view, exam schedule, .ics export."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from helpers import make_app, settle
from icalendar import Calendar
from textual.widgets import DataTable, Input, Static
from timetable_helpers import STUDENT, WEEK_48, busy_week, open_timetable, static_text

from usis_tui.app import UsisApp
from usis_tui.i18n import format_date
from usis_tui.screens.timetable import DetailScreen, ExportScreen, TimetableScreen
from usis_tui.widgets.week_grid import WeekGrid


def grid(screen: TimetableScreen) -> WeekGrid:
    return screen.query_one(WeekGrid)


def detail(screen: TimetableScreen) -> str:
    return static_text(screen.query_one("#tt-detail", Static))


def shown_classes(screen: TimetableScreen) -> set[str]:
    return {o.class_number for o in grid(screen).shown}


@pytest.fixture
def app(demo_db_url) -> UsisApp:
    return make_app(demo_db_url)


async def test_opens_on_this_week_with_the_breadcrumb(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_timetable(pilot)
        assert screen.breadcrumb() == ("Main Menu", "Self Service", "Student Center", "Timetable")
        assert screen.monday == WEEK_48
        assert screen.sub_title == "Timetable · Week 48 · 23 – 27 Nov 2026"
        assert "Week 48 · 23 – 27 Nov 2026" in static_text(screen.query_one("#tt-title", Static))
        g = grid(screen)
        assert g.shown and all(WEEK_48 <= o.day <= WEEK_48 + timedelta(days=4) for o in g.shown)
        text = "\n".join(g.text_lines())
        assert "Mon 23 Nov" in text and "08:00" in text and "21:00" in text
        assert app.focused is g
        assert screen.has_class("-narrow")


async def test_week_navigation_previous_next_today(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_timetable(pilot)
        await pilot.press("n")
        assert screen.monday == date(2026, 11, 30)
        assert "Week 49" in screen.sub_title
        assert all(o.day >= date(2026, 11, 30) for o in grid(screen).shown)
        await pilot.press("p", "p", "pageup")
        assert screen.monday == date(2026, 11, 9)
        await pilot.press("pagedown")
        assert screen.monday == date(2026, 11, 16)
        await pilot.press("t")
        assert screen.monday == WEEK_48
        # Christmas: an empty week that says where the classes are.
        for _ in range(4):
            await pilot.press("n")
        assert screen.monday == date(2026, 12, 21)
        assert grid(screen).shown == []
        text = "\n".join(grid(screen).text_lines())
        assert "No classes in week 52." in text
        assert "Next class: Mon 18 Jan 2027 (week 3)." in text
        assert "No classes this week" in detail(screen)


async def test_mouse_arrows_in_the_bar_move_weeks(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_timetable(pilot)
        await pilot.click("#tt-title", offset=(0, 0))  # the ◀
        assert screen.monday == date(2026, 11, 16)


async def test_kind_toggles_and_conflicts(app, demo_db_url, demo_summary):
    setup = busy_week(demo_db_url, demo_summary.highlights)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_timetable(pilot)
        kinds = {o.class_number: o.kind for o in grid(screen).shown}
        assert kinds[setup["planned"]] == "planned"
        assert kinds[setup["waitlisted"]] == "waitlisted"
        assert any(o.conflicts for o in grid(screen).shown)
        assert "!2" in static_text(screen.query_one("#tt-legend", Static))
        await pilot.press("3")  # hide planned
        assert setup["planned"] not in shown_classes(screen)
        assert not any(o.conflicts for o in grid(screen).shown)  # the clash was with the plan
        await pilot.press("2")  # hide the wait list
        assert {o.kind for o in grid(screen).shown} == {"enrolled"}
        await pilot.press("1")  # hide everything
        assert grid(screen).shown == []
        assert "Every kind of class is hidden." in "\n".join(grid(screen).text_lines())
        await pilot.press("1", "2", "3")
        assert {o.kind for o in grid(screen).shown} == {"enrolled", "waitlisted", "planned"}


async def test_weekend_toggle(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_timetable(pilot)
        assert len(grid(screen).days) == 5
        await pilot.press("w")
        assert len(grid(screen).days) == 7 and screen.weekend
        assert "Sun 29" in grid(screen).text_lines()[0]
        assert "23 – 29 Nov 2026" in screen.sub_title
        await pilot.press("w")
        assert len(grid(screen).days) == 5


async def test_block_selection_with_keys_shows_details(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_timetable(pilot)
        g = grid(screen)
        first = g.selected
        assert first is not None and first.day == WEEK_48  # the first class of today
        text = detail(screen)
        assert first.class_number in text and first.catalogue_number in text
        assert first.instructor in text and "brightspace.universiteitleiden.nl" in text
        assert "dates)" in text  # the meeting pattern with its dates
        await pilot.press("right")
        assert g.selected.day > first.day
        await pilot.press("left")
        assert g.selected.day == first.day
        await pilot.press("down")
        second = g.selected
        assert second.day == first.day and second.start > first.start
        assert second.class_number in detail(screen)
        await pilot.press("end")
        assert g.selected.day == max(o.day for o in g.shown)
        await pilot.press("home")
        assert g.selected == first
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        full = static_text(app.screen.query_one("#tt-detail-full", Static))
        assert f"class {first.class_number}" in full and "Instructor" in full
        assert first.brightspace_url in full
        await pilot.press("escape")
        assert app.screen is screen


async def test_block_selection_with_the_mouse(app):
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_timetable(pilot)
        g = grid(screen)
        target = max(g.shown, key=lambda o: (o.day, o.start))
        # Find a cell of that block and click it.
        g._ensure_layout()
        placed = next(p for p in g._placed if p.occurrence.key == target.key)
        await pilot.click(WeekGrid, offset=(placed.left + 2, placed.top + 1))
        assert g.selected.key == target.key
        assert target.class_number in detail(screen) and "Instructor" in detail(screen)
        assert screen.has_class("-wide")
        await pilot.click(WeekGrid, offset=(placed.left + 2, placed.top + 1), times=2)
        assert isinstance(app.screen, DetailScreen)


async def test_list_view_and_exam_schedule(app, demo_usis):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_timetable(pilot)
        await pilot.press("l")
        table = screen.query_one("#tt-list", DataTable)
        assert screen.view_name == "list" and app.focused is table
        agenda = demo_usis.timetable.agenda(STUDENT)
        assert table.row_count == len(agenda)
        row = table.get_row_at(table.cursor_row)
        assert str(row[0]).startswith("Mon 23 Nov")  # the selected week
        await pilot.press("x")
        exams = screen.query_one("#tt-exam-table", DataTable)
        lines = demo_usis.timetable.exams(STUDENT)
        assert screen.view_name == "exams" and exams.row_count == len(lines)
        first = exams.get_row_at(0)
        assert str(first[exams.get_column_index("by")]).startswith(
            format_date(lines[0].deadline, weekday=True, year=False))
        assert lines[0].deadline == lines[0].day - timedelta(days=10)
        await pilot.press("escape")  # back to the week, not out of the screen
        assert screen.view_name == "week" and app.screen is screen
        await pilot.press("l", "l")
        assert screen.view_name == "week"


async def wait_for_file(pilot, path, timeout: float = 5.0) -> bytes:
    """Textual writes a delivered file in a thread: wait until it is complete."""
    for _ in range(int(timeout / 0.05)):
        await pilot.pause(0.05)
        data = path.read_bytes() if path.exists() else b""
        if data.endswith(b"END:VCALENDAR\r\n"):
            return data
    raise AssertionError(f"{path} was not written")


async def test_export_goes_to_the_downloads_folder_and_replaces_nothing(
        app, tmp_path, demo_usis, monkeypatch):
    """No path is typed (found: typing the database's path turned it into an .ics file): the
    file goes through Textual's delivery into the downloads folder, under a new name when the
    usual one is taken, and the person is told where."""
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(downloads))
    mine = downloads / f"usis-timetable-{STUDENT}.ics"
    mine.write_text("my own calendar")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_timetable(pilot)
        await pilot.press("2", "3")  # export the enrolled classes only
        await pilot.press("e")
        dialog = app.screen
        assert isinstance(dialog, ExportScreen)
        assert not dialog.query(Input)  # nothing to type a path into
        assert str(downloads) in static_text(dialog.query_one("#tt-export-where", Static))
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and screen.last_export is not None
        fresh = downloads / f"usis-timetable-{STUDENT} (2).ics"
        data = await wait_for_file(pilot, fresh)
        assert data == demo_usis.timetable.ics(STUDENT)
        assert mine.read_text() == "my own calendar"
        events = list(Calendar.from_ical(data).walk("VEVENT"))
        assert len(events) == screen.last_export.events > 100
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any(str(fresh) in m for m in messages), messages


async def test_export_error_stays_in_the_dialog(app, tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the downloads folder should be")
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(blocked))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_timetable(pilot)
        await pilot.press("e")
        dialog = app.screen
        await pilot.click("#tt-export-ok")
        await settle(pilot)
        assert app.screen is dialog
        shown = static_text(dialog.query_one("#tt-export-error"))
        assert "could not be saved in your downloads folder" in shown
        await pilot.click("#tt-export-cancel")
        assert app.screen is screen and screen.last_export is None


async def test_screen_reloads_when_shown_again(app, demo_db_url, demo_summary):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_timetable(pilot)
        clash = demo_summary.highlights["clash"]
        assert clash not in shown_classes(screen)
        app.usis.cart.add(STUDENT, "2026-2027", clash)
        await app.push_screen(DetailScreen(grid(screen).selected))
        await app.pop_screen()
        await settle(pilot)
        assert clash in shown_classes(screen)


async def test_staff_without_a_student_sees_why_it_is_empty(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_timetable(pilot)
        app.identity = app.identity.model_copy(update={"kind": "staff", "username": "support",
                                                       "role": "support"})
        screen = TimetableScreen()
        await app.push_screen(screen)
        await settle(pilot)
        assert grid(screen).shown == []
        assert "student's own classes" in "\n".join(grid(screen).text_lines())
        await pilot.press("e")
        assert app.screen is screen  # nothing to export
