"""The Add tab: step 1 "Select classes to add" (enter a class number or search the course, the
enrolment preferences, the Shopping cart), step 2 "Confirm classes" (with the "All or nothing"
option), step 3 "View results" (one line per class, and for a full class the other classes of the
same course, to enrol in or put in the cart straight away)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import ContentSwitcher

from ..services.schemas import (
    Alternative,
    CartLine,
    ClassInfo,
    EnrolRequest,
    EnrolResult,
    Problem,
    YearInfo,
)
from ..widgets.cart import CartTable, ShoppingCart, flag_text, results_text
from ..widgets.class_detail import (
    BAD,
    GOOD,
    PLAN,
    WARN,
    ClassDetail,
    opens_text,
    status_text,
)
from ..widgets.class_table import AlternativesTable, clip, days_times
from ..widgets.literal import Button, Checkbox, Input, Label, Select, Static
from ..widgets.problems import ProblemList
from ..widgets.steps import StepIndicator
from .enrol_search import ClassSearch

if TYPE_CHECKING:
    from .enrol import EnrolScreen

CLASS_NUMBER_ERROR = "A class number has exactly 4 digits, e.g. 1052."
STEPS = ("Select classes to add", "Confirm classes", "View results")
FULL = ("class_full", "class_and_waitlist_full")
ALL_OR_NOTHING = ("All or nothing: enrol in none of these classes unless every one of them can be "
                  "enrolled")


def results_summary(results: list[EnrolResult], all_or_nothing: bool) -> Text:
    """The line over the results: how many classes got what; an all-or-nothing refusal says
    that nothing was enrolled, and because of which classes."""
    enrolled = [r for r in results if r.outcome == "enrolled"]
    waiting = [r for r in results if r.outcome == "waitlisted"]
    refused = [r for r in results if not r.ok]
    if all_or_nothing and refused and not enrolled and not waiting:
        blocking = [r.class_number for r in refused if r.problems]
        if len(blocking) < len(results):
            return Text.assemble(
                ("✗ ", f"bold {BAD}"),
                (f"All or nothing: class{'es' if len(blocking) > 1 else ''} "
                 f"{', '.join(blocking)} could not be enrolled, so none of the {len(results)} "
                 "classes was enrolled. ", "bold"),
                "Your schedule and Shopping cart are unchanged.")
    text = Text()
    parts = []
    if enrolled:
        parts.append((f"{len(enrolled)} enrolled", f"bold {GOOD}"))
    if waiting:
        parts.append((f"{len(waiting)} on a wait list", f"bold {WARN}"))
    if refused:
        parts.append((f"{len(refused)} not enrolled (still in your Shopping cart)", f"bold {BAD}"))
    for i, part in enumerate(parts):
        if i:
            text.append(" · ")
        text.append(*part)
    if all_or_nothing and not refused:
        text.append(" · all or nothing: every class was processed")
    return text


class ClassNumberInput(Input):
    """The 4-digit class number; Enter = "Continue"."""

    BINDINGS = [Binding("enter", "submit", "Continue", tooltip="Look up this class number",
                        id="enrol_add.submit")]


class PermissionInput(Input):
    """Permission number on the preferences step; Enter = "Next" / "To shopping cart"."""

    BINDINGS = [
        Binding("enter", "submit_next", "Next", tooltip="Put the class in the Shopping cart",
                id="enrol_add.submit-next"),
        Binding("enter", "submit_cart", "To shopping cart",
                tooltip="Put the class in the Shopping cart", id="enrol_add.submit-cart"),
    ]
    origin = "number"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit_next":
            return self.origin == "number"
        if action == "submit_cart":
            return self.origin == "search"
        return True

    async def action_submit_next(self) -> None:
        await self.action_submit()

    async def action_submit_cart(self) -> None:
        await self.action_submit()


class AddPane(Vertical):
    """Everything on the Add tab. ``view`` is one of entry, prefs, search, step2, step3."""

    BINDINGS = [
        Binding("s", "open_search", "Search",
                tooltip="Enrol by searching the course", id="enrol_add.open-search"),
        Binding("c", "focus_cart", "Cart", tooltip="Go to the Shopping cart",
                id="enrol_add.focus-cart"),
        Binding("n", "next", "Next", tooltip="Put the class in the Shopping cart",
                id="enrol_add.next"),
        Binding("t", "to_cart", "To shopping cart", tooltip="Put the class in the Shopping cart",
                id="enrol_add.to-cart"),
        Binding("w", "toggle_waitlist", "Wait list if full", id="enrol_add.toggle-waitlist"),
        Binding("p", "previous", "Previous", id="enrol_add.previous"),
        Binding("f", "finish", "Finish enrolling", id="enrol_add.finish"),
        Binding("o", "toggle_all_or_nothing", "All or nothing",
                tooltip="Enrol in none of the classes unless every one can be enrolled",
                id="enrol_add.toggle-all-or-nothing"),
        Binding("x", "cancel_wizard", "Cancel", id="enrol_add.cancel-wizard"),
        Binding("a", "add_another", "Add another class", id="enrol_add.add-another"),
        Binding("m", "my_schedule", "My Class Schedule", id="enrol_add.my-schedule"),
    ]

    def __init__(self, *, class_number: str | None = None,
                 id: str | None = None) -> None:  # noqa: A002 - Textual's widget `id` keyword
        super().__init__(id=id)
        self.view = "entry"
        self.prefs_origin = "number"
        self.prefs_cls: ClassInfo | None = None
        self.wizard_lines: list[CartLine] = []
        self.results: list[EnrolResult] = []
        self.alternatives: list[Alternative] = []
        self.full_ids: list[int] = []
        self._prefill = class_number or ""
        self._years: dict[str, YearInfo] = {}
        self._year = ""

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield StepIndicator(STEPS, separator="  ›  ", id="step-indicator")
        with ContentSwitcher(initial="step1", id="add-step"):
            with VerticalScroll(id="step1", can_focus=False):
                with ContentSwitcher(initial="entry", id="add-flow"):
                    with Vertical(id="entry"):
                        with Horizontal(classes="field-row"):
                            yield Label("Academic year", classes="field-label")
                            yield Select([], prompt="Studiejaar", id="year", compact=True)
                        yield Label("Enrol by entering the class number", classes="option-title")
                        with Horizontal(classes="field-row"):
                            yield Label("Class number", classes="field-label")
                            yield ClassNumberInput(self._prefill, placeholder="e.g. 1052",
                                                   id="class-number", restrict=r"[0-9]*",
                                                   max_length=4, compact=True)
                            yield Button("Continue", id="number-continue", variant="primary",
                                         compact=True)
                        yield Static("", id="class-number-error")
                        yield ProblemList(id="entry-problems")
                        yield Static("", id="entry-note", classes="-empty")
                        yield Label("Enrol by searching the course", classes="option-title")
                        with Horizontal(classes="field-row"):
                            yield Label("", classes="field-label")
                            yield Button("Continue", id="search-continue", compact=True)
                            yield Static("Search by catalogue number, course title, programme, "
                                         "days and times…", classes="hint inline-hint")
                    with Vertical(id="prefs"):
                        yield Label("Enrolment preferences", classes="section-title",
                                    id="prefs-title")
                        yield ClassDetail(id="prefs-detail")
                        yield Static("", id="prefs-note")
                        with Horizontal(classes="field-row"):
                            yield Label("", classes="field-label")
                            yield Checkbox("Wait list if class is full", id="prefs-waitlist",
                                           compact=True)
                        with Horizontal(classes="field-row"):
                            yield Label("Permission number", classes="field-label")
                            yield PermissionInput(placeholder="optional", id="prefs-permission",
                                                  max_length=10, restrict=r"[0-9A-Za-z]*",
                                                  compact=True)
                        yield ProblemList(id="prefs-problems")
                        with Horizontal(classes="button-row"):
                            yield Button("Previous", id="prefs-previous", compact=True)
                            yield Button("Next", id="prefs-next", variant="primary", compact=True)
                    yield ClassSearch(id="add-search")
                yield ShoppingCart(id="cart")
            with VerticalScroll(id="step2"):
                yield Label("Confirm classes", classes="section-title")
                yield Static("Select Finish enrolling to process your request for the classes "
                             "listed. To exit without adding these classes, select Cancel.",
                             classes="hint")
                yield Static("", id="confirm-table")
                yield Checkbox(ALL_OR_NOTHING, id="confirm-all-or-nothing", compact=True)
                yield ProblemList(id="confirm-problems")
                with Horizontal(classes="button-row"):
                    yield Button("Cancel", id="confirm-cancel", compact=True)
                    yield Button("Previous", id="confirm-previous", compact=True)
                    yield Button("Finish enrolling", id="confirm-finish", variant="success",
                                 compact=True)
            with VerticalScroll(id="step3"):
                yield Label("View results", classes="section-title")
                yield Static("View the following status report for enrolment confirmations "
                             "and errors:", classes="hint")
                yield Static("", id="results-summary")
                yield Static("", id="results-list")
                with Vertical(id="results-alternatives"):
                    yield Label("Other classes of the same course", classes="section-title",
                                id="results-alt-title")
                    yield Static("", id="results-alt-hint", classes="hint")
                    yield AlternativesTable(id="results-alt-table")
                    with Horizontal(classes="button-row"):
                        yield Button("Enrol in this class", id="results-alt-enrol",
                                     variant="success", compact=True)
                        yield Button("To shopping cart", id="results-alt-cart", compact=True)
                    yield Static("", id="results-alt-note")
                    yield ProblemList(id="results-alt-problems")
                with Horizontal(classes="button-row"):
                    yield Button("My Class Schedule", id="results-schedule", compact=True)
                    yield Button("Add another class", id="results-add", variant="primary",
                                 compact=True)

    @property
    def enrol(self) -> EnrolScreen:
        return self.screen  # type: ignore[return-value]

    @property
    def cart(self) -> ShoppingCart:
        return self.query_one(ShoppingCart)

    # ------------------------------------------------------------------ years
    def set_years(self, years: list[YearInfo], current: str, programmes: list[str]) -> None:
        self._years = {y.code: y for y in years}
        select = self.query_one("#year", Select)
        with select.prevent(Select.Changed):
            select.set_options([(y.label, y.code) for y in years])
            if current in self._years:
                select.value = current
        self._year = current
        self.query_one(ClassSearch).set_programmes(programmes)
        self._year_changed()

    def year_label(self, code: str | None = None) -> str:
        code = code or self._year
        info = self._years.get(code)
        return info.label if info else f"Studiejaar {code}"

    def _year_changed(self) -> None:
        label = self.year_label()
        self.query_one(ClassSearch).set_year(self._year, label)
        self.cart.set_title(f"Shopping cart · {label}")

    @on(Select.Changed, "#year")
    def _year_selected(self, event: Select.Changed) -> None:
        event.stop()
        if event.value is Select.NULL:  # keep an academic year chosen
            with event.select.prevent(Select.Changed):
                # Select.Changed does not carry the option type: the options are year codes
                event.select.value = self._year  # type: ignore[assignment]
            return
        if event.value != self._year:
            self._year = str(event.value)
            self._year_changed()
            self.enrol.year_changed(self._year)

    # ------------------------------------------------------------------ views
    def show_view(self, view: str) -> None:
        self.view = view
        step = {"step2": 2, "step3": 3}.get(view, 1)
        self.query_one(StepIndicator).step = step
        self.query_one("#add-step", ContentSwitcher).current = f"step{step}"
        if step == 1:
            self.query_one("#add-flow", ContentSwitcher).current = (
                "add-search" if view == "search" else view)
        self.refresh_bindings()

    def focus_default(self) -> None:
        targets = {"entry": "#class-number", "prefs": "#prefs-next", "step2": "#confirm-finish",
                   "step3": "#results-add"}
        if self.view == "search":
            self.query_one(ClassSearch).focus_first()
        else:
            self.query_one(targets[self.view]).focus()

    def focus_cart(self) -> None:
        table = self.query_one(CartTable)
        if table.display and table.row_count:
            table.focus()
        else:
            self.query_one("#cart-enrol").focus()

    def back(self) -> bool:
        """One step back within the Add tab; False when already at the start."""
        if self.view == "entry":
            return False
        if self.view == "prefs" and self.prefs_origin == "search":
            self.show_view("search")
            self.query_one("#search-results").focus()
            return True
        self.show_view("entry")
        self.focus_default()
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        typing = isinstance(self.app.focused, Input)
        view = self.view
        if action == "open_search":
            return view == "entry" and not typing
        if action == "focus_cart":
            in_cart = self.app.focused is not None and self.cart in self.app.focused.ancestors
            return view in ("entry", "prefs", "search") and not typing and not in_cart
        if action == "next":
            return view == "prefs" and self.prefs_origin == "number" and not typing
        if action == "to_cart":
            return view == "prefs" and self.prefs_origin == "search" and not typing
        if action == "toggle_waitlist":
            return view == "prefs" and not typing
        if action == "previous":
            return view in ("prefs", "step2") and not typing
        if action in ("finish", "cancel_wizard", "toggle_all_or_nothing"):
            return view == "step2"
        if action in ("add_another", "my_schedule"):
            return view == "step3"
        return True

    # ------------------------------------------------------------------ option 1
    @on(Input.Changed, "#class-number")
    def _number_changed(self, event: Input.Changed) -> None:
        if len(event.value) == 4:
            self._number_error("")

    @on(Input.Submitted, "#class-number")
    def _number_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.continue_with_number()

    @on(Button.Pressed, "#number-continue")
    def _number_continue(self, event: Button.Pressed) -> None:
        event.stop()
        self.continue_with_number()

    def _number_error(self, message: str) -> None:
        error = self.query_one("#class-number-error", Static)
        error.update(Text.assemble(("✗ ", "bold"), message) if message else "")
        error.set_class(bool(message), "-shown")
        self.query_one("#class-number").set_class(bool(message), "-invalid")

    def _entry_note(self, text: Text | str) -> None:
        note = self.query_one("#entry-note", Static)
        note.update(text)
        note.set_class(not text, "-empty")

    def continue_with_number(self) -> None:
        number = self.query_one("#class-number", Input).value.strip()
        self.query_one("#entry-problems", ProblemList).clear()
        self._entry_note("")
        if len(number) != 4 or not number.isdigit():
            self._number_error(CLASS_NUMBER_ERROR)
            self.query_one("#class-number").focus()
            return
        self._number_error("")
        self.enrol.run_task(self._lookup(number),
                            problems=self.query_one("#entry-problems", ProblemList))

    async def _lookup(self, number: str) -> None:
        usis = self.enrol.usis_app.usis
        try:
            cls = await self.enrol.call(usis.catalogue.lookup, self._year, number,
                                        loading=self.query_one("#entry"))
        except Exception:
            self.query_one("#class-number").focus()  # retype the number, or press s to search
            raise
        self.show_prefs(cls, origin="number")

    # ------------------------------------------------------------------ option 2
    @on(Button.Pressed, "#search-continue")
    def _search_continue(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_open_search()

    def action_open_search(self) -> None:
        self.show_view("search")
        self.query_one(ClassSearch).focus_first()

    @on(ClassSearch.Chosen, "#add-search")
    def _chosen(self, event: ClassSearch.Chosen) -> None:
        event.stop()
        self.show_prefs(event.cls, origin="search")

    # ------------------------------------------------------------------ preferences
    def show_prefs(self, cls: ClassInfo, *, origin: str) -> None:
        self.prefs_cls = cls
        self.prefs_origin = origin
        self.query_one("#prefs-title", Label).update(
            f"Enrolment preferences · {self.year_label(cls.academic_year)}")
        self.query_one(ClassDetail).show(cls)
        self.query_one("#prefs-note", Static).update(self._prefs_note(cls))
        waitlist = self.query_one("#prefs-waitlist", Checkbox)
        waitlist.value = False
        waitlist.disabled = cls.waitlist_capacity == 0
        permission = self.query_one("#prefs-permission", PermissionInput)
        permission.value = ""
        permission.origin = origin
        self.query_one("#prefs-next", Button).label = \
            "Next" if origin == "number" else "To shopping cart"
        self.query_one("#prefs-problems", ProblemList).clear()
        self.show_view("prefs")
        self.query_one("#prefs-next").focus()

    def _prefs_note(self, cls: ClassInfo) -> Text:
        if cls.period_state == "not_yet_open":
            return Text(f"Enrolment opens {opens_text(cls.enrol_opens_at)}. Plan ahead: put "
                        "this class in your Shopping cart now; it is checked for clashes and "
                        "other problems straight away, and Enrol all submits your whole cart "
                        "when enrolment opens.", style=PLAN)
        if cls.period_state == "closed":
            return Text("Enrolment for this class has closed.", style=BAD)
        if cls.enrolled >= cls.capacity:
            if cls.waitlisted < cls.waitlist_capacity:
                return Text(f"This class is full. Tick \"Wait list if class is full\" to join the "
                            f"wait list ({cls.waitlisted} waiting), or enter a permission number.",
                            style=WARN)
            return Text("This class and its wait list are full: only a permission number from "
                        "the instructor gets you in.", style=BAD)
        button = "Next" if self.prefs_origin == "number" else "To shopping cart"
        return Text(f"There are seats available. Choose your preferences, then select {button}.",
                    style="dim")

    def action_next(self) -> None:
        self.action_prefs_next()

    def action_to_cart(self) -> None:
        self.action_prefs_next()

    def action_toggle_waitlist(self) -> None:
        box = self.query_one("#prefs-waitlist", Checkbox)
        if not box.disabled:
            box.toggle()

    @on(Button.Pressed, "#prefs-next")
    def _prefs_next_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_prefs_next()

    @on(Input.Submitted, "#prefs-permission")
    def _permission_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_prefs_next()

    def action_prefs_next(self) -> None:
        if self.view != "prefs" or self.prefs_cls is None:
            return
        self.query_one("#prefs-problems", ProblemList).clear()
        self.enrol.run_task(self._add_to_cart(self.prefs_cls),
                            problems=self.query_one("#prefs-problems", ProblemList))

    async def _add_to_cart(self, cls: ClassInfo) -> None:
        usis = self.enrol.usis_app.usis
        wait = self.query_one("#prefs-waitlist", Checkbox).value
        permission = self.query_one("#prefs-permission", Input).value.strip() or None
        student = self.enrol.student
        if self.prefs_origin == "number":
            line = await self.enrol.call(usis.cart.add, student, cls.academic_year,
                                         cls.class_number, wait_list_ok=wait,
                                         permission_number=permission,
                                         loading=self.query_one("#prefs"))
        else:
            line = await self.enrol.call(usis.cart.add_section, student, cls.section_id,
                                         wait_list_ok=wait, permission_number=permission,
                                         loading=self.query_one("#prefs"))
        self.query_one("#class-number", Input).value = ""
        self.show_view("entry")
        self._entry_note(Text.assemble(
            ("✓ ", f"bold {GOOD}"),
            f"Class {cls.class_number} {cls.catalogue_number} {cls.title} ({cls.component}) "
            "has been added to your Shopping cart and ticked: select Enrol (e) to enrol, or "
            "add another class (Shift+Tab to the class number)."))
        await self.enrol.load_cart(tick=line.item_id)
        self.focus_cart()  # as uSis: Next takes you to the Shopping cart

    @on(Button.Pressed, "#prefs-previous")
    def _prefs_previous(self, event: Button.Pressed) -> None:
        event.stop()
        self.back()

    def action_previous(self) -> None:
        self.back()

    def action_focus_cart(self) -> None:
        self.focus_cart()

    # ------------------------------------------------------------------ cart buttons
    @on(Button.Pressed, "#cart-enrol")
    def _cart_enrol(self, event: Button.Pressed) -> None:
        event.stop()
        self.cart.clear_messages()
        lines = self.query_one(CartTable).selected_lines()
        if not lines:
            self.cart.show_problems([Problem(
                code="nothing_selected", message="Select at least one class to enrol.",
                hint="Tick the classes in your Shopping cart (Space, or click [ ]), then select "
                     "Enrol.")])
            self.focus_cart()
            return
        self.start_wizard(lines)

    @on(Button.Pressed, "#cart-enrol-all")
    def _cart_enrol_all(self, event: Button.Pressed) -> None:
        """"Enrol all": every class in the cart (of this academic year), ticked, to step 2."""
        event.stop()
        self.cart.clear_messages()
        table = self.query_one(CartTable)
        lines = list(table.lines.values())
        if not lines:
            self.cart.show_problems([Problem(
                code="empty_cart", message="Your Shopping cart is empty.",
                hint="Add classes by their class number or search the course first; you can do "
                     "so before enrolment opens.")])
            self.focus_cart()
            return
        for line in lines:
            if line.item_id not in table.selected:
                table.set_selected(line.item_id, True)
        self.start_wizard(lines)

    @on(Button.Pressed, "#cart-validate")
    def _cart_validate(self, event: Button.Pressed) -> None:
        event.stop()
        self.cart.clear_messages()
        table = self.query_one(CartTable)
        ids = [line.item_id for line in table.selected_lines()] or None
        if not table.lines:
            self.cart.show_problems([Problem(code="empty_cart",
                                             message="Your Shopping cart is empty.",
                                             hint="Add a class by its class number or search "
                                                  "the course first.")])
            return
        self.enrol.run_task(self._validate(ids), problems=self.cart.query_one(ProblemList))

    async def _validate(self, ids: list[int] | None) -> None:
        usis = self.enrol.usis_app.usis
        table = self.query_one(CartTable)
        results = await self.enrol.call(usis.cart.validate, self.enrol.student, ids, loading=table)
        if ids is None:  # the whole cart of this academic year
            shown = {line.cls.section_id for line in table.lines.values()}
            results = [r for r in results if r.section_id in shown]
        self.cart.show_validation(results)

    @on(Button.Pressed, "#cart-delete")
    def _cart_delete(self, event: Button.Pressed) -> None:
        event.stop()
        self.cart.clear_messages()
        table = self.query_one(CartTable)
        lines = table.selected_lines() or ([table.current] if table.current else [])
        if not lines:
            self.cart.show_problems([Problem(code="nothing_selected",
                                             message="Select the class to delete.",
                                             hint="Tick it (Space) or highlight it, then select "
                                                  "Delete.")])
            return
        self.enrol.run_task(self._delete(lines), problems=self.cart.query_one(ProblemList))

    async def _delete(self, lines: list[CartLine]) -> None:
        usis = self.enrol.usis_app.usis
        table = self.query_one(CartTable)
        for line in lines:
            await self.enrol.call(usis.cart.remove, self.enrol.student, line.item_id, loading=table)
        await self.enrol.load_cart()
        numbers = ", ".join(line.cls.class_number for line in lines)
        check = self.query_one("#cart-check", Static)
        check.update(Text.assemble(
            ("✓ ", f"bold {GOOD}"),
            f"Class{'es' if len(lines) > 1 else ''} {numbers} deleted from your Shopping cart."))
        check.display = True
        self.focus_cart()

    # ------------------------------------------------------------------ wizard
    def start_wizard(self, lines: list[CartLine]) -> None:
        self.wizard_lines = lines
        self.query_one("#confirm-table", Static).update(self._confirm_table(lines))
        self.query_one("#confirm-problems", ProblemList).clear()
        self.query_one("#confirm-finish", Button).disabled = False
        self.show_view("step2")
        self.query_one("#confirm-finish").focus()

    def _confirm_table(self, lines: list[CartLine]) -> Table:
        table = Table(box=None, header_style="bold", show_edge=False, pad_edge=False,
                      padding=(0, 1, 0, 0), expand=True)
        table.add_column("Class", no_wrap=True)
        table.add_column("Description", ratio=1, min_width=20)
        table.add_column("Days & Times / Room", no_wrap=True)
        table.add_column("Instructor", no_wrap=True)
        table.add_column("EC", justify="right", no_wrap=True)
        table.add_column("Status", no_wrap=True)
        table.add_column("Enrol check", no_wrap=True)
        for line in lines:
            c = line.cls
            status = status_text(c.status)
            if line.wait_list_ok:
                status.append("\n+ wait list", style="dim")
            table.add_row(
                c.class_number,
                Text.assemble((c.catalogue_number, "bold"), f"\n{c.title} ({c.component})"),
                f"{days_times(c)}\n{clip(c.rooms, 17)}", clip(c.instructor or "Staff", 17),
                f"{c.ec:g}", status, flag_text(line))
        return table

    @on(Button.Pressed, "#confirm-previous")
    def _confirm_previous(self, event: Button.Pressed) -> None:
        event.stop()
        self.back()

    @on(Button.Pressed, "#confirm-cancel")
    def _confirm_cancel(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel_wizard()

    def action_toggle_all_or_nothing(self) -> None:
        self.query_one("#confirm-all-or-nothing", Checkbox).toggle()

    def action_cancel_wizard(self) -> None:
        self.show_view("entry")
        self.focus_cart()

    @on(Button.Pressed, "#confirm-finish")
    def _confirm_finish(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_finish()

    def action_finish(self) -> None:
        button = self.query_one("#confirm-finish", Button)
        if self.view != "step2" or button.disabled or not self.wizard_lines:
            return
        button.disabled = True
        all_or_nothing = self.query_one("#confirm-all-or-nothing", Checkbox).value
        self.enrol.run_task(self._finish([line.item_id for line in self.wizard_lines],
                                         all_or_nothing=all_or_nothing),
                            problems=self.query_one("#confirm-problems", ProblemList))

    async def _finish(self, item_ids: list[int], *, all_or_nothing: bool = False) -> None:
        usis = self.enrol.usis_app.usis
        try:
            results = await self.enrol.call(usis.cart.enrol, self.enrol.student, item_ids,
                                            all_or_nothing=all_or_nothing,
                                            loading=self.query_one("#step2"))
        except Exception:
            self.query_one("#confirm-finish", Button).disabled = False
            await self.enrol.load_cart()
            raise
        self.results = results
        self.query_one("#results-summary", Static).update(
            results_summary(results, all_or_nothing))
        self.query_one("#results-list", Static).update(results_text(results))
        # A full class (refused, or wait-listed): offer the other classes of the same course.
        self.full_ids = [r.section_id for r in results
                         if r.outcome == "waitlisted" or any(p.code in FULL for p in r.problems)]
        self.alternatives = (await self.enrol.call(usis.cart.alternatives, self.enrol.student,
                                                   self.full_ids)
                             if self.full_ids else [])
        self._show_alternatives()
        self.show_view("step3")
        self.query_one("#step3").scroll_home(animate=False)
        if self.alternatives:
            # After the layout: focusing scrolls the alternatives into view.
            self.call_after_refresh(self.query_one(AlternativesTable).focus)
        else:
            self.query_one("#results-add").focus()
        await self.enrol.load_all()

    # ------------------------------------------------------------------ alternatives
    def _show_alternatives(self, note: Text | str = "") -> None:
        box = self.query_one("#results-alternatives")
        box.display = bool(self.full_ids)
        note_widget = self.query_one("#results-alt-note", Static)
        note_widget.update(note)
        note_widget.display = bool(note)
        self.query_one("#results-alt-problems", ProblemList).clear()
        if not self.full_ids:
            return
        full = [r for r in self.results if r.section_id in self.full_ids]
        numbers = ", ".join(r.class_number for r in full)
        table = self.query_one(AlternativesTable)
        table.show_alternatives(self.alternatives)
        has = bool(self.alternatives)
        table.display = has
        self.query_one("#results-alt-enrol").display = has
        self.query_one("#results-alt-cart").display = has
        if has:
            hint = (f"Class{'es' if len(full) > 1 else ''} {numbers} "
                    f"{'are' if len(full) > 1 else 'is'} full. These classes of the same course "
                    "are the alternatives: select one and Enrol in this class (e, Enter), or put "
                    "it in your Shopping cart (t).")
        else:
            hint = (f"Class{'es' if len(full) > 1 else ''} {numbers} "
                    f"{'are' if len(full) > 1 else 'is'} full, and the course has no other class "
                    "of the same kind this academic year. Ask the instructor for a permission "
                    "number, or stay on the wait list.")
        self.query_one("#results-alt-hint", Static).update(hint)

    @on(AlternativesTable.Chosen)
    def _alternative_chosen(self, event: AlternativesTable.Chosen) -> None:
        event.stop()
        self.choose_alternative(event.alternative, event.action)

    @on(Button.Pressed, "#results-alt-enrol")
    def _alt_enrol_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        current = self.query_one(AlternativesTable).current
        if current is not None:
            self.choose_alternative(current, "enrol")

    @on(Button.Pressed, "#results-alt-cart")
    def _alt_cart_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        current = self.query_one(AlternativesTable).current
        if current is not None:
            self.choose_alternative(current, "cart")

    def choose_alternative(self, alt: Alternative, action: str) -> None:
        problems = self.query_one("#results-alt-problems", ProblemList)
        problems.clear()
        self.query_one("#results-alt-note", Static).update("")
        self.enrol.run_task(self._alternative(alt, action), problems=problems)

    async def _alternative(self, alt: Alternative, action: str) -> None:
        usis = self.enrol.usis_app.usis
        student = self.enrol.student
        table = self.query_one(AlternativesTable)
        c = alt.cls
        refused: list[Problem] = []
        if action == "cart":
            await self.enrol.call(usis.cart.add_section, student, c.section_id, loading=table)
            note = Text.assemble(
                ("✓ ", f"bold {GOOD}"),
                f"Class {c.class_number} {c.catalogue_number} ({c.component} {c.section}, "
                f"{c.days_times}) has been added to your Shopping cart.")
        else:
            [result] = await self.enrol.call(
                usis.enrolment.enrol, student, [EnrolRequest(section_id=c.section_id)],
                loading=table)
            self.results = [*self.results, result]
            self.query_one("#results-list", Static).update(results_text(self.results))
            original = next((r for r in self.results if r.class_number == alt.instead_of), None)
            if original is not None and original.outcome == "waitlisted":
                keep = (f"you stay on the wait list of class {alt.instead_of} until you drop it "
                        "(Drop tab).")
            else:
                keep = (f"class {alt.instead_of} stays in your Shopping cart until you delete "
                        "it.")
            if result.ok:
                note = Text.assemble(("✓ ", f"bold {GOOD}"), (result.message, "bold"),
                                     f"\nClass {c.class_number} instead of class "
                                     f"{alt.instead_of}: {keep}")
            else:
                note = Text.assemble(("✗ ", f"bold {BAD}"),
                                     (f"Class {c.class_number} not enrolled.", "bold"))
                refused = result.problems
        self.alternatives = await self.enrol.call(usis.cart.alternatives, student, self.full_ids)
        self._show_alternatives(note)
        if refused:
            self.query_one("#results-alt-problems", ProblemList).show(refused)
        await self.enrol.load_all()
        if self.alternatives:
            table.focus()

    @on(Button.Pressed, "#results-add")
    def _results_add(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_add_another()

    def action_add_another(self) -> None:
        self.show_view("entry")
        self._entry_note("")
        self.focus_default()

    @on(Button.Pressed, "#results-schedule")
    def _results_schedule(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_my_schedule()

    def action_my_schedule(self) -> None:
        self.show_view("entry")
        self.enrol.show_tab("schedule")
