"""The step widgets of the Enrol page's Add tab; the tab itself (AddPane, which decides what each
step's message does) is usis_tui/screens/enrol_add.py.

Each step shows what it is given and checks its own form (4 digits, something ticked), then posts
a Message up: ``NumberStep.Continue("1052")``, ``PrefsStep.Next(...)``, ``ConfirmStep.Finish(...)``,
``ResultsStep.Choose(...)`` (the Shopping cart, widgets/cart.py, posts ``ShoppingCart.Enrol`` and
the like). A step never calls a service and never looks outside itself.

    NumberStep   #entry  enter a class number (or go to the class search), the academic year
    PrefsStep    #prefs  the class and the enrolment preferences: wait list, permission number
    ConfirmStep  #step2  "Confirm classes" with "All or nothing", Finish enrolling
    ResultsStep  #step3  "View results", and the other classes of a full class's course
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message

from ..i18n import N_, _, ngettext
from ..services.schemas import Alternative, CartLine, ClassInfo, EnrolResult, Problem
from .cart import flag_text, results_text
from .class_detail import (
    BAD,
    GOOD,
    PLAN,
    WARN,
    ClassDetail,
    class_days_times,
    class_rooms,
    component_label,
    ec_text,
    opens_text,
    staff,
    status_text,
)
from .class_table import AlternativesTable, clip, days_times
from .literal import Button, Checkbox, Input, Label, Select, Static
from .problems import ProblemList

#: shown with _() (screens/enrol_manage.py too)
CLASS_NUMBER_ERROR = N_("A class number has exactly 4 digits, e.g. 1052.")
ALL_OR_NOTHING = N_("All or nothing: enrol in none of these classes unless every one of them can "
                    "be enrolled")


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
                (ngettext("All or nothing: class {numbers} could not be enrolled, so none of "
                          "the {total} classes was enrolled. ",
                          "All or nothing: classes {numbers} could not be enrolled, so none of "
                          "the {total} classes was enrolled. ",
                          len(blocking)).format(numbers=", ".join(blocking), total=len(results)),
                 "bold"),
                _("Your schedule and Shopping cart are unchanged."))
    text = Text()
    parts = []
    if enrolled:
        parts.append((_("{n} enrolled").format(n=len(enrolled)), f"bold {GOOD}"))
    if waiting:
        parts.append((_("{n} on a wait list").format(n=len(waiting)), f"bold {WARN}"))
    if refused:
        parts.append((_("{n} not enrolled (still in your Shopping cart)").format(n=len(refused)),
                      f"bold {BAD}"))
    for i, part in enumerate(parts):
        if i:
            text.append(" · ")
        text.append(*part)
    if all_or_nothing and not refused:
        text.append(" · " + _("all or nothing: every class was processed"))
    return text


class ClassNumberInput(Input):
    """The 4-digit class number; Enter = "Continue"."""

    BINDINGS = [Binding("enter", "submit", N_("Continue"), tooltip=N_("Look up this class number"),
                        id="enrol_add.submit")]


class PermissionInput(Input):
    """Permission number on the preferences step; Enter = "Next" / "To shopping cart"."""

    BINDINGS = [
        Binding("enter", "submit_next", N_("Next"),
                tooltip=N_("Put the class in the Shopping cart"), id="enrol_add.submit-next"),
        Binding("enter", "submit_cart", N_("To shopping cart"),
                tooltip=N_("Put the class in the Shopping cart"), id="enrol_add.submit-cart"),
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


# ---------------------------------------------------------------------- 1: the class number
class NumberStep(Vertical):
    """The academic year, "Enrol by entering the class number" and "Enrol by searching the
    course". Posts Continue (a well-formed class number), OpenSearch and YearChanged."""

    class Continue(Message):
        """Look up this 4-digit class number."""

        def __init__(self, class_number: str) -> None:
            super().__init__()
            self.class_number = class_number

    class OpenSearch(Message):
        """"Enrol by searching the course" › Continue."""

    class YearChanged(Message):
        """Another academic year was chosen."""

        def __init__(self, year: str) -> None:
            super().__init__()
            self.year = year

    def __init__(self, *, class_number: str = "", id: str | None = None) -> None:  # noqa: A002 - Textual's widget `id` keyword
        super().__init__(id=id)
        self._prefill = class_number
        self.year = ""

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label(_("Academic year"), classes="field-label")
            yield Select([], prompt="Studiejaar", id="year", compact=True)
        yield Label(_("Enrol by entering the class number"), classes="option-title")
        with Horizontal(classes="field-row"):
            yield Label(_("Class number"), classes="field-label")
            yield ClassNumberInput(self._prefill, placeholder=_("e.g. 1052"),
                                   id="class-number", restrict=r"[0-9]*",
                                   max_length=4, compact=True)
            yield Button(_("Continue"), id="number-continue", variant="primary",
                         compact=True)
        yield Static("", id="class-number-error")
        yield ProblemList(id="entry-problems")
        yield Static("", id="entry-note", classes="-empty")
        yield Label(_("Enrol by searching the course"), classes="option-title")
        with Horizontal(classes="field-row"):
            yield Label("", classes="field-label")
            yield Button(_("Continue"), id="search-continue", compact=True)
            yield Static(_("Search by catalogue number, course title, programme, "
                           "days and times…"), classes="hint inline-hint")

    def on_mount(self) -> None:
        # The label column (styles/enrol.tcss: 20 cells, 1 of padding) widens for a longer
        # label (Dutch: "Studieactiviteitnummer").
        need = max(len(_("Academic year")), len(_("Class number"))) + 1
        if need > 20:
            for label in self.query(".field-label"):
                label.styles.width = need

    @property
    def problems(self) -> ProblemList:
        return self.query_one("#entry-problems", ProblemList)

    def set_years(self, options: list[tuple[str, str]], current: str) -> None:
        """The academic years as (label, code); ``current`` is chosen."""
        select = self.query_one("#year", Select)
        with select.prevent(Select.Changed):
            select.set_options(options)
            if current in {code for _, code in options}:
                select.value = current
        self.year = current

    @on(Select.Changed, "#year")
    def _year_selected(self, event: Select.Changed) -> None:
        event.stop()
        if event.value is Select.NULL:  # keep an academic year chosen
            with event.select.prevent(Select.Changed):
                # Select.Changed does not carry the option type: the options are year codes
                event.select.value = self.year  # type: ignore[assignment]
            return
        if event.value != self.year:
            self.year = str(event.value)
            self.post_message(self.YearChanged(self.year))

    @on(Input.Changed, "#class-number")
    def _number_changed(self, event: Input.Changed) -> None:
        if len(event.value) == 4:
            self.show_error("")

    @on(Input.Submitted, "#class-number")
    def _number_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    @on(Button.Pressed, "#number-continue")
    def _number_continue(self, event: Button.Pressed) -> None:
        event.stop()
        self.submit()

    @on(Button.Pressed, "#search-continue")
    def _search_continue(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.OpenSearch())

    def submit(self) -> None:
        """Continue: a well-formed number goes up as Continue, anything else is an error here."""
        number = self.query_one("#class-number", Input).value.strip()
        self.problems.clear()
        self.show_note("")
        if len(number) != 4 or not number.isdigit():
            self.show_error(_(CLASS_NUMBER_ERROR))
            self.focus_number()
            return
        self.show_error("")
        self.post_message(self.Continue(number))

    def show_error(self, message: str) -> None:
        error = self.query_one("#class-number-error", Static)
        error.update(Text.assemble(("✗ ", "bold"), message) if message else "")
        error.set_class(bool(message), "-shown")
        self.query_one("#class-number").set_class(bool(message), "-invalid")

    def show_note(self, text: Text | str) -> None:
        note = self.query_one("#entry-note", Static)
        note.update(text)
        note.set_class(not text, "-empty")

    def show_added(self, cls: ClassInfo) -> None:
        """The class went into the Shopping cart: clear the number and say so."""
        self.query_one("#class-number", Input).value = ""
        self.show_note(Text.assemble(
            ("✓ ", f"bold {GOOD}"),
            _("Class {number} {catalogue_number} {title} ({component}) has been added to your "
              "Shopping cart and ticked: select Enrol (e) to enrol, or add another class "
              "(n: the class number).").format(
                number=cls.class_number, catalogue_number=cls.catalogue_number, title=cls.title,
                component=component_label(cls.component))))

    def focus_number(self, *, select: bool = False) -> None:
        """Focus the class number; ``select``: with its text selected, so that typing replaces
        a number that was refused."""
        field = self.query_one("#class-number", Input)
        field.focus()
        if select:
            field.select_all()

    def focus_default(self) -> None:
        self.focus_number()


# ---------------------------------------------------------------------- 1: preferences
def prefs_note(cls: ClassInfo, origin: str) -> Text:
    """What the preferences step says about the class: not open yet, closed, full, or seats."""
    if cls.period_state == "not_yet_open":
        return Text(_("Enrolment opens {date}. Plan ahead: put this class in your Shopping cart "
                      "now; it is checked for clashes and other problems straight away, and "
                      "Enrol all submits your whole cart when enrolment opens.").format(
                          date=opens_text(cls.enrol_opens_at)), style=PLAN)
    if cls.period_state == "closed":
        return Text(_("Enrolment for this class has closed."), style=BAD)
    if cls.enrolled >= cls.capacity:
        if cls.waitlisted < cls.waitlist_capacity:
            return Text(_("This class is full. Tick \"Wait list if class is full\" to join the "
                          "wait list ({waiting} waiting), or enter a permission number.").format(
                              waiting=cls.waitlisted), style=WARN)
        return Text(_("This class and its wait list are full: only a permission number from "
                      "the instructor gets you in."), style=BAD)
    button = _("Next") if origin == "number" else _("To shopping cart")
    return Text(_("There are seats available. Choose your preferences, then select "
                  "{button}.").format(button=button), style="dim")


class PrefsStep(Vertical):
    """ "Enrolment preferences" for one class (found by its number, or in the search: origin
    "number" or "search"). Posts Next (with the preferences) and Previous."""

    class Next(Message):
        """Next / To shopping cart: put ``cls`` in the Shopping cart with these preferences."""

        def __init__(self, cls: ClassInfo, origin: str, wait_list_ok: bool,
                     permission_number: str | None) -> None:
            super().__init__()
            self.cls = cls
            self.origin = origin
            self.wait_list_ok = wait_list_ok
            self.permission_number = permission_number

    class Previous(Message):
        """Back to where the class came from."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's widget `id` keyword
        super().__init__(id=id)
        self.cls: ClassInfo | None = None
        self.origin = "number"

    def compose(self) -> ComposeResult:
        yield Label(_("Enrolment preferences"), classes="section-title", id="prefs-title")
        yield ClassDetail(id="prefs-detail")
        yield Static("", id="prefs-note")
        with Horizontal(classes="field-row"):
            yield Label("", classes="field-label")
            yield Checkbox(_("Wait list if class is full"), id="prefs-waitlist", compact=True)
        with Horizontal(classes="field-row"):
            yield Label(_("Permission number"), classes="field-label")
            yield PermissionInput(placeholder=_("optional"), id="prefs-permission",
                                  max_length=10, restrict=r"[0-9A-Za-z]*", compact=True)
        yield ProblemList(id="prefs-problems")
        with Horizontal(classes="button-row"):
            yield Button(_("Previous"), id="prefs-previous", compact=True)
            yield Button(_("Next"), id="prefs-next", variant="primary", compact=True)

    @property
    def problems(self) -> ProblemList:
        return self.query_one("#prefs-problems", ProblemList)

    def show(self, cls: ClassInfo, *, origin: str, year_label: str) -> None:
        """A fresh form for ``cls``: no wait list, no permission number, no problems."""
        self.cls = cls
        self.origin = origin
        self.query_one("#prefs-title", Label).update(
            _("Enrolment preferences · {year}").format(year=year_label))
        self.query_one(ClassDetail).show(cls)
        self.query_one("#prefs-note", Static).update(prefs_note(cls, origin))
        waitlist = self.query_one("#prefs-waitlist", Checkbox)
        waitlist.value = False
        waitlist.disabled = cls.waitlist_capacity == 0
        permission = self.query_one("#prefs-permission", PermissionInput)
        permission.value = ""
        permission.origin = origin
        self.query_one("#prefs-next", Button).label = \
            _("Next") if origin == "number" else _("To shopping cart")
        self.problems.clear()

    def toggle_waitlist(self) -> None:
        box = self.query_one("#prefs-waitlist", Checkbox)
        if not box.disabled:
            box.toggle()

    def submit(self) -> None:
        """Next / To shopping cart (the button, Enter in the permission number, or n / t)."""
        if self.cls is None:
            return
        self.problems.clear()
        permission = self.query_one("#prefs-permission", Input).value.strip() or None
        self.post_message(self.Next(self.cls, self.origin,
                                    self.query_one("#prefs-waitlist", Checkbox).value,
                                    permission))

    @on(Button.Pressed, "#prefs-next")
    def _next_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.submit()

    @on(Input.Submitted, "#prefs-permission")
    def _permission_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    @on(Button.Pressed, "#prefs-previous")
    def _previous_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Previous())

    def focus_default(self) -> None:
        self.query_one("#prefs-next").focus()


# ---------------------------------------------------------------------- 2: confirm
def confirm_table(lines: list[CartLine]) -> Table:
    table = Table(box=None, header_style="bold", show_edge=False, pad_edge=False,
                  padding=(0, 1, 0, 0), expand=True)
    table.add_column(_("Class"), no_wrap=True)
    table.add_column(_("Description"), ratio=1, min_width=20)
    table.add_column(_("Days & Times / Room"), no_wrap=True)
    table.add_column(_("Instructor"), no_wrap=True)
    table.add_column("EC", justify="right", no_wrap=True)
    table.add_column(_("Status"), no_wrap=True)
    table.add_column(_("Enrol check"), no_wrap=True)
    for line in lines:
        c = line.cls
        status = status_text(c.status)
        if line.wait_list_ok:
            status.append("\n+ " + _("wait list"), style="dim")
        table.add_row(
            c.class_number,
            Text.assemble((c.catalogue_number, "bold"),
                          f"\n{c.title} ({component_label(c.component)})"),
            f"{days_times(c)}\n{clip(class_rooms(c), 17)}", clip(staff(c.instructor), 17),
            ec_text(c.ec), status, flag_text(line))
    return table


class ConfirmStep(VerticalScroll):
    """Step 2 "Confirm classes": the classes, "All or nothing", Cancel / Previous / Finish
    enrolling. Posts Finish (once: the button stays disabled until ``allow_finish``), Previous
    and Cancel."""

    class Finish(Message):
        """Finish enrolling: enrol in these Shopping cart lines."""

        def __init__(self, lines: list[CartLine], all_or_nothing: bool) -> None:
            super().__init__()
            self.lines = lines
            self.all_or_nothing = all_or_nothing

    class Previous(Message):
        """Back to step 1."""

    class Cancel(Message):
        """Leave the 3 steps without enrolling."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's widget `id` keyword
        super().__init__(id=id)
        self.lines: list[CartLine] = []

    def compose(self) -> ComposeResult:
        yield Label(_("Confirm classes"), classes="section-title")
        yield Static(_("Select Finish enrolling to process your request for the classes "
                       "listed. To exit without adding these classes, select Cancel."),
                     classes="hint")
        yield Static("", id="confirm-table")
        yield Checkbox(_(ALL_OR_NOTHING), id="confirm-all-or-nothing", compact=True)
        yield ProblemList(id="confirm-problems")
        with Horizontal(classes="button-row"):
            yield Button(_("Cancel"), id="confirm-cancel", compact=True)
            yield Button(_("Previous"), id="confirm-previous", compact=True)
            yield Button(_("Finish enrolling"), id="confirm-finish", variant="success",
                         compact=True)

    @property
    def problems(self) -> ProblemList:
        return self.query_one("#confirm-problems", ProblemList)

    def show(self, lines: list[CartLine]) -> None:
        self.lines = lines
        self.query_one("#confirm-table", Static).update(confirm_table(lines))
        self.problems.clear()
        self.allow_finish()

    def allow_finish(self) -> None:
        self.query_one("#confirm-finish", Button).disabled = False

    def toggle_all_or_nothing(self) -> None:
        self.query_one("#confirm-all-or-nothing", Checkbox).toggle()

    def reset(self) -> None:
        """After an enrolment: "All or nothing" is a choice for one Enrol, unticked again."""
        self.query_one("#confirm-all-or-nothing", Checkbox).value = False

    def submit(self) -> None:
        """Finish enrolling (the button or f): posted once per ``show``/``allow_finish``."""
        button = self.query_one("#confirm-finish", Button)
        if button.disabled or not self.lines:
            return
        button.disabled = True
        self.post_message(self.Finish(
            self.lines, self.query_one("#confirm-all-or-nothing", Checkbox).value))

    @on(Button.Pressed, "#confirm-finish")
    def _finish_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.submit()

    @on(Button.Pressed, "#confirm-previous")
    def _previous_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Previous())

    @on(Button.Pressed, "#confirm-cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Cancel())

    def focus_default(self) -> None:
        self.query_one("#confirm-finish").focus()


# ---------------------------------------------------------------------- 3: results
def alternative_note(alt: Alternative, result: EnrolResult,
                     original: EnrolResult | None) -> Text:
    """What enrolling in ``alt`` (instead of the full class) did, and what happens to the full
    class (``original``, its result in step 3)."""
    c = alt.cls
    if original is not None and original.outcome == "waitlisted":
        keep = _("Class {number} instead of class {instead_of}: you stay on the wait list of "
                 "class {instead_of} until you drop it (Drop tab).")
    else:
        keep = _("Class {number} instead of class {instead_of}: class {instead_of} stays in "
                 "your Shopping cart until you delete it.")
    if result.ok:
        return Text.assemble(("✓ ", f"bold {GOOD}"), (result.message, "bold"),
                             "\n" + keep.format(number=c.class_number,
                                                instead_of=alt.instead_of))
    return Text.assemble(("✗ ", f"bold {BAD}"),
                         (_("Class {number} not enrolled.").format(number=c.class_number),
                          "bold"))


def added_note(alt: Alternative) -> Text:
    c = alt.cls
    return Text.assemble(
        ("✓ ", f"bold {GOOD}"),
        _("Class {number} {catalogue_number} ({component} {section}, {days_times}) has been "
          "added to your Shopping cart.").format(
            number=c.class_number, catalogue_number=c.catalogue_number,
            component=component_label(c.component), section=c.section,
            days_times=class_days_times(c)))


class ResultsStep(VerticalScroll):
    """Step 3 "View results": one line per class and, for a full class, the other classes of the
    same course. Posts Choose (an alternative, to enrol in or put in the cart), AddAnother and
    MySchedule."""

    class Choose(Message):
        """Enrol in (action "enrol") or put in the Shopping cart (action "cart") ``alternative``."""

        def __init__(self, alternative: Alternative, action: str) -> None:
            super().__init__()
            self.alternative = alternative
            self.action = action

    class AddAnother(Message):
        """Back to step 1 for another class."""

    class MySchedule(Message):
        """To the My Class Schedule tab."""

    def compose(self) -> ComposeResult:
        yield Label(_("View results"), classes="section-title")
        yield Static(_("View the following status report for enrolment confirmations "
                       "and errors:"), classes="hint")
        yield Static("", id="results-summary")
        yield Static("", id="results-list")
        with Vertical(id="results-alternatives"):
            yield Label(_("Other classes of the same course"), classes="section-title",
                        id="results-alt-title")
            yield Static("", id="results-alt-hint", classes="hint")
            yield AlternativesTable(id="results-alt-table")
            with Horizontal(classes="button-row"):
                yield Button(_("Enrol in this class"), id="results-alt-enrol",
                             variant="success", compact=True)
                yield Button(_("To shopping cart"), id="results-alt-cart", compact=True)
            yield Static("", id="results-alt-note")
            yield ProblemList(id="results-alt-problems")
        with Horizontal(classes="button-row"):
            yield Button(_("My Class Schedule"), id="results-schedule", compact=True)
            yield Button(_("Add another class"), id="results-add", variant="primary",
                         compact=True)

    @property
    def alternatives_table(self) -> AlternativesTable:
        return self.query_one(AlternativesTable)

    @property
    def alternative_problems(self) -> ProblemList:
        return self.query_one("#results-alt-problems", ProblemList)

    def show_results(self, results: list[EnrolResult], all_or_nothing: bool) -> None:
        self.query_one("#results-summary", Static).update(
            results_summary(results, all_or_nothing))
        self.show_result_lines(results)

    def show_result_lines(self, results: list[EnrolResult]) -> None:
        self.query_one("#results-list", Static).update(results_text(results))

    def show_alternatives(self, full: list[EnrolResult], alternatives: list[Alternative],
                          note: Text | str = "") -> None:
        """The other classes of the course of the ``full`` classes (none: the box is hidden)."""
        box = self.query_one("#results-alternatives")
        box.display = bool(full)
        note_widget = self.query_one("#results-alt-note", Static)
        note_widget.update(note)
        note_widget.display = bool(note)
        self.alternative_problems.clear()
        if not full:
            return
        numbers = ", ".join(r.class_number for r in full)
        table = self.alternatives_table
        table.show_alternatives(alternatives)
        has = bool(alternatives)
        table.display = has
        self.query_one("#results-alt-enrol").display = has
        self.query_one("#results-alt-cart").display = has
        if has:
            hint = ngettext(
                "Class {numbers} is full. These classes of the same course are the "
                "alternatives: select one and Enrol in this class (e, Enter), or put it in your "
                "Shopping cart (t).",
                "Classes {numbers} are full. These classes of the same course are the "
                "alternatives: select one and Enrol in this class (e, Enter), or put it in your "
                "Shopping cart (t).", len(full)).format(numbers=numbers)
        else:
            hint = ngettext(
                "Class {numbers} is full, and the course has no other class of the same kind "
                "this academic year. Ask the instructor for a permission number, or stay on the "
                "wait list.",
                "Classes {numbers} are full, and the course has no other class of the same kind "
                "this academic year. Ask the instructor for a permission number, or stay on the "
                "wait list.", len(full)).format(numbers=numbers)
        self.query_one("#results-alt-hint", Static).update(hint)

    def show_refused(self, problems: list[Problem]) -> None:
        self.alternative_problems.show(problems)

    def choose(self, alternative: Alternative, action: str) -> None:
        self.alternative_problems.clear()
        self.query_one("#results-alt-note", Static).update("")
        self.post_message(self.Choose(alternative, action))

    @on(AlternativesTable.Chosen)
    def _alternative_chosen(self, event: AlternativesTable.Chosen) -> None:
        event.stop()
        self.choose(event.alternative, event.action)

    @on(Button.Pressed, "#results-alt-enrol")
    def _alt_enrol_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        current = self.alternatives_table.current
        if current is not None:
            self.choose(current, "enrol")

    @on(Button.Pressed, "#results-alt-cart")
    def _alt_cart_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        current = self.alternatives_table.current
        if current is not None:
            self.choose(current, "cart")

    @on(Button.Pressed, "#results-add")
    def _add_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.AddAnother())

    @on(Button.Pressed, "#results-schedule")
    def _schedule_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.MySchedule())

    def focus_default(self) -> None:
        self.query_one("#results-add").focus()
