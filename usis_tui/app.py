"""The App factory: ``UsisApp(database_url=..., now=...)`` builds the app without running it.

Arguments that are None come from USIS_DATABASE_URL / USIS_NOW, then the embedded default
(a SQLite file in the user data dir) and the wall clock. The engine is created on first use,
never at import time.

On mount the app shows the Login screen at once and prepares the database in a worker while the
user types; signing in waits for it. ``app.navigate(page)`` opens any page by its uSis name
("Student Center", "Enrol", "Shopping cart", ...) with the screens of its breadcrumb underneath,
so Escape walks back along the breadcrumb. The command palette (ctrl+p) offers every page and,
for a 4-digit number, the class with that number in the current academic year.

Roles: a student sees only their own pages. ``support`` finds a student ("Find a student") and
acts as them: ``app.student_number`` is then that student, every page shows the act-as banner,
and ctrl+g stops. ``board`` has its petition queue, ``trainer`` can reset the demo database and
set or move the frozen clock (Main Menu, or the command palette). Every page opened through
``navigate`` is written to the audit trail; support reads it on the "Audit trail" page.
"""

from __future__ import annotations

import asyncio
import gc
import re
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from . import navigation
from .clock import make_clock
from .config import resolve_database_url, resolve_now
from .errors import ConfigError, UsisError
from .i18n import N_, NAMES, _, format_datetime, get_language, set_language
from .theme import USIS_THEME
from .widgets.header import LANGUAGE_KEY
from .widgets.literal import clean, literal

if TYPE_CHECKING:
    from collections.abc import Callable

    from .services import Usis
    from .services.portal.schemas import PortalIdentity
    from .services.schemas import Identity
    from .tours import TourProgress
    from .tours.guide import TourGuide


# A student page asked for while no student is chosen: support acts as one first.
STAFF_PAGE_MESSAGES = {"board": N_("{page} is for the Board of Examiners."),
                       "support": N_("{page} is for support staff."),
                       "trainer": N_("{page} is for uSis trainers."),
                       "portal": N_("{page} is for the Course Portal's administration.")}
SUPPORT_MESSAGE = N_("{page} shows a student's own data. Find the student first and act as them "
                     "(Main Menu › Find a student).")
STAFF_MESSAGE = N_("{page} shows a student's own data. Only support staff can open it, by "
                   "acting as the student (\"act as\").")
STOP_KEY = "ctrl+g"  # "Stop acting as": works on every page, also while typing
#: Textual's own commands in the palette and its placeholder, in the catalogue
TEXTUAL_WORDS = (N_("Theme"), N_("Change the current theme"), N_("Quit"),
                 N_("Quit the application as soon as possible"), N_("Keys"),
                 N_("Hide the keys and widget help panel"),
                 N_("Show help for the focused widget and a summary of available keys"),
                 N_("Minimize"), N_("Minimize the widget and restore to normal size"),
                 N_("Maximize"), N_("Maximize the focused widget"), N_("Screenshot"),
                 N_("Save an SVG 'screenshot' of the current screen"),
                 N_("Search for commands…"))
ROLE_NAMES = (N_("support"), N_("board"), N_("trainer"), N_("student"))  # shown with _()
SWITCH_HELP = {"nl": N_("Show uSis in Dutch (Nederlands)"),
               "en": N_("Show uSis in English")}
CLASS_NUMBER = re.compile(r"(?<!\d)(\d{4})(?!\d)")


class UsisCommands(Provider):
    """Command palette: jump to any page by name; "Class 1052" finds the class."""

    @property
    def usis_app(self) -> UsisApp:
        return self.app  # type: ignore[return-value]

    def _pages(self) -> list[str]:
        app = self.usis_app
        if app.identity is None and not app.ready:
            return []
        return [p for p in navigation.PAGES if app.may_reach(p)]

    async def discover(self) -> Hits:
        for page in self._pages():
            yield DiscoveryHit(navigation.title(page), partial(self.usis_app.navigate, page),
                               help=navigation.help_text(page))
        for name, run, help_text in (self.usis_app.role_commands() +
                                     self.usis_app.language_commands()):
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        app = self.usis_app
        matcher = self.matcher(query)
        for page in self._pages():
            shown = navigation.title(page)
            # the page's name as shown, or its English name (registry, replay) when that fits
            score = max(matcher.match(shown), matcher.match(page) * 0.9)
            if score > 0:
                yield Hit(score, matcher.highlight(shown), partial(app.navigate, page),
                          text=shown, help=navigation.help_text(page))
        for name, run, help_text in app.role_commands() + app.language_commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, text=name, help=help_text)
        found = CLASS_NUMBER.search(query)
        if found is None or app.student_number is None:
            return
        number = found.group(1)
        try:
            year = await asyncio.to_thread(app.usis.catalogue.current_year)
            info = await asyncio.to_thread(app.usis.catalogue.lookup, year, number)
        except Exception as exc:  # noqa: BLE001 - unknown class (or a failure): say so
            from .screens.calls import unexpected_problem
            from .services import ServiceError

            problems = exc.problems if isinstance(exc, ServiceError) else []
            refused = bool(problems)
            problem = problems[0] if refused else unexpected_problem(exc, "command palette")
            if refused and problem.code.startswith("failure_"):
                refused = False
            text = f"{problem.message} {problem.hint}".strip()
            label = (_("Class {number}: not found") if refused else
                     _("Class {number}: could not be looked up")).format(number=number)
            yield Hit(0.9, literal(label), partial(app.navigate, "Class Search"),
                      text=_("Class {number}").format(number=number),
                      help=literal(_("{problem} Open the class search.").format(  # type: ignore[arg-type]
                          problem=text)))
            return
        label = _("Class {number} – {catalogue_number} {title} ({component})").format(
            number=number, catalogue_number=info.catalogue_number, title=info.title,
            component=_(info.component))
        yield Hit(1.0, literal(label, oneline=True), partial(app.open_class, number),
                  text=clean(label, oneline=True),
                  help=literal(_("{year} · {status} · {seats} seats · {days_times} · open on "  # type: ignore[arg-type]
                                 "Enrol › Add").format(
                      year=info.academic_year, status=_(info.status), seats=info.seats,
                      days_times=info.days_times), oneline=True))


#: objects allocated before the youngest generation is collected (Python's default: 700)
GC_YOUNGEST = 10_000
_FROZEN = False  # gc.freeze() done in this process (UsisApp._freeze_long_lived)


class UsisApp(App):
    TITLE = "uSis"
    SUB_TITLE = "Universiteit Leiden"
    CSS_PATH = ["styles/global.tcss", "styles/menus.tcss", "styles/support.tcss",
                "styles/tour.tcss"]
    COMMANDS = App.COMMANDS | {UsisCommands}
    stop_key_label = STOP_KEY
    BINDINGS = [
        Binding("ctrl+q", "quit", N_("Quit"), tooltip=N_("Quit uSis"), priority=True,
                show=False, id="quit"),
        Binding(STOP_KEY, "stop_acting", N_("Stop acting as"), priority=True, id="stop_acting",
                tooltip=N_("Support: stop acting as this student and go back to Find a student")),
        # The description names the other language: "Nederlands" in English, "English" in Dutch
        Binding(LANGUAGE_KEY, "switch_language", N_("Nederlands"), priority=True,
                id="language", tooltip=N_("Switch the language: Nederlands | English")),
        # A guided tour's keys (usis_tui/tours/guide.py): shown only while a tour runs
        Binding("f6", "tour_show_me", N_("Show me"), priority=True, id="tour.show_me",
                tooltip=N_("Tour: do this step for me, in the app")),
        Binding("f7", "tour_next", N_("Next step"), priority=True, id="tour.next",
                tooltip=N_("Tour: I have read this, go on")),
        Binding("f8", "tour_back", N_("Previous step"), priority=True, id="tour.back",
                tooltip=N_("Tour: show the previous step again")),
        Binding("f9", "tour_skip", N_("Skip step"), priority=True, id="tour.skip",
                tooltip=N_("Tour: go on to the next step without doing this one")),
        Binding("f10", "tour_stop", N_("Stop tour"), priority=True, id="tour.stop",
                tooltip=N_("Tour: end the guided tour")),
    ]

    def __init__(self, database_url: str | None = None, now: datetime | str | None = None, *,
                 demo: bool = False, demo_on_first_start: bool = False,
                 exit_on_start_error: bool = False, lang: str | None = None,
                 start_page: str | None = None, tour: str | None = None,
                 join: str | None = None) -> None:
        """``demo``: fill an empty database with the demo data while the Login is shown
        (``usis --demo``); ``demo_on_first_start``: only if it has never been used (the default
        embedded database); ``lang``: "nl" or "en" (default: ``--lang``, USIS_LANG, the config
        file's ``lang``, else English)."""
        super().__init__()
        from .config import start_language

        self._lang_arg = lang
        self._use_language(lang if lang is not None else start_language())
        self._demo, self._demo_on_first_start = demo, demo_on_first_start
        self._exit_on_start_error = exit_on_start_error
        #: a page anyone may open (the Course Portal: `usis portal`), opened over the Login
        self._start_page = start_page
        #: a guided tour to start once the database is ready (`usis --tour NAME`, `usis tour
        #: run NAME`; usis_tui/tours)
        self._start_tour = tour
        #: classrooms (services/classroom.py): a code to join at start (`usis --join CODE`),
        #: and the classroom joined: (code, the tour listener that reports each step)
        self._join_code = join
        self.classroom: tuple[str, Any] | None = None
        #: the guided tour running in this app (start_tour / stop_tour)
        self.tour_guide: TourGuide | None = None
        self.start_error: str | None = None  # why the app could not start (exit_on_start_error)
        self._database_url_arg = database_url
        self._database_url: str | None = None
        # --now (or the argument) now; the `now` setting (USIS_NOW, config file) is read with
        # the rest of the configuration while the Login is shown (_read_settings)
        self._now_arg = now
        self.clock = make_clock(resolve_now(now) if now is not None else None)  # trainer: set
        self._usis: Usis | None = None
        self._guarded: Usis | None = None  # the access-guarded facade for the signed-in user
        self._guard_key: tuple[str, str, str | None] | None = None
        self.identity: Identity | None = None
        self.acting_for: Identity | None = None  # the student support acts as
        #: who is signed in to the Course Portal (an e-mail account, or a ULCN user's)
        self.portal_identity: PortalIdentity | None = None
        self._portal_guarded: tuple[tuple, Usis] | None = None
        self.ready = False  # the database is prepared (the Login is shown at once)
        self._prepared = asyncio.Event()  # set when preparing ends, ready or not
        self.register_theme(USIS_THEME)
        self._started_theme = "usis"  # the theme applied at start: not a choice to save
        self.theme = "usis"
        # Rich renderables built by the screens (tables of class details, the week list) get
        # text from the database: a plain str in them is never markup here.
        self.console._markup = False

    # ------------------------------------------------------------------ configuration
    def _read_settings(self) -> Any:
        """The configuration (usis_tui/config.py), read in the start-up worker: pydantic and
        the file are not needed for the Login's first frame. A bad ``now`` setting is a
        ConfigError ("uSis cannot start", naming where it came from)."""
        from .config import load

        loaded = load()
        if self._now_arg is None and loaded.settings.now:
            try:
                self.clock.set(loaded.settings.now)
            except ConfigError as exc:
                raise ConfigError(f"{loaded.where('now')}: {exc}") from None
        return loaded.settings

    def _apply_settings(self, configured: Any) -> None:
        """The theme and the keymap of the configuration. A theme uSis does not know leaves
        the uSis theme (a configured theme replaces it as soon as the configuration is read,
        a moment after the Login is shown)."""
        if configured.theme in self.available_themes:
            self._started_theme = configured.theme
        self.theme = self._started_theme
        if configured.keymap:
            self.set_keymap(configured.keymap)
            stop = configured.keymap.get("stop_acting")
            if stop:
                self.stop_key_label = stop.split(",")[0].strip()

    def watch_theme(self, theme_name: str) -> None:
        """The user picked another theme (command palette, "Change theme"): keep it for the next
        start, in the config file (read, change the theme, write; every other key stays)."""
        if theme_name == self._started_theme:
            return
        self._started_theme = theme_name
        from .config import save, settings

        try:
            if settings().theme != theme_name:
                save(theme=theme_name)
        except UsisError as exc:
            self.notify(str(exc), title=_("Theme not saved"), severity="warning")

    @property
    def database_url(self) -> str:
        """The argument, else the database_url setting, else the embedded default (resolved on
        first use: the settings are read by the start-up worker)."""
        if self._database_url is None:
            self._database_url = resolve_database_url(self._database_url_arg)
        return self._database_url

    @property
    def raw_usis(self) -> Usis:
        """The unguarded service facade: start-up, sign-in, the audit of navigation, reset."""
        if self._usis is None:
            from .db import Database
            from .services import Usis

            self._usis = Usis(Database(self.database_url), self.clock)
        return self._usis

    @property
    def usis(self) -> Usis:
        """What screens call: the raw facade before sign-in, the access-guarded one after."""
        if self.identity is None:
            return self.raw_usis
        key = (self.identity.username, self.identity.role,
               self.acting_for.username if self.acting_for is not None else None)
        if self._guarded is None or self._guard_key != key:
            self._guarded, self._guard_key = self.guarded_usis(), key
        return self._guarded

    # ---------------------------------------------------------- ACCESS GUARD SWITCH
    def guarded_usis(self) -> Usis:
        """The facade for the signed-in user (and the student support acts as), through
        services/access.py ``guard(usis, Principal(...))``; rebuilt on sign-in, act as, stop
        and sign-out."""
        from .services.access import Principal, guard

        raw = self.raw_usis
        if self.identity is None:
            return raw
        acting = self.acting_for.username if self.acting_for is not None else None
        principal = Principal(username=self.identity.username, role=self.identity.role,
                              acting_for=acting)
        return guard(raw, principal)  # type: ignore[return-value]

    def _reguard(self) -> None:
        self._guarded = None
        self._portal_guarded = None

    @property
    def portal(self) -> Usis:
        """What the Course Portal's pages call: always through the guard — as the uSis user
        (with their portal account), as the portal learner, or as a guest browsing the
        offering."""
        from .services.access import Principal, guard

        account = self.portal_identity.account_id if self.portal_identity else None
        if self.identity is not None:
            acting = self.acting_for.username if self.acting_for is not None else None
            principal = Principal(username=self.identity.username, role=self.identity.role,
                                  acting_for=acting, portal_account=account)
        elif self.portal_identity is not None:
            principal = Principal(username=self.portal_identity.actor, role="learner",
                                  portal_account=account)
        else:
            principal = Principal(username="(guest)", role="guest")
        key = tuple(principal.model_dump().values())
        cached = self._portal_guarded
        if cached is None or cached[0] != key:
            guarded: Usis = guard(self.raw_usis, principal)  # type: ignore[assignment]
            cached = self._portal_guarded = (key, guarded)
        return cached[1]

    async def portal_signed_in(self, identity: PortalIdentity, then: str | None = None,
                               **options: Any) -> None:
        """Signed in to the Course Portal (by the portal's Log in page): open ``then`` (the page
        that asked for it, e.g. My courses), else the course offering."""
        self.portal_identity = identity
        self._portal_guarded = None
        if identity.language and self._lang_arg is None:
            from .config import explicit_language

            if not explicit_language() and identity.language != get_language():
                self._use_language(identity.language)
                await self._rebuild_pages()
        await self.navigate(then or navigation.COURSE_PORTAL, **options)

    async def portal_sign_out(self) -> None:
        """Leave the Course Portal's account (a uSis sign-in stays)."""
        self.portal_identity = None
        self._portal_guarded = None
        await self.navigate(navigation.COURSE_PORTAL)

    def now(self) -> datetime:
        return self.clock()

    def notify(self, message: str, *, title: str = "", severity: Any = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notification is literal text: messages quote course titles, names and what
        people typed, so they are never parsed as markup, and control characters are shown,
        not sent to the terminal (``markup`` is accepted and ignored)."""
        super().notify(clean(message), title=clean(title, oneline=True), severity=severity,
                       timeout=timeout, markup=False)

    @property
    def student_number(self) -> str | None:
        """The student whose data the screens show: the signed-in student, or the student
        support acts as."""
        if self.identity is None:
            return None
        if self.identity.kind == "student":
            return self.identity.username
        if self.acting_for is not None:
            return self.acting_for.username
        return None

    @property
    def student_identity(self) -> Identity | None:
        """The profile of the student whose data the screens show (name, programme)."""
        if self.identity is not None and self.identity.kind == "student":
            return self.identity
        return self.acting_for

    @property
    def role(self) -> str | None:
        return self.identity.role if self.identity is not None else None

    @property
    def act_as_text(self) -> str | None:
        """The banner every page shows while support acts as a student."""
        if self.identity is None or self.acting_for is None:
            return None
        return clean(_("Acting as {name} ({number}) — {role}: {username}").format(
            name=self.acting_for.name, number=self.acting_for.username,
            role=_(self.identity.role), username=self.identity.username), oneline=True)

    # ------------------------------------------------------------------ files
    def on_delivery_complete(self, event: Any) -> None:
        """A file handed over by screens/delivery.py is saved (or downloading): say where."""
        from .screens.delivery import DELIVERY_NAME, delivered

        if event.name == DELIVERY_NAME:
            self.notify(delivered(self, event.key, event.path), title=_("Saved"), timeout=8)

    def on_delivery_failed(self, event: Any) -> None:
        from .screens.delivery import DELIVERY_NAME, failed

        if event.name == DELIVERY_NAME:
            self.notify(failed(self, event.key, event.exception), title=_("Not saved"),
                        severity="error", timeout=12)

    # ------------------------------------------------------------------ start-up
    def on_mount(self) -> None:
        """The Login first, at once; the database is prepared in the background while the
        user types (``database_ready`` waits for it), started after the first frame so that
        importing SQLAlchemy does not hold that frame up."""
        from .screens.login import LoginScreen

        self.push_screen(LoginScreen())
        self.call_after_refresh(self.run_worker, self._prepare, name="prepare-database",
                                exclusive=True, exit_on_error=False)

    def _ensure_database(self) -> None:
        from .bootstrap import ensure_database, first_start
        from .services.auth import scrypt_n

        scrypt_n()  # USIS_SCRYPT_N: a bad value is a ConfigError before the database is opened
        db = self.raw_usis.db
        from .config import settings

        default = self._demo_on_first_start and not settings().database_url
        demo = self._demo or (default and first_start(db))
        ensure_database(db, self.now(), demo=demo)

    async def database_ready(self) -> bool:
        """Wait until the database is prepared: True when it is, False when it cannot be used
        (the "uSis cannot start" page has then replaced every page)."""
        await self._prepared.wait()
        return self.ready

    async def _prepare(self) -> None:
        # Everything heavy (SQLAlchemy, pydantic) is imported in the threads: importing it here,
        # on the event loop, would freeze the Login the user is typing in.
        try:
            self._apply_settings(await asyncio.to_thread(self._read_settings))
            await asyncio.to_thread(self._ensure_database)
        except ConfigError as exc:
            await self._cannot_start(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - anything else: still one line, never a traceback
            from .db import mask_url
            from .screens.calls import describe  # the sentences in the language shown

            _kind, message, hint = describe(exc, "prepare the database")
            await self._cannot_start(
                _("Cannot prepare the database {url}: {message} {hint}").format(
                    url=mask_url(self.database_url), message=message, hint=hint))
            return
        self.ready = True
        self._prepared.set()
        if self._start_page is not None and self.identity is None:
            await self.navigate(self._start_page)
        if self._join_code is not None and self.identity is None:
            from .screens.classroom_join import JoinClassroomDialog

            self.push_screen(JoinClassroomDialog(self._join_code))
        if self._start_tour is not None:
            await self.start_tour(self._start_tour)
        # Exam enrolments not confirmed by their deadline are removed (services/exams.py).
        self.run_worker(self._housekeeping, name="housekeeping", thread=True,
                        exit_on_error=False)

    async def _cannot_start(self, message: str) -> None:
        """The database or the configuration cannot be used: the "uSis cannot start" page, or,
        for the `usis` command (``exit_on_start_error``), back to the shell, where the command
        prints the one line (``start_error``)."""
        if self._exit_on_start_error:
            self.start_error = message
            self._prepared.set()
            self.exit(return_code=1)
            return
        from .screens.login import DatabaseErrorScreen

        while len(self.screen_stack) > 2:
            self.pop_screen()
        await self.switch_screen(DatabaseErrorScreen(message))
        self._prepared.set()

    @staticmethod
    def _freeze_long_lived() -> None:
        """Tune the garbage collector for building pages (measured with benchmarks/ui.py: the
        pages of a big catalogue open a fifth to a third faster):

        - what lives as long as the app (modules, the SQLAlchemy mappers, the parsed CSS, the
          search index) is moved out of its sight (``gc.freeze``, a constant-time move; a
          collection first would pause the Login): a full collection otherwise walks all of
          it again and again while a page is built;
        - the youngest generation is collected after 10,000 new objects instead of 700: a page
          makes tens of thousands of short-lived ones, and reference counting frees nearly all
          of them anyway.

        Run by the housekeeping at start, once the database and the search index are ready;
        frozen once per process (a process that runs app after app, the tests or replays,
        would otherwise keep each earlier app's garbage for good)."""
        global _FROZEN
        if not _FROZEN:
            _FROZEN = True
            gc.freeze()
        _gen0, gen1, gen2 = gc.get_threshold()
        gc.set_threshold(GC_YOUNGEST, gen1, gen2)

    def _housekeeping(self) -> None:
        """Housekeeping at start: expire exam enrolments, then build the class search's index
        of the current year (a big catalogue takes a fraction of a second: better while the
        user signs in than at the first search). A failure is logged (the Student Center
        expires a student's exams again when it loads, the search builds its index when
        needed, and each says so if that fails)."""
        for job, what in ((self.raw_usis.exams.expire, "expire exam enrolments at start"),
                          (self.raw_usis.catalogue.warm_search, "build the search index")):
            try:
                job()
            except Exception as exc:  # noqa: BLE001 - nobody asked for it: log, go on
                from .failures import log_failure

                log_failure(exc, what)
        self._freeze_long_lived()  # after the index: it lives as long as the catalogue

    # ------------------------------------------------------------------ session
    async def signed_in(self, identity: Identity) -> None:
        """Called by the Login screen (or, with two-step sign-in, by the code screen once the
        code has passed): show the Main Menu (the bottom of the page stack), in the account's
        language unless ``--lang``/USIS_LANG chose one for this run."""
        from .services.schemas import Identity

        if not isinstance(identity, Identity):  # e.g. a PendingSignIn: the code is still due
            raise TypeError("signed_in needs an Identity, after every factor has passed")
        self.identity = identity
        self.acting_for = None
        self._reguard()
        await self._account_language()
        await self.record_navigation("Main Menu")
        screen = navigation.page(navigation.MAIN_MENU).build()
        # Not awaited: the caller is a handler of the Login screen that is being replaced.
        self.switch_screen(screen)

    async def _account_language(self) -> None:
        from .config import explicit_language

        if self.identity is None or self._lang_arg is not None or explicit_language():
            return
        try:
            chosen = await asyncio.to_thread(self.usis.preferences.language,
                                             self.identity.username)
        except Exception as exc:  # noqa: BLE001 - said once; the sign-in goes on in this language
            from .screens.calls import report

            report(self, exc, title=_("Your language could not be read"))
            return
        if chosen is not None:
            self._use_language(chosen)

    # ------------------------------------------------------------------ language
    async def action_switch_language(self, language: str | None = None) -> None:
        """Show uSis in ``language`` (None: the other one): every page is built again in it,
        and the choice is remembered: for the signed-in account, or before sign-in as the
        configuration's default (the config file)."""
        current = get_language()
        chosen = language or ("en" if current == "nl" else "nl")
        if chosen == current:
            return
        self._use_language(chosen)
        self._lang_arg = None  # a choice made now outlasts --lang for this run
        await self._remember_language(chosen)
        await self._rebuild_pages()
        self.notify(_("uSis is now in English.") if chosen == "en" else
                    _("uSis is now in Dutch."), timeout=3)

    def _use_language(self, language: str) -> None:
        """The process's language, and the app's class for styles that depend on it
        (``-lang-nl``: Dutch labels are longer)."""
        chosen = set_language(language)
        self.set_class(chosen == "nl", "-lang-nl")

    async def _remember_language(self, language: str) -> None:
        try:
            if self.identity is not None:
                await asyncio.to_thread(self.usis.preferences.set_language,
                                        self.identity.username, language)
            else:
                from .config import save, settings

                if settings().lang != language:
                    await asyncio.to_thread(save, lang=language)
        except Exception as exc:  # noqa: BLE001 - shown, and the switch holds for this run
            from .screens.calls import report

            report(self, exc, title=_("Language not saved"))

    async def _rebuild_pages(self) -> None:
        """The pages again, in the new language: the Login keeps what was typed; a signed-in
        user is back on the page they were on, with its breadcrumb underneath; so is a guest
        of the Course Portal (with the Login underneath, as they came)."""
        from .screens.login import LoginScreen

        top = self.screen
        if isinstance(top, LoginScreen):
            self.switch_screen(LoginScreen(username=top.typed_username()))
            return
        page = next((getattr(s, "usis_page", None) for s in reversed(self.screen_stack)
                     if getattr(s, "usis_page", None)), None)
        if self.identity is None:
            if page is None or not navigation.in_portal(page) or len(self.screen_stack) < 2:
                await top.recompose()
                return
            while len(self.screen_stack) > 2:
                self.pop_screen()
            self.switch_screen(LoginScreen())
            await self.navigate(page, _record=False)
            return
        self._back_to_main_menu()
        if page and page != navigation.MAIN_MENU:
            await self.navigate(page, _record=False)

    async def action_sign_out(self) -> None:
        if self.identity is None:
            return
        from .screens.queue import end_session  # frees the place in the opening queue
        await end_session(self)
        if self.acting_for is not None:
            await self._audit_log("act_as", self.acting_for.username, "stop (sign out)")
        self.identity = None
        self.acting_for = None
        self.portal_identity = None  # a ULCN sign-in to the Course Portal ends with it
        self.classroom = None
        self._reguard()
        self.show_login()

    def show_login(self) -> None:
        """The Login, instead of every page (sign-out, or leaving the opening queue)."""
        from .screens.login import LoginScreen

        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(LoginScreen())

    def _back_to_main_menu(self) -> None:
        """A fresh Main Menu at the bottom of the stack (its links and the banner change)."""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(navigation.page(navigation.MAIN_MENU).build())

    # ------------------------------------------------------------------ support: act as
    async def act_as(self, student_number: str) -> bool:
        """Support acts as ``student_number``: Student Center of that student, with the banner
        on every page. False (with a message) for anyone else or an unknown student."""
        from .screens.calls import call_service
        from .services import ServiceError

        if self.role != "support":
            self.notify(_("Only support staff can act as a student."), severity="warning")
            return False
        try:
            profile = await call_service(self, self.usis.student.profile,
                                         student_number.strip().lower())
        except ServiceError as exc:
            from .screens.calls import report

            report(self, exc, title=_("Act as"))
            return False
        if self.acting_for is not None:
            await self._audit_log("act_as", self.acting_for.username, "stop")
        self.acting_for = profile
        self._reguard()
        await self._audit_log("act_as", profile.username, "start")
        await self.record_navigation("Student Center")  # before the pages change (see navigate)
        self._back_to_main_menu()
        await self.navigate("Student Center", _record=False)
        return True

    async def action_stop_acting(self) -> None:
        """Stop acting as the student: back to "Find a student"."""
        if self.acting_for is None:
            return
        await self._audit_log("act_as", self.acting_for.username, "stop")
        self.acting_for = None
        self._reguard()
        await self.record_navigation("Find a student")
        self._back_to_main_menu()
        await self.navigate("Find a student", _record=False)
        self.notify(_("You no longer act as a student."), timeout=4)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop_acting":  # the key shows only while acting as a student
            return self.acting_for is not None
        if action.startswith("tour_"):  # a tour's keys show only while it runs
            return self._tour_key_state(action)
        return True

    # ------------------------------------------------------------------ guided tours
    async def start_tour(self, name: str, *,
                         listener: Callable[[TourProgress], None] | None = None) -> bool:
        """Start the shipped tour ``name`` (usis_tui/tours) in this app: its panel on every
        page, from the page shown now. A tour already running ends first. False (with a
        message) for a tour that does not exist or cannot be read."""
        from .replay.parser import StepsError
        from .tours import TourNotFound, load_tour
        from .tours.guide import TourGuide

        try:
            tour = load_tour(name)
        except (TourNotFound, StepsError) as exc:
            self.notify(str(exc), title=_("Tour"), severity="error", timeout=8)
            return False
        if self.tour_guide is not None:
            await self.stop_tour()
        guide = TourGuide(self, tour)
        if listener is not None:
            guide.add_listener(listener)
        self.tour_guide = guide
        await self._audit_log("tour", self.student_number, f"start {tour.name}")
        guide.start()
        return True

    async def stop_tour(self) -> None:
        """End the running tour: its panels and keys go; the app stays where it is."""
        guide = self.tour_guide
        if guide is None:
            return
        guide.stop()
        self.tour_guide = None
        if not guide.finished:
            await self._audit_log("tour", self.student_number,
                                  f"stopped {guide.tour.name} at step {guide.index + 1}")
        from .widgets.tour_panel import TourPanel

        for screen in self.screen_stack:
            for panel in screen.query(TourPanel):
                await panel.remove()
        self.refresh_bindings()

    def tour_panels_sync(self) -> None:
        """The tour's panel on the current page (mounted when missing), showing the guide's
        step; dialogs (modal screens) and pages about to be built get none."""
        from textual.screen import ModalScreen

        from .screens.base import PendingPage
        from .screens.login import DatabaseErrorScreen
        from .widgets.tour_panel import TourPanel

        if self.tour_guide is None:
            return
        screen = self.screen
        if isinstance(screen, ModalScreen | PendingPage | DatabaseErrorScreen) \
                or not screen.is_mounted:
            return
        found = screen.query(TourPanel)
        if found:
            for panel in found:
                panel.sync()
        else:
            screen.mount(TourPanel())

    def _tour_key_state(self, action: str) -> bool | None:
        guide = self.tour_guide
        if guide is None:
            return False
        step = guide.step
        if action == "tour_stop":
            return True
        if action == "tour_back":
            return True if guide.index > 0 or guide.finished else None
        if step is None or guide.showing:
            return None
        if action == "tour_next":
            return True if step.is_note else None
        return True

    async def action_tour_show_me(self) -> None:
        """Show me: the step's actions done in the app by the replay engine, in a worker (a
        failure is a hint in the panel)."""
        from .screens.calls import start

        guide = self.tour_guide
        if guide is not None and not guide.showing:
            start(self, guide.show_me(), group="tour", exclusive=True)

    def action_tour_next(self) -> None:
        if self.tour_guide is not None:
            self.tour_guide.next()

    def action_tour_back(self) -> None:
        if self.tour_guide is not None:
            self.tour_guide.back()

    def action_tour_skip(self) -> None:
        if self.tour_guide is not None:
            self.tour_guide.skip()

    async def action_tour_stop(self) -> None:
        await self.stop_tour()

    # ------------------------------------------------------------------ trainer
    def _reset_demo(self) -> Any:
        """What `usis db reset --demo --yes` does: an empty newest schema, then the demo data."""
        from . import bootstrap
        from .data.demo import seed_demo

        db = self.raw_usis.db
        reset_schema = getattr(bootstrap, "reset_schema", None)  # alembic-aware, when present
        if reset_schema is not None:
            reset_schema(db)
        else:
            db.drop_schema()
            db.create_schema()
        return seed_demo(db, self.now())

    async def reset_demo_database(self) -> bool:
        """Trainer: delete everything and write the demo data again (as `usis db reset --demo`),
        at the app's clock. The trainer stays signed in, on the Main Menu."""
        if self.role != "trainer":
            self.notify(_("Only trainers can reset the demo database."), severity="warning")
            return False
        from .screens.calls import call_service
        from .services import ServiceError

        try:
            summary = await call_service(self, self._reset_demo)
        except ServiceError as exc:  # one sentence, never SQL or a traceback
            self.notify(_("The demo database could not be reset. {problem}").format(problem=exc),
                        severity="error", timeout=10)
            return False
        await self._audit_log("demo_reset", None, f"demo data for {summary.academic_year}")
        self._back_to_main_menu()
        self.notify(_("Demo database reset: {students} students, {sections} class sections, "
                      "academic year {year}.").format(students=summary.students,
                                                      sections=summary.sections,
                                                      year=summary.academic_year),
                    title=_("Reset demo database"), timeout=6)
        return True

    async def set_clock(self, moment: datetime | None) -> bool:
        """Trainer: freeze the app clock at ``moment`` (None: the wall clock again)."""
        if self.role != "trainer":
            self.notify(_("Only trainers can set the clock."), severity="warning")
            return False
        try:
            self.clock.set(moment)  # ConfigError outside 1900-2200: the clock stays
        except ConfigError as exc:
            self.notify(str(exc), title=_("Clock"), severity="error", markup=False)
            return False
        shown = format_datetime(self.clock(), weekday=True)
        await self._audit_log("clock", None, f"set to {self.clock().isoformat(timespec='minutes')}"
                              if moment is not None else "wall clock")
        self.notify(_("The clock is now {moment}.").format(moment=shown), title=_("Clock"),
                    timeout=4)
        return True

    async def move_clock(self, delta: timedelta) -> bool:
        from .clock import shift

        try:
            moment = shift(self.clock(), delta)  # ConfigError (not OverflowError) past 2200
        except ConfigError as exc:
            self.notify(str(exc), title="Clock", severity="error")
            return False
        return await self.set_clock(moment)

    async def action_reset_demo(self) -> None:
        from .screens.calls import start
        from .screens.trainer import ConfirmResetScreen

        if self.role != "trainer":
            return

        def done(confirmed: bool | None) -> None:
            if confirmed:  # an app worker: the reset replaces every page
                start(self, self.reset_demo_database(), group="trainer", exclusive=True)
        self.push_screen(ConfirmResetScreen(self.database_url), done)

    async def action_set_clock(self) -> None:
        from .screens.trainer import ClockScreen

        if self.role != "trainer":
            return

        async def done(moment: datetime | None) -> None:
            if moment is not None:
                await self.set_clock(moment)
        self.push_screen(ClockScreen(self.clock()), done)

    def get_system_commands(self, screen: Screen) -> Any:
        """Textual's own commands (Theme, Quit, Keys, …) in the language shown."""
        from textual.app import SystemCommand

        for command in super().get_system_commands(screen):
            yield SystemCommand(_(command.title), _(command.help), command.callback,
                                command.discover)

    def action_command_palette(self) -> None:
        """Textual's command palette, its placeholder in the language shown."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(CommandPalette(id="--command-palette",
                                            placeholder=_("Search for commands…")))

    def language_commands(self) -> list[tuple[str, Any, str]]:
        """(name, callback, help) for the palette: "English" in Dutch, "Nederlands" in English."""
        return [(name, partial(self.action_switch_language, language), _(SWITCH_HELP[language]))
                for language, name in NAMES.items() if language != get_language()]

    def role_commands(self) -> list[tuple[str, Any, str]]:
        """(name, callback, help) of the role's commands for the palette."""
        commands: list[tuple[str, Any, str]] = []
        if self.acting_for is not None:
            commands.append((_("Stop acting as"), self.action_stop_acting,
                             _("Stop acting as {name} ({key})").format(
                                 name=self.acting_for.name, key=self.stop_key_label)))
        if self.role == "trainer":
            commands.append((_("Reset demo database"), self.action_reset_demo,
                             _("Trainer: delete everything and write the demo data again")))
            commands.append((_("Set the clock"), self.action_set_clock,
                             _("Trainer: freeze the clock at a moment, or move it by an "
                               "hour/day")))
        return commands

    # ------------------------------------------------------------------ audit
    async def _audit_log(self, action: str, acting_for: str | None, detail: str) -> None:
        if self.identity is None:
            return
        try:
            await asyncio.to_thread(self.usis.audit.log, self.identity.username,
                                    acting_for, action, detail)
        except Exception as exc:  # noqa: BLE001 - the audit must never break the app
            from .failures import log_failure

            log_failure(exc, f"audit {action} not recorded")

    async def record_navigation(self, page: str) -> None:
        """Write "``page`` opened" to the audit trail: who, for which student, the app clock.
        Support's own pages are not steps of a student's session."""
        if self.identity is None:
            return
        acting = None if navigation.is_staff_page(page) else self.student_number
        try:
            await asyncio.to_thread(self.usis.audit.navigation, self.identity.username,
                                    acting, page)
        except Exception as exc:  # noqa: BLE001 - logged; the page opens all the same
            from .failures import log_failure

            log_failure(exc, f"navigation to {page} not recorded")

    @property
    def user_label(self) -> str:
        """What the Header shows beside "uSis": the signed-in name and number."""
        if self.identity is None:
            return self.SUB_TITLE
        return clean(f"{self.identity.name} ({self.identity.username})", oneline=True)

    def _label(self, screen: Any) -> None:
        # Each screen carries the name in its own sub_title: changing app.sub_title while a
        # screen (and its Header) is being removed crashes the Header's title watcher.
        if isinstance(screen, Screen) and screen.sub_title is None:
            screen.sub_title = clean(self.user_label, oneline=True)

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:
        self._label(screen)
        return super().push_screen(screen, *args, **kwargs)

    def switch_screen(self, screen: Any) -> Any:
        self._label(screen)
        return super().switch_screen(screen)

    # ------------------------------------------------------------------ navigation
    async def navigate(self, page: str, *, _record: bool = True, **options: Any) -> bool:
        """Open a page by its uSis name; the pages of its breadcrumb go underneath it.

        Returns False (and says why) when the page is unknown or not available to this user.
        """
        name = navigation.canonical_page(page)
        if name is None:
            self.notify(_("There is no page called \"{page}\".").format(page=page),
                        severity="error")
            return False
        audience = navigation.page(name).audience
        if audience == "learner" and self.portal_identity is None:
            # the Course Portal's own pages ask for its Log in, then open the page
            return await self.navigate("Log in to the Course Portal", then=name)
        if self.identity is None and not navigation.in_portal(name):
            self.notify(_("Sign in first."), severity="warning")
            return False
        if audience == "student" and self.student_number is None:
            message = SUPPORT_MESSAGE if self.role == "support" else STAFF_MESSAGE
            self.notify(_(message).format(page=navigation.title(name)), title=_("Student pages"),
                        severity="warning", timeout=8)
            return False
        if not self.may_open(name):
            self.notify(_(STAFF_PAGE_MESSAGES.get(audience, STAFF_PAGE_MESSAGES["support"]))
                        .format(page=navigation.title(name)), severity="warning")
            return False
        steps = navigation.path(name)
        current = [getattr(s, "usis_page", None) for s in self.screen_stack[2:]]
        keep = 0
        while keep < min(len(current), len(steps)) and current[keep] == steps[keep]:
            keep += 1
        if options and keep == len(steps):  # same page, new options (e.g. a class number)
            keep -= 1
        if keep == len(current) == len(steps):
            return True
        # Recorded first: awaiting after the pops below would let the popped pages' workers
        # start (and be cancelled) in between.
        if _record:
            await self.record_navigation(name)
        # Not awaited: the caller may be a handler of a screen that is popped here.
        for _popped in range(len(current) - keep):
            self.pop_screen()
        from .screens.base import PendingPage

        for i, step in enumerate(steps[keep:], start=keep):
            if i < len(steps) - 1:  # underneath: built when Escape brings it to the top
                self.push_screen(PendingPage(step, navigation.page(step).build))
            else:
                self.push_screen(navigation.page(step).build(**options))
        return True

    def may_open(self, page: str) -> bool:
        """Whether the signed-in user may open ``page`` (navigation.may_open: student pages for
        the student or support acting as one, the board its queue, support its own pages)."""
        return navigation.may_open(page, self.role, self.student_number is not None,
                                   self.portal_identity is not None)

    def may_reach(self, page: str) -> bool:
        """Whether ``page`` is offered (command palette): the pages the user may open, and the
        Course Portal's learner pages, which first ask for the portal's Log in. Before sign-in:
        only the Course Portal's pages."""
        if self.identity is None and not navigation.in_portal(page):
            return False
        return self.may_open(page) or navigation.page(page).audience == "learner"

    async def action_navigate(self, page: str) -> None:
        await self.navigate(page)

    async def open_class(self, class_number: str) -> None:
        """Enrol › Add with the class number filled in (when the Enrol page supports it)."""
        await self.navigate("Enrol", class_number=class_number)
