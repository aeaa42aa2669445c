"""The Board of Examiners' side of petitions (staff role ``board``).

``BoardQueueScreen()`` lists the petitions to handle (oldest first; "a" shows all).
``BoardPetitionScreen(petition_id)`` shows one petition with the next step on top:
the programme board's advice (→ "In progress"), the Board of Examiners' decision (decision number,
decision type, EC, level, institution → "Explanation Board of Examiners"), or the registration
of the grade (→ "Approved" / "External courses approved"). The services check the role.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.widgets import ContentSwitcher, RadioSet

from ..i18n import N_, _, ngettext, pgettext
from ..services import ServiceError
from ..services.petitions import (
    DECISION_TYPES,
    LEIDEN,
    LEVELS,
    NEXT_STEP_LABELS,
    PetitionInfo,
    PetitionSummary,
    fmt_number,
    parse_number,
    round_ec,
    round_grade,
)
from ..widgets.literal import (
    Button,
    DataTable,
    Input,
    Label,
    RadioButton,
    Select,
    Static,
    TextArea,
    literal,
)
from ..widgets.problems import ProblemList
from .calls import service_worker
from .petitions import (
    PetitionDetail,
    PetitionPage,
    course_width,
    field_row,
    fmt_date,
    level_text,
    short_type,
    status_text,
    steady,
)

ACTION_TITLES = {  # shown with _()
    "Advice": N_("Next step: advice of the programme board"),
    "Decision": N_("Next step: decision of the Board of Examiners"),
    "Grade": N_("Next step: register the grade"),
    "": N_("Nothing to do"),
}


class BoardScreen(PetitionPage):
    """A Board page: the staff user name the services check."""

    @property
    def board_user(self) -> str:
        identity = self.usis_app.identity
        return identity.username if identity is not None else ""


class BoardQueueScreen(BoardScreen):
    """Petitions to handle: Submitted ones need advice, In progress ones a decision or a grade."""

    PAGE = "Petitions to handle"
    BINDINGS: ClassVar = [
        Binding("a", "toggle_all", N_("All / to handle"), id="board.toggle-all"),
        Binding("f5", "reload", N_("Refresh"), show=False, id="board.reload-2"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.show_all = False
        self.rows: list[PetitionSummary] = []

    def compose_body(self) -> ComposeResult:
        with Vertical(id="page"):
            yield Label(_("Petitions to handle"), classes="page-title", id="page-heading")
            yield Static(_("Board of Examiners: record the programme board's advice, decide, "
                           "and register the grade once the certified transcript has arrived."),
                         classes="intro")
            yield Static("", id="queue-count")
            yield ProblemList(id="queue-problems")
            yield DataTable(id="queue-table", cursor_type="row", zebra_stripes=True)
            with Horizontal(classes="button-row"):
                yield Button(_("Handle petition"), id="open-petition", variant="primary",
                             compact=True)
                yield Button(_("Show all petitions"), id="toggle-all", compact=True)

    def on_mount(self) -> None:
        self.query_one("#queue-table", DataTable).focus()

    def on_screen_resume(self) -> None:
        """Also sent when the screen is first shown: (re)load the queue."""
        self.load()

    def on_resize(self, event: Resize) -> None:
        if self.rows:
            self._fill()

    @service_worker(exclusive=True, group="queue", problems="#queue-problems")
    async def load(self) -> None:
        table = self.query_one("#queue-table", DataTable)
        problems = self.query_one("#queue-problems", ProblemList)
        try:
            self.rows = await self.call(self.usis.petitions.queue, self.board_user,
                                        include_handled=self.show_all, loading=table)
        except ServiceError as exc:
            problems.show(exc.problems)
            self.rows = []
            return
        problems.clear()
        self._fill()

    def _fill(self) -> None:
        table = self.query_one("#queue-table", DataTable)
        row = table.cursor_row
        narrow = self.size.width < 100
        types = [short_type(p.petition_type) if narrow else _(p.petition_type)
                 for p in self.rows]
        dates = [fmt_date(p.submitted_at) for p in self.rows]
        todo = [_(NEXT_STEP_LABELS[p.next_step]) if p.next_step in NEXT_STEP_LABELS
                else p.next_step for p in self.rows]
        type_w = max([4] + [len(t) for t in types])
        status_w = max([6] + [len(_(p.status)) + 2 for p in self.rows])
        date_w = max([11] + [len(d) for d in dates])
        todo_w = max([8] + [len(t) for t in todo])
        fixed = 8 + type_w + status_w + todo_w + (0 if narrow else 8 + date_w)
        table.clear(columns=True)
        table.add_column(pgettext("column", "Petition"), key="number", width=8)
        if not narrow:
            table.add_column(_("Student"), key="student", width=8)
        table.add_column(_("Type"), key="type", width=type_w)
        table.add_column(_("Course"), key="course",
                         width=course_width(self.size.width, fixed, 5 if narrow else 7))
        if not narrow:
            table.add_column(_("Submitted"), key="submitted", width=date_w)
        table.add_column(_("Status"), key="status", width=status_w)
        table.add_column(_("To do"), key="todo", width=todo_w)
        for p, kind, submitted, step in zip(self.rows, types, dates, todo, strict=True):
            cells: list[str | Text] = [p.number, *([] if narrow else [p.student_number]),
                                       kind, p.course]
            cells += [] if narrow else [submitted]
            cells += [status_text(p.status),
                      Text(step or "–", style="bold" if step else "dim")]
            table.add_row(*cells, key=str(p.id))
        if self.rows:
            table.move_cursor(row=min(max(row, 0), len(self.rows) - 1))
        n = len(self.rows)
        if self.show_all:
            count = ngettext("All {n} petition, oldest first.", "All {n} petitions, oldest first.",
                             n)
        elif n:
            count = ngettext("{n} petition to handle, oldest first.",
                             "{n} petitions to handle, oldest first.", n)
        else:
            count = _("No petitions to handle.")
        text = count.format(n=n)
        if n:
            text += " " + _("Select one and press Enter to handle it.")
        self.query_one("#queue-count", Static).update(text)
        self.query_one("#toggle-all", Button).label = (
            _("Only petitions to handle") if self.show_all else _("Show all petitions"))

    def action_reload(self) -> None:
        self.load()

    @on(Button.Pressed, "#toggle-all")
    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.load()

    @on(DataTable.RowSelected, "#queue-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open_current()

    @on(Button.Pressed, "#open-petition")
    def open_current(self) -> None:
        table = self.query_one("#queue-table", DataTable)
        if self.rows and 0 <= table.cursor_row < len(self.rows):
            self.app.push_screen(BoardPetitionScreen(self.rows[table.cursor_row].id))


class BoardPetitionScreen(BoardScreen):
    """One petition for the Board: the next step on top, every field below."""

    PAGE = "Petitions to handle"

    BINDINGS: ClassVar = [Binding("f5", "reload", N_("Refresh"), show=False,
                                  id="board.reload")]

    def __init__(self, petition_id: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.petition_id = petition_id
        self.crumbs = (_("Petition {number}").format(number=f"{petition_id:06d}"),)
        self.petition: PetitionInfo | None = None
        self._prefilled = False

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="page"):
            yield ProblemList(id="load-problems")
            with Vertical(id="action", classes="block"):
                with ContentSwitcher(initial="act-none", id="actions"):
                    with Vertical(id="act-advice"):
                        yield Static(_("The programme board has discussed the petition: "
                                       "record its advice for the Board of Examiners. The "
                                       "status becomes \"{status}\" and the student gets a "
                                       "message.").format(status=_("In progress")),
                                     classes="hint")
                        yield field_row("advice", _("Advice"), TextArea(id="a-advice",
                                                                        compact=True))
                        yield ProblemList(id="advice-problems")
                        with Horizontal(classes="button-row"):
                            yield Button(_("Record advice"), id="do-advice", variant="primary",
                                         compact=True)
                    with Vertical(id="act-decision"):
                        yield field_row("outcome", _("Decision"), RadioSet(
                            RadioButton(_("Approve"), id="o-approve"),
                            RadioButton(_("Reject"), id="o-reject"), id="d-outcome"))
                        yield field_row("decision_number", _("Decision number"),
                                        Input(placeholder=_("e.g. 26-27 LIACS 129"),
                                              id="d-decision_number", compact=True))
                        yield field_row("decision_type", _("Decision type"), RadioSet(
                            *[RadioButton(t, id=f"t-{i}") for i, t in enumerate(DECISION_TYPES)],
                            id="d-decision_type"))
                        yield field_row("ec", _("EC"), Input(id="d-ec", classes="short",
                                                             compact=True),
                                        _("Half credits are rounded down"))
                        yield field_row("level", _("Level"), Select(
                            [(level_text(lv), str(lv)) for lv in LEVELS],
                            prompt=_("Choose"), id="d-level", compact=True))
                        yield field_row("institution", _("Institution"),
                                        Input(id="d-institution", compact=True))
                        yield field_row("remarks", _("Remarks"),
                                        Input(placeholder=_("for the student; required when "
                                                            "rejecting"), id="d-remarks",
                                              compact=True))
                        yield Static("", id="explanation-preview")
                        yield ProblemList(id="decision-problems")
                        with Horizontal(classes="button-row"):
                            yield Button(_("Record decision"), id="do-decision",
                                         variant="primary", compact=True)
                    with Vertical(id="act-grade"):
                        yield Static(_("Register the grade from the certified transcript. A "
                                       "5.5 becomes 5; other grades go to the nearest half "
                                       "point (7.3 → 7.5, 5.4 → 5)."), classes="hint")
                        yield field_row("grade", _("Grade on the transcript"),
                                        Input(placeholder=_("e.g. 7.3"), id="g-grade",
                                              classes="short", compact=True))
                        yield Static("", id="grade-preview")
                        yield ProblemList(id="grade-problems")
                        with Horizontal(classes="button-row"):
                            yield Button(_("Register grade"), id="do-grade", variant="primary",
                                         compact=True)
                    with Vertical(id="act-none"):
                        yield Static("", id="action-none")
            yield PetitionDetail(id="detail")

    def on_mount(self) -> None:
        steady(self)
        self.load()

    @service_worker(exclusive=True, group="board-petition", problems="#load-problems")
    async def load(self) -> None:
        try:
            p = await self.call(self.usis.petitions.board_petition, self.board_user,
                                self.petition_id)
        except ServiceError as exc:
            self.query_one("#load-problems", ProblemList).show(exc.problems)
            self.query_one("#action").display = False
            return
        self.show(p)

    def action_reload(self) -> None:
        self.load()

    def show(self, p: PetitionInfo) -> None:
        self.petition = p
        self.query_one(PetitionDetail).show(p)
        action = self.query_one("#action")
        action.border_title = literal(_(ACTION_TITLES.get(p.next_step, "")))
        view = {"Advice": "act-advice", "Decision": "act-decision",
                "Grade": "act-grade"}.get(p.next_step, "act-none")
        self.query_one("#actions", ContentSwitcher).current = view
        if view == "act-none":
            self.query_one("#action-none", Static).update(
                _("Petition {number} has status \"{status}\": there is nothing left to "
                  "do.").format(number=p.number, status=_(p.status)))
        if view == "act-decision" and not self._prefilled:
            self._prefilled = True
            self.query_one("#d-ec", Input).value = fmt_number(p.ec) if p.ec is not None else ""
            if p.level in LEVELS:
                self.query_one("#d-level", Select).value = str(p.level)
            institution = p.institution or LEIDEN
            self.query_one("#d-institution", Input).value = (
                _(LEIDEN) if institution == LEIDEN else institution)
            self.update_preview()
        focus = {"act-advice": "#a-advice", "act-decision": "#d-outcome",
                 "act-grade": "#g-grade"}.get(view)
        if focus:
            self.query_one(focus).focus()

    # ------------------------------------------------------------------ decision
    def _outcome(self) -> str:
        pressed = self.query_one("#d-outcome", RadioSet).pressed_button
        return (pressed.id or "")[2:] if pressed is not None else ""

    def _choice(self, radio_id: str) -> str:
        pressed = self.query_one(radio_id, RadioSet).pressed_button
        return str(pressed.label) if pressed is not None else ""

    def decision_data(self) -> dict[str, str]:
        level = self.query_one("#d-level", Select)
        return {
            # The outcome by the button's id ("o-approve"), not its (translated) label.
            "outcome": self._outcome(),
            "decision_number": self.query_one("#d-decision_number", Input).value,
            "decision_type": self._choice("#d-decision_type"),
            "ec": self.query_one("#d-ec", Input).value,
            "level": "" if level.is_blank() else str(level.value),
            "institution": self.query_one("#d-institution", Input).value,
            "remarks": self.query_one("#d-remarks", Input).value,
        }

    @on(Input.Changed, "#act-decision Input")
    @on(RadioSet.Changed, "#act-decision RadioSet")
    @on(Select.Changed, "#d-level")
    def update_preview(self) -> None:
        d = self.decision_data()
        ec = parse_number(d["ec"])
        number = " ".join(d["decision_number"].split()) or "…"
        kind = d["decision_type"] or "…"
        # The same sentences as DecisionForm.explanation() (the catalogue has them once).
        if d["outcome"] == "reject":
            text = _("{number}, {kind}: rejected.").format(number=number, kind=kind)
        else:
            text = _("{number}, {kind}: approved, {ec} EC, level {level}, "
                     "{institution}.").format(
                number=number, kind=kind, ec=round_ec(ec) if ec else "…",
                level=d["level"] or "…", institution=d["institution"].strip() or "…")
        if d["remarks"].strip():
            text += f" {d['remarks'].strip()}"
        preview = Text.assemble((_("Explanation Board of Examiners will read:") + " ", "bold"),
                                text)
        if ec is not None and ec != round_ec(ec):
            preview.append("\n" + _("{ec} EC is registered as {registered} EC: half credits "
                                    "are rounded down.").format(ec=fmt_number(ec),
                                                                registered=round_ec(ec)),
                           style="italic")
        self.query_one("#explanation-preview", Static).update(preview)

    # ------------------------------------------------------------------ grade
    @on(Input.Changed, "#g-grade")
    def _grade_preview(self, event: Input.Changed) -> None:
        number = parse_number(event.value)
        box = self.query_one("#grade-preview", Static)
        if number is None or not Decimal(1) <= number <= Decimal(10):
            box.update("")
            return
        registered = round_grade(number)
        box.update(Text.assemble((_("Registered as") + " ", "bold"),
                                 (fmt_number(registered), "bold"),
                                 (" " + _("(5.5 becomes 5)") if number == Decimal("5.5") else
                                  " " + _("(nearest half point)") if registered != number
                                  else "", "italic")))

    # ------------------------------------------------------------------ actions
    async def _act(self, problems_id: str, fn, *args) -> PetitionInfo | None:
        problems = self.query_one(problems_id, ProblemList)
        problems.clear()
        try:
            result = await self.call(fn, self.board_user, self.petition_id, *args,
                                     loading=self.query_one("#action"))
        except ServiceError as exc:
            problems.show(exc.problems)
            return None
        self.show(result)
        self.query_one("#page", VerticalScroll).scroll_home(animate=False)
        return result

    @on(Button.Pressed, "#do-advice")
    @service_worker(group="board-act", exclusive=True, problems="#advice-problems")
    async def record_advice(self) -> None:
        advice = self.query_one("#a-advice", TextArea).text
        p = await self._act("#advice-problems", self.usis.petitions.advise, advice)
        if p is not None:
            self.notify(_("Petition {number}: advice recorded, status \"{status}\".").format(
                number=p.number, status=_(p.status)), title=_("Petitions"), timeout=4)

    @on(Button.Pressed, "#do-decision")
    @service_worker(group="board-act", exclusive=True, problems="#decision-problems")
    async def record_decision(self) -> None:
        p = await self._act("#decision-problems", self.usis.petitions.decide,
                            self.decision_data())
        if p is not None:
            message = (_("Petition {number} approved; status \"{status}\".")
                       if p.decision == "approved" else
                       _("Petition {number} rejected; status \"{status}\"."))
            self.notify(message.format(number=p.number, status=_(p.status)),
                        title=_("Petitions"), timeout=4)

    @on(Input.Submitted, "#g-grade")
    @on(Button.Pressed, "#do-grade")
    @service_worker(group="board-act", exclusive=True, problems="#grade-problems")
    async def register_grade(self) -> None:
        grade = self.query_one("#g-grade", Input).value
        p = await self._act("#grade-problems", self.usis.petitions.register_grade, grade)
        if p is not None:
            self.notify(_("Petition {number}: grade {grade} registered; status "
                          "\"{status}\".").format(number=p.number, grade=fmt_number(p.grade),
                                                   status=_(p.status)),
                        title=_("Petitions"), timeout=4)
