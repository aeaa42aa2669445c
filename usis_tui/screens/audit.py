"""Audit trail (support staff): a student's steps — who, acting for whom, when (the app's clock),
what and with what outcome — with filters, and "Export steps" to a replay steps file.

The student is the one support acts as, or the number typed in the Student field. Filters: the
action kind, the outcome, a date range (ISO date or date-time; an "until" date includes that whole
day) and a text found in the detail, the action or the actor.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll

from ..errors import ConfigError
from ..i18n import N_, _, ngettext
from ..services import Problem, ServiceError
from ..widgets.literal import Button, DataTable, Input, Label, Select, Static
from ..widgets.problems import ProblemList
from .base import UsisScreen
from .calls import service_worker
from .delivery import deliver

BASE_ACTIONS = ("login", "navigate", "act_as", "cart_add", "cart_update", "cart_remove", "enrol",
                "drop", "swap", "petition_submit", "petition_withdraw", "access")
OUTCOME_STYLE = {"ok": "bold green", "refused": "bold red", "failed": "bold red"}


def parse_moment(text: str, *, end_of_day: bool = False) -> datetime | None:
    """ISO date or date-time; a bare date means its start (or, ``end_of_day``, its end)."""
    from ..clock import parse_now

    value = (text or "").strip()
    if not value:
        return None
    moment = parse_now(value)  # ConfigError when not ISO
    if end_of_day and len(value) <= 10:
        moment = moment + timedelta(days=1, seconds=-1)
    return moment


class AuditTrailScreen(UsisScreen):
    PAGE = "Audit trail"
    BINDINGS: ClassVar = [
        Binding("ctrl+o", "export", N_("Export steps"),
                tooltip=N_("Write these steps as a replay steps file (usis replay FILE)"),
                id="audit.export"),
        Binding("ctrl+f", "focus_student", N_("Student field"),
                tooltip=N_("Type a student number"), id="audit.focus-student"),
        Binding("f5", "show", N_("Refresh"), show=False, id="audit.show"),
    ]

    def __init__(self, student: str | None = None) -> None:
        super().__init__()
        self.student = student  # shown at once (Find a student's Course Portal learners)
        self.rows: list = []
        self.shown_student: str | None = None
        self.exported: Path | None = None

    def compose_body(self) -> ComposeResult:
        student = self.student or self.usis_app.student_number or ""
        with VerticalScroll(id="page", classes="support-page"):
            yield Label(_("Audit trail"), classes="page-title")
            with Vertical(id="audit-filters", classes="block") as block:
                block.border_title = _("Steps of")
                with Horizontal(classes="field-row"):
                    yield Label(_("Student"), classes="field-label")
                    yield Input(student, placeholder="s1234567", id="audit-student",
                                compact=True)
                    yield Label(_("Action"), classes="field-label")
                    yield Select([(a, a) for a in BASE_ACTIONS], prompt=_("Any action"),
                                 id="audit-action", compact=True)
                    yield Label(_("Outcome"), classes="field-label")
                    yield Select([(o, o) for o in ("ok", "refused", "failed")],
                                 prompt=_("Any outcome"), id="audit-outcome", compact=True)
                with Horizontal(classes="field-row"):
                    yield Label(_("From"), classes="field-label")
                    yield Input(placeholder="2026-11-23", id="audit-since", compact=True)
                    yield Label(_("Until"), classes="field-label")
                    yield Input(placeholder="2026-11-23T18:00", id="audit-until", compact=True)
                    yield Label(_("Text"), classes="field-label")
                    yield Input(placeholder=_("e.g. 1052"), id="audit-text", compact=True)
                with Horizontal(classes="button-row"):
                    yield Button(_("Show steps"), id="audit-show", variant="primary",
                                 compact=True)
                    yield Button(_("Export steps"), id="audit-export", compact=True,
                                 disabled=True)
            yield ProblemList(id="audit-problems")
            yield Static(_("Type a student number and press Enter (or Show steps)."),
                         id="audit-count", markup=False)
            yield DataTable(id="audit-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="audit-exported", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#audit-table", DataTable)
        table.add_column(_("Time"), key="at", width=16)
        table.add_column(_("Actor"), key="actor", width=10)
        table.add_column(_("Acting for"), key="for", width=10)
        table.add_column(_("Action"), key="action", width=11)
        table.add_column(_("Outcome"), key="outcome", width=7)
        table.add_column(_("Detail"), key="detail", width=max(20, self.app.size.width - 72))
        table.display = False
        if self.app.is_headless:
            for field in self.query(Input):
                field.cursor_blink = False
        student = self.query_one("#audit-student", Input)
        student.focus()
        self.load_actions()
        if student.value:
            self.show()

    @service_worker(group="audit-actions")
    async def load_actions(self) -> None:
        try:
            kinds = await self.call(self.usis_app.usis.audit.action_kinds)
        except ServiceError:  # the fixed list is enough to filter with
            return
        merged = list(BASE_ACTIONS) + [k for k in kinds if k not in BASE_ACTIONS]
        select = self.query_one("#audit-action", Select)
        value = select.value
        select.set_options([(a, a) for a in merged])
        if isinstance(value, str):
            select.value = value

    def action_focus_student(self) -> None:
        self.query_one("#audit-student", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#audit-show")
    def action_show(self) -> None:
        self.show()

    @on(Select.Changed)
    def _filter_changed(self) -> None:
        if self.query_one("#audit-student", Input).value.strip():
            self.show()

    def _filters(self) -> dict | None:
        problems = self.query_one("#audit-problems", ProblemList)
        student = self.query_one("#audit-student", Input).value.strip().lower()
        if not student:
            problems.show([Problem(code="no_student", message=_("Type a student number first."),
                                   hint=_("For example s1234567, or act as the student "
                                          "(Find a student)."))])
            return None
        try:
            since = parse_moment(self.query_one("#audit-since", Input).value)
            until = parse_moment(self.query_one("#audit-until", Input).value, end_of_day=True)
        except ConfigError as exc:  # one clear line
            problems.show([Problem(code="bad_moment", message=str(exc),
                                   hint=_("Dates look like 2026-11-23 or 2026-11-23T09:30."))])
            return None
        action = self.query_one("#audit-action", Select).value
        outcome = self.query_one("#audit-outcome", Select).value
        return {"student_number": student, "since": since, "until": until,
                "action": action if isinstance(action, str) else None,
                "outcome": outcome if isinstance(outcome, str) else None,
                "text": self.query_one("#audit-text", Input).value.strip() or None}

    @service_worker(exclusive=True, group="audit", problems="#audit-problems")
    async def show(self) -> None:
        filters = self._filters()
        if filters is None:
            return
        problems = self.query_one("#audit-problems", ProblemList)
        table = self.query_one("#audit-table", DataTable)
        number = filters.pop("student_number")
        try:
            rows = await self.call(self.usis_app.usis.audit.entries, number, loading=table,
                                   **filters)
        except ServiceError as exc:
            problems.show(exc.problems)
            self._fill([], None)
            return
        problems.clear()
        self._fill(rows, number)

    def _fill(self, rows: list, student: str | None) -> None:
        self.rows = rows
        self.shown_student = student
        table = self.query_one("#audit-table", DataTable)
        table.clear()
        for r in rows:
            table.add_row(f"{r.at:%Y-%m-%d %H:%M}", r.actor, r.acting_for or "–", r.action,
                          Text(r.outcome, style=OUTCOME_STYLE.get(r.outcome, "")),
                          Text(r.detail, no_wrap=True, overflow="ellipsis"))
        table.display = bool(rows)
        n = len(rows)
        count = self.query_one("#audit-count", Static)
        if student is None:
            count.update("")
        elif n:
            count.update(ngettext("{student}: {n} step, oldest first. Export steps (ctrl+o) "
                                  "writes them as a replay steps file.",
                                  "{student}: {n} steps, oldest first. Export steps (ctrl+o) "
                                  "writes them as a replay steps file.", n).format(
                student=student, n=n))
        else:
            count.update(_("{student}: no steps match these filters.").format(student=student))
        self.query_one("#audit-export", Button).disabled = not rows

    @on(Button.Pressed, "#audit-export")
    def action_export(self) -> None:
        """Hand the steps shown over as a replay steps file, through Textual's delivery (the
        downloads folder under a new name, or a browser download under usis serve)."""
        if not self.rows or self.shown_student is None:
            self.notify(_("Show a student's steps first, then export them."), severity="warning")
            return
        from ..replay import steps_from_audit

        student = self.shown_student
        text = steps_from_audit(self.rows, student)
        first = self.rows[0].at
        name = f"steps-{student}-{first:%Y%m%d-%H%M}.txt"
        try:
            path = deliver(self.app, text, name, mime_type="text/plain",
                           what=N_("The steps file"))
        except OSError as exc:
            self.query_one("#audit-problems", ProblemList).show([Problem(
                code="export_failed",
                message=_("The steps file could not be saved in your downloads folder "
                          "({reason}).").format(reason=exc.strerror or _("not writable")),
                hint=_("Check that your downloads folder exists and can be written to."))])
            return
        self.exported = path
        lines = sum(1 for line in text.splitlines() if line and not line.startswith("#"))
        steps = ngettext("{n} step", "{n} steps", lines).format(n=lines)
        where = (_("Steps written to {path} ({steps}). Replay them with: usis replay "
                   "{path}").format(path=path, steps=steps)
                 if path is not None else
                 _("Your browser downloads the steps as {name} ({steps}). Replay them with: "
                   "usis replay {name}").format(name=name, steps=steps))
        self.query_one("#audit-exported", Static).update(where)
