"""Joining a classroom (the trainee's side of services/classroom.py).

On the Login page, "Join a classroom" (a key and a button; ``usis --join CODE`` opens it with the
code filled in) asks for the session code and your name. Joining makes your own session student;
the app signs in with its credentials through the normal sign-in (``auth.login``; nobody types or
sees the password), starts the classroom's tour with ``app.start_tour(tour, listener=...)``, and
the listener (``ProgressReporter``) sends every step to the classroom in a worker: never on the
event loop, and a failure (the classroom closed, the database busy) is logged and never stops the
trainee's tour.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen

from ..errors import ServiceError
from ..i18n import N_, _
from ..widgets.footer import UsisFooter
from ..widgets.literal import Button, Input, Label, Static
from ..widgets.problems import ProblemList
from .calls import call_service, service_worker, start

if TYPE_CHECKING:
    from ..app import UsisApp
    from ..services.classroom import JoinedSession
    from ..tours import TourProgress

log = logging.getLogger(__name__)


class ProgressReporter:
    """The tour guide's listener for a trainee: each TourProgress goes to
    ``classroom.progress`` in a worker of the app, one call at a time, the newest state only
    (a step reached while the previous one is being sent replaces what waits). Failures are
    logged (``failures`` counts them) and never reach the tour."""

    def __init__(self, app: UsisApp, code: str, student_number: str) -> None:
        self.app = app
        self.code = code
        self.student_number = student_number
        self.failures = 0
        self.sent = 0
        self._waiting: TourProgress | None = None
        self._busy = False

    def __call__(self, progress: TourProgress) -> None:
        self._waiting = progress
        if not self._busy:
            self._busy = True
            start(self.app, self._send(), group="classroom-progress")

    async def _send(self) -> None:
        try:
            while self._waiting is not None:
                progress, self._waiting = self._waiting, None
                try:
                    await call_service(self.app, self.app.usis.classroom.progress, self.code,
                                       self.student_number, progress)
                    self.sent += 1
                except ServiceError as exc:  # the tour goes on all the same
                    self.failures += 1
                    if self.failures == 1:  # (unexpected failures are logged by call_service)
                        log.warning("classroom %s: progress not sent: %s", self.code, exc)
        finally:
            self._busy = False

    async def idle(self) -> None:
        """Wait until everything reported has been sent (tests)."""
        while self._busy:
            await asyncio.sleep(0.01)


async def signed_in_as_trainee(app: UsisApp, joined: JoinedSession) -> bool:
    """Sign in with the session student's credentials through the normal sign-in, then start
    the classroom's tour with a ProgressReporter as its listener. False (with a message) when
    the sign-in is refused."""
    from ..services.schemas import Identity
    from .calls import report

    try:
        identity = await call_service(app, app.raw_usis.auth.login, joined.student_number,
                                      joined.password)
    except ServiceError as exc:
        report(app, exc, title=_("Not joined"))
        return False
    if not isinstance(identity, Identity):  # (a session student has no second factor)
        app.notify(_("Your session student asks for a second factor: ask your trainer."),
                   title=_("Not joined"), severity="error", timeout=10)
        return False
    from .queue import admit_or_queue

    if not await admit_or_queue(app, identity):
        return False
    reporter = ProgressReporter(app, joined.code, joined.student_number)
    app.classroom = (joined.code, reporter)
    await app.signed_in(identity)
    app.notify(_("You joined classroom {code} as {name}: your trainer follows your steps. "
                 "You work as student {number}, made for this session.").format(
        code=joined.code, name=joined.name, number=joined.student_number),
        title=_("Classroom"), timeout=8)
    await app.start_tour(joined.tour, listener=reporter)
    return True


class JoinClassroomDialog(ModalScreen[None]):
    """The session code and your name, then Join (Escape: back to the Login)."""

    CSS_PATH = "../styles/classroom.tcss"
    BINDINGS: ClassVar = [
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Back to the Login"),
                id="classroom_join.cancel"),
    ]

    def __init__(self, code: str = "") -> None:
        super().__init__(id="join-classroom")
        self.code = code

    @property
    def usis_app(self) -> UsisApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical(id="join-box", classes="dialog-box"):
            yield Label(_("Join a classroom"), classes="dialog-title")
            yield Static(_("Your trainer shows a classroom code. You get a student of your own "
                           "for the session and follow the tour; your trainer sees your "
                           "steps."), classes="hint")
            yield Label(_("Classroom code"), classes="field-label")
            yield Input(self.code, placeholder=_("e.g. K7MQ3T"), id="join-code",
                        max_length=12, compact=True)
            yield Label(_("Your name"), classes="field-label")
            yield Input(placeholder=_("as your trainer will see it"), id="join-name",
                        max_length=60, compact=True)
            yield ProblemList(id="join-problems")
            with Horizontal(classes="button-row"):
                yield Button(_("Join"), id="join-yes", variant="primary", compact=True)
                yield Button(_("Cancel"), id="join-no", compact=True)
        yield UsisFooter()

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = not self.app.is_headless
        self.query_one("#join-name" if self.code else "#join-code", Input).focus()

    @on(Input.Submitted, "#join-code")
    def _next(self) -> None:
        self.query_one("#join-name", Input).focus()

    @on(Input.Submitted, "#join-name")
    @on(Button.Pressed, "#join-yes")
    def action_join(self) -> None:
        button = self.query_one("#join-yes", Button)
        if not button.disabled:
            button.disabled = True
            self._join(self.query_one("#join-code", Input).value,
                       self.query_one("#join-name", Input).value)

    @service_worker(group="join-classroom", exclusive=True, problems="#join-problems")
    async def _join(self, code: str, name: str) -> None:
        """Join in the dialog (a refusal is shown in it); then the dialog closes and the app
        signs in as the session student (an app worker: the Login and this dialog go)."""
        app = self.usis_app
        try:
            if not await app.database_ready():
                return  # "uSis cannot start" has replaced the Login
            joined = await call_service(self, app.raw_usis.classroom.join, code, name)
        except ServiceError as exc:
            self.query_one(ProblemList).show(exc.problems)
            return
        finally:
            if self.is_attached:
                self.query_one("#join-yes", Button).disabled = False
        self.dismiss(None)
        start(app, signed_in_as_trainee(app, joined), group="classroom-join", exclusive=True)

    @on(Button.Pressed, "#join-no")
    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = ["JoinClassroomDialog", "ProgressReporter", "signed_in_as_trainee"]
