"""The Add tab of the Enrol page: step 1 "Select classes to add" (enter a class number or search
the course, the enrolment preferences, the Shopping cart), step 2 "Confirm classes" (with the "All
or nothing" option), step 3 "View results" (one line per class, and for a full class the other
classes of the same course, to enrol in or put in the cart straight away).

AddPane is the coordinator. The steps are widgets (widgets/enrol_add.py: NumberStep, PrefsStep,
ConfirmStep, ResultsStep; widgets/cart.py: ShoppingCart; ClassSearch) that check their own form
and post a Message; AddPane decides what it means: it calls the services (``run_task`` and
``call`` of the Enrol page), switches the view and shows the problems.

Only the class number step and the Shopping cart are composed; the other views are mounted the
first time they are shown (``open_view``, widgets/lazy.py). The class search gets the academic
year and the programmes that AddPane keeps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import ContentSwitcher

from ..i18n import N_, _
from ..services.schemas import (
    Alternative,
    CartLine,
    ClassInfo,
    EnrolRequest,
    EnrolResult,
    Problem,
    YearInfo,
)
from ..widgets.cart import ShoppingCart
from ..widgets.enrol_add import (
    ConfirmStep,
    NumberStep,
    PrefsStep,
    ResultsStep,
    added_note,
    alternative_note,
)
from ..widgets.lazy import OnDemand
from ..widgets.literal import Input
from ..widgets.steps import StepIndicator
from .enrol_search import ClassSearch

if TYPE_CHECKING:
    from .enrol import EnrolScreen

STEPS = (N_("Select classes to add"), N_("Confirm classes"), N_("View results"))
FULL = ("class_full", "class_and_waitlist_full")


class AddPane(Vertical):
    """Everything on the Add tab. ``view`` is one of entry, prefs, search, step2, step3."""

    BINDINGS = [
        Binding("s", "open_search", N_("Search"),
                tooltip=N_("Enrol by searching the course"), id="enrol_add.open-search"),
        Binding("c", "focus_cart", N_("Cart"), tooltip=N_("Go to the Shopping cart"),
                id="enrol_add.focus-cart"),
        Binding("n", "next", N_("Next"), tooltip=N_("Put the class in the Shopping cart"),
                id="enrol_add.next"),
        # The same key on the first view (the Shopping cart, the buttons): back to typing.
        Binding("n", "class_number", N_("Class number"),
                tooltip=N_("Type another class number"), id="enrol_add.class-number"),
        Binding("t", "to_cart", N_("To shopping cart"),
                tooltip=N_("Put the class in the Shopping cart"), id="enrol_add.to-cart"),
        Binding("w", "toggle_waitlist", N_("Wait list if full"), id="enrol_add.toggle-waitlist"),
        Binding("p", "previous", N_("Previous"), id="enrol_add.previous"),
        Binding("f", "finish", N_("Finish enrolling"), id="enrol_add.finish"),
        Binding("o", "toggle_all_or_nothing", N_("All or nothing"),
                tooltip=N_("Enrol in none of the classes unless every one can be enrolled"),
                id="enrol_add.toggle-all-or-nothing"),
        Binding("x", "cancel_wizard", N_("Cancel"), id="enrol_add.cancel-wizard"),
        Binding("a", "add_another", N_("Add another class"), id="enrol_add.add-another"),
        Binding("m", "my_schedule", N_("My Class Schedule"), id="enrol_add.my-schedule"),
    ]

    def __init__(self, *, class_number: str | None = None,
                 id: str | None = None) -> None:  # noqa: A002 - Textual's widget `id` keyword
        super().__init__(id=id)
        self.view = "entry"
        self.prefs_origin = "number"
        self.wizard_lines: list[CartLine] = []
        self.results: list[EnrolResult] = []
        self.alternatives: list[Alternative] = []
        self.full_ids: list[int] = []
        self._prefill = class_number or ""
        self._years: dict[str, YearInfo] = {}
        self._year = ""
        self._programmes: list[str] = []
        # The views mounted when first shown (entry, with the Shopping cart, is always there).
        self._prefs_step = OnDemand(self, "#add-flow", lambda: PrefsStep(id="prefs"))
        self._search_step = OnDemand(self, "#add-flow", lambda: ClassSearch(id="add-search"),
                                     fill=self._fill_search)
        self._confirm_step = OnDemand(self, "#add-step", lambda: ConfirmStep(id="step2"))
        self._results_step = OnDemand(self, "#add-step", lambda: ResultsStep(id="step3"))
        self._views: dict[str, OnDemand[PrefsStep] | OnDemand[ClassSearch]
                          | OnDemand[ConfirmStep] | OnDemand[ResultsStep]] = {
            "prefs": self._prefs_step, "search": self._search_step,
            "step2": self._confirm_step, "step3": self._results_step}

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield StepIndicator([_(step) for step in STEPS], separator="  ›  ", id="step-indicator")
        with ContentSwitcher(initial="step1", id="add-step"):
            with VerticalScroll(id="step1", can_focus=False):
                with ContentSwitcher(initial="entry", id="add-flow"):
                    yield NumberStep(class_number=self._prefill, id="entry")
                yield ShoppingCart(id="cart")

    @property
    def enrol(self) -> EnrolScreen:
        return self.screen  # type: ignore[return-value]

    @property
    def cart(self) -> ShoppingCart:
        return self.query_one(ShoppingCart)

    @property
    def number(self) -> NumberStep:
        return self.query_one(NumberStep)

    @property
    def search(self) -> ClassSearch:
        return self.query_one(ClassSearch)

    @property
    def prefs(self) -> PrefsStep:
        return self.query_one(PrefsStep)

    @property
    def confirm(self) -> ConfirmStep:
        return self.query_one(ConfirmStep)

    @property
    def outcome(self) -> ResultsStep:
        return self.query_one(ResultsStep)

    # ------------------------------------------------------------------ years
    def set_years(self, years: list[YearInfo], current: str, programmes: list[str]) -> None:
        self._years = {y.code: y for y in years}
        self.number.set_years([(y.label, y.code) for y in years], current)
        self._year = current
        self._programmes = programmes
        self._year_changed()

    def year_label(self, code: str | None = None) -> str:
        code = code or self._year
        info = self._years.get(code)
        return info.label if info else f"Studiejaar {code}"  # uSis's word in both languages

    def _year_changed(self) -> None:
        self._search_step.refill()
        self.cart.set_title(_("Shopping cart · {year}").format(year=self.year_label()))

    def _fill_search(self, search: ClassSearch) -> None:
        search.set_programmes(self._programmes)
        search.set_year(self._year, self.year_label())

    @on(NumberStep.YearChanged)
    def _year_selected(self, event: NumberStep.YearChanged) -> None:
        event.stop()
        if event.year != self._year:
            self._year = event.year
            self._year_changed()
            self.enrol.year_changed(self._year)

    # ------------------------------------------------------------------ views
    async def open_view(self, view: str) -> None:
        """Show ``view``, mounting it the first time."""
        if view in self._views:
            await self._views[view].get()
        self.show_view(view)

    def show_view(self, view: str) -> None:
        """Show ``view``, which is mounted (entry always is; else see ``open_view``)."""
        self.view = view
        step = {"step2": 2, "step3": 3}.get(view, 1)
        self.query_one(StepIndicator).step = step
        self.query_one("#add-step", ContentSwitcher).current = f"step{step}"
        if step == 1:
            self.query_one("#add-flow", ContentSwitcher).current = (
                "add-search" if view == "search" else view)
        self.refresh_bindings()

    def focus_default(self) -> None:
        if self.view == "search":
            self.search.focus_first()
        elif self.view == "prefs":
            self.prefs.focus_default()
        elif self.view == "step2":
            self.confirm.focus_default()
        elif self.view == "step3":
            self.outcome.focus_default()
        else:
            self.number.focus_default()

    def focus_cart(self) -> None:
        self.cart.focus_default()

    def back(self) -> bool:
        """One step back within the Add tab; False when already at the start."""
        if self.view == "entry":
            return False
        if self.view == "prefs" and self.prefs_origin == "search":
            self.show_view("search")
            self.query_one("#search-results").focus()
            return True
        self.show_view("entry")
        self.focus_default()
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        typing = isinstance(self.app.focused, Input)
        view = self.view
        if action == "open_search":
            return view == "entry" and not typing
        if action == "focus_cart":
            in_cart = self.app.focused is not None and self.cart in self.app.focused.ancestors
            return view in ("entry", "prefs", "search") and not typing and not in_cart
        if action == "next":
            return view == "prefs" and self.prefs_origin == "number" and not typing
        if action == "class_number":
            return view == "entry" and not typing
        if action == "to_cart":
            return view == "prefs" and self.prefs_origin == "search" and not typing
        if action == "toggle_waitlist":
            return view == "prefs" and not typing
        if action == "previous":
            return view in ("prefs", "step2") and not typing
        if action in ("finish", "cancel_wizard", "toggle_all_or_nothing"):
            return view == "step2"
        if action in ("add_another", "my_schedule"):
            return view == "step3"
        return True

    # ------------------------------------------------------------------ option 1: class number
    @on(NumberStep.Continue)
    def _continue(self, event: NumberStep.Continue) -> None:
        event.stop()
        self.enrol.run_task(self._lookup(event.class_number), problems=self.number.problems)

    async def _lookup(self, number: str) -> None:
        usis = self.enrol.usis_app.usis
        try:
            cls = await self.enrol.call(usis.catalogue.lookup, self._year, number,
                                        loading=self.number)
        except Exception:
            self.number.focus_number(select=True)  # type the number again, or s to search
            raise
        await self.show_prefs(cls, origin="number")

    # ------------------------------------------------------------------ option 2: search
    @on(NumberStep.OpenSearch)
    async def _open_search(self, event: NumberStep.OpenSearch) -> None:
        event.stop()
        await self.action_open_search()

    async def action_open_search(self) -> None:
        await self.open_view("search")
        self.search.focus_first()

    @on(ClassSearch.Chosen, "#add-search")
    async def _chosen(self, event: ClassSearch.Chosen) -> None:
        event.stop()
        await self.show_prefs(event.cls, origin="search")

    # ------------------------------------------------------------------ preferences
    async def show_prefs(self, cls: ClassInfo, *, origin: str) -> None:
        self.prefs_origin = origin
        prefs = await self._prefs_step.get()
        prefs.show(cls, origin=origin, year_label=self.year_label(cls.academic_year))
        self.show_view("prefs")
        prefs.focus_default()

    def action_next(self) -> None:
        if self.view == "prefs":
            self.prefs.submit()

    def action_class_number(self) -> None:
        """To the class number field (from the Shopping cart: three Shift+Tabs otherwise)."""
        if self.view == "entry":
            self.number.focus_number(select=True)

    def action_to_cart(self) -> None:
        if self.view == "prefs":
            self.prefs.submit()

    def action_toggle_waitlist(self) -> None:
        if self.view == "prefs":
            self.prefs.toggle_waitlist()

    @on(PrefsStep.Next)
    def _prefs_next(self, event: PrefsStep.Next) -> None:
        event.stop()
        if self.view != "prefs":
            return
        self.enrol.run_task(self._add_to_cart(event), problems=self.prefs.problems)

    async def _add_to_cart(self, choice: PrefsStep.Next) -> None:
        usis = self.enrol.usis_app.usis
        cls = choice.cls
        student = self.enrol.student
        if choice.origin == "number":
            line = await self.enrol.call(usis.cart.add, student, cls.academic_year,
                                         cls.class_number, wait_list_ok=choice.wait_list_ok,
                                         permission_number=choice.permission_number,
                                         loading=self.prefs)
        else:
            line = await self.enrol.call(usis.cart.add_section, student, cls.section_id,
                                         wait_list_ok=choice.wait_list_ok,
                                         permission_number=choice.permission_number,
                                         loading=self.prefs)
        self.number.show_added(cls)
        self.show_view("entry")
        await self.enrol.load_cart(tick=line.item_id)
        self.focus_cart()  # as uSis: Next takes you to the Shopping cart

    @on(PrefsStep.Previous)
    def _prefs_previous(self, event: PrefsStep.Previous) -> None:
        event.stop()
        self.back()

    def action_previous(self) -> None:
        self.back()

    def action_focus_cart(self) -> None:
        self.focus_cart()

    # ------------------------------------------------------------------ Shopping cart
    @on(ShoppingCart.Enrol)
    async def _cart_enrol(self, event: ShoppingCart.Enrol) -> None:
        event.stop()
        await self.start_wizard(event.lines)

    @on(ShoppingCart.Validate)
    def _cart_validate(self, event: ShoppingCart.Validate) -> None:
        event.stop()
        self.enrol.run_task(self._validate(event.item_ids), problems=self.cart.problems)

    async def _validate(self, ids: list[int] | None) -> None:
        usis = self.enrol.usis_app.usis
        table = self.cart.table
        results = await self.enrol.call(usis.cart.validate, self.enrol.student, ids, loading=table)
        if ids is None:  # the whole cart of this academic year
            shown = {line.cls.section_id for line in table.lines.values()}
            results = [r for r in results if r.section_id in shown]
        self.cart.show_validation(results)

    @on(ShoppingCart.Edit)
    def _cart_edit(self, event: ShoppingCart.Edit) -> None:
        event.stop()
        self.enrol.run_task(self._edit(event.line), problems=self.cart.problems)

    async def _edit(self, line: CartLine) -> None:
        """"Edit": the preferences of a cart class in a dialog that saves them."""
        from .enrol_edit import EditClassScreen

        usis = self.enrol.usis_app.usis
        student = self.enrol.student

        def save(wait_list_ok: bool, permission_number: str | None) -> CartLine:
            return usis.cart.update(student, line.item_id, wait_list_ok=wait_list_ok,
                                    permission_number=permission_number)

        updated = await self.app.push_screen_wait(EditClassScreen.for_cart(line, save))
        if updated is not None:
            await self.enrol.load_cart()  # its Enrol check, judged again, under the table
        self.focus_cart()

    @on(ShoppingCart.Delete)
    def _cart_delete(self, event: ShoppingCart.Delete) -> None:
        event.stop()
        self.enrol.run_task(self._delete(event.lines), problems=self.cart.problems)

    async def _delete(self, lines: list[CartLine]) -> None:
        usis = self.enrol.usis_app.usis
        table = self.cart.table
        for line in lines:
            await self.enrol.call(usis.cart.remove, self.enrol.student, line.item_id, loading=table)
        await self.enrol.load_cart()
        self.cart.show_deleted(lines)
        self.focus_cart()

    # ------------------------------------------------------------------ step 2: confirm
    async def start_wizard(self, lines: list[CartLine]) -> None:
        self.wizard_lines = lines
        confirm = await self._confirm_step.get()
        confirm.show(lines)
        self.show_view("step2")
        confirm.focus_default()

    @on(ConfirmStep.Previous)
    def _confirm_previous(self, event: ConfirmStep.Previous) -> None:
        event.stop()
        self.back()

    @on(ConfirmStep.Cancel)
    def _confirm_cancel(self, event: ConfirmStep.Cancel) -> None:
        event.stop()
        self.action_cancel_wizard()

    def action_toggle_all_or_nothing(self) -> None:
        if self.view == "step2":
            self.confirm.toggle_all_or_nothing()

    def action_cancel_wizard(self) -> None:
        self.show_view("entry")
        self.focus_cart()

    def action_finish(self) -> None:
        if self.view == "step2":
            self.confirm.submit()

    @on(ConfirmStep.Finish)
    def _confirm_finish(self, event: ConfirmStep.Finish) -> None:
        event.stop()
        if self.view != "step2" or not event.lines:
            return
        self.enrol.run_task(self._finish([line.item_id for line in event.lines],
                                         all_or_nothing=event.all_or_nothing),
                            problems=self.confirm.problems)

    async def _finish(self, item_ids: list[int], *, all_or_nothing: bool = False) -> None:
        usis = self.enrol.usis_app.usis
        try:
            results = await self.enrol.call(usis.cart.enrol, self.enrol.student, item_ids,
                                            all_or_nothing=all_or_nothing,
                                            loading=self.confirm)
        except Exception:
            self.confirm.allow_finish()
            await self.enrol.load_cart()
            raise
        self.results = results
        self.confirm.reset()  # "All or nothing" was for this Enrol only
        await self._results_step.get()
        self.outcome.show_results(results, all_or_nothing)
        # A full class (refused, or wait-listed): offer the other classes of the same course.
        self.full_ids = [r.section_id for r in results
                         if r.outcome == "waitlisted" or any(p.code in FULL for p in r.problems)]
        self.alternatives = (await self.enrol.call(usis.cart.alternatives, self.enrol.student,
                                                   self.full_ids)
                             if self.full_ids else [])
        self._show_alternatives()
        self.show_view("step3")
        self.outcome.scroll_home(animate=False)
        if self.alternatives:
            # After the layout: focusing scrolls the alternatives into view.
            self.call_after_refresh(self.outcome.alternatives_table.focus)
        else:
            self.outcome.focus_default()
        await self.enrol.load_all()

    # ------------------------------------------------------------------ step 3: results
    def _show_alternatives(self, note: Text | str = "") -> None:
        full = [r for r in self.results if r.section_id in self.full_ids]
        self.outcome.show_alternatives(full, self.alternatives, note)

    @on(ResultsStep.Choose)
    def _choose(self, event: ResultsStep.Choose) -> None:
        event.stop()
        self.enrol.run_task(self._alternative(event.alternative, event.action),
                            problems=self.outcome.alternative_problems)

    async def _alternative(self, alt: Alternative, action: str) -> None:
        usis = self.enrol.usis_app.usis
        student = self.enrol.student
        table = self.outcome.alternatives_table
        c = alt.cls
        refused: list[Problem] = []
        if action == "cart":
            await self.enrol.call(usis.cart.add_section, student, c.section_id, loading=table)
            note = added_note(alt)
        else:
            [result] = await self.enrol.call(
                usis.enrolment.enrol, student, [EnrolRequest(section_id=c.section_id)],
                loading=table)
            self.results = [*self.results, result]
            self.outcome.show_result_lines(self.results)
            original = next((r for r in self.results if r.class_number == alt.instead_of), None)
            note = alternative_note(alt, result, original)
            if not result.ok:
                refused = result.problems
        self.alternatives = await self.enrol.call(usis.cart.alternatives, student, self.full_ids)
        self._show_alternatives(note)
        if refused:
            self.outcome.show_refused(refused)
        await self.enrol.load_all()
        if self.alternatives:
            table.focus()

    @on(ResultsStep.AddAnother)
    def _results_add(self, event: ResultsStep.AddAnother) -> None:
        event.stop()
        self.action_add_another()

    def action_add_another(self) -> None:
        self.show_view("entry")
        self.number.show_note("")
        self.focus_default()

    @on(ResultsStep.MySchedule)
    async def _results_schedule(self, event: ResultsStep.MySchedule) -> None:
        event.stop()
        await self.action_my_schedule()

    async def action_my_schedule(self) -> None:
        self.screen.set_focus(None)  # (the step-3 button is hidden next: see EnrolScreen.show_tab)
        self.show_view("entry")
        await self.enrol.show_tab("schedule")
