"""Minors: every minor of the academic year with its class number, type (selection, Leiden,
LDE), registration window, places left and wait list; apply, change or cancel the application
until the window closes (rules: services/minors.py)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll

from ..services.schemas import MinorInfo, MinorResult
from ..theme import PRIMARY, WARN
from ..widgets.confirm import ConfirmDialog
from ..widgets.literal import DataTable, Label, Static, literal
from ..widgets.problems import ProblemList
from ..widgets.status_badge import STYLES
from .base import UsisScreen
from .calls import service_worker

RULES = ("Every minor has a limited number of places, allocated first come, first served "
         "(selection minors: by selection). You may follow one minor; while you are on the wait "
         "list for your first choice you may apply for a second one. You can change or cancel "
         "your application until the registration period ends. Parts of a minor are enrolled "
         "with it.")


SHORT_TYPES = {"selection": "Selection", "leiden": "Leiden", "lde": "LDE"}
PERIOD_MARKS = {"open": "●", "not_yet_open": "○", "closed": "■"}


def window_text(m: MinorInfo) -> Text:
    """The registration period, marked and coloured by its state (● open, ○ not yet, ■ closed)."""
    style = STYLES.get(m.period_state, "")
    return Text(f"{PERIOD_MARKS[m.period_state]} {m.opens_at:%d %b}–{m.closes_at:%d %b}",
                style=style)


def places_text(m: MinorInfo) -> Text:
    return Text(str(m.places_left), style="bold red" if m.places_left == 0 else "")


def waitlist_text(m: MinorInfo) -> str:
    if m.minor_type == "selection":
        return f"{m.applicants} applied"
    return f"{m.waitlisted}/{m.waitlist_capacity}"


def my_status_text(m: MinorInfo) -> Text:
    if not m.status_label:
        return Text("")
    style = {"enrolled": "bold green", "waitlisted": f"bold {WARN}",
             "waiting_for_placement": f"bold {PRIMARY}", "cancelled": "italic"}.get(
                 m.my_status or "", "")
    text = Text(m.status_label, style=style)
    return text


def minor_row(m: MinorInfo) -> tuple:
    return (m.class_number, m.title, SHORT_TYPES.get(m.minor_type, m.minor_type),
            window_text(m), places_text(m), waitlist_text(m), my_status_text(m))


def detail_text(m: MinorInfo) -> Text:
    text = Text()
    text.append(f"{m.class_number}  {m.catalogue_number}  ", style="bold")
    text.append(m.title, style="bold")
    text.append(f"  ·  {m.type_label}  ·  {m.ec:g} EC\n")
    state = {"open": "open", "not_yet_open": "not yet open", "closed": "closed"}[m.period_state]
    text.append(f"Registration {state}: {m.opens_at:%d %b %Y %H:%M} – "
                f"{m.closes_at:%d %b %Y %H:%M}\n")
    if m.minor_type == "selection":
        text.append(f"{m.capacity} places, allocated by selection ({m.applicants} waiting for "
                    "the placement outcome).\n")
    else:
        text.append(f"{m.enrolled}/{m.capacity} places taken, {m.places_left} left; wait list "
                    f"{m.waitlisted}/{m.waitlist_capacity}.\n")
    if m.parts:
        text.append("Parts, enrolled with the minor: ")
        text.append(", ".join(f"{p.class_number} {p.title} ({p.ec:g} EC)"
                              + (" ✓" if p.enrolled else "") for p in m.parts))
        text.append("\n")
    if m.active:
        text.append("Your application: ", style="bold")
        text.append_text(my_status_text(m))
        if m.my_choice == 2:
            text.append(" (second choice)", style="italic")
        if m.period_state == "open":
            text.append("  (x cancels it until the registration period ends)", style="italic")
    elif m.period_state == "open":
        action = ("apply: you wait for the placement outcome" if m.minor_type == "selection"
                  else "apply: you get a place" if m.places_left
                  else "apply: you join the wait list")
        text.append(f"Press a to {action}.", style="italic")
    return text


class ConfirmCancelMinorScreen(ConfirmDialog[bool]):
    """ "Cancel your application for minor 1052 …?" Yes / No; Escape = No."""

    CSS_PATH = "../styles/minors.tcss"
    BINDINGS: ClassVar = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes", tooltip="Cancel the application"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no",
                tooltip="Keep the application"),
    ]

    def __init__(self, minor: MinorInfo) -> None:
        m = minor
        note = "Your place goes to the first student on the wait list." if (
            m.my_status == "enrolled") else "You lose your place in the queue."
        if m.parts and m.my_status == "enrolled":
            note += " Its parts are dropped too."
        super().__init__(
            "confirm-cancel-minor", "Cancel minor application",
            Text.assemble("Are you sure you want to cancel your application for minor ",
                          (f"{m.class_number} {m.title}", "bold"), f" ({m.status_label})?"),
            notes=[note], prefix="cancel-minor", box_classes="minor-dialog",
            question_id="cancel-minor-question")
        self.minor = minor


class MinorsScreen(UsisScreen):
    PAGE = "Minors"
    CSS_PATH = "../styles/minors.tcss"
    BINDINGS = [
        Binding("a", "apply", "Apply", tooltip="Apply for the selected minor", id="minors.apply"),
        Binding("g", "change", "Change to this minor",
                tooltip="Replace your minor application by the selected minor", id="minors.change"),
        Binding("x", "cancel_application", "Cancel application",
                tooltip="Cancel your application for the selected minor",
                id="minors.cancel-application"),
        Binding("r", "refresh", "Refresh", show=False, id="minors.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.minors: list[MinorInfo] = []

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="page", classes="minors-page"):
            yield Label("Minors", classes="page-title")
            yield Static(RULES, id="minor-rules", classes="muted")
            yield ProblemList(id="minor-problems")
            yield Static("", id="minor-result")
            table: DataTable = DataTable(id="minor-list", cursor_type="row", zebra_stripes=True)
            for label, key, width in (("Class", "class", 5), ("Minor", "title", 27),
                                      ("Type", "type", 9), ("Registration", "window", 15),
                                      ("Places", "places", 6), ("Wait list", "wait", 10),
                                      ("My application", "mine", 29)):
                table.add_column(label, key=key, width=width)
            yield table
            with Vertical(id="minor-detail", classes="block") as block:
                block.border_title = "Minor"
                yield Static("Loading…", id="minor-detail-text")

    def on_mount(self) -> None:
        self.query_one(DataTable).focus(scroll_visible=False)  # the page stays at its top
        self.load()

    def action_refresh(self) -> None:
        self.load()

    @property
    def year(self) -> str | None:
        return self.minors[0].academic_year if self.minors else None

    @service_worker(exclusive=True, group="minors", problems="#minor-problems")
    async def load(self, keep: str | None = None) -> None:
        from ..services import ServiceError

        student = self.usis_app.student_number
        if student is None:
            return
        table = self.query_one(DataTable)
        try:
            minors = await self.call(self.usis_app.usis.minors.list, student, loading=table)
        except ServiceError as exc:
            if self.is_attached:
                self.query_one(ProblemList).show(exc.problems)
            return
        if not self.is_attached:
            return
        self.minors = minors
        shown = self._current()
        current = keep or (shown.class_number if shown else None)
        table.clear()
        for m in minors:
            table.add_row(*minor_row(m), key=m.class_number)
        self.query_one("#minor-list").border_subtitle = literal(self.year or "")
        numbers = [m.class_number for m in minors]
        if current in numbers:
            table.move_cursor(row=numbers.index(current))
        if self.focused is None or self.focused.id == "page":
            table.focus(scroll_visible=False)  # focus lost to the loading indicator
        self._show_detail()

    def _current(self) -> MinorInfo | None:
        table = self.query_one(DataTable)
        if not self.minors or not 0 <= table.cursor_row < len(self.minors):
            return None
        return self.minors[table.cursor_row]

    def _show_detail(self) -> None:
        m = self._current()
        widget = self.query_one("#minor-detail-text", Static)
        if m is None:
            widget.update(Text("No minors are offered this academic year.", style="italic"))
            return
        self.query_one("#minor-detail").border_title = literal(f"Minor {m.class_number}")
        widget.update(detail_text(m))

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        m = self._current()
        if m is not None and not m.active:
            self.action_apply()

    def _say(self, result: MinorResult) -> None:
        self.query_one(ProblemList).clear()
        note = self.query_one("#minor-result", Static)
        note.update(Text.assemble(("✓ ", "bold green"), result.message))
        note.add_class("-shown")
        self.notify(result.message, timeout=4)

    @service_worker(exclusive=True, group="minor-action", problems="#minor-problems")
    async def _run(self, fn, *args, keep: str) -> None:
        from ..services import ServiceError

        student = self.usis_app.student_number
        if student is None:
            return
        try:
            result = await self.call(fn, student, *args)
        except ServiceError as exc:
            if self.is_attached:
                self.query_one("#minor-result", Static).remove_class("-shown")
                self.query_one(ProblemList).show(exc.problems)
            return
        if not self.is_attached:
            return
        self._say(result)
        self.load(keep)

    def action_apply(self) -> None:
        m = self._current()
        if m is None:
            return
        self._run(self.usis_app.usis.minors.apply, m.class_number, m.academic_year,
                        keep=m.class_number)

    def action_change(self) -> None:
        m = self._current()
        if m is None:
            return
        mine = [x for x in self.minors if x.active and x.class_number != m.class_number]
        if m.active:
            self._problem("same_minor", f"You already applied for minor {m.class_number}.",
                          "Select the minor you want instead, then press g.")
        elif not mine:
            self._problem("no_application", "You have no minor application to change.",
                          "Press a to apply for this minor.")
        elif len(mine) > 1:
            self._problem("two_applications",
                          "You have two minor applications: cancel one first (x), then change "
                          "the other.", "")
        else:
            self._run(self.usis_app.usis.minors.change, mine[0].class_number,
                            m.class_number, m.academic_year, keep=m.class_number)

    def _problem(self, code: str, message: str, hint: str) -> None:
        from ..services.schemas import Problem

        self.query_one("#minor-result", Static).remove_class("-shown")
        self.query_one(ProblemList).show([Problem(code=code, message=message, hint=hint)])

    def action_cancel_application(self) -> None:
        m = self._current()
        if m is None:
            return
        if not m.active:
            self._problem("no_application", f"You have not applied for minor {m.class_number}, "
                          "Cancel Not Processed.", "Select a minor you applied for.")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._run(self.usis_app.usis.minors.cancel, m.class_number,
                                m.academic_year, keep=m.class_number)

        self.app.push_screen(ConfirmCancelMinorScreen(m), answered)


__all__ = ["ConfirmCancelMinorScreen", "MinorsScreen", "detail_text", "minor_row"]
