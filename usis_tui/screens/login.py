"""Sign-in: the Login (shown at once, while the database is prepared) and "uSis cannot start"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.events import Resize
from textual.screen import Screen

from ..errors import ServiceError
from ..i18n import N_, _
from ..widgets.footer import UsisFooter
from ..widgets.header import UsisHeader
from ..widgets.literal import Button, Input, Label, Static
from ..widgets.problems import ProblemList
from .calls import call_service, service_worker

if TYPE_CHECKING:
    from ..app import UsisApp


def steady_inputs(screen: Screen) -> None:
    """No blinking cursor under tests and snapshots (headless), a blinking one for people."""
    if screen.app.is_headless:
        for field in screen.query(Input):
            field.cursor_blink = False


class DatabaseErrorScreen(Screen):
    """The database cannot be used: one clear line, no traceback."""

    BINDINGS = [Binding("q", "app.quit", N_("Quit"), id="login.quit-2")]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        yield UsisHeader()
        with Vertical(id="startup-error"):
            yield Label(_("uSis cannot start"), classes="title")
            yield Static(self.message, id="error-message", markup=False)
            yield Static(_("Set USIS_DATABASE_URL (or --db) to a usable database, then start "
                           "uSis again. Press q to quit."), classes="hint", markup=False)
        yield UsisFooter()


class LoginScreen(Screen):
    """Sign in with a student number (s1234567) or a staff user name, and a password."""

    BINDINGS = [
        Binding("ctrl+q", "app.quit", N_("Quit"), id="login.quit"),
        Binding("ctrl+o", "course_portal", N_("Course Portal"),
                tooltip=N_("Courses for everyone, without a uSis account: pick a course, "
                           "enrol and pay"), id="login.course-portal"),
        Binding("ctrl+l", "join_classroom", N_("Join a classroom"),
                tooltip=N_("A trainer's classroom: type its code and your name, and follow "
                           "the tour as a student of your own"), id="login.join-classroom"),
    ]

    def __init__(self, username: str = "") -> None:
        """``username``: what was typed before the page was built again (language switch)."""
        super().__init__()
        self._username = username

    def typed_username(self) -> str:
        return self.query_one("#username", Input).value

    @property
    def usis_app(self) -> UsisApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield UsisHeader()
        with Center(id="login-center"):
            with Vertical(id="login-box"):
                yield Label("Universiteit Leiden", id="login-university")
                yield Label(_("uSis – Sign in with your ULCN account"), id="login-title")
                yield Label(_("Student number / User ID"), classes="field-label")
                yield Input(self._username, placeholder=_("e.g. s1234567"), id="username")
                yield Label(_("Password"), classes="field-label")
                yield Input(password=True, id="password")
                yield Button(_("Sign In"), id="sign-in", variant="primary")
                preparing = Label(_("Preparing the database…"), id="login-preparing")
                preparing.display = False  # only while signing in waits for it
                yield preparing
                yield ProblemList(id="login-problems")
                yield Button(_("Course Portal (no uSis account needed)"), id="course-portal",
                             compact=True)
                yield Button(_("Join a classroom"), id="join-classroom-button", compact=True)
                demo = Static(_("Demo accounts: students s1234567, s7654321, s2345678; staff "
                                "support, board, trainer. Password: demo."), id="login-demo")
                demo.display = False  # only on the demo database (show_demo_accounts)
                yield demo
        yield UsisFooter()

    def on_mount(self) -> None:
        steady_inputs(self)
        self.query_one("#username", Input).focus()
        self.show_demo_accounts()

    @service_worker(group="login-demo", exclusive=True)
    async def show_demo_accounts(self) -> None:
        """The demo accounts and their password are listed on the demo database only."""
        if not await self.usis_app.database_ready():
            return
        try:
            demo = await call_service(self, self.usis_app.raw_usis.auth.is_demo)
        except ServiceError:  # the database is busy: signing in will say so if it matters
            return
        self.query_one("#login-demo").display = demo

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.height < 30, "-short")

    @on(Button.Pressed, "#course-portal")
    async def action_course_portal(self) -> None:
        """The Course Portal for people without a uSis account (its pages are public)."""
        if not await self.usis_app.database_ready():
            return  # "uSis cannot start" has replaced the Login
        await self.usis_app.navigate("Course Portal")

    @on(Button.Pressed, "#join-classroom-button")
    def action_join_classroom(self) -> None:
        """A trainer's classroom: its code and your name (screens/classroom_join.py)."""
        from .classroom_join import JoinClassroomDialog

        self.app.push_screen(JoinClassroomDialog())

    @on(Input.Submitted, "#username")
    def _next_field(self) -> None:
        password = self.query_one("#password", Input)
        if password.value:
            self.sign_in()
        else:
            password.focus()

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#sign-in")
    def sign_in(self) -> None:
        button = self.query_one("#sign-in", Button)
        if button.disabled:
            return
        button.disabled = True
        self._sign_in(self.query_one("#username", Input).value,
                      self.query_one("#password", Input).value)

    @service_worker(group="sign-in", exclusive=True, problems="#login-problems")
    async def _sign_in(self, username: str, password: str) -> None:
        """Check the password in a thread; a refusal (or a locked or unreachable database)
        is one message under the form, never a traceback."""
        password_input = self.query_one("#password", Input)
        problems = self.query_one(ProblemList)
        preparing = self.query_one("#login-preparing")
        preparing.display = not self.usis_app.ready
        try:
            if not await self.usis_app.database_ready():
                return  # "uSis cannot start" has replaced the Login
            preparing.display = False
            identity = await call_service(self, self.usis_app.usis.auth.login, username,
                                          password)
        except ServiceError as exc:
            problems.show(exc.problems)
            self.query_one("#login-box").add_class("-error")
            password_input.value = ""
            password_input.focus()
            return
        finally:
            self.query_one("#sign-in", Button).disabled = False
        problems.clear()
        from ..services.schemas import PendingSignIn

        if isinstance(identity, PendingSignIn):  # two-step sign-in: the code (or set-up) next
            from .second_factor import screen_for

            self.usis_app.switch_screen(screen_for(identity))
            return
        from .queue import admit_or_queue  # the opening queue (USIS_MAX_SESSIONS)

        if not await admit_or_queue(self.usis_app, identity):
            return
        await self.usis_app.signed_in(identity)
