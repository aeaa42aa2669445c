"""Minor placement (the Board of Examiners): the applicants of a selection minor, waiting ones
first in ranked order, with the minor's seats; place (``p``) or reject (``r``) the selected
applicant, or place the waiting ones in ranked order up to the capacity (``a``, after a
confirmation). Each student gets a message; the rules are in services/minors.py.

    Main Menu › Minor placement
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Resize

from .. import i18n
from ..i18n import N_, _, ngettext
from ..services import ServiceError
from ..services.schemas import Placement, PlacementApplicant, PlacementMinor, Problem
from ..theme import PRIMARY
from ..widgets.confirm import ConfirmDialog
from ..widgets.literal import DataTable, Label, Select, Static
from ..widgets.problems import ProblemList
from .base import UsisScreen
from .calls import service_worker
from .minors import REGISTRATION

#: the Status column (the full label is on the student's Minors page), shown with _()
SHORT_STATUS = {"waiting_for_placement": N_("Waiting"), "placed": N_("Placed"),
                "not_placed": N_("Not placed")}
STATUS_STYLES = {"waiting_for_placement": f"bold {PRIMARY}", "placed": "bold green",
                 "not_placed": "bold red"}
CHOICES = {1: N_("1st"), 2: N_("2nd")}  # shown with _()


def choice_label(choice: int) -> str:
    label = CHOICES.get(choice)
    return _(label) if label else str(choice)


def summary_text(m: PlacementMinor) -> Text:
    """Two lines: the minor and its registration, then its seats and applications."""
    text = Text()
    text.append(f"{m.catalogue_number}  ", style="bold")
    text.append(m.title, style="bold")
    text.append("\n" + _(REGISTRATION[m.period_state]).format(
        opens=i18n.format_date(m.opens_at), closes=i18n.format_date(m.closes_at)))
    if m.parts:
        text.append("  ·  " + _("parts {parts}").format(parts=_(" and ").join(m.parts)))
    text.append("\n")
    text.append(ngettext("{capacity} place: {placed} placed, {left} left",
                         "{capacity} places: {placed} placed, {left} left",
                         m.capacity).format(capacity=m.capacity, placed=m.placed,
                                            left=m.places_left),
                style="bold red" if not m.places_left else "bold")
    text.append("  ·  " + ngettext("{n} waiting", "{n} waiting", m.waiting).format(n=m.waiting),
                style=f"bold {PRIMARY}" if m.waiting else "")
    text.append("  ·  " + _("{n} not placed").format(n=m.not_placed))
    return text


def applicant_row(a: PlacementApplicant) -> tuple:
    status = a.status
    return (Text(str(a.rank), style="bold") if a.rank is not None else Text("–", style="dim"),
            a.student_number, a.name, a.programme, choice_label(a.choice),
            i18n.format_date(a.applied_at, year=False),
            Text(_(SHORT_STATUS.get(status, status)), style=STATUS_STYLES.get(status, "")))


class ConfirmPlacementScreen(ConfirmDialog[bool]):
    """"Place all up to capacity?" / "Reject …?": Yes / No; Escape = No."""

    CSS_PATH = "../styles/minors.tcss"

    def __init__(self, name: str, title: str, question: Any, *, notes: list[str],
                 yes: str) -> None:
        super().__init__(name, title, question, notes=notes, yes=yes, no=_("Cancel"),
                         box_classes="minor-dialog", question_id=f"{name}-question")


class MinorPlacementScreen(UsisScreen):
    PAGE = "Minor placement"
    CSS_PATH = "../styles/minors.tcss"
    BINDINGS: ClassVar = [
        Binding("p", "place", N_("Place"), tooltip=N_("Place the selected applicant"),
                id="placement.place"),
        Binding("r", "reject", N_("Reject"),
                tooltip=N_("Not placed: reject the selected application"),
                id="placement.reject"),
        Binding("a", "place_all", N_("Place all"),
                tooltip=N_("Place all up to capacity: the waiting applicants in ranked order "
                           "until the minor is full"), id="placement.place-all"),
        Binding("y", "other_year", N_("Year"),
                tooltip=N_("The selection minors of the next academic year (and back)"),
                id="placement.other-year"),
        Binding("f5", "reload", N_("Refresh"), show=False, id="placement.reload"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.placement: Placement | None = None
        self.academic_year: str | None = None  # None: the current one
        self.class_number: str | None = None  # None: the service chooses
        self._filling = False  # the Select is being filled: not a choice of the user's
        self._options: list[tuple[str, str]] = []

    def compose_body(self) -> ComposeResult:
        # The page does not scroll: the list of applicants takes the room that is left.
        with Vertical(id="page", classes="minors-page placement-page"):
            yield Label(_("Minor placement"), classes="page-title", id="placement-title")
            yield Static(_("Selection minors are allocated by selection, not first come, first "
                           "served. Place or reject each applicant, the waiting ones in ranked "
                           "order (first choices, in the order they applied); every student is "
                           "told in the Message centre. Placed students enrol in the minor's "
                           "parts themselves."), id="placement-intro", classes="muted")
            with Horizontal(id="placement-choose"):
                yield Label(_("Minor"), classes="field-label")
                yield Select([], prompt=_("Choose a selection minor"), id="placement-minor",
                             compact=True, allow_blank=True)
            yield Static("", id="placement-summary")
            yield ProblemList(id="placement-problems")
            yield Static("", id="placement-result")
            yield DataTable(id="placement-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#placement-table", DataTable).focus(scroll_visible=False)
        self.load()

    def on_resize(self, event: Resize) -> None:
        if self.placement is not None:
            self._fill_table()

    # ------------------------------------------------------------------ loading
    def action_reload(self) -> None:
        self.load()

    def action_other_year(self) -> None:
        p = self.placement
        if p is None or not p.years:
            return
        at = p.years.index(p.academic_year) if p.academic_year in p.years else -1
        self.academic_year = p.years[(at + 1) % len(p.years)]
        self._clear_messages()  # (the same minor stays chosen if offered that year)
        self.load()

    @service_worker(exclusive=True, group="placement", problems="#placement-problems")
    async def load(self) -> None:
        table = self.query_one("#placement-table", DataTable)
        placement = self.usis_app.usis.minors.placement
        try:
            try:
                p = await self.call(placement, self.class_number, self.academic_year,
                                    loading=table)
            except ServiceError as exc:
                if exc.code != "unknown_class" or self.class_number is None:
                    raise
                # the chosen minor is not offered in this year: the year's first one
                p = await self.call(placement, None, self.academic_year, loading=table)
        except ServiceError as exc:
            if self.is_attached:
                self.query_one(ProblemList).show(exc.problems)
            return
        if self.is_attached:
            self.show(p)

    def show(self, p: Placement) -> None:
        self.placement = p
        self.academic_year = p.academic_year
        self.class_number = p.minor.class_number if p.minor else None
        self.query_one("#placement-title", Label).update(
            _("Minor placement {year}").format(year=p.academic_year))
        select = self.query_one("#placement-minor", Select)
        options = [(f"{m.class_number} {m.title}", m.class_number) for m in p.minors]
        if options != self._options or (p.minor is not None
                                        and select.value != p.minor.class_number):
            # (a reload of the same minor changes nothing here, so posts no Select.Changed)
            self._filling = True
            if options != self._options:
                self._options = options
                select.set_options(options)
            if p.minor is not None:
                select.value = p.minor.class_number
            self.call_after_refresh(self._filled)
        summary = self.query_one("#placement-summary", Static)
        if p.minor is None:
            summary.update(Text(_("No selection minors in {year}.").format(
                year=p.academic_year), style="italic"))
        else:
            summary.update(summary_text(p.minor))
        self._fill_table()

    def _filled(self) -> None:
        self._filling = False

    def _fill_table(self) -> None:
        p = self.placement
        assert p is not None
        table = self.query_one("#placement-table", DataTable)
        row = table.cursor_row
        # Fixed columns, then the rest shared by Name and Programme (each cell has 2 of padding).
        status_w = max(len(_(label)) for label in SHORT_STATUS.values())
        fixed = [("rank", "#", 2), ("student", _("Student"), 8),
                 ("choice", _("Choice"), max(len(_("Choice")), 3)),
                 ("applied", _("Applied"), max(len(_("Applied")), 6)),
                 ("status", _("Status"), max(len(_("Status")), status_w))]
        # the page's padding (4), the table's scrollbar (2) and the two shared columns' padding
        room = max(16, self.size.width - 4 - 3 - sum(w + 2 for _k, _l, w in fixed) - 4)
        name_w = max(8, min(28, room * 11 // 20))
        programme_w = max(8, min(38, room - name_w))
        table.clear(columns=True)
        widths = dict(rank=2, student=8, name=name_w, programme=programme_w)
        labels = {"name": _("Name"), "programme": _("Programme")}
        for key, label, width in fixed[:2]:
            table.add_column(label, key=key, width=width)
        for key in ("name", "programme"):
            table.add_column(labels[key], key=key, width=widths[key])
        for key, label, width in fixed[2:]:
            table.add_column(label, key=key, width=width)
        for a in p.applicants:
            table.add_row(*applicant_row(a), key=a.student_number)
        table.display = bool(p.applicants)
        if p.applicants:
            table.move_cursor(row=min(max(row, 0), len(p.applicants) - 1))
        elif p.minor is not None:
            self.query_one("#placement-summary", Static).update(
                summary_text(p.minor).append("\n" + _("No applications."), style="italic"))

    @on(Select.Changed, "#placement-minor")
    def _minor_chosen(self, event: Select.Changed) -> None:
        event.stop()
        if (self._filling or not isinstance(event.value, str)  # (blank: no minor chosen)
                or event.value == self.class_number):
            return
        self.class_number = event.value
        self._clear_messages()
        self.query_one("#placement-table", DataTable).move_cursor(row=0)
        self.load()

    # ------------------------------------------------------------------ acting
    @property
    def selected(self) -> PlacementApplicant | None:
        p = self.placement
        table = self.query_one("#placement-table", DataTable)
        if p is None or not p.applicants or not 0 <= table.cursor_row < len(p.applicants):
            return None
        return p.applicants[table.cursor_row]

    def _clear_messages(self) -> None:
        self.query_one(ProblemList).clear()
        self.query_one("#placement-result", Static).remove_class("-shown")

    def _problem(self, message: str, hint: str = "") -> None:
        self.query_one("#placement-result", Static).remove_class("-shown")
        self.query_one(ProblemList).show([Problem(code="placement", message=message,
                                                  hint=hint)])

    def _waiting(self) -> PlacementApplicant | None:
        """The selected applicant if still waiting; otherwise says why not."""
        a = self.selected
        if a is None:
            self._problem(_("There is no application to decide on."),
                          _("Choose a selection minor with applications."))
            return None
        if a.status != "waiting_for_placement":
            self._problem(_("{student} {name}: {status}. Only a waiting application can be "
                            "placed or rejected.").format(student=a.student_number, name=a.name,
                                                          status=a.status_label),
                          _("Select an application that is waiting."))
            return None
        return a

    def action_place(self) -> None:
        a = self._waiting()
        if a is not None and self.class_number is not None:
            self._act(self.usis_app.usis.minors.place, a.student_number, self.class_number,
                      self.academic_year)

    def action_reject(self) -> None:
        a = self._waiting()
        number = self.class_number
        if a is None or number is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._act(self.usis_app.usis.minors.reject, a.student_number, number,
                          self.academic_year)

        self.app.push_screen(ConfirmPlacementScreen(
            "confirm-reject-minor", _("Reject application"),
            _("Reject the application of {student} {name} for minor {number}?").format(
                student=a.student_number, name=a.name, number=number),
            notes=[_("The student is told at once that they have not been placed; this cannot "
                     "be undone.")], yes=_("Reject")), answered)

    def action_place_all(self) -> None:
        p = self.placement
        if p is None or p.minor is None:
            self._problem(_("Choose a selection minor first."))
            return
        m = p.minor
        if not m.waiting:
            self._problem(_("No application of minor {number} is waiting.").format(
                number=m.class_number))
            return
        if not m.places_left:
            self._problem(_("Minor {number} is full: all {capacity} places have been "
                            "given.").format(number=m.class_number, capacity=m.capacity),
                          _("Reject the applications that are still waiting, so that those "
                            "students can apply for another minor."))
            return
        n = min(m.waiting, m.places_left)
        number = m.class_number

        def answered(yes: bool | None) -> None:
            if yes:
                self._act_all(number)

        self.app.push_screen(ConfirmPlacementScreen(
            "confirm-place-all", _("Place all up to capacity"),
            ngettext("Place the first waiting applicant of minor {number} ({left} places "
                     "left)?",
                     "Place the first {n} waiting applicants of minor {number}, in ranked "
                     "order ({left} places left)?", n).format(n=n, number=number,
                                                              left=m.places_left),
            notes=[_("Each student is told at once. An applicant who cannot be placed (a hold, "
                     "a clash, a place in another minor) is passed over and stays waiting.")],
            yes=_("Place")), answered)

    @service_worker(exclusive=True, group="placement-act", problems="#placement-problems")
    async def _act(self, fn, student_number: str, class_number: str,
                   academic_year: str | None) -> None:
        self._clear_messages()
        try:
            result = await self.call(fn, student_number, class_number, academic_year,
                                     loading=self.query_one("#placement-table"))
        except ServiceError as exc:
            if self.is_attached:
                self.query_one(ProblemList).show(exc.problems)
            self.load()  # the list may have changed meanwhile (another Board member)
            return
        if self.is_attached:
            self._say(result.message)
            self.load()

    @service_worker(exclusive=True, group="placement-act", problems="#placement-problems")
    async def _act_all(self, class_number: str) -> None:
        self._clear_messages()
        try:
            batch = await self.call(self.usis_app.usis.minors.place_all, class_number,
                                    self.academic_year,
                                    loading=self.query_one("#placement-table"))
        except ServiceError as exc:
            if self.is_attached:
                self.query_one(ProblemList).show(exc.problems)
            self.load()
            return
        if not self.is_attached:
            return
        self._say(batch.message)
        if batch.skipped:
            self.query_one(ProblemList).show([p for skip in batch.skipped
                                              for p in skip.problems])
        self.load()

    def _say(self, message: str) -> None:
        note = self.query_one("#placement-result", Static)
        note.update(Text.assemble(("✓ ", "bold green"), message))
        note.add_class("-shown")
        self.notify(message, timeout=4)


__all__ = ["ConfirmPlacementScreen", "MinorPlacementScreen", "applicant_row", "summary_text"]
