"""This week's classes: the meetings of enrolled classes that fall on real dates of one week."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from rich.table import Table
from rich.text import Text

from ..i18n import N_, _, format_date, format_time, pgettext
from ..services.schemas import ScheduleLine
from .literal import Static

#: The components' names as shown (the stored value stays English: it is a code).
COMPONENT_NAMES = {"Lecture": N_("Lecture"), "Tutorial": N_("Tutorial"),
                   "Practical": N_("Practical"), "Exam": N_("Exam"), "Resit": N_("Resit")}


def component_label(component: str) -> str:
    """A component in the current language ("Hoorcollege"); an unknown one as stored."""
    name = COMPONENT_NAMES.get(component)
    return _(name) if name else component


#: Short names where a block or a column is narrow (pgettext context "component short").
COMPONENT_SHORT = {"Lecture": "Lec", "Tutorial": "Tut", "Practical": "Prac", "Exam": "Exam",
                   "Resit": "Resit"}


def component_short(component: str) -> str:
    """The short name of a component in the current language ("Lec" / "HC")."""
    short = COMPONENT_SHORT.get(component)
    if short == "Lec":
        return pgettext("component short", "Lec")
    if short == "Tut":
        return pgettext("component short", "Tut")
    if short == "Prac":
        return pgettext("component short", "Prac")
    if short == "Exam":
        return pgettext("component short", "Exam")
    if short == "Resit":
        return pgettext("component short", "Resit")
    return component


@dataclass(frozen=True)
class WeekMeeting:
    day: date
    start: time
    end: time
    class_number: str
    catalogue_number: str
    title: str
    component: str
    room: str | None
    waitlisted: bool = False


def week_start(moment: date | datetime) -> date:
    """The Monday of the week ``moment`` falls in."""
    day = moment.date() if isinstance(moment, datetime) else moment
    return day - timedelta(days=day.weekday())


def _in_weeks(weeks: str | None, day: date) -> bool:
    """``weeks`` lists ISO week numbers ("45,47,49"); None or blank means every week."""
    if not weeks or not weeks.strip():
        return True
    try:
        wanted = {int(w) for w in weeks.replace(";", ",").split(",") if w.strip()}
    except ValueError:
        return True
    return day.isocalendar().week in wanted


def meetings_in_week(lines: Iterable[ScheduleLine], monday: date, *,
                     include_waitlisted: bool = False) -> list[WeekMeeting]:
    """Every meeting of the student's classes on a real date of the week starting ``monday``."""
    out: list[WeekMeeting] = []
    for line in lines:
        if line.status == "dropped" or (line.status == "waitlisted" and not include_waitlisted):
            continue
        c = line.cls
        for m in c.meetings:
            day = monday + timedelta(days=m.weekday)
            if not (m.start_date <= day <= m.end_date) or not _in_weeks(m.weeks, day):
                continue
            out.append(WeekMeeting(day=day, start=m.start, end=m.end, class_number=c.class_number,
                                   catalogue_number=c.catalogue_number, title=c.title,
                                   component=c.component, room=m.room,
                                   waitlisted=line.status == "waitlisted"))
    out.sort(key=lambda w: (w.day, w.start, w.class_number))
    return out


def week_table(meetings: list[WeekMeeting], today: date | None = None) -> Table | Text:
    if not meetings:
        return Text(_("No classes this week."), style="italic")
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column("Day", no_wrap=True, min_width=10)
    table.add_column("Time", no_wrap=True, min_width=11)
    table.add_column("Course", overflow="ellipsis", no_wrap=True, ratio=3)
    table.add_column("Room", overflow="ellipsis", no_wrap=True, ratio=1, min_width=8)
    previous: date | None = None
    for w in meetings:
        day = format_date(w.day, weekday=True, year=False) if w.day != previous else ""
        previous = w.day
        style = "bold" if today is not None and w.day == today else ""
        course = Text(f"{w.title} ({component_label(w.component)}, {w.class_number})")
        if w.waitlisted:
            course.append(" " + _("wait list"), style="italic")
        table.add_row(Text(day, style=style), f"{format_time(w.start)}-{format_time(w.end)}",
                      course, w.room or _("TBA"))
    return table


class WeekList(Static):
    """Shows ``meetings_in_week`` as a compact table; ``show(lines, monday, today)``."""

    DEFAULT_CSS = "WeekList { height: auto; }"

    def show(self, lines: Iterable[ScheduleLine], monday: date, today: date | None = None) -> int:
        meetings = meetings_in_week(lines, monday)
        self.update(week_table(meetings, today))
        return len(meetings)
