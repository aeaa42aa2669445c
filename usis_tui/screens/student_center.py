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

from ..i18n import (
    N_,
    _,
    format_date,
    format_datetime,
    format_grade,
    format_time,
    ngettext,
    pgettext,
)
from ..services.academics import ResultLine
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
from ..widgets.week_list import WeekList, component_label, component_short, week_start
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
    results: list[ResultLine] = field(default_factory=list)  # newest first
    cart: list[CartLine] = field(default_factory=list)
    waitlists: list[ScheduleLine] = field(default_factory=list)  # every year
    exams: list[ExamConfirmationInfo] = field(default_factory=list)  # provisional ones
    minors: list[MinorInfo] = field(default_factory=list)  # active minor applications


def fmt(moment: datetime) -> str:
    """"2 Dec 2026 09:00" / "2 dec. 2026 09:00"."""
    return format_datetime(moment)


def deadline_width() -> int:
    """The "Confirm by" column: the longest deadline in this language (32 in English)."""
    sample = ngettext("{when} ({n} day left)", "{when} ({n} days left)", 46).format(
        when=format_datetime(datetime(2027, 6, 28, 23, 59)), n=46)
    return max(32, len(sample))


def deadline_text(e: ExamConfirmationInfo, today) -> str:
    """An exam enrolment's deadline: "8 Jan 2027 23:59 (46 days left)", "(today)", "(passed)"."""
    left = e.days_left(today)
    when = format_datetime(e.deadline_at)
    if left < 0:
        return _("{when} (passed)").format(when=when)
    if left == 0:
        return _("{when} (today)").format(when=when)
    return ngettext("{when} ({n} day left)", "{when} ({n} days left)", left).format(
        when=when, n=left)


def holds_text(holds: list[HoldInfo]) -> Text:
    if not holds:
        return Text(_("No holds."), style="italic")
    text = Text()
    for i, h in enumerate(holds):
        if i:
            text.append("\n")
        text.append("■ " if h.blocks_enrolment else "• ", style="bold red" if h.blocks_enrolment
                    else "bold")
        text.append(h.kind, style="bold")
        if h.blocks_enrolment:
            text.append(f"\n{INDENT}" + _("Blocks enrolment"), style="bold red")
        text.append(f"\n{h.reason}")
    return text


def todo_text(data: CenterData, today: datetime) -> Text:
    items: list[str] = []
    for h in data.holds:
        if h.blocks_enrolment:
            items.append(_("Resolve the hold \"{hold}\": you cannot enrol until it is lifted.")
                         .format(hold=h.kind))
    # The Shopping cart's own check says what is ready (CartLine.ready): one rule for both.
    ready = [c for c in data.cart if c.ready]
    planned = [c for c in data.cart if c.cls.period_state == "not_yet_open"]
    blocked = [c for c in data.cart if not c.ready and c.cls.period_state != "not_yet_open"]
    if ready:
        n = len(ready)
        items.append(ngettext("Shopping cart: {n} class ready to enrol.",
                              "Shopping cart: {n} classes ready to enrol.", n).format(n=n))
    if blocked:
        n = len(blocked)
        items.append(ngettext(
            "Shopping cart: {n} class cannot be enrolled as it is ({numbers}); its Enrol check "
            "says why.",
            "Shopping cart: {n} classes cannot be enrolled as they are ({numbers}); their Enrol "
            "check says why.", n).format(n=n, numbers=", ".join(c.cls.class_number
                                                               for c in blocked)))
    if planned:
        n = len(planned)
        first = min(c.cls.enrol_opens_at for c in planned)
        items.append(ngettext("Shopping cart: {n} planned class; enrolment opens {when}.",
                              "Shopping cart: {n} planned classes; enrolment opens {when}.",
                              n).format(n=n, when=fmt(first)))
    for line in data.waitlists:
        items.append(_("Wait list position {position} for class {number} ({title}).").format(
            position=line.waitlist_position, number=line.cls.class_number,
            title=line.cls.title))
    for m in data.minors:
        if m.my_status == "waiting_for_placement":
            items.append(_("Minor {number} {title}: Waiting for placement outcome.").format(
                number=m.class_number, title=m.title))
        elif m.parts_to_enrol:  # placed in a selection minor: its parts are the student's
            items.append(_("Minor {number} {title}: placed. Enrol in its parts {parts}.").format(
                number=m.class_number, title=m.title, parts=_(" and ").join(m.parts_to_enrol)))
    for e in data.exams:
        items.append(_("Confirm {component} {number} {title} ({day}) by {deadline}.").format(
            component=component_label(e.component).lower(), number=e.class_number,
            title=e.title, day=format_date(e.exam_day, year=False),
            deadline=deadline_text(e, today.date())))
    if data.unread:
        items.append(ngettext("Read your {n} unread message.", "Read your {n} unread messages.",
                              data.unread).format(n=data.unread))
    if not items:
        return Text(_("Nothing to do."), style="italic")
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
        return Text(_("No enrolment periods published."), style="italic")
    text = Text()
    upcoming = next_opening(dates)
    if upcoming is not None:
        text.append(_("Next opening: {when}").format(when=fmt(upcoming.opens_at)) + "\n",
                    style="bold")
    for i, d in enumerate(dates):
        if i:
            text.append("\n")
        text.append_text(status_text(d.state))
        text.append(" – ")
        text.append(d.label, style="bold")
        if d.state == "not_yet_open":
            text.append(f"\n{INDENT}" + _("opens  {when}").format(when=fmt(d.opens_at)))
        closes = (_("closed {when}") if d.state == "closed" else _("closes {when}"))
        text.append(f"\n{INDENT}" + closes.format(when=fmt(d.closes_at)))
    return text


def results_renderable(results: list[ResultLine], limit: int = 4) -> Text:
    """The newest results: "✓  7.5  Programming and Data Structures"."""
    if not results:
        return Text(_("No results yet."), style="italic")
    text = Text(no_wrap=True, overflow="ellipsis")
    for i, line in enumerate(results[:limit]):
        if i:
            text.append("\n")
        grade = line.mark or "" if line.grade is None else format_grade(line.grade)
        text.append("✓ " if line.passed else "✗ ",
                    style="bold green" if line.passed else "bold red")
        text.append(f"{grade:>4}  ", style="bold")
        text.append(line.title)
        if not line.passed:
            text.append(" – " + _("not passed"), style="bold red")
    if len(results) > limit:
        text.append("\n" + _("… and {n} more").format(n=len(results) - limit), style="italic")
    return text


class StudentCenterScreen(UsisScreen):
    PAGE = "Student Center"
    # Focus the first link at once: focusing the page first and moving on restyles it twice.
    AUTO_FOCUS = "#link-enrol"
    BINDINGS = [
        Binding("e", "app.navigate('Enrol')", N_("Enrol"), id="student_center.navigate-enrol"),
        Binding("c", "app.navigate('Shopping cart')", N_("Shopping cart"),
                id="student_center.navigate-shopping-cart"),
        Binding("s", "app.navigate('My Class Schedule')", N_("My Class Schedule"),
                id="student_center.navigate-my-class-schedule"),
        Binding("m", "app.navigate('Message centre')", N_("Messages"),
                id="student_center.navigate-message-centre"),
        Binding("x", "confirm_exams", N_("Exams"),
                tooltip=N_("Confirm your provisional exam enrolments (binding)"),
                id="student_center.confirm-exams"),
        Binding("a", "app.navigate('Schedule assistant')", N_("Assistant"),
                tooltip=N_("Schedule assistant: every timetable without clashes for your "
                           "courses"), id="student_center.navigate-schedule-assistant"),
        Binding("r", "refresh", N_("Refresh"), show=False, id="student_center.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: CenterData | None = None

    def compose_body(self) -> ComposeResult:
        identity = self.usis_app.student_identity
        with VerticalScroll(id="page"):
            with Horizontal(id="center-heading"):
                yield Label(_("Student Center"), classes="page-title")
                if identity is not None:
                    yield Static(f"{identity.name} · {identity.programme or ''}",
                                 id="center-who", markup=False)
            yield ProblemList(id="center-problems")
            yield Static("", id="hold-alert", classes="note")
            with Horizontal(id="center-columns"):
                with Vertical(id="center-main"):
                    with Grid(id="center-blocks"):
                        with Vertical(id="block-search", classes="block") as b:
                            b.border_title = _("Search")
                            yield MenuLink("Class Search", id="link-class-search")
                            yield Static(_("Enrol by searching the course"), classes="muted")
                        with Vertical(id="block-plan", classes="block") as b:
                            b.border_title = _("Plan")
                            yield MenuLink("Shopping cart", id="link-shopping-cart")
                            yield Static("", id="plan-summary", classes="muted")
                            yield MenuLink("Schedule assistant", id="link-schedule-assistant",
                                           note=_("Every timetable without clashes for your "
                                                  "courses (a)"))
                            yield MenuLink("Minors", id="link-minors",
                                           note=_("Apply for a minor, change or cancel it"))
                        with Vertical(id="block-enrol", classes="block") as b:
                            b.border_title = _("Enrol")
                            yield MenuLink("Enrol", id="link-enrol")
                            yield MenuLink("Drop", id="link-drop")
                            yield MenuLink("Swap", id="link-swap")
                            yield MenuLink("My Class Schedule", id="link-my-class-schedule")
                        with Vertical(id="block-academics", classes="block") as b:
                            b.border_title = _("My Academics")
                            yield Static(_("Loading…"), id="results")
                            yield MenuLink("Study results", id="link-study-results")
                            yield MenuLink("Academic requirements",
                                           id="link-academic-requirements")
                            yield MenuLink("Courses still needed",
                                           id="link-courses-still-needed",
                                           note=_("Which courses do I still need to follow?"))
                            yield MenuLink("My courses in Brightspace", id="link-brightspace")
                            yield MenuLink("Petitions", id="link-petitions")
                    with Vertical(id="block-week", classes="block") as b:
                        b.border_title = _("This week's classes")
                        yield WeekList(_("Loading…"), id="week")
                        yield MenuLink("Timetable", id="link-timetable")
                with Vertical(id="center-side"):
                    with Vertical(id="block-holds", classes="block side") as b:
                        b.border_title = _("Holds")
                        yield Static(_("Loading…"), id="holds")
                    with Vertical(id="block-todo", classes="block side") as b:
                        b.border_title = _("To Do List")
                        yield Static(_("Loading…"), id="todo")
                        yield MenuLink(N_("Confirm exam enrolments"), "", id="link-confirm-exams",
                                       note=_("Confirm your provisional exam enrolments (x)"))
                    with Vertical(id="block-dates", classes="block side") as b:
                        b.border_title = _("Enrolment Dates")
                        yield Static(_("Loading…"), id="dates")
                    with Vertical(id="block-messages", classes="block side") as b:
                        b.border_title = _("Messages")
                        yield MenuLink("Message centre", id="link-messages")
                        yield Static(_("Loading…"), id="unread", classes="muted")

    def on_mount(self) -> None:
        monday = week_start(self.usis_app.now())
        self.query_one("#block-week").border_subtitle = literal(
            _("Week of {date}").format(date=format_date(monday)))

    def on_resize(self, event: Resize) -> None:
        narrow = event.size.width < NARROW
        self.set_class(narrow, "-narrow")
        # Narrow (80 columns): what a student decides on — holds, the To Do List, the
        # enrolment dates — comes first, the blocks of links under it (their keys are in the
        # Footer); wide: the sidebar on the right.
        columns = self.query_one("#center-columns")
        side, main = self.query_one("#center-side"), self.query_one("#center-main")
        if narrow and columns.children[0] is main:
            columns.move_child(side, before=main)
        elif not narrow and columns.children[0] is side:
            columns.move_child(side, after=main)

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
            results=usis.academics.results(student).lines,
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
            ngettext("{n} class in your cart", "{n} classes in your cart", n_cart).format(
                n=n_cart) if n_cart
            else _("Plan ahead: fill your cart before enrolment opens"))
        self.query_one("#results", Static).update(results_renderable(data.results))
        count = self.query_one("#week", WeekList).show(data.schedule, week_start(now), now.date())
        self.query_one("#block-week").border_subtitle = literal(
            _("Week of {date}").format(date=format_date(week_start(now))) + " · "
            + ngettext("{n} meeting", "{n} meetings", count).format(n=count))
        self.query_one("#holds", Static).update(holds_text(data.holds))
        blocking = [h.kind for h in data.holds if h.blocks_enrolment]
        alert = self.query_one("#hold-alert", Static)
        alert.display = bool(blocking)
        alert.update(_("You have a hold that blocks enrolment: {holds}. See Holds for what to "
                       "do.").format(holds=", ".join(blocking)))
        self.query_one("#block-holds").set_class(any(h.blocks_enrolment for h in data.holds),
                                                  "-alert")
        self.query_one("#todo", Static).update(todo_text(data, now))
        confirm = self.query_one("#link-confirm-exams", MenuLink)
        confirm.display = bool(data.exams)
        confirm.update("› " + _("Confirm exam enrolments ({n})").format(n=len(data.exams)))
        self.query_one("#dates", Static).update(dates_text(data.dates))
        self.query_one("#block-dates").border_subtitle = literal(data.year)
        unread = Text()
        if data.unread:
            unread.append(ngettext("{n} unread message", "{n} unread messages",
                                   data.unread).format(n=data.unread), style="bold")
        else:
            unread.append(_("No unread messages"))
        self.query_one("#unread", Static).update(unread)
        link = self.query_one("#link-messages", MenuLink)
        name = _("Message centre")
        link.update(f"› {name} ({data.unread})" if data.unread else f"› {name}")

    @on(MenuLink.Selected, "#link-confirm-exams")
    def _confirm_link(self, event: MenuLink.Selected) -> None:
        event.stop()
        self.action_confirm_exams()

    def action_confirm_exams(self) -> None:
        exams = self.data.exams if self.data is not None else []
        if not exams:
            self.notify(_("You have no provisional exam enrolments to confirm."), timeout=4)
            return
        self.app.push_screen(ExamConfirmScreen(exams), lambda _changed: self.load())


def assemble(message: str, parts: dict[str, str | tuple[str, str]]) -> Text:
    """A translated message whose ``{name}`` fields become ``parts`` (plain, or text and a
    style): the whole sentence is translated, the styled parts keep their style."""
    import re

    text = Text()
    for piece in re.split(r"(\{\w+\})", message):
        name = piece[1:-1] if piece.startswith("{") and piece.endswith("}") else None
        if name is not None and name in parts:
            part = parts[name]
            if isinstance(part, tuple):
                text.append(part[0], style=part[1])
            else:
                text.append(part)
        elif piece:
            text.append(piece)
    return text


def exam_row(e: ExamConfirmationInfo, today) -> tuple:
    status = Text("✓ " + _("Confirmed"), style="bold green") if not e.provisional else Text(
        _("Provisional"), style=f"bold {WARN}")
    day = format_date(e.exam_day, weekday=True, year=False)
    # the short name: the column is 5 wide ("Exam" / "Tent")
    return (e.class_number, e.title, component_short(e.component),
            f"{day} {format_time(e.start)}", deadline_text(e, today), status)


class ExamConfirmScreen(ModalScreen[bool]):
    """ "Confirm exam enrolments": each provisional exam enrolment with its deadline. Enter asks,
    Enter again confirms (binding); Escape closes. Dismisses with whether anything changed."""

    CSS_PATH = "../styles/minors.tcss"
    BINDINGS = [
        Binding("enter", "confirm", N_("Confirm (binding)"), priority=True,
                tooltip=N_("Confirm the selected exam enrolment; press Enter twice"),
                id="student_center.confirm"),
        Binding("escape", "close", N_("Close"), tooltip=N_("Back to the Student Center"),
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
            yield Label(_("Confirm exam enrolments"), classes="dialog-title")
            yield Static(_("Your enrolment for an exam or resit is provisional until you confirm "
                           "it. Confirming is binding. Enrolments that are not confirmed 10 days "
                           "before the exam (23:59) are removed."), classes="hint")
            yield ProblemList(id="exam-confirm-problems")
            table: DataTable = DataTable(id="exam-confirm-list", cursor_type="row")
            # Translators: "class" is a 5-wide column of class numbers ("Nr.")
            columns = ((pgettext("column", "Class"), "class", 5), (_("Course"), "title", 22),
                       (_("Type"), "type", 5), (_("Exam"), "day", 16),
                       (_("Confirm by"), "deadline", deadline_width()), (_("Status"), "status", 11))
            for label, key, width in columns:
                table.add_column(label, key=key, width=width)
            today = self.app.now().date()  # type: ignore[attr-defined]
            for e in self.exams:
                table.add_row(*exam_row(e, today), key=str(e.enrolment_id))
            yield table
            yield Static(_("Select an exam and press Enter to confirm it."),
                         id="exam-confirm-prompt")
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
            prompt.update(_("Select an exam and press Enter to confirm it."))
        else:
            # Translators: {exam} is "2056 Artificial Intelligence" in bold; {enter} is the
            # bold "Press Enter again to confirm".
            question = _("Confirm your enrolment for {exam} ({component}, {day})? This is "
                         "binding. {enter}, Escape to cancel.")
            prompt.update(assemble(question, {
                "exam": (f"{exam.class_number} {exam.title}", "bold"),
                "component": component_label(exam.component),
                "day": format_date(exam.exam_day),
                "enter": (_("Press Enter again to confirm"), "bold")}))

    def action_confirm(self) -> None:
        exam = self._current()
        if exam is None:
            return
        if not exam.provisional:
            self.notify(_("Class {number} is already confirmed.").format(
                number=exam.class_number), timeout=3)
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
            ("✓ ", "bold green"),
            _("Your enrolment for class {number} is confirmed.").format(
                number=done.class_number)))

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
