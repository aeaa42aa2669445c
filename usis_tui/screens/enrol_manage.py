"""The Drop, Swap and My Class Schedule tabs of the Enrol page, and the drop confirmation."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.message import Message

from ..i18n import N_, _, format_datetime, format_ec, ngettext
from ..services.schemas import ClassInfo, Problem, ScheduleLine, SwapResult, counted_ec
from ..widgets.class_detail import (
    BAD,
    GOOD,
    WARN,
    ClassDetail,
    class_days_times,
    class_rooms,
    component_label,
    staff,
)
from ..widgets.class_table import ScheduleTable
from ..widgets.confirm import ConfirmDialog
from ..widgets.enrol_add import CLASS_NUMBER_ERROR, ClassNumberInput
from ..widgets.literal import Button, Checkbox, DataTable, Input, Label, Select, Static
from ..widgets.problems import ProblemList
from .enrol_search import ClassSearchScreen

if TYPE_CHECKING:
    from .enrol import EnrolScreen


def describe(cls: ClassInfo) -> str:
    return (f"{cls.class_number} {cls.catalogue_number} {cls.title} "
            f"({component_label(cls.component)})")


def success_text(message: str, extra: str = "") -> Text:
    text = Text.assemble(("✓ ", f"bold {GOOD}"), (message, "bold"))
    if extra:
        text.append(f"\n  {extra}")
    return text


# ---------------------------------------------------------------------- drop
#: stored in English (the drop's reason); shown with _()
DROP_REASONS: tuple[str, ...] = (
    N_("Timetable clash with another course"),
    N_("Workload too high this semester"),
    N_("Changed my study plan"),
    N_("Enrolled in the wrong class by mistake"),
    N_("Course content is not what I expected"),
    N_("Personal or health circumstances"),
    N_("Other (explain below)"),
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

    BINDINGS = [Binding("enter", "submit", N_("Yes, drop"),
                        tooltip=N_("Drop the class with this reason"),
                        id="enrol_manage.submit")]


class ConfirmDropScreen(ConfirmDialog[str | None]):
    """ "Are you sure you want to drop class 2037 …?" with the reason for withdrawing (a list of
    reasons and free text; required to drop an enrolled class, optional to leave a wait list),
    then Yes / No; Escape = No. Dismisses with the reason to store ("" for none) or None (No)."""

    BINDINGS: ClassVar = [
        Binding("y", "answer(True)", N_("Yes"), id="confirm.yes",
                tooltip=N_("Drop the class with the reason given")),
        Binding("n,escape", "answer(False)", N_("No"), id="confirm.no",
                tooltip=N_("Keep the class")),
    ]

    def __init__(self, line: ScheduleLine) -> None:
        c = line.cls
        question = (_("Are you sure you want to remove yourself from the wait list of class "
                      "{number} {course} ({component}, {days_times})?")
                    if line.status == "waitlisted" else
                    _("Are you sure you want to drop class {number} {course} ({component}, "
                      "{days_times})?"))
        if line.status == "waitlisted":
            note = _("You lose your wait list position ({position}).").format(
                position=line.waitlist_position)
        elif c.waitlisted:
            note = _("Your seat goes to the first student on the wait list.")
        else:
            note = _("If you change your mind, you can enrol again while there are seats.")
        before, _sep, after = question.partition("{course}")
        fields = {"number": c.class_number, "component": component_label(c.component),
                  "days_times": class_days_times(c)}
        super().__init__(
            "confirm-drop", _("Drop class"),
            Text.assemble(before.format(**fields),
                          (f"{c.catalogue_number} {c.title}", "bold"),
                          after.format(**fields)),
            notes=[note], prefix="drop", box_classes="", title_classes="section-title",
            refusal=None)
        self.line = line

    @property
    def reason_required(self) -> bool:
        return self.line.status == "enrolled"

    def compose_fields(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label(_("Reason") + (" *" if self.reason_required else " " + _("(optional)")),
                        classes="field-label")
            yield Select([(_(r), r) for r in DROP_REASONS], prompt=_("Select a reason"),
                         id="drop-reason", compact=True)
        with Horizontal(classes="field-row"):
            yield Label(_("Explanation"), classes="field-label")
            yield ReasonInput(placeholder=_("optional; required for Other"),
                              id="drop-explanation", max_length=200, compact=True)
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
            self._error(_("Select a reason for dropping this class."))
            self.query_one("#drop-reason").focus()
            return None
        if choice == OTHER_REASON and not explanation.strip():
            self._error(_("Explain your reason in a few words."))
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
    BINDINGS = [Binding("d,delete", "drop", N_("Drop selected class"), id="enrol_manage.drop")]

    def compose(self) -> ComposeResult:
        yield Label(_("Drop classes"), classes="section-title", id="drop-title")
        yield Static(_("Select the class to drop, then select Drop selected class (or press "
                       "Enter on its row)."), classes="hint")
        yield ScheduleTable(id="drop-table")
        yield Static(_("You are not enrolled in any class in this academic year."),
                     id="drop-empty", classes="hint")
        with Horizontal(classes="button-row"):
            yield Button(_("Drop selected class"), id="drop-go", variant="error", compact=True)
        yield Static("", id="drop-result")
        yield ProblemList(id="drop-problems")

    @property
    def enrol(self) -> EnrolScreen:
        return self.screen  # type: ignore[return-value]

    def show_lines(self, lines: list[ScheduleLine], label: str) -> None:
        self.query_one("#drop-title", Label).update(_("Drop classes · {year}").format(year=label))
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
        extra = _("Reason recorded: {reason}").format(reason=reason) if reason else ""
        if result.promoted:
            extra += ("\n  " if extra else "") + ngettext(
                "Your seat went to {n} student from the wait list, who was notified.",
                "Your seat went to {n} students from the wait list, who were notified.",
                result.promoted).format(n=result.promoted)
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
        Binding("s", "search", N_("Search for class"), id="enrol_manage.search"),
        Binding("w", "toggle_waitlist", N_("Wait list if full"),
                tooltip=N_("Join the wait list of a full class; your class is dropped when you "
                           "get a seat"), id="enrol_manage.toggle-waitlist"),
        Binding("f", "finish", N_("Finish swapping"), id="enrol_manage.finish"),
        Binding("x", "cancel", N_("Cancel"), id="enrol_manage.cancel"),
    ]

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's widget `id` keyword
        super().__init__(id=id)
        self.target: ClassInfo | None = None
        self.lines: dict[int, ScheduleLine] = {}

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="swap-scroll", can_focus=False):
            yield Label(_("Swap a class"), classes="section-title", id="swap-title")
            yield Static(_("Replace a class on your schedule by another one: you only leave the "
                           "old class if you get a seat in the new one."), classes="hint")
            with Horizontal(classes="field-row"):
                yield Label(_("Swap this class"), classes="field-label")
                yield Select([], prompt=_("Select from your schedule"), id="swap-from",
                             compact=True)
            with Horizontal(classes="field-row"):
                yield Label(_("With this class"), classes="field-label")
                yield ClassNumberInput(placeholder=_("class number"), id="swap-number",
                                       restrict=r"[0-9]*", max_length=4, compact=True)
                yield Button(_("Continue"), id="swap-continue", variant="primary", compact=True)
                yield Button(_("Search for class"), id="swap-search", compact=True)
            yield Static("", id="swap-number-error")
            with Vertical(id="swap-confirm"):
                yield Label(_("Confirm swap"), classes="section-title")
                yield Static("", id="swap-question")
                yield ClassDetail(id="swap-detail")
                with Horizontal(classes="field-row"):
                    yield Label("", classes="field-label")
                    yield Checkbox(_("Wait list if class is full"), id="swap-waitlist",
                                   compact=True)
                with Horizontal(classes="field-row"):
                    yield Label(_("Permission number"), classes="field-label")
                    yield Input(placeholder=_("optional"), id="swap-permission", max_length=10,
                                restrict=r"[0-9A-Za-z]*", compact=True)
                with Horizontal(classes="button-row"):
                    yield Button(_("Cancel"), id="swap-cancel", compact=True)
                    yield Button(_("Finish swapping"), id="swap-finish", variant="success",
                                 compact=True)
            yield Static("", id="swap-result")
            yield ProblemList(id="swap-problems")

    def on_mount(self) -> None:
        self.query_one("#swap-confirm").display = False

    @property
    def enrol(self) -> EnrolScreen:
        return self.screen  # type: ignore[return-value]

    def show_lines(self, lines: list[ScheduleLine], label: str) -> None:
        self.query_one("#swap-title", Label).update(_("Swap a class · {year}").format(year=label))
        enrolled = [line for line in lines if line.status == "enrolled"]
        self.lines = {line.cls.section_id: line for line in enrolled}
        select = self.query_one("#swap-from", Select)
        keep = select.value
        with select.prevent(Select.Changed):
            select.set_options([(f"{describe(line.cls)} · {class_days_times(line.cls)}",
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
        if action == "toggle_waitlist":
            return bool(confirming) and not typing
        return True

    def action_toggle_waitlist(self) -> None:
        box = self.query_one("#swap-waitlist", Checkbox)
        if not box.disabled:
            box.toggle()

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
                code="no_class", message=_("Select the class from your schedule to swap."),
                hint=_("Choose it under \"Swap this class\"."))])
            self.query_one("#swap-from").focus()
            return
        number = self.query_one("#swap-number", Input).value.strip()
        if len(number) != 4 or not number.isdigit():
            self._error(_(CLASS_NUMBER_ERROR))
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
        question = _("Swap class {old}\nfor class {new}?")
        old_at = question.index("{old}")
        new_at = question.index("{new}")
        parts: list[str | tuple[str, str]] = []
        position = 0
        for at, name, value in sorted([(old_at, "{old}", describe(line.cls)),
                                       (new_at, "{new}", describe(cls))]):
            parts += [question[position:at], (value, "bold")]
            position = at + len(name)
        parts.append(question[position:])
        self.query_one("#swap-question", Static).update(Text.assemble(*parts))
        self.query_one(ClassDetail).show(cls)
        self.query_one("#swap-permission", Input).value = ""
        waitlist = self.query_one("#swap-waitlist", Checkbox)
        waitlist.value = False
        waitlist.disabled = cls.waitlist_capacity == 0
        self.query_one("#swap-confirm").display = True
        finish = self.query_one("#swap-finish")
        finish.focus(scroll_visible=False)
        # once the confirmation is laid out: scrolling before would use its old, empty region
        self.call_after_refresh(finish.scroll_visible, animate=False)
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
        wait_list_ok = self.query_one("#swap-waitlist", Checkbox).value
        self.enrol.run_task(self._swap(line, target, permission, wait_list_ok),
                            problems=self.query_one("#swap-problems", ProblemList))

    async def _swap(self, line: ScheduleLine, target: ClassInfo, permission: str | None,
                    wait_list_ok: bool = False) -> None:
        usis = self.enrol.usis_app.usis
        result: SwapResult = await self.enrol.call(
            usis.enrolment.swap, self.enrol.student, line.cls.section_id, target.section_id,
            permission_number=permission, wait_list_ok=wait_list_ok,
            loading=self.query_one("#swap-scroll"))
        self.query_one("#swap-confirm").display = False
        self.target = None
        if result.ok and result.waitlist_position is not None:  # on the new class's wait list
            self.query_one("#swap-result", Static).update(Text.assemble(
                ("▲ ", f"bold {WARN}"), (result.message, "bold")))
            self.query_one("#swap-number", Input).value = ""
        elif result.ok:
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
class MyScheduleTable(ScheduleTable):
    """My Class Schedule's table: Enter is "Edit" on a wait-listed class (its permission
    number); on any other row it does nothing (and the Footer does not offer it)."""

    BINDINGS: ClassVar = [
        Binding("enter", "edit", N_("Edit"),
                tooltip=N_("Enter a permission number for this wait-listed class: it enrols "
                           "you now"), id="enrol_manage.edit"),
    ]

    class EditLine(Message):
        def __init__(self, line: ScheduleLine) -> None:
            super().__init__()
            self.line = line

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit":
            line = self.current
            return line is not None and line.status == "waitlisted"
        return True

    def watch_cursor_coordinate(self, old_coordinate: Coordinate,
                                new_coordinate: Coordinate) -> None:
        super().watch_cursor_coordinate(old_coordinate, new_coordinate)
        self.refresh_bindings()  # Edit: only on a wait-listed class

    def show_lines(self, lines: list[ScheduleLine]) -> None:
        super().show_lines(lines)
        self.refresh_bindings()

    def action_edit(self) -> None:
        line = self.current
        if line is not None and line.status == "waitlisted":
            self.post_message(self.EditLine(line))


class SchedulePane(Vertical):
    BINDINGS = [
        Binding("o", "open_brightspace", N_("Open in Brightspace"),
                id="enrol_manage.open-brightspace"),
        Binding("r", "reload", N_("Refresh"), id="enrol_manage.reload"),
    ]

    def compose(self) -> ComposeResult:
        yield Label(_("My Class Schedule"), classes="section-title", id="schedule-title")
        yield Static("", id="schedule-summary", classes="hint")
        yield MyScheduleTable(id="schedule-table")
        yield Static("", id="schedule-detail")
        yield Static("", id="schedule-result")
        yield ProblemList(id="schedule-problems")

    def on_mount(self) -> None:
        self.query_one("#schedule-result").display = False

    @property
    def enrol(self) -> EnrolScreen:
        return self.screen  # type: ignore[return-value]

    def show_lines(self, lines: list[ScheduleLine], label: str) -> None:
        self.query_one("#schedule-title", Label).update(
            _("My Class Schedule · {year}").format(year=label))
        enrolled = [line for line in lines if line.status == "enrolled"]
        waiting = [line for line in lines if line.status == "waitlisted"]
        courses = counted_ec(line.cls for line in enrolled)  # a minor's parts: in the minor
        positions = (" (" + ", ".join(
            _("{number}: position {position}").format(number=w.cls.class_number,
                                                      position=w.waitlist_position)
            for w in waiting) + ")") if waiting else ""
        summary = (ngettext("{n} class enrolled", "{n} classes enrolled",
                            len(enrolled)).format(n=len(enrolled))
                   + " · " + _("{n} on a wait list").format(n=len(waiting)) + positions
                   + " · " + ngettext("{n} course, {ec}", "{n} courses, {ec}",
                                      len(courses)).format(n=len(courses),
                                                           ec=format_ec(sum(courses.values()))))
        self.query_one("#schedule-summary", Static).update(
            summary if lines else _("You have no classes in this academic year yet: enrol on "
                                    "the Add tab."))
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
                             f" ({component_label(c.component)}) · {class_days_times(c)} · "
                             f"{class_rooms(c)} · {staff(c.instructor)}")
        if line.status == "waitlisted":
            text.append("\n" + _("Wait list position {position}: you are enrolled "
                                 "automatically when a seat frees up.").format(
                                     position=line.waitlist_position), style=WARN)
            text.append(" " + _("A permission number from the instructor gets you in now: "
                                "Edit (Enter)."), style=WARN)
            if line.swap_from:
                text.append("\n" + _("Swap: when you get a seat, class {old} is dropped.").format(
                    old=line.swap_from), style=WARN)
        if line.confirm_by is not None:
            text.append("\n" + _("Provisional: confirm your enrolment by {date} (Student "
                                 "Center › To Do List, x), or it is removed.").format(
                                     date=format_datetime(line.confirm_by)), style=WARN)
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

    @on(MyScheduleTable.EditLine)
    def _edit(self, event: MyScheduleTable.EditLine) -> None:
        event.stop()
        self.query_one("#schedule-result", Static).display = False
        problems = self.query_one("#schedule-problems", ProblemList)
        problems.clear()
        self.enrol.run_task(self._edit_line(event.line), problems=problems)

    async def _edit_line(self, line: ScheduleLine) -> None:
        """"Edit" a wait-listed class: a permission number obtained later enrols you."""
        from .enrol_edit import EditClassScreen

        usis = self.enrol.usis_app.usis
        student = self.enrol.student

        def save(_wait_list_ok: bool, permission_number: str | None):
            return usis.enrolment.edit(student, line.cls.section_id,
                                       permission_number=permission_number)

        result = await self.app.push_screen_wait(EditClassScreen.for_waitlist(line, save))
        table = self.query_one(ScheduleTable)
        if result is not None:
            done = self.query_one("#schedule-result", Static)
            done.display = True
            done.update(success_text(
                _("Class {number}: {message}").format(number=line.cls.class_number,
                                                      message=result.message)))
            await self.enrol.load_all()
        table.focus()
