"""Snapshots of MyTimetable: the week with a conflict, a wait-listed and a planned class (set up
through the services) at 80x24 and 160x50, an empty week, the exam schedule, the list view and
the export dialog."""

from __future__ import annotations

from datetime import date

from helpers import make_app, settle
from timetable_helpers import busy_week, open_timetable


def opener(**kwargs):
    async def run_before(pilot) -> None:
        await open_timetable(pilot, **kwargs)
        await settle(pilot)
    return run_before


def keys(*presses: str, **kwargs):
    async def run_before(pilot) -> None:
        await open_timetable(pilot, **kwargs)
        await pilot.press(*presses)
        await settle(pilot)
        for field in pilot.app.screen.query("Input"):
            field.cursor_blink = False
        await pilot.pause()
    return run_before


def test_busy_week_80x24(snap_compare, demo_db_url, demo_summary):
    busy_week(demo_db_url, demo_summary.highlights)
    app = make_app(demo_db_url)
    assert snap_compare(app, terminal_size=(80, 24), run_before=opener())


def test_busy_week_160x50(snap_compare, demo_db_url, demo_summary):
    busy_week(demo_db_url, demo_summary.highlights)
    app = make_app(demo_db_url)
    assert snap_compare(app, terminal_size=(160, 50), run_before=opener())


def test_busy_week_with_weekend_and_conflict_selected_160x50(snap_compare, demo_db_url,
                                                             demo_summary):
    busy_week(demo_db_url, demo_summary.highlights)
    app = make_app(demo_db_url)
    # Wednesday's 09:00 clash: right from Monday's first class, then the planned block.
    assert snap_compare(app, terminal_size=(160, 50), run_before=keys("w", "right", "right"))


def test_empty_week_80x24(snap_compare, demo_db_url):
    app = make_app(demo_db_url)
    assert snap_compare(app, terminal_size=(80, 24),
                        run_before=opener(day=date(2026, 12, 21)))


def test_exam_schedule_80x24(snap_compare, demo_db_url):
    app = make_app(demo_db_url)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys("x"))


def test_list_view_120x30(snap_compare, demo_db_url, demo_summary):
    busy_week(demo_db_url, demo_summary.highlights)
    app = make_app(demo_db_url)
    assert snap_compare(app, terminal_size=(120, 30), run_before=keys("l"))


def test_export_dialog_80x24(snap_compare, demo_db_url, monkeypatch):
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", "/home/eva/Downloads")  # shown in the dialog
    app = make_app(demo_db_url)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys("e"))


def test_exam_schedule_120x40(snap_compare, demo_db_url):
    """The Title column takes the width that is left (it shrank to one letter before)."""
    app = make_app(demo_db_url)
    assert snap_compare(app, terminal_size=(120, 40), run_before=keys("x"))
