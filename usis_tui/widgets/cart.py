"""The "Shopping cart": one row per class with a selection checkbox, the class facts and the live
enrolment check (what Enrol would do now, with every blocking reason for the highlighted row).

The cart is also the plan (student portal): classes whose enrolment has not opened yet can be put
in it, show when enrolment opens, and are judged for every other rule (clashes, requisites, ...)
straight away; "Enrol all" submits the whole cart at once when it opens.

The buttons ("Enrol", "Enrol all", "Validate", "Edit", "Delete"; ids ``cart-enrol``,
``cart-enrol-all``, ``cart-validate``, ``cart-edit`` and ``cart-delete``) check what is ticked
(or highlighted: Edit, also Enter on a row) here and post ``ShoppingCart.Enrol``,
``ShoppingCart.Validate``, ``ShoppingCart.Edit`` or ``ShoppingCart.Delete``; the page that holds
the cart handles them.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message

from ..i18n import N_, _, format_date, format_time, ngettext
from ..services.schemas import CartLine, EnrolResult, Problem, ScheduleLine
from .class_detail import (
    BAD,
    GOOD,
    PLAN,
    WARN,
    class_days_times,
    class_rooms,
    component_label,
    ec_text,
    opens_text,
    staff,
    status_text,
)
from .class_table import SHORT_REASON, clip, days_times
from .literal import Button, DataTable, Label, Static, literal
from .problems import ProblemList


def not_yet_open(line: CartLine) -> bool:
    return any(p.code == "not_yet_open" for p in line.problems)


def other_problems(line: CartLine) -> list[Problem]:
    """The problems besides "not yet open": what still stands in the way once it opens."""
    return [p for p in line.problems if p.code != "not_yet_open"]


def waitlist_position(line: CartLine) -> int:
    """The wait list position Enrol would give now."""
    return line.cls.waitlisted + 1


def flag_text(line: CartLine) -> Text:
    """Short per-row verdict: ✓ Can enrol, ▲ Wait list (n), ✗ <first problem> (+n), ▲ Clash
    <class> (with another class in the cart), ○ Opens 2 Dec 09:00 (planned, nothing else in the
    way)."""
    clash = line.cart_clashes
    if line.ready and line.would == "enrolled":
        return Text.assemble(("✓ ", f"bold {GOOD}"), _("Can enrol"))
    if line.ready:  # the wait list, as asked
        return Text.assemble(("▲ ", f"bold {WARN}"),
                             _("Wait list ({position})").format(position=waitlist_position(line)))
    others = other_problems(line)
    if clash and not others:
        more = f" +{len(clash) - 1}" if len(clash) > 1 else ""
        return Text.assemble(("▲ ", f"bold {WARN}"),
                             (_("Clash {number}").format(number=clash[0]) + more, WARN))
    if not_yet_open(line) and not others:
        opens = line.cls.enrol_opens_at
        return Text.assemble(("○ ", f"bold {PLAN}"),
                             (_("Opens {date} {time}").format(
                                 date=format_date(opens, year=False), time=format_time(opens)),
                              PLAN))
    ordered = others + [p for p in line.problems if p.code == "not_yet_open"]
    first = ordered[0] if ordered else None
    label = _(SHORT_REASON.get(first.code, N_("Refused")) if first else N_("Refused"))
    more = f" +{len(ordered) - 1}" if len(ordered) > 1 else ""
    return Text.assemble(("✗ ", f"bold {BAD}"), (label + more, BAD))


def line_problems_text(line: CartLine) -> Text:
    """The highlighted cart row in full, then what Enrol would do now and why."""
    c = line.cls
    text = Text.assemble((f"{c.class_number} {c.catalogue_number} ", "bold"), c.title,
                         f" ({component_label(c.component)}) · {class_days_times(c)} · "
                         f"{class_rooms(c)} · {staff(c.instructor)} · "
                         + _("{seats} seats taken").format(seats=c.seats))
    if line.wait_list_ok:
        text.append(" · " + _("wait list if full"))
    if line.permission_number:
        text.append(" · " + _("permission number {number}").format(
            number=line.permission_number))
    if line.cart_clashes:
        numbers = _(" and ").join(line.cart_clashes)
        text.append("\n")
        text.append("▲ ", style=f"bold {WARN}")
        text.append(ngettext("Clashes with class {numbers} in your Shopping cart",
                             "Clashes with classes {numbers} in your Shopping cart",
                             len(line.cart_clashes)).format(numbers=numbers), style="bold")
        text.append(_(": enrolling in both is refused (Time Scheduling Conflict); keep one."))
    if not line.problems:
        if line.would == "enrolled":
            text.append_text(Text.assemble("\n", ("✓ ", f"bold {GOOD}"),
                                           _("Enrol would add this class to your schedule.")))
        else:
            text.append_text(Text.assemble(
                "\n", ("▲ ", f"bold {WARN}"),
                _("The class is full: Enrol would put you on the wait list at position "
                  "{position}.").format(position=waitlist_position(line))))
        return text
    others = other_problems(line)
    if not_yet_open(line):
        text.append("\n")
        text.append("○ ", style=f"bold {PLAN}")
        text.append(_("Planned. Enrolment opens {date}").format(
            date=opens_text(c.enrol_opens_at)), style="bold")
        text.append(_(": keep it in your Shopping cart and select Enrol all (E) then."))
        if not others:
            text.append("\n")
            if c.enrolled >= c.capacity:
                text.append("▲ ", style=f"bold {WARN}")
                text.append(_("Nothing else in the way, but the class is full now: you would "
                              "join the wait list.") if line.wait_list_ok else
                            _("Nothing else in the way, but the class is full now: tick "
                              "\"Wait list if class is full\" or choose another class."))
            else:
                text.append("✓ ", style=f"bold {GOOD}")
                text.append(_("Nothing else in the way: it can be enrolled as soon as enrolment "
                              "opens."))
            return text
        text.append("\n")
        text.append("✗ ", style=f"bold {BAD}")
        text.append(_("Also in the way when it opens:"))
    else:
        text.append("\n")
        text.append("✗ ", style=f"bold {BAD}")
        text.append(_("Cannot be enrolled now:"))
    for p in others:
        text.append("\n  • ")
        text.append(p.message, style="bold")
        if p.hint:
            text.append(f"\n    {p.hint}", style="italic")
    return text


def plan_text(lines: list[CartLine], waiting: list[ScheduleLine]) -> Text:
    """The line over the cart: what Enrol all would do now, when the planned classes open, and
    the student's wait list positions."""
    text = Text()
    if lines:
        ready = sum(1 for line in lines if line.ready)
        planned = [line for line in lines if not_yet_open(line)]
        blocked = sum(1 for line in lines if other_problems(line))
        clashing = sum(1 for line in lines if line.cart_clashes)
        text.append(ngettext("{n} class in your cart: ", "{n} classes in your cart: ",
                             len(lines)).format(n=len(lines)))
        text.append(_("{n} can be enrolled now").format(n=ready),
                    style=f"bold {GOOD}" if ready else "")
        if planned:
            first = min(line.cls.enrol_opens_at for line in planned)
            text.append(" · ")
            text.append(_("{n} planned, enrolment opens {date}").format(
                n=len(planned), date=opens_text(first)), style=f"bold {PLAN}")
        if blocked:
            text.append(" · ")
            text.append(_("{n} with a problem to fix").format(n=blocked), style=f"bold {BAD}")
        if clashing:
            text.append(" · ")
            text.append(_("{n} clash with each other").format(n=clashing), style=f"bold {WARN}")
        text.append(_(". Enrol all (E) submits the whole cart at once."))
    if waiting:
        if text:
            text.append("\n")
        text.append("▲ ", style=f"bold {WARN}")
        text.append(_("On the wait list: "))
        text.append(", ".join(_("class {number} {catalogue_number} position {position}").format(
            number=w.cls.class_number, catalogue_number=w.cls.catalogue_number,
            position=w.waitlist_position) for w in waiting))
    return text


def results_text(results: list[EnrolResult], *, validate: bool = False) -> Table:
    """One entry per class: ✓ (enrolled), ▲ (wait list) or ✗ (not enrolled), the class, the uSis
    message, then every further reason with its hint, indented under the mark."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for r in results:
        if r.outcome == "enrolled":
            mark = Text("✓", style=f"bold {GOOD}")
        elif r.outcome == "waitlisted":
            mark = Text("▲", style=f"bold {WARN}")
        else:
            mark = Text("✗", style=f"bold {BAD}")
        body = Text.assemble((f"{r.class_number} {r.catalogue_number} ", "bold"),
                             f"{r.title} ({component_label(r.component)})")
        body.append("\n")
        body.append(r.message, style=f"bold {BAD}" if not r.ok else
                    (f"bold {GOOD}" if r.outcome == "enrolled" else f"bold {WARN}"))
        shown = {r.message}
        for p in r.problems:
            if p.message not in shown:
                body.append("\n")
                body.append(p.message, style=f"bold {BAD}")
                shown.add(p.message)
            if p.hint:
                body.append("\n")
                body.append(p.hint, style="italic")
        grid.add_row(mark, body)
    return grid


class CartTable(DataTable):
    """Shopping cart rows; Space ticks a row (the "Select" checkbox)."""

    BINDINGS = [
        Binding("space", "toggle_selected", N_("Select"),
                tooltip=N_("Tick or untick the highlighted class"), id="cart.toggle-selected"),
        # One key, and the Footer says what it does now: "Select all" until every class is
        # ticked, then "Select none".
        Binding("a", "select_all", N_("Select all"), tooltip=N_("Tick every class"),
                id="cart.select-all"),
        Binding("a", "select_none", N_("Select none"), tooltip=N_("Untick every class"),
                id="cart.select-none"),
        Binding("enter", "edit", N_("Edit"),
                tooltip=N_("Change the permission number or \"Wait list if class is full\" "
                           "of the highlighted class"), id="cart.edit"),
    ]

    class EditLine(Message):
        """Edit the highlighted line (Enter)."""

        def __init__(self, line: CartLine) -> None:
            super().__init__()
            self.line = line

    class SelectionChanged(Message):
        def __init__(self, table: CartTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> CartTable:
            return self.table

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.lines: dict[str, CartLine] = {}
        self.selected: set[int] = set()

    #: below this many columns Days & Times, Room and Instructor make room for Status and
    #: the Enrol check (the highlighted class's detail under the table names them)
    NARROW = 100

    def on_mount(self) -> None:
        self._narrow: bool | None = None
        self._columns()

    def _columns(self) -> bool:
        """(Re)make the columns for the screen's width; True when they changed."""
        narrow = self.screen.size.width < self.NARROW
        if narrow == self._narrow:
            return False
        self._narrow = narrow
        self.clear(columns=True)
        self.add_column(_("Select"), key="select")
        self.add_column(_("Class"), key="class")
        self.add_column(_("Description"), key="title")
        if not narrow:
            self.add_column(_("Days & Times"), key="days")
            self.add_column(_("Room"), key="room")
            self.add_column(_("Instructor"), key="instructor")
        self.add_column(Text("EC", justify="right"), key="ec")
        self.add_column(_("Status"), key="status")
        self.add_column(_("Enrol check"), key="check")
        return True

    def on_resize(self) -> None:
        if self._columns():
            self.show_lines(list(self.lines.values()))

    @staticmethod
    def box(ticked: bool) -> Text:
        return Text("[x]", style="bold") if ticked else Text("[ ]")

    def show_lines(self, lines: list[CartLine]) -> None:
        current = self.current
        self.clear()
        self.lines = {str(line.item_id): line for line in lines}
        self.selected &= {line.item_id for line in lines}
        self._columns()
        for line in lines:
            c = line.cls
            where = () if self._narrow else (clip(days_times(c), 17), clip(class_rooms(c), 11),
                                             clip(staff(c.instructor), 13))
            self.add_row(self.box(line.item_id in self.selected), c.class_number,
                         clip(f"{c.catalogue_number} {c.title}", 20), *where,
                         Text(ec_text(c.ec), justify="right"), status_text(c.status),
                         flag_text(line), key=str(line.item_id))
        if current is not None and str(current.item_id) in self.lines:
            self.move_cursor(row=self.get_row_index(str(current.item_id)), animate=False)
        self.refresh_bindings()
        self.post_message(self.SelectionChanged(self))

    @property
    def current(self) -> CartLine | None:
        if not self.row_count:
            return None
        return self.lines.get(self.ordered_rows[self.cursor_row].key.value or "")

    def set_selected(self, item_id: int, ticked: bool) -> None:
        if str(item_id) not in self.lines:
            return
        if ticked:
            self.selected.add(item_id)
        else:
            self.selected.discard(item_id)
        self.update_cell(str(item_id), "select", self.box(ticked))
        self.refresh_bindings()  # "Select all" or "Select none"
        self.post_message(self.SelectionChanged(self))

    def action_toggle_selected(self) -> None:
        line = self.current
        if line is not None:
            self.set_selected(line.item_id, line.item_id not in self.selected)

    @property
    def all_selected(self) -> bool:
        """Every class in the cart is ticked (and there is one)."""
        return bool(self.lines) and self.selected >= {line.item_id
                                                      for line in self.lines.values()}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "select_all":
            return bool(self.lines) and not self.all_selected
        if action == "select_none":
            return self.all_selected
        if action == "edit":
            return bool(self.lines)
        return True

    def action_edit(self) -> None:
        line = self.current
        if line is not None:
            self.post_message(self.EditLine(line))

    def action_select_all(self) -> None:
        for line in self.lines.values():
            if line.item_id not in self.selected:
                self.set_selected(line.item_id, True)

    def action_select_none(self) -> None:
        for line in self.lines.values():
            if line.item_id in self.selected:
                self.set_selected(line.item_id, False)

    def on_click(self, event) -> None:
        # A click in the "Select" column ticks the row, like the checkbox in uSis.
        meta = event.style.meta if event.style else {}
        if meta.get("column") == 0 and meta.get("row", -1) >= 0:
            self.call_after_refresh(self.action_toggle_selected)

    def selected_lines(self) -> list[CartLine]:
        return [line for line in self.lines.values() if line.item_id in self.selected]


class ShoppingCart(Vertical):
    """Title, table, the highlighted class's enrol check, messages, and the cart buttons. The
    buttons check the ticks here and post Enrol, Validate or Delete; the Add tab (AddPane,
    screens/enrol_add.py) calls the services."""

    class Enrol(Message):
        """Enrol (the ticked lines) or Enrol all (every line, now ticked): to step 2."""

        def __init__(self, lines: list[CartLine]) -> None:
            super().__init__()
            self.lines = lines

    class Validate(Message):
        """Validate these cart items (None: the whole cart shown)."""

        def __init__(self, item_ids: list[int] | None) -> None:
            super().__init__()
            self.item_ids = item_ids

    class Delete(Message):
        """Delete these lines from the Shopping cart."""

        def __init__(self, lines: list[CartLine]) -> None:
            super().__init__()
            self.lines = lines

    class Edit(Message):
        """"Edit" this line: its permission number and "Wait list if class is full"."""

        def __init__(self, line: CartLine) -> None:
            super().__init__()
            self.line = line

    BINDINGS = [
        Binding("e", "press('cart-enrol')", N_("Enrol"), tooltip=N_("Enrol in the ticked classes"),
                id="cart.press-cart-enrol"),
        Binding("E", "press('cart-enrol-all')", N_("Enrol all"),
                tooltip=N_("Enrol in every class in the Shopping cart at once"),
                id="cart.press-cart-enrol-all"),
        Binding("v", "press('cart-validate')", N_("Validate"),
                tooltip=N_("Check what Enrol would do, without enrolling"),
                id="cart.press-cart-validate"),
        Binding("d,delete", "press('cart-delete')", N_("Delete"),
                tooltip=N_("Remove the ticked (or highlighted) class from the Shopping cart"),
                id="cart.press-cart-delete"),
    ]

    DEFAULT_CSS = """
    ShoppingCart { height: auto; }
    ShoppingCart > #cart-title {
        text-style: bold; width: 1fr; background: $primary-muted; padding: 0 1;
    }
    ShoppingCart > CartTable { height: auto; max-height: 12; }
    ShoppingCart > #cart-empty { color: $text-muted; padding: 0 1; }
    ShoppingCart > #cart-plan { height: auto; padding: 0 1; }
    ShoppingCart > #cart-plan.-empty { display: none; }
    ShoppingCart > #cart-check { height: auto; padding: 0 1; }
    ShoppingCart > #cart-validate-results {
        height: auto; padding: 0 1; border: round $primary; display: none;
    }
    ShoppingCart > #cart-validate-results.-shown { display: block; }
    ShoppingCart > #cart-buttons { height: auto; margin-top: 1; }
    ShoppingCart > #cart-buttons Button { margin-right: 1; min-width: 12; }
    """

    def compose(self) -> ComposeResult:
        yield Label(_("Shopping cart"), id="cart-title")
        yield CartTable(id="cart-table")
        yield Static(_("Your Shopping cart is empty. You can plan ahead: put classes in it "
                       "before enrolment opens, and enrol in all of them at once when it does."),
                     id="cart-empty")
        yield Static("", id="cart-plan", classes="-empty")
        yield Static("", id="cart-check")
        yield ProblemList(id="cart-problems")
        yield Static("", id="cart-validate-results")
        with Horizontal(id="cart-buttons"):
            yield Button(_("Enrol"), id="cart-enrol", variant="primary", compact=True)
            yield Button(_("Enrol all"), id="cart-enrol-all", variant="primary", compact=True)
            yield Button(_("Validate"), id="cart-validate", compact=True)
            yield Button(_("Edit"), id="cart-edit", compact=True)
            yield Button(_("Delete"), id="cart-delete", variant="error", compact=True)

    @property
    def table(self) -> CartTable:
        return self.query_one(CartTable)

    def set_title(self, title: str) -> None:
        self.query_one("#cart-title", Label).update(title)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.waiting: list[ScheduleLine] = []

    def show_lines(self, lines: list[CartLine]) -> None:
        self.table.show_lines(lines)
        self.query_one("#cart-empty").display = not lines
        self.table.display = bool(lines)
        self._show_check()
        self._show_plan()

    def show_waiting(self, schedule: list[ScheduleLine]) -> None:
        """The student's wait list positions (from My Class Schedule), shown with the cart."""
        self.waiting = [line for line in schedule if line.status == "waitlisted"]
        self._show_plan()

    def _show_plan(self) -> None:
        plan = self.query_one("#cart-plan", Static)
        text = plan_text(list(self.table.lines.values()), self.waiting)
        plan.update(text)
        plan.set_class(not text.plain, "-empty")

    def show_problems(self, problems: list[Problem]) -> None:
        self.query_one(ProblemList).show(problems)

    def clear_messages(self) -> None:
        self.query_one(ProblemList).clear()
        box = self.query_one("#cart-validate-results", Static)
        box.update("")
        box.remove_class("-shown")

    def show_validation(self, results: list[EnrolResult]) -> None:
        box = self.query_one("#cart-validate-results", Static)
        box.border_title = literal(_("Validate"))
        box.update(results_text(results, validate=True))
        box.add_class("-shown")

    def _show_check(self) -> None:
        line = self.table.current
        check = self.query_one("#cart-check", Static)
        check.update(line_problems_text(line) if line else "")
        check.display = line is not None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_check()

    def action_press(self, button_id: str) -> None:
        self.query_one(f"#{button_id}", Button).press()

    @property
    def problems(self) -> ProblemList:
        return self.query_one(ProblemList)

    def focus_default(self) -> None:
        """The table, or Enrol when the cart is empty."""
        table = self.table
        if table.display and table.row_count:
            table.focus()
        else:
            self.query_one("#cart-enrol").focus()

    def show_deleted(self, lines: list[CartLine]) -> None:
        numbers = ", ".join(line.cls.class_number for line in lines)
        check = self.query_one("#cart-check", Static)
        check.update(Text.assemble(
            ("✓ ", f"bold {GOOD}"),
            ngettext("Class {numbers} deleted from your Shopping cart.",
                     "Classes {numbers} deleted from your Shopping cart.",
                     len(lines)).format(numbers=numbers)))
        check.display = True

    @on(Button.Pressed, "#cart-enrol")
    def _enrol(self, event: Button.Pressed) -> None:
        event.stop()
        self.clear_messages()
        lines = self.table.selected_lines()
        if not lines:
            self.show_problems([Problem(
                code="nothing_selected", message=_("Select at least one class to enrol."),
                hint=_("Tick the classes in your Shopping cart (Space, or click [ ]), then "
                       "select Enrol."))])
            self.focus_default()
            return
        self.post_message(self.Enrol(lines))

    @on(Button.Pressed, "#cart-enrol-all")
    def _enrol_all(self, event: Button.Pressed) -> None:
        """"Enrol all": every class in the cart (of this academic year), ticked, to step 2."""
        event.stop()
        self.clear_messages()
        table = self.table
        lines = list(table.lines.values())
        if not lines:
            self.show_problems([Problem(
                code="empty_cart", message=_("Your Shopping cart is empty."),
                hint=_("Add classes by their class number or search the course first; you can "
                       "do so before enrolment opens."))])
            self.focus_default()
            return
        for line in lines:
            if line.item_id not in table.selected:
                table.set_selected(line.item_id, True)
        self.post_message(self.Enrol(lines))

    @on(Button.Pressed, "#cart-validate")
    def _validate(self, event: Button.Pressed) -> None:
        event.stop()
        self.clear_messages()
        table = self.table
        ids = [line.item_id for line in table.selected_lines()] or None
        if not table.lines:
            self.show_problems([Problem(code="empty_cart",
                                        message=_("Your Shopping cart is empty."),
                                        hint=_("Add a class by its class number or search "
                                               "the course first."))])
            return
        self.post_message(self.Validate(ids))

    @on(CartTable.EditLine)
    def _edit_line(self, event: CartTable.EditLine) -> None:
        event.stop()
        self.clear_messages()
        self.post_message(self.Edit(event.line))

    @on(Button.Pressed, "#cart-edit")
    def _edit(self, event: Button.Pressed) -> None:
        event.stop()
        self.clear_messages()
        line = self.table.current
        if line is None:
            self.show_problems([Problem(code="nothing_selected",
                                        message=_("Highlight the class to edit."),
                                        hint=_("Add a class to your Shopping cart first."))])
            return
        self.post_message(self.Edit(line))

    @on(Button.Pressed, "#cart-delete")
    def _delete(self, event: Button.Pressed) -> None:
        event.stop()
        self.clear_messages()
        table = self.table
        lines = table.selected_lines() or ([table.current] if table.current else [])
        if not lines:
            self.show_problems([Problem(code="nothing_selected",
                                        message=_("Select the class to delete."),
                                        hint=_("Tick it (Space) or highlight it, then select "
                                               "Delete."))])
            return
        self.post_message(self.Delete(lines))
