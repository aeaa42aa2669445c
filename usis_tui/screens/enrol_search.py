"""Class search ("Enrol by searching the course"): the PeopleSoft search fields, "Search", and the
results below the fields, with paging. Used on the Add tab and, in a dialog, on the Swap tab.

Posts ``ClassSearch.Chosen(cls)`` when a result row is selected (Enter or click).
"""

from __future__ import annotations

import re
from datetime import time
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen

from ..i18n import N_, _, ngettext, pgettext
from ..services import ServiceError
from ..services.catalogue import search_criteria
from ..services.schemas import COMPONENTS, ClassInfo, Problem, SearchCriteria
from ..widgets.class_detail import DAY_LABELS, component_label
from ..widgets.class_table import ClassTable
from ..widgets.footer import UsisFooter
from ..widgets.literal import Button, Checkbox, DataTable, Input, Label, Select, Static
from ..widgets.problems import ProblemList
from .calls import call_service, start

if TYPE_CHECKING:
    from ..services import Usis

PAGE_SIZE = 10
DAYS = DAY_LABELS[:5]  # Mo-Fr, shown with _()
LEVELS = [100, 200, 300, 400, 500, 600]
TIME_RE = re.compile(r"^(\d{1,2})[:.]?(\d{2})$")


class SearchInput(Input):
    """A search field: Enter runs the search."""

    BINDINGS = [Binding("enter", "submit", N_("Search"), tooltip=N_("Search with these criteria"),
                        id="enrol_search.submit")]


def parse_time(value: str, field: str) -> time | None:
    """``field``: the field's name as shown (translated)."""
    value = value.strip()
    if not value:
        return None
    match = TIME_RE.match(value)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise ServiceError(Problem(
        code="bad_time",
        message=_("{field}: {value} is not a time.").format(field=field, value=repr(value)),
        hint=_("Enter a time such as 09:00 or 13:45.")))


def parse_ec(value: str) -> float | None:
    value = value.strip().replace(",", ".")
    if not value:
        return None
    try:
        ec = float(value)
    except ValueError:
        ec = -1
    if ec <= 0 or ec > 60:
        raise ServiceError(Problem(
            code="bad_ec",
            message=_("EC: {value} is not a number of credits.").format(value=repr(value)),
            hint=_("Enter the course's credits, e.g. 5 or 7.5.")))
    return ec


class ClassSearch(Vertical):
    """Search form + results. ``year`` / ``year_label`` say which academic year is searched."""

    BINDINGS = [
        Binding("ctrl+r", "reset", N_("Clear"), tooltip=N_("Clear the search fields"),
                id="enrol_search.reset"),
        Binding("n", "page(1)", N_("Next page"), id="enrol_search.page-1-2"),
        Binding("p", "page(-1)", N_("Previous page"), id="enrol_search.page-1"),
    ]

    class Chosen(Message):
        def __init__(self, search: ClassSearch, cls: ClassInfo) -> None:
            super().__init__()
            self.search = search
            self.cls = cls

        @property
        def control(self) -> ClassSearch:
            return self.search

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002 - Textual's widget `id` keyword
        super().__init__(id=id, classes=classes)
        self.year = ""
        self.year_label = ""
        self.page = 1
        self.pages = 0
        self.total = 0
        self._criteria: SearchCriteria | None = None
        self._programmes_set = False

    def compose(self) -> ComposeResult:
        yield Label(_("Class search"), classes="section-title", id="search-title")
        with Grid(id="search-form"):
            yield Label(_("Course subject / programme"), classes="field-label")
            yield Select([], prompt=_("Any programme"), id="search-programme", compact=True)
            yield Label(_("Catalogue number"), classes="field-label")
            yield SearchInput(placeholder=_("e.g. 4000MDSAIN"), id="search-catalogue",
                              compact=True, max_length=12)
            yield Label(_("Course title keyword"), classes="field-label")
            yield SearchInput(placeholder=_("e.g. data science"), id="search-title-kw",
                              compact=True)
            # Translators: a label in a column of 18 cells (Dutch: shortened)
            yield Label(pgettext("search field", "Class number"), classes="field-label")
            yield SearchInput(placeholder=_("4 digits"), id="search-class", compact=True,
                              restrict=r"[0-9]*", max_length=4)
            yield Label(_("Component"), classes="field-label")
            yield Select([(component_label(c), c) for c in COMPONENTS],
                         prompt=_("Any component"), id="search-component", compact=True)
            yield Label(_("Days of week"), classes="field-label")
            with Horizontal(id="search-days"):
                for i, day in enumerate(DAYS):
                    yield Checkbox(_(day), id=f"search-day-{i}", compact=True)
            yield Label(_("Meeting start time"), classes="field-label")
            yield SearchInput(placeholder=_("from, e.g. 09:00"), id="search-start",
                              compact=True, max_length=5, restrict=r"[0-9:.]*")
            yield Label(_("Meeting end time"), classes="field-label")
            yield SearchInput(placeholder=_("until, e.g. 17:00"), id="search-end", compact=True,
                              max_length=5, restrict=r"[0-9:.]*")
            yield Label(_("Instructor"), classes="field-label")
            yield SearchInput(placeholder=_("name"), id="search-instructor", compact=True)
            yield Label(_("Level"), classes="field-label")
            yield Select([(str(level), level) for level in LEVELS], prompt=_("Any level"),
                         id="search-level", compact=True)
            yield Label("EC", classes="field-label")
            yield SearchInput(placeholder=_("e.g. 5"), id="search-ec", compact=True,
                              max_length=4, restrict=r"[0-9.,]*")
            yield Label("", classes="field-label")
            yield Checkbox(_("Show open classes only"), value=True, id="search-open",
                           compact=True)
        with Horizontal(classes="button-row"):
            yield Button(_("Search"), id="search-go", variant="primary", compact=True)
            yield Button(_("Clear"), id="search-clear", compact=True)
        yield ProblemList(id="search-problems")
        yield Label("", id="search-summary")
        yield ClassTable(id="search-results")
        with Horizontal(classes="button-row", id="search-paging"):
            yield Button(_("Previous page"), id="search-prev", compact=True)
            yield Button(_("Next page"), id="search-next", compact=True)

    def on_resize(self) -> None:
        self.query_one("#search-form").set_class(self.size.width < 100, "-narrow")

    def on_mount(self) -> None:
        self.query_one("#search-results").display = False
        self.query_one("#search-paging").display = False
        self.query_one("#search-summary").display = False

    # ------------------------------------------------------------------ setup
    @property
    def usis(self) -> Usis:
        return self.app.usis  # type: ignore[attr-defined]

    def set_year(self, code: str, label: str) -> None:
        if code != self.year:
            self.clear_results()
        self.year, self.year_label = code, label
        self.query_one("#search-title", Label).update(
            _("Class search · {year}").format(year=label))

    def set_programmes(self, names: list[str]) -> None:
        if names and not self._programmes_set:
            self.query_one("#search-programme", Select).set_options([(n, n) for n in names])
            self._programmes_set = True

    def focus_first(self) -> None:
        self.query_one("#search-catalogue", Input).focus()

    def prefill(self, *, catalogue_number: str | None = None) -> None:
        if catalogue_number:
            self.query_one("#search-catalogue", Input).value = catalogue_number

    # ------------------------------------------------------------------ criteria
    def criteria(self, page: int = 1) -> SearchCriteria:
        def text(widget_id: str) -> str:
            return self.query_one(widget_id, Input).value

        def choice(widget_id: str):
            value = self.query_one(widget_id, Select).value
            return None if value is Select.NULL else value

        return search_criteria(
            academic_year=self.year,
            programme=choice("#search-programme"),
            catalogue_number=text("#search-catalogue"),
            title=text("#search-title-kw"),
            class_number=text("#search-class"),
            component=choice("#search-component"),
            days=[i for i in range(len(DAYS))
                  if self.query_one(f"#search-day-{i}", Checkbox).value],
            start_after=parse_time(text("#search-start"), _("Meeting start time")),
            end_before=parse_time(text("#search-end"), _("Meeting end time")),
            instructor=text("#search-instructor"),
            level=choice("#search-level"),
            ec=parse_ec(text("#search-ec")),
            open_only=self.query_one("#search-open", Checkbox).value,
            page=page, page_size=PAGE_SIZE,
        )

    # ------------------------------------------------------------------ actions
    def search(self, page: int = 1, *, again: bool = False) -> None:
        start(self, self._search(page, again), problems=self.query_one(ProblemList),
              group="search", exclusive=True)

    async def _search(self, page: int, again: bool) -> None:
        problems = self.query_one(ProblemList)
        problems.clear()
        criteria = (self._criteria.model_copy(update={"page": page})
                    if again and self._criteria is not None else self.criteria(page))
        table = self.query_one(ClassTable)
        try:
            result = await call_service(self, self.usis.catalogue.search, criteria,
                                        loading=table)
        except ServiceError:
            self.clear_results()
            raise
        self._criteria = criteria
        self.page, self.pages, self.total = result.page, result.pages, result.total
        summary = self.query_one("#search-summary", Label)
        summary.display = True
        if not result.results:
            table.display = False
            self.query_one("#search-paging").display = False
            summary.update(_("Search Results: no classes match your search criteria.")
                           + (" " + _("Untick \"Show open classes only\" to include full "
                                      "classes.") if criteria.open_only else ""))
            # the answer is under the form: on a small terminal it would be out of sight
            self.call_after_refresh(summary.scroll_visible, animate=False)
            return
        found = ngettext("{n} class section found", "{n} class sections found",
                         result.total).format(n=result.total)
        summary.update(_("Search Results: {found} · page {page} of {pages} · Enter on a row "
                         "selects the class").format(found=found, page=result.page,
                                                     pages=result.pages))
        table.display = True
        table.show_classes(result.results)
        paging = self.query_one("#search-paging")
        paging.display = result.pages > 1
        self.query_one("#search-prev", Button).disabled = result.page <= 1
        self.query_one("#search-next", Button).disabled = result.page >= result.pages
        self.refresh_bindings()
        table.focus()

    def clear_results(self) -> None:
        self._criteria = None
        self.pages = 0
        if not self.is_mounted:
            return
        self.query_one(ClassTable).clear()
        self.query_one(ClassTable).display = False
        self.query_one("#search-paging").display = False
        self.query_one("#search-summary").display = False
        self.refresh_bindings()

    def action_reset(self) -> None:
        for inp in self.query("#search-form Input").results(Input):
            inp.value = ""
        for sel in self.query("#search-form Select").results(Select):
            sel.clear()
        for i in range(len(DAYS)):
            self.query_one(f"#search-day-{i}", Checkbox).value = False
        self.query_one("#search-open", Checkbox).value = True
        self.query_one(ProblemList).clear()
        self.clear_results()
        self.focus_first()

    def action_page(self, delta: int) -> None:
        target = self.page + delta
        if self._criteria is not None and 1 <= target <= self.pages:
            self.search(target, again=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "page":
            if self.pages <= 1 or isinstance(self.app.focused, Input):
                return False
            target = self.page + int(parameters[0])  # type: ignore[call-overload]
            return 1 <= target <= self.pages or None
        return True

    @on(Input.Submitted, "#search-form Input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.search()

    @on(Button.Pressed, "#search-go")
    def _go(self, event: Button.Pressed) -> None:
        event.stop()
        self.search()

    @on(Button.Pressed, "#search-clear")
    def _clear(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_reset()

    @on(Button.Pressed, "#search-prev")
    def _prev(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_page(-1)

    @on(Button.Pressed, "#search-next")
    def _next(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_page(1)

    @on(DataTable.RowSelected, "#search-results")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        cls = self.query_one(ClassTable).by_key.get(event.row_key.value or "")
        if cls is not None:
            self.post_message(self.Chosen(self, cls))


class ClassSearchScreen(ModalScreen[ClassInfo | None]):
    """The class search in a dialog (Swap: "search for the new class"). Escape cancels."""

    BINDINGS = [Binding("escape", "dismiss_none", N_("Cancel"), id="enrol_search.dismiss-none")]

    def __init__(self, year: str, year_label: str, programmes: list[str]) -> None:
        super().__init__(id="class-search-dialog")
        self._year, self._label, self._programmes = year, year_label, programmes

    def compose(self) -> ComposeResult:
        with Vertical(id="class-search-box"):
            yield Static(_("Select the class to swap to: search, then press Enter on its row."),
                         classes="hint")
            yield ClassSearch(id="dialog-search")
        yield UsisFooter()

    def on_mount(self) -> None:
        search = self.query_one(ClassSearch)
        search.set_year(self._year, self._label)
        search.set_programmes(self._programmes)
        search.focus_first()

    def on_class_search_chosen(self, event: ClassSearch.Chosen) -> None:
        self.dismiss(event.cls)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
