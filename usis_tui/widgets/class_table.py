"""Tables of classes: class search results, the student's schedule (Drop, Swap, My Class
Schedule) and the other classes of a full course (step 3 "View results"). Rows are keyed by
section id (search, alternatives) or enrolment id (schedule)."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message

from ..i18n import N_, _
from ..services.schemas import Alternative, ClassInfo, ScheduleLine
from .class_detail import (
    BAD,
    GOOD,
    WARN,
    class_rooms,
    component_label,
    day_label,
    ec_text,
    staff,
    status_text,
    tba,
)
from .literal import DataTable


def clip(text: str | None, width: int) -> str:
    text = text or ""
    return text if len(text) <= width else text[: width - 1] + "…"


def days_times(cls: ClassInfo) -> str:
    """Weekly patterns grouped by time: "Mo/We 13:45-15:30", "Tu 11:00-12:45, Fr 11:00-12:45"
    (Dutch: "ma/wo 13:45-15:30")."""
    by_time: dict[str, list[str]] = {}
    for m in sorted(cls.meetings, key=lambda m: (m.weekday, m.start)):
        days = by_time.setdefault(f"{m.start:%H:%M}-{m.end:%H:%M}", [])
        if day_label(m.weekday) not in days:
            days.append(day_label(m.weekday))
    if not by_time:
        return tba()
    return ", ".join(f"{'/'.join(days)} {span}" for span, days in by_time.items())


def schedule_status(line: ScheduleLine) -> Text:
    if line.provisional:  # an exam enrolment still to confirm (the detail says by when)
        return Text.assemble(("▲ ", f"bold {WARN}"), (_("Provisional"), WARN))
    if line.status == "enrolled":
        return Text.assemble(("✓ ", f"bold {GOOD}"), _("Enrolled"))
    if line.status == "waitlisted":
        return Text.assemble(("▲ ", f"bold {WARN}"),
                             _("Waiting ({position})").format(position=line.waitlist_position))
    return Text(_("Dropped"), style="dim")


class ClassTable(DataTable):
    """Class search results: Catalogue number, Course title, Class, Component, Days & Times,
    Status, Seats."""

    BINDINGS = [Binding("enter", "select_cursor", N_("Select class"),
                        tooltip=N_("Open the highlighted class: details and enrolment "
                                   "preferences"),
                        id="class_table.select-cursor")]

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.by_key: dict[str, ClassInfo] = {}

    def on_mount(self) -> None:
        self.add_column(_("Catalogue number"), key="catalogue")
        self.add_column(_("Course title"), key="title")
        self.add_column(_("Class"), key="class")
        self.add_column(_("Component"), key="component")
        self.add_column(_("Days & Times"), key="days")
        self.add_column(_("Status"), key="status")
        self.add_column(Text(_("Seats"), justify="right"), key="seats")

    @staticmethod
    def title_width() -> int:
        """34 cells for the course title, less what longer (Dutch) column names and statuses
        take."""
        longer = sum(max(0, len(_(name)) - len(name))
                     for name in ("Catalogue number", "Class", "Seats", "Wait List"))
        return max(20, 34 - longer)

    def show_classes(self, classes: list[ClassInfo]) -> None:
        self.clear()
        self.by_key = {str(c.section_id): c for c in classes}
        width = self.title_width()
        for c in classes:
            self.add_row(c.catalogue_number, clip(c.title, width), c.class_number,
                         component_label(c.component),
                         clip(days_times(c), 30), status_text(c.status),
                         Text(c.seats, justify="right"), key=str(c.section_id))

    @property
    def current(self) -> ClassInfo | None:
        if not self.row_count:
            return None
        key = self.ordered_rows[self.cursor_row].key.value
        return self.by_key.get(key or "")


class ScheduleTable(DataTable):
    """My Class Schedule (also the list to pick from on Drop and Swap)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.lines: dict[str, ScheduleLine] = {}

    def on_mount(self) -> None:
        self.add_column(_("Status"), key="status")
        self.add_column(_("Class"), key="class")
        self.add_column(_("Course"), key="course")
        self.add_column(_("Component"), key="component")
        self.add_column(_("Days & Times"), key="days")
        self.add_column(_("Room"), key="room")
        self.add_column(_("Instructor"), key="instructor")
        self.add_column(Text("EC", justify="right"), key="ec")

    def show_lines(self, lines: list[ScheduleLine]) -> None:
        keep = self.current
        self.clear()
        self.lines = {str(line.enrolment_id): line for line in lines}
        for line in lines:
            c = line.cls
            self.add_row(schedule_status(line), c.class_number,
                         clip(f"{c.catalogue_number} {c.title}", 26),
                         component_label(c.component),
                         clip(days_times(c), 17), clip(class_rooms(c), 14),
                         clip(staff(c.instructor), 14),
                         Text(ec_text(c.ec), justify="right"), key=str(line.enrolment_id))
        if keep is not None and str(keep.enrolment_id) in self.lines:
            self.move_cursor(row=self.get_row_index(str(keep.enrolment_id)), animate=False)

    @property
    def current(self) -> ScheduleLine | None:
        if not self.row_count:
            return None
        key = self.ordered_rows[self.cursor_row].key.value
        return self.lines.get(key or "")


SHORT_REASON = {
    "time_conflict": N_("Time clash"),
    "class_full": N_("Class full"),
    "class_and_waitlist_full": N_("Full, WL full"),
    "requisites": N_("Requisites"),
    "not_yet_open": N_("Not yet open"),
    "period_closed": N_("Closed period"),
    "hold": N_("Hold"),
    "bad_permission": N_("Permission"),
    "already_enrolled": N_("Enrolled"),
    "already_waitlisted": N_("Waiting"),
    "one_minor": N_("One minor"),
    "ec_cap": N_("EC maximum"),
}


def alternative_check(alt: Alternative) -> Text:
    if alt.would == "enrolled":
        return Text.assemble(("✓ ", f"bold {GOOD}"), _("Can enrol"))
    if alt.would == "waitlisted":
        return Text.assemble(("▲ ", f"bold {WARN}"), _("Wait list"))
    first = alt.problems[0] if alt.problems else None
    label = _(SHORT_REASON.get(first.code, N_("Refused")) if first else N_("Refused"))
    more = f" +{len(alt.problems) - 1}" if len(alt.problems) > 1 else ""
    return Text.assemble(("✗ ", f"bold {BAD}"), (label + more, BAD))


class AlternativesTable(DataTable):
    """The other classes of a full class's course (e.g. the other tutorial groups): Enter or
    ``e`` enrols in the highlighted one, ``t`` puts it in the Shopping cart."""

    BINDINGS = [
        Binding("e,enter", "choose('enrol')", N_("Enrol in this class"),
                tooltip=N_("Enrol in the highlighted class straight away"),
                id="class_table.choose-enrol"),
        Binding("t", "choose('cart')", N_("To shopping cart"),
                tooltip=N_("Put the highlighted class in your Shopping cart"),
                id="class_table.choose-cart"),
    ]

    class Chosen(Message):
        def __init__(self, table: AlternativesTable, alternative: Alternative, action: str) -> None:
            super().__init__()
            self.table = table
            self.alternative = alternative
            self.action = action  # "enrol" or "cart"

        @property
        def control(self) -> AlternativesTable:
            return self.table

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.by_key: dict[str, Alternative] = {}

    def on_mount(self) -> None:
        self.add_column(_("Instead of"), key="instead")
        self.add_column(_("Class"), key="class")
        self.add_column(_("Course"), key="course")
        self.add_column(_("Component"), key="component")
        self.add_column(_("Days & Times"), key="days")
        self.add_column(_("Room"), key="room")
        self.add_column(_("Status"), key="status")
        self.add_column(Text(_("Seats"), justify="right"), key="seats")
        self.add_column(_("Enrol check"), key="check")

    def show_alternatives(self, alternatives: list[Alternative]) -> None:
        keep = self.current
        self.clear()
        self.by_key = {}
        for alt in alternatives:
            c = alt.cls
            key = f"{alt.instead_of}:{c.section_id}"
            self.by_key[key] = alt
            self.add_row(alt.instead_of, c.class_number,
                         clip(f"{c.catalogue_number} {c.title}", 18),
                         f"{component_label(c.component)} {c.section}",
                         clip(days_times(c), 17), clip(class_rooms(c), 10),
                         status_text(c.status), Text(c.seats, justify="right"),
                         alternative_check(alt), key=key)
        if keep is not None:
            key = f"{keep.instead_of}:{keep.cls.section_id}"
            if key in self.by_key:
                self.move_cursor(row=self.get_row_index(key), animate=False)

    @property
    def current(self) -> Alternative | None:
        if not self.row_count:
            return None
        key = self.ordered_rows[self.cursor_row].key.value
        return self.by_key.get(key or "")

    def action_choose(self, action: str) -> None:
        alt = self.current
        if alt is not None:
            self.post_message(self.Chosen(self, alt, action))
