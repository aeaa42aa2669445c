"""Classroom (the trainer): open a classroom for a guided tour, show its code large, and follow
every trainee live — their name and session student, "Step 3 of 9 · <instruction>", how long
they have been on that step (m:ss, by the app's clock), their last hint, finished. The table is
read again every second by a worker (the one service-call pattern, ``self.fetch``); Close
classroom (with a confirmation) removes the session students (services/classroom.py).

    Main Menu › Classroom
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer

from ..i18n import N_, _, ngettext
from ..services.classroom import minutes_seconds
from ..tours import list_tours
from ..widgets.confirm import ConfirmDialog
from ..widgets.literal import Button, DataTable, Label, Select, Static
from ..widgets.problems import ProblemList
from .base import UsisScreen
from .calls import service_worker

if TYPE_CHECKING:
    from ..services.classroom import ClassroomInfo, Roster

REFRESH_SECONDS = 1.0
#: an instruction longer than this is cut in the table (the whole one is in the tour panel)
INSTRUCTION_WIDTH = 48
NARROW = 100


def step_text(step: int, total: int, instruction: str, finished: bool) -> str:
    if finished or step > total:
        return _("Finished all {total} steps").format(total=total)
    text = _("Step {step} of {total}").format(step=step, total=total)
    if instruction:
        short = instruction if len(instruction) <= INSTRUCTION_WIDTH else (
            instruction[:INSTRUCTION_WIDTH - 1] + "…")
        text += f" · {short}"
    return text


def spaced_code(code: str) -> str:
    """"K7MQ3T" as "K 7 M  Q 3 T": easy to read out and to copy from a projector."""
    return "  ".join(" ".join(code[i:i + 3]) for i in range(0, len(code), 3))


class ConfirmCloseClassroom(ConfirmDialog[bool]):
    """"Close classroom K7MQ3T?" Close / Keep open."""

    BINDINGS: ClassVar = [
        Binding("y", "answer(True)", N_("Close classroom"), id="classroom.confirm-yes",
                tooltip=N_("Close it and remove its session students")),
        Binding("escape,n", "answer(False)", N_("Keep open"), id="classroom.confirm-no",
                tooltip=N_("Leave the classroom open")),
    ]

    def __init__(self, code: str, trainees: int) -> None:
        super().__init__(
            "confirm-close-classroom", _("Close classroom {code}").format(code=code),
            _("Every session student of this classroom is removed, with their enrolments, "
              "Shopping cart and messages. Trainees who are still signed in can do no more. "
              "The audit trail keeps what they did."),
            notes=[ngettext("{n} trainee joined.", "{n} trainees joined.", trainees)
                   .format(n=trainees)],
            yes=_("Close classroom"), no=_("Keep open"), prefix="close-classroom")


class ClassroomScreen(UsisScreen):
    PAGE = "Classroom"
    CSS_PATH = "../styles/classroom.tcss"
    BINDINGS: ClassVar = [
        Binding("ctrl+o", "open_classroom", N_("Open classroom"),
                tooltip=N_("Open a classroom for the chosen tour: trainees join with its code"),
                id="classroom.open"),
        Binding("ctrl+x", "close_classroom", N_("Close classroom"),
                tooltip=N_("Close the classroom and remove its session students"),
                id="classroom.close"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.room: ClassroomInfo | None = None
        self.roster: Roster | None = None
        self._timer: Timer | None = None

    def compose_body(self) -> ComposeResult:
        tours = list_tours()
        with Vertical(id="page", classes="classroom-page"):
            yield Label(_("Classroom"), classes="page-title")
            yield ProblemList(id="classroom-problems")
            with Vertical(id="classroom-start"):
                yield Static(_("Choose a tour and open a classroom. Trainees join it on the "
                               "Login page (Join a classroom) with the code shown here; each "
                               "works as a student of their own, removed when you close the "
                               "classroom."), classes="hint")
                with Horizontal(id="classroom-choose"):
                    yield Label(_("Tour"), classes="field-label")
                    yield Select([(t.shown_title(), t.name) for t in tours], id="classroom-tour",
                                 allow_blank=False, compact=True)
                    yield Button(_("Open classroom"), id="classroom-open", variant="primary",
                                 compact=True)
            with Vertical(id="classroom-live"):
                with Horizontal(id="classroom-head"):
                    yield Static("", id="classroom-code")
                    with Vertical(id="classroom-about"):
                        yield Static("", id="classroom-tour-title")
                        yield Static("", id="classroom-how", classes="hint")
                        yield Button(_("Close classroom"), id="classroom-close",
                                     variant="error", compact=True)
                yield Static("", id="classroom-count")
                yield DataTable(id="classroom-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self._show(None)
        self.load()

    def on_screen_resume(self) -> None:
        if self._timer is None:
            self._timer = self.set_interval(REFRESH_SECONDS, self._tick)
        else:
            self._timer.resume()

    def on_screen_suspend(self) -> None:
        if self._timer is not None:
            self._timer.pause()

    def _tick(self) -> None:
        if self.room is not None:
            self.refresh_roster()

    def _show(self, room: ClassroomInfo | None) -> None:
        self.room = room
        self.query_one("#classroom-start").display = room is None
        self.query_one("#classroom-live").display = room is not None
        if room is None:
            self.roster = None
            self.query_one("#classroom-tour", Select).focus()
        else:
            self.query_one("#classroom-code", Static).update(
                Text(spaced_code(room.code), style="bold"))
            self.query_one("#classroom-tour-title", Static).update(Text.assemble(
                (_("Tour") + ": ", "bold"), room.tour_title))
            self.query_one("#classroom-how", Static).update(_(
                "Trainees: on the Login page press ctrl+l (Join a classroom), type this code "
                "and your name."))
            self.query_one("#classroom-table", DataTable).focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_classroom":
            return self.room is None
        if action == "close_classroom":
            return self.room is not None
        return True

    # ------------------------------------------------------------------ service calls
    @service_worker(group="classroom-load", exclusive=True, problems="#classroom-problems")
    async def load(self) -> None:
        """The trainer's newest open classroom again (coming back to the page)."""
        app = self.usis_app
        if app.identity is None:
            return
        rooms = await self.fetch(app.usis.classroom.open_sessions, app.identity.username)
        if rooms:
            self._show(rooms[0])
            await self._refresh()

    @on(Button.Pressed, "#classroom-open")
    @service_worker(group="classroom-open", exclusive=True, problems="#classroom-problems")
    async def action_open_classroom(self) -> None:
        app = self.usis_app
        tour = self.query_one("#classroom-tour", Select).value
        if self.room is not None or app.identity is None or not isinstance(tour, str):
            return
        room = await self.fetch(app.usis.classroom.open_session, app.identity.username, tour)
        if room is not None:
            self._show(room)
            await self._refresh()

    @service_worker(group="classroom-roster", exclusive=True, problems="#classroom-problems")
    async def refresh_roster(self) -> None:
        await self._refresh()

    async def _refresh(self) -> None:
        if self.room is None:
            return
        roster = await self.fetch(self.usis_app.usis.classroom.roster, self.room.code)
        if roster is not None and self.room is not None and roster.classroom.code == \
                self.room.code:
            self.roster = roster
            self._fill()

    @on(Button.Pressed, "#classroom-close")
    def action_close_classroom(self) -> None:
        if self.room is None:
            return
        code = self.room.code
        trainees = len(self.roster.trainees) if self.roster is not None else 0

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self._close(code)
        self.app.push_screen(ConfirmCloseClassroom(code, trainees), done)

    @service_worker(group="classroom-close", exclusive=True, problems="#classroom-problems")
    async def _close(self, code: str) -> None:
        closed = await self.fetch(self.usis_app.usis.classroom.close_session, code)
        if closed is None:
            return
        self._show(None)
        self.query_one("#classroom-table", DataTable).clear(columns=True)
        self.notify(ngettext("Classroom {code} closed: {n} session student removed.",
                             "Classroom {code} closed: {n} session students removed.",
                             closed.students_removed).format(code=closed.code,
                                                             n=closed.students_removed),
                    title=_("Classroom"), timeout=6)

    # ------------------------------------------------------------------ the table
    def _fill(self) -> None:
        roster = self.roster
        if roster is None:
            return
        table = self.query_one("#classroom-table", DataTable)
        row = table.cursor_row
        now = self.usis_app.now()
        narrow = self.size.width < NARROW
        table.clear(columns=True)
        table.add_column(_("Name"), key="name")
        if not narrow:
            table.add_column(_("Student"), key="student")
        table.add_column(_("Time"), key="time")
        table.add_column(_("Step"), key="step")
        table.add_column(_("Last hint"), key="hint")
        for t in roster.trainees:
            cells: list[Any] = [Text(t.name)]
            if not narrow:
                cells.append(Text(t.student_number))
            cells.append(Text("✓" if t.finished else minutes_seconds(t.since, now),
                              style="bold green" if t.finished else ""))
            cells.append(Text(step_text(t.step, t.total, t.instruction, t.finished)))
            cells.append(Text(t.hint or "", style="italic"))
            table.add_row(*cells, key=t.student_number)
        if roster.trainees:
            table.move_cursor(row=min(max(row, 0), len(roster.trainees) - 1))
        n = len(roster.trainees)
        done = sum(1 for t in roster.trainees if t.finished)
        self.query_one("#classroom-count", Static).update(Text(
            (ngettext("{n} trainee", "{n} trainees", n).format(n=n) + " · " +
             ngettext("{done} finished", "{done} finished", done).format(done=done))
            if n else _("No trainees yet: they join with the code above."), style="dim"))


__all__ = ["ClassroomScreen", "ConfirmCloseClassroom", "spaced_code", "step_text"]
