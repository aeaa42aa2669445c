""""My courses in Brightspace": the courses the student's enrolments give access to (enrolling
in a class number gives entrance to the Brightspace course), each with its link; Enter (or
``o``) opens the highlighted course in the browser."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical

from ..i18n import N_, _, ngettext
from ..services.academics import BrightspaceCourse
from ..widgets.literal import DataTable, Label, Static
from ..widgets.problems import ProblemList
from .base import UsisScreen
from .calls import service_worker


class BrightspaceScreen(UsisScreen):
    PAGE = "My courses in Brightspace"
    CSS_PATH = "../styles/academics.tcss"
    BINDINGS = [
        Binding("o", "open_course", N_("Open in browser"),
                tooltip=N_("Open the highlighted course in Brightspace"),
                id="brightspace.open-course"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.courses: list[BrightspaceCourse] = []

    def compose_body(self) -> ComposeResult:
        with Vertical(id="page"):
            yield Label(_("My courses in Brightspace"), classes="page-title")
            yield Static(_("Loading…"), id="brightspace-summary", classes="academics-summary")
            yield ProblemList(id="brightspace-problems")
            table: DataTable = DataTable(id="brightspace-list", cursor_type="row",
                                         zebra_stripes=True, classes="academics-table")
            table.add_column(_("Course"), key="course", width=10)
            table.add_column(_("Title"), key="title")
            yield table
            yield Static("", id="brightspace-detail", classes="academics-detail")

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    @service_worker(exclusive=True, group="brightspace", problems="#brightspace-problems")
    async def load(self) -> None:
        student = self.usis_app.student_number
        if student is None:
            return
        table = self.query_one(DataTable)
        courses = await self.fetch(self.usis_app.usis.academics.brightspace, student,
                                      loading=table)
        if courses is None:
            return
        self.courses = courses
        summary = (ngettext("Your enrolments give you access to {n} Brightspace course.",
                            "Your enrolments give you access to {n} Brightspace courses.",
                            len(courses)).format(n=len(courses)) if courses else
                   _("You are not enrolled in any class: enrol to get access to its "
                     "Brightspace course."))
        self.query_one("#brightspace-summary", Static).update(summary)
        table.clear()
        for c in courses:
            table.add_row(c.catalogue_number, c.title, key=c.catalogue_number)
        self._detail()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._detail()

    def _detail(self) -> None:
        """The highlighted course's link, in full."""
        detail = self.query_one("#brightspace-detail", Static)
        row = self.query_one(DataTable).cursor_row
        if not 0 <= row < len(self.courses):
            detail.update("")
            return
        course = self.courses[row]
        if not course.url:
            detail.update(Text(_("no Brightspace course"), style="italic"))
            return
        text = Text()
        text.append(course.url, style="underline")
        text.append("  " + _("(Enter or o opens it)"))
        detail.update(text)

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_course()

    def action_open_course(self) -> None:
        table = self.query_one(DataTable)
        if not 0 <= table.cursor_row < len(self.courses):
            return
        course = self.courses[table.cursor_row]
        if not course.url or not course.url.startswith("https://"):
            self.notify(_("This course has no Brightspace link."), timeout=3)
            return
        self.app.open_url(course.url)
        self.notify(_("Opening {course} in Brightspace.").format(
            course=course.catalogue_number), timeout=3)


__all__ = ["BrightspaceScreen"]
