"""Petitions (Student Center › My Academics › Petitions): the student's requests to the Board of
Examiners.

``PetitionsScreen()`` shows the list; "Submit request" walks through 1. the type of request,
2. a form whose fields fit the type, 3. a review, 4. the confirmation with the petition number.
Nothing is saved before Submit; every broken rule is shown at once, with its field marked.
``PetitionDetailScreen(petition_id)`` shows all fields, the status timeline and the
"Explanation Board of Examiners", and withdraws an undecided petition (with a reason).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import ContentSwitcher, RadioSet
from textual.widgets.option_list import Option

from .. import i18n
from ..i18n import N_, _, ngettext, pgettext
from ..services import ServiceError
from ..services.petitions import (
    HBO_FORM,
    INSTITUTION_TYPES,
    LEIDEN,
    LEVELS,
    PETITION_TYPES,
    TYPE_HELP,
    CourseFacts,
    PetitionForm,
    PetitionInfo,
    PetitionSummary,
    fmt_date,
    fmt_number,
    form_fields,
    problem_fields,
)
from ..theme import BAD, GOOD, MUTED, SECONDARY, WARN
from ..widgets.literal import (
    Button,
    DataTable,
    Input,
    Label,
    OptionList,
    RadioButton,
    Select,
    Static,
    TextArea,
    literal,
)
from ..widgets.problems import ProblemList
from ..widgets.steps import StepIndicator
from .base import UsisScreen
from .calls import call_service, report, service_worker

if TYPE_CHECKING:
    from ..services import Usis

INDENT = "\u00a0" * 4  # no-break spaces: a wrapped Static keeps them at the start of a line
NARROW = 100  # below this many columns: shorter labels, no hints, denser rows
STATUS_MARKS = {
    "Submitted": ("●", f"bold {SECONDARY}"),
    "In progress": ("◐", f"bold {WARN}"),
    "Approved": ("✓", f"bold {GOOD}"),
    "External courses approved": ("✓", f"bold {GOOD}"),
    "Rejected": ("✗", f"bold {BAD}"),
    "Withdrawn": ("–", MUTED),
}
LEVEL_NAMES = {100: N_("introductory"), 200: N_("introductory"), 300: N_("advanced"),
               400: N_("Master"), 500: N_("Master"), 600: N_("Master")}  # shown with _()
STEPS = (N_("Type of request"), N_("Request details"), N_("Review"), N_("Confirmation"))
TEXT_FIELDS = ("catalogue_number", "course_name", "institution", "ec", "course_start",
               "hbo_form", "documents", "course_url")
NEXT_STEPS = N_("The programme board discusses your petition at its next meeting (status "
                "\"{status}\") and passes its advice to the Board of Examiners, who approves or "
                "rejects it. You get a message in the Message centre at every change.")


SHORT_TYPES = {"Different amount of credits": N_("Different credits")}


def short_type(kind: str) -> str:
    """The type of request in a narrow list (translated)."""
    return _(SHORT_TYPES.get(kind, kind))


def level_text(level: int) -> str:
    """"500 (Master)" / "500 (master)"."""
    return f"{level} ({_(LEVEL_NAMES.get(level, ''))})"


def institution_text(institution: str) -> str:
    """An institution as shown: "Leiden University" is translated, any other is data."""
    return _(LEIDEN) if institution == LEIDEN else institution


def when(value: Any) -> str:
    """A date and time as the petition pages show it: "2 Dec 2026 09:30"."""
    return i18n.format_datetime(value)


def course_width(screen_width: int, fixed: int, columns: int) -> int:
    """What is left for the course column: page padding, scrollbar and cell padding off."""
    return max(12, screen_width - 4 - 2 - fixed - 2 * columns)


def status_text(status: str) -> Text:
    """``✓ Approved`` in green, ``◐ In progress`` in amber…: a mark, not colour only."""
    mark, style = STATUS_MARKS.get(status, ("•", "bold"))
    return Text(f"{mark} {_(status)}", style=style)


def steady(screen: Widget) -> None:
    """No blinking cursors under tests and snapshots (headless)."""
    if screen.app.is_headless:
        for field in screen.query(Input):
            field.cursor_blink = False
        for area in screen.query(TextArea):
            area.cursor_blink = False


def facts_table(rows: Sequence[tuple[str, str | Text]], label_width: int = 26) -> Table:
    table = Table.grid(padding=(0, 2), expand=True)
    table.add_column(style="bold", no_wrap=True, width=label_width)
    table.add_column(ratio=1, overflow="fold")
    for label, value in rows:
        table.add_row(label, value)
    return table


def request_rows(p: PetitionInfo) -> list[tuple[str, str | Text]]:
    """Every field of the request, as uSis labels them."""
    rows: list[tuple[str, str | Text]] = [
        (_("Petition number"), p.number),
        (_("Type of request"), _(p.petition_type)),
        (_("Status"), status_text(p.status)),
        (_("Student"), f"{p.student_name} ({p.student_number}), {p.programme}"),
        (_("Course"), p.course or "–"),
    ]
    if p.institution:
        kind = f" ({_(INSTITUTION_TYPES[p.institution_type])})" if p.institution_type else ""
        rows.append((_("Institution"), institution_text(p.institution) + kind))
    if p.level is not None:
        rows.append((_("Level"), level_text(p.level)))
    if p.ec is not None:
        ec = fmt_number(p.ec)
        if p.ec_entered is not None and p.ec_entered != p.ec:
            ec = _("{ec} (requested {entered} EC: half credits are rounded down)").format(
                ec=ec, entered=fmt_number(p.ec_entered))
        rows.append((_("EC") if p.petition_type != "Different amount of credits" else
                     _("EC requested"), ec))
    if p.course_start:
        rows.append((_("Course start date"), fmt_date(p.course_start)))
    if p.course_url:
        rows.append((_("Link to the course website"), p.course_url))
    rows.append((_("Submitted"), when(p.submitted_at)))
    if p.withdraw_reason:
        rows.append((_("Reason for withdrawal"), p.withdraw_reason))
    return rows


def documents_text(p: PetitionInfo) -> Text:
    if not p.documents:
        return Text(_("No documents added."), style="italic")
    text = Text()
    for i, d in enumerate(p.documents):
        if i:
            text.append("\n")
        text.append("▪ ")
        text.append(f"{_(d.kind)}: ", style="bold")
        text.append(d.path)
    return text


def timeline_text(p: PetitionInfo) -> Text:
    """One line per step, oldest first: date, status after it, what happened, and the note."""
    text = Text()
    for i, e in enumerate(p.events):
        if i:
            text.append("\n")
        mark, style = STATUS_MARKS.get(e.status, ("•", "bold"))
        text.append(f"{mark} ", style=style)
        text.append(f"{when(e.at)}  ")
        text.append(f"{_(e.status):<12}", style=style)
        text.append(f"  {_(e.title)}", style="bold")
        if e.note:
            text.append(f"\n{INDENT}{e.note}", style="italic")
    if p.next_step == "Advice":
        text.append("\n○ " + _("Next: the programme board discusses the petition."),
                    style="dim")
    elif p.next_step == "Decision":
        text.append("\n○ " + _("Next: the Board of Examiners approves or rejects it."),
                    style="dim")
    elif p.next_step == "Grade":
        final = ("External courses approved" if p.petition_type == "External education"
                 else "Approved")
        text.append("\n○ " + _("Next: the grade is registered after the certified transcript "
                                "arrives; then the status becomes \"{status}\".").format(
                                    status=_(final)), style="dim")
    return text


def board_text(p: PetitionInfo) -> Text:
    """The "Explanation Board of Examiners" and, once registered, the grade."""
    if not p.board_explanation:
        return Text(_("The Board of Examiners has not decided yet."), style="italic")
    text = Text(p.board_explanation)
    if p.decided_at is not None:
        text.append("\n" + _("Decided on {date}.").format(date=fmt_date(p.decided_at)),
                    style="italic")
    if p.grade is not None:
        text.append("\n")
        text.append(_("Grade") + " ", style="bold")
        text.append(fmt_number(p.grade))
        if p.grade_entered is not None and p.grade_entered != p.grade:
            text.append(" " + _("({grade} on the transcript)").format(
                grade=fmt_number(p.grade_entered)), style="italic")
    if p.decision == "approved" and p.petition_type in ("Elective course", "External education"):
        text.append("\n" + _("Approval does not enrol you: enrol for the course and the exam in "
                             "uSis yourself."), style="italic")
    return text


class PetitionDetail(Vertical):
    """All fields of a petition, its status timeline and the Board's explanation."""

    DEFAULT_CSS = "PetitionDetail { height: auto; }"

    def compose(self) -> ComposeResult:
        with Horizontal(id="detail-head"):
            yield Static("", id="detail-title")
            yield Static("", id="detail-status")
        yield Static("", id="detail-request", classes="block")
        yield Static("", id="detail-board", classes="block explanation")
        yield Static("", id="detail-motivation", classes="block")
        yield Static("", id="detail-documents", classes="block")
        yield Static("", id="detail-timeline", classes="block")

    def on_mount(self) -> None:
        titles = {"detail-request": _("Request"), "detail-motivation": _("Explanation student"),
                  "detail-documents": _("Added documents"), "detail-timeline": _("Status"),
                  "detail-board": _("Explanation Board of Examiners")}
        for widget_id, title in titles.items():
            self.query_one(f"#{widget_id}").border_title = literal(title)

    def show(self, p: PetitionInfo) -> None:
        self.query_one("#detail-title", Static).update(
            _("Petition {number} · {kind}").format(number=p.number, kind=_(p.petition_type)))
        self.query_one("#detail-status", Static).update(status_text(p.status))
        self.query_one("#detail-request", Static).update(facts_table(request_rows(p)))
        self.query_one("#detail-motivation", Static).update(Text(p.motivation))
        self.query_one("#detail-documents", Static).update(documents_text(p))
        self.query_one("#detail-timeline", Static).update(timeline_text(p))
        board = self.query_one("#detail-board", Static)
        board.update(board_text(p))
        board.set_class(p.decision == "rejected", "-alert")


def field_row(name: str, label: str, widget: Widget, hint: str = "") -> Horizontal:
    children: list[Widget] = [Label(label, classes="field-label", id=f"label-{name}"), widget]
    if hint:
        children.append(Static(hint, classes="field-hint", markup=False))
    return Horizontal(*children, classes="field-row", id=f"row-{name}")


def type_prompt(kind: str) -> Text:
    text = Text(_(kind), style="bold")
    text.append(f"\n{_(TYPE_HELP[kind])}", style="")
    return text


class PetitionPage(UsisScreen):
    """Shared by the petition screens: stylesheet, narrow layout, steady cursors."""

    CSS_PATH = "../styles/petitions.tcss"
    DEFAULT_CLASSES = "petition-page"

    @property
    def usis(self) -> Usis:
        return self.usis_app.usis

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")


# ---------------------------------------------------------------------------- the list + wizard
class PetitionsScreen(PetitionPage):
    """The student's petitions and the "Submit request" steps."""

    PAGE = "Petitions"
    BINDINGS: ClassVar = [
        Binding("n", "submit_request", N_("Submit request"), id="petitions.submit-request"),
        Binding("v", "view", N_("View petition"), id="petitions.view"),
        Binding("f5", "reload", N_("Refresh"), show=False, id="petitions.reload-2"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rows: list[PetitionSummary] = []
        self.kind: str | None = None
        self.form: PetitionForm | None = None
        self.submitted: PetitionInfo | None = None
        self.facts: CourseFacts | None = None

    # ------------------------------------------------------------------ layout
    def compose_body(self) -> ComposeResult:
        with Vertical(id="page"):
            yield Label(_("Petitions"), classes="page-title", id="page-heading")
            yield StepIndicator([_(step) for step in STEPS], separator=" › ", no_wrap=True,
                                id="step-indicator")
            if self.usis_app.student_number is None:
                yield Static(_("Log in with your student number to see your petitions."),
                             classes="intro")
                return
            with ContentSwitcher(initial="list", id="views"):
                with Vertical(id="list"):
                    yield Static(_("Ask the Board of Examiners for permission: an elective "
                                   "course, an exemption, a different amount of credits or "
                                   "external education. Petition on time: before the course "
                                   "starts."), classes="intro")
                    yield Static("", id="list-count")
                    yield DataTable(id="petition-table", cursor_type="row", zebra_stripes=True)
                    with Horizontal(classes="button-row"):
                        yield Button(_("Submit request"), id="submit-request", variant="primary",
                                     compact=True)
                        yield Button(_("View petition"), id="view-petition", compact=True)
                with Vertical(id="type"):
                    yield Static(_("What do you want to ask the Board of Examiners?"),
                                 classes="intro")
                    yield OptionList(*[Option(type_prompt(k), id=k) for k in PETITION_TYPES],
                                     id="type-list")
                    with Horizontal(classes="button-row"):
                        yield Button(_("Cancel"), id="type-cancel", compact=True)
                with VerticalScroll(id="form"):
                    yield Static("", id="form-type")
                    yield ProblemList(id="form-problems")
                    yield from self.compose_fields()
                    with Horizontal(classes="button-row"):
                        yield Button(_("Previous"), id="form-previous", compact=True)
                        yield Button(_("Review"), id="form-review", variant="primary",
                                     compact=True)
                with VerticalScroll(id="review"):
                    yield Static(_("Check your request, then select Submit. Nothing has been "
                                   "sent yet."), classes="intro")
                    yield Static("", id="review-table", classes="block")
                    yield Static("", id="review-notes", classes="note")
                    yield ProblemList(id="review-problems")
                    with Horizontal(classes="button-row"):
                        yield Button(_("Previous"), id="review-previous", compact=True)
                        yield Button(_("Submit"), id="review-submit", variant="success",
                                     compact=True)
                with VerticalScroll(id="done"):
                    yield Static(_("Your petition has been submitted."),
                                 classes="section-title")
                    yield Static("", id="done-number")
                    yield Static("", id="done-summary")
                    yield Static("", id="done-notes", classes="note")
                    with Horizontal(classes="button-row"):
                        yield Button(_("View petition"), id="done-view", variant="primary",
                                     compact=True)
                        yield Button(_("Back to Petitions"), id="done-list", compact=True)

    def compose_fields(self) -> ComposeResult:
        yield field_row("source", _("Course offered by"), RadioSet(
            RadioButton(_("Leiden University (our catalogue)"), value=True, id="src-leiden"),
            RadioButton(_("Another institution"), id="src-external"), id="f-source"))
        yield field_row("catalogue_number", _("Catalogue number"),
                        Input(placeholder=_("e.g. 4413DVISY"), id="f-catalogue_number",
                              classes="short", max_length=12, compact=True),
                        _("Enter: look the course up"))
        yield Static("", id="course-facts")
        yield field_row("course_name", _("Course name"),
                        Input(placeholder=_("Name of the course"), id="f-course_name",
                              compact=True))
        yield field_row("institution", _("Institution"),
                        Input(placeholder=_("e.g. Delft University of Technology"),
                              id="f-institution", compact=True))
        yield field_row("institution_type", _("Institution type"), RadioSet(
            *[RadioButton(_(label), id=f"it-{key}") for key, label in INSTITUTION_TYPES.items()],
            id="f-institution_type"))
        yield field_row("level", _("Level"), Select(
            [(level_text(level), str(level)) for level in LEVELS],
            prompt=_("Choose"), id="f-level", compact=True),
            _("Electives are at Master level (400+)"))
        yield field_row("ec", _("EC"), Input(placeholder=_("e.g. 6"), id="f-ec",
                                             classes="short", compact=True),
                        _("Half credits are rounded down: 7.5 EC counts as 7 EC"))
        yield field_row("course_start", _("Course start date"),
                        Input(placeholder=_("DD-MM-YYYY"), id="f-course_start",
                              classes="short", compact=True),
                        _("Petition before the course starts"))
        yield field_row("motivation", _("Explanation student"),
                        TextArea(id="f-motivation", compact=True,
                                 placeholder=_("Why this course, and how it prepares you for "
                                               "your graduation project")))
        yield field_row("hbo_form", _(HBO_FORM),
                        Input(placeholder=_("file path of the form signed by the lecturer"),
                              id="f-hbo_form", compact=True))
        yield field_row("documents", _("Added documents"),
                        Input(placeholder=_("file paths, separated by ;"), id="f-documents",
                              compact=True))
        yield field_row("course_url", _("Link to the course website"),
                        Input(placeholder="https://…", id="f-course_url", compact=True))

    def on_mount(self) -> None:
        self.query_one(StepIndicator).display = False
        steady(self)
        if self.usis_app.student_number is None:
            return
        self.query_one("#petition-table", DataTable).focus()
        # The list loads on ScreenResume, which also comes when the screen is first shown.

    # ------------------------------------------------------------------ the list
    def _fill_table(self) -> None:
        table = self.query_one("#petition-table", DataTable)
        row = table.cursor_row
        narrow = self.size.width < 100
        types = [short_type(p.petition_type) if narrow else _(p.petition_type)
                 for p in self.rows]
        dates = [fmt_date(p.submitted_at) for p in self.rows]
        type_w = max([4] + [len(t) for t in types])
        status_w = max([6] + [len(_(p.status)) + 2 for p in self.rows])
        date_w = max([11] + [len(d) for d in dates])
        fixed = 8 + type_w + date_w + status_w
        table.clear(columns=True)
        table.add_column(pgettext("column", "Petition"), key="number", width=8)
        table.add_column(_("Type"), key="type", width=type_w)
        table.add_column(_("Course"), key="course",
                         width=course_width(self.size.width, fixed, 5))
        table.add_column(_("Submitted"), key="submitted", width=date_w)
        table.add_column(_("Status"), key="status", width=status_w)
        for p, kind, submitted in zip(self.rows, types, dates, strict=True):
            table.add_row(p.number, kind, p.course, submitted, status_text(p.status),
                          key=str(p.id))
        if self.rows:
            table.move_cursor(row=min(max(row, 0), len(self.rows) - 1))
        n = len(self.rows)
        self.query_one("#list-count", Static).update(
            _("You have no petitions yet. Select Submit request to ask the Board of Examiners.")
            if not n else ngettext("{n} petition, newest first. Select one and press Enter to "
                                   "see it.",
                                   "{n} petitions, newest first. Select one and press Enter to "
                                   "see it.", n).format(n=n))

    def on_resize(self, event: Resize) -> None:
        # PetitionPage.on_resize runs as well (Textual calls the handler of every class).
        if self.rows:
            self._fill_table()

    @service_worker(exclusive=True, group="petitions")
    async def load(self) -> None:
        student = self.usis_app.student_number
        if student is None:
            return
        table = self.query_one("#petition-table", DataTable)
        try:
            self.rows = await self.call(self.usis.petitions.petitions, student, loading=table)
        except ServiceError as exc:
            report(self, exc, title=_("Petitions"))
            return
        self._fill_table()

    def action_reload(self) -> None:
        self.load()

    def _current(self) -> PetitionSummary | None:
        table = self.query_one("#petition-table", DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    @on(DataTable.RowSelected, "#petition-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_view()

    @on(Button.Pressed, "#view-petition")
    def action_view(self) -> None:
        current = self._current()
        if current is not None and self.view == "list":
            self.app.push_screen(PetitionDetailScreen(current.id))

    def on_screen_resume(self) -> None:
        """Also sent when the screen is first shown, and when a petition's detail closes."""
        if self.usis_app.student_number is not None and self.view == "list":
            self.load()

    # ------------------------------------------------------------------ wizard navigation
    @property
    def view(self) -> str:
        try:
            return self.query_one("#views", ContentSwitcher).current or "list"
        except Exception:
            return "list"

    def show_view(self, name: str) -> None:
        self.query_one("#views", ContentSwitcher).current = name
        indicator = self.query_one(StepIndicator)
        indicator.display = name != "list"
        indicator.step = {"type": 1, "form": 2, "review": 3, "done": 4}.get(name, 1)
        self.query_one("#page-heading", Label).update(
            _("Petitions") if name == "list" else _("Submit request"))
        focus = {"list": "#petition-table", "type": "#type-list", "review": "#review-submit",
                 "done": "#done-view"}.get(name)
        if focus:
            self.query_one(focus).focus()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("submit_request", "view"):
            return self.usis_app.student_number is not None and self.view == "list"
        return True

    def action_back(self) -> None:
        previous = {"type": "list", "form": "type", "review": "form", "done": "list"}
        view = self.view
        if view in previous:
            self.show_view(previous[view])
            if view == "done":
                self.load()
        else:
            super().action_back()

    @on(Button.Pressed, "#submit-request")
    def action_submit_request(self) -> None:
        if self.usis_app.student_number is None:
            return
        self.query_one("#type-list", OptionList).highlighted = 0
        self.show_view("type")

    @on(Button.Pressed, "#type-cancel")
    def _cancel_type(self) -> None:
        self.show_view("list")

    @on(OptionList.OptionSelected, "#type-list")
    def _type_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.start_form(str(event.option.id))

    def start_form(self, kind: str) -> None:
        """Open the form for this type, empty if the type changed."""
        if kind != self.kind:
            self.reset_form()
        self.kind = kind
        self.query_one("#form-type", Static).update(Text.assemble(
            (_("Type of request") + ": ", "bold"), _(kind),
            ("\n" + _(TYPE_HELP[kind]), "italic")))
        self.query_one("#label-institution", Label).update(
            _("Institution (earlier education)") if kind == "Exemption" else _("Institution"))
        self.query_one("#label-ec", Label).update(
            _("EC requested") if kind == "Different amount of credits" else _("EC"))
        self.query_one("#label-catalogue_number", Label).update(
            _("Course (catalogue number)")
            if kind in ("Exemption", "Different amount of credits") else _("Catalogue number"))
        self.update_fields()
        self.show_view("form")
        first = next((w for w in self.query("#form Input, #form RadioSet")
                      if w.parent is not None and w.parent.display), None)
        if first is not None:
            first.focus()
        self.query_one("#form", VerticalScroll).scroll_home(animate=False)

    def reset_form(self) -> None:
        for name in TEXT_FIELDS:
            self.query_one(f"#f-{name}", Input).value = ""
        self.query_one("#f-motivation", TextArea).text = ""
        self.query_one("#f-level", Select).clear()
        self.query_one("#src-leiden", RadioButton).value = True
        for button in self.query("#f-institution_type RadioButton").results(RadioButton):
            button.value = False
        self.facts = None
        facts = self.query_one("#course-facts", Static)
        facts.update("")
        facts.remove_class("-error")
        self.clear_problems()

    def source(self) -> str | None:
        if self.kind != "Elective course":
            return None
        pressed = self.query_one("#f-source", RadioSet).pressed_button
        return "external" if pressed is not None and pressed.id == "src-external" else "leiden"

    def institution_type(self) -> str:
        pressed = self.query_one("#f-institution_type", RadioSet).pressed_button
        return (pressed.id or "")[3:] if pressed is not None else ""

    def update_fields(self) -> None:
        """Show exactly the fields of this type (the HBO form only for an HBO course)."""
        active = set(form_fields(self.kind, self.source()))
        for row in self.query("#form .field-row"):
            name = (row.id or "")[4:]
            shown = name in active
            if name == "hbo_form":
                shown = shown and self.institution_type() == "HBO"
            row.display = shown
        self.query_one("#course-facts").display = "catalogue_number" in active

    @on(RadioSet.Changed, "#f-source, #f-institution_type")
    def _choice_changed(self) -> None:
        self.update_fields()

    @on(Button.Pressed, "#form-previous")
    def _form_previous(self) -> None:
        self.show_view("type")

    # ------------------------------------------------------------------ catalogue lookup
    @on(Input.Submitted, "#f-catalogue_number")
    @on(Input.Blurred, "#f-catalogue_number")
    def _catalogue_number_entered(self) -> None:
        self.look_up()

    @service_worker(exclusive=True, group="lookup")
    async def look_up(self) -> None:
        field = self.query_one("#f-catalogue_number", Input)
        number = field.value.strip().upper()
        box = self.query_one("#course-facts", Static)
        if not number:
            self.facts = None
            box.update("")
            return
        facts = await self.call(self.usis.petitions.course_facts, number)
        self.facts = facts
        if facts is None:
            box.update(_("{number} is not in the course catalogue.").format(number=number))
            box.add_class("-error")
            return
        box.remove_class("-error")
        parts = [facts.label, i18n.format_ec(facts.ec),
                 _("level {level}").format(level=facts.level)]
        if facts.starts_on:
            parts.append(_("next start {date}").format(date=fmt_date(facts.starts_on)))
        if facts.honours:
            parts.append(_("honours course"))
        box.update(" · ".join(parts))
        start = self.query_one("#f-course_start", Input)
        if not start.value.strip() and facts.starts_on:
            start.value = f"{facts.starts_on:%d-%m-%Y}"

    # ------------------------------------------------------------------ review and submit
    def form_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"petition_type": self.kind or ""}
        source = self.source()
        if source:
            data["source"] = source
        active = set(form_fields(self.kind, source))
        for name in TEXT_FIELDS:
            if name in active:
                data[name] = self.query_one(f"#f-{name}", Input).value
        if "hbo_form" in data and self.institution_type() != "HBO":
            data.pop("hbo_form")
        if "institution_type" in active:
            data["institution_type"] = self.institution_type()
        if "level" in active:
            level = self.query_one("#f-level", Select)
            data["level"] = "" if level.is_blank() else str(level.value)
        data["motivation"] = self.query_one("#f-motivation", TextArea).text
        return data

    def clear_problems(self) -> None:
        self.query_one("#form-problems", ProblemList).clear()
        self.query_one("#review-problems", ProblemList).clear()
        for row in self.query("#form .field-row"):
            row.remove_class("-invalid")

    def show_form_problems(self, problems: list) -> None:
        self.query_one("#form-problems", ProblemList).show(problems)
        bad = problem_fields(problems)
        for row in self.query("#form .field-row"):
            row.set_class((row.id or "")[4:] in bad, "-invalid")
        self.query_one("#form", VerticalScroll).scroll_home(animate=False)

    @on(Button.Pressed, "#form-review")
    @service_worker(exclusive=True, group="petition-form")
    async def action_review(self) -> None:
        if self.view != "form":
            return
        student = self.usis_app.student_number
        if student is None:
            return
        self.clear_problems()
        try:
            form = await self.call(self.usis.petitions.preview, student, self.form_data(),
                                   loading=self.query_one("#form"))
        except ServiceError as exc:
            self.show_form_problems(exc.problems)
            return
        self.form = form
        self.query_one("#review-table", Static).update(facts_table(form.rows()))
        self.query_one("#review-table").border_title = literal(_("Your request"))
        notes = self.query_one("#review-notes", Static)
        notes.update("\n".join(f"• {n}" for n in form.notices))
        notes.display = bool(form.notices)
        self.show_view("review")

    @on(Button.Pressed, "#review-previous")
    def _review_previous(self) -> None:
        self.show_view("form")

    @on(Button.Pressed, "#review-submit")
    @service_worker(exclusive=True, group="petition-form", problems="#review-problems")
    async def action_submit(self) -> None:
        student = self.usis_app.student_number
        if student is None or self.view != "review":
            return
        problems = self.query_one("#review-problems", ProblemList)
        problems.clear()
        try:
            p = await self.call(self.usis.petitions.submit, student, self.form_data(),
                                loading=self.query_one("#review"))
        except ServiceError as exc:
            problems.show(exc.problems)
            return
        self.submitted = p
        self.query_one("#done-number", Static).update(
            _("Petition number {number}").format(number=p.number))
        self.query_one("#done-summary", Static).update(facts_table([
            (_("Type of request"), _(p.petition_type)), (_("Course"), p.course or "–"),
            (_("Status"), status_text(p.status)),
            (_("Submitted"), when(p.submitted_at))]))
        form = self.form
        notes = [_(NEXT_STEPS).format(status=_("In progress"))] + [
            n for n in (form.notices if form else []) if form is None or n != form.hbo_notice]
        self.query_one("#done-notes", Static).update("\n".join(f"• {n}" for n in notes))
        self.kind = None  # a next request starts with an empty form
        self.show_view("done")
        self.notify(_("Petition {number} submitted.").format(number=p.number),
                    title=_("Petitions"), timeout=4)

    @on(Button.Pressed, "#done-view")
    def _done_view(self) -> None:
        if self.submitted is not None:
            self.show_view("list")
            self.app.push_screen(PetitionDetailScreen(self.submitted.id))

    @on(Button.Pressed, "#done-list")
    def _done_list(self) -> None:
        self.show_view("list")
        self.load()


# ---------------------------------------------------------------------------- detail
class PetitionDetailScreen(PetitionPage):
    """One petition of the logged-in student; "Withdraw" while the Board has not decided."""

    PAGE = "Petitions"
    BINDINGS: ClassVar = [
        Binding("w", "withdraw", N_("Withdraw"), id="petitions.withdraw"),
        Binding("f5", "reload", N_("Refresh"), show=False, id="petitions.reload"),
    ]

    def __init__(self, petition_id: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.petition_id = petition_id
        self.crumbs = (_("Petition {number}").format(number=f"{petition_id:06d}"),)
        self.petition: PetitionInfo | None = None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="page"):
            yield PetitionDetail(id="detail")
            with Horizontal(classes="button-row"):
                yield Button(_("Withdraw"), id="withdraw", variant="error", compact=True)
                yield Button(_("Back to Petitions"), id="back", compact=True)

    def on_mount(self) -> None:
        self.query_one("#withdraw").display = False
        self.query_one("#back").focus()
        self.load()

    @service_worker(exclusive=True, group="petition")
    async def load(self) -> None:
        student = self.usis_app.student_number
        if student is None:
            return
        try:
            p = await self.call(self.usis.petitions.petition, student, self.petition_id)
        except ServiceError as exc:
            report(self, exc, title=_("Petition"))
            return
        self.petition = p
        self.query_one(PetitionDetail).show(p)
        self.query_one("#withdraw").display = p.can_withdraw
        self.refresh_bindings()

    def action_reload(self) -> None:
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "withdraw":
            return self.petition is not None and self.petition.can_withdraw
        return True

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.app.pop_screen()

    @on(Button.Pressed, "#withdraw")
    def action_withdraw(self) -> None:
        if self.petition is None or not self.petition.can_withdraw:
            return
        self.app.push_screen(WithdrawDialog(self.petition), callback=self._withdrawn)

    def _withdrawn(self, result: PetitionInfo | None) -> None:
        if result is not None:
            self.notify(_("Petition {number} has been withdrawn.").format(number=result.number),
                        title=_("Petitions"), timeout=4)
            self.load()


class WithdrawDialog(ModalScreen[PetitionInfo | None]):
    """Withdraw a petition: a reason is required; confirmed with "Withdraw petition"."""

    CSS_PATH = "../styles/petitions.tcss"
    BINDINGS: ClassVar = [Binding("escape", "cancel", N_("Cancel"), id="petitions.cancel")]

    def __init__(self, petition: PetitionInfo) -> None:
        super().__init__()
        self.petition = petition

    def compose(self) -> ComposeResult:
        p = self.petition
        with Vertical(id="withdraw-box"):
            yield Static(_("Withdraw petition {number}").format(number=p.number),
                         classes="section-title")
            yield Static(_("{kind}: {course}. The Board of Examiners will not handle it any "
                           "more; this cannot be undone.").format(kind=_(p.petition_type),
                                                                  course=p.course),
                         classes="hint")
            yield Label(_("Reason"))
            yield Input(placeholder=_("Why do you withdraw the petition?"),
                        id="withdraw-reason")
            yield ProblemList(id="withdraw-problems")
            with Horizontal(classes="button-row"):
                yield Button(_("Withdraw petition"), id="withdraw-confirm", variant="error",
                             compact=True)
                yield Button(_("Cancel"), id="withdraw-cancel", compact=True)

    def on_mount(self) -> None:
        field = self.query_one(Input)
        if self.app.is_headless:
            field.cursor_blink = False
        field.focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#withdraw-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#withdraw-reason")
    @on(Button.Pressed, "#withdraw-confirm")
    @service_worker(exclusive=True, group="withdraw", problems="#withdraw-problems")
    async def _confirm(self) -> None:
        app = self.app
        student = getattr(app, "student_number", None)
        if student is None:
            return
        reason = self.query_one(Input).value
        problems = self.query_one(ProblemList)
        try:
            result = await call_service(
                self, app.usis.petitions.withdraw,  # type: ignore[attr-defined]
                student, self.petition.id, reason)
        except ServiceError as exc:
            problems.show(exc.problems)
            return
        self.dismiss(result)
