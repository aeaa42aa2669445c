"""The Enrol page: Main Menu › Self Service › Student Center › Enrol.

Tabs "Add" (with the Shopping cart and the 3-step enrolment), "Drop", "Swap" and "My Class
Schedule". Open it as ``EnrolScreen(tab="add")`` (tab: add, drop, swap, schedule or cart;
``class_number="1052"`` pre-fills option 1).

Every service call runs in a worker thread (``self.call``); ``run_task`` starts each user action
as a service worker (screens/calls.py): a refused request shows its problems and an unexpected
error is one message, never a crash.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import TabbedContent, TabPane
from textual.worker import Worker

from ..services.schemas import ScheduleLine
from ..widgets.literal import Static
from ..widgets.problems import ProblemList
from .base import UsisScreen
from .calls import start
from .enrol_add import AddPane
from .enrol_manage import DropPane, SchedulePane, SwapPane

TABS = ("add", "drop", "swap", "schedule")


class EnrolScreen(UsisScreen):
    PAGE = "Enrol"
    CSS_PATH = "../styles/enrol.tcss"
    BINDINGS: ClassVar = [
        Binding("f5", "reload", "Refresh", show=False, id="enrol.reload"),
        # A control key, so it works while a text field has the focus too.
        Binding("ctrl+t", "app.navigate('Timetable')", "Timetable",
                tooltip="MyTimetable: your week with enrolled, wait-listed and planned classes",
                id="enrol.navigate-timetable"),
    ]

    def __init__(self, tab: str = "add", class_number: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.initial_tab = tab if tab in TABS else "add"
        self.focus_cart_first = tab == "cart"
        self.class_number = class_number
        self.year = ""
        self.year_label = ""
        self.programmes: list[str] = []
        self.schedule_lines: list[ScheduleLine] = []

    # ------------------------------------------------------------------ layout
    def compose_body(self) -> ComposeResult:
        if self.usis_app.student_number is None:
            yield Static("Log in with your student number to enrol.", id="enrol-no-student")
            return
        with TabbedContent(initial=self.initial_tab, id="enrol-tabs"):
            with TabPane("Add", id="add"):
                yield AddPane(class_number=self.class_number, id="add-pane")
            with TabPane("Drop", id="drop"):
                yield DropPane(id="drop-pane")
            with TabPane("Swap", id="swap"):
                yield SwapPane(id="swap-pane")
            with TabPane("My Class Schedule", id="schedule"):
                yield SchedulePane(id="schedule-pane")

    @property
    def student(self) -> str:
        number = self.usis_app.student_number
        assert number is not None
        return number

    @property
    def add_pane(self) -> AddPane:
        return self.query_one(AddPane)

    def on_mount(self) -> None:
        if self.usis_app.student_number is None:
            return
        self.run_task(self._start())

    async def _start(self) -> None:
        usis = self.usis_app.usis
        years = await self.call(usis.catalogue.years)
        current = await self.call(usis.catalogue.current_year)
        self.programmes = await self.call(usis.catalogue.programmes)
        self.year = current
        self.add_pane.set_years(years, current, self.programmes)
        self.year_label = self.add_pane.year_label(current)
        await self.load_all()
        if self.focus_cart_first:
            self.add_pane.focus_cart()
        elif self.initial_tab == "add":
            self.add_pane.focus_default()
        else:
            self._focus_tab(self.initial_tab)

    # ------------------------------------------------------------------ tasks
    def run_task(self, coro: Coroutine[Any, Any, Any], *,
                 problems: ProblemList | None = None) -> Worker:
        """Run a user action of the Enrol page (and its panes) as a service worker."""
        return start(self, coro, problems=problems, group="enrol")

    # ------------------------------------------------------------------ data
    async def load_cart(self, *, tick: int | None = None) -> None:
        usis = self.usis_app.usis
        cart = self.add_pane.cart
        lines = await self.call(usis.cart.list, self.student, self.year, loading=cart.table)
        if tick is not None:
            cart.table.selected.add(tick)
        cart.show_lines(lines)
        if tick is not None and str(tick) in cart.table.lines:
            cart.table.move_cursor(row=cart.table.get_row_index(str(tick)), animate=False)

    async def load_schedule(self) -> None:
        usis = self.usis_app.usis
        tables = [pane.query_one("ScheduleTable") for pane in
                  (self.query_one(DropPane), self.query_one(SchedulePane))]
        for table in tables:
            table.loading = True
        try:
            lines = await self.call(usis.enrolment.schedule, self.student, self.year)
        finally:
            for table in tables:
                table.loading = False
        self.schedule_lines = lines
        self.add_pane.cart.show_waiting(lines)
        self.query_one(DropPane).show_lines(lines, self.year_label)
        self.query_one(SwapPane).show_lines(lines, self.year_label)
        self.query_one(SchedulePane).show_lines(lines, self.year_label)

    async def load_all(self) -> None:
        await self.load_cart()
        await self.load_schedule()

    def year_changed(self, code: str) -> None:
        self.year = code
        self.year_label = self.add_pane.year_label(code)
        self.run_task(self.load_all())

    def action_reload(self) -> None:
        if self.year:
            self.run_task(self.load_all())

    # ------------------------------------------------------------------ navigation
    def show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        self._focus_tab(tab)

    def _focus_tab(self, tab: str) -> None:
        if tab == "add":
            self.add_pane.focus_default()
        elif tab == "drop":
            self.query_one("#drop-table").focus()
        elif tab == "swap":
            self.query_one("#swap-from").focus()
        elif tab == "schedule":
            self.query_one("#schedule-table").focus()

    def action_back(self) -> None:
        if self.usis_app.student_number is not None:
            tabs = self.query_one(TabbedContent)
            if tabs.active == "add" and self.add_pane.back():
                return
            swap = self.query_one(SwapPane)
            if tabs.active == "swap" and swap.query_one("#swap-confirm").display:
                swap.action_cancel()
                return
        super().action_back()
