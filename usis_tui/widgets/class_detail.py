"""Class details as uSis shows them on the enrolment preferences step: course, class, status,
seats, meetings (days & times, room, dates), instructor."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..services.schemas import ClassInfo
from ..theme import BAD, GOOD, SECONDARY, WARN
from .literal import Static
from .status_badge import status_text

# The uSis theme's colours (app.USIS_THEME), readable on its white pages.
PLAN = SECONDARY  # planned: enrolment not yet open


def opens_text(value) -> str:
    """"2 Dec 2026 09:00": when enrolment opens (no leading zero on the day)."""
    return f"{value.day} {value:%b %Y %H:%M}"


def fmt_date(value) -> str:
    return f"{value:%d/%m/%Y}"


def fmt_moment(value) -> str:
    return f"{value:%d %b %Y %H:%M}"


def seats_text(cls: ClassInfo) -> str:
    text = f"{cls.seats} seats taken"
    if cls.waitlist_capacity:
        text += f" · wait list {cls.waitlisted}/{cls.waitlist_capacity}"
    return text


def period_text(cls: ClassInfo) -> Text:
    span = f"{fmt_moment(cls.enrol_opens_at)} – {fmt_moment(cls.enrol_closes_at)}"
    if cls.period_state == "open":
        return Text.assemble(span, ("  (open now)", GOOD))
    if cls.period_state == "not_yet_open":
        return Text.assemble(span, ("  (not yet open)", WARN))
    return Text.assemble(span, ("  (closed)", BAD))


def meetings_table(cls: ClassInfo) -> Table:
    table = Table(box=None, pad_edge=False, padding=(0, 2, 0, 0), header_style="bold",
                  show_edge=False, expand=False)
    table.add_column("Days & Times", no_wrap=True)
    table.add_column("Room")
    table.add_column("Instructor")
    table.add_column("Meeting Dates", no_wrap=True)
    if not cls.meetings:
        table.add_row("TBA", "TBA", cls.instructor or "Staff", "TBA")
    for m in cls.meetings:
        table.add_row(m.days_times, m.room or "TBA", cls.instructor or "Staff",
                      f"{fmt_date(m.start_date)} - {fmt_date(m.end_date)}")
    return table


def class_detail_renderable(cls: ClassInfo, year_label: str | None = None) -> Group:
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column()
    facts.add_row("Course", Text.assemble((cls.catalogue_number, "bold"), " ", cls.title))
    facts.add_row("Class", f"{cls.class_number} · {cls.component} · section {cls.section}"
                  + (f" · {year_label}" if year_label else ""))
    facts.add_row("Status", Text.assemble(status_text(cls.status), "   ", seats_text(cls)))
    honours = " · honours" if cls.honours else ""
    facts.add_row("Units", f"{cls.ec:g} EC · level {cls.level}{honours}")
    facts.add_row("Instructor", cls.instructor or "Staff")
    facts.add_row("Enrolment", period_text(cls))
    if cls.parent_class_number:
        facts.add_row("Part of", f"class {cls.parent_class_number}")
    return Group(facts, Text(""), meetings_table(cls))


class ClassDetail(Static):
    """Shows one class; ``show(cls)``."""

    DEFAULT_CSS = """
    ClassDetail { height: auto; padding: 0 1; }
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__("", *args, **kwargs)
        self.cls: ClassInfo | None = None

    def show(self, cls: ClassInfo, year_label: str | None = None) -> None:
        self.cls = cls
        self.update(class_detail_renderable(cls, year_label))
