"""MyTimetable: Main Menu › Self Service › Student Center › Timetable.

The week grid (Monday–Friday, ``w`` adds the weekend) of the logged-in student's classes:
enrolled, wait-listed and planned (Shopping cart), each kind toggled with 1, 2 and 3. ``p``/``n``
move a week, ``t`` goes back to this week; the arrows (or the mouse) select a block and its
details show beside or under the grid; Enter opens them in full. ``l`` shows the list view,
``x`` the exam schedule, ``e`` exports an .ics file.

The classes are loaded once (in a worker thread) each time the screen is shown; moving between
weeks and toggling kinds is computed locally from them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.events import Resize
from textual.screen import ModalScreen
from textual.style import Style
from textual.widgets import ContentSwitcher

from ..errors import UsisError
from ..i18n import N_, _, format_date, format_time, ngettext, weekday_name
from ..services.timetable import (
    KINDS,
    ExamLine,
    IcsExport,
    Occurrence,
    TimetableClass,
    WeekView,
    build_week,
    meeting_dates,
    monday_of,
    occurrences_of,
)
from ..text import clean
from ..theme import BAD, GOOD, PRIMARY, WARN
from ..widgets.columns import Column, fit_columns
from ..widgets.footer import UsisFooter
from ..widgets.literal import Button, DataTable, Label, Static, literal
from ..widgets.problems import ProblemList
from ..widgets.week_grid import EDGE, WeekGrid, course_colour, kind_label
from ..widgets.week_list import component_label, component_short
from .base import UsisScreen
from .calls import call_service, report, service_worker
from .delivery import deliver, downloads_folder

WIDE = 120  # from this many columns the details stand beside the grid
KIND_KEYS = {"enrolled": "1", "waitlisted": "2", "planned": "3"}
KIND_NAMES = {"enrolled": N_("Enrolled"), "waitlisted": N_("Wait list"), "planned": N_("Planned")}
LEGEND_MARK = {"enrolled": "█", "waitlisted": EDGE["waitlisted"], "planned": EDGE["planned"]}


def date_range(first: date, last: date) -> str:
    """"23 – 27 Nov 2026", "30 Nov – 4 Dec 2026", "28 Dec 2026 – 3 Jan 2027" (in Dutch
    "23 – 27 nov. 2026")."""
    if first.year != last.year:
        return f"{format_date(first)} – {format_date(last)}"
    if first.month != last.month:
        return f"{format_date(first, year=False)} – {format_date(last)}"
    return f"{first.day} – {format_date(last)}"


def day_text(day: date) -> str:
    """"Tue 8 Sep 2026" / "di 8 sep. 2026"."""
    return format_date(day, weekday=True)


def pattern_text(o: Occurrence) -> str:
    """How often the class meets: "Every Tue 15:45–17:30, 8 Sep – 8 Dec 2026 (14 dates)"."""
    dates = meeting_dates(o.meeting)
    if len(dates) <= 1:
        return _("Once: {date}").format(date=day_text(o.day))
    day = weekday_name(o.day.weekday())
    span = date_range(dates[0], dates[-1])
    if not o.meeting.weeks:
        return ngettext("Every {day} {times}, {dates} ({n} date)",
                        "Every {day} {times}, {dates} ({n} dates)", len(dates)).format(
            day=day, times=o.times, dates=span, n=len(dates))
    return ngettext("Weeks {weeks}: {day} {times}, {dates} ({n} date)",
                    "Weeks {weeks}: {day} {times}, {dates} ({n} dates)", len(dates)).format(
        weeks=o.meeting.weeks.replace(",", ", "), day=day, times=o.times, dates=span,
        n=len(dates))


def kind_text(o: Occurrence, long: bool = True) -> Text:
    colour = {"enrolled": GOOD, "waitlisted": WARN, "planned": PRIMARY}[o.kind]
    if o.confirm_by is not None:  # a provisional exam enrolment
        return Text(o.status_label if long else kind_label(o), style=f"bold {WARN}")
    label = (kind_label(o) if o.kind != "planned" or not long
             else _("Planned (in your Shopping cart)"))
    return Text(label, style=f"bold {colour}")


def detail_text(o: Occurrence | None, wide: bool, *, empty: str) -> RenderableType:
    """The selected block's details: class number, instructor, dates, Brightspace link."""
    if o is None:
        return Text(empty, style="italic")
    colour = course_colour(o.colour)
    link = o.brightspace_url
    if wide:
        head = Text()
        head.append("█ ", style=colour)
        head.append(f"{o.catalogue_number}\n", style="bold")
        head.append(f"{o.title}\n", style="bold")
        head.append(_("{component} · class {number} · section {section}").format(
            component=component_label(o.component), number=o.class_number,
            section=o.section) + "\n")
        head.append_text(kind_text(o))
        head.append("\n")
        table = Table.grid(padding=(0, 1))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        tba = _("TBA")
        for label, value in ((N_("Date"), day_text(o.day)),
                             (N_("Time"), o.times), (N_("Room"), o.room or tba),
                             (N_("Instructor"), o.instructor or tba),
                             (N_("Dates"), pattern_text(o)), (N_("Year"), o.academic_year)):
            table.add_row(_(label), value)
        parts: list[RenderableType] = [head, table, Text("Brightspace", style="bold")]
        parts.append(Text(link, style=f"underline link {link}") if link
                     else Text(_("no Brightspace course"), style="italic"))
        if o.conflicts:
            warning = Text("\n")
            warning.append(" ! ", style=f"bold white on {BAD}")
            warning.append(" " + _("Conflict with class {classes}").format(
                classes=", ".join(o.conflicts)), style=f"bold {BAD}")
            parts.append(warning)
        return Group(*parts)
    text = Text()
    text.append("█ ", style=colour)
    text.append(f"{o.class_number} · {o.catalogue_number} {o.title}", style="bold")
    text.append(f" · {component_label(o.component)} · ")
    text.append_text(kind_text(o, long=False))
    if o.conflicts:
        text.append("  ")
        text.append("! " + _("Conflict with {classes}").format(classes=", ".join(o.conflicts)),
                    style=f"bold white on {BAD}")
    text.append(f"\n  {format_date(o.day, weekday=True, year=False)} {o.times} · "
                f"{o.room or _('TBA')} · {o.instructor or _('instructor TBA')}")
    text.append(f"\n  {pattern_text(o)}")
    text.append("\n  Brightspace: ")
    if link:
        text.append(link, style=f"underline link {link}")
    else:
        text.append(_("none"))
    return text


def exam_status(e: ExamLine) -> str:
    """An exam line's status: "Enrolled", "Provisional" (to confirm by the date in the next
    column), "Wait list #2", "Planned", "Not enrolled"."""
    return e.status_label


class DetailScreen(ModalScreen[None]):
    """The full details of one block (Enter on the grid)."""

    BINDINGS = [Binding("escape,enter,q", "dismiss", N_("Close"), id="timetable.dismiss")]

    def __init__(self, occurrence: Occurrence) -> None:
        super().__init__()
        self.occurrence = occurrence

    def compose(self) -> ComposeResult:
        with Vertical(id="tt-detail-box"):
            yield Static(detail_text(self.occurrence, True, empty=""), id="tt-detail-full")
            with Horizontal(id="tt-detail-buttons"):
                yield Button(_("Close"), id="tt-detail-close", variant="primary")
                if self.occurrence.brightspace_url:
                    yield Button(_("Open Brightspace"), id="tt-detail-open")

    def on_mount(self) -> None:
        box = self.query_one("#tt-detail-box")
        box.border_title = literal(_("Class {number}").format(
            number=self.occurrence.class_number))
        self.query_one("#tt-detail-close", Button).focus()

    @on(Button.Pressed, "#tt-detail-close")
    def _close(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#tt-detail-open")
    def _open(self) -> None:
        if self.occurrence.brightspace_url:
            self.app.open_url(self.occurrence.brightspace_url)


class ExportScreen(ModalScreen[IcsExport | None]):
    """What goes in the .ics file and where it goes; Export fetches it and hands it over
    through Textual's delivery (screens/delivery.py): the downloads folder under a new name in
    a terminal, a download in the browser. No file name is typed, so none can be misused."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="timetable.cancel")]

    def __init__(self, student: str, kinds: tuple[str, ...], events: int) -> None:
        super().__init__()
        self.student = student
        self.kinds = kinds
        self.events = events

    def compose(self) -> ComposeResult:
        # Translators: the kinds of classes in "Includes your {kinds} classes"
        names = {"enrolled": _("enrolled"), "waitlisted": _("wait-listed"),
                 "planned": _("planned")}
        kinds = [names[k] for k in self.kinds]
        what = kinds[0] if len(kinds) == 1 else _("{first} and {last}").format(
            first=", ".join(kinds[:-1]), last=kinds[-1])
        with Vertical(id="tt-export-box"):
            yield Label(_("Save your timetable as an iCalendar file (.ics) that Outlook, Google "
                          "Calendar and Apple Calendar import."), id="tt-export-intro")
            yield Label(ngettext("Includes your {kinds} classes: {n} meeting. Importing it "
                                 "again updates them instead of adding copies.",
                                 "Includes your {kinds} classes: {n} meetings. Importing it "
                                 "again updates them instead of adding copies.",
                                 self.events).format(kinds=what, n=self.events),
                        id="tt-export-what")
            yield Static(self._where(), id="tt-export-where")
            yield ProblemList(id="tt-export-error")
            with Horizontal(id="tt-export-buttons"):
                yield Button(_("Export"), id="tt-export-ok", variant="primary")
                yield Button(_("Cancel"), id="tt-export-cancel")

    def _where(self) -> str:
        name = f"usis-timetable-{self.student}.ics"
        if self.app.is_web:
            return _("Your browser downloads it as {name}.").format(name=name)
        return _("It is saved in your downloads folder ({folder}) as {name}, or under a new "
                 "name if that file exists: nothing is replaced.").format(
            folder=downloads_folder(), name=name)

    def on_mount(self) -> None:
        self.query_one("#tt-export-box").border_title = _("Export to calendar")
        self.query_one("#tt-export-ok", Button).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#tt-export-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#tt-export-ok")
    def _ok(self) -> None:
        self.export()

    @service_worker(group="tt-export", exclusive=True, problems="#tt-export-error")
    async def export(self) -> None:
        result = await call_service(self, self.app.usis.timetable.export,  # type: ignore[attr-defined]
                                    self.student, kinds=self.kinds)
        try:
            deliver(self.app, result.data.decode("utf-8"), result.filename,
                    mime_type="text/calendar", what=N_("Your timetable"))
        except OSError as exc:
            raise UsisError(_("Your timetable could not be saved in your downloads folder "
                              "({reason}).").format(
                reason=exc.strerror or _("not writable"))) from None
        self.dismiss(result)


class TimetableScreen(UsisScreen):
    """MyTimetable: the week grid, list view, exam schedule and calendar export."""

    PAGE = "Timetable"
    CSS_PATH = "../styles/timetable.tcss"
    HORIZONTAL_BREAKPOINTS: list[tuple[int, str]] | None = [(0, "-narrow"), (WIDE, "-wide")]
    BINDINGS: ClassVar = [
        Binding("p,pageup", "previous_week", N_("Prev"), tooltip=N_("Previous week"),
                id="timetable.previous-week"),
        Binding("n,pagedown", "next_week", N_("Next"), tooltip=N_("Next week"),
                id="timetable.next-week"),
        Binding("t", "today", N_("Today"), tooltip=N_("This week"), id="timetable.today"),
        Binding("w", "weekend", N_("Weekend"), tooltip=N_("Show or hide Saturday and Sunday"),
                id="timetable.weekend"),
        Binding("l", "view('list')", N_("List"), tooltip=N_("List view / back to the week"),
                id="timetable.view-list"),
        Binding("x", "view('exams')", N_("Exams"), tooltip=N_("Exam schedule / back to the week"),
                id="timetable.view-exams"),
        Binding("e", "export", N_("Export"), tooltip=N_("Export an .ics file for your calendar"),
                id="timetable.export"),
        Binding("1", "toggle_kind('enrolled')", N_("Enrolled"), show=False,
                id="timetable.toggle-kind-enrolled"),
        Binding("2", "toggle_kind('waitlisted')", N_("Wait list"), show=False,
                id="timetable.toggle-kind-waitlisted"),
        Binding("3", "toggle_kind('planned')", N_("Planned"), show=False,
                id="timetable.toggle-kind-planned"),
        Binding("f5", "reload", N_("Refresh"), show=False, id="timetable.reload"),
    ]

    def __init__(self, day: date | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.start_day = day
        self.monday: date | None = None
        self.weekend = False
        self.kinds: set[str] = set(KINDS)
        self.view_name = "week"
        self.tt_classes: list[TimetableClass] = []
        self.exam_lines: list[ExamLine] = []
        self.week_view: WeekView | None = None
        self.loaded = False
        self.last_export: IcsExport | None = None

    # ------------------------------------------------------------------ layout
    def compose_body(self) -> ComposeResult:
        with Horizontal(id="tt-bar"):
            yield Static("", id="tt-title")
            yield Static("", id="tt-legend")
        with ContentSwitcher(initial="tt-week", id="tt-views"):
            with Horizontal(id="tt-week"):
                yield WeekGrid(id="tt-grid")
                with VerticalScroll(id="tt-detail-pane"):
                    yield Static("", id="tt-detail")
            yield DataTable(id="tt-list", cursor_type="row", zebra_stripes=True)
            with Vertical(id="tt-exams"):
                yield Static(Text.assemble(
                    (_("Exams and resits.") + " ", "bold"),
                    _("Enrol for every exam separately, at the latest 10 days before it; a "
                      "resit only after not passing the exam.") + " ",
                    _("A provisional enrolment must be confirmed by the same date (Student "
                      "Center › To Do List).")), id="tt-exam-note")
                yield DataTable(id="tt-exam-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.monday = monday_of(self.start_day or self.today())
        lst = self.query_one("#tt-list", DataTable)
        lst.add_columns(*(_(c) for c in (N_("Date"), N_("Time"), N_("Class"), N_("Course"),
                                          N_("Type"), N_("Status"), N_("Room"), N_("Title"))))
        self._refresh_bar()
        self.query_one(WeekGrid).focus()

    def today(self) -> date:
        return self.usis_app.now().date()

    @property
    def wide(self) -> bool:
        return self.size.width >= WIDE

    # ------------------------------------------------------------------ loading
    def on_screen_resume(self) -> None:
        self.load()

    def action_reload(self) -> None:
        self.load()

    @service_worker(exclusive=True, group="timetable-load")
    async def load(self) -> None:
        student = self.usis_app.student_number
        if student is None:
            self.loaded = True
            message = _("The timetable shows a student's own classes: log in with a student "
                        "number.")
            if self.monday is not None:
                empty = WeekView(student_number="", monday=self.monday, today=self.today(),
                                 occurrences=[])
                self.query_one(WeekGrid).show(empty, empty_message=[message])
            self.query_one("#tt-detail", Static).update(message)
            return
        usis = self.usis_app.usis
        try:
            self.tt_classes = await self.call(usis.timetable.classes, student)
        except UsisError as exc:
            report(self, exc, title=_("Timetable"))
            return
        self.loaded = True
        self.exam_lines = []
        self.refresh_week()
        if self.view_name == "list":
            self._fill_list()
        elif self.view_name == "exams":
            await self._load_exams()

    # ------------------------------------------------------------------ week
    def refresh_week(self, select: str | None = None) -> None:
        if self.monday is None:
            return
        student = self.usis_app.student_number or ""
        self.week_view = view = build_week(student, self.tt_classes, self.monday, self.today(),
                                           tuple(k for k in KINDS if k in self.kinds))
        grid = self.query_one(WeekGrid)
        grid.show(view, weekend=self.weekend, select=select, empty_message=self._empty(view))
        self._refresh_bar()

    def _empty(self, view: WeekView) -> list[str]:
        if not self.kinds:
            return [_("Every kind of class is hidden."), _("Press 1, 2 or 3 to show them again.")]
        days = view.days if self.weekend else view.days[:5]
        if any(o.day in days for o in view.occurrences):
            return []
        lines = [_("No classes in week {week}.").format(week=view.week)]
        hidden = [o for o in view.occurrences if o.day not in days]
        if hidden:
            lines.append(_("{n} on the weekend: press w to show it.").format(n=len(hidden)))
        if view.next_class:
            lines.append(_("Next class: {date} (week {week}).").format(
                date=day_text(view.next_class), week=view.next_class.isocalendar().week))
        elif view.previous_class:
            lines.append(_("Last class: {date}.").format(date=day_text(view.previous_class)))
        lines.append(_("p / n: previous / next week · t: this week"))
        return lines

    def _refresh_bar(self) -> None:
        view = self.week_view
        if self.monday is None:
            return
        last = self.monday + timedelta(days=6 if self.weekend else 4)
        week = self.monday.isocalendar().week
        label = _("Week {week} · {dates}").format(week=week, dates=date_range(self.monday, last))
        # a str: the title is never markup
        self.sub_title = clean(_("Timetable") + " · " + label)
        title = Content.assemble(
            Content.from_markup("[@click=screen.previous_week]◀[/] "),
            Content.styled(label, "bold"),
            Content(" "),
            Content.from_markup("[@click=screen.next_week]▶[/]"),
        )
        if self.monday == monday_of(self.today()):
            title = title + Content.styled(" " + _("this week") if self.wide else "", "italic")
        else:
            title = title + Content.from_markup(" [@click=screen.today]$today[/]",
                                                today=_("today"))
        if self.view_name == "list":
            title = Content.styled(_("List view"), "bold") + Content(
                " · " + _("all dates, from week {week} on").format(week=week))
        elif self.view_name == "exams":
            title = Content.styled(_("Exam schedule"), "bold")
        self.query_one("#tt-title", Static).update(title)
        parts = []
        wide = self.wide
        for kind in KINDS:
            on_ = kind in self.kinds
            mark = LEGEND_MARK[kind]
            name = _(KIND_NAMES[kind])
            text = (f"{KIND_KEYS[kind]} {mark} {name}" if wide
                    else f"{KIND_KEYS[kind]}{mark}{name.replace(' ', '')}")
            style = "bold" if on_ else "dim strike"
            parts.append(Content.styled(text, Style.from_meta(
                {"@click": f"screen.toggle_kind({kind!r})"})).stylize(style))
        legend = Content("  " if wide else " ").join(parts)
        if self.view_name == "exams":
            legend = Content.styled(_("Enrol by: 10 days before the exam"), "italic")
        conflicts = len(view.conflicts) if view else 0
        if conflicts and self.view_name == "week":
            label = (" ! " + ngettext("{n} conflict", "{n} conflicts", conflicts).format(
                n=conflicts) + " " if wide else f" !{conflicts} ")
            legend = legend + Content(" ") + Content.styled(label, f"bold white on {BAD}")
        self.query_one("#tt-legend", Static).update(legend)

    def _show_detail(self, occurrence: Occurrence | None) -> None:
        empty = (_("Select a class with the arrow keys or the mouse to see its details.")
                 if self.week_view and self.week_view.occurrences else
                 _("No classes this week. Press l for the list of all your classes, x for your "
                   "exams."))
        self.query_one("#tt-detail", Static).update(
            detail_text(occurrence, self.wide, empty=empty))

    @on(WeekGrid.Selected)
    def _selected(self, event: WeekGrid.Selected) -> None:
        self._show_detail(event.occurrence)

    @on(WeekGrid.Activated)
    def _activated(self, event: WeekGrid.Activated) -> None:
        self.app.push_screen(DetailScreen(event.occurrence))

    def on_resize(self, event: Resize) -> None:
        self._show_detail(self.query_one(WeekGrid).selected)
        self._refresh_bar()
        if self.exam_lines:
            self._fill_exams()
        # Every key must show at 80 columns: the compact footer saves a column per key.
        for footer in self.query(UsisFooter):
            footer.compact = not self.wide

    # ------------------------------------------------------------------ actions
    def _move(self, monday: date) -> None:
        self.monday = monday
        if self.view_name == "week":
            self.refresh_week()
        else:
            self._refresh_bar()
            if self.view_name == "list":
                self._fill_list()

    def action_previous_week(self) -> None:
        if self.monday is not None:
            self._move(self.monday - timedelta(days=7))

    def action_next_week(self) -> None:
        if self.monday is not None:
            self._move(self.monday + timedelta(days=7))

    def action_today(self) -> None:
        self._move(monday_of(self.today()))

    def action_weekend(self) -> None:
        self.weekend = not self.weekend
        self.refresh_week()

    def action_toggle_kind(self, kind: str) -> None:
        if kind not in KINDS:
            return
        self.kinds ^= {kind}
        self.refresh_week()
        if self.view_name == "list":
            self._fill_list()

    def action_view(self, name: str) -> None:
        target = "week" if self.view_name == name else name
        self.view_name = target
        self.query_one(ContentSwitcher).current = {"week": "tt-week", "list": "tt-list",
                                                   "exams": "tt-exams"}[target]
        self._refresh_bar()
        if target == "week":
            self.refresh_week()
            self.query_one(WeekGrid).focus()
        elif target == "list":
            self._fill_list()
            self.query_one("#tt-list", DataTable).focus()
        else:
            self.show_exams()

    @service_worker(exclusive=True, group="timetable-exams")
    async def show_exams(self) -> None:
        await self._load_exams()
        self.query_one("#tt-exam-table", DataTable).focus()

    def action_back(self) -> None:
        if self.view_name != "week":
            self.action_view("week")
            return
        super().action_back()

    # ------------------------------------------------------------------ list view
    def _fill_list(self) -> None:
        table = self.query_one("#tt-list", DataTable)
        table.clear()
        rows = occurrences_of(self.tt_classes, kinds=tuple(k for k in KINDS if k in self.kinds))
        cursor = None
        for i, o in enumerate(rows):
            status = Text(kind_label(o), style=WARN if o.confirm_by else "")
            if o.conflicts:
                status.append(" · " + _("conflict {classes}").format(
                    classes=", ".join(o.conflicts)), style=f"bold {BAD}")
            day = Text(format_date(o.day, weekday=True, year=False),
                       style="bold" if o.day == self.today() else "")
            table.add_row(day, o.times, o.class_number,
                          Text(o.catalogue_number, style=f"bold {course_colour(o.colour)}"),
                          component_short(o.component), status,
                          o.room or _("TBA"), o.title, key=o.key)
            if cursor is None and self.monday is not None and o.day >= self.monday:
                cursor = i
        if rows:
            target = cursor if cursor is not None else len(rows) - 1
            table.move_cursor(row=target, animate=False, scroll=False)
            # The selected week at the top, once the table knows its size.
            self.call_after_refresh(table.scroll_to, y=target, animate=False)

    # ------------------------------------------------------------------ exams
    async def _load_exams(self) -> None:
        student = self.usis_app.student_number
        if student is None:
            return
        if not self.exam_lines:
            try:
                self.exam_lines = await self.call(self.usis_app.usis.timetable.exams, student)
            except UsisError as exc:
                report(self, exc, title=_("Exam schedule"))
                return
        self._fill_exams()

    def _fill_exams(self) -> None:
        """The exam table, its columns fitted to the width (again after a resize)."""
        rows = []
        for e in self.exam_lines:
            status = Text(exam_status(e), style=f"bold {GOOD}"
                          if e.kind == "enrolled" and not e.provisional else f"bold {WARN}")
            by = Text(format_date(e.deadline, weekday=True, year=False))
            if e.kind != "enrolled" or e.provisional:  # to enrol or to confirm by then
                if e.deadline_passed:
                    by.append(" · " + _("passed"), style=f"bold {BAD}")
                elif e.days_left == 0:
                    by.append(" · " + _("today"), style=f"bold {WARN}")
                else:
                    by.append(" · " + ngettext("{n} day left", "{n} days left",
                                               e.days_left).format(n=e.days_left), style=WARN)
            rows.append(((format_date(e.day, weekday=True, year=False),
                          f"{format_time(e.start)}–{format_time(e.end)}",
                          component_label(e.component), e.class_number, e.catalogue_number,
                          e.title, status, by, e.room or _("TBA")),
                         f"{e.academic_year}-{e.class_number}-{e.day:%Y%m%d}"))
        # Every column as wide as what it shows (the room at most 16); the title takes the
        # rest of the width, so that it stays on screen at any width. Below 140 columns the
        # catalogue number makes room for it (the class number names the exam too).
        labels = (_("Date"), _("Time"), _("Type"), _("Class"), _("Course"), _("Title"),
                  _("Status"), _("Enrol by"), _("Room"))
        keys = ("date", "time", "type", "class", "course", "title", "status", "by", "room")
        shown = [i for i, key in enumerate(keys) if key != "course" or self.size.width >= 140]
        columns: list[Column] = []
        for i in shown:
            if keys[i] == "title":
                columns.append((labels[i], keys[i], None))
                continue
            longest = max([len(labels[i])] + [len(str(getattr(r[0][i], "plain", r[0][i])))
                                              for r in rows])
            columns.append((labels[i], keys[i], min(longest, 16) if keys[i] == "room"
                            else longest))
        table = self.query_one("#tt-exam-table", DataTable)
        fit_columns(table, columns, self.size.width - 2)
        for cells, key in rows:
            table.add_row(*(cells[i] for i in shown), key=key)
        if not self.exam_lines:
            table.add_row(_("No exams on your timetable."), *([""] * (len(shown) - 1)))

    # ------------------------------------------------------------------ export
    def action_export(self) -> None:
        student = self.usis_app.student_number
        if student is None:
            self.notify(_("Log in as a student to export a timetable."), severity="warning")
            return
        kinds = tuple(k for k in KINDS if k in self.kinds)
        if not kinds:
            self.notify(_("Every kind of class is hidden: press 1, 2 or 3 first."),
                        severity="warning")
            return
        every = occurrences_of(self.tt_classes, kinds=kinds)
        events = len(every)
        present = tuple(k for k in kinds if any(o.kind == k for o in every)) or kinds

        def done(result: IcsExport | None) -> None:
            if result is not None:
                self.last_export = result

        self.app.push_screen(ExportScreen(student, present, events), done)
