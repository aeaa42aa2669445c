"""The MyTimetable week grid: days across, hour rows 08:00–22:00 down, one block per meeting.

A line-API widget: the whole grid is laid out into a cell buffer whenever the week, the size or
the selection changes, and ``render_line`` hands out one row of it.

- every block shows catalogue number and title, component and room (more lines when it is
  taller), coloured per course;
- kinds look different, also without colour: enrolled is a solid block, wait-listed a pale block
  with a ``▒`` edge, planned (in the Shopping cart) an unfilled block with a ``┊`` edge;
- overlapping meetings stand side by side (lanes) and carry a red ``!`` (a conflict);
- the hour height adapts: 1 row per hour at 80x24, more when the terminal is taller; when even
  one row per hour does not fit, the hours around the classes are shown;
- arrows move between blocks, Enter (or a double click) activates one, a click selects one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.color import Color
from textual.events import Click, Resize
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from ..i18n import N_, _, format_date, format_time, weekday_name
from ..services.timetable import Occurrence, WeekView
from ..text import clean
from ..theme import BAD, COURSE_COLOURS, ON_DARK
from .week_list import COMPONENT_SHORT, component_label, component_short  # noqa: F401 - COMPONENT_SHORT: its old home

FIRST_HOUR, LAST_HOUR = 8, 22
HOURS = LAST_HOUR - FIRST_HOUR
GUTTER = 6  # "08:00 "
# Course colours: dark enough for white text, far enough apart to tell courses apart.
PALETTE = COURSE_COLOURS
CONFLICT = BAD
def kind_label(o: Occurrence) -> str:
    """"Enrolled", "Provisional" (an exam enrolment to confirm), "Wait list #3", "Planned" in
    the current language."""
    return o.kind_label


EDGE = {"enrolled": " ", "waitlisted": "▒", "planned": "┊"}


def course_colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


@dataclass
class Placed:
    """Where one occurrence is drawn: grid rows [top, bottom) and columns [left, right)."""

    index: int  # into the visible occurrences
    occurrence: Occurrence
    day: int  # column index among the shown days
    top: int
    bottom: int
    left: int
    right: int
    lane: int
    lanes: int


@dataclass
class Geometry:
    width: int
    height: int
    days: list[date]
    rows_per_hour: int
    first_hour: int
    last_hour: int
    columns: list[int]  # x of each day column's separator, plus the right edge

    def row_of(self, moment: time) -> int:
        """Grid row (after the header row) where a time falls, rounded to the nearest row."""
        hours = moment.hour + moment.minute / 60 - self.first_hour
        return int(hours * self.rows_per_hour + 0.5)

    @property
    def grid_rows(self) -> int:
        return (self.last_hour - self.first_hour) * self.rows_per_hour


def geometry(width: int, height: int, days: Sequence[date],
             occurrences: Sequence[Occurrence] = ()) -> Geometry:
    """Fit hour rows into ``height`` (one header row) and day columns into ``width``."""
    avail = max(1, height - 1)
    first, last = FIRST_HOUR, LAST_HOUR
    rph = max(1, avail // HOURS)
    if avail < HOURS:
        # Not even one row an hour: show the hours around the classes of the week.
        shown = [o for o in occurrences if o.day in days]
        lo = min((o.start.hour for o in shown), default=FIRST_HOUR + 1)
        first = max(FIRST_HOUR, min(lo, LAST_HOUR - avail))
        last = first + avail
    n = max(1, len(days))
    span = max(n, width - GUTTER)
    columns = [GUTTER + (i * span) // n for i in range(n + 1)]
    return Geometry(width, height, list(days), rph, first, last, columns)


@dataclass(slots=True)
class _Box:
    """An occurrence being placed: its grid rows [top, bottom) and, once known, its lane."""

    index: int
    occurrence: Occurrence
    top: int
    bottom: int
    lane: int = 0


def place(occurrences: Sequence[Occurrence], geo: Geometry) -> list[Placed]:
    """Blocks with rows, lanes and columns. Overlapping blocks (on screen) go side by side."""
    placed: list[Placed] = []
    for d, day in enumerate(geo.days):
        todays = [(i, o) for i, o in enumerate(occurrences) if o.day == day]
        boxes: list[_Box] = []
        for i, o in todays:
            top = max(0, min(geo.grid_rows - 1, geo.row_of(o.start)))
            bottom = min(geo.grid_rows, max(top + 1, geo.row_of(o.end)))
            boxes.append(_Box(i, o, top, bottom))
        boxes.sort(key=lambda b: (b.top, -b.bottom, b.occurrence.class_number))
        # Clusters of boxes that overlap (transitively) share the column width.
        cluster: list[_Box] = []
        cluster_end = -1
        clusters: list[list[_Box]] = []
        for box in boxes:
            if cluster and box.top >= cluster_end:
                clusters.append(cluster)
                cluster, cluster_end = [], -1
            lane_ends: dict[int, int] = {}
            for other in cluster:
                lane_ends[other.lane] = max(lane_ends.get(other.lane, -1), other.bottom)
            lane = 0
            while lane in lane_ends and lane_ends[lane] > box.top:
                lane += 1
            box.lane = lane
            cluster.append(box)
            cluster_end = max(cluster_end, box.bottom)
        if cluster:
            clusters.append(cluster)
        x0, x1 = geo.columns[d] + 1, geo.columns[d + 1]
        inner = max(1, x1 - x0)
        for group in clusters:
            lanes = max(b.lane for b in group) + 1
            for b in group:
                left = x0 + (b.lane * inner) // lanes
                right = x0 + ((b.lane + 1) * inner) // lanes
                placed.append(Placed(b.index, b.occurrence, d, b.top, b.bottom, left,
                                     max(left + 1, right), b.lane, lanes))
    return placed


def short_code(catalogue_number: str, width: int) -> str:
    """"4031CARCY", or "CARCY" when the programme prefix does not fit."""
    if len(catalogue_number) > width and catalogue_number[:4].isdigit():
        return catalogue_number[4:]
    return catalogue_number


def fit(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` cells, with an ellipsis when something is lost."""
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)] + "…" if width > 1 else text[:width]


def wrap(text: str, width: int, lines: int) -> list[str]:
    """Word-wrap into at most ``lines`` lines; the last one ends in "…" if cut."""
    words, out, current = text.split(), [], ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= width:
            current = candidate
            continue
        if current:
            out.append(current)
        current = word
    if current:
        out.append(current)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = fit(out[-1] + " …", width)
    return [fit(line, width) for line in out] or [""]


def block_lines(o: Occurrence, width: int, height: int) -> list[str]:
    """The text of a block, most important first; each line at most ``width`` wide."""
    comp = component_label(o.component) if width >= 16 else component_short(o.component)
    room = o.room or _("TBA")
    tag = f"WL{o.waitlist_position or ''} " if o.kind == "waitlisted" else ""
    code = short_code(o.catalogue_number, width)
    # The title goes on the first line only if a useful part of it fits.
    first = f"{code} {o.title}" if width - len(code) - 1 >= 8 else code
    if height == 1:
        lines = [f"{tag}{code} {comp} {room}"]
    elif height == 2:
        lines = [first, f"{tag}{comp} {room}"]
    elif height == 3:
        lines = [first, f"{tag}{comp} {format_time(o.start)}", room]
    else:
        status = kind_label(o) if o.kind != "enrolled" or o.confirm_by else ""
        if o.conflicts:
            conflict = _("Conflict {classes}").format(classes=", ".join(o.conflicts))
            status = (status + " · " if status else "") + conflict
        fixed = [f"{comp} {o.times}" if width >= len(comp) + 12
                 else f"{comp} {format_time(o.start)}",
                 room]
        spare = height - len(fixed) - (1 if status else 0)  # lines for code and title
        whole = f"{code} {o.title}"
        if spare < 2 or len(whole) <= width:
            head = [first]
        else:
            head = [code] + wrap(o.title, width, spare - 1)
        lines = head + fixed
        if status:
            lines.append(status)
        if o.instructor and len(lines) < height:
            lines.append(o.instructor)
    return [fit(line, width) for line in lines[:height]]


def day_label(day: date, width: int) -> str:
    """A day column's heading for a column ``width`` wide: "Mon 23 Nov", "Mon 23" or "Mon"
    ("ma 23 nov.", "ma 23", "ma")."""
    if width >= 10:
        label = format_date(day, weekday=True, year=False)
        if len(label) <= width:
            return label
    name = weekday_name(day.weekday())
    return f"{name} {day.day}" if width >= 6 else name


class WeekGrid(Widget, can_focus=True):
    """The week as a grid of blocks. Set ``week`` with ``show(view, weekend=...)``."""

    DEFAULT_CSS = """
    WeekGrid { height: 1fr; width: 1fr; background: $surface; }
    WeekGrid > .week-grid--header { background: $panel; color: $foreground; text-style: bold; }
    WeekGrid > .week-grid--today { background: $primary; color: white; text-style: bold; }
    WeekGrid > .week-grid--gutter { color: $text-muted; background: $surface; }
    WeekGrid > .week-grid--odd { background: $panel 35%; }
    WeekGrid > .week-grid--even { background: $surface; }
    WeekGrid > .week-grid--today-column { background: $primary 8%; }
    WeekGrid > .week-grid--separator { color: $foreground 25%; }
    WeekGrid > .week-grid--empty { color: $text-muted; text-style: italic; }
    WeekGrid > .week-grid--selected { color: $foreground 70%; }
    WeekGrid:focus > .week-grid--selected { color: $accent; }
    """
    COMPONENT_CLASSES = {
        "week-grid--header", "week-grid--today", "week-grid--gutter", "week-grid--odd",
        "week-grid--even", "week-grid--today-column", "week-grid--separator",
        "week-grid--empty", "week-grid--selected",
    }
    BINDINGS = [
        Binding("left", "move(-1, 0)", N_("Previous day"), show=False,
                id="week_grid.move-1-0-2"),
        Binding("right", "move(1, 0)", N_("Next day"), show=False, id="week_grid.move-1-0"),
        Binding("up", "move(0, -1)", N_("Earlier"), show=False, id="week_grid.move-0-1-2"),
        Binding("down", "move(0, 1)", N_("Later"), show=False, id="week_grid.move-0-1"),
        Binding("home", "first", N_("First class"), show=False, id="week_grid.first"),
        Binding("end", "last", N_("Last class"), show=False, id="week_grid.last"),
        Binding("enter", "activate", N_("Details"), show=False, id="week_grid.activate"),
    ]

    class Selected(Message):
        """The selected block changed (None: nothing selected)."""

        def __init__(self, grid: WeekGrid, occurrence: Occurrence | None) -> None:
            super().__init__()
            self.grid = grid
            self.occurrence = occurrence

        @property
        def control(self) -> WeekGrid:
            return self.grid

    class Activated(Message):
        """Enter or a double click on a block."""

        def __init__(self, grid: WeekGrid, occurrence: Occurrence) -> None:
            super().__init__()
            self.grid = grid
            self.occurrence = occurrence

        @property
        def control(self) -> WeekGrid:
            return self.grid

    def __init__(self, *, name: str | None = None, id: str | None = None,  # noqa: A002 - Textual's widget `id` keyword
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.view: WeekView | None = None
        self.weekend = False
        self.kinds: frozenset[str] = frozenset({"enrolled", "waitlisted", "planned"})
        self.selected_key: str | None = None
        self.empty_message: list[str] = []
        self._placed: list[Placed] = []
        self._lines: list[Strip] = []
        self._hit: list[list[int]] = []
        self._dirty = True

    # ------------------------------------------------------------------ data
    @property
    def days(self) -> list[date]:
        if self.view is None:
            return []
        return self.view.days if self.weekend else self.view.days[:5]

    @property
    def shown(self) -> list[Occurrence]:
        """The occurrences drawn, in time order (the week's, on the shown days)."""
        if self.view is None:
            return []
        days = set(self.days)
        return [o for o in self.view.occurrences if o.day in days]

    @property
    def selected(self) -> Occurrence | None:
        for o in self.shown:
            if o.key == self.selected_key:
                return o
        return None

    def show(self, view: WeekView, *, weekend: bool | None = None,
             select: str | None = None, empty_message: list[str] | None = None) -> None:
        """Show a week. Keeps the selection if that block is still visible, else selects
        ``select`` or the first block (of today, in this week)."""
        self.view = view
        if weekend is not None:
            self.weekend = weekend
        self.empty_message = empty_message or []
        visible = self.shown
        keys = [o.key for o in visible]
        if select in keys:
            self.selected_key = select
        elif self.selected_key not in keys:
            todays = [o.key for o in visible if o.day >= view.today]
            self.selected_key = (todays[0] if view.contains_today and todays
                                 else keys[0] if keys else None)
        self._dirty = True
        self.refresh()
        self.post_message(self.Selected(self, self.selected))

    def select(self, key: str | None) -> None:
        if key == self.selected_key:
            return
        self.selected_key = key
        self._dirty = True
        self.refresh()
        self.post_message(self.Selected(self, self.selected))

    # ------------------------------------------------------------------ navigation
    def _placed_now(self) -> list[Placed]:
        self._ensure_layout()
        return self._placed

    def action_move(self, dx: int, dy: int) -> None:
        placed = sorted(self._placed_now(), key=lambda p: (p.day, p.top, p.lane))
        if not placed:
            return
        current = next((p for p in placed if p.occurrence.key == self.selected_key), None)
        if current is None:
            self.select(placed[0].occurrence.key)
            return
        if dy:
            same_day = [p for p in placed if p.day == current.day]
            i = same_day.index(current) + dy
            if 0 <= i < len(same_day):
                self.select(same_day[i].occurrence.key)
            return
        days = sorted({p.day for p in placed})
        later = [d for d in days if (d > current.day if dx > 0 else d < current.day)]
        if not later:
            return
        target = min(later) if dx > 0 else max(later)
        options = [p for p in placed if p.day == target]
        best = min(options, key=lambda p: (abs(p.top - current.top), p.lane))
        self.select(best.occurrence.key)

    def action_first(self) -> None:
        placed = sorted(self._placed_now(), key=lambda p: (p.day, p.top, p.lane))
        if placed:
            self.select(placed[0].occurrence.key)

    def action_last(self) -> None:
        placed = sorted(self._placed_now(), key=lambda p: (p.day, p.top, p.lane))
        if placed:
            self.select(placed[-1].occurrence.key)

    def action_activate(self) -> None:
        occurrence = self.selected
        if occurrence is not None:
            self.post_message(self.Activated(self, occurrence))

    def block_at(self, x: int, y: int) -> Occurrence | None:
        self._ensure_layout()
        if 0 <= y < len(self._hit) and 0 <= x < len(self._hit[y]):
            i = self._hit[y][x]
            if i >= 0:
                return self._placed[i].occurrence
        return None

    def on_click(self, event: Click) -> None:
        occurrence = self.block_at(event.x, event.y)
        if occurrence is None:
            return
        self.select(occurrence.key)
        if event.chain >= 2:
            self.post_message(self.Activated(self, occurrence))

    def on_resize(self, event: Resize) -> None:
        self._dirty = True
        self.refresh()

    # ------------------------------------------------------------------ rendering
    def _ensure_layout(self) -> None:
        if not self._dirty and len(self._lines) == self.size.height:
            return
        self._dirty = False
        self._build()

    def _build(self) -> None:
        width, height = self.size.width, self.size.height
        if width <= 0 or height <= 0:
            self._lines, self._hit, self._placed = [], [], []
            return
        days = self.days or []
        visible = self.shown
        geo = geometry(width, height, days, visible)
        self._placed = place(visible, geo)
        style = self.get_component_rich_style
        base = self.rich_style
        header_style = style("week-grid--header")
        today_style = style("week-grid--today")
        gutter_style = style("week-grid--gutter")
        row_styles = (style("week-grid--even"), style("week-grid--odd"))
        surface = Color.from_rich_color(row_styles[0].bgcolor) if row_styles[0].bgcolor else (
            Color.parse(ON_DARK))
        # Translucent colours (today's column tint, separators) are blended here by hand: a
        # partial Rich style cannot carry alpha.
        tint = self.get_component_styles("week-grid--today-column").background
        separator = self.get_component_styles("week-grid--separator").color
        selected_colour = self.get_component_styles("week-grid--selected").color

        def over(bg, colour: Color) -> Color:
            base_bg = Color.from_rich_color(bg) if bg is not None else surface
            return base_bg + colour

        def today_bg(st: Style) -> Style:
            return st + Style(bgcolor=over(st.bgcolor, tint).rich_color)

        def sep(st: Style) -> Style:
            return st + Style(color=over(st.bgcolor, separator).rich_color)
        today = self.view.today if self.view else None

        cells: list[list[tuple[str, Style]]] = [[(" ", base)] * width for _ in range(height)]
        hit = [[-1] * width for _ in range(height)]

        def put(y: int, x: int, text: str, st: Style, limit: int | None = None) -> None:
            if not 0 <= y < height:
                return
            end = width if limit is None else min(width, limit)
            row = cells[y]
            # every character of the grid passes here: titles and rooms come from the database
            for k, ch in enumerate(clean(text, oneline=True)):
                if 0 <= x + k < end:
                    row[x + k] = (ch, st)

        # Header row: day names.
        put(0, 0, " " * width, header_style)
        if self.view:
            # Translators: the week number in the grid's corner, 5 cells at most ("W48")
            corner = _("W{week}").format(week=self.view.week)
            put(0, 0, f"{corner:<{GUTTER}}", header_style)
        narrowest = min((geo.columns[d + 1] - geo.columns[d] - 1 for d in range(len(days))),
                        default=0)
        for d, day in enumerate(days):
            x0, x1 = geo.columns[d], geo.columns[d + 1]
            w = x1 - x0 - 1
            label = day_label(day, narrowest)
            st = today_style if day == today else header_style
            put(0, x0, " " * (x1 - x0), st)
            put(0, x0, "│", sep(header_style))
            put(0, x0 + 1 + max(0, (w - len(label)) // 2), label[:w], st, x1)

        # Hour rows.
        for r in range(height - 1):
            y = r + 1
            hour = geo.first_hour + r // geo.rows_per_hour
            in_grid = r < geo.grid_rows
            row_style = row_styles[(hour - FIRST_HOUR) % 2] if in_grid else row_styles[0]
            put(y, 0, " " * width, row_style)
            if not in_grid:
                continue
            if r % geo.rows_per_hour == 0:
                put(y, 0, f"{hour:02d}:00 ", gutter_style + Style(bgcolor=row_style.bgcolor))
            for d, day in enumerate(days):
                x0, x1 = geo.columns[d], geo.columns[d + 1]
                st = today_bg(row_style) if day == today else row_style
                if day == today:
                    put(y, x0 + 1, " " * (x1 - x0 - 1), st)
                put(y, x0, "│", sep(row_style))

        # Blocks.
        for n, p in enumerate(self._placed):
            o = p.occurrence
            colour = Color.parse(course_colour(o.colour))
            selected = o.key == self.selected_key
            if o.kind == "enrolled":
                fill = Style(bgcolor=colour.rich_color, color=ON_DARK)
                edge_style = fill
            elif o.kind == "waitlisted":
                pale = surface.blend(colour, 0.28)
                fill = Style(bgcolor=pale.rich_color, color=colour.darken(0.15).rich_color,
                             italic=True)
                edge_style = Style(bgcolor=pale.rich_color, color=colour.rich_color)
            else:
                fill = Style(bgcolor=surface.rich_color, color=colour.darken(0.1).rich_color)
                edge_style = Style(bgcolor=surface.rich_color, color=colour.rich_color,
                                   bold=True)
            top, bottom = p.top + 1, p.bottom + 1
            left, right = p.left, p.right
            width_b = right - left
            edge = width_b >= 5
            if selected:  # the block keeps its colours; a bar in the selection colour marks it
                edge_style = Style(bgcolor=fill.bgcolor, color=over(fill.bgcolor,
                                                                     selected_colour).rich_color)
            text_x = left + (1 if edge else 0)
            text_w = right - text_x - (1 if o.conflicts else 0)
            lines = block_lines(o, max(1, text_w), bottom - top)
            for y in range(top, bottom):
                put(y, left, " " * width_b, fill, right)
                if edge:
                    put(y, left, "█" if selected else EDGE[o.kind], edge_style, right)
                for x in range(left, right):
                    if 0 <= y < height and 0 <= x < width:
                        hit[y][x] = n
            for k, line in enumerate(lines):
                st = fill + Style(bold=True) if k == 0 else fill
                if selected and k == 0:
                    st += Style(underline=True) if edge else Style(reverse=True)
                put(top + k, text_x, line, st, right)
            if o.conflicts:
                put(top, right - 1, "!", Style(bgcolor=CONFLICT, color=ON_DARK, bold=True))
                if bottom - top > 1:
                    for y in range(top + 1, bottom):
                        put(y, right - 1, "▐", Style(color=CONFLICT, bgcolor=fill.bgcolor))

        # An empty week says so (and where the classes are).
        if not self._placed and self.empty_message and days:
            mid = 1 + max(0, (height - 1 - len(self.empty_message)) // 2)
            empty_style = style("week-grid--empty")
            for k, text in enumerate(self.empty_message):
                text = text[: max(0, width - GUTTER - 2)]
                x = GUTTER + max(0, (width - GUTTER - len(text)) // 2)
                bg = cells[mid + k][x][1] if mid + k < height and x < width else base
                put(mid + k, x, text, bg + empty_style)

        self._hit = hit
        self._lines = [self._strip(row) for row in cells]

    @staticmethod
    def _strip(row: list[tuple[str, Style]]) -> Strip:
        segments: list[Segment] = []
        text, current = "", None
        for ch, st in row:
            if st is current or st == current:
                text += ch
                continue
            if text:
                segments.append(Segment(text, current))
            text, current = ch, st
        if text:
            segments.append(Segment(text, current))
        return Strip(segments, len(row))

    def render_line(self, y: int) -> Strip:
        self._ensure_layout()
        if 0 <= y < len(self._lines):
            return self._lines[y]
        return Strip.blank(self.size.width, self.rich_style)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._dirty = True

    def on_focus(self) -> None:
        self._dirty = True
        self.refresh()

    def on_blur(self) -> None:
        self._dirty = True
        self.refresh()

    def text_lines(self) -> list[str]:
        """The grid as plain text (for tests and debugging)."""
        self._ensure_layout()
        return [strip.text for strip in self._lines]
