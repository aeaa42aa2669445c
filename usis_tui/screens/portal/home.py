"""Course Portal: "Pick a course" — the course offering as a table (title, dates, place, price,
places left, language, lecturer, state) with a search field and filters (language, online or
on campus, only courses with places), the highlighted course's short description below it, and
Enter to open the course (course.py: its full detail and "Enrol").

Public: a guest (from the uSis Login, "Course Portal"), any signed-in uSis user (Main Menu) and
a learner logged in to the portal see it alike. Links and keys lead to My courses, My Records,
Portal messages, Verify a certificate and Log in / Log out.

Opened with ``offering=<id>`` (and ``pay=True``) it opens that course (and its payment) at once:
the page the portal's Log in returns to when logging in was asked for by "Enrol".
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Resize

from ...i18n import N_, _, format_money, ngettext, pgettext
from ...navigation import COURSE_PORTAL
from ...services.portal.schemas import OFFERING_STATE_LABELS, OfferingInfo
from ...widgets.columns import Column, fit_columns
from ...widgets.literal import Checkbox, DataTable, Input, Label, Select, Static, literal
from ...widgets.menu_link import MenuLink
from ...widgets.problems import ProblemList
from ..calls import service_worker
from .base import NARROW, PortalScreen
from .common import (
    dates_text,
    language_label,
    load_text,
    places_text,
    state_text,
    where_short,
    where_text,
)

ALL = "all"
#: the pages the home page links to (registry names) and their keys
LINKS = ((N_("My courses"), "link-my-courses"), (N_("My Records"), "link-records"),
         (N_("Portal messages"), "link-messages"), (N_("Verify a certificate"), "link-verify"))


def offering_cells(o: OfferingInfo) -> dict[str, object]:
    """A course's cells in the course offering, by column key."""
    return {"title": Text(o.title, style="bold" if o.can_enrol else ""),
            "dates": dates_text(o.starts_on, o.ends_on, year=False), "where": where_short(o),
            "price": format_money(o.price_cents), "places": places_text(o),
            "language": o.language.upper(), "lecturer": o.lecturer, "state": state_text(o)}


#: from this width the lecturer has a column too (below it the title gets the room; the
#: lecturer is in the course's panel under the table)
WIDE = 140


def detail_text(o: OfferingInfo) -> Text:
    text = Text()
    text.append(o.title, style="bold")
    text.append("  ")
    text.append_text(state_text(o))
    text.append("\n")
    text.append(_("{dates} · {where} · {language} · {lecturer} · {load}").format(
        dates=dates_text(o.starts_on, o.ends_on), where=where_text(o),
        language=language_label(o.language), lecturer=o.lecturer, load=load_text(o)) + "\n",
        style="italic")
    text.append(o.description)
    return text


class PortalHomeScreen(PortalScreen):
    PAGE = COURSE_PORTAL
    AUTO_FOCUS = "#offer-table"
    BINDINGS = [
        Binding("enter", "open_course", N_("Open course"),
                tooltip=N_("The course's full description, practical information, "
                           "cancellation policy and Enrol"), id="portal_home.open-course"),
        Binding("s", "search", N_("Search"), tooltip=N_("Type in the search field"),
                id="portal_home.search"),
        Binding("a", "available", N_("Only with places"),
                tooltip=N_("Show only courses with places (and again: every course)"),
                show=False, id="portal_home.available"),
        Binding("m", "app.navigate('My courses')", N_("My courses"),
                tooltip=N_("Your courses: pay, Manage Course, Withdraw, Evaluation"),
                id="portal_home.my-courses"),
        Binding("r", "app.navigate('My Records')", N_("My Records"),
                tooltip=N_("Your certificates and proofs of attendance"), show=False,
                id="portal_home.records"),
        Binding("i", "app.navigate('Portal messages')", N_("Portal messages"),
                tooltip=N_("Confirmations, reminders and reviews"), show=False,
                id="portal_home.messages"),
        Binding("v", "app.navigate('Verify a certificate')", N_("Verify a certificate"),
                tooltip=N_("Check a certificate's verification code"), show=False,
                id="portal_home.verify"),
        Binding("l", "login", N_("Log in"),
                tooltip=N_("Log in with ULCN, eduID or \"Other login\", or create an account"),
                id="portal_home.login"),
        Binding("o", "logout", N_("Log out"), tooltip=N_("Log out of the Course Portal"),
                id="portal_home.logout"),
    ]

    def __init__(self, offering: int | None = None, pay: bool = False) -> None:
        super().__init__()
        self.offerings: list[OfferingInfo] = []
        self._open_offering = offering
        self._pay = pay

    def compose_body(self) -> ComposeResult:
        with Vertical(id="page"):
            yield Label(_("Pick a course"), classes="page-title")
            with Horizontal(id="portal-links"):
                for label, link_id in LINKS:
                    yield MenuLink(label, id=link_id)
            with Horizontal(id="offer-filters"):
                yield Input(placeholder=_("Search: title, subject, lecturer"),
                            id="offer-search", compact=True)
                yield Select([(_("English"), "en"), (_("Dutch"), "nl")],
                             prompt=_("Any language"), id="offer-language", compact=True)
                yield Select([(_("On campus"), "campus"), (_("Online"), "online")],
                             prompt=_("Anywhere"), id="offer-where", compact=True)
                yield Checkbox(_("With places"), id="offer-available", compact=True)
            yield ProblemList(id="offer-problems")
            yield DataTable(id="offer-table", cursor_type="row", zebra_stripes=True)
            with Vertical(id="offer-detail", classes="block") as block:
                block.border_title = literal(_("Course"))
                yield Static(_("Loading…"), id="offer-detail-text")

    def on_mount(self) -> None:
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "login":
            return self.identity is None
        if action == "logout":
            return self.identity is not None
        return True

    def on_screen_resume(self) -> None:
        self.refresh_bindings()  # Log in / Log out after the Log in page
        if self.offerings:
            self.load()  # places change while one pays

    # ------------------------------------------------------------------ the table
    @property
    def narrow(self) -> bool:
        return self.size.width < NARROW

    def _filters(self) -> tuple[str, str | None, bool | None, bool]:
        query = self.query_one("#offer-search", Input).value
        language = self.query_one("#offer-language", Select).value
        where = self.query_one("#offer-where", Select).value
        available = self.query_one("#offer-available", Checkbox).value
        return (query, language if isinstance(language, str) else None,
                {"online": True, "campus": False}.get(where) if isinstance(where, str)
                else None, available)

    @service_worker(group="offerings", exclusive=True, problems="#offer-problems")
    async def load(self) -> None:
        query, language, online, available = self._filters()
        shown = self._current()
        found = await self.fetch(self.facade.portal.offerings, query, language=language,
                                 online=online, available_only=available)
        if found is None:
            return
        self.offerings = found
        self._fill(shown.id if shown else None)
        if self._open_offering is not None:
            wanted, self._open_offering = self._open_offering, None
            self.open_offering(wanted, pay=self._pay)

    def _fill(self, keep: int | None = None) -> None:
        table = self.query_one("#offer-table", DataTable)
        narrow = self.narrow
        sample = dates_text(date(2026, 11, 29), date(2026, 12, 30), year=False)
        state = max(len(_(label)) for label in OFFERING_STATE_LABELS.values()) + 2
        columns: list[Column] = [(_("Course"), "title", None),
                                 (_("Dates"), "dates", len(sample))]
        if not narrow:
            columns.append((_("Where"), "where", 9))
        columns += [(_("Price"), "price", len(format_money(189500))),
                    (pgettext("column", "Places"), "places", 6)]
        if not narrow:
            columns.append((pgettext("column", "Lang."), "language", 5))
        if self.size.width >= WIDE:
            columns.append((_("Lecturer"), "lecturer", 16))
        columns.append((_("State"), "state", state))
        # (two cells more for the scroll bar when the rows do not fit)
        fit_columns(table, columns, self.size.width - 6)
        for o in self.offerings:
            cells = offering_cells(o)
            table.add_row(*(cells[key] for _label, key, _width in columns), key=str(o.id))
        ids = [o.id for o in self.offerings]
        if keep in ids:
            table.move_cursor(row=ids.index(keep))
        count = ngettext("{count} course · Enter opens the selected one",
                         "{count} courses · Enter opens the selected one",
                         len(ids)).format(count=len(ids))
        self.query_one("#offer-detail").border_subtitle = literal(count)
        self._show_detail()

    def on_resize(self, event: Resize) -> None:
        if self.offerings:
            current = self._current()
            self._fill(current.id if current else None)

    def _current(self) -> OfferingInfo | None:
        table = self.query_one("#offer-table", DataTable)
        if not self.offerings or not 0 <= table.cursor_row < len(self.offerings):
            return None
        return self.offerings[table.cursor_row]

    def _show_detail(self) -> None:
        o = self._current()
        widget = self.query_one("#offer-detail-text", Static)
        if o is None:
            widget.update(Text(_("No course matches your search. Change the search or the "
                                 "filters."), style="italic"))
            return
        widget.update(detail_text(o))

    @on(DataTable.RowHighlighted, "#offer-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    @on(DataTable.RowSelected, "#offer-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_course()

    # ------------------------------------------------------------------ search and filters
    @on(Input.Changed, "#offer-search")
    @on(Select.Changed)
    @on(Checkbox.Changed, "#offer-available")
    def _filter_changed(self) -> None:
        self.load()

    @on(Input.Submitted, "#offer-search")
    def _search_done(self) -> None:
        self.query_one("#offer-table", DataTable).focus()

    def action_search(self) -> None:
        self.query_one("#offer-search", Input).focus()

    def action_available(self) -> None:
        box = self.query_one("#offer-available", Checkbox)
        box.value = not box.value

    # ------------------------------------------------------------------ actions
    def action_open_course(self) -> None:
        o = self._current()
        if o is not None:
            self._push_course(o)

    def open_offering(self, offering_id: int, *, pay: bool = False) -> None:
        """Open the course ``offering_id`` (and its payment): after logging in for it."""
        found = next((o for o in self.offerings if o.id == offering_id), None)
        if found is None:
            from ...services.schemas import Problem

            self.query_one(ProblemList).show([Problem(
                code="unknown_offering",
                message=_("This course is not in the Course Portal's offering."),
                hint=_("Choose a course from the course offering."))])
            return
        self.query_one("#offer-table", DataTable).move_cursor(
            row=self.offerings.index(found))
        self._push_course(found, pay=pay)

    def _push_course(self, o: OfferingInfo, *, pay: bool = False) -> None:
        from .course import CourseScreen

        self.app.push_screen(CourseScreen(o, pay=pay))

    async def action_login(self) -> None:
        await self.ask_login()

    async def action_logout(self) -> None:
        await self.usis_app.portal_sign_out()
        self.sync_header()
        self.refresh_bindings()
        self.notify(_("You are logged out of the Course Portal."), timeout=4)


__all__ = ["PortalHomeScreen", "detail_text", "offering_cells"]
