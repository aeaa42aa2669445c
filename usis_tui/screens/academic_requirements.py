"""Academic requirements: the programme's requirement groups, each Satisfied / Not satisfied
with EC required, earned, in progress (enrolled), planned (cart or wait list) and still needed,
and each course as done (with its grade), in progress, planned or missing. A first-year
bachelor student sees the binding study advice (BSA) above it. ``w`` runs the same report
against another programme (what-if), which changes nothing; ``w`` again (or Escape in the
list) returns to the own programme."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets.option_list import Option

from ..i18n import N_, _, format_date, format_ec, format_number
from ..services.academics import (
    BsaReport,
    GroupReport,
    ProgrammeInfo,
    RequirementLine,
    RequirementsReport,
    group_title,
)
from ..theme import WARN
from ..widgets.footer import UsisFooter
from ..widgets.literal import DataTable, Label, OptionList, Static
from ..widgets.problems import ProblemList
from .academics_common import (
    STATE_LABELS,
    Column,
    ec,
    fit_columns,
    satisfied_text,
    state_text,
)
from .base import UsisScreen
from .calls import service_worker

DEGREES = {"bachelor": N_("bachelor"), "master": N_("master")}


def bsa_text(bsa: BsaReport) -> Text:
    text = Text()
    text.append(_("BSA {year}").format(year=bsa.academic_year) + ": ", style="bold")
    text.append(_("at least {norm} of the {total} EC of your first year by {deadline}.").format(
        norm=format_number(bsa.norm), total=format_number(bsa.first_year_ec),
        deadline=format_date(bsa.deadline)))
    text.append("\n")
    text.append(_("Earned {earned} · in progress {progress}").format(
        earned=ec(bsa.earned), progress=ec(bsa.in_progress)) + " · ", style="bold")
    to_go = format_number(bsa.norm - bsa.earned)
    if bsa.met:
        text.append("✓ " + _("Norm reached"), style="bold green")
    elif bsa.reachable:
        text.append("◐ " + _("{n} EC to go, within reach").format(n=to_go),
                    style=f"bold {WARN}")
    else:
        text.append("✗ " + _("{n} EC to go: talk to your study adviser").format(n=to_go),
                    style="bold red")
    missing = [c for c in bsa.missing if c.state != "in_progress"]
    if missing:
        text.append("\n" + _("Missing: {courses}").format(
            courses=", ".join(c.catalogue_number for c in missing)), style="bold red")
    return text


def group_row(group: GroupReport) -> tuple:
    title = Text(group_title(group.title), style="bold")
    return (title, ec(group.required), ec(group.earned), ec(group.in_progress),
            ec(group.planned), ec(group.needed), satisfied_text(group.satisfied))


class WhatIfScreen(ModalScreen[str | None]):
    """The programmes to run the what-if report against; dismisses with a code or None."""

    CSS_PATH = "../styles/academics.tcss"
    BINDINGS = [Binding("escape", "close", N_("Cancel"), id="academic_requirements.cancel")]

    def __init__(self, programmes: list[ProgrammeInfo], own: str) -> None:
        super().__init__()
        self.programmes = programmes
        self.own = own

    def compose(self) -> ComposeResult:
        with Vertical(id="whatif-box"):
            yield Label(_("What-if report"), classes="dialog-title")
            yield Static(_("See your results against the requirements of another programme. "
                           "Nothing is changed."), classes="hint")
            yield OptionList(*[
                Option(Text(f"{p.name} ({_(DEGREES.get(p.degree, p.degree))}, "
                            f"{format_ec(p.total)})"), id=p.code)
                for p in self.programmes], id="whatif-list")
        yield UsisFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)


class AcademicRequirementsScreen(UsisScreen):
    PAGE = "Academic requirements"
    CSS_PATH = "../styles/academics.tcss"
    BINDINGS = [
        Binding("w", "what_if", N_("What-if"),
                tooltip=N_("The same report against another programme; nothing is changed"),
                id="academic_requirements.what-if"),
        Binding("n", "app.navigate('Courses still needed')", N_("Still needed"),
                tooltip=N_("Which courses do I still need to follow?"),
                id="academic_requirements.navigate-courses-still-needed"),
        Binding("g", "app.navigate('Study results')", N_("Study results"),
                id="academic_requirements.navigate-study-results"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.programme: str | None = None  # a what-if programme code
        self.report: RequirementsReport | None = None

    def compose_body(self) -> ComposeResult:
        with Vertical(id="page"):
            yield Label(_("Academic requirements"), classes="page-title")
            yield Static("", id="requirements-whatif", classes="-hidden")
            yield Static(_("Loading…"), id="requirements-summary", classes="academics-summary")
            bsa = Static("", id="requirements-bsa", classes="-hidden")
            bsa.tooltip = _("Binding study advice (BSA): in your first year you need at least "
                            "45 of its 60 EC to continue the programme.")
            yield bsa
            yield ProblemList(id="requirements-problems")
            yield DataTable(id="requirements-list", cursor_type="row",
                            classes="academics-table")
            yield Static("", id="requirements-detail", classes="academics-detail")

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    def on_resize(self) -> None:
        if self.report is not None:
            self.show(self.report)

    @property
    def narrow(self) -> bool:
        """Below 100 columns "In progress" and "Planned" move to the line under the table."""
        return self.size.width < 100

    @service_worker(exclusive=True, group="requirements", problems="#requirements-problems")
    async def load(self) -> None:
        student = self.usis_app.student_number
        if student is None:
            return
        table = self.query_one(DataTable)
        report = await self.fetch(self.usis_app.usis.academics.requirements, student,
                                     self.programme, loading=table)
        if report is None:
            return
        self.show(report)

    def show(self, report: RequirementsReport) -> None:
        self.report = report
        whatif = self.query_one("#requirements-whatif", Static)
        whatif.set_class(not report.what_if, "-hidden")
        if report.what_if:
            whatif.update(_("What-if: the requirements of {programme}. Nothing is changed; "
                            "press w to return to your own programme.").format(
                programme=report.programme.name))
        summary = Text()
        summary.append(f"{report.programme.name} ({_(DEGREES.get(report.programme.degree, ''))}"
                       f", {format_ec(report.required)})  ", style="bold")
        summary.append_text(satisfied_text(report.satisfied))
        summary.append("\n" + _("Earned {earned} · in progress {progress} · planned {planned} · "
                                "still needed {needed}").format(
            earned=ec(report.earned), progress=ec(report.in_progress),
            planned=ec(report.planned), needed=ec(report.needed)))
        self.query_one("#requirements-summary", Static).update(summary)
        bsa = self.query_one("#requirements-bsa", Static)
        bsa.set_class(report.bsa is None, "-hidden")
        if report.bsa is not None:
            bsa.update(bsa_text(report.bsa))
        table = self.query_one(DataTable)
        row = table.cursor_row
        columns: list[Column] = [(_("Requirement"), "title", None),
                                 (_("Required"), "required", 8), (_("Earned"), "earned", 7)]
        if not self.narrow:
            columns += [(_("In progress"), "progress", 11), (_("Planned"), "planned", 7)]
        status = max(len(state_text(state, "7.5").plain) for state in STATE_LABELS)
        status = max(status, len(satisfied_text(False).plain), len(_("Status")))
        columns += [(_("Needed"), "needed", 6), (_("Status"), "status", status)]
        fit_columns(table, columns, self.size.width - 2)
        self.rows: list[tuple[GroupReport, RequirementLine | None]] = []
        for group in report.groups:
            cells = group_row(group)
            if self.narrow:
                cells = (*cells[:3], *cells[5:])
            table.add_row(*cells, key=f"group-{group.position}")
            self.rows.append((group, None))
            for i, line in enumerate(group.lines):
                title = Text("  ")
                title.append(f"{line.catalogue_number} ", style="bold")
                title.append(line.title)
                if not line.counted:
                    title.append(" " + _("(not counted)"), style="italic")
                blanks = ("",) * (2 if self.narrow else 4)
                table.add_row(title, ec(line.ec), *blanks, state_text(line.state, line.grade),
                              key=f"group-{group.position}-{i}")
                self.rows.append((group, line))
        if self.rows:
            table.move_cursor(row=min(max(row, 0), len(self.rows) - 1))
        self._detail()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._detail()

    def _detail(self) -> None:
        """The highlighted group's numbers in full, or the highlighted course's state."""
        detail = self.query_one("#requirements-detail", Static)
        row = self.query_one(DataTable).cursor_row
        if not 0 <= row < len(getattr(self, "rows", [])):
            detail.update("")
            return
        group, line = self.rows[row]
        text = Text(group_title(group.title) + ": ", style="bold")
        if line is None:
            text.append(_("required {required}, earned {earned}, in progress {progress}, "
                          "planned {planned}, still needed {needed}").format(
                required=ec(group.required), earned=ec(group.earned),
                progress=ec(group.in_progress), planned=ec(group.planned),
                needed=ec(group.needed)))
        else:
            text.append(f"{line.catalogue_number} {line.title} ({ec(line.ec)}) ")
            text.append_text(state_text(line.state, line.grade))
        detail.update(text)

    def action_what_if(self) -> None:
        if self.programme is not None:
            self.programme = None
            self.load()
            return
        self.choose_programme()

    @service_worker(group="what-if", problems="#requirements-problems")
    async def choose_programme(self) -> None:
        programmes = await self.fetch(self.usis_app.usis.academics.programmes)
        if programmes is None:
            return
        own = self.report.own_programme if self.report else ""
        others = [p for p in programmes if p.code != own]

        def chosen(code: str | None) -> None:
            if code:
                self.programme = code
                self.load()

        self.app.push_screen(WhatIfScreen(others, own), chosen)


__all__ = ["AcademicRequirementsScreen", "WhatIfScreen"]
