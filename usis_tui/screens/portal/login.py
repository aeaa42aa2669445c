"""Log in to the Course Portal: the seed's ways, and "Create an account" beside them.

- "Leiden University / LUMC (ULCN)": a signed-in uSis user continues as themselves
  (``portal_accounts.ulcn``); anybody else types the ULCN user ID and password (``auth.login``,
  the uSis sign-in with its throttle). An account with two-step sign-in gets its code on the
  uSis Login, so it is asked to sign in to uSis first.
- "eduID" and "Other login": e-mail address and password (``portal_accounts.login``).
- "Create an account": e-mail, name and password (``portal_accounts.create``), then the code
  from the e-mail (``portal_accounts.confirm`` with that same password); "Send a new code".

The protections are the services' (no account enumeration, the throttle): this page shows their
refusals in its ProblemList. After logging in, the page that asked for it opens (``then``: e.g.
My courses, or the payment of the chosen course).
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import ContentSwitcher, RadioSet

from ...i18n import N_, _, get_language
from ...services.portal.schemas import LOGIN_LABELS, PortalIdentity
from ...widgets.literal import Button, Input, Label, RadioButton, Static, literal
from ...widgets.problems import ProblemList
from ..calls import service_worker
from .base import LOGIN_PAGE, PortalScreen
from .common import field_row

#: Enter in a field goes to the next one; in the last one it sends the form
FORMS = {"ulcn": ("ulcn-username", "ulcn-password"),
         "email": ("login-email", "login-password"),
         "create": ("new-email", "new-name", "new-password"),
         "code": ("code",)}


class PortalLoginScreen(PortalScreen):
    PAGE = LOGIN_PAGE
    BINDINGS = [
        Binding("ctrl+s", "login", N_("Log in"), tooltip=N_("Log in the way you chose"),
                id="portal_login.login"),
        Binding("ctrl+n", "create", N_("Create an account"),
                tooltip=N_("Create an account: e-mail, name and password"),
                id="portal_login.create"),
        Binding("ctrl+r", "resend", N_("Send a new code"),
                tooltip=N_("Another confirmation code by e-mail"), id="portal_login.resend"),
    ]

    def __init__(self, then: str | None = None, **options: Any) -> None:
        """``then``: the page to open after logging in (with ``options``)."""
        super().__init__()
        self.then = then
        self.options = options
        self._sign_up: tuple[str, str] | None = None  # (e-mail, password) waiting for a code

    def compose_body(self) -> ComposeResult:
        usis_user = self.usis_app.identity
        with VerticalScroll(id="page"):
            yield Label(_("Log in to the Course Portal"), classes="page-title")
            yield Static(_("After logging in, you will immediately gain access to your personal "
                           "learning environment."), classes="intro")
            yield ProblemList(id="login-problems")
            with Horizontal(id="login-columns"):
                with Vertical(id="login-panel", classes="block") as panel:
                    panel.border_title = literal(_("Log in"))
                    yield RadioSet(*[RadioButton(_(LOGIN_LABELS[way]), id=f"way-{way}",
                                                 value=way == ("ulcn" if usis_user else "other"))
                                     for way in ("ulcn", "eduid", "other")],
                                   id="login-way", classes="choices")
                    with Vertical(id="ulcn-fields"):
                        yield Static(_("Staff and students of Leiden University and LUMC: log "
                                       "in with your ULCN account."), classes="hint")
                        if usis_user is not None:
                            yield Button(_("Continue as {name} ({user})").format(
                                name=usis_user.name, user=usis_user.username),
                                id="ulcn-continue", variant="primary", compact=True)
                        else:
                            yield field_row("ulcn-username", _("User ID"), Input(
                                placeholder=_("e.g. s1234567"), id="ulcn-username",
                                compact=True))
                            yield field_row("ulcn-password", _("Password"), Input(
                                password=True, id="ulcn-password", compact=True))
                            yield Button(_("Log in with ULCN"), id="ulcn-login",
                                         variant="primary", compact=True)
                    with Vertical(id="email-fields"):
                        yield Static(_("Not a member of staff or a student of Leiden University "
                                       "or LUMC? Log in with your eduID or your \"Other login\" "
                                       "account."), classes="hint")
                        yield field_row("login-email", _("E-mail address"), Input(
                            placeholder=_("name@example.com"), id="login-email", compact=True))
                        yield field_row("login-password", _("Password"), Input(
                            password=True, id="login-password", compact=True))
                        yield Button(_("Log in"), id="email-login", variant="primary",
                                     compact=True)
                with Vertical(id="create-panel", classes="block") as panel:
                    panel.border_title = literal(_("Create an account"))
                    with ContentSwitcher(initial="create-form", id="create-steps"):
                        with Vertical(id="create-form"):
                            yield Static(_("Don't have an account yet? You can quickly create "
                                           "one here; we e-mail you a code to confirm your "
                                           "address."), classes="hint")
                            yield field_row("new-email", _("E-mail address"), Input(
                                placeholder=_("name@example.com"), id="new-email",
                                compact=True))
                            yield field_row("new-name", _("Name"), Input(
                                placeholder=_("as on your certificate"), id="new-name",
                                compact=True))
                            yield field_row("new-password", _("Password"), Input(
                                password=True, placeholder=_("at least 8 characters"),
                                id="new-password", compact=True))
                            yield Button(_("Create an account"), id="create-account",
                                         variant="primary", compact=True)
                        with Vertical(id="create-code"):
                            yield Static("", id="code-sent", classes="hint")
                            yield field_row("code", _("Confirmation code"), Input(
                                placeholder="123456", id="code", compact=True, max_length=12))
                            with Horizontal(classes="button-row"):
                                yield Button(_("Confirm"), id="confirm-code",
                                             variant="primary", compact=True)
                                yield Button(_("Send a new code"), id="resend-code",
                                             compact=True)

    def on_mount(self) -> None:
        self._way_changed()
        self.query_one("#login-way", RadioSet).focus()

    @property
    def way(self) -> str:
        for way in ("ulcn", "eduid", "other"):
            if self.query_one(f"#way-{way}", RadioButton).value:
                return way
        return "other"

    @on(RadioSet.Changed, "#login-way")
    def _way_changed(self) -> None:
        ulcn = self.way == "ulcn"
        self.query_one("#ulcn-fields").display = ulcn
        self.query_one("#email-fields").display = not ulcn

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resend":
            return self._sign_up is not None
        if action == "create":
            return self._sign_up is None
        return True

    # ------------------------------------------------------------------ keys and buttons
    @on(Input.Submitted)
    def _field_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        field = event.input.id or ""
        for form, fields in FORMS.items():
            if field in fields:
                at = fields.index(field)
                if at < len(fields) - 1:
                    self.query_one(f"#{fields[at + 1]}").focus()
                else:
                    self._send(form)
                return

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        form = {"ulcn-continue": "continue", "ulcn-login": "ulcn", "email-login": "email",
                "create-account": "create", "confirm-code": "code",
                "resend-code": "resend"}.get(event.button.id or "")
        if form:
            event.stop()
            self._send(form)

    def action_login(self) -> None:
        if self.way != "ulcn":
            self._send("email")
        elif self.usis_app.identity is not None:
            self._send("continue")
        else:
            self._send("ulcn")

    def action_create(self) -> None:
        self.query_one("#new-email", Input).focus()

    def action_resend(self) -> None:
        if self._sign_up is not None:
            self._send("resend")

    def _value(self, field: str) -> str:
        return self.query_one(f"#{field}", Input).value

    def _send(self, form: str) -> None:
        if form == "continue":
            self.continue_as_usis_user()
        elif form == "ulcn":
            self.log_in_ulcn(self._value("ulcn-username"), self._value("ulcn-password"))
        elif form == "email":
            self.log_in_email(self._value("login-email"), self._value("login-password"))
        elif form == "create":
            self.create_account(self._value("new-email"), self._value("new-name"),
                                self._value("new-password"))
        elif form == "code" and self._sign_up is not None:
            self.confirm_code(self._value("code"))
        elif form == "resend" and self._sign_up is not None:
            self.resend_code()

    # ------------------------------------------------------------------ the services
    async def _logged_in(self, identity: PortalIdentity) -> None:
        from ..calls import start

        self.notify(_("You are logged in to the Course Portal as {name}.").format(
            name=identity.name), timeout=4)
        # the app's worker: this page is replaced by the one that asked for the log-in
        start(self.app, self.usis_app.portal_signed_in(identity, then=self.then,
                                                       **self.options),
              group="portal-login", exclusive=True)

    @service_worker(group="login", exclusive=True, problems="#login-problems")
    async def continue_as_usis_user(self) -> None:
        user = self.usis_app.identity
        if user is None:
            return
        identity = await self.fetch(self.facade.portal_accounts.ulcn, user.username)
        if identity is not None:
            await self._logged_in(identity)

    @service_worker(group="login", exclusive=True, problems="#login-problems")
    async def log_in_ulcn(self, username: str, password: str) -> None:
        """The uSis password check; then the portal account of that ULCN user, through the
        guard as that user (the password has just proved who it is)."""
        from ...services.access import Principal, guard
        from ...services.schemas import PendingSignIn, Problem

        self.query_one("#ulcn-password", Input).value = ""
        result = await self.fetch(self.facade.auth.login, username, password)
        if result is None:
            self.query_one("#ulcn-password", Input).focus()
            return
        if isinstance(result, PendingSignIn):  # the code is asked on the uSis Login
            self.query_one(ProblemList).show([Problem(
                code="two_step",
                message=_("Your ULCN account uses two-step sign-in."),
                hint=_("Sign in to uSis first (it asks for your code), then open the Course "
                       "Portal from the Main Menu and continue as yourself."))])
            return
        as_user = guard(self.usis_app.raw_usis,
                        Principal(username=result.username, role=result.role))
        identity = await self.fetch(as_user.portal_accounts.ulcn,
                                    result.username)
        if identity is not None:
            await self._logged_in(identity)

    @service_worker(group="login", exclusive=True, problems="#login-problems")
    async def log_in_email(self, email: str, password: str) -> None:
        self.query_one("#login-password", Input).value = ""
        identity = await self.fetch(self.facade.portal_accounts.login, email, password)
        if identity is None:
            self.query_one("#login-password", Input).focus()
            return
        await self._logged_in(identity)

    @service_worker(group="login", exclusive=True, problems="#login-problems")
    async def create_account(self, email: str, name: str, password: str) -> None:
        sign_up = await self.fetch(self.facade.portal_accounts.create, email, name, password,
                                   language=get_language())
        if sign_up is None:
            return
        self._sign_up = (sign_up.email, password)
        self.query_one("#new-password", Input).value = ""
        self.query_one("#code-sent", Static).update(
            _("We sent a confirmation code to {email}. Enter it here within 30 minutes to "
              "confirm your address.").format(email=sign_up.email))
        self.query_one("#create-steps", ContentSwitcher).current = "create-code"
        self.refresh_bindings()
        self.query_one("#code", Input).focus()

    @service_worker(group="login", exclusive=True, problems="#login-problems")
    async def confirm_code(self, code: str) -> None:
        assert self._sign_up is not None
        email, password = self._sign_up
        identity = await self.fetch(self.facade.portal_accounts.confirm, email, code, password)
        if identity is None:
            self.query_one("#code", Input).focus()
            return
        self._sign_up = None
        await self._logged_in(identity)

    @service_worker(group="login", exclusive=True, problems="#login-problems")
    async def resend_code(self) -> None:
        assert self._sign_up is not None
        sent = await self.fetch(self.facade.portal_accounts.resend, self._sign_up[0])
        if sent is not None:
            self.notify(_("A new code is on its way to {email} (at most one a minute).").format(
                email=sent.email), timeout=6)


__all__ = ["PortalLoginScreen"]
