"""Student Center: the student's hub (Search, Plan, Enrol, My Academics, this week's classes)
with a sidebar of Holds, To Do List, Enrolment Dates and unread messages.

The To Do List names every wait list position, minor applications waiting for the placement
outcome and every provisional exam enrolment with its deadline; ``x`` (or the link under the
list) opens "Confirm exam enrolments". Loading the page first removes the student's exam
enrolments whose deadline passed unconfirmed (services/exams.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.events import Resize
from textual.screen import ModalScreen

from ..services.schemas import (
    CartLine,
    EnrolmentDate,
    ExamConfirmationInfo,
    HoldInfo,
    MinorInfo,
    ScheduleLine,
)
from ..theme import WARN
from ..widgets.footer import UsisFooter
from ..widgets.literal import DataTable, Label, Static, literal
from ..widgets.menu_link import MenuLink
from ..widgets.problems import ProblemList
from ..widgets.status_badge import status_text
from ..widgets.week_list import WeekList, week_start
from .base import UsisScreen
from .calls import call_service, service_worker

INDENT = "\u00a0\u00a0"  # no-break spaces: a wrapped Static keeps them at the start of a line
NARROW = 100  # below this many columns the sidebar goes under the blocks


@dataclass
class CenterData:
    year: str
    schedule: list[ScheduleLine] = field(default_factory=list)
    holds: list[HoldInfo] = field(default_factory=list)
    dates: list[EnrolmentDate] = field(default_factory=list)
    unread: int = 0
    results: list[tuple[str, str, float, str]] = field(default_factory=list)
    cart: list[CartLine] = field(default_factory=list)
    waitlists: list[ScheduleLine] = field(default_factory=list)  # every year
    exams: list[ExamConfirmationInfo] = field(default_factory=list)  # provisional ones
    minors: list[MinorInfo] = field(default_factory=list)  # active minor applications


def fmt(moment: datetime) -> str:
    return f"{moment:%d %b %Y %H:%M}"


def holds_text(holds: list[HoldInfo]) -> Text:
    if not holds:
        return Text("No holds.", style="italic")
    text = Text()
    for i, h in enumerate(holds):
        if i:
            text.append("\n")
        text.append("■ " if h.blocks_enrolment else "• ", style="bold red" if h.blocks_enrolment
                    else "bold")
        text.append(h.kind, style="bold")
        if h.blocks_enrolment:
            text.append(f"\n{INDENT}Blocks enrolment", style="bold red")
        text.append(f"\n{h.reason}")
    return text


def todo_text(data: CenterData, today: datetime) -> Text:
    items: list[str] = []
    for h in data.holds:
        if h.blocks_enrolment:
            items.append(f"Resolve the hold \"{h.kind}\": you cannot enrol until it is lifted.")
    ready = [c for c in data.cart if c.cls.period_state == "open"]
    planned = [c for c in data.cart if c.cls.period_state == "not_yet_open"]
    if ready:
        n = len(ready)
        items.append(f"Shopping cart: {n} class{'es' if n != 1 else ''} ready to enrol.")
    if planned:
        n = len(planned)
        first = min(c.cls.enrol_opens_at for c in planned)
        items.append(f"Shopping cart: {n} planned class{'es' if n != 1 else ''}; enrolment "
                     f"opens {fmt(first)}.")
    for line in data.waitlists:
        items.append(f"Wait list position {line.waitlist_position} for class "
                     f"{line.cls.class_number} ({line.cls.title}).")
    for m in data.minors:
        if m.my_status == "waiting_for_placement":
            items.append(f"Minor {m.class_number} {m.title}: Waiting for placement outcome.")
    for e in data.exams:
        items.append(f"Confirm {e.component.lower()} {e.class_number} {e.title} "
                     f"({e.exam_day:%d %b}) by {e.deadline_label(today.date())}.")
    if data.unread:
        items.append(f"Read your {data.unread} unread message{'s' if data.unread != 1 else ''}.")
    if not items:
        return Text("Nothing to do.", style="italic")
    text = Text()
    for i, item in enumerate(items):
        if i:
            text.append("\n")
        text.append("☐ ", style="bold")
        text.append(item)
    return text


def next_opening(dates: list[EnrolmentDate]) -> EnrolmentDate | None:
    """The enrolment period that opens next (none when every period has opened)."""
    coming = [d for d in dates if d.state == "not_yet_open"]
    return min(coming, key=lambda d: d.opens_at) if coming else None


def dates_text(dates: list[EnrolmentDate]) -> Text:
    if not dates:
        return Text("No enrolment periods published.", style="italic")
    text = Text()
    upcoming = next_opening(dates)
    if upcoming is not None:
        text.append(f"Next opening: {fmt(upcoming.opens_at)}\n", style="bold")
    for i, d in enumerate(dates):
        if i:
            text.append("\n")
        text.append_text(status_text(d.state))
        text.append(" – ")
        text.append(d.label, style="bold")
        if d.state == "not_yet_open":
            text.append(f"\n{INDENT}opens  {fmt(d.opens_at)}")
        text.append(f"\n{INDENT}{'closed' if d.state == 'closed' else 'closes'} {fmt(d.closes_at)}")
    return text


def results_renderable(results: list[tuple[str, str, float, str]], limit: int = 5) -> Text:
    if not results:
        return Text("No results yet.", style="italic")
    text = Text(no_wrap=True, overflow="ellipsis")
    for i, (_catalogue, title, grade, _when) in enumerate(results[:limit]):
        if i:
            text.append("\n")
        passed = grade >= 5.5
        text.append("✓ " if passed else "✗ ", style="bold green" if passed else "bold red")
        text.append(f"{grade:>4.1f}  ", style="bold")
        text.append(title)
        if not passed:
            text.append(" – not passed", style="bold red")
    if len(results) > limit:
        text.append(f"\n… and {len(results) - limit} more", style="italic")
    return text


class StudentCenterScreen(UsisScreen):
    PAGE = "Student Center"
    # Focus the first link at once: focusing the page first and moving on restyles it twice.
    AUTO_FOCUS = "#link-enrol"
    BINDINGS = [
        Binding("e", "app.navigate('Enrol')", "Enrol", id="student_center.navigate-enrol"),
        Binding("c", "app.navigate('Shopping cart')", "Shopping cart",
                id="student_center.navigate-shopping-cart"),
        Binding("s", "app.navigate('My Class Schedule')", "My Class Schedule",
                id="student_center.navigate-my-class-schedule"),
        Binding("m", "app.navigate('Message centre')", "Messages",
                id="student_center.navigate-message-centre"),
        Binding("x", "confirm_exams", "Confirm exams",
                tooltip="Confirm your provisional exam enrolments (binding)",
                id="student_center.confirm-exams"),
        Binding("r", "refresh", "Refresh", show=False, id="student_center.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: CenterData | None = None

    def compose_body(self) -> ComposeResult:
        identity = self.usis_app.student_identity
        with VerticalScroll(id="page"):
            with Horizontal(id="center-heading"):
                yield Label("Student Center", classes="page-title")
                if identity is not None:
                    yield Static(f"{identity.name} · {identity.programme or ''}",
                                 id="center-who", markup=False)
            yield ProblemList(id="center-problems")
            yield Static("", id="hold-alert", classes="note")
            with Horizontal(id="center-columns"):
                with Vertical(id="center-main"):
                    with Grid(id="center-blocks"):
                        with Vertical(id="block-search", classes="block") as b:
                            b.border_title = "Search"
                            yield MenuLink("Class Search", id="link-class-search")
                            yield Static("Enrol by searching the course", classes="muted")
                        with Vertical(id="block-plan", classes="block") as b:
                            b.border_title = "Plan"
                            yield MenuLink("Shopping cart", id="link-shopping-cart")
                            yield Static("", id="plan-summary", classes="muted")
                            yield MenuLink("Minors", id="link-minors",
                                           note="Apply for a minor, change or cancel it")
                        with Vertical(id="block-enrol", classes="block") as b:
                            b.border_title = "Enrol"
                            yield MenuLink("Enrol", id="link-enrol")
                            yield MenuLink("Drop", id="link-drop")
                            yield MenuLink("Swap", id="link-swap")
                            yield MenuLink("My Class Schedule", id="link-my-class-schedule")
                        with Vertical(id="block-academics", classes="block") as b:
                            b.border_title = "My Academics"
                            yield Static("Loading…", id="results")
                            yield MenuLink("Petitions", id="link-petitions")
                            yield Static("Academic requirements: coming in a later release.",
                                         id="academics-later", classes="muted")
                    with Vertical(id="block-week", classes="block") as b:
                        b.border_title = "This week's classes"
                        yield WeekList("Loading…", id="week")
                        yield MenuLink("Timetable", id="link-timetable")
                with Vertical(id="center-side"):
                    with Vertical(id="block-holds", classes="block side") as b:
                        b.border_title = "Holds"
                        yield Static("Loading…", id="holds")
                    with Vertical(id="block-todo", classes="block side") as b:
                        b.border_title = "To Do List"
                        yield Static("Loading…", id="todo")
                        yield MenuLink("Confirm exam enrolments", "", id="link-confirm-exams",
                                       note="Confirm your provisional exam enrolments (x)")
                    with Vertical(id="block-dates", classes="block side") as b:
                        b.border_title = "Enrolment Dates"
                        yield Static("Loading…", id="dates")
                    with Vertical(id="block-messages", classes="block side") as b:
                        b.border_title = "Messages"
                        yield MenuLink("Message centre", id="link-messages")
                        yield Static("Loading…", id="unread", classes="muted")

    def on_mount(self) -> None:
        monday = week_start(self.usis_app.now())
        self.query_one("#block-week").border_subtitle = literal(f"Week of {monday:%d %b %Y}")

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")

    def on_screen_resume(self) -> None:
        self.load()

    def action_refresh(self) -> None:
        self.load()

    @service_worker(exclusive=True, group="student-center")
    async def load(self) -> None:
        from ..services import ServiceError

        student = self.usis_app.student_number
        if student is None:
            return
        try:
            data = await self.call(self._fetch, student)
        except ServiceError as exc:
            if self.is_attached:
                self.query_one(ProblemList).show(exc.problems)
            return
        if not self.is_attached:  # the page was closed while it loaded
            return
        try:
            self.query_one(ProblemList).clear()
            self.show(data)
        except NoMatches:  # closing right now
            return

    def _fetch(self, student: str) -> CenterData:
        usis = self.usis_app.usis
        usis.exams.expire(student_number=student)  # lazily, before anything is read
        year = usis.catalogue.current_year()
        return CenterData(
            year=year,
            schedule=usis.enrolment.schedule(student, year),
            holds=usis.student.holds(student),
            dates=usis.catalogue.enrolment_dates(year),
            unread=usis.student.unread_count(student),
            results=usis.student.results(student),
            cart=usis.cart.list(student, year),
            waitlists=[line for line in usis.enrolment.schedule(student)
                       if line.status == "waitlisted"],
            exams=usis.exams.list(student, provisional_only=True),
            minors=[m for m in usis.minors.list(student, year) if m.active],
        )

    def show(self, data: CenterData) -> None:
        self.data = data
        now = self.usis_app.now()
        n_cart = len(data.cart)
        self.query_one("#plan-summary", Static).update(
            f"{n_cart} class{'es' if n_cart != 1 else ''} in your cart" if n_cart
            else "Plan ahead: fill your cart before enrolment opens")
        self.query_one("#results", Static).update(results_renderable(data.results))
        count = self.query_one("#week", WeekList).show(data.schedule, week_start(now), now.date())
        self.query_one("#block-week").border_subtitle = literal(
            f"Week of {week_start(now):%d %b %Y} · {count} meeting{'s' if count != 1 else ''}")
        self.query_one("#holds", Static).update(holds_text(data.holds))
        blocking = [h.kind for h in data.holds if h.blocks_enrolment]
        alert = self.query_one("#hold-alert", Static)
        alert.display = bool(blocking)
        alert.update(f"You have a hold that blocks enrolment: {', '.join(blocking)}. "
                     "See Holds for what to do.")
        self.query_one("#block-holds").set_class(any(h.blocks_enrolment for h in data.holds),
                                                  "-alert")
        self.query_one("#todo", Static).update(todo_text(data, now))
        confirm = self.query_one("#link-confirm-exams", MenuLink)
        confirm.display = bool(data.exams)
        confirm.update(f"› Confirm exam enrolments ({len(data.exams)})")
        self.query_one("#dates", Static).update(dates_text(data.dates))
        self.query_one("#block-dates").border_subtitle = literal(data.year)
        unread = Text()
        if data.unread:
            unread.append(f"{data.unread} unread message{'s' if data.unread != 1 else ''}",
                          style="bold")
        else:
            unread.append("No unread messages")
        self.query_one("#unread", Static).update(unread)
        link = self.query_one("#link-messages", MenuLink)
        link.update(f"› Message centre ({data.unread})" if data.unread else "› Message centre")

    @on(MenuLink.Selected, "#link-confirm-exams")
    def _confirm_link(self, event: MenuLink.Selected) -> None:
        event.stop()
        self.action_confirm_exams()

    def action_confirm_exams(self) -> None:
        exams = self.data.exams if self.data is not None else []
        if not exams:
            self.notify("You have no provisional exam enrolments to confirm.", timeout=4)
            return
        self.app.push_screen(ExamConfirmScreen(exams), lambda _changed: self.load())


def exam_row(e: ExamConfirmationInfo, today) -> tuple:
    status = Text("✓ Confirmed", style="bold green") if not e.provisional else Text(
        "Provisional", style=f"bold {WARN}")
    return (e.class_number, e.title, e.component, f"{e.exam_day:%a %d %b} {e.start:%H:%M}",
            e.deadline_label(today), status)


class ExamConfirmScreen(ModalScreen[bool]):
    """ "Confirm exam enrolments": each provisional exam enrolment with its deadline. Enter asks,
    Enter again confirms (binding); Escape closes. Dismisses with whether anything changed."""

    CSS_PATH = "../styles/minors.tcss"
    BINDINGS = [
        Binding("enter", "confirm", "Confirm (binding)", priority=True,
                tooltip="Confirm the selected exam enrolment; press Enter twice",
                id="student_center.confirm"),
        Binding("escape", "close", "Close", tooltip="Back to the Student Center",
                id="student_center.close"),
    ]

    def __init__(self, exams: list[ExamConfirmationInfo]) -> None:
        super().__init__(id="exam-confirm")
        self.exams = list(exams)
        self.pending: int | None = None  # the enrolment id asked about
        self.changed = False

    @property
    def usis_app(self):
        return self.app

    def compose(self) -> ComposeResult:
        from ..widgets.problems import ProblemList

        with Vertical(id="exam-confirm-box", classes="minor-dialog"):
            yield Label("Confirm exam enrolments", classes="dialog-title")
            yield Static("Your enrolment for an exam or resit is provisional until you confirm "
                         "it. Confirming is binding. Enrolments that are not confirmed 10 days "
                         "before the exam (23:59) are removed.", classes="hint")
            yield ProblemList(id="exam-confirm-problems")
            table: DataTable = DataTable(id="exam-confirm-list", cursor_type="row")
            for label, key, width in (("Class", "class", 5), ("Course", "title", 22),
                                      ("Type", "type", 5), ("Exam", "day", 16),
                                      ("Confirm by", "deadline", 32), ("Status", "status", 11)):
                table.add_column(label, key=key, width=width)
            today = self.app.now().date()  # type: ignore[attr-defined]
            for e in self.exams:
                table.add_row(*exam_row(e, today), key=str(e.enrolment_id))
            yield table
            yield Static("Select an exam and press Enter to confirm it.", id="exam-confirm-prompt")
        yield UsisFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def _current(self) -> ExamConfirmationInfo | None:
        table = self.query_one(DataTable)
        if not self.exams or not 0 <= table.cursor_row < len(self.exams):
            return None
        return self.exams[table.cursor_row]

    @on(DataTable.RowHighlighted)
    def _moved(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._prompt(None)

    def _prompt(self, exam: ExamConfirmationInfo | None) -> None:
        self.pending = exam.enrolment_id if exam is not None else None
        prompt = self.query_one("#exam-confirm-prompt", Static)
        prompt.set_class(exam is not None, "-pending")
        if exam is None:
            prompt.update("Select an exam and press Enter to confirm it.")
        else:
            prompt.update(Text.assemble(
                "Confirm your enrolment for ", (f"{exam.class_number} {exam.title}", "bold"),
                f" ({exam.component}, {exam.exam_day:%d %b %Y})? This is binding. ",
                ("Press Enter again to confirm", "bold"), ", Escape to cancel."))

    def action_confirm(self) -> None:
        exam = self._current()
        if exam is None:
            return
        if not exam.provisional:
            self.notify(f"Class {exam.class_number} is already confirmed.", timeout=3)
            return
        if self.pending != exam.enrolment_id:
            self._prompt(exam)
            return
        self.confirm(exam)

    @service_worker(group="exam-confirm", exclusive=True, problems="#exam-confirm-problems")
    async def confirm(self, exam: ExamConfirmationInfo) -> None:
        from ..services import ServiceError
        from ..widgets.problems import ProblemList

        student = self.app.student_number  # type: ignore[attr-defined]
        usis = self.app.usis  # type: ignore[attr-defined]
        try:
            done = await call_service(self, usis.exams.confirm, student, exam.enrolment_id)
        except ServiceError as exc:
            if self.is_attached:
                self.query_one(ProblemList).show(exc.problems)
                self._prompt(None)
            return
        if not self.is_attached:
            return
        self.changed = True
        self.query_one(ProblemList).clear()
        index = self.exams.index(exam)
        self.exams[index] = done
        table = self.query_one(DataTable)
        today = self.app.now().date()  # type: ignore[attr-defined]
        for key, value in zip(("class", "title", "type", "day", "deadline", "status"),
                              exam_row(done, today), strict=True):
            table.update_cell(str(done.enrolment_id), key, value)
        self._prompt(None)
        self.query_one("#exam-confirm-prompt", Static).update(Text.assemble(
            ("✓ ", "bold green"), f"Your enrolment for class {done.class_number} is confirmed."))

    def action_close(self) -> None:
        if self.pending is not None:
            self._prompt(None)
            return
        self.dismiss(self.changed)


__all__ = [
    "CenterData",
    "ExamConfirmScreen",
    "StudentCenterScreen",
    "dates_text",
    "holds_text",
    "next_opening",
    "todo_text",
]
