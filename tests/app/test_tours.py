"""Guided tours in the app (issue 18): the tour panel, Show me, Back/Skip/Stop, hints for a
wrong turn, the Tours page; a trainee follows "Option 1" (usis_tui/tours/
enrol-by-class-number.tour) on a copy of the demo database, clock at DEMO_NOW (2026-11-23
09:30)."""

from __future__ import annotations

import pytest
from enrol_helpers import wait_until
from helpers import make_app, settle
from shell_helpers import signed_in, text_of, wait_ready

from usis_tui.tours.guide import TARGET_CLASS
from usis_tui.widgets.tour_panel import TourPanel

TOUR = "enrol-by-class-number"
SIZE = (120, 40)
YEAR = "2026-2027"
MINOR = "1052"


# ---------------------------------------------------------------------- helpers
def panel(app) -> TourPanel:
    found = app.screen.query(TourPanel)
    assert found, f"no tour panel on {type(app.screen).__name__}"
    return found.first()


def panel_text(app) -> str:
    p = panel(app)
    return " | ".join(text_of(p.query_one(f"#{part}"))
                      for part in ("tour-heading", "tour-instruction", "tour-hint"))


async def at_step(pilot, number: int, timeout: float = 10) -> None:
    """Wait until the guide is on step ``number`` (1-based; total + 1: finished)."""
    guide = pilot.app.tour_guide
    await wait_until(pilot, lambda: guide.progress().number == number, timeout,
                     f"step {number} (on {guide.progress().number})")
    await settle(pilot)


def tour_key_enabled(app, key: str = "f6") -> bool:
    active = app.screen.active_bindings.get(key)
    return active is not None and active.enabled


def target(app):
    found = app.screen.query(f".{TARGET_CLASS}")
    return found.first() if found else None


async def wait_target(pilot):
    await wait_until(pilot, lambda: target(pilot.app) is not None, 5, "a highlighted control")
    return target(pilot.app)


def enrolled(url: str, student: str = "s1234567") -> dict[str, str]:
    from helpers import DEMO_NOW

    from usis_tui.services import Usis

    usis = Usis.open(url, clock=lambda: DEMO_NOW)
    try:
        return {line.cls.class_number: line.status
                for line in usis.enrolment.schedule(student, YEAR)}
    finally:
        usis.close()


def audit_details(url: str) -> list[str]:
    from sqlalchemy import select

    from usis_tui.db import Database
    from usis_tui.models import AuditEntry

    db = Database(url)
    try:
        with db.read() as session:
            return [e.detail for e in session.scalars(
                select(AuditEntry).where(AuditEntry.action == "tour").order_by(AuditEntry.id))]
    finally:
        db.dispose()


# ---------------------------------------------------------------------- following the tour
async def test_a_trainee_follows_option_1_with_one_wrong_turn(demo_db_url):
    """From `usis --tour enrol-by-class-number`: the panel on the Login; the trainee types,
    presses keys and clicks the highlighted controls as the instructions say, opens the
    Timetable instead of Enrol once (a hint leads back), and finishes; the minor is enrolled."""
    seen: list = []
    app = make_app(demo_db_url, tour=TOUR)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await wait_until(pilot, lambda: app.tour_guide is not None, 5, "the tour")
        app.tour_guide.add_listener(seen.append)
        await at_step(pilot, 1)
        assert "Step 1 of 9" in panel_text(app)
        assert "Log in at uSis with your ULCN account" in panel_text(app)
        assert (await wait_target(pilot)).id == "username"

        # 1. log in
        await pilot.click("#username")
        await pilot.press(*"s1234567", "enter")
        await pilot.press(*"demo", "enter")
        await at_step(pilot, 2)
        # 2. Main Menu → Self Service: the link is highlighted; Enter on it
        assert (await wait_target(pilot)).id == "link-self-service"
        await pilot.press("s")
        await at_step(pilot, 3)
        # 3. Student Center
        await pilot.press("c")
        await at_step(pilot, 4)
        assert "Click on 'Enrol'" in panel_text(app)
        # a wrong turn: the Timetable instead of Enrol
        await pilot.press("ctrl+p")
        await pilot.press(*"Timetable")
        await settle(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.tour_guide.hint is not None, 5, "a hint")
        assert app.screen.usis_page == "Timetable"
        hint = app.tour_guide.hint
        assert "Student Center" in hint and "Escape" in hint and "Enrol" in hint, hint
        assert hint in panel_text(app)
        assert seen[-1].hint == hint and seen[-1].number == 4
        # back, as the hint says
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.tour_guide.hint is None, 5, "the hint to go")
        await pilot.press("e")
        await at_step(pilot, 5)
        # 5. the class number, then Continue (Enter)
        field = await wait_target(pilot)
        assert field.id == "class-number"
        await pilot.click("#class-number")
        await pilot.press(*MINOR, "enter")
        await at_step(pilot, 6)
        # 6. Next (the highlighted button, clicked)
        button = await wait_target(pilot)
        assert str(button.label) == "Next"
        await pilot.click(button)
        await at_step(pilot, 7)
        # 7. Enrol
        button = await wait_target(pilot)
        assert str(button.label) == "Enrol"
        await pilot.click(button)
        await at_step(pilot, 8)
        # 8. Finish enrolling
        await pilot.click(await wait_target(pilot))
        await at_step(pilot, 9)
        # 9. a note: read it, Next step (F7)
        assert app.tour_guide.step.is_note
        await wait_until(pilot, lambda: app.focused is not None and app.focused.id == "tour-next",
                         5, "Next in the panel focused")
        await pilot.press("enter")
        await at_step(pilot, 10)
        assert app.tour_guide.finished
        assert "finished" in panel_text(app)
        assert seen[-1].finished
        await pilot.press("f10")
        await settle(pilot)
        assert app.tour_guide is None and not app.screen.query(TourPanel)
    assert enrolled(demo_db_url).get(MINOR) == "enrolled"
    details = audit_details(demo_db_url)
    assert "step 2 done (by the trainee)" in details and "finished " + TOUR in details


@pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=["120x40", "80x24"])
async def test_show_me_does_every_step_and_the_tour_finishes(demo_db_url, size):
    """Show me (F6) on every step, from the Login: the replay engine signs in, opens the pages,
    enters the class number and presses the buttons in the live app; each step is done by
    Show me; the minor is enrolled. At 80x24 too, where the pages scroll."""
    seen: list = []
    app = make_app(demo_db_url, tour=TOUR)
    async with app.run_test(size=size) as pilot:
        await wait_ready(pilot)
        await wait_until(pilot, lambda: app.tour_guide is not None, 5, "the tour")
        app.tour_guide.add_listener(seen.append)
        for number in range(1, 10):
            await at_step(pilot, number)
            await pilot.press("f6")
            await at_step(pilot, number + 1, timeout=30)
            assert seen[-1].shown_me and seen[-1].hint is None, seen[-1]
        assert app.tour_guide.finished
        assert app.identity is not None and app.identity.username == "s1234567"
    assert enrolled(demo_db_url).get(MINOR) == "enrolled"
    details = audit_details(demo_db_url)
    assert "step 8 done (Show me)" in details and f"finished {TOUR}" in details


async def test_back_skip_and_stop(demo_db_url):
    """Skip moves on without checking, Back shows the previous step again (the app stays where
    it is), Stop ends the tour: the panel and its keys go."""
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        assert not tour_key_enabled(app)
        assert await app.start_tour(TOUR)
        await settle(pilot)
        await at_step(pilot, 2)  # signed in already: the login step is done at once
        assert panel(app)
        assert tour_key_enabled(app)
        await pilot.press("f9")  # Skip: Self Service is not opened
        await at_step(pilot, 3)
        assert app.screen.usis_page == "Main Menu"
        assert "Click on 'Student Center'" in panel_text(app)
        await pilot.press("f8")  # Back
        await at_step(pilot, 2)
        assert "go to 'Self Service'" in panel_text(app)
        assert app.screen.usis_page == "Main Menu"
        await pilot.click("#tour-skip")  # the panel's buttons do the same
        await at_step(pilot, 3)
        await pilot.press("f7")  # Next step: not a note, nothing happens
        await settle(pilot)
        assert app.tour_guide.index == 2
        await pilot.press("f10")  # Stop
        await settle(pilot)
        assert app.tour_guide is None
        assert not app.screen.query(TourPanel)
        assert not tour_key_enabled(app)
    details = audit_details(demo_db_url)
    assert details[0] == f"start {TOUR}"
    assert "step 2 done (Skipped)" in details
    assert details[-1] == f"stopped {TOUR} at step 3"


async def test_show_me_leads_back_and_says_why_it_cannot(demo_db_url):
    """The command palette is no wrong turn; Show me on another page first goes back to where
    the step began; Show me that cannot do the step says why in the panel (the hint stays
    while the trainee stays there), and the app stays up."""
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        assert await app.start_tour(TOUR)
        await at_step(pilot, 2)
        await pilot.press("f9", "f9")  # to "Click on 'Enrol'", on the Main Menu
        await at_step(pilot, 4)
        await pilot.press("ctrl+p")  # the palette is no wrong turn
        await pilot.pause(0.8)
        assert app.tour_guide.hint is None
        await pilot.press("escape")
        await settle(pilot)
        # a wrong turn: a hint; Show me goes back to the Main Menu, then opens Enrol
        await app.navigate("Timetable")
        await wait_until(pilot, lambda: app.tour_guide.hint is not None, 5, "a hint")
        assert "Enrol" in app.tour_guide.hint
        await pilot.press("f6")
        await at_step(pilot, 5, timeout=30)
        assert app.screen.usis_page == "Enrol"
        # step 8 from the Main Menu: nothing there says Finish enrolling
        await pilot.press("f9", "f9", "f9")
        await at_step(pilot, 8)
        await app.navigate("Main Menu")
        await settle(pilot)
        await pilot.press("f8", "f9")  # Back, Skip: step 8 begins again, on the Main Menu
        await at_step(pilot, 8)
        await pilot.press("f6")
        await wait_until(pilot, lambda: (app.tour_guide.hint or "").startswith(
            "Show me could not do this step"), 30, "the Show me failure")
        assert "Finish enrolling" in app.tour_guide.hint
        await pilot.pause(0.8)
        assert "Finish enrolling" in app.tour_guide.hint and app.is_running
        assert app.tour_guide.index == 7
        assert "Show me could not do this step" in panel_text(app)


@pytest.mark.parametrize("name", [TOUR, "enrol-by-searching", "portal-enrol-and-pay"])
async def test_the_whole_tour_in_dutch(demo_db_url, name):
    """In Dutch (usis --lang nl) the panel shows the catalogue's Dutch instruction, and Show me
    does every step with the Dutch labels and texts (the tour is written in English; its
    expected texts and labels are in the catalogue too): the checks find the Dutch page names,
    messages, footer keys ("Zoeken") and buttons ("€ 495,00 betalen"); the tour finishes."""
    from usis_tui.tours import load_tour

    tour = load_tour(name)
    app = make_app(demo_db_url, lang="nl", tour=name)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await wait_until(pilot, lambda: app.tour_guide is not None, 5, "the tour")
        await at_step(pilot, 1)
        if name == TOUR:
            assert "Log in bij uSis met je ULCN-account" in panel_text(app), panel_text(app)
        for number in range(1, len(tour.steps) + 1):
            await at_step(pilot, number)
            shown = panel_text(app)
            assert tour.steps[number - 1].say not in shown, shown  # never the English
            await pilot.press("f6")
            await at_step(pilot, number + 1, timeout=30)
            assert app.tour_guide.hint is None, app.tour_guide.hint
        assert app.tour_guide.finished
    if name == TOUR:
        assert enrolled(demo_db_url).get(MINOR) == "enrolled"


async def test_the_tours_page_starts_a_tour(demo_db_url):
    """Main Menu › Tours (a link for students): the shipped tours with their steps; Enter on
    one starts it from the Main Menu, its login step done (the student is signed in)."""
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        await signed_in(pilot)
        assert app.screen.query("#link-tours")
        await pilot.click("#link-tours")
        await settle(pilot)
        assert app.screen.usis_page == "Tours"
        table = app.screen.query_one("#tours-table")
        assert table.row_count == len(__import__("usis_tui.tours").tours.list_tours())
        row = [text_of_cell(c) for c in table.get_row(TOUR)]
        assert row[0] == "Option 1: Enrol by entering the class number" and row[1] == "9"
        table.move_cursor(row=table.get_row_index(TOUR))
        await pilot.press("enter")
        await at_step(pilot, 2)
        assert app.screen.usis_page == "Main Menu"
        assert "Step 2 of 9" in panel_text(app)
        assert (await wait_target(pilot)).id == "link-self-service"


def text_of_cell(cell) -> str:
    return getattr(cell, "plain", str(cell))
