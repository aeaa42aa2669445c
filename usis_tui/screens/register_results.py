"""Register results (the Board of Examiners): the exam and resit classes of the academic year,
and for one class a grid of its enrolled students in which the grades are typed.

``RegisterResultsScreen()`` lists the classes (exam day, enrolled, results registered); Enter
opens ``ResultSheetScreen(year, class_number)``: one row per enrolled student (number, name,
earlier attempts, the result registered for this class, the new grade). The grade field under
the grid belongs to the highlighted row: type a grade and press Enter, and the next row is
highlighted (↑/↓ move, an empty field clears the row). ctrl+s saves every typed grade at once,
after a confirmation; the service checks them all or nothing (services/results.py) and each
student gets a message.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Resize

from .. import i18n
from ..i18n import N_, _, ngettext, pgettext
from ..services import ServiceError
from ..services.results import (
    GRADE_HINT,
    ExamClass,
    GradeError,
    GradeProblem,
    Registration,
    ResultLine,
    ResultSheet,
    SheetRow,
    grade_label,
    parse_grade,
)
from ..services.schemas import Problem, component_label
from ..widgets.confirm import ConfirmDialog
from ..widgets.literal import DataTable, Input, Label, Static
from ..widgets.problems import ProblemList
from .base import UsisScreen
from .calls import service_worker

NARROW = 100  # below this width the tables leave out what matters least


def exam_day_text(day: date | None, *, narrow: bool = False) -> str:
    if day is None:
        return "–"
    return i18n.format_date(day, year=not narrow)


def attempts_text(earlier: list[ResultLine]) -> Text:
    """"4.0, 4.5" (failed attempts dim red), or "–"."""
    if not earlier:
        return Text("–", style="dim")
    text = Text()
    for i, r in enumerate(earlier):
        if i:
            text.append(", ")
        text.append(r.label(), style="" if r.passed else "red")
    return text


def result_text(r: ResultLine | None) -> Text:
    if r is None:
        return Text("–", style="dim")
    return Text(r.label(), style="bold green" if r.passed else "bold red")


class _Steady:
    """No blinking cursors under tests and snapshots (headless)."""

    def steady(self) -> None:
        screen: Any = self
        if screen.app.is_headless:
            for field in screen.query(Input):
                field.cursor_blink = False


# ---------------------------------------------------------------------------- the classes
class RegisterResultsScreen(_Steady, UsisScreen):
    """The exam and resit classes of the current academic year; Enter opens one."""

    PAGE = "Register results"
    CSS_PATH = "../styles/results.tcss"
    AUTO_FOCUS = "#classes-table"
    BINDINGS: ClassVar = [
        Binding("ctrl+f", "find", N_("Find a class"),
                tooltip=N_("Type a class number, catalogue number or title"),
                id="register_results.find"),
        Binding("f5", "reload", N_("Refresh"), show=False, id="register_results.reload"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.exam_classes: list[ExamClass] = []
        self.listed: list[ExamClass] = []

    def compose_body(self) -> ComposeResult:
        with Vertical(id="page", classes="results-page"):
            yield Label(_("Register results"), classes="page-title")
            yield Static(_("Board of Examiners: select an exam or resit class and press Enter "
                           "to type its grades."), id="classes-intro", classes="hint")
            with Horizontal(id="classes-find", classes="field-row"):
                yield Label(_("Find"), classes="field-label")
                yield Input(placeholder=_("Class number, catalogue number or title"),
                            id="classes-filter", compact=True)
                yield Static("", id="classes-count")
            yield ProblemList(id="classes-problems")
            yield DataTable(id="classes-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.steady()
        self.query_one("#classes-table", DataTable).focus()

    def on_screen_resume(self) -> None:
        """Also sent when the screen is first shown: (re)load the counts."""
        self.load()

    def on_resize(self, event: Resize) -> None:
        if self.exam_classes:
            self._fill()

    def action_reload(self) -> None:
        self.load()

    def action_find(self) -> None:
        self.query_one("#classes-filter", Input).focus()

    @service_worker(exclusive=True, group="classes", problems="#classes-problems")
    async def load(self) -> None:
        table = self.query_one("#classes-table", DataTable)
        try:
            classes = await self.call(self.usis_app.usis.results.exam_classes, loading=table)
        except ServiceError as exc:
            self.query_one("#classes-problems", ProblemList).show(exc.problems)
            return
        self.query_one("#classes-problems", ProblemList).clear()
        first = not self.exam_classes
        self.exam_classes = classes
        self._fill(start=first)

    def _fill(self, *, start: bool = False) -> None:
        table = self.query_one("#classes-table", DataTable)
        current = self._current()
        words = self.query_one("#classes-filter", Input).value.lower().split()
        self.listed = [c for c in self.exam_classes
                      if all(w in f"{c.class_number} {c.catalogue_number} {c.title}".lower()
                             for w in words)]
        narrow = self.size.width < NARROW
        kind_w = max(len(component_label(c)) for c in ("Exam", "Resit"))
        days = [exam_day_text(c.exam_day, narrow=narrow) for c in self.listed[:50]]
        day_head = _("Date") if narrow else _("Exam day")
        day_w = max([len(day_head), 6] + [len(d) for d in days])
        if narrow:  # one column "registered/enrolled": 4/70
            counts = [(_("Results"), "results", max(len(_("Results")), 7))]
        else:
            counts = [(_("Enrolled"), "enrolled", max(len(_("Enrolled")), 5)),
                      (_("Results"), "results", max(len(_("Results")), 5))]
        widths = [5, kind_w, day_w, *(w for _l, _k, w in counts)] + ([] if narrow else [11])
        # the table's inside: the page's padding (2 + 2) and the scrollbar (2) off; every
        # column has one cell of padding on each side
        title_w = max(12, self.size.width - 6 - sum(widths) - 2 * (len(widths) + 1))
        table.clear(columns=True)
        table.add_column(pgettext("column", "Class"), key="class", width=5)
        if not narrow:
            table.add_column(_("Course"), key="course", width=11)
        table.add_column(_("Title"), key="title", width=title_w)
        table.add_column(_("Type"), key="type", width=kind_w)
        table.add_column(day_head, key="day", width=day_w)
        for label, key, width in counts:
            table.add_column(label, key=key, width=width)
        for c in self.listed:
            style = ("bold green" if c.enrolled and c.registered >= c.enrolled else
                     "bold" if c.registered else "dim")
            cells: list[str | Text] = [c.class_number]
            if not narrow:
                cells.append(c.catalogue_number)
            cells += [c.title, component_label(c.component),
                      exam_day_text(c.exam_day, narrow=narrow)]
            if narrow:
                cells.append(Text.assemble((str(c.registered), style), f"/{c.enrolled}"))
            else:
                cells += [Text(str(c.enrolled), justify="right"),
                          Text(str(c.registered), style=style, justify="right")]
            table.add_row(*cells, key=c.class_number)
        numbers = [c.class_number for c in self.listed]
        if current is not None and current.class_number in numbers:
            table.move_cursor(row=numbers.index(current.class_number))
        elif start and self.listed:
            # the latest exam that has taken place (its grades come in now), else the first
            today = self.usis_app.now().date()
            past = [i for i, c in enumerate(self.listed) if c.exam_day and c.exam_day <= today]
            table.move_cursor(row=past[-1] if past else 0)
        year = self.exam_classes[0].academic_year if self.exam_classes else ""
        self.query_one("#classes-count", Static).update(
            ngettext("{n} class in {year}", "{n} classes in {year}", len(self.listed)).format(
                n=len(self.listed), year=year))

    def _current(self) -> ExamClass | None:
        table = self.query_one("#classes-table", DataTable)
        if self.listed and 0 <= table.cursor_row < len(self.listed):
            return self.listed[table.cursor_row]
        return None

    @on(Input.Changed, "#classes-filter")
    def _filter(self) -> None:
        if self.exam_classes:
            self._fill()

    @on(Input.Submitted, "#classes-filter")
    def _filtered(self) -> None:
        self.query_one("#classes-table", DataTable).focus()

    @on(DataTable.RowSelected, "#classes-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        c = self._current()
        if c is not None:
            self.app.push_screen(ResultSheetScreen(c.academic_year, c.class_number))


# ---------------------------------------------------------------------------- one class
class ConfirmSaveScreen(ConfirmDialog[bool]):
    """ "Register 3 results for class 2014 …?" Yes / No; Escape = No."""

    CSS_PATH = "../styles/results.tcss"
    BINDINGS: ClassVar = [
        Binding("y", "answer(True)", N_("Yes"), id="confirm.yes",
                tooltip=N_("Register the results")),
        Binding("n,escape", "answer(False)", N_("No"), id="confirm.no",
                tooltip=N_("Go back to the grid")),
    ]

    def __init__(self, sheet: ResultSheet, new: int, corrections: int) -> None:
        c = sheet.exam_class
        n = new + corrections
        question = ngettext("Register {n} result for class {number} {course} {title}?",
                            "Register {n} results for class {number} {course} {title}?",
                            n).format(n=n, number=c.class_number, course=c.catalogue_number,
                                      title=c.title)
        notes = [_("Each student gets a message \"New study result\"; a failing grade names the "
                   "resit class they can now enrol in.")]
        if corrections:
            notes.append(ngettext("{n} of them corrects a result registered earlier (the "
                                  "student is told).",
                                  "{n} of them correct a result registered earlier (the "
                                  "students are told).", corrections).format(n=corrections))
        super().__init__("confirm-save-results", _("Save results"), question, notes=notes,
                         yes=_("Register"), no=_("Back"), prefix="save-results",
                         box_classes="results-dialog")

    def focus_first(self) -> None:
        """Saving is what was asked for (nothing is lost by it): Yes has the focus."""
        self.query_one("#save-results-yes").focus()


class ConfirmLeaveScreen(ConfirmDialog[bool]):
    """ "Leave without saving 3 grades?" Yes / No; Escape = No."""

    CSS_PATH = "../styles/results.tcss"

    def __init__(self, n: int) -> None:
        super().__init__("confirm-leave-results", _("Grades not saved"),
                         ngettext("Leave without saving the {n} grade you typed?",
                                  "Leave without saving the {n} grades you typed?",
                                  n).format(n=n),
                         notes=[_("Press ctrl+s on the grid to save them.")],
                         yes=_("Leave"), no=_("Stay"), prefix="leave-results",
                         box_classes="results-dialog -danger")


class ResultSheetScreen(_Steady, UsisScreen):
    """One class's grid: type each student's grade, then save them all."""

    PAGE = "Register results"
    CSS_PATH = "../styles/results.tcss"
    AUTO_FOCUS = "#grade"
    BINDINGS: ClassVar = [
        Binding("ctrl+s", "save", N_("Save results"),
                tooltip=N_("Register every grade typed (asks first)"),
                id="register_results.save"),
        Binding("up", "move(-1)", N_("Previous student"), show=False,
                id="register_results.previous"),
        Binding("down", "move(1)", N_("Next student"), show=False,
                id="register_results.next"),
        Binding("pageup", "move(-10)", N_("Ten up"), show=False,
                id="register_results.page-up"),
        Binding("pagedown", "move(10)", N_("Ten down"), show=False,
                id="register_results.page-down"),
        Binding("f5", "reload", N_("Refresh"), show=False, id="register_results.reload-2"),
    ]

    def __init__(self, academic_year: str, class_number: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.academic_year = academic_year
        self.class_number = class_number
        self.crumbs = (_("Class {number}").format(number=class_number),)
        self.sheet: ResultSheet | None = None
        self.grades: dict[str, str] = {}  # student number → the grade as typed
        self.bad: set[str] = set()  # student numbers the service refused

    def compose_body(self) -> ComposeResult:
        with Vertical(id="page", classes="results-page"):
            yield Label(_("Class {number}").format(number=self.class_number),
                        classes="page-title", id="sheet-title")
            yield Static("", id="sheet-facts")
            yield Static(_("Type the grade of the highlighted student (1–10, e.g. 7.5 or 7,5, "
                           "or V / NV) and press Enter; ↑/↓ move. ctrl+s saves them all."),
                         id="sheet-hint", classes="hint")
            yield ProblemList(id="sheet-problems")
            yield Static("", id="sheet-saved")
            table = DataTable(id="sheet-table", cursor_type="row", zebra_stripes=True)
            table.can_focus = False  # the grade field below has the keys; a click picks a row
            yield table
            with Horizontal(id="grade-row", classes="field-row"):
                yield Label("", id="grade-label", classes="field-label")
                yield Input(id="grade", classes="grade-input", compact=True,
                            placeholder=_("e.g. 7.5"))
                yield Static("", id="grade-count")

    def on_mount(self) -> None:
        self.steady()
        self.query_one("#grade", Input).focus()
        self.load()

    def on_resize(self, event: Resize) -> None:
        if self.sheet is not None:
            self._fill()

    def action_reload(self) -> None:
        self.load()

    @service_worker(exclusive=True, group="sheet", problems="#sheet-problems")
    async def load(self) -> None:
        table = self.query_one("#sheet-table", DataTable)
        try:
            sheet = await self.call(self.usis_app.usis.results.sheet, self.academic_year,
                                    self.class_number, loading=table)
        except ServiceError as exc:
            self.query_one("#sheet-problems", ProblemList).show(exc.problems)
            return
        self.sheet = sheet
        c = sheet.exam_class
        self.query_one("#sheet-title", Label).update(
            _("Class {number}").format(number=c.class_number)
            + f" · {c.catalogue_number} {c.title}")
        self._fill()
        self.query_one("#grade", Input).focus()

    # ------------------------------------------------------------------ the grid
    @property
    def rows(self) -> list[SheetRow]:
        return self.sheet.students if self.sheet is not None else []

    def _new_cell(self, row: SheetRow) -> Text:
        typed = self.grades.get(row.student_number)
        if row.student_number in self.bad:
            return Text(f"✗ {typed or ''}".strip(), style="bold red")
        if typed is None:
            return Text("")
        try:
            parsed = parse_grade(typed)
        except GradeError:
            return Text(typed, style="bold red")
        style = "bold green" if (parsed.grade is None and parsed.mark == "V") or (
            parsed.grade is not None and parsed.grade >= 5.5) else "bold red"
        return Text(grade_label(parsed.grade, parsed.mark), style=style)

    def _fill(self) -> None:
        sheet = self.sheet
        if sheet is None:
            return
        c = sheet.exam_class
        table = self.query_one("#sheet-table", DataTable)
        row_before = table.cursor_row
        narrow = self.size.width < NARROW
        facts = [component_label(c.component), exam_day_text(c.exam_day),
                 _("{n} enrolled").format(n=c.enrolled),
                 ngettext("{n} result registered", "{n} results registered",
                          c.registered).format(n=c.registered)]
        self.query_one("#sheet-facts", Static).update(" · ".join(facts))
        earlier_w = max([len(_("Earlier")) if narrow else len(_("Earlier attempts"))]
                        + [len(attempts_text(r.earlier).plain) for r in self.rows])
        earlier_w = min(earlier_w, 16 if narrow else 24)
        result_w = max(len(_("Registered")), 5)
        new_w = max(len(_("New grade")), 6)
        fixed = 8 + earlier_w + result_w + new_w
        name_w = max(12, min(40, self.size.width - fixed - 2 * 5 - 6))
        table.clear(columns=True)
        table.add_column(_("Student"), key="student", width=8)
        table.add_column(_("Name"), key="name", width=name_w)
        table.add_column(_("Earlier") if narrow else _("Earlier attempts"), key="earlier",
                         width=earlier_w)
        table.add_column(_("Registered"), key="registered", width=result_w)
        table.add_column(_("New grade"), key="new", width=new_w)
        for row in self.rows:
            table.add_row(row.student_number, row.name, attempts_text(row.earlier),
                          result_text(row.result), self._new_cell(row), key=row.student_number)
        if self.rows:
            table.move_cursor(row=min(max(row_before, 0), len(self.rows) - 1))
        else:
            self.query_one("#sheet-problems", ProblemList).show([Problem(
                code="nobody_enrolled",
                message=_("Nobody is enrolled in class {number}.").format(number=c.class_number),
                hint=_("Results are registered for the students enrolled in the class."))])
        self._bind_field()

    def _current(self) -> SheetRow | None:
        table = self.query_one("#sheet-table", DataTable)
        if self.rows and 0 <= table.cursor_row < len(self.rows):
            return self.rows[table.cursor_row]
        return None

    def _bind_field(self) -> None:
        """The grade field shows the highlighted student and their typed grade."""
        row = self._current()
        field = self.query_one("#grade", Input)
        label = self.query_one("#grade-label", Label)
        if row is None:
            label.update(_("Grade"))
            field.value = ""
            field.disabled = True
        else:
            label.update(Text.assemble(_("Grade for") + " ", (row.student_number, "bold"),
                                       " " + row.name))
            field.disabled = False
            field.value = self.grades.get(row.student_number, "")
            field.cursor_position = len(field.value)
        n = len(self.grades)
        self.query_one("#grade-count", Static).update(
            ngettext("{n} grade typed", "{n} grades typed", n).format(n=n) if n else "")

    def _update_row(self, row: SheetRow) -> None:
        table = self.query_one("#sheet-table", DataTable)
        table.update_cell(row.student_number, "new", self._new_cell(row))

    @on(DataTable.RowHighlighted, "#sheet-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._bind_field()
        self.query_one("#grade", Input).focus()

    def action_move(self, step: int) -> None:
        table = self.query_one("#sheet-table", DataTable)
        if self.rows:
            table.move_cursor(row=min(max(table.cursor_row + step, 0), len(self.rows) - 1))

    @on(Input.Submitted, "#grade")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        row = self._current()
        if row is None:
            return
        text = event.value.strip()
        problems = self.query_one("#sheet-problems", ProblemList)
        number = row.student_number
        self.bad.discard(number)
        if not text:
            self.grades.pop(number, None)
        else:
            try:
                parse_grade(text)
            except GradeError as exc:
                problems.show([GradeProblem(
                    code="bad_grade", message=_("{student}: {problem}").format(
                        student=number, problem=str(exc)),
                    hint=_(GRADE_HINT), student_number=number)])
                return
            self.grades[number] = text
        problems.clear()
        self.query_one("#sheet-saved", Static).remove_class("-shown")
        self._update_row(row)
        table = self.query_one("#sheet-table", DataTable)
        if table.cursor_row < len(self.rows) - 1:
            table.move_cursor(row=table.cursor_row + 1)  # RowHighlighted binds the field
        else:
            self._bind_field()

    # ------------------------------------------------------------------ saving
    def action_save(self) -> None:
        sheet = self.sheet
        if sheet is None:
            return
        # what is in the field counts too (typed, Enter not pressed yet)
        row = self._current()
        typed = self.query_one("#grade", Input).value.strip()
        if row is not None and typed and typed != self.grades.get(row.student_number):
            self.grades[row.student_number] = typed
            self._update_row(row)
        if not self.grades:
            self.query_one("#sheet-problems", ProblemList).show([Problem(
                code="no_grades", message=_("No grades to register."),
                hint=_("Type a grade for at least one student."))])
            return
        registered = {r.student_number for r in sheet.students if r.result is not None}
        corrections = sum(1 for n in self.grades if n in registered)

        def answered(yes: bool | None) -> None:
            if yes:
                self.save()

        self.app.push_screen(ConfirmSaveScreen(sheet, len(self.grades) - corrections,
                                               corrections), answered)

    @service_worker(exclusive=True, group="sheet-save", problems="#sheet-problems")
    async def save(self) -> None:
        problems = self.query_one("#sheet-problems", ProblemList)
        saved = self.query_one("#sheet-saved", Static)
        try:
            done: Registration = await self.call(
                self.usis_app.usis.results.register, self.academic_year, self.class_number,
                dict(self.grades), loading=self.query_one("#sheet-table"))
        except ServiceError as exc:
            saved.remove_class("-shown")
            self.bad = {p.student_number for p in exc.problems
                        if isinstance(p, GradeProblem) and p.student_number}
            problems.show(exc.problems)
            for row in self.rows:
                if row.student_number in self.bad:
                    self._update_row(row)
            return
        problems.clear()
        self.grades.clear()
        self.bad.clear()
        failed = sum(1 for r in done.results if not r.passed)
        n = len(done.results)
        text = ngettext("{n} result registered for class {number}; the student got a message "
                        "\"New study result\".",
                        "{n} results registered for class {number}; each student got a "
                        "message \"New study result\".", n).format(n=n,
                                                                   number=done.class_number)
        if done.corrected:
            text += " " + ngettext("{n} was a correction.", "{n} were corrections.",
                                   done.corrected).format(n=done.corrected)
        if failed:
            text += " " + ngettext("{n} did not pass: their message names the resit.",
                                   "{n} did not pass: their messages name the resit.",
                                   failed).format(n=failed)
        saved.update(Text.assemble(("✓ ", "bold green"), text))
        saved.add_class("-shown")
        self.notify(text, title=_("Register results"), timeout=6)
        self.load()

    # ------------------------------------------------------------------ leaving
    def action_back(self) -> None:
        if not self.grades:
            super().action_back()
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.grades.clear()
                super(ResultSheetScreen, self).action_back()

        self.app.push_screen(ConfirmLeaveScreen(len(self.grades)), answered)


__all__ = ["ConfirmLeaveScreen", "ConfirmSaveScreen", "RegisterResultsScreen",
           "ResultSheetScreen"]
