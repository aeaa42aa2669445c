"""Helpers for the Timetable tests (Pilot and snapshots): a busy week set up through the
services, the screen opened for the demo student, plain text of what a widget shows."""

from __future__ import annotations

import io
from datetime import date, timedelta

from helpers import DEMO_NOW, settle
from textual.widgets import Static

from usis_tui.screens.timetable import TimetableScreen
from usis_tui.services import Usis
from usis_tui.services.schemas import EnrolRequest
from usis_tui.services.timetable import meeting_dates

STUDENT = "s1234567"
WEEK_48 = date(2026, 11, 23)


def busy_week(db_url: str, highlights: dict[str, str]) -> dict[str, str]:
    """Through the services: a clashing class in the cart, a full class wait-listed."""
    usis = Usis.open(db_url, clock=lambda: DEMO_NOW)
    try:
        planned = highlights["clash"]
        usis.cart.add(STUDENT, "2026-2027", planned)
        for c in usis.catalogue.class_list("2026-2027"):
            meets = any(WEEK_48 <= d < WEEK_48 + timedelta(days=7)
                        for m in c.meetings for d in meeting_dates(m))
            if c.status == "Wait List" and c.period_state == "open" and meets:
                [result] = usis.enrolment.enrol(STUDENT, [EnrolRequest(
                    section_id=c.section_id, wait_list_ok=True)], from_cart=False)
                if result.outcome == "waitlisted":
                    return {"planned": planned, "waitlisted": c.class_number}
    finally:
        usis.close()
    raise AssertionError("no full class to wait-list")


async def open_timetable(pilot, **kwargs) -> TimetableScreen:
    app = pilot.app
    for _ in range(200):  # the app prepares the database, then shows the Login screen
        await app.workers.wait_for_complete()
        await pilot.pause()
        if getattr(app, "ready", True):
            break
        await pilot.pause(0.02)
    app.identity = app.raw_usis.student.profile(STUDENT)
    screen = TimetableScreen(**kwargs)
    await app.push_screen(screen)
    await settle(pilot)
    return screen


def static_text(widget: Static) -> str:
    """The plain text of a Static, whatever it holds (str, Content, Text or a Rich Group)."""
    from rich.console import Console

    content = widget.content
    if isinstance(content, str):
        return content
    if hasattr(content, "plain"):
        return content.plain
    out = io.StringIO()
    Console(file=out, width=200, color_system=None).print(content)
    return out.getvalue()
