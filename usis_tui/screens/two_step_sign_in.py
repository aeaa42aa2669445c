"""Self Service › Two-step sign-in: the signed-in account's second factor (services/mfa.py).

A student turns it on (the key as a QR code and as text, confirmed with a first code; the
recovery codes shown once) or, when the configuration leaves it optional, off with a current
code. Staff (and students when it is required) see that it is on and cannot turn it off.
It is always the signed-in account's own (support acting as a student sees their own).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll

from ..errors import ServiceError
from ..i18n import _, ngettext
from ..services.schemas import MfaStatus
from ..widgets.literal import Button, Input, Label, Static
from ..widgets.problems import ProblemList
from ..widgets.qr import QrCode
from .base import UsisScreen
from .calls import service_worker
from .second_factor import (
    CODE_CHARACTERS,
    CODE_LENGTH,
    SECOND_FACTOR_CSS,
    key_lines,
    recovery_text,
    steady_inputs,
)


class TwoStepSignInScreen(UsisScreen):
    PAGE = "Two-step sign-in"
    DEFAULT_CSS = SECOND_FACTOR_CSS + """
    #two-step-page { padding: 0 2; }
    #two-step-status { margin: 1 0 0 0; }
    #two-step-setup { height: auto; margin: 1 0 0 0; }
    #two-step-setup.-hidden, #two-step-off.-hidden, #two-step-codes.-hidden,
    #two-step-on.-hidden { display: none; }
    #two-step-off { height: auto; margin: 1 0 0 0; }
    #two-step-codes { height: auto; margin: 1 0 0 0; }
    #two-step-code, #two-step-off-code { width: 30; }
    """

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="two-step-page"):
            yield Label(_("Two-step sign-in"), classes="page-title")
            yield Static(_("With two-step sign-in, uSis asks for a 6-digit code from an "
                           "authenticator app on your phone after your password."),
                         classes="mfa-text")
            yield Static("", id="two-step-status")
            with Horizontal(classes="mfa-buttons", id="two-step-on"):
                yield Button(_("Set up two-step sign-in"), id="two-step-start",
                             variant="primary")
            with Horizontal(id="two-step-setup", classes="-hidden"):
                yield QrCode(id="mfa-qr")
                with Vertical(id="mfa-setup-form"):
                    yield Static(_("1. Scan the QR code with an authenticator app, or type "
                                   "this key in it:"), classes="mfa-text")
                    yield Static("", id="mfa-key", classes="mfa-key")
                    yield Static(_("2. Type the 6-digit code it shows:"), classes="mfa-text")
                    yield Input(placeholder=_("6-digit code"), id="two-step-code",
                                restrict=CODE_CHARACTERS, max_length=CODE_LENGTH)
                    with Horizontal(classes="mfa-buttons"):
                        yield Button(_("Confirm"), id="two-step-confirm", variant="primary")
            with Vertical(id="two-step-off", classes="-hidden"):
                yield Static(_("To turn it off, type a current code (or a recovery code):"),
                             classes="mfa-text")
                yield Input(placeholder=_("6-digit code or a recovery code"),
                            id="two-step-off-code", restrict=CODE_CHARACTERS,
                            max_length=CODE_LENGTH)
                with Horizontal(classes="mfa-buttons"):
                    yield Button(_("Turn off"), id="two-step-turn-off", variant="error")
            with Vertical(id="two-step-codes", classes="-hidden"):
                yield Static(_("Your recovery codes. Each works once instead of a code, if "
                               "you lose your phone. Write them down or print them now: they "
                               "are not shown again."), classes="mfa-text")
                yield Static("", id="mfa-recovery-codes")
            yield ProblemList(id="two-step-problems", classes="mfa-problems")

    def on_mount(self) -> None:
        steady_inputs(self)
        self.load()

    @property
    def username(self) -> str:
        identity = self.usis_app.identity
        return identity.username if identity is not None else ""

    def _show(self, part: str, shown: bool) -> None:
        self.query_one(f"#{part}").set_class(not shown, "-hidden")

    def show_status(self, status: MfaStatus) -> None:
        if status.enabled:
            left = ngettext("{n} recovery code left.", "{n} recovery codes left.",
                            status.recovery_left).format(n=status.recovery_left)
            text = (_("Two-step sign-in is on. It is required for your account.")
                    if status.required else _("Two-step sign-in is on.")) + " " + left
        elif status.required:
            text = _("Two-step sign-in is required for your account: it is set up at your "
                     "next sign-in.")
        else:
            text = _("Two-step sign-in is off.")
        self.query_one("#two-step-status", Static).update(text)
        self._show("two-step-on", not status.enabled and not status.required)
        self._show("two-step-off", status.enabled and not status.required)
        self._show("two-step-setup", False)

    @service_worker(group="two-step", exclusive=True, problems="#two-step-problems")
    async def load(self) -> None:
        self.show_status(await self.call(self.usis_app.usis.mfa.status, self.username))

    @on(Button.Pressed, "#two-step-start")
    def _start(self) -> None:
        self.start_setup()

    @service_worker(group="two-step", exclusive=True, problems="#two-step-problems")
    async def start_setup(self) -> None:
        key = await self.call(self.usis_app.usis.mfa.start, self.username)
        self.query_one("#mfa-qr", QrCode).show(key.uri)
        self.query_one("#mfa-key", Static).update(key_lines(key.grouped))
        self._show("two-step-on", False)
        self._show("two-step-setup", True)
        self.query_one("#two-step-code", Input).focus()

    @on(Input.Submitted, "#two-step-code")
    @on(Button.Pressed, "#two-step-confirm")
    def _confirm(self) -> None:
        self.confirm(self.query_one("#two-step-code", Input).value)

    @service_worker(group="two-step", exclusive=True, problems="#two-step-problems")
    async def confirm(self, code: str) -> None:
        problems = self.query_one(ProblemList)
        try:
            codes = await self.call(self.usis_app.usis.mfa.enable, self.username, code)
        except ServiceError as exc:
            problems.show(exc.problems)
            self.query_one("#two-step-code", Input).value = ""
            return
        problems.clear()
        self.query_one("#mfa-recovery-codes", Static).update(recovery_text(codes))
        self._show("two-step-codes", True)
        self.show_status(await self.call(self.usis_app.usis.mfa.status, self.username))

    @on(Input.Submitted, "#two-step-off-code")
    @on(Button.Pressed, "#two-step-turn-off")
    def _turn_off(self) -> None:
        self.turn_off(self.query_one("#two-step-off-code", Input).value)

    @service_worker(group="two-step", exclusive=True, problems="#two-step-problems")
    async def turn_off(self, code: str) -> None:
        problems = self.query_one(ProblemList)
        field = self.query_one("#two-step-off-code", Input)
        try:
            status = await self.call(self.usis_app.usis.mfa.disable, self.username, code)
        except ServiceError as exc:
            problems.show(exc.problems)
            field.value = ""
            return
        problems.clear()
        field.value = ""
        self._show("two-step-codes", False)
        self.show_status(status)
        self.app.notify(_("Two-step sign-in is off."), timeout=6)
