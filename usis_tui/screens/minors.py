"""Minors: every minor of the academic year with its class number, type (selection, Leiden,
LDE), registration window, places left and wait list; apply, change or cancel the application
until the window closes (rules: services/minors.py); a selection minor's placement outcome
(Placed, with the parts still to enrol, or Not placed); ``y`` shows another academic year (next
year's minors register in April and May of this one)."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll

from .. import i18n
from ..i18n import N_, _, pgettext
from ..services.schemas import MinorInfo, MinorResult
from ..theme import PRIMARY, WARN
from ..widgets.columns import Column, fit_columns
from ..widgets.confirm import ConfirmDialog
from ..widgets.literal import DataTable, Label, Static, literal
from ..widgets.problems import ProblemList
from ..widgets.status_badge import STYLES
from .base import UsisScreen
from .calls import service_worker

NARROW = 100  # below this many columns the table drops Type and Wait list

RULES = N_("Every minor has a limited number of places, allocated first come, first served "
           "(selection minors: by selection). You may follow one minor; while you are on the "
           "wait list for your first choice you may apply for a second one. You can change or "
           "cancel your application until the registration period ends. Parts of a minor are "
           "enrolled with it.")


SHORT_TYPES = {"selection": N_("Selection"), "leiden": "Leiden", "lde": "LDE"}  # shown with _()
PERIOD_MARKS = {"open": "●", "not_yet_open": "○", "closed": "■"}
# The labels of services/schemas.py (MINOR_TYPE_LABELS, MINOR_STATUS_LABELS), shown with _().
TYPE_LABELS = {"selection": N_("Selection minor"), "leiden": N_("Leiden minor"),
               "lde": N_("LDE minor")}
STATUS_LABELS = {"enrolled": N_("Enrolled"), "placed": N_("Placed"),
                 "waitlisted": N_("On wait list"),
                 "waiting_for_placement": N_("Waiting for placement outcome"),
                 "not_placed": N_("Not placed"),
                 "cancelled": N_("Cancelled"), "applied": N_("Applied")}
REGISTRATION = {  # the registration period by its state
    "open": N_("Registration open: {opens} – {closes}"),
    "not_yet_open": N_("Registration not yet open: {opens} – {closes}"),
    "closed": N_("Registration closed: {opens} – {closes}"),
}


def window_width() -> int:
    """The Registration column: "● 22 Dec–22 Dec" (15) / "● 22 dec.–22 dec." (17)."""
    return max(15, 2 * len(i18n.format_date(date(2026, 12, 22), year=False)) + 3)


def window_text(m: MinorInfo) -> Text:
    """The registration period, marked and coloured by its state (● open, ○ not yet, ■ closed)."""
    style = STYLES.get(m.period_state, "")
    opens = i18n.format_date(m.opens_at, year=False)
    closes = i18n.format_date(m.closes_at, year=False)
    return Text(f"{PERIOD_MARKS[m.period_state]} {opens}–{closes}", style=style)


def places_text(m: MinorInfo) -> Text:
    return Text(str(m.places_left), style="bold red" if m.places_left == 0 else "")


def waitlist_text(m: MinorInfo) -> str:
    if m.minor_type == "selection":
        return _("{n} applied").format(n=m.applicants)
    return f"{m.waitlisted}/{m.waitlist_capacity}"


def type_label(m: MinorInfo) -> str:
    return _(TYPE_LABELS.get(m.minor_type, m.minor_type))


def status_label(m: MinorInfo) -> str:
    """The student's standing: "Enrolled", "On wait list (position 2)", …"""
    if m.my_status is None:
        return ""
    if m.my_status == "waitlisted" and m.my_position:
        return _("On wait list (position {position})").format(position=m.my_position)
    return _(STATUS_LABELS.get(m.my_status, m.my_status))


def my_status_label(status: str, narrow: bool = False) -> str:
    if narrow and status == "waiting_for_placement":
        return _("Awaiting placement")
    label = STATUS_LABELS.get(status)
    return _(label) if label else ""


def my_status_text(m: MinorInfo, narrow: bool = False) -> Text:
    label = status_label(m)
    if narrow and m.my_status == "waiting_for_placement":
        label = my_status_label("waiting_for_placement", narrow=True)
    elif narrow and m.my_status == "waitlisted" and m.my_position:
        label = _("On wait list ({position})").format(position=m.my_position)
    if not label:
        return Text("")
    style = {"enrolled": "bold green", "placed": "bold green", "waitlisted": f"bold {WARN}",
             "waiting_for_placement": f"bold {PRIMARY}", "not_placed": "bold red",
             "cancelled": "italic"}.get(m.my_status or "", "")
    text = Text(label, style=style)
    return text


def minor_row(m: MinorInfo, narrow: bool = False) -> tuple:
    if narrow:
        return (m.class_number, m.title, window_text(m), places_text(m),
                my_status_text(m, narrow=True))
    return (m.class_number, m.title, _(SHORT_TYPES.get(m.minor_type, m.minor_type)),
            window_text(m), places_text(m), waitlist_text(m), my_status_text(m))


def detail_text(m: MinorInfo) -> Text:
    text = Text()
    text.append(f"{m.class_number}  {m.catalogue_number}  ", style="bold")
    text.append(m.title, style="bold")
    text.append(f"  ·  {type_label(m)}  ·  {i18n.format_ec(m.ec)}\n")
    text.append(_(REGISTRATION[m.period_state]).format(
        opens=i18n.format_datetime(m.opens_at), closes=i18n.format_datetime(m.closes_at)) + "\n")
    if m.minor_type == "selection":
        text.append(_("{capacity} places, allocated by selection ({applicants} waiting for the "
                      "placement outcome).").format(capacity=m.capacity,
                                                    applicants=m.applicants) + "\n")
    else:
        text.append(_("{enrolled}/{capacity} places taken, {left} left; wait list "
                      "{waitlisted}/{waitlist_capacity}.").format(
            enrolled=m.enrolled, capacity=m.capacity, left=m.places_left,
            waitlisted=m.waitlisted, waitlist_capacity=m.waitlist_capacity) + "\n")
    if m.parts:
        text.append((_("Parts, enrolled once you are placed:") if m.minor_type == "selection"
                     else _("Parts, enrolled with the minor:")) + " ")
        text.append(", ".join(f"{p.class_number} {p.title} ({i18n.format_ec(p.ec)})"
                              + (" ✓" if p.enrolled else "") for p in m.parts))
        text.append("\n")
    if m.my_status == "not_placed":
        text.append(_("Your application:") + " ", style="bold")
        text.append_text(my_status_text(m))
        text.append("  " + _("You may apply for another minor while its registration period "
                             "is open."), style="italic")
    elif m.active:
        text.append(_("Your application:") + " ", style="bold")
        text.append_text(my_status_text(m))
        if m.my_choice == 2:
            text.append(" " + _("(second choice)"), style="italic")
        if m.parts_to_enrol:
            text.append("\n")
            text.append(_("Do not forget to enrol in its parts {parts} (Student Center › "
                          "Enrol).").format(parts=_(" and ").join(m.parts_to_enrol)),
                        style=f"bold {WARN}")
        elif m.period_state == "open":
            text.append("  " + _("(x cancels it until the registration period ends)"),
                        style="italic")
    elif m.period_state == "open":
        action = (_("Press a to apply: you wait for the placement outcome.")
                  if m.minor_type == "selection"
                  else _("Press a to apply: you get a place.") if m.places_left
                  else _("Press a to apply: you join the wait list."))
        text.append(action, style="italic")
    return text


class ConfirmCancelMinorScreen(ConfirmDialog[bool]):
    """ "Cancel your application for minor 1052 …?" Yes / No; Escape = No."""

    CSS_PATH = "../styles/minors.tcss"
    BINDINGS: ClassVar = [
        Binding("y", "answer(True)", N_("Yes"), id="confirm.yes",
                tooltip=N_("Cancel the application")),
        Binding("n,escape", "answer(False)", N_("No"), id="confirm.no",
                tooltip=N_("Keep the application")),
    ]

    def __init__(self, minor: MinorInfo) -> None:
        m = minor
        note = _("Your place goes to the first student on the wait list.") if (
            m.my_status == "enrolled") else _("You lose your place in the queue.")
        if m.parts and m.my_status == "enrolled":
            note += " " + _("Its parts are dropped too.")
        # One sentence to translate; the minor in it is bold.
        question = _("Are you sure you want to cancel your application for minor {minor} "
                     "({status})?")
        before, after = question.split("{minor}", 1) if "{minor}" in question else (question, "")
        status = status_label(m)
        super().__init__(
            "confirm-cancel-minor", _("Cancel minor application"),
            Text.assemble(before.format(status=status),
                          (f"{m.class_number} {m.title}", "bold"), after.format(status=status)),
            notes=[note], yes=_("Yes"), no=_("No"), prefix="cancel-minor",
            box_classes="minor-dialog", question_id="cancel-minor-question")
        self.minor = minor


class MinorsScreen(UsisScreen):
    PAGE = "Minors"
    CSS_PATH = "../styles/minors.tcss"
    BINDINGS = [
        Binding("a", "apply", N_("Apply"), tooltip=N_("Apply for the selected minor"),
                id="minors.apply"),
        Binding("g", "change", N_("Change to this minor"),
                tooltip=N_("Replace your minor application by the selected minor"),
                id="minors.change"),
        Binding("x", "cancel_application", N_("Cancel application"),
                tooltip=N_("Cancel your application for the selected minor"),
                id="minors.cancel-application"),
        Binding("y", "other_year", N_("Year"),
                tooltip=N_("Show the minors of the next academic year (and back)"),
                id="minors.other-year"),
        Binding("r", "refresh", N_("Refresh"), show=False, id="minors.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.minors: list[MinorInfo] = []
        self.academic_year: str | None = None  # None: the current one
        self.years: list[str] = []

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="page", classes="minors-page"):
            yield Label(_("Minors"), classes="page-title", id="minors-title")
            yield Static(_(RULES), id="minor-rules", classes="muted")
            yield ProblemList(id="minor-problems")
            yield Static("", id="minor-result")
            yield DataTable(id="minor-list", cursor_type="row", zebra_stripes=True)
            with Vertical(id="minor-detail", classes="block") as block:
                block.border_title = literal(_("Minor"))
                yield Static(_("Loading…"), id="minor-detail-text")

    def on_mount(self) -> None:
        self.query_one(DataTable).focus(scroll_visible=False)  # the page stays at its top
        self.load()

    @property
    def narrow(self) -> bool:
        """Below 100 columns Type and Wait list move to the detail box, so that the title and
        "My application" stay on screen."""
        return self.size.width < NARROW

    def _fill(self) -> None:
        """The table's columns for this width (the title takes what is left) and its rows."""
        table = self.query_one(DataTable)
        narrow = self.narrow
        mine = max(len(my_status_label(status, narrow)) for status in STATUS_LABELS)
        mine = max(mine, len((_("On wait list ({position})") if narrow else
                              _("On wait list (position {position})")).format(position=10)))
        # Narrow columns: short headers ("Nr.", "Vrij") in Dutch.
        columns: list[Column] = [(pgettext("column", "Class"), "class", 5),
                                 (_("Minor"), "title", None)]
        if not narrow:
            columns.append((_("Type"), "type", 9))
        columns += [(_("Registration"), "window", window_width()),
                    (pgettext("column", "Places"), "places", 6)]
        if not narrow:
            columns.append((_("Wait list"), "wait", 10))
        columns.append((_("My application"), "mine", max(mine, len(_("My application")))))
        fit_columns(table, columns, self.size.width - 4)
        for m in self.minors:
            cells = minor_row(m, narrow)
            table.add_row(*cells, key=m.class_number)

    def on_resize(self) -> None:
        if self.minors:
            row = self.query_one(DataTable).cursor_row
            self._fill()
            self.query_one(DataTable).move_cursor(row=row)

    def action_refresh(self) -> None:
        self.load()

    @property
    def year(self) -> str | None:
        return self.minors[0].academic_year if self.minors else None

    @service_worker(exclusive=True, group="minors", problems="#minor-problems")
    async def load(self, keep: str | None = None) -> None:
        from ..services import ServiceError

        student = self.usis_app.student_number
        if student is None:
            return
        table = self.query_one(DataTable)
        usis = self.usis_app.usis
        try:
            minors = await self.call(usis.minors.list, student, self.academic_year,
                                     loading=table)
            if not self.years:
                self.years = [y.code for y in await self.call(usis.catalogue.years)]
        except ServiceError as exc:
            if self.is_attached:
                self.query_one(ProblemList).show(exc.problems)
            return
        if not self.is_attached:
            return
        self.minors = minors
        if minors:
            self.query_one("#minors-title", Label).update(
                _("Minors {year}").format(year=minors[0].academic_year))
        shown = self._current()
        current = keep or (shown.class_number if shown else None)
        self._fill()
        self.query_one("#minor-list").border_subtitle = literal(self.year or "")
        numbers = [m.class_number for m in minors]
        if current in numbers:
            table.move_cursor(row=numbers.index(current))
        if self.focused is None or self.focused.id == "page":
            table.focus(scroll_visible=False)  # focus lost to the loading indicator
        self._show_detail()

    def action_other_year(self) -> None:
        """The next academic year offered (after the last: the first again)."""
        if not self.years:
            return
        shown = self.year or self.years[0]
        at = self.years.index(shown) if shown in self.years else -1
        self.academic_year = self.years[(at + 1) % len(self.years)]
        self.query_one(ProblemList).clear()
        self.query_one("#minor-result", Static).remove_class("-shown")
        self.load()  # (the same minor stays selected, if offered that year)

    def _current(self) -> MinorInfo | None:
        table = self.query_one(DataTable)
        if not self.minors or not 0 <= table.cursor_row < len(self.minors):
            return None
        return self.minors[table.cursor_row]

    def _show_detail(self) -> None:
        m = self._current()
        widget = self.query_one("#minor-detail-text", Static)
        if m is None:
            widget.update(Text(_("No minors are offered this academic year."), style="italic"))
            return
        self.query_one("#minor-detail").border_title = literal(
            _("Minor {number}").format(number=m.class_number))
        widget.update(detail_text(m))

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        m = self._current()
        if m is not None and not m.active:
            self.action_apply()

    def _say(self, result: MinorResult) -> None:
        self.query_one(ProblemList).clear()
        note = self.query_one("#minor-result", Static)
        note.update(Text.assemble(("✓ ", "bold green"), result.message))
        note.add_class("-shown")
        self.notify(result.message, timeout=4)

    @service_worker(exclusive=True, group="minor-action", problems="#minor-problems")
    async def _run(self, fn, *args, keep: str) -> None:
        from ..services import ServiceError

        student = self.usis_app.student_number
        if student is None:
            return
        try:
            result = await self.call(fn, student, *args)
        except ServiceError as exc:
            if self.is_attached:
                self.query_one("#minor-result", Static).remove_class("-shown")
                self.query_one(ProblemList).show(exc.problems)
            return
        if not self.is_attached:
            return
        self._say(result)
        self.load(keep)

    def action_apply(self) -> None:
        m = self._current()
        if m is None:
            return
        self._run(self.usis_app.usis.minors.apply, m.class_number, m.academic_year,
                        keep=m.class_number)

    def action_change(self) -> None:
        m = self._current()
        if m is None:
            return
        mine = [x for x in self.minors if x.active and x.class_number != m.class_number]
        if m.active:
            self._problem("same_minor", _("You already applied for minor {number}.").format(
                              number=m.class_number),
                          _("Select the minor you want instead, then press g."))
        elif not mine:
            self._problem("no_application", _("You have no minor application to change."),
                          _("Press a to apply for this minor."))
        elif len(mine) > 1:
            self._problem("two_applications",
                          _("You have two minor applications: cancel one first (x), then "
                            "change the other."), "")
        else:
            self._run(self.usis_app.usis.minors.change, mine[0].class_number,
                            m.class_number, m.academic_year, keep=m.class_number)

    def _problem(self, code: str, message: str, hint: str) -> None:
        from ..services.schemas import Problem

        self.query_one("#minor-result", Static).remove_class("-shown")
        self.query_one(ProblemList).show([Problem(code=code, message=message, hint=hint)])

    def action_cancel_application(self) -> None:
        m = self._current()
        if m is None:
            return
        if not m.active:
            self._problem("no_application", _("You have not applied for minor {number}, Cancel "
                                              "Not Processed.").format(number=m.class_number),
                          _("Select a minor you applied for."))
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._run(self.usis_app.usis.minors.cancel, m.class_number,
                                m.academic_year, keep=m.class_number)

        self.app.push_screen(ConfirmCancelMinorScreen(m), answered)


__all__ = ["ConfirmCancelMinorScreen", "MinorsScreen", "detail_text", "minor_row"]
