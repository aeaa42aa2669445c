"""Helpers for the petition Pilot tests and snapshots: start the app on the demo database, open
the student's Petitions or the Board's queue, type into fields, read what the screen shows."""

from __future__ import annotations

from io import StringIO

from helpers import settle
from rich.console import Console
from textual.widget import Widget
from textual.widgets import Input, TextArea

from usis_tui.services.schemas import Identity

SIZE = (120, 40)
STUDENT = "s7654321"
BOARD = Identity(kind="staff", username="board",
                 name="Prof.dr. M. de Rijke (Board of Examiners)", role="board")


async def settle_reloads(pilot) -> None:
    """``settle``, where a reload may cancel an earlier worker (exclusive workers)."""
    await settle(pilot, cancelled_ok=True)


async def started(pilot) -> None:
    """Wait for the start-up worker (the database) and the Login screen."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for _ in range(400):
        if pilot.app.ready:
            break
        await pilot.pause(0.05)
    await settle_reloads(pilot)


async def as_student(pilot, number: str = STUDENT) -> None:
    app = pilot.app
    app.identity = app.raw_usis.student.profile(number)


async def as_board(pilot) -> None:
    pilot.app.identity = BOARD


async def open_petitions(pilot, number: str = STUDENT):
    from usis_tui.screens.petitions import PetitionsScreen

    await started(pilot)
    await as_student(pilot, number)
    screen = PetitionsScreen()
    await pilot.app.push_screen(screen)
    await settle_reloads(pilot)
    steady(pilot)
    return screen


async def open_queue(pilot):
    from usis_tui.screens.board import BoardQueueScreen

    await started(pilot)
    await as_board(pilot)
    screen = BoardQueueScreen()
    await pilot.app.push_screen(screen)
    await settle_reloads(pilot)
    return screen


def steady(pilot) -> None:
    """No blinking cursors (the screens do this when headless; make sure for snapshots)."""
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False


async def type_into(pilot, selector: str, text: str, *, clear: bool = True,
                    keys: bool = True) -> None:
    """Focus a field and type, key by key (``keys=False``: put the text in at once, which is
    much faster: Pilot waits for idle after every key)."""
    widget = pilot.app.screen.query_one(selector)
    if clear and isinstance(widget, Input):
        widget.value = ""
    if clear and isinstance(widget, TextArea):
        widget.text = ""
    widget.focus()
    await pilot.pause()
    if keys:
        await pilot.press(*text)  # Textual turns " ", ".", "~"… into their key names
    elif isinstance(widget, TextArea):
        widget.insert(text)
    else:
        widget.insert_text_at_cursor(text)
    await pilot.pause()


async def choose_radio(pilot, radio_set: str, index: int) -> None:
    """Pick the index-th button of a RadioSet with the keyboard."""
    widget = pilot.app.screen.query_one(radio_set)
    widget.focus()
    await pilot.pause()
    for _ in range(10):  # down wraps around; the highlight starts on the pressed button or none
        if widget._selected == index:  # noqa: SLF001
            break
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()


async def choose_level(pilot, select: str, level: int) -> None:
    """Open the Select and pick a level (100 is the first option) with the keyboard."""
    widget = pilot.app.screen.query_one(select)
    widget.focus()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    for _ in range(level // 100):  # the cursor starts on the blank "Choose" line
        await pilot.press("down")
    await pilot.press("enter")
    await pilot.pause()


async def press_button(pilot, selector: str) -> None:
    """Focus a button and press Enter (works wherever it is scrolled)."""
    button = pilot.app.screen.query_one(selector)
    button.focus()
    await pilot.pause()
    await pilot.press("enter")
    await settle_reloads(pilot)


def text_of(widget: Widget) -> str:
    """The plain text a Static-like widget shows (str, Content, Rich Text or a Rich table)."""
    content = getattr(widget, "content", None)
    if content is None:
        content = widget.render()
    plain = getattr(content, "plain", None)
    if isinstance(content, str):
        return content
    if plain is not None:
        return plain
    console = Console(file=StringIO(), width=200, color_system=None)
    console.print(content)
    return console.file.getvalue()


def screen_text(pilot, selector: str) -> str:
    return text_of(pilot.app.screen.query_one(selector))


def table_rows(table) -> list[list[str]]:
    out = []
    for row_key in table.rows:
        out.append([getattr(c, "plain", str(c)) for c in table.get_row(row_key)])
    return out


# A valid external elective as the form takes it: field id → text.
EXTERNAL = {
    "#f-course_name": "Advanced Information Retrieval",
    "#f-institution": "University of Amsterdam",
    "#f-ec": "7.5",
    "#f-course_start": "01-02-2027",
    "#f-documents": "~/air.pdf",
    "#f-course_url": "https://studiegids.uva.nl/air",
}
MOTIVATION = "Search engines are my thesis topic."


async def fill_external_elective(pilot, *, level: int = 500, hbo: bool = False,
                                 keys: bool = False) -> None:
    """From the list: Submit request → Elective course → Another institution, every field
    (typed key by key with ``keys=True``; the choices are always made with the keyboard)."""
    await pilot.press("n")
    await settle_reloads(pilot)
    await pilot.press("enter")  # "Elective course" is the first type
    await settle_reloads(pilot)
    await choose_radio(pilot, "#f-source", 1)  # Another institution
    for selector, value in EXTERNAL.items():
        await type_into(pilot, selector, value, keys=keys)
    await choose_radio(pilot, "#f-institution_type", 1 if hbo else 0)
    await choose_level(pilot, "#f-level", level)
    await type_into(pilot, "#f-motivation", MOTIVATION, keys=keys)
