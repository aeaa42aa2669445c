"""Schedule assistant: Main Menu › Self Service › Student Center › Schedule assistant.

The student picks courses for one period (academic year and semester; by default the coming
one, starting with the courses they still need then) and preferences; the assistant
(services/schedule.py) finds every conflict-free combination of their classes, best first.

- Courses: type a catalogue number (``a``), add the courses still needed (``n``) or those in the
  Shopping cart (``k``), remove one (``x`` on the list); ``p`` changes the period.
- Preferences: days off (``1``–``5``: Monday to Friday), no classes before / after a time,
  compact days, fewest days on campus, open seats over wait lists, only classes with a free
  seat. Every change finds the schedules again (after a short pause, the newest change wins).
- Results: rank, score, days on campus, gaps, wait lists and why; the highlighted schedule's
  classes and its busiest week as a grid. ``space`` (or Enter, or a click on the highlighted
  class or a double click on its block) locks a class (the rest is chosen around it) or
  unlocks it; ``t`` puts the schedule in the Shopping cart, all or nothing, and
  ``c`` (or the link) opens the cart, ready for Enrol all.
- No schedule: the assistant's explanation, the courses that cannot be combined marked in the
  list, and why classes were left out.

Narrow (under 110 columns) the page shows one view at a time: the schedules with their
classes, the week grid (``v``), or the courses and preferences (``o``).
"""

from __future__ import annotations

import asyncio
from datetime import time
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.events import Resize

from ..errors import ServiceError
from ..i18n import (
    N_,
    _,
    format_date,
    format_ec,
    ngettext,
    pgettext,
    weekday_name,
)
from ..services.schemas import day_label
from ..theme import BAD, GOOD, PRIMARY, WARN
from ..widgets.columns import Column, fit_columns
from ..widgets.footer import UsisFooter
from ..widgets.literal import Checkbox, DataTable, Input, Label, Select, Static
from ..widgets.menu_link import MenuLink
from ..widgets.problems import ProblemList
from ..widgets.week_grid import WeekGrid
from ..widgets.week_list import component_label, component_short
from .academics_common import semester_label
from .base import UsisScreen
from .calls import service_worker

if TYPE_CHECKING:
    from ..services.schedule import (
        ScheduleCartOutcome,
        ScheduleOutcome,
        SchedulePick,
        SchedulePrefs,
        ScheduleResult,
        ScheduleSources,
    )

WIDE = 110  # from this many columns the courses and preferences stand beside the results
SETUP_WIDTH = 42  # wide: the column of courses and preferences (styles/schedule.tcss)
PREFS_WIDTH = 40  # narrow: the preferences beside the courses (styles/schedule.tcss)
DEBOUNCE = 0.12  # seconds: a burst of changes is solved once, for the last one
#: the choices of "No classes before" / "No classes after"
BEFORE_TIMES = ("09:00", "10:00", "11:00", "12:00", "13:00")
AFTER_TIMES = ("13:00", "15:00", "16:00", "17:00", "18:00", "19:00")
LOCK_MARK = "●"  # a locked class (space)
WEEKDAYS = range(5)  # Monday to Friday: the days off to choose from
COMPONENTS = ("Lecture", "Tutorial", "Practical", "Exam")  # those a schedule has


def period_text(academic_year: str, semester: int) -> str:
    """"Semester 2 2026-2027"."""
    return f"{semester_label(semester)} {academic_year}"


def hours_text(minutes: int) -> str:
    """Minutes as "10h45" (Dutch "10u45"); "0" for none."""
    if not minutes:
        return "0"
    # Translators: hours and minutes in a narrow column, e.g. "10h45" (Dutch "10u45")
    return _("{hours}h{minutes}").format(hours=minutes // 60, minutes=f"{minutes % 60:02d}")


def days_text(days: list[int] | tuple[int, ...]) -> str:
    """"Fri" / "Mon, Fri"."""
    return ", ".join(weekday_name(d) for d in days)


def why_text(result: ScheduleResult, results: list[ScheduleResult]) -> Text:
    """What sets a schedule apart, in a few words: "Fri free", "classes on Fri" (a day you
    wanted off), "2 classes outside your hours"; for the best one "fewest gaps", "no wait
    list" when the others have more; for the others what they have more than the best one:
    "4h45 more gaps", "1 more wait list", "1 more day"."""
    best = results[0]
    parts: list[tuple[str, str]] = []
    free = [d for d in WEEKDAYS if d not in result.days]
    if free:
        parts.append((_("{days} free").format(days=days_text(free)), f"bold {GOOD}"))
    if result.off_days_used:
        parts.append((_("classes on {days}").format(days=days_text(result.off_days_used)),
                      f"bold {WARN}"))
    if result.early_late:
        parts.append((ngettext("{n} class outside your hours", "{n} classes outside your hours",
                               result.early_late).format(n=result.early_late), WARN))
    if result is best:
        others = results[1:]
        if others and all(r.gaps_minutes > best.gaps_minutes for r in others):
            parts.append((_("fewest gaps"), ""))
        if not best.waitlisted and any(r.waitlisted for r in others):
            parts.append((_("no wait list"), ""))
    else:
        more_days = len(result.days) - len(best.days)
        if more_days > 0:
            parts.append((ngettext("{n} more day", "{n} more days", more_days).format(
                n=more_days), ""))
        more_gaps = result.gaps_minutes - best.gaps_minutes
        if more_gaps > 0:
            parts.append((_("{time} more gaps").format(time=hours_text(more_gaps)), ""))
        more_waits = result.waitlisted - best.waitlisted
        if more_waits > 0:
            parts.append((ngettext("{n} more wait list", "{n} more wait lists",
                                   more_waits).format(n=more_waits), ""))
    if not parts:
        parts.append((_("the best fit") if result is best else _("as good as the best"), ""))
    text = Text()
    for i, (words, style) in enumerate(parts):
        if i:
            text.append("; ")
        text.append(words, style=style)
    return text


def prefs_summary(prefs: SchedulePrefs) -> str:
    """The preferences in a line: "Fri off, from 11:00, compact days, open seats first"."""
    return prefs.describe(short=True)


def pick_status_label(kind: str) -> Text:
    """"✓ Enrolled" (already on the schedule), "▲ Wait List", "● Open"."""
    if kind == "enrolled":
        return Text("✓ " + _("Enrolled"), style=f"bold {GOOD}")
    if kind == "waitlist":
        return Text("▲ " + _("Wait List"), style=f"bold {WARN}")
    return Text("● " + _("Open"), style=f"bold {GOOD}")


def pick_status(pick: SchedulePick) -> Text:
    """A class of a schedule: already on the student's schedule, a wait list place, or open."""
    return pick_status_label("enrolled" if pick.enrolled else "waitlist" if pick.waitlist
                             else "open")


class CourseTable(DataTable):
    """The chosen courses; ``x`` (or Delete) removes the highlighted one."""

    BINDINGS: ClassVar = [
        Binding("x,delete", "remove", N_("Remove"), tooltip=N_("Remove the highlighted course"),
                id="schedule_assistant.remove"),
    ]

    def action_remove(self) -> None:
        screen = self.screen
        if isinstance(screen, ScheduleAssistantScreen):
            screen.remove_course()


class CourseInput(Input):
    """The catalogue number to add (Enter adds it; Escape leaves the field, not the page)."""

    BINDINGS: ClassVar = [
        Binding("escape", "leave", N_("Leave field"),
                tooltip=N_("Back to the schedules (the page stays open)"),
                id="schedule_assistant.leave"),
    ]

    def action_leave(self) -> None:
        screen = self.screen
        if isinstance(screen, ScheduleAssistantScreen):
            screen.leave_field()


class ScheduleAssistantScreen(UsisScreen):
    PAGE = "Schedule assistant"
    CSS_PATH = "../styles/schedule.tcss"
    HORIZONTAL_BREAKPOINTS: list[tuple[int, str]] | None = [(0, "-narrow"), (WIDE, "-wide")]
    BINDINGS: ClassVar = [
        Binding("t", "to_cart", N_("To cart"),
                tooltip=N_("Put the highlighted schedule in your Shopping cart (all or "
                           "nothing)"), id="schedule_assistant.to-cart"),
        Binding("space", "lock", N_("Lock"),
                tooltip=N_("Lock or unlock the highlighted class: the other classes are "
                           "chosen around it"), id="schedule_assistant.lock"),
        Binding("v", "view('grid')", N_("Grid"), tooltip=N_("The week grid of the schedule"),
                id="schedule_assistant.view-grid"),
        Binding("v", "view('list')", N_("List"), tooltip=N_("The classes of the schedule"),
                id="schedule_assistant.view-list"),
        Binding("o", "setup(True)", N_("Courses"), tooltip=N_("Courses and preferences"),
                id="schedule_assistant.setup-true"),
        Binding("o", "setup(False)", N_("Schedules"), tooltip=N_("Back to the schedules"),
                show=False, id="schedule_assistant.setup-false"),
        Binding("1", "day_off(0)", N_("Days off"), key_display="1-5",
                tooltip=N_("1 to 5: Monday to Friday off, or on again"),
                id="schedule_assistant.day-off-0"),
        Binding("2", "day_off(1)", N_("Tuesday off"), show=False,
                id="schedule_assistant.day-off-1"),
        Binding("3", "day_off(2)", N_("Wednesday off"), show=False,
                id="schedule_assistant.day-off-2"),
        Binding("4", "day_off(3)", N_("Thursday off"), show=False,
                id="schedule_assistant.day-off-3"),
        Binding("5", "day_off(4)", N_("Friday off"), show=False,
                id="schedule_assistant.day-off-4"),
        Binding("a", "add", N_("Add"), tooltip=N_("Add a course by its catalogue number"),
                id="schedule_assistant.add"),
        Binding("n", "add_needed", N_("Still needed"),
                tooltip=N_("Add the courses you still need to follow in this period"),
                id="schedule_assistant.add-needed"),
        Binding("k", "add_cart", N_("Cart courses"),
                tooltip=N_("Add the courses in your Shopping cart"),
                id="schedule_assistant.add-cart"),
        Binding("p", "period", N_("Period"),
                tooltip=N_("Another period (academic year and semester)"),
                id="schedule_assistant.period"),
        Binding("c", "open_cart", N_("Cart"), tooltip=N_("The Shopping cart: Enrol all"),
                id="schedule_assistant.open-cart"),
        Binding("f5", "solve", N_("Find again"), show=False, id="schedule_assistant.solve"),
    ]

    def __init__(self, courses: list[str] | tuple[str, ...] | None = None) -> None:
        super().__init__()
        self.given = [c.strip().upper() for c in courses or () if c.strip()]
        self.sources: ScheduleSources | None = None
        self.periods: list[tuple[str, int]] = []
        self.period: tuple[str, int] | None = None
        self.courses: list[str] = []
        self.unconfirmed: set[str] = set()  # added, not yet accepted by the service
        self.titles: dict[str, str] = {}
        self.locks: dict[str, str] = {}  # class number -> catalogue number
        self.outcome: ScheduleOutcome | None = None
        self.solved_prefs: SchedulePrefs | None = None
        self.view = "list"
        self.carted: tuple[int, ScheduleCartOutcome] | None = None
        self.origin = ""  # where the first courses came from
        self.solving = False
        self.loaded = False
        self._keep_class: str | None = None  # the class to stay on after a re-solve
        self._short_types = False  # "Lec" instead of "Lecture" in a narrow class table

    # ------------------------------------------------------------------ layout
    def compose_body(self) -> ComposeResult:
        from ..services.academics import coming_semester

        coming = coming_semester(self.usis_app.now())  # until the service says so
        with Horizontal(id="sa-bar"):
            yield Static("", id="sa-title")
            yield Static("", id="sa-count")
        yield Static("", id="sa-line")
        yield ProblemList(id="sa-problems")
        with Horizontal(id="sa-body"):
            with Horizontal(id="sa-setup"):
                with Vertical(id="sa-courses-box", classes="block") as box:
                    box.border_title = _("Courses")
                    with Horizontal(classes="sa-row"):
                        yield Label(_("Period"), classes="sa-label sa-short")
                        yield Select([(period_text(*coming), self._period_key(coming))],
                                     id="sa-period", compact=True, allow_blank=False)
                    yield CourseTable(id="sa-courses", cursor_type="row")
                    with Horizontal(classes="sa-row"):
                        yield Label(_("Add"), classes="sa-label sa-short")
                        yield CourseInput(placeholder=_("catalogue number, e.g. 4031CNETY"),
                                          id="sa-add", compact=True, max_length=12,
                                          restrict=r"[0-9A-Za-z]*")
                    yield Static("", id="sa-course-note", classes="muted")
                with Vertical(id="sa-side"):
                    with Vertical(id="sa-prefs-box", classes="block") as box:
                        box.border_title = _("Preferences")
                        yield Label(_("Days off (1-5)"), classes="sa-label")
                        with Horizontal(id="sa-days", classes="sa-row"):
                            for day in WEEKDAYS:
                                yield Checkbox(day_label(day), id=f"sa-day-{day}", compact=True)
                        with Horizontal(classes="sa-row"):
                            yield Label(_("No classes before"), classes="sa-label")
                            yield Select([(t, t) for t in BEFORE_TIMES], prompt="–",
                                         id="sa-before", compact=True)
                        with Horizontal(classes="sa-row"):
                            yield Label(_("No classes after"), classes="sa-label")
                            yield Select([(t, t) for t in AFTER_TIMES], prompt="–",
                                         id="sa-after", compact=True)
                        yield Checkbox(_("Compact days (fewest gaps)"), id="sa-compact",
                                       compact=True)
                        yield Checkbox(_("Fewest days on campus"), id="sa-fewest", compact=True)
                        yield Checkbox(_("Open seats over wait lists"), value=True,
                                       id="sa-prefer-open", compact=True)
                        yield Checkbox(_("Only classes with a free seat"), id="sa-open-only",
                                       compact=True)
                    yield Static(_("Space or Enter on a class locks it: every schedule keeps "
                                   "it, the other classes are chosen around it; again unlocks "
                                   "it. t puts the highlighted schedule in your Shopping cart, "
                                   "all or nothing."),
                                 id="sa-help", classes="muted")
            with Vertical(id="sa-right"):
                with Vertical(id="sa-done"):
                    yield Static("", id="sa-done-text")
                    yield MenuLink(N_("Open the Shopping cart: Enrol all"), "Shopping cart",
                                   id="sa-cart-link")
                yield DataTable(id="sa-results", cursor_type="row", zebra_stripes=True)
                with VerticalScroll(id="sa-explain"):
                    yield Static("", id="sa-explain-text")
                yield DataTable(id="sa-classes", cursor_type="row")
                yield Static("", id="sa-grid-title")
                yield WeekGrid(id="sa-grid")

    def on_mount(self) -> None:
        self.query_one("#sa-done").display = False
        for footer in self.query(UsisFooter):
            footer.compact = True
        self._set_view("list")
        self._bar()
        self.query_one("#sa-results", DataTable).focus()
        self.load()

    @property
    def wide(self) -> bool:
        return self.size.width >= WIDE

    def on_resize(self, event: Resize) -> None:
        self._fit_tables()
        self.refresh_bindings()

    # ------------------------------------------------------------------ keys
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        narrow = not self.wide
        setup = narrow and self.view == "setup"
        results = self.outcome is not None and bool(self.outcome.results)
        if action == "view":  # v: the grid or the list (narrow)
            target = parameters[0] if parameters else ""
            return narrow and results and self.view in ("list", "grid") and self.view != target
        if action == "setup":  # o: the courses and preferences or back (narrow)
            wanted = bool(parameters[0]) if parameters else True
            return narrow and setup != wanted
        if action in ("lock", "to_cart"):
            return results and not setup
        if action == "day_off":
            return not setup
        if action in ("add", "add_needed", "add_cart", "period"):
            return not narrow or setup
        if action == "open_cart":
            return self.carted is not None
        return True

    def action_view(self, name: str) -> None:
        if self.wide:
            return
        self._set_view(name)
        if name == "grid":
            self.query_one(WeekGrid).focus()
        else:
            self.query_one("#sa-results", DataTable).focus()

    def action_setup(self, show: bool) -> None:
        if self.wide:
            return
        if not show:
            self.action_view("list")
            return
        self._set_view("setup")
        table = self.query_one("#sa-courses", DataTable)
        (table if self.courses else self.query_one("#sa-add")).focus()

    async def action_open_cart(self) -> None:
        await self.usis_app.navigate("Shopping cart")

    def _set_view(self, name: str) -> None:
        self.view = name
        for view in ("list", "grid", "setup"):
            self.set_class(view == name, f"-{view}")
        self._bar()
        self.refresh_bindings()

    def action_back(self) -> None:
        if not self.wide and self.view != "list":
            self.action_view("list")
            return
        super().action_back()

    def action_day_off(self, day: int) -> None:
        box = self.query_one(f"#sa-day-{day}", Checkbox)
        box.value = not box.value  # its Changed finds the schedules again

    def action_add(self) -> None:
        if not self.wide:
            self._set_view("setup")
        self.query_one("#sa-add", Input).focus()

    def action_add_needed(self) -> None:
        if self.sources is None:
            return
        self._add_many(self.sources.still_needed,
                       _("You need no more courses in {period}.").format(
                           period=self._period_text()))

    def action_add_cart(self) -> None:
        if self.sources is None:
            return
        self._add_many(self.sources.cart,
                       _("Your Shopping cart has no classes in {period}.").format(
                           period=self._period_text()))

    def _add_many(self, numbers: list[str], none: str) -> None:
        if not numbers:
            self.notify(none, timeout=5)
            return
        new = [n for n in numbers if n not in self.courses]
        if not new:
            self.notify(ngettext("{courses} is chosen already.", "{courses} are chosen already.",
                                 len(numbers)).format(courses=", ".join(numbers)), timeout=5)
            return
        self.courses.extend(new)
        self._fill_courses()
        self.solve()

    def action_period(self) -> None:
        if len(self.periods) < 2 or self.period is None:
            return
        index = (self.periods.index(self.period) + 1) % len(self.periods)
        self.query_one("#sa-period", Select).value = self._period_key(self.periods[index])

    def action_solve(self) -> None:
        self.solve(delay=0)

    def action_lock(self) -> None:
        pick = self._focused_pick()
        if pick is None:
            return
        number = pick.cls.class_number
        if pick.enrolled:
            self.notify(_("Class {number} is on your schedule already: it is in every "
                          "schedule.").format(number=number), timeout=5)
            return
        if number in self.locks:
            del self.locks[number]
        else:
            self.locks[number] = pick.cls.catalogue_number
        self._keep_class = number
        self.solve(delay=0)

    def _focused_pick(self) -> SchedulePick | None:
        """The class to lock: the grid's selected block or the class table's row; elsewhere
        the class table is focused first."""
        result = self._current_result()
        if result is None:
            self.notify(_("There is no schedule yet."), timeout=4)
            return None
        focused = self.focused
        number: str | None = None
        if isinstance(focused, WeekGrid):
            selected = focused.selected
            number = selected.class_number if selected is not None else None
        elif focused is not None and focused.id == "sa-classes":
            table = self.query_one("#sa-classes", DataTable)
            if 0 <= table.cursor_row < table.row_count:
                number = self._class_at(table.cursor_row)
        else:
            if not self.wide and self.view == "grid":
                self.query_one(WeekGrid).focus()
            else:
                self.query_one("#sa-classes", DataTable).focus()
            self.notify(_("Choose a class with the arrow keys, then press space to lock it."),
                        timeout=5)
            return None
        for pick in result.picks:
            if pick.cls.class_number == number:
                return pick
        if number is not None:  # a block of the student's own other classes
            self.notify(_("Class {number} is not part of this schedule.").format(number=number),
                        timeout=4)
        return None

    # ------------------------------------------------------------------ loading
    @service_worker(exclusive=True, group="schedule-load", problems="#sa-problems")
    async def load(self) -> None:
        student = self.usis_app.student_number
        if student is None:
            return
        data = await self.fetch(self._fetch_sources, student)
        if data is None:
            return
        sources, years = data
        self.sources = sources
        coming = (sources.academic_year, sources.semester)
        self.periods = [(code, s) for code in years for s in (1, 2) if (code, s) >= coming][:4]
        if coming not in self.periods:
            self.periods.insert(0, coming)
        self.period = coming
        select = self.query_one("#sa-period", Select)
        with self.prevent(Select.Changed):
            select.set_options([(period_text(*p), self._period_key(p)) for p in self.periods])
            select.value = self._period_key(coming)
        if self.given:
            self.courses = list(dict.fromkeys(self.given))
            self.origin = _("The courses you planned under Courses still needed.")
        else:
            self.courses = list(sources.still_needed)
            self.origin = (_("Started with the courses you still need in {period}.").format(
                period=period_text(*coming)) if self.courses else
                _("You need no more courses in {period}: add a catalogue number.").format(
                    period=period_text(*coming)))
        self.loaded = True
        self._fill_courses()
        if not self.courses:  # nothing to start with: where the courses are chosen
            if not self.wide:
                self._set_view("setup")
            self.query_one("#sa-add", Input).focus()
        self.solve(delay=0)

    def _fetch_sources(self, student: str) -> tuple[ScheduleSources, list[str]]:
        usis = self.usis_app.usis
        return usis.schedule.sources(student), [y.code for y in usis.catalogue.years()]

    @staticmethod
    def _period_key(period: tuple[str, int]) -> str:
        return f"{period[0]}/{period[1]}"

    def _period_text(self) -> str:
        return period_text(*self.period) if self.period else ""

    # ------------------------------------------------------------------ solving
    def prefs(self) -> SchedulePrefs:
        from ..services.schedule import SchedulePrefs

        def when(widget_id: str) -> time | None:
            value = self.query_one(widget_id, Select).value
            if not isinstance(value, str):
                return None
            hour, minute = value.split(":")
            return time(int(hour), int(minute))

        def ticked(widget_id: str) -> bool:
            return self.query_one(widget_id, Checkbox).value

        return SchedulePrefs(
            days_off=tuple(d for d in WEEKDAYS if ticked(f"#sa-day-{d}")),
            no_before=when("#sa-before"), no_after=when("#sa-after"),
            compact=ticked("#sa-compact"), fewest_days=ticked("#sa-fewest"),
            prefer_open=ticked("#sa-prefer-open"),
            seats="open" if ticked("#sa-open-only") else "waitlist")

    @service_worker(exclusive=True, group="schedule-solve", problems="#sa-problems")
    async def solve(self, delay: float = DEBOUNCE) -> None:
        if delay:
            await asyncio.sleep(delay)  # a newer change cancels this one meanwhile
        student = self.usis_app.student_number
        if student is None or self.period is None:
            return
        if not self.courses:
            self.outcome = None
            self.query_one(ProblemList).clear()
            self._show_none()
            return
        prefs = self.prefs()
        self.solving = True
        self._bar()
        try:
            outcome = await self.call(
                self.usis_app.usis.schedule.solve, student, list(self.courses),
                academic_year=self.period[0], semester=self.period[1], prefs=prefs,
                locked=list(self.locks))
        except ServiceError as exc:
            if not self.is_attached:
                return
            self.solving = False
            self._refused(exc)
            return
        if not self.is_attached:
            return
        self.solving = False
        self.unconfirmed.clear()
        self.solved_prefs = prefs
        self.query_one(ProblemList).clear()
        self.show(outcome)

    def _refused(self, exc: ServiceError) -> None:
        """A refusal of the assistant: a course it does not know (or one too many) is taken off
        the list again; a lock it cannot keep is let go; the rest stays as it was."""
        problems = self.query_one(ProblemList)
        problems.show(exc.problems)
        if exc.code in ("unknown_course", "too_many_courses") and self.unconfirmed:
            self.courses = [c for c in self.courses if c not in self.unconfirmed]
            self.unconfirmed.clear()
            self._fill_courses()
        elif exc.code == "bad_lock" and self.locks:
            self.locks.clear()
            self.notify(_("Your locked classes were unlocked: {why}").format(
                why=" ".join(p.message for p in exc.problems)), timeout=8)
            self.solve(delay=0)
        self._bar()

    # ------------------------------------------------------------------ showing
    def show(self, outcome: ScheduleOutcome) -> None:
        self.outcome = outcome
        for course in outcome.courses:
            self.titles[course.catalogue_number] = course.title
        # a lock the assistant no longer knows (its course removed) is gone
        self.locks = {n: c for n, c in self.locks.items() if n in outcome.locked}
        self._fill_courses()
        self._bar()
        self.set_class(not outcome.results, "-none")
        if outcome.results:
            self._fill_results()
        else:
            self._explain()
            if self.focused is not None and self.focused.id in (
                    "sa-results", "sa-classes", "sa-grid"):  # hidden now
                if self.wide:
                    self.query_one("#sa-courses", DataTable).focus()
                else:
                    self.set_focus(None)
        self.refresh_bindings()

    def _show_none(self) -> None:
        self.set_class(True, "-none")
        self.refresh_bindings()
        self._fill_courses()
        self._bar()
        self.query_one("#sa-explain-text", Static).update(Text(
            _("Choose your courses: type a catalogue number (a), or take the courses you still "
              "need (n) or those in your Shopping cart (k)."), style="italic"))

    def _bar(self) -> None:
        title = Text(_("Schedule assistant"), style=f"bold {PRIMARY}")
        if self.period is not None:
            title.append(" · " + self._period_text(), style="bold")
        self.query_one("#sa-title", Static).update(title)
        count = Text()
        outcome = self.outcome
        if self.solving:
            count.append(_("Finding schedules…"), style="italic")
        elif outcome is not None and self.courses:
            n = len(outcome.results)
            if n:
                count.append(ngettext("{n} schedule", "{n} schedules", n).format(n=n),
                             style=f"bold {GOOD}")
            else:
                count.append(_("No schedule"), style=f"bold {BAD}")
            if self.wide:
                count.append(" · " + ngettext(
                    "{n} combination checked", "{n} combinations checked",
                    outcome.checked).format(n=outcome.checked))
        if self.locks:
            count.append(" · ")
            count.append(f"{LOCK_MARK} " + _("locked: {classes}").format(
                classes=", ".join(self.locks)), style=f"bold {PRIMARY}")
        self.query_one("#sa-count", Static).update(count)
        # narrow: which courses and preferences, in one line (o changes them)
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(_("Courses") + ": ", style="bold")
        line.append(", ".join(self.courses) or "–")
        summary = prefs_summary(self.prefs())
        if summary:
            line.append(" · " + summary)
        self.query_one("#sa-line", Static).update(line)

    def _fit_tables(self) -> None:
        """The tables' columns for the width (the setup column's widths are in the .tcss)."""
        width = self.size.width
        right = width - (SETUP_WIDTH if self.wide else 0) - 1
        results = self.query_one("#sa-results", DataTable)
        columns: list[Column] = [("#", "rank", 2), (_("Score"), "score", 5),
                                 (_("Days"), "days", max(4, len(_("Days")))),
                                 (_("Gaps"), "gaps", max(5, len(_("Gaps")))),
                                 (_("Wait lists"), "waitlisted", len(_("Wait lists"))),
                                 (_("Why"), "why", None)]
        fit_columns(results, columns, right)
        classes = self.query_one("#sa-classes", DataTable)
        self._short_types = right < 76
        types = [component_short(c) if self._short_types else component_label(c)
                 for c in COMPONENTS]
        statuses = [pick_status_label(kind).plain for kind in ("enrolled", "waitlist", "open")]
        fit_columns(classes, [(LOCK_MARK, "lock", 1), (_("Course"), "course", 10),
                              (_("Type"), "type", max(len(_("Type")), *map(len, types))),
                              (pgettext("column", "Class"), "class", 5),
                              (_("Days and times"), "times", None),
                              (_("Status"), "status", max(len(_("Status")),
                                                           *map(len, statuses)))], right)
        courses = self.query_one("#sa-courses", DataTable)
        box = SETUP_WIDTH if self.wide else width - PREFS_WIDTH
        # Translators: a narrow column: how many classes of the course the assistant may use
        usable = pgettext("schedule column", "Classes")
        fit_columns(courses, [(" ", "mark", 1), (_("Course"), "course", 10),
                              (_("Title"), "title", None),
                              (usable, "classes", max(3, len(usable)))], box - 4)
        self._refill()

    def _refill(self) -> None:
        """The rows again after the columns changed (a resize): the same schedule stays
        highlighted."""
        self._fill_courses()
        if self.outcome is not None and self.outcome.results:
            self._fill_results(self.query_one("#sa-results", DataTable).cursor_row)

    def _fill_courses(self) -> None:
        table = self.query_one("#sa-courses", DataTable)
        if not table.columns:
            return
        row = table.cursor_row
        table.clear()
        outcome = self.outcome
        rows = {c.catalogue_number: c for c in outcome.courses} if outcome else {}
        conflict = set(outcome.conflict) if outcome else set()
        for number in self.courses:
            info = rows.get(number)
            if number in conflict:
                mark = Text("✗", style=f"bold {BAD}")
            elif info is not None and info.classes == 0:
                mark = Text("!", style=f"bold {WARN}")
            else:
                mark = Text("")
            title = self.titles.get(number, "")
            table.add_row(mark, Text(number, style=f"bold {BAD}" if number in conflict else ""),
                          title, "" if info is None else str(info.classes), key=number)
        if self.courses:
            table.move_cursor(row=min(max(row, 0), len(self.courses) - 1), animate=False)
        self._course_note()

    @on(DataTable.RowHighlighted, "#sa-courses")
    def _course_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._course_note()

    def _course_note(self) -> None:
        """Under the courses: the highlighted course's classes that were left out and why, or
        where the courses came from."""
        note = self.query_one("#sa-course-note", Static)
        table = self.query_one("#sa-courses", DataTable)
        outcome = self.outcome
        text = Text(self.origin)
        if outcome is not None and 0 <= table.cursor_row < len(self.courses):
            if text.plain:
                text.append("\n")
            number = self.courses[table.cursor_row]
            info = next((c for c in outcome.courses if c.catalogue_number == number), None)
            if info is not None:
                text.append(f"{number} · {format_ec(info.ec)} · ", style="bold")
                text.append(ngettext("{n} class can be used", "{n} classes can be used",
                                     info.classes).format(n=info.classes))
                for reason in info.left_out[:3]:
                    text.append("\n" + _("Left out: {reason}").format(reason=reason))
                if len(info.left_out) > 3:
                    text.append("\n" + _("… and {n} more").format(n=len(info.left_out) - 3))
        note.update(text)

    def _fill_results(self, row: int = 0) -> None:
        outcome = self.outcome
        table = self.query_one("#sa-results", DataTable)
        if outcome is None or not table.columns:
            return
        table.clear()
        for r in outcome.results:
            table.add_row(str(r.rank), str(r.score), str(len(r.days)), hours_text(r.gaps_minutes),
                          str(r.waitlisted), why_text(r, outcome.results), key=str(r.rank))
        row = min(max(row, 0), len(outcome.results) - 1)
        table.move_cursor(row=row, animate=False)
        self._show_result(row)

    @on(DataTable.RowHighlighted, "#sa-results")
    def _result_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_result(event.cursor_row)

    @on(DataTable.RowSelected, "#sa-results")
    def _result_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        target = self.query_one(WeekGrid) if not self.wide and self.view == "grid" else (
            self.query_one("#sa-classes", DataTable))
        target.focus()

    @on(DataTable.RowSelected, "#sa-classes")
    def _class_selected(self, event: DataTable.RowSelected) -> None:
        """Enter, or a click on the highlighted class: lock or unlock it (as space)."""
        event.stop()
        self.action_lock()

    @on(WeekGrid.Activated, "#sa-grid")
    def _block_activated(self, event: WeekGrid.Activated) -> None:
        event.stop()
        self.action_lock()

    def _current_result(self) -> ScheduleResult | None:
        outcome = self.outcome
        if outcome is None or not outcome.results:
            return None
        row = self.query_one("#sa-results", DataTable).cursor_row
        return outcome.results[row] if 0 <= row < len(outcome.results) else outcome.results[0]

    def _show_result(self, row: int) -> None:
        outcome = self.outcome
        if outcome is None or not 0 <= row < len(outcome.results):
            return
        result = outcome.results[row]
        table = self.query_one("#sa-classes", DataTable)
        keep = self._keep_class
        if keep is None and 0 <= table.cursor_row < table.row_count:
            keep = self._class_at(table.cursor_row)
        table.clear()
        for pick in result.picks:
            c = pick.cls
            lock = Text(LOCK_MARK, style=f"bold {PRIMARY}") if pick.locked else Text("")
            comp = (component_short(c.component) if self._short_types
                    else component_label(c.component))
            table.add_row(lock, c.catalogue_number, comp, c.class_number, c.days_times,
                          pick_status(pick), key=c.class_number)
        numbers = [p.cls.class_number for p in result.picks]
        if keep in numbers:
            table.move_cursor(row=numbers.index(keep), animate=False)
        self._keep_class = None
        grid = self.query_one(WeekGrid)
        grid.show(result.preview, select=keep)
        legend = Text.assemble(
            (_("Schedule {rank}").format(rank=result.rank), "bold"),
            " · " + _("its busiest week, from {date}").format(
                date=format_date(result.preview.monday)) + "  ",
            ("┊", f"bold {PRIMARY}"), " " + _("Planned") + "  ",
            ("█", f"bold {PRIMARY}"), " " + _("Enrolled"))
        self.query_one("#sa-grid-title", Static).update(legend)

    def _class_at(self, row: int) -> str:
        """The class number of a row of the class table."""
        table = self.query_one("#sa-classes", DataTable)
        return str(table.coordinate_to_cell_key(Coordinate(row, 0)).row_key.value)

    def _explain(self) -> None:
        """No schedule: the assistant's sentences, then the classes it could not use."""
        outcome = self.outcome
        if outcome is None:
            return
        text = Text()
        text.append("✗ " + _("No schedule fits these courses in {period}.").format(
            period=period_text(outcome.academic_year, outcome.semester)), style=f"bold {BAD}")
        for sentence in outcome.explanation:
            text.append("\n" + sentence)
        if outcome.conflict:
            text.append("\n\n")
            text.append(ngettext("In the way: {courses}", "Cannot be combined: {courses}",
                                 len(outcome.conflict)).format(
                courses=", ".join(outcome.conflict)), style=f"bold {BAD}")
        left = [(c.catalogue_number, reason) for c in outcome.courses for reason in c.left_out]
        if left:
            text.append("\n\n")
            text.append(_("Classes left out"), style="bold")
            for number, reason in left:
                text.append(f"\n  {number} ", style="bold")
                text.append(reason)
        text.append("\n\n")
        text.append(_("Press o for your courses and preferences; x there removes a course.")
                    if not self.wide else _("x on the list of courses removes a course."),
                    style="italic")
        self.query_one("#sa-explain-text", Static).update(text)
        self.query_one("#sa-classes", DataTable).clear()

    # ------------------------------------------------------------------ changes
    @on(Input.Submitted, "#sa-add")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        number = event.value.strip().upper()
        field = self.query_one("#sa-add", Input)
        if not number:
            return
        field.value = ""
        if number in self.courses:
            self.notify(ngettext("{courses} is chosen already.", "{courses} are chosen already.",
                                 1).format(courses=number), timeout=4)
            return
        self.courses.append(number)
        self.unconfirmed.add(number)
        self._fill_courses()
        self.solve(delay=0)

    def leave_field(self) -> None:
        """Escape in the catalogue number field: to the schedules, or to the courses when
        there are none (or in the narrow courses view)."""
        results = self.outcome is not None and bool(self.outcome.results)
        if (not self.wide and self.view == "setup") or (self.wide and not results):
            self.query_one("#sa-courses", DataTable).focus()
        else:
            self.query_one("#sa-results", DataTable).focus()

    def remove_course(self) -> None:
        table = self.query_one("#sa-courses", DataTable)
        if not 0 <= table.cursor_row < len(self.courses):
            return
        number = self.courses.pop(table.cursor_row)
        self.unconfirmed.discard(number)
        self.locks = {n: c for n, c in self.locks.items() if c != number}
        self._fill_courses()
        self.solve()

    @on(Checkbox.Changed)
    def _checkbox(self, event: Checkbox.Changed) -> None:
        event.stop()
        self._prefs_changed()

    @on(Select.Changed, "#sa-before, #sa-after")
    def _time_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._prefs_changed()

    def _prefs_changed(self) -> None:
        if not self.loaded:
            return
        self._bar()
        if self.prefs() != self.solved_prefs:
            self.solve()

    @on(Select.Changed, "#sa-period")
    def _period_changed(self, event: Select.Changed) -> None:
        event.stop()
        value = event.value
        if not self.loaded or not isinstance(value, str):
            return
        code, _sep, semester = value.partition("/")
        period = (code, int(semester))
        if period == self.period:
            return
        self.period = period
        self.locks.clear()
        self._bar()
        self.solve()

    # ------------------------------------------------------------------ to the cart
    def action_to_cart(self) -> None:
        self.to_cart()

    @service_worker(exclusive=True, group="schedule-cart", problems="#sa-problems")
    async def to_cart(self) -> None:
        result = self._current_result()
        outcome = self.outcome
        if result is None or outcome is None:
            self.notify(_("There is no schedule to put in your Shopping cart."), timeout=5)
            return
        done = await self.fetch(self.usis_app.usis.schedule.to_cart,
                                self.usis_app.student_number, outcome.academic_year,
                                result.class_numbers)
        if done is None:
            return
        self.carted = (result.rank, done)
        text = Text("✓ ", style=f"bold {GOOD}")
        n = len(done.added)
        text.append(ngettext(
            "Schedule {rank} is in your Shopping cart: {n} class added ({classes}).",
            "Schedule {rank} is in your Shopping cart: {n} classes added ({classes}).",
            n).format(rank=result.rank, n=n, classes=", ".join(done.added) or "–"),
            style="bold")
        if done.replaced:
            text.append(" " + _("It replaced {classes} of the same courses.").format(
                classes=", ".join(done.replaced)))
        if done.kept:
            text.append(" " + _("Already in your cart or on your schedule: {classes}.").format(
                classes=", ".join(done.kept)))
        text.append(" " + _("Enrol all enrols them together (c)."))
        self.query_one("#sa-done-text", Static).update(text)
        self.query_one("#sa-done").display = True
        link = self.query_one("#sa-cart-link", MenuLink)
        link.focus()
        self.refresh_bindings()


__all__ = ["ScheduleAssistantScreen", "prefs_summary", "why_text"]
