"""Helpers for the Enrol page tests (Pilot and snapshots): open the page as a logged-in student,
wait for the service calls (workers) to finish, read what the screen shows."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import WorkerState

from usis_tui.screens.enrol import EnrolScreen

STUDENT = "s1234567"
SIZE = (120, 40)


async def wait_until(pilot: Pilot, predicate: Callable[[], object], timeout: float = 15,
                     what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


def busy(app) -> bool:
    return any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers)


async def settle_until_idle(pilot: Pilot, timeout: float = 15) -> None:
    """Wait until every worker (service call) is done and the screen has caught up."""
    await pilot.pause()
    await wait_until(pilot, lambda: not busy(pilot.app), timeout, "workers to finish")
    await pilot.pause()
    await pilot.pause()


def no_blink(app) -> None:
    for inp in app.screen.query(Input):
        inp.cursor_blink = False


async def open_enrol(pilot: Pilot, tab: str = "add", class_number: str | None = None,
                     student: str = STUDENT) -> EnrolScreen:
    """Past the start-up screen, log in as ``student`` (identity only) and push the Enrol page."""
    app = pilot.app
    await wait_until(pilot, lambda: getattr(app, "ready", True), what="the app to be ready")
    await settle_until_idle(pilot)
    app.identity = app.raw_usis.student.profile(student)
    screen = EnrolScreen(tab=tab, class_number=class_number)
    await app.push_screen(screen)
    await settle_until_idle(pilot)
    no_blink(app)
    return screen


def plain(widget) -> str:
    """The text a Static/Label shows (Rich renderables rendered at 120 columns)."""
    content = widget.content
    if isinstance(content, str):
        return content
    text = getattr(content, "plain", None)
    if text is not None:
        return text
    from rich.console import Console

    console = Console(width=120, record=True, color_system=None, file=open("/dev/null", "w"))
    console.print(content)
    return console.export_text()


def text_of(app, selector: str) -> str:
    return plain(app.screen.query_one(selector))


def screen_text(app) -> str:
    """What the terminal shows, as plain text (from the SVG screenshot)."""
    import html
    import re

    svg = app.export_screenshot()
    return html.unescape(" ".join(re.findall(r">([^<]*)</text>", svg))).replace("\xa0", " ")
