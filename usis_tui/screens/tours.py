"""Tours: the guided tours that ship with uSis (usis_tui/tours) — title, what it shows, how many
steps — and Start, which runs the highlighted one for the signed-in user from the Main Menu,
with its panel on every page (tours/guide.py, widgets/tour_panel.py).

    Main Menu › Tours

Trainers also open a classroom for the highlighted tour here (c, or the button beside Start):
the Classroom page with that tour chosen.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll

from ..i18n import N_, _
from ..tours import Tour, list_tours
from ..widgets.literal import Button, DataTable, Label, Static
from .base import UsisScreen


class ToursScreen(UsisScreen):
    PAGE = "Tours"
    DEFAULT_CSS = """
    ToursScreen #tours-table { height: auto; max-height: 12; margin-top: 1; }
    ToursScreen #tours-actions { height: auto; margin-top: 1; }
    """
    AUTO_FOCUS = "#tours-table"
    BINDINGS: ClassVar = [
        Binding("s", "start_tour", N_("Start"),
                tooltip=N_("Start the highlighted tour (or Enter on it): its steps in a panel "
                           "on every page"), id="tours.start"),
        Binding("c", "classroom", N_("Open a classroom"),
                tooltip=N_("Trainer: a classroom for the highlighted tour, for trainees to "
                           "join"), id="tours.classroom"),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__()
        self.tours: list[Tour] = list_tours()

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="page"):
            yield Label(_("Tours"), classes="page-title")
            yield Static(_("A guided tour shows the steps of a task one at a time, in a panel "
                           "at the bottom of every page: do each step yourself, or press Show "
                           "me."), classes="muted", id="tours-intro")
            table = DataTable(id="tours-table", cursor_type="row", zebra_stripes=True)
            table.add_column(_("Tour"), key="title")
            table.add_column(_("Steps"), key="steps")
            for tour in self.tours:
                table.add_row(tour.shown_title(), str(len(tour.steps)), key=tour.name)
            yield table
            about = Static("", id="tours-about", classes="note")
            about.display = False
            yield about
            with Horizontal(id="tours-actions", classes="buttons"):
                yield Button(_("Start"), id="tours-start", variant="primary", compact=True)
                if self.usis_app.role == "trainer":
                    yield Button(_("Open a classroom"), id="tours-classroom", compact=True)

    @on(DataTable.RowHighlighted, "#tours-table")
    def _show_about(self) -> None:
        """What the highlighted tour shows, under the list."""
        tour = self.highlighted()
        about = self.query_one("#tours-about", Static)
        about.update(tour.shown_about() if tour is not None else "")
        about.display = bool(tour is not None and tour.about)

    def highlighted(self) -> Tour | None:
        table = self.query_one("#tours-table", DataTable)
        if not self.tours or table.cursor_row < 0:
            return None
        return self.tours[min(table.cursor_row, len(self.tours) - 1)]

    @on(DataTable.RowSelected, "#tours-table")
    @on(Button.Pressed, "#tours-start")
    async def action_start_tour(self) -> None:
        tour = self.highlighted()
        if tour is None:
            return
        # From the Main Menu: the tour's first steps start there (a student signed in already
        # has its Login step done at once)
        await self.usis_app.navigate("Main Menu")
        await self.usis_app.start_tour(tour.name)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "classroom":  # the trainer's (the Classroom page is theirs)
            return self.usis_app.may_open("Classroom")
        return True

    @on(Button.Pressed, "#tours-classroom")
    async def action_classroom(self) -> None:
        tour = self.highlighted()
        if tour is not None and self.usis_app.may_open("Classroom"):
            await self.usis_app.navigate("Classroom", tour=tour.name)
