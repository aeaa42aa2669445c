"""Main Menu: the first page after signing in."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Static

from ..widgets.menu_link import LinkRow, MenuLink
from .base import UsisScreen


class MainMenuScreen(UsisScreen):
    BREADCRUMB = ("Main Menu",)
    BINDINGS = [
        Binding("escape", "back", "Back", show=False),
        Binding("s", "app.navigate('Self Service')", "Self Service"),
        Binding("p", "board", "Petitions to handle"),
        Binding("o", "app.sign_out", "Sign out"),
    ]

    def compose_body(self) -> ComposeResult:
        identity = self.usis_app.identity
        name = identity.name if identity else ""
        with VerticalScroll(id="page"):
            yield Label("Main Menu", classes="page-title")
            yield Static(f"Welcome, {name}.", id="welcome", markup=False)
            with Vertical(classes="menu-block") as block:
                block.border_title = "Menu"
                yield LinkRow("Self Service", "Self Service",
                              "Student Center, enrolment, class schedule and messages",
                              link_id="link-self-service")
                if identity is not None and identity.role == "board":
                    yield LinkRow("Petitions to handle", "Petitions to handle",
                                  "Board of Examiners: advise, decide and register grades",
                                  link_id="link-board")
                yield LinkRow("Sign out", "", "End your uSis session", link_id="link-sign-out")

    def on_mount(self) -> None:
        self.query_one("#link-self-service", MenuLink).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "board":  # only the Board of Examiners sees (and has) this key
            return self.usis_app.may_open("Petitions to handle")
        return True

    async def action_board(self) -> None:
        await self.usis_app.navigate("Petitions to handle")

    def action_back(self) -> None:
        """Main Menu is the start: Escape stays here."""

    @on(MenuLink.Selected, "#link-sign-out")
    async def _sign_out(self) -> None:
        await self.usis_app.action_sign_out()
