"""Study results ("View my grades"): every released result per academic year and semester —
course, catalogue number, exam or resit, EC, grade or mark, date, attempt — with the EC earned
this year and in all; ``h`` shows the course history instead (one line per course: attempts,
the result that counts); a failed exam names its resit, and ``r`` puts that resit in the
Shopping cart."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical

from ..i18n import N_, _, format_date, format_datetime
from ..services.academics import ResultLine, StudyResults
from ..services.schemas import component_label
from ..widgets.literal import DataTable, Label, Static
from ..widgets.problems import ProblemList
from .academics_common import ec, fit_columns, grade_label, year_semester
from .base import UsisScreen
from .calls import service_worker


def grade_text(line: ResultLine) -> Text:
    text = Text(grade_label(line.grade, line.mark), style="bold")
    text.append(" ✓" if line.passed else " ✗", style="bold green" if line.passed else "bold red")
    return text


def resit_text(line: ResultLine) -> Text:
    """What a failed exam opens: "Resit 2063: enrol until 24 Dec 2026 23:59 (r)"."""
    if line.resit_class is None:
        return Text("")
    if line.resit_state == "enrolled":
        return Text(_("Resit {number}: enrolled").format(number=line.resit_class))
    if line.resit_state == "open" and line.resit_closes_at is not None:
        return Text(_("Resit {number}: enrol until {when} (r)").format(
            number=line.resit_class, when=format_datetime(line.resit_closes_at)),
            style="bold")
    if line.resit_state == "not_yet_open":
        return Text(_("Resit {number}: enrolment not yet open").format(number=line.resit_class))
    return Text(_("Resit {number}: enrolment closed").format(number=line.resit_class))


class StudyResultsScreen(UsisScreen):
    PAGE = "Study results"
    CSS_PATH = "../styles/academics.tcss"
    BINDINGS = [
        Binding("h", "history", N_("History"),
                tooltip=N_("Course history: one line per course, its attempts and the result "
                           "that counts"), id="study_results.history"),
        Binding("r", "resit", N_("Resit"),
                tooltip=N_("Put the resit of the selected failed exam in the Shopping cart"),
                id="study_results.resit"),
        Binding("q", "app.navigate('Academic requirements')", N_("Requirements"),
                id="study_results.navigate-academic-requirements"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: StudyResults | None = None

    def compose_body(self) -> ComposeResult:
        with Vertical(id="page"):
            yield Label(_("Study results"), classes="page-title")
            yield Static(_("Loading…"), id="results-summary", classes="academics-summary")
            yield ProblemList(id="results-problems")
            yield DataTable(id="results-list", cursor_type="row", zebra_stripes=True,
                            classes="academics-table")
            yield DataTable(id="results-history", cursor_type="row", zebra_stripes=True,
                            classes="academics-table")
            yield Static("", id="results-detail", classes="academics-detail")

    def on_mount(self) -> None:
        self.query_one("#results-list", DataTable).focus()
        self.load()

    def on_resize(self) -> None:
        if self.data is not None:
            self.show(self.data)

    @service_worker(exclusive=True, group="results", problems="#results-problems")
    async def load(self) -> None:
        student = self.usis_app.student_number
        if student is None:
            return
        table = self.query_one("#results-list", DataTable)
        data = await self.fetch(self.usis_app.usis.academics.results, student, loading=table)
        if data is None:
            return
        self.show(data)

    def show(self, data: StudyResults) -> None:
        self.data = data
        summary = Text()
        summary.append(_("EC earned in {year}: {ec}").format(
            year=data.academic_year, ec=ec(data.earned_this_year)), style="bold")
        summary.append("   ")
        summary.append(_("EC earned in all: {ec}").format(ec=ec(data.earned_total)),
                       style="bold")
        if not data.lines:
            summary.append("\n" + _("No study results yet."), style="italic")
        self.query_one("#results-summary", Static).update(summary)
        width = self.size.width - 2
        when = len(format_date(date(2026, 11, 26)))
        table = self.query_one("#results-list", DataTable)
        row = table.cursor_row
        fit_columns(table, [(_("Year"), "year", 10), (_("Course"), "course", 10),
                            (_("Title"), "title", None), (_("EC"), "ec", 5),
                            (_("Grade"), "grade", 5), (_("Date"), "date", when)], width)
        for line in data.lines:
            table.add_row(year_semester(line.academic_year, line.semester),
                          line.catalogue_number, line.title, ec(line.ec), grade_text(line),
                          format_date(line.exam_date), key=str(line.id))
        if data.lines:
            table.move_cursor(row=min(max(row, 0), len(data.lines) - 1))
        history = self.query_one("#results-history", DataTable)
        fit_columns(history, [(_("Course"), "course", 10), (_("Title"), "title", None),
                              (_("EC"), "ec", 5), (_("Attempts"), "attempts", 8),
                              (_("Result"), "grade", 6), (_("Date"), "date", when)], width)
        for course in data.history:
            history.add_row(course.catalogue_number, course.title, ec(course.ec),
                            str(course.attempts), grade_text(course.best),
                            format_date(course.best.exam_date), key=course.catalogue_number)
        self._detail()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._detail()

    def _detail(self) -> None:
        """The highlighted result in full: exam or resit, attempt, and the resit it opens."""
        detail = self.query_one("#results-detail", Static)
        if self.query_one("#results-history", DataTable).has_class("-shown"):
            detail.update(_("Course history: every course once, with the result that counts. "
                            "h: back to all results."))
            return
        line = self._current()
        if line is None:
            detail.update("")
            return
        text = Text()
        text.append(f"{line.catalogue_number} {line.title}", style="bold")
        text.append(" · " + _("{component}, attempt {attempt}").format(
            component=component_label(line.component), attempt=line.attempt))
        text.append(" · ")
        text.append_text(grade_text(line))
        resit = resit_text(line)
        if resit.plain:
            text.append(" · ")
            text.append_text(resit)
        detail.update(text)

    def action_history(self) -> None:
        history = self.query_one("#results-history", DataTable)
        shown = not history.has_class("-shown")
        history.set_class(shown, "-shown")
        self.query_one("#results-list", DataTable).set_class(shown, "-hidden")
        (history if shown else self.query_one("#results-list", DataTable)).focus()
        self._detail()

    def _current(self) -> ResultLine | None:
        table = self.query_one("#results-list", DataTable)
        if self.data is None or not 0 <= table.cursor_row < len(self.data.lines):
            return None
        return self.data.lines[table.cursor_row]

    def action_resit(self) -> None:
        line = self._current()
        if line is None or line.resit_class is None:
            self.notify(_("Select a failed exam whose resit is open."), timeout=3)
            return
        self.add_resit(line)

    @service_worker(group="resit", problems="#results-problems")
    async def add_resit(self, line: ResultLine) -> None:
        usis = self.usis_app.usis
        if await self.fetch(usis.cart.add, self.usis_app.student_number, line.academic_year,
                            line.resit_class) is not None:
            self.notify(_("Resit {number} is in your Shopping cart: enrol it there.").format(
                number=line.resit_class), timeout=5)


__all__ = ["StudyResultsScreen"]
