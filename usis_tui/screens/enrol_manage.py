"""The Drop, Swap and My Class Schedule tabs of the Enrol page, and the drop confirmation."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll

from ..services.schemas import ClassInfo, Problem, ScheduleLine, SwapResult
from ..widgets.class_detail import BAD, GOOD, WARN, ClassDetail
from ..widgets.class_table import ScheduleTable
from ..widgets.confirm import ConfirmDialog
from ..widgets.enrol_add import CLASS_NUMBER_ERROR, ClassNumberInput
from ..widgets.literal import Button, DataTable, Input, Label, Select, Static
from ..widgets.problems import ProblemList
from .enrol_search import ClassSearchScreen

if TYPE_CHECKING:
    from .enrol import EnrolScreen


def describe(cls: ClassInfo) -> str:
    return f"{cls.class_number} {cls.catalogue_number} {cls.title} ({cls.component})"


def success_text(message: str, extra: str = "") -> Text:
    text = Text.assemble(("✓ ", f"bold {GOOD}"), (message, "bold"))
    if extra:
        text.append(f"\n  {extra}")
    return text


# ---------------------------------------------------------------------- drop
DROP_REASONS: tuple[str, ...] = (
    "Timetable clash with another course",
    "Workload too high this semester",
    "Changed my study plan",
    "Enrolled in the wrong class by mistake",
    "Course content is not what I expected",
    "Personal or health circumstances",
    "Other (explain below)",
)
OTHER_REASON = DROP_REASONS[-1]


def drop_reason(choice: str | None, explanation: str) -> str:
    """The reason to store: the chosen reason, with the explanation if one was typed (for
    "Other", the explanation alone)."""
    explanation = " ".join(explanation.split())
    if choice is None or choice == OTHER_REASON:
        return explanation
    return f"{choice}: {explanation}" if explanation else choice


class ReasonInput(Input):
    """The free-text explanation; Enter = Yes."""

    BINDINGS = [Binding("enter", "submit", "Yes, drop", tooltip="Drop the class with this reason",
                        id="enrol_manage.submit")]


class ConfirmDropScreen(ConfirmDialog[str | None]):
    """ "Are you sure you want to drop class 2037 …?" with the reason for withdrawing (a list of
    reasons and free text; required to drop an enrolled class, optional to leave a wait list),
    then Yes / No; Escape = No. Dismisses with the reason to store ("" for none) or None (No)."""

    BINDINGS: ClassVar = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes",
                tooltip="Drop the class with the reason given"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no", tooltip="Keep the class"),
    ]

    def __init__(self, line: ScheduleLine) -> None:
        c = line.cls
        what = ("remove yourself from the wait list of class" if line.status == "waitlisted"
                else "drop class")
        if line.status == "waitlisted":
            note = f"You lose your wait list position ({line.waitlist_position})."
        elif c.waitlisted:
            note = "Your seat goes to the first student on the wait list."
        else:
            note = "If you change your mind, you can enrol again while there are seats."
        super().__init__(
            "confirm-drop", "Drop class",
            Text.assemble(f"Are you sure you want to {what} {c.class_number} ",
                          (f"{c.catalogue_number} {c.title}", "bold"),
                          f" ({c.component}, {c.days_times})?"),
            notes=[note], prefix="drop", box_classes="", title_classes="section-title",
            refusal=None)
        self.line = line

    @property
    def reason_required(self) -> bool:
        return self.line.status == "enrolled"

    def compose_fields(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label("Reason" + (" *" if self.reason_required else " (optional)"),
                        classes="field-label")
            yield Select([(r, r) for r in DROP_REASONS], prompt="Select a reason",
                         id="drop-reason", compact=True)
        with Horizontal(classes="field-row"):
            yield Label("Explanation", classes="field-label")
            yield ReasonInput(placeholder="optional; required for Other", id="drop-explanation",
                              max_length=200, compact=True)
        yield Static("", id="drop-reason-error")

    def focus_first(self) -> None:
        self.query_one("#drop-explanation", Input).cursor_blink = False
        self.query_one("#drop-reason").focus()

    def accept(self) -> str | None:
        return self.reason()

    def _error(self, message: str) -> None:
        error = self.query_one("#drop-reason-error", Static)
        error.update(Text.assemble(("✗ ", "bold"), message) if message else "")
        error.set_class(bool(message), "-shown")

    def reason(self) -> str | None:
        """The reason to store, or None (and the error shown) when one is still missing."""
        value = self.query_one("#drop-reason", Select).value
        choice = None if value is Select.NULL else str(value)
        explanation = self.query_one("#drop-explanation", Input).value
        if choice is None and self.reason_required and not explanation.strip():
            self._error("Select a reason for dropping this class.")
            self.query_one("#drop-reason").focus()
            return None
        if choice == OTHER_REASON and not explanation.strip():
            self._error("Explain your reason in a few words.")
            self.query_one("#drop-explanation").focus()
            return None
        self._error("")
        return drop_reason(choice, explanation)

    @on(Select.Changed, "#drop-reason")
    def _reason_changed(self, event: Select.Changed) -> None:
        self._error("")
        if event.value == OTHER_REASON:
            self.query_one("#drop-explanation").focus()

    @on(Input.Submitted, "#drop-explanation")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_answer(True)


class DropPane(Vertical):
    BINDINGS = [Binding("d,delete", "drop", "Drop selected class", id="enrol_manage.drop")]

    def compose(self) -> ComposeResult:
        yield Label("Drop classes", classes="section-title", id="drop-title")
        yield Static("Select the class to drop, then select Drop selected class (or press Enter "
                     "on its row).", classes="hint")
        yield ScheduleTable(id="drop-table")
        yield Static("You are not enrolled in any class in this academic year.", id="drop-empty",
                     classes="hint")
        with Horizontal(classes="button-row"):
            yield Button("Drop selected class", id="drop-go", variant="error", compact=True)
        yield Static("", id="drop-result")
        yield ProblemList(id="drop-problems")

    @property
    def enrol(self) -> EnrolScreen:
        return self.screen  # type: ignore[return-value]

    def show_lines(self, lines: list[ScheduleLine], label: str) -> None:
        self.query_one("#drop-title", Label).update(f"Drop classes · {label}")
        table = self.query_one(ScheduleTable)
        table.show_lines(lines)
        table.display = bool(lines)
        self.query_one("#drop-empty").display = not lines
        self.query_one("#drop-go").display = bool(lines)

    def action_drop(self) -> None:
        line = self.query_one(ScheduleTable).current
        if line is None:
            return
        self.query_one("#drop-result", Static).update("")
        problems = self.query_one("#drop-problems", ProblemList)
        problems.clear()
        self.enrol.run_task(self._drop(line), problems=problems)

    async def _drop(self, line: ScheduleLine) -> None:
        reason = await self.app.push_screen_wait(ConfirmDropScreen(line))
        if reason is None:
            self.query_one(ScheduleTable).focus()
            return
        usis = self.enrol.usis_app.usis
        result = await self.enrol.call(usis.enrolment.drop, self.enrol.student,
                                       line.cls.section_id, reason=reason or None,
                                       loading=self.query_one(ScheduleTable))
        extra = f"Reason recorded: {reason}" if reason else ""
        if result.promoted:
            who = "student" if result.promoted == 1 else "students"
            extra += ("\n  " if extra else "") + (
                f"Your seat went to {result.promoted} {who} from the wait list, who "
                f"{'was' if result.promoted == 1 else 'were'} notified.")
        self.query_one("#drop-result", Static).update(success_text(result.message, extra))
        await self.enrol.load_all()
        self.query_one(ScheduleTable).focus()

    @on(Button.Pressed, "#drop-go")
    def _go(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_drop()

    @on(DataTable.RowSelected, "#drop-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_drop()


# ---------------------------------------------------------------------- swap
class SwapPane(Vertical):
    """Swap: pick a class from your schedule, then the class to swap to (number or search)."""

    BINDINGS = [
        Binding("s", "search", "Search for class", id="enrol_manage.search"),
        Binding("f", "finish", "Finish swapping", id="enrol_manage.finish"),
        Binding("x", "cancel", "Cancel", id="enrol_manage.cancel"),
    ]

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's widget `id` keyword
        super().__init__(id=id)
        self.target: ClassInfo | None = None
        self.lines: dict[int, ScheduleLine] = {}

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="swap-scroll", can_focus=False):
            yield Label("Swap a class", classes="section-title", id="swap-title")
            yield Static("Replace a class on your schedule by another one: you only leave the "
                         "old class if you get a seat in the new one.", classes="hint")
            with Horizontal(classes="field-row"):
                yield Label("Swap this class", classes="field-label")
                yield Select([], prompt="Select from your schedule", id="swap-from", compact=True)
            with Horizontal(classes="field-row"):
                yield Label("With this class", classes="field-label")
                yield ClassNumberInput(placeholder="class number", id="swap-number",
                                       restrict=r"[0-9]*", max_length=4, compact=True)
                yield Button("Continue", id="swap-continue", variant="primary", compact=True)
                yield Button("Search for class", id="swap-search", compact=True)
            yield Static("", id="swap-number-error")
            with Vertical(id="swap-confirm"):
                yield Label("Confirm swap", classes="section-title")
                yield Static("", id="swap-question")
                yield ClassDetail(id="swap-detail")
                with Horizontal(classes="field-row"):
                    yield Label("Permission number", classes="field-label")
                    yield Input(placeholder="optional", id="swap-permission", max_length=10,
                                restrict=r"[0-9A-Za-z]*", compact=True)
                with Horizontal(classes="button-row"):
                    yield Button("Cancel", id="swap-cancel", compact=True)
                    yield Button("Finish swapping", id="swap-finish", variant="success",
                                 compact=True)
            yield Static("", id="swap-result")
            yield ProblemList(id="swap-problems")

    def on_mount(self) -> None:
        self.query_one("#swap-confirm").display = False

    @property
    def enrol(self) -> EnrolScreen:
        return self.screen  # type: ignore[return-value]

    def show_lines(self, lines: list[ScheduleLine], label: str) -> None:
        self.query_one("#swap-title", Label).update(f"Swap a class · {label}")
        enrolled = [line for line in lines if line.status == "enrolled"]
        self.lines = {line.cls.section_id: line for line in enrolled}
        select = self.query_one("#swap-from", Select)
        keep = select.value
        with select.prevent(Select.Changed):
            select.set_options([(f"{describe(line.cls)} · {line.cls.days_times}",
                                 line.cls.section_id) for line in enrolled])
            if keep in self.lines:
                select.value = keep

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        typing = isinstance(self.app.focused, Input)
        confirming = self.query_one("#swap-confirm").display
        if action == "search":
            return not typing and not confirming
        if action in ("finish", "cancel"):
            return bool(confirming)
        return True

    def _error(self, message: str) -> None:
        error = self.query_one("#swap-number-error", Static)
        error.update(Text.assemble(("✗ ", "bold"), message) if message else "")
        error.set_class(bool(message), "-shown")

    def _clear(self) -> None:
        self._error("")
        self.query_one("#swap-result", Static).update("")
        self.query_one("#swap-problems", ProblemList).clear()

    def _from_line(self) -> ScheduleLine | None:
        value = self.query_one("#swap-from", Select).value
        return self.lines.get(value) if value is not Select.NULL else None  # type: ignore[arg-type]

    @on(Input.Submitted, "#swap-number")
    @on(Button.Pressed, "#swap-continue")
    def _continue(self, event) -> None:
        event.stop()
        self._clear()
        if self._from_line() is None:
            self.query_one("#swap-problems", ProblemList).show([Problem(
                code="no_class", message="Select the class from your schedule to swap.",
                hint="Choose it under \"Swap this class\".")])
            self.query_one("#swap-from").focus()
            return
        number = self.query_one("#swap-number", Input).value.strip()
        if len(number) != 4 or not number.isdigit():
            self._error(CLASS_NUMBER_ERROR)
            self.query_one("#swap-number").focus()
            return
        self.enrol.run_task(self._lookup(number),
                            problems=self.query_one("#swap-problems", ProblemList))

    async def _lookup(self, number: str) -> None:
        usis = self.enrol.usis_app.usis
        cls = await self.enrol.call(usis.catalogue.lookup, self.enrol.year, number,
                                    loading=self.query_one("#swap-scroll"))
        self.confirm(cls)

    def action_search(self) -> None:
        self._clear()
        self.enrol.run_task(self._search())

    @on(Button.Pressed, "#swap-search")
    def _search_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_search()

    async def _search(self) -> None:
        cls = await self.app.push_screen_wait(ClassSearchScreen(
            self.enrol.year, self.enrol.year_label, self.enrol.programmes))
        if cls is not None:
            self.query_one("#swap-number", Input).value = cls.class_number
            if self._from_line() is None:
                self.query_one("#swap-from").focus()
                return
            self.confirm(cls)

    def confirm(self, cls: ClassInfo) -> None:
        line = self._from_line()
        if line is None:
            return
        self.target = cls
        self.query_one("#swap-question", Static).update(Text.assemble(
            "Swap class ", (describe(line.cls), "bold"), "\nfor class ",
            (describe(cls), "bold"), "?"))
        self.query_one(ClassDetail).show(cls)
        self.query_one("#swap-permission", Input).value = ""
        self.query_one("#swap-confirm").display = True
        self.query_one("#swap-finish").focus()
        self.refresh_bindings()

    def action_cancel(self) -> None:
        self.target = None
        self.query_one("#swap-confirm").display = False
        self.query_one("#swap-number").focus()
        self.refresh_bindings()

    @on(Button.Pressed, "#swap-cancel")
    def _cancel(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    @on(Button.Pressed, "#swap-finish")
    def _finish_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_finish()

    def action_finish(self) -> None:
        line, target = self._from_line(), self.target
        if line is None or target is None:
            return
        self._clear()
        permission = self.query_one("#swap-permission", Input).value.strip() or None
        self.enrol.run_task(self._swap(line, target, permission),
                            problems=self.query_one("#swap-problems", ProblemList))

    async def _swap(self, line: ScheduleLine, target: ClassInfo, permission: str | None) -> None:
        usis = self.enrol.usis_app.usis
        result: SwapResult = await self.enrol.call(
            usis.enrolment.swap, self.enrol.student, line.cls.section_id, target.section_id,
            permission_number=permission, loading=self.query_one("#swap-scroll"))
        self.query_one("#swap-confirm").display = False
        self.target = None
        if result.ok:
            self.query_one("#swap-result", Static).update(success_text(result.message))
            self.query_one("#swap-number", Input).value = ""
        else:
            self.query_one("#swap-result", Static).update(Text.assemble(
                ("✗ ", f"bold {BAD}"), (result.message, "bold")))
            self.query_one("#swap-problems", ProblemList).show(result.problems)
        self.refresh_bindings()
        await self.enrol.load_all()
        self.query_one("#swap-from").focus()


# ---------------------------------------------------------------------- schedule
class SchedulePane(Vertical):
    BINDINGS = [
        Binding("o", "open_brightspace", "Open in Brightspace", id="enrol_manage.open-brightspace"),
        Binding("r", "reload", "Refresh", id="enrol_manage.reload"),
    ]

    def compose(self) -> ComposeResult:
        yield Label("My Class Schedule", classes="section-title", id="schedule-title")
        yield Static("", id="schedule-summary", classes="hint")
        yield ScheduleTable(id="schedule-table")
        yield Static("", id="schedule-detail")

    @property
    def enrol(self) -> EnrolScreen:
        return self.screen  # type: ignore[return-value]

    def show_lines(self, lines: list[ScheduleLine], label: str) -> None:
        self.query_one("#schedule-title", Label).update(f"My Class Schedule · {label}")
        enrolled = [line for line in lines if line.status == "enrolled"]
        waiting = [line for line in lines if line.status == "waitlisted"]
        courses = {line.cls.catalogue_number: line.cls.ec for line in enrolled}
        positions = (" (" + ", ".join(f"{w.cls.class_number}: position {w.waitlist_position}"
                                      for w in waiting) + ")") if waiting else ""
        summary = (f"{len(enrolled)} class{'es' if len(enrolled) != 1 else ''} enrolled"
                   f" · {len(waiting)} on a wait list{positions}"
                   f" · {len(courses)} course{'s' if len(courses) != 1 else ''}, "
                   f"{sum(courses.values()):g} EC")
        self.query_one("#schedule-summary", Static).update(
            summary if lines else "You have no classes in this academic year yet: enrol on the "
                                  "Add tab.")
        table = self.query_one(ScheduleTable)
        table.show_lines(lines)
        table.display = bool(lines)
        self._detail()

    def _detail(self) -> None:
        line = self.query_one(ScheduleTable).current
        detail = self.query_one("#schedule-detail", Static)
        if line is None:
            detail.update("")
            return
        c = line.cls
        text = Text.assemble((f"{c.class_number} {c.catalogue_number} {c.title}", "bold"),
                             f" ({c.component}) · {c.days_times} · {c.rooms} · "
                             f"{c.instructor or 'Staff'}")
        if line.status == "waitlisted":
            text.append(f"\nWait list position {line.waitlist_position}: you are enrolled "
                        "automatically when a seat frees up.", style=WARN)
        if c.brightspace_url:
            text.append("\nBrightspace: ")
            text.append(c.brightspace_url, style=f"underline link {c.brightspace_url}")
        detail.update(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()

    def action_open_brightspace(self) -> None:
        line = self.query_one(ScheduleTable).current
        if line is not None and line.cls.brightspace_url:
            self.app.open_url(line.cls.brightspace_url)

    def action_reload(self) -> None:
        self.enrol.run_task(self.enrol.load_schedule())
