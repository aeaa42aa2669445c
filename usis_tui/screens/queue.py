"""The opening queue: when every place is taken (USIS_MAX_SESSIONS / --max-sessions), a student
who signs in waits here with their position and an estimated wait, as with Leiden's ticket
system on registration day, and is let in automatically when a place frees up.

``admit_or_queue(app, identity)`` is called by the Login screen right before it signs the
student in; ``end_session(app)`` by sign-out. While admitted, a Textual interval timer sends a
heartbeat (services/queue.py HEARTBEAT) so the place is kept; a session that stops sending them
(the app was closed or killed) expires and its place goes to the next in line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.timer import Timer

from ..i18n import N_, _, format_date, format_time, ngettext
from ..widgets.footer import UsisFooter
from ..widgets.header import UsisHeader
from ..widgets.literal import Label, Static, clean
from .calls import call_service, is_failure, service_worker, start

if TYPE_CHECKING:
    from ..app import UsisApp
    from ..services.queue import QueueTicket
    from ..services.schemas import Identity

POLL_SECONDS = 2.0  # how often the Queue screen asks whether a place is free


class _Kept:
    """The admitted session of one app: its ticket token and heartbeat timer."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.timer: Timer | None = None


_SESSIONS: WeakKeyDictionary[App, _Kept] = WeakKeyDictionary()


def _queue(app: App):
    """The queue service of the unguarded facade: session plumbing, like the sign-in itself."""
    usis = getattr(app, "raw_usis", None) or app.usis  # type: ignore[attr-defined]
    return usis.queue


def session_token(app: App) -> str | None:
    kept = _SESSIONS.get(app)
    return kept.token if kept else None


async def admit_or_queue(app: UsisApp, identity: Identity) -> bool:
    """True: the student may go on (admitted, or no limit). False: the Queue screen (or a
    message about a bad limit) is shown instead."""
    from ..services import ServiceError

    if identity.kind != "student":
        return True
    queue = _queue(app)
    try:
        if not queue.enabled:
            return True
        ticket = await call_service(app, queue.enter, identity.username)
    except ServiceError as exc:
        problem = exc.problems[0]
        app.notify(f"{problem.message} {problem.hint}".strip(), title=_("Opening queue"),
                   severity="error", timeout=10)
        return False
    if ticket.admitted:
        keep_session(app, ticket.token)
        return True
    # Not awaited: the caller is a handler of the Login screen that is being replaced.
    app.switch_screen(QueueScreen(identity, ticket))
    return False


def keep_session(app: UsisApp, token: str) -> None:
    """Start the heartbeat of an admitted session."""
    from ..services.queue import HEARTBEAT

    old = _SESSIONS.pop(app, None)
    if old is not None and old.timer is not None:
        old.timer.stop()
    kept = _Kept(token)
    kept.timer = app.set_interval(
        HEARTBEAT.total_seconds(),
        lambda: start(app, _beat(app, kept), group="usis-heartbeat", exclusive=True),
        name="usis-session-heartbeat")
    _SESSIONS[app] = kept


async def _beat(app: UsisApp, kept: _Kept) -> None:
    from ..services import ServiceError

    if _SESSIONS.get(app) is not kept:
        return
    try:
        ticket = await call_service(app, _queue(app).poll, kept.token)
    except ServiceError as exc:
        if is_failure(exc):  # a busy or unreachable database: try again next beat
            return
        ended = True
    else:
        ended = ticket.status == "ended"
    if ended and _SESSIONS.get(app) is kept:
        app.notify(_("Your session has expired: uSis had not heard from this terminal for too "
                     "long. Sign in again."), title=_("Session expired"), severity="warning",
                   timeout=10)
        await app.action_sign_out()


async def end_session(app: UsisApp) -> None:
    """Sign-out: stop the heartbeat and give the place to the first one waiting (in an app
    worker: sign-out does not wait for the database)."""
    kept = _SESSIONS.pop(app, None)
    if kept is None:
        return
    if kept.timer is not None:
        kept.timer.stop()
    start(app, _leave(app, kept.token), group="usis-leave")


async def _leave(app: App, token: str, why: str | None = None) -> None:
    from ..services import ServiceError

    try:
        await call_service(app, _queue(app).leave, token, *([why] if why else []))
    except ServiceError:  # the place frees anyway when the session expires
        pass


class QueueScreen(Screen):
    """Waiting for a place: position, estimated wait, the cart kept safe."""

    DEFAULT_CSS = """
    QueueScreen #queue-center { width: 100%; height: 1fr; align: center middle; }
    QueueScreen #queue-box {
        width: 76; height: auto; padding: 1 3; background: $surface;
        border: round $primary;
    }
    QueueScreen #queue-university { color: $text-muted; }
    QueueScreen #queue-title { text-style: bold; color: $primary; margin-bottom: 1; }
    QueueScreen #queue-position {
        text-style: bold; color: $primary; background: $panel; width: 100%;
        content-align: center middle; height: 3; margin: 1 0;
    }
    QueueScreen #queue-wait { text-style: bold; margin-bottom: 1; }
    QueueScreen .queue-line { color: $text; }
    QueueScreen #queue-cart { margin-top: 1; }
    QueueScreen #queue-keep { margin-top: 1; color: $text-muted; text-style: italic; }
    """

    BINDINGS = [
        Binding("r", "refresh_ticket", N_("Refresh"), tooltip=N_("Ask now whether a place is free"),
                id="queue.refresh-ticket"),
        Binding("escape", "leave", N_("Leave queue"),
                tooltip=N_("Give up your place in the queue and go back to Sign in"),
                id="queue.leave"),
        Binding("ctrl+q", "app.quit", N_("Quit"), id="queue.quit"),
    ]

    def __init__(self, identity: Identity, ticket: QueueTicket) -> None:
        super().__init__()
        self.identity = identity
        self.ticket = ticket
        self._timer: Timer | None = None
        self._done = False
        self.sub_title = clean(f"{identity.name} ({identity.username})", oneline=True)

    @property
    def usis_app(self) -> UsisApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield UsisHeader()
        with Center(id="queue-center"):
            with Vertical(id="queue-box"):
                yield Label("Universiteit Leiden", id="queue-university")
                yield Label(_("uSis – You are in the queue"), id="queue-title")
                yield Static(id="queue-intro", classes="queue-line", markup=False)
                yield Static(id="queue-position", markup=False)
                yield Static(id="queue-wait", markup=False)
                yield Static(id="queue-since", classes="queue-line", markup=False)
                yield Static(id="queue-cart", classes="queue-line", markup=False)
                yield Static(_("Keep this screen open: you are let in automatically as soon "
                               "as a place frees up. Leaving the queue (Escape) gives up your "
                               "place."), id="queue-keep", markup=False)
        yield UsisFooter()

    def on_mount(self) -> None:
        self.show(self.ticket)
        self._timer = self.set_interval(POLL_SECONDS, self.refresh_ticket,
                                        name="usis-queue-poll")

    def show(self, ticket: QueueTicket) -> None:
        self.ticket = ticket
        busy = (_("uSis is busy: {active} students are using it and at most {limit} can at "
                  "the same time.").format(active=ticket.active, limit=ticket.limit)
                if ticket.limit else _("uSis is busy."))
        self.query_one("#queue-intro", Static).update(
            _("Welcome, {name} ({username}).").format(name=self.identity.name,
                                                      username=self.identity.username)
            + f" {busy}")
        self.query_one("#queue-position", Static).update(
            _("Your position in the queue: {position}").format(position=ticket.position))
        from ..services.queue import format_wait  # worded in the current language

        self.query_one("#queue-wait", Static).update(
            _("Estimated wait: {wait}").format(wait=format_wait(ticket.estimated_wait)))
        others = ticket.waiting - 1
        self.query_one("#queue-since", Static).update(
            ngettext("In the queue since {time} ({date}); {n} other student waiting.",
                     "In the queue since {time} ({date}); {n} other students waiting.",
                     others).format(time=format_time(ticket.queued_at),
                                    date=format_date(ticket.queued_at), n=others))
        n = ticket.cart_items
        self.query_one("#queue-cart", Static).update(
            ngettext("Your shopping cart ({n} class) is kept safe; you can enrol as soon as "
                     "you are admitted.",
                     "Your shopping cart ({n} classes) is kept safe; you can enrol as soon as "
                     "you are admitted.", n).format(n=n) if n
            else _("Your shopping cart is kept safe; you can enrol as soon as you are "
                   "admitted."))

    def action_refresh_ticket(self) -> None:
        self.refresh_ticket()

    @service_worker(group="queue-poll", exclusive=True)
    async def refresh_ticket(self) -> None:
        from ..services import ServiceError

        if self._done:
            return
        try:
            ticket = await call_service(self, _queue(self.app).poll, self.ticket.token)
        except ServiceError as exc:
            if is_failure(exc):  # database busy: keep waiting, ask again next time
                return
            await self._back_to_login(_("Your place in the queue has ended. Sign in again."))
            return
        if self._done:
            return
        if ticket.admitted:
            self._stop()
            keep_session(self.usis_app, ticket.token)
            self.app.notify(_("It is your turn: welcome to uSis."), title=_("Opening queue"),
                            timeout=6)
            # Not awaited here: the app's own message queue runs the sign-in (this worker
            # belongs to the Queue screen, which the sign-in replaces).
            self.app.call_later(self.usis_app.signed_in, self.identity)
        elif ticket.status == "ended":
            await self._back_to_login(_("Your place in the queue expired: this terminal was "
                                        "silent for too long. Sign in again."))
        else:
            self.show(ticket)

    def action_leave(self) -> None:
        if self._done:
            return
        self._stop()
        start(self.app, _leave(self.app, self.ticket.token, "left"), group="usis-leave")
        self.app.call_later(self._back_to_login, None)

    def _stop(self) -> None:
        self._done = True
        if self._timer is not None:
            self._timer.stop()

    async def _back_to_login(self, message: str | None) -> None:
        self._stop()
        if message:
            self.app.notify(message, title=_("Opening queue"), severity="warning", timeout=10)
        self.usis_app.show_login()
