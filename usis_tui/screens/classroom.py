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
from textual.events import Resize
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
NARROW = 100
SHORT = 30  # rows: the code in a smaller box


def step_text(step: int, total: int, instruction: str, finished: bool) -> str:
    if finished or step > total:
        return _("Finished all {total} steps").format(total=total)
    text = _("Step {step} of {total}").format(step=step, total=total)
    if instruction:
        text += f" · {instruction}"
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

    def __init__(self, tour: str | None = None, **kwargs: Any) -> None:
        """``tour``: the tour chosen beforehand (Tours › Open a classroom)."""
        super().__init__(**kwargs)
        self.preset_tour = tour
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
                    names = [t.name for t in tours]
                    chosen = self.preset_tour if self.preset_tour in names else None
                    yield Select([(t.shown_title(), t.name) for t in tours], id="classroom-tour",
                                 allow_blank=False, compact=True,
                                 **({"value": chosen} if chosen else {}))
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
                yield Static("", id="classroom-detail")

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
        if roster is None or self.room is None or roster.classroom.code != self.room.code:
            return
        if roster.classroom.closed_at is not None:  # closed meanwhile (another trainer)
            self._show(None)
            self.query_one("#classroom-table", DataTable).clear(columns=True)
            self.notify(_("Classroom {code} has been closed.").format(
                code=roster.classroom.code), title=_("Classroom"), timeout=6)
            return
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
    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.height < SHORT, "-short")
        if self.roster is not None:
            self._fill()

    def _fill(self) -> None:
        roster = self.roster
        if roster is None:
            return
        table = self.query_one("#classroom-table", DataTable)
        row = table.cursor_row
        now = self.usis_app.now()
        narrow = self.size.width < NARROW
        trainees = roster.trainees
        # every column fits the page: the step and the last hint share what is left
        name_w = min(18, max([len(_("Name"))] + [len(t.name) for t in trainees]))
        times = [minutes_seconds(t.since, now) for t in trainees]
        time_w = max([len(_("Time"))] + [len(x) for x in times])
        fixed = name_w + time_w + (0 if narrow else 8) + 2 * (4 if narrow else 5)
        room = max(20, self.size.width - 2 - 2 - fixed)  # the page's padding, the scrollbar
        hint_w = max(12, room * 2 // 5)
        step_w = max(8, room - hint_w)
        table.clear(columns=True)
        table.add_column(_("Name"), key="name", width=name_w)
        if not narrow:
            table.add_column(_("Student"), key="student", width=8)
        table.add_column(_("Time"), key="time", width=time_w)
        table.add_column(_("Step"), key="step", width=step_w)
        table.add_column(_("Last hint"), key="hint", width=hint_w)
        for t, time_on_step in zip(trainees, times, strict=True):
            cells: list[Any] = [Text(cut(t.name, name_w))]
            if not narrow:
                cells.append(Text(t.student_number))
            cells.append(Text("✓", style="bold green") if t.finished else Text(time_on_step))
            cells.append(Text(cut(step_text(t.step, t.total, t.instruction, t.finished),
                                  step_w)))
            cells.append(Text(cut(t.hint or "", hint_w), style="italic"))
            table.add_row(*cells, key=t.student_number)
        if trainees:
            table.move_cursor(row=min(max(row, 0), len(trainees) - 1))
        n = len(trainees)
        done = sum(1 for t in trainees if t.finished)
        self.query_one("#classroom-count", Static).update(Text(
            (ngettext("{n} trainee", "{n} trainees", n).format(n=n) + " · " +
             ngettext("{done} finished", "{done} finished", done).format(done=done))
            if n else _("No trainees yet: they join with the code above."), style="dim"))
        self._show_detail()

    def _show_detail(self) -> None:
        """The highlighted trainee's whole instruction and last hint, under the table."""
        detail = self.query_one("#classroom-detail", Static)
        table = self.query_one("#classroom-table", DataTable)
        trainees = self.roster.trainees if self.roster is not None else []
        if not trainees or not 0 <= table.cursor_row < len(trainees):
            detail.update("")
            detail.display = False
            return
        t = trainees[table.cursor_row]
        text = Text.assemble((f"{t.name} ({t.student_number})", "bold"), " · ")
        if t.finished or t.step > t.total:
            text.append(_("Finished all {total} steps").format(total=t.total))
        else:
            text.append(_("Step {step} of {total}").format(step=t.step, total=t.total) + ": ")
            text.append(t.instruction)
        if t.hint:
            text.append("\n" + _("Last hint") + ": ", style="bold")
            text.append(t.hint, style="italic")
        detail.update(text)
        detail.display = True

    @on(DataTable.RowHighlighted, "#classroom-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()


def cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:max(0, width - 1)] + "…"


__all__ = ["ClassroomScreen", "ConfirmCloseClassroom", "spaced_code", "step_text"]
