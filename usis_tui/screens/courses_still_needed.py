""""Which courses do I still need to follow?": the courses the programme still needs (a choice
group's options while it needs more EC), each with when it is taught next — academic year,
semester, its classes and whether enrolment is open — and ``p``, which puts the classes of the
coming semester's courses in the Shopping cart (the MyStudymap plan, ready for Enrol all)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical

from ..i18n import N_, _, format_datetime, ngettext
from ..services.academics import NeededCourse, StillNeeded, group_title
from ..services.schemas import component_label
from ..widgets.literal import DataTable, Label, Static
from ..widgets.problems import ProblemList
from ..widgets.status_badge import status_text
from .academics_common import Column, ec, fit_columns, semester_label, year_semester
from .base import UsisScreen
from .calls import service_worker


def taught_text(course: NeededCourse) -> str:
    """"2026-27 S2", or "–" when the course is not scheduled yet."""
    if course.next is None:
        return "–"
    return year_semester(course.next.academic_year, course.next.semester)


def requirement_text(course: NeededCourse) -> str:
    return group_title(course.group) + (" " + _("(a choice)") if course.choice else "")


def classes_text(course: NeededCourse) -> str:
    if course.next is None:
        return ""
    return ", ".join(f"{c.class_number} {component_label(c.component)}"
                     for c in course.next.classes)


class CoursesStillNeededScreen(UsisScreen):
    PAGE = "Courses still needed"
    CSS_PATH = "../styles/academics.tcss"
    BINDINGS = [
        Binding("p", "plan", N_("Plan"),
                tooltip=N_("Put the classes of the coming semester's courses in the Shopping "
                           "cart"), id="courses_still_needed.plan"),
        Binding("s", "schedule", N_("Schedule"),
                tooltip=N_("The Schedule assistant with the courses marked ✓: every timetable "
                           "without clashes"), id="courses_still_needed.schedule"),
        Binding("c", "app.navigate('Shopping cart')", N_("Cart"),
                id="courses_still_needed.navigate-shopping-cart"),
        Binding("q", "app.navigate('Academic requirements')", N_("Requirements"),
                id="courses_still_needed.navigate-academic-requirements"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: StillNeeded | None = None

    def compose_body(self) -> ComposeResult:
        with Vertical(id="page"):
            yield Label(_("Which courses do I still need to follow?"), classes="page-title")
            yield Static(_("Loading…"), id="needed-summary", classes="academics-summary")
            yield ProblemList(id="needed-problems")
            yield DataTable(id="needed-list", cursor_type="row", zebra_stripes=True,
                            classes="academics-table")
            yield Static("", id="needed-detail", classes="academics-detail")

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    def on_resize(self) -> None:
        if self.data is not None:
            self.show(self.data)

    @service_worker(exclusive=True, group="needed", problems="#needed-problems")
    async def load(self) -> None:
        student = self.usis_app.student_number
        if student is None:
            return
        table = self.query_one(DataTable)
        data = await self.fetch(self.usis_app.usis.academics.still_needed, student,
                                   loading=table)
        if data is None:
            return
        self.show(data)

    def show(self, data: StillNeeded) -> None:
        self.data = data
        year, semester = data.coming
        planned = sum(c.plan for c in data.courses)
        summary = Text()
        summary.append(ngettext(
            "{n} course of your programme still to follow.",
            "{n} courses of your programme still to follow.", len(data.courses)).format(
            n=len(data.courses)), style="bold")
        summary.append(" ")
        summary.append(ngettext(
            "Press p to put the {n} course marked ✓ for {semester} {year} in your Shopping "
            "cart.", "Press p to put the {n} courses marked ✓ for {semester} {year} in your "
            "Shopping cart.", planned).format(n=planned, semester=semester_label(semester),
                                              year=year) if planned else
            _("Nothing to plan for {semester} {year}.").format(
                semester=semester_label(semester), year=year))
        for group, needed in data.open_ec:
            summary.append("\n" + _("{group}: {ec} still open (your own choice; a minor under "
                                    "Minors).").format(group=group_title(group), ec=ec(needed)))
        self.query_one("#needed-summary", Static).update(summary)
        table = self.query_one(DataTable)
        row = table.cursor_row
        wide = self.size.width >= 110
        columns: list[Column] = [(_("Plan"), "plan", 4), (_("Course"), "course", 10),
                                 (_("Title"), "title", None), (_("EC"), "ec", 5),
                                 (_("Taught next"), "next", max(10, len(_("Taught next")))),
                                 (_("Enrolment"), "enrolment", max(
                                     len(_("Enrolment")), *(len(status_text(state).plain) for state
                                                            in ("open", "not_yet_open",
                                                                "closed"))))]
        if wide:
            columns.append((_("Requirement"), "group", None))
        fit_columns(table, columns, self.size.width - 2)
        for c in data.courses:
            plan = Text("✓", style="bold green") if c.plan else Text("")
            enrolment = status_text(c.next.enrolment) if c.next is not None else Text("")
            cells = [plan, c.catalogue_number, c.title, ec(c.ec), taught_text(c), enrolment]
            if wide:
                cells.append(requirement_text(c))
            table.add_row(*cells, key=c.catalogue_number)
        if data.courses:
            table.move_cursor(row=min(max(row, 0), len(data.courses) - 1))
        self._detail()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._detail()

    def _detail(self) -> None:
        """The highlighted course: its requirement, classes and when enrolment opens."""
        detail = self.query_one("#needed-detail", Static)
        row = self.query_one(DataTable).cursor_row
        if self.data is None or not 0 <= row < len(self.data.courses):
            detail.update("")
            return
        c = self.data.courses[row]
        text = Text(f"{c.catalogue_number} {c.title}", style="bold")
        text.append(" · " + requirement_text(c))
        if c.next is None:
            text.append(" · " + _("not scheduled yet: ask your study adviser"))
        else:
            text.append(" · " + _("classes {classes}").format(classes=classes_text(c)))
            if c.next.enrolment == "not_yet_open":
                text.append(" · " + _("enrolment opens {when}").format(
                    when=format_datetime(c.next.enrol_opens_at)))
        detail.update(text)

    async def action_schedule(self) -> None:
        """The Schedule assistant with the courses marked ✓ (those of the coming semester)."""
        planned = [c.catalogue_number for c in self.data.courses if c.plan] if self.data else []
        await self.usis_app.navigate("Schedule assistant", courses=planned)

    def action_plan(self) -> None:
        self.plan()

    @service_worker(group="plan", problems="#needed-problems")
    async def plan(self) -> None:
        outcome = await self.fetch(self.usis_app.usis.academics.plan,
                                      self.usis_app.student_number)
        if outcome is None:
            return
        message = ngettext("{n} class put in your Shopping cart: {classes}.",
                           "{n} classes put in your Shopping cart: {classes}.",
                           len(outcome.added)).format(n=len(outcome.added),
                                                      classes=", ".join(outcome.added))
        if not outcome.added:
            message = _("Nothing new was put in your Shopping cart.")
        for number, why in outcome.skipped:
            message += " " + _("{course} not planned: {why}.").format(course=number, why=why)
        self.notify(message, title=_("Plan"), timeout=8)
        self.load()


__all__ = ["CoursesStillNeededScreen"]
