"""The hub in Dutch (i18n.set_language("nl")): the Student Center's blocks, sidebar and To Do
List, and the Timetable's bar, grid, details and list view, with Dutch dates ("2 dec. 2026",
"ma 23 nov."). Data from the database (course titles, class numbers) stays as stored."""

from __future__ import annotations

from helpers import make_app, settle
from shell_helpers import SIZE, signed_in, text_of
from textual.widgets import DataTable, Static
from timetable_helpers import open_timetable, static_text

from usis_tui.screens.student_center import ExamConfirmScreen, StudentCenterScreen
from usis_tui.widgets.week_grid import WeekGrid


async def open_center(pilot) -> StudentCenterScreen:
    await signed_in(pilot, "s1234567")
    await pilot.app.navigate("Student Center")
    await settle(pilot)
    assert isinstance(pilot.app.screen, StudentCenterScreen)
    return pilot.app.screen


async def test_student_center_in_dutch(demo_db_url, dutch):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_center(pilot)
        assert text_of(screen.query_one(".page-title")) == "Studentencentrum"
        titles = {str(b.border_title) for b in screen.query(".block")}
        assert {"Zoeken", "Plannen", "Inschrijven", "Mijn studie", "Blokkades", "Takenlijst",
                "Inschrijvingsdata", "Berichten", "Studieactiviteiten deze week"} <= titles
        assert text_of(screen.query_one("#link-shopping-cart")) == "› Winkelwagen"
        assert text_of(screen.query_one("#link-drop")) == "› Uitschrijven"
        assert text_of(screen.query_one("#link-my-class-schedule")) == "› Mijn studierooster"
        week = screen.query_one("#block-week")
        assert str(week.border_subtitle).startswith("Week van 23 nov. 2026 · ")
        assert "bijeenkomsten" in str(week.border_subtitle)
        week_text = text_of(screen.query_one("#week"))
        assert "ma 23 nov." in week_text and "Mon" not in week_text
        todo = text_of(screen.query_one("#todo")).replace("\n", " ")
        assert ("Bevestig tentamen 2056 Artificial Intelligence (18 jan.) uiterlijk "
                "8 jan. 2027 23:59 (nog 46 dagen).") in todo
        assert "Lees je 1 ongelezen bericht." in todo
        assert text_of(screen.query_one("#link-confirm-exams")) == (
            "› Tentameninschrijvingen bevestigen (2)")
        dates = text_of(screen.query_one("#dates"))
        assert dates.startswith("Volgende opening: 2 dec. 2026 09:00")
        assert "opent  2 dec. 2026 09:00" in dates
        assert text_of(screen.query_one("#unread")) == "1 ongelezen bericht"
        await pilot.press("x")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExamConfirmScreen)
        table = dialog.query_one(DataTable)
        assert [str(c.label) for c in table.columns.values()] == [
            "Nr.", "Cursus", "Soort", "Tentamen", "Bevestigen uiterlijk", "Status"]
        await pilot.press("enter")
        await settle(pilot)
        prompt = text_of(dialog.query_one("#exam-confirm-prompt"))
        assert prompt.startswith("Je inschrijving voor 2056 Artificial Intelligence (Tentamen, ")
        assert "Druk nogmaals op Enter om te bevestigen, Escape om te annuleren." in prompt


async def test_timetable_in_dutch(demo_db_url, dutch):
    app = make_app(demo_db_url)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_timetable(pilot)
        assert screen.sub_title == "Rooster · Week 48 · 23 – 27 nov. 2026"
        assert "Week 48 · 23 – 27 nov. 2026" in static_text(screen.query_one("#tt-title", Static))
        legend = static_text(screen.query_one("#tt-legend", Static))
        assert "Ingeschreven" in legend and "Gepland" in legend
        grid = screen.query_one(WeekGrid)
        text = "\n".join(grid.text_lines())
        assert "ma 23 nov." in text and "vr 27 nov." in text and "Mon" not in text
        detail = static_text(screen.query_one("#tt-detail", Static))
        assert "Brightspace" in detail and "studieactiviteit" not in detail.split("\n")[0]
        await pilot.press("l")
        table = screen.query_one("#tt-list", DataTable)
        assert [str(c.label) for c in table.columns.values()] == [
            "Datum", "Tijd", "Studieactiviteit", "Cursus", "Soort", "Status", "Zaal", "Titel"]
        row = table.get_row_at(table.cursor_row)
        assert str(row[0]).startswith("ma 23 nov.")
        assert "Lijstweergave" in static_text(screen.query_one("#tt-title", Static))
        await pilot.press("x")
        await settle(pilot)
        assert "Tentamenrooster" in static_text(screen.query_one("#tt-title", Static))
        exams = screen.query_one("#tt-exam-table", DataTable)
        assert "Inschrijven uiterlijk" in [str(c.label) for c in exams.columns.values()]
