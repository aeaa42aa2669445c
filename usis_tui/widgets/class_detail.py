"""Class details as uSis shows them on the enrolment preferences step: course, class, status,
seats, meetings (days & times, room, dates), instructor."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..i18n import N_, _, format_datetime, format_ec, format_number, get_language
from ..models.catalogue import COMPONENTS, WEEKDAYS
from ..services.schemas import ClassInfo, MeetingInfo
from ..theme import BAD, GOOD, SECONDARY, WARN
from .literal import Static
from .status_badge import status_text

# The uSis theme's colours (app.USIS_THEME), readable on its white pages.
PLAN = SECONDARY  # planned: enrolment not yet open


#: the components of a class (stored in English), as shown
COMPONENT_LABELS = {"Lecture": N_("Lecture"), "Tutorial": N_("Tutorial"),
                    "Practical": N_("Practical"), "Exam": N_("Exam"), "Resit": N_("Resit")}
#: the days of a meeting (models.catalogue.WEEKDAYS, Monday first), as shown
DAY_LABELS = (N_("Mo"), N_("Tu"), N_("We"), N_("Th"), N_("Fr"), N_("Sa"), N_("Su"))
assert tuple(COMPONENT_LABELS) == COMPONENTS and len(DAY_LABELS) == len(WEEKDAYS)


def component_label(component: str) -> str:
    """"Lecture" / "Hoorcollege": a stored component, shown in the current language."""
    label = COMPONENT_LABELS.get(component)
    return _(label) if label else component


def day_label(weekday: int) -> str:
    """"Mo" / "ma" (Monday is 0)."""
    return _(DAY_LABELS[weekday])


def tba() -> str:
    """Not known yet (no meeting, no room)."""
    return _("TBA")


def staff(instructor: str | None) -> str:
    """The instructor, or "Staff" when none is known yet."""
    return instructor or _("Staff")


def ec_text(value: float) -> str:
    """7.5 → "7.5" / "7,5"; 6 → "6"."""
    return format_number(value)


def meeting_days_times(meeting: MeetingInfo) -> str:
    """"Mo 11:15-13:00" / "ma 11:15-13:00"."""
    return f"{day_label(meeting.weekday)} {meeting.start:%H:%M}-{meeting.end:%H:%M}"


def class_days_times(cls: ClassInfo) -> str:
    """Distinct weekly patterns, e.g. "Mo 11:15-13:00, We 09:00-10:45" (ClassInfo.days_times,
    with the days in the current language)."""
    seen: list[str] = []
    for m in cls.meetings:
        if meeting_days_times(m) not in seen:
            seen.append(meeting_days_times(m))
    return ", ".join(seen) if seen else tba()


def class_rooms(cls: ClassInfo) -> str:
    """The rooms of the class, or TBA."""
    return cls.rooms if any(m.room for m in cls.meetings) else tba()


def opens_text(value) -> str:
    """"2 Dec 2026 09:00" / "2 dec. 2026 09:00": when enrolment opens."""
    return format_datetime(value)


def fmt_date(value) -> str:
    """"02/12/2026" / "02-12-2026"."""
    return f"{value:%d-%m-%Y}" if get_language() == "nl" else f"{value:%d/%m/%Y}"


def fmt_moment(value) -> str:
    return format_datetime(value)


def seats_text(cls: ClassInfo) -> str:
    text = _("{seats} seats taken").format(seats=cls.seats)
    if cls.waitlist_capacity:
        text += " · " + _("wait list {waiting}/{capacity}").format(
            waiting=cls.waitlisted, capacity=cls.waitlist_capacity)
    return text


def period_text(cls: ClassInfo) -> Text:
    span = f"{fmt_moment(cls.enrol_opens_at)} – {fmt_moment(cls.enrol_closes_at)}"
    if cls.period_state == "open":
        return Text.assemble(span, ("  " + _("(open now)"), GOOD))
    if cls.period_state == "not_yet_open":
        return Text.assemble(span, ("  " + _("(not yet open)"), WARN))
    return Text.assemble(span, ("  " + _("(closed)"), BAD))


def meetings_table(cls: ClassInfo) -> Table:
    table = Table(box=None, pad_edge=False, padding=(0, 2, 0, 0), header_style="bold",
                  show_edge=False, expand=False)
    table.add_column(_("Days & Times"), no_wrap=True)
    table.add_column(_("Room"))
    table.add_column(_("Instructor"))
    table.add_column(_("Meeting Dates"), no_wrap=True)
    if not cls.meetings:
        table.add_row(tba(), tba(), staff(cls.instructor), tba())
    for m in cls.meetings:
        table.add_row(meeting_days_times(m), m.room or tba(), staff(cls.instructor),
                      f"{fmt_date(m.start_date)} - {fmt_date(m.end_date)}")
    return table


def class_detail_renderable(cls: ClassInfo, year_label: str | None = None) -> Group:
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column()
    facts.add_row(_("Course"), Text.assemble((cls.catalogue_number, "bold"), " ", cls.title))
    facts.add_row(_("Class"), f"{cls.class_number} · {component_label(cls.component)} · "
                  + _("section {section}").format(section=cls.section)
                  + (f" · {year_label}" if year_label else ""))
    facts.add_row(_("Status"), Text.assemble(status_text(cls.status), "   ", seats_text(cls)))
    honours = " · " + _("honours") if cls.honours else ""
    facts.add_row(_("Units"), _("{ec} · level {level}").format(ec=format_ec(cls.ec),
                                                               level=cls.level) + honours)
    facts.add_row(_("Instructor"), staff(cls.instructor))
    facts.add_row(_("Enrolment"), period_text(cls))
    if cls.parent_class_number:
        facts.add_row(_("Part of"), _("class {number}").format(number=cls.parent_class_number))
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
