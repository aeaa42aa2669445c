"""The App factory: ``UsisApp(database_url=..., now=...)`` builds the app without running it.

Arguments that are None come from USIS_DATABASE_URL / USIS_NOW, then the embedded default
(a SQLite file in the user data dir) and the wall clock. The engine is created on first use,
never at import time.

On mount the app prepares the database in a worker ("Preparing the demo database…"), then shows
the Login screen. ``app.navigate(page)`` opens any page by its uSis name ("Student Center",
"Enrol", "Shopping cart", ...) with the screens of its breadcrumb underneath, so Escape walks
back along the breadcrumb. The command palette (ctrl+p) offers every page and, for a 4-digit
number, the class with that number in the current academic year.
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen
from textual.theme import Theme

from .clock import make_clock, resolve_now
from .errors import ConfigError

if TYPE_CHECKING:
    from .services import Usis
    from .services.schemas import Identity

# The PeopleSoft Campus Solutions look: white pages, grey panels, blue links and headers.
USIS_THEME = Theme(
    name="usis",
    primary="#1F4E79",      # PeopleSoft header / link blue
    secondary="#4A6F91",
    accent="#C25E00",       # focus / highlight (PeopleSoft orange)
    warning="#9C5700",
    error="#B3261E",
    success="#2E7D32",
    foreground="#1B1B1B",
    background="#F4F5F7",
    surface="#FFFFFF",
    panel="#DDE3EA",
    dark=False,
    variables={
        "block-cursor-background": "#1F4E79",
        "block-cursor-foreground": "#FFFFFF",
        "block-cursor-text-style": "bold",
        "footer-key-foreground": "#1F4E79",
        "footer-background": "#DDE3EA",
        "footer-description-foreground": "#1B1B1B",
        "input-selection-background": "#1F4E79 35%",
    },
)

# Every page by its uSis name: the breadcrumb steps below "Main Menu" that lead to it.
ENROL_TABS = {
    "Enrol": "add",
    "Class Search": "add",
    "Add": "add",
    "Drop": "drop",
    "Swap": "swap",
    "My Class Schedule": "schedule",
    "Shopping cart": "cart",
}
PAGES: dict[str, tuple[str, ...]] = {
    "Main Menu": (),
    "Self Service": ("Self Service",),
    "Student Center": ("Self Service", "Student Center"),
    "Message centre": ("Self Service", "Student Center", "Message centre"),
    "Timetable": ("Self Service", "Student Center", "Timetable"),
    "Petitions": ("Self Service", "Student Center", "Petitions"),
    "Petitions to handle": ("Petitions to handle",),
    **{name: ("Self Service", "Student Center", name) for name in ENROL_TABS},
}
# What each page is about, for the command palette.
PAGE_HELP = {
    "Main Menu": "Start page of uSis",
    "Self Service": "Your self-service pages",
    "Student Center": "Enrol, plan, your academics, holds, enrolment dates, messages",
    "Message centre": "Messages from uSis: enrolment results, wait list promotions",
    "Enrol": "Add classes: enrol by class number or by searching the course",
    "Class Search": "Enrol by searching the course",
    "Add": "Enrol: Add classes",
    "Drop": "Enrol: Drop classes",
    "Swap": "Enrol: Swap a class for another",
    "My Class Schedule": "Your enrolled and wait-listed classes",
    "Shopping cart": "Classes you plan to enrol in",
    "Timetable": "MyTimetable: your week, wait-listed and planned classes, .ics export",
    "Petitions": "My Academics: elective course, exemption, credits, external education",
    "Petitions to handle": "Board of Examiners: advise, decide and register grades",
}
STUDENT_ONLY = {name for name, steps in PAGES.items() if len(steps) >= 2}
BOARD_ONLY = {"Petitions to handle"}
ALIASES = {
    "home": "Main Menu", "menu": "Main Menu", "student centre": "Student Center",
    "messages": "Message centre", "message center": "Message centre", "cart": "Shopping cart",
    "shopping cart": "Shopping cart", "schedule": "My Class Schedule", "search": "Class Search",
    "add classes": "Add", "drop classes": "Drop", "swap classes": "Swap",
    "mytimetable": "Timetable", "my timetable": "Timetable", "petition": "Petitions",
    "board": "Petitions to handle", "board of examiners": "Petitions to handle",
}
STAFF_MESSAGE = ("{page} shows a student's own data. Staff will open it by acting as a "
                 "student (\"act as\"), which comes in a later release.")
CLASS_NUMBER = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def canonical_page(page: str) -> str | None:
    """The uSis page name for ``page`` (case-insensitive, a few aliases), or None."""
    wanted = page.strip().lower()
    for name in PAGES:
        if name.lower() == wanted:
            return name
    return ALIASES.get(wanted)


class UsisCommands(Provider):
    """Command palette: jump to any page by name; "Class 1052" finds the class."""

    @property
    def usis_app(self) -> UsisApp:
        return self.app  # type: ignore[return-value]

    def _pages(self) -> list[str]:
        app = self.usis_app
        if app.identity is None:
            return []
        return [p for p in PAGES if app.may_open(p)]

    async def discover(self) -> Hits:
        for page in self._pages():
            yield DiscoveryHit(page, partial(self.usis_app.navigate, page),
                               help=PAGE_HELP.get(page))

    async def search(self, query: str) -> Hits:
        app = self.usis_app
        matcher = self.matcher(query)
        for page in self._pages():
            score = matcher.match(page)
            if score > 0:
                yield Hit(score, matcher.highlight(page), partial(app.navigate, page),
                          text=page, help=PAGE_HELP.get(page))
        found = CLASS_NUMBER.search(query)
        if found is None or app.student_number is None:
            return
        number = found.group(1)
        try:
            year = await asyncio.to_thread(app.usis.catalogue.current_year)
            info = await asyncio.to_thread(app.usis.catalogue.lookup, year, number)
        except Exception as exc:  # ServiceError: unknown class; say so, offer the search
            message = getattr(exc, "problems", None)
            text = message[0].message if message else f"Class {number} not found."
            yield Hit(0.9, f"Class {number}: not found", partial(app.navigate, "Class Search"),
                      text=f"Class {number}", help=f"{text} Open the class search.")
            return
        label = f"Class {number} – {info.catalogue_number} {info.title} ({info.component})"
        yield Hit(1.0, label, partial(app.open_class, number), text=label,
                  help=f"{info.academic_year} · {info.status} · {info.seats} seats · "
                       f"{info.days_times} · open on Enrol › Add")


class UsisApp(App):
    TITLE = "uSis"
    SUB_TITLE = "Universiteit Leiden"
    CSS_PATH = ["styles/global.tcss", "styles/menus.tcss"]
    COMMANDS = App.COMMANDS | {UsisCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", tooltip="Quit uSis", priority=True, show=False),
    ]

    def __init__(self, database_url: str | None = None, now: datetime | str | None = None) -> None:
        super().__init__()
        self._database_url_arg = database_url
        self._database_url: str | None = None
        self.frozen_now = resolve_now(now)
        self.clock = make_clock(self.frozen_now)
        self._usis: Usis | None = None
        self.identity: Identity | None = None
        self.ready = False  # the database is prepared and the Login screen is up
        self.register_theme(USIS_THEME)
        self.theme = "usis"

    @property
    def database_url(self) -> str:
        """The argument, else USIS_DATABASE_URL, else the embedded default. Resolved on first
        use, so that SQLAlchemy is imported in the start-up worker, not before the first frame."""
        if self._database_url is None:
            from .db import resolve_database_url

            self._database_url = resolve_database_url(self._database_url_arg)
        return self._database_url

    @property
    def usis(self) -> Usis:
        if self._usis is None:
            from .db import Database
            from .services import Usis

            self._usis = Usis(Database(self.database_url), self.clock)
        return self._usis

    def now(self) -> datetime:
        return self.clock()

    @property
    def student_number(self) -> str | None:
        """The student whose data the screens show (the logged-in student)."""
        if self.identity is not None and self.identity.kind == "student":
            return self.identity.username
        return None

    # ------------------------------------------------------------------ start-up
    def on_mount(self) -> None:
        from .screens.login import StartupScreen

        self.push_screen(StartupScreen())
        self.run_worker(self._prepare, name="prepare-database", exclusive=True)

    def _ensure_database(self) -> None:
        from .bootstrap import ensure_database

        ensure_database(self.usis.db, self.now())

    async def _prepare(self) -> None:
        from .screens.login import DatabaseErrorScreen, LoginScreen

        try:
            await asyncio.to_thread(self._ensure_database)
        except ConfigError as exc:
            await self.switch_screen(DatabaseErrorScreen(str(exc)))
            return
        except Exception as exc:  # anything else: still one line, never a traceback
            first = (str(exc).splitlines() or [type(exc).__name__])[0]
            await self.switch_screen(DatabaseErrorScreen(
                f"Cannot prepare the database {self.database_url}: {first}"))
            return
        await self.switch_screen(LoginScreen())
        self.ready = True

    # ------------------------------------------------------------------ session
    async def signed_in(self, identity: Identity) -> None:
        """Called by the Login screen: show the Main Menu (the bottom of the page stack)."""
        from .screens.main_menu import MainMenuScreen

        self.identity = identity
        screen = MainMenuScreen()
        screen.usis_page = "Main Menu"  # type: ignore[attr-defined]
        # Not awaited: the caller is a handler of the Login screen that is being replaced.
        self.switch_screen(screen)

    async def action_sign_out(self) -> None:
        from .screens.login import LoginScreen

        if self.identity is None:
            return
        self.identity = None
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(LoginScreen())

    @property
    def user_label(self) -> str:
        """What the Header shows beside "uSis": the signed-in name and number."""
        if self.identity is None:
            return self.SUB_TITLE
        return f"{self.identity.name} ({self.identity.username})"

    def _label(self, screen: Any) -> None:
        # Each screen carries the name in its own sub_title: changing app.sub_title while a
        # screen (and its Header) is being removed crashes the Header's title watcher.
        if isinstance(screen, Screen) and screen.sub_title is None:
            screen.sub_title = self.user_label

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:
        self._label(screen)
        return super().push_screen(screen, *args, **kwargs)

    def switch_screen(self, screen: Any) -> Any:
        self._label(screen)
        return super().switch_screen(screen)

    # ------------------------------------------------------------------ navigation
    def _make_page(self, step: str, **options: Any) -> Screen:
        if step == "Self Service":
            from .screens.self_service import SelfServiceScreen

            screen: Screen = SelfServiceScreen()
        elif step == "Student Center":
            from .screens.student_center import StudentCenterScreen

            screen = StudentCenterScreen()
        elif step == "Message centre":
            from .screens.messages import MessageCentreScreen

            screen = MessageCentreScreen()
        elif step == "Timetable":
            screen = make_timetable_screen()
        elif step == "Petitions":
            from .screens.petitions import PetitionsScreen

            screen = PetitionsScreen()
        elif step == "Petitions to handle":
            from .screens.board import BoardQueueScreen

            screen = BoardQueueScreen()
        else:
            screen = make_enrol_screen(ENROL_TABS[step], **options)
        screen.usis_page = step  # type: ignore[attr-defined]
        return screen

    async def navigate(self, page: str, **options: Any) -> bool:
        """Open a page by its uSis name; the pages of its breadcrumb go underneath it.

        Returns False (and says why) when the page is unknown or not available to this user.
        """
        name = canonical_page(page)
        if name is None:
            self.notify(f"There is no page called {page!r}.", severity="error")
            return False
        if self.identity is None:
            self.notify("Sign in first.", severity="warning")
            return False
        if name in STUDENT_ONLY and self.student_number is None:
            self.notify(STAFF_MESSAGE.format(page=name), title="Student pages",
                        severity="warning", timeout=8)
            return False
        if not self.may_open(name):
            self.notify(f"{name} is for the Board of Examiners.", severity="warning")
            return False
        steps = PAGES[name]
        current = [getattr(s, "usis_page", None) for s in self.screen_stack[2:]]
        keep = 0
        while keep < min(len(current), len(steps)) and current[keep] == steps[keep]:
            keep += 1
        if options and keep == len(steps):  # same page, new options (e.g. a class number)
            keep -= 1
        if keep == len(current) == len(steps):
            return True
        # Not awaited: the caller may be a handler of a screen that is popped here.
        for _ in range(len(current) - keep):
            self.pop_screen()
        for i, step in enumerate(steps[keep:], start=keep):
            last = i == len(steps) - 1
            self.push_screen(self._make_page(step, **(options if last else {})))
        return True

    def may_open(self, page: str) -> bool:
        """Whether the signed-in user may open ``page`` (students their own pages, the board
        its queue)."""
        if self.identity is None:
            return False
        if page in BOARD_ONLY:
            return self.identity.role == "board"
        return self.identity.kind == "student" or page not in STUDENT_ONLY

    async def action_navigate(self, page: str) -> None:
        await self.navigate(page)

    async def open_class(self, class_number: str) -> None:
        """Enrol › Add with the class number filled in (when the Enrol page supports it)."""
        await self.navigate("Enrol", class_number=class_number)


def _missing(exc: ModuleNotFoundError, module: str) -> bool:
    """True when ``module`` itself is not installed (not when it fails to import something)."""
    return exc.name == module


def make_enrol_screen(tab: str, class_number: str | None = None) -> Screen:
    """The Enrol page on a tab; the class number is filled in where the page supports it."""
    try:
        from .screens.enrol import EnrolScreen
    except ModuleNotFoundError as exc:
        if not _missing(exc, f"{__package__}.screens.enrol"):
            raise
        from .screens.self_service import PlaceholderScreen

        return PlaceholderScreen("Enrol", tab)
    return EnrolScreen(tab=tab, class_number=class_number)


def make_timetable_screen() -> Screen:
    try:
        from .screens.timetable import TimetableScreen
    except ModuleNotFoundError as exc:
        if not _missing(exc, f"{__package__}.screens.timetable"):
            raise
        from .screens.self_service import PlaceholderScreen

        return PlaceholderScreen("Timetable")
    return TimetableScreen()
