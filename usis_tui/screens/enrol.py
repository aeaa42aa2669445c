"""The Enrol page: Main Menu › Self Service › Student Center › Enrol.

Tabs "Add" (with the Shopping cart and the 3-step enrolment), "Drop", "Swap" and "My Class
Schedule". Open it as ``EnrolScreen(tab="add")`` (tab: add, drop, swap, schedule, cart or search;
``class_number="1052"`` pre-fills option 1).

Every service call runs in a worker thread (``self.call``); ``run_task`` starts each user action
as a service worker (screens/calls.py): a refused request shows its problems and an unexpected
error is one message, never a crash.

Only what is shown is mounted: the Drop, Swap and My Class Schedule tabs get their content the
first time they are shown (widgets/lazy.py, like the hidden steps of the Add tab). The page keeps
the latest schedule and hands it to each pane when it mounts.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import TabbedContent, TabPane
from textual.worker import Worker

from ..i18n import N_, _
from ..services.schemas import ScheduleLine
from ..widgets.class_table import ScheduleTable
from ..widgets.lazy import OnDemand
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
        Binding("f5", "reload", N_("Refresh"), show=False, id="enrol.reload"),
        # A control key, so it works while a text field has the focus too.
        Binding("ctrl+t", "app.navigate('Timetable')", N_("Timetable"),
                tooltip=N_("MyTimetable: your week with enrolled, wait-listed and planned "
                           "classes"),
                id="enrol.navigate-timetable"),
    ]

    def __init__(self, tab: str = "add", class_number: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.initial_tab = tab if tab in TABS else "add"
        self.focus_cart_first = tab == "cart"
        self.search_first = tab == "search"  # Class Search: the Add tab's search form
        self.class_number = class_number
        self.year = ""
        self.year_label = ""
        self.programmes: list[str] = []
        self.schedule_lines: list[ScheduleLine] = []
        self._schedule_label: str | None = None  # the year of the schedule loaded; None: none
        self._schedule_loading = False
        self.drop = OnDemand(self, "#drop", lambda: DropPane(id="drop-pane"),
                             fill=self._fill_schedule)
        self.swap = OnDemand(self, "#swap", lambda: SwapPane(id="swap-pane"),
                             fill=self._fill_schedule)
        self.schedule = OnDemand(self, "#schedule", lambda: SchedulePane(id="schedule-pane"),
                                 fill=self._fill_schedule)
        self._panes: dict[str, OnDemand[DropPane] | OnDemand[SwapPane]
                          | OnDemand[SchedulePane]] = {
            "drop": self.drop, "swap": self.swap, "schedule": self.schedule}

    # ------------------------------------------------------------------ layout
    def compose_body(self) -> ComposeResult:
        if self.usis_app.student_number is None:
            yield Static(_("Log in with your student number to enrol."), id="enrol-no-student")
            return
        with TabbedContent(initial=self.initial_tab, id="enrol-tabs"):
            with TabPane(_("Add"), id="add"):
                yield AddPane(class_number=self.class_number, id="add-pane")
            for tab, title in (("drop", N_("Drop")), ("swap", N_("Swap")),
                               ("schedule", N_("My Class Schedule"))):
                with TabPane(_(title), id=tab):
                    if tab == self.initial_tab:  # the tab shown first; the others on demand
                        yield self._panes[tab].compose()

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
        elif self.search_first:
            await self.add_pane.action_open_search()
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

    def _schedule_tables(self) -> list[ScheduleTable]:
        """The schedule tables of the Drop and My Class Schedule tabs that are mounted."""
        panes = [self.drop.widget, self.schedule.widget]
        return [pane.query_one(ScheduleTable) for pane in panes if pane is not None]

    def _set_schedule_loading(self, loading: bool) -> None:
        self._schedule_loading = loading
        for table in self._schedule_tables():
            table.loading = loading

    async def load_schedule(self) -> None:
        usis = self.usis_app.usis
        self._set_schedule_loading(True)
        try:
            lines = await self.call(usis.enrolment.schedule, self.student, self.year)
        finally:
            self._set_schedule_loading(False)
        self.schedule_lines = lines
        self._schedule_label = self.year_label
        self.add_pane.cart.show_waiting(lines)
        for pane in self._panes.values():
            pane.refill()

    def _fill_schedule(self, pane: DropPane | SwapPane | SchedulePane) -> None:
        """Give a Drop, Swap or My Class Schedule pane the schedule last loaded (when it mounts
        and after each load)."""
        if isinstance(pane, (DropPane, SchedulePane)) and self._schedule_loading:
            pane.query_one(ScheduleTable).loading = True
        if self._schedule_label is not None:
            pane.show_lines(self.schedule_lines, self._schedule_label)

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
    async def show_tab(self, tab: str) -> None:
        if tab in self._panes:
            await self._panes[tab].get()
        # The focus leaves the old tab first: a focused widget that is hidden blurs itself when
        # its Hide event comes, and would take away the focus given to the new tab meanwhile.
        self.set_focus(None)
        self.query_one(TabbedContent).active = tab
        self.call_after_refresh(self._focus_tab, tab)

    @on(TabbedContent.TabActivated, "#enrol-tabs")
    async def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        """A tab shown for the first time gets its content."""
        pane = self._panes.get(event.pane.id or "")
        if pane is not None:
            await pane.get()

    def _focus_tab(self, tab: str) -> None:
        if tab == "add":
            self.add_pane.focus_default()
            return
        focus = {"drop": "#drop-table", "swap": "#swap-from", "schedule": "#schedule-table"}
        pane = self._panes[tab].widget
        if pane is not None:
            pane.query_one(focus[tab]).focus()

    def action_back(self) -> None:
        if self.usis_app.student_number is not None:
            tabs = self.query_one(TabbedContent)
            if tabs.active == "add" and self.add_pane.back():
                return
            swap = self.swap.widget
            if (tabs.active == "swap" and swap is not None
                    and swap.query_one("#swap-confirm").display):
                swap.action_cancel()
                return
        super().action_back()
