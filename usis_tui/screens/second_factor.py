"""Two-step sign-in after the password (services/mfa.py): the code, the first set-up (QR code,
the key as text, a first code) and the recovery codes shown once.

Nobody is signed in on these screens (``app.identity`` stays None): only the ticket of the
password step is held, and the app's ``signed_in`` is called when the code has passed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.screen import Screen

from ..errors import ServiceError
from ..i18n import N_, _, ngettext
from ..widgets.footer import UsisFooter
from ..widgets.header import UsisHeader
from ..widgets.literal import Button, Input, Label, Static
from ..widgets.problems import ProblemList
from ..widgets.qr import QrCode
from .calls import call_service, service_worker

if TYPE_CHECKING:
    from ..app import UsisApp
    from ..services.schemas import Identity, MfaSetupKey, MfaSignedIn, PendingSignIn

#: what a code field accepts: digits (a code), letters and hyphens (a recovery code)
CODE_CHARACTERS = r"[0-9A-Za-z \-]*"
CODE_LENGTH = 20

SECOND_FACTOR_CSS = """
.mfa-center { height: 1fr; align: center middle; overflow-y: auto; }
.mfa-box {
    width: 64; max-width: 100%; height: auto;
    border: round $primary; background: $surface; padding: 0 2 1 2;
}
.mfa-title { width: 100%; content-align: center middle; color: $primary; text-style: bold;
             padding: 1 0 0 0; }
.mfa-text { margin: 1 0 0 0; }
.mfa-key { text-style: bold; color: $accent; margin: 0 0 0 2; }
.mfa-buttons { height: auto; margin: 1 0 0 0; }
.mfa-buttons Button { margin: 0 2 0 0; }
.mfa-problems { margin: 1 0 0 0; }
#mfa-setup { height: 1fr; }
#mfa-setup-row { height: auto; width: auto; }
#mfa-qr { margin: 0 1 0 0; }
#mfa-setup-form { width: 38; height: auto; padding: 0 1; }
#mfa-setup-form .mfa-text { margin: 0; }
#mfa-setup-form .mfa-buttons { margin: 0; }
#mfa-setup-form .mfa-problems { margin: 0; }
#mfa-setup-row.-wide #mfa-setup-form { width: 60; }
#mfa-setup-row.-wide #mfa-setup-form .mfa-text { margin: 1 0 0 0; }
#mfa-recovery-codes { margin: 1 0 0 2; text-style: bold; color: $accent; }
.mfa-box.-short .mfa-title { padding: 0; }
.mfa-box.-short .mfa-text { margin: 0; }
.mfa-box.-short .mfa-buttons { margin: 0; }
"""


def steady_inputs(screen: Screen) -> None:
    """No blinking cursor under tests and snapshots (headless), as on the Login."""
    if screen.app.is_headless:
        for field in screen.query(Input):
            field.cursor_blink = False


def key_lines(grouped: str, per_line: int = 4) -> str:
    """The grouped key ("ABCD EFGH ...") on lines of ``per_line`` groups."""
    groups = grouped.split()
    return "\n".join(" ".join(groups[i:i + per_line]) for i in range(0, len(groups), per_line))


def recovery_text(codes: list[str]) -> str:
    """Recovery codes in two columns, numbered."""
    half = (len(codes) + 1) // 2
    lines = []
    for i in range(half):
        left = f"{i + 1:>2}. {codes[i]}"
        right = f"{i + half + 1:>2}. {codes[i + half]}" if i + half < len(codes) else ""
        lines.append(f"{left}    {right}".rstrip())
    return "\n".join(lines)


async def finish(app: UsisApp, identity: Identity) -> None:
    """Both factors passed: the opening queue (students), then the Main Menu."""
    from .queue import admit_or_queue

    if not await admit_or_queue(app, identity):
        return
    await app.signed_in(identity)


class _SecondFactorBase(Screen):
    DEFAULT_CSS = SECOND_FACTOR_CSS
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Back to the sign-in"),
                id="second_factor.cancel"),
        Binding("ctrl+q", "app.quit", N_("Quit"), id="second_factor.quit"),
    ]

    def __init__(self, pending: PendingSignIn) -> None:
        super().__init__()
        self.pending = pending
        self.refusal: str | None = None  # the code of the last refusal (e.g. "code_used")

    @property
    def usis_app(self) -> UsisApp:
        return self.app  # type: ignore[return-value]

    def action_cancel(self) -> None:
        self.usis_app.show_login()

    @on(Button.Pressed, "#mfa-cancel")
    def _cancel(self) -> None:
        self.action_cancel()

    def on_resize(self, event: Resize) -> None:
        for box in self.query(".mfa-box"):  # (scoped CSS: the class goes on the box)
            box.set_class(event.size.height < 30, "-short")

    def code_field(self) -> Input:
        return self.query_one("#mfa-code", Input)

    def refused(self, exc: ServiceError) -> None:
        """A refused code: the message under the form, the field emptied for the next one."""
        self.refusal = exc.code
        self.query_one(ProblemList).show(exc.problems)
        field = self.code_field()
        field.value = ""
        field.focus()
        if exc.code == "mfa_ticket":  # expired: only a new sign-in helps
            self.query_one("#mfa-submit", Button).disabled = True

    def check(self, ticket: str, code: str) -> MfaSignedIn:
        """The service call that checks ``code`` (the sign-in's code, or a set-up's first)."""
        raise NotImplementedError

    async def passed(self, done: MfaSignedIn) -> None:
        """What follows once the code passed."""
        raise NotImplementedError

    @on(Input.Submitted, "#mfa-code")
    @on(Button.Pressed, "#mfa-submit")
    def submit(self) -> None:
        button = self.query_one("#mfa-submit", Button)
        if button.disabled:
            return
        button.disabled = True
        self._send(self.code_field().value)

    @service_worker(group="second-factor", exclusive=True, problems="#mfa-problems")
    async def _send(self, code: str) -> None:
        try:
            try:
                done = await call_service(self, self.check, self.pending.ticket, code)
            finally:
                self.query_one("#mfa-submit", Button).disabled = False
        except ServiceError as exc:
            self.refused(exc)
            return
        await self.passed(done)


class SecondFactorScreen(_SecondFactorBase):
    """The code after a right password (or a recovery code)."""

    def compose(self) -> ComposeResult:
        yield UsisHeader()
        with Center(classes="mfa-center"):
            with Vertical(classes="mfa-box", id="mfa-box"):
                yield Label(_("Two-step sign-in"), classes="mfa-title")
                yield Static(_("{name} ({username}): enter the 6-digit code that your "
                               "authenticator app shows for uSis. Lost your phone? Type one "
                               "of your recovery codes instead.").format(
                                   name=self.pending.name, username=self.pending.username),
                             classes="mfa-text")
                yield Label(_("Code"), classes="field-label")
                yield Input(placeholder=_("6-digit code or a recovery code"), id="mfa-code",
                            restrict=CODE_CHARACTERS, max_length=CODE_LENGTH)
                with Horizontal(classes="mfa-buttons"):
                    yield Button(_("Verify"), id="mfa-submit", variant="primary")
                    yield Button(_("Cancel"), id="mfa-cancel")
                yield ProblemList(id="mfa-problems", classes="mfa-problems")
        yield UsisFooter()

    def on_mount(self) -> None:
        steady_inputs(self)
        self.code_field().focus()

    def check(self, ticket: str, code: str) -> MfaSignedIn:
        return self.usis_app.raw_usis.mfa.verify(ticket, code)

    async def passed(self, done: MfaSignedIn) -> None:
        app = self.usis_app
        if done.used_recovery_code:
            app.notify(ngettext("You signed in with a recovery code; {n} is left.",
                                "You signed in with a recovery code; {n} are left.",
                                done.recovery_left).format(n=done.recovery_left),
                       title=_("Recovery code used"), timeout=10)
        await finish(app, done.identity)


class SetupScreen(_SecondFactorBase):
    """The first sign-in of an account that needs two-step sign-in: the key as a QR code and as
    text, confirmed with a first code."""

    def __init__(self, pending: PendingSignIn) -> None:
        super().__init__(pending)
        self.secret: str | None = None  # the key shown (once loaded)

    def compose(self) -> ComposeResult:
        yield UsisHeader()
        with VerticalScroll(id="mfa-setup"), Center(), Horizontal(id="mfa-setup-row"):
            yield QrCode(id="mfa-qr")
            with Vertical(id="mfa-setup-form"):
                yield Label(_("Set up two-step sign-in"), classes="mfa-title")
                yield Static(_("1. Scan the QR code with an authenticator app, or type "
                               "this key in it:"), classes="mfa-text")
                yield Static("", id="mfa-key", classes="mfa-key")
                yield Static(_("2. Type the 6-digit code it shows:"), classes="mfa-text")
                yield Input(placeholder=_("6-digit code"), id="mfa-code",
                            restrict=CODE_CHARACTERS, max_length=CODE_LENGTH)
                with Horizontal(classes="mfa-buttons"):
                    yield Button(_("Confirm"), id="mfa-submit", variant="primary")
                    yield Button(_("Cancel"), id="mfa-cancel")
                yield ProblemList(id="mfa-problems", classes="mfa-problems")
        yield UsisFooter()

    def on_mount(self) -> None:
        steady_inputs(self)
        self.code_field().focus()
        self.load_key()

    def on_resize(self, event: Resize) -> None:
        super().on_resize(event)
        self.query_one("#mfa-setup-row").set_class(event.size.width >= 110, "-wide")

    @service_worker(group="second-factor-key", exclusive=True, problems="#mfa-problems")
    async def load_key(self) -> None:
        try:
            key: MfaSetupKey = await call_service(self, self.usis_app.raw_usis.mfa.setup_key,
                                                  self.pending.ticket)
        except ServiceError as exc:
            self.refused(exc)
            return
        self.secret = key.secret  # what the user types in the app (also read by usis replay)
        self.query_one("#mfa-qr", QrCode).show(key.uri)
        self.query_one("#mfa-key", Static).update(key_lines(key.grouped))

    def check(self, ticket: str, code: str) -> MfaSignedIn:
        return self.usis_app.raw_usis.mfa.confirm_setup(ticket, code)

    async def passed(self, done: MfaSignedIn) -> None:
        self.usis_app.switch_screen(RecoveryCodesScreen(done.identity, done.recovery_codes))


class RecoveryCodesScreen(Screen):
    """The ten recovery codes, shown once; Continue signs in."""

    DEFAULT_CSS = SECOND_FACTOR_CSS
    BINDINGS = [Binding("ctrl+q", "app.quit", N_("Quit"), id="second_factor.quit-2")]

    def __init__(self, identity: Identity, codes: list[str]) -> None:
        super().__init__()
        self.identity = identity
        self.codes = codes

    def compose(self) -> ComposeResult:
        yield UsisHeader()
        with Center(classes="mfa-center"):
            with Vertical(classes="mfa-box", id="mfa-recovery-box"):
                yield Label(_("Two-step sign-in is on"), classes="mfa-title")
                yield Static(_("Your recovery codes. Each works once instead of a code, if "
                               "you lose your phone. Write them down or print them now: they "
                               "are not shown again."), classes="mfa-text")
                yield Static(recovery_text(self.codes), id="mfa-recovery-codes")
                with Horizontal(classes="mfa-buttons"):
                    yield Button(_("Continue"), id="mfa-continue", variant="primary")
        yield UsisFooter()

    def on_mount(self) -> None:
        self.query_one("#mfa-continue", Button).focus()

    @on(Button.Pressed, "#mfa-continue")
    def _continue(self) -> None:
        button = self.query_one("#mfa-continue", Button)
        if button.disabled:
            return
        button.disabled = True
        self._sign_in()

    @service_worker(group="second-factor", exclusive=True)
    async def _sign_in(self) -> None:
        await finish(self.app, self.identity)  # type: ignore[arg-type]


def screen_for(pending: PendingSignIn) -> Screen:
    """The screen that comes after the password for ``pending``."""
    return SetupScreen(pending) if pending.step == "setup" else SecondFactorScreen(pending)
