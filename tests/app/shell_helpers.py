"""Helpers for the shell tests: start the app, sign in, read what a widget shows."""

from __future__ import annotations

from io import StringIO

from helpers import second_factor, settle
from rich.console import Console
from textual.content import Content
from textual.widget import Widget

from usis_tui.app import UsisApp

SIZE = (120, 40)


async def wait_ready(pilot, timeout: float = 20.0) -> None:
    """Wait for the start-up worker (database preparation) to finish."""
    waited = 0.0
    while not pilot.app.ready and waited < timeout:
        await pilot.pause(0.05)
        waited += 0.05
    await settle(pilot)


async def sign_in(pilot, username: str, password: str = "demo", *,
                  code: bool = True) -> None:
    """Type the credentials on the Login screen and press Enter; then, unless ``code`` is
    False, pass the two-step sign-in if it is asked (staff: the set-up or the code)."""
    app = pilot.app
    app.screen.query_one("#username").value = ""
    await pilot.click("#username")
    await pilot.press(*username)
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press(*password)
    await pilot.press("enter")
    await settle(pilot)
    if code:
        await second_factor(pilot)


async def signed_in(pilot, username: str = "s1234567") -> None:
    await wait_ready(pilot)
    await sign_in(pilot, username)
    assert pilot.app.identity is not None, f"could not sign in as {username}"


def text_of(widget: Widget) -> str:
    """The plain text a Static-like widget shows (str, Content, Rich Text or a Rich table)."""
    content = getattr(widget, "content", None)
    if content is None:
        content = widget.render()
    if isinstance(content, str):
        return content
    if isinstance(content, Content):
        return content.plain
    plain = getattr(content, "plain", None)
    if isinstance(plain, str):
        return plain
    out = StringIO()
    Console(file=out, width=200, color_system=None, legacy_windows=False).print(content)
    return out.getvalue()


def screen_names(app: UsisApp) -> list[str]:
    """The screens above the app's default screen by class; a page of the breadcrumb that is
    not built yet (screens/base.py PendingPage) as "(its page name)"."""
    from usis_tui.screens.base import PendingPage

    return [f"({s.usis_page})" if isinstance(s, PendingPage) else type(s).__name__
            for s in app.screen_stack[1:]]


# ---------------------------------------------------------------- roles (support, trainer)
async def find_student(pilot, query: str) -> None:
    """On Find a student: type ``query`` in the search field and press Enter."""
    field = pilot.app.screen.query_one("#find-query")
    field.focus()
    field.value = ""
    await pilot.press(*query, "enter")
    await settle(pilot)


async def act_as(pilot, number: str = "s1234567") -> None:
    """Signed in as support: Main Menu → f (Find a student) → search → Enter on the row."""
    app = pilot.app
    await app.navigate("Main Menu")
    await settle(pilot)
    await pilot.press("f")
    await settle(pilot)
    await find_student(pilot, number)
    await pilot.press("enter")
    await settle(pilot)
    assert app.student_number == number, f"not acting as {number}"


def banner_text(app: UsisApp) -> str | None:
    """The act-as banner of the current screen when it is shown, else None."""
    from usis_tui.widgets.act_as_banner import ActAsBanner

    found = app.screen.query(ActAsBanner)
    if not found or not found.first().display:
        return None
    return found.first().text
