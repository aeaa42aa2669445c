"""Find a student (support staff): search by student number or name, pick a row, "Act as".

Acting as a student opens their Student Center; every page then shows the act-as banner and
ctrl+g ("Stop acting as") comes back here.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll

from ..i18n import N_, _, ngettext
from ..services import ServiceError
from ..services.audit import PORTAL_PREFIX
from ..widgets.literal import Button, DataTable, Input, Label, Static
from ..widgets.problems import ProblemList
from .base import UsisScreen
from .calls import service_worker, start

LIMIT = 50  # rows shown; a longer list asks for a more precise search


class FindStudentScreen(UsisScreen):
    PAGE = "Find a student"
    BINDINGS: ClassVar = [
        Binding("ctrl+f", "focus_query", N_("Search field"),
                tooltip=N_("Type a number or a name"), id="support.focus-query"),
        Binding("a", "act_as", N_("Act as"), tooltip=N_("Act as the selected student"),
                id="support.act-as"),
        Binding("ctrl+l", "app.navigate('Audit trail')", N_("Audit trail"),
                tooltip=N_("The audit trail of the student you act as (or type a number "
                           "there)"),
                id="support.navigate-audit-trail"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list = []

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="page", classes="support-page"):
            yield Label(_("Find a student"), classes="page-title")
            yield Static(_("Search by student number (s1234567, or its start) or by (part of) "
                           "the name. Select a row and press Enter to act as that student: you "
                           "then see and do what they see and do, and every step is recorded "
                           "with your name. Course Portal learners with an eduID or other login "
                           "are found by name or e-mail address; Enter shows their steps in "
                           "the Audit trail."), classes="hint", markup=False)
            with Horizontal(id="find-row", classes="field-row"):
                yield Input(placeholder=_("Student number, name or e-mail"), id="find-query")
                yield Button(_("Search"), id="find-search", variant="primary", compact=True)
            yield ProblemList(id="find-problems")
            yield Static("", id="find-count")
            yield DataTable(id="find-results", cursor_type="row", zebra_stripes=True)
            with Horizontal(classes="button-row"):
                yield Button(_("Act as"), id="find-act-as", compact=True, disabled=True)

    def on_mount(self) -> None:
        table = self.query_one("#find-results", DataTable)
        table.add_column(_("Student number"), key="number", width=14)
        table.add_column(_("Name"), key="name", width=26)
        table.add_column(_("Programme"), key="programme", width=40)
        table.add_column(_("Degree"), key="degree", width=9)
        table.display = False
        query = self.query_one("#find-query", Input)
        if self.app.is_headless:
            query.cursor_blink = False
        query.focus()

    def action_focus_query(self) -> None:
        self.query_one("#find-query", Input).focus()

    @on(Input.Submitted, "#find-query")
    @on(Button.Pressed, "#find-search")
    def _search(self) -> None:
        self.search(self.query_one("#find-query", Input).value)

    @service_worker(exclusive=True, group="find", problems="#find-problems")
    async def search(self, text: str) -> None:
        problems = self.query_one("#find-problems", ProblemList)
        table = self.query_one("#find-results", DataTable)
        count = self.query_one("#find-count", Static)
        try:
            rows = await self.call(self.usis_app.usis.audit.find_students, text,
                                   limit=LIMIT + 1, loading=table)
        except ServiceError as exc:
            problems.show(exc.problems)
            self.rows = []
            table.clear()
            table.display = False
            count.update("")
            self.query_one("#find-act-as", Button).disabled = True
            return
        problems.clear()
        more = len(rows) > LIMIT
        rows = rows[:LIMIT]
        self.rows = rows
        table.clear()
        for r in rows:
            table.add_row(r.student_number, r.name, r.programme, r.degree, key=r.student_number)
        table.display = bool(rows)
        n = len(rows)
        count.update(_("More than {limit} students match; the first {limit} are shown. Type "
                       "more of the name or the number.").format(limit=LIMIT) if more else
                     ngettext("{n} student found.", "{n} students found.", n).format(n=n) if n
                     else _("No student matches {text}. Check the number or try part of the "
                            "name.").format(text=repr(text.strip())))
        self.query_one("#find-act-as", Button).disabled = not rows
        if rows:
            table.move_cursor(row=0)
            table.focus()

    @property
    def selected(self) -> str | None:
        table = self.query_one("#find-results", DataTable)
        if self.rows and 0 <= table.cursor_row < len(self.rows):
            return self.rows[table.cursor_row].student_number
        return None

    @on(DataTable.RowSelected, "#find-results")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_act_as()

    @on(Button.Pressed, "#find-act-as")
    def action_act_as(self) -> None:
        number = self.selected
        if number is None:
            self.notify(_("Search for a student first, then select a row."), severity="warning")
            return
        if number.startswith(PORTAL_PREFIX):  # a Course Portal learner: no uSis pages
            self.notify(_("A Course Portal learner has no uSis pages to act on; the Audit trail "
                          "shows their steps."), timeout=6)
            start(self.app, self.usis_app.navigate("Audit trail", student=number),
                  group="act-as", exclusive=True)
            return
        # an app worker: acting as the student replaces this page
        start(self.app, self.usis_app.act_as(number), group="act-as", exclusive=True)
