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
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ..i18n import N_, _, format_date, format_ec, format_number
from ..services.academics import (
    BsaReport,
    GroupReport,
    ProgrammeInfo,
    RequirementsReport,
    group_title,
)
from ..theme import WARN
from ..widgets.footer import UsisFooter
from ..widgets.literal import DataTable, Label, Static
from ..widgets.problems import ProblemList
from .academics_common import ec, satisfied_text, state_text
from .base import UsisScreen
from .calls import service_worker

DEGREES = {"bachelor": N_("bachelor"), "master": N_("master")}


def bsa_text(bsa: BsaReport) -> Text:
    text = Text()
    text.append(_("Binding study advice (BSA) {year}").format(year=bsa.academic_year) + ": ",
                style="bold")
    text.append(_("at least {norm} of the {total} first-year EC by {deadline}.").format(
        norm=format_ec(bsa.norm), total=format_ec(bsa.first_year_ec),
        deadline=format_date(bsa.deadline)))
    text.append("\n")
    text.append(_("Earned: {earned}   In progress: {progress}").format(
        earned=ec(bsa.earned), progress=ec(bsa.in_progress)), style="bold")
    text.append("   ")
    if bsa.met:
        text.append("✓ " + _("Norm reached"), style="bold green")
    elif bsa.reachable:
        text.append("◐ " + _("{n} EC to go: within reach with the courses you follow").format(
            n=format_number(bsa.norm - bsa.earned)), style=f"bold {WARN}")
    else:
        text.append("✗ " + _("{n} EC to go: talk to your study adviser").format(
            n=format_number(bsa.norm - bsa.earned)), style="bold red")
    if bsa.counted:
        text.append("\n" + _("Counts: {courses}").format(
            courses=", ".join(f"{c.catalogue_number} ({c.grade})" for c in bsa.counted)))
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
            yield Static("", id="requirements-bsa", classes="-hidden")
            yield ProblemList(id="requirements-problems")
            table: DataTable = DataTable(id="requirements-list", cursor_type="row",
                                         classes="academics-table")
            table.add_column(_("Requirement"), key="title")
            for label, key in ((_("Required"), "required"), (_("Earned"), "earned"),
                               (_("In progress"), "progress"), (_("Planned"), "planned"),
                               (_("Needed"), "needed")):
                table.add_column(label, key=key, width=max(8, len(label)))
            table.add_column(_("Status"), key="status", width=16)
            yield table

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    @service_worker(exclusive=True, group="requirements", problems="#requirements-problems")
    async def load(self) -> None:
        from ..services import ServiceError

        student = self.usis_app.student_number
        if student is None:
            return
        table = self.query_one(DataTable)
        try:
            report = await self.call(self.usis_app.usis.academics.requirements, student,
                                     self.programme, loading=table)
        except ServiceError as exc:
            if self.is_attached:
                self.query_one(ProblemList).show(exc.problems)
            return
        if not self.is_attached:
            return
        self.query_one(ProblemList).clear()
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
        table.clear()
        for group in report.groups:
            table.add_row(*group_row(group), key=f"group-{group.position}")
            for i, line in enumerate(group.lines):
                title = Text("  ")
                title.append(f"{line.catalogue_number} ", style="bold")
                title.append(line.title)
                if not line.counted:
                    title.append(" " + _("(not counted)"), style="italic")
                table.add_row(title, ec(line.ec), "", "", "", "",
                              state_text(line.state, line.grade),
                              key=f"group-{group.position}-{i}")

    def action_what_if(self) -> None:
        if self.programme is not None:
            self.programme = None
            self.load()
            return
        self.choose_programme()

    @service_worker(group="what-if", problems="#requirements-problems")
    async def choose_programme(self) -> None:
        from ..services import ServiceError

        try:
            programmes = await self.call(self.usis_app.usis.academics.programmes)
        except ServiceError as exc:
            if self.is_attached:
                self.query_one(ProblemList).show(exc.problems)
            return
        own = self.report.own_programme if self.report else ""
        others = [p for p in programmes if p.code != own]

        def chosen(code: str | None) -> None:
            if code:
                self.programme = code
                self.load()

        self.app.push_screen(WhatIfScreen(others, own), chosen)


__all__ = ["AcademicRequirementsScreen", "WhatIfScreen"]
