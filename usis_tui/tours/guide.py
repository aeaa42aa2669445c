"""The tour guide: one running tour in one app (``app.tour_guide``).

It holds the tour and the current step and watches the app (every quarter of a second, and
each time the screen changes): a step is done when every one of its checks holds at once, as
``usis replay`` checks them — ``login``/``code``: somebody is signed in; ``open "PAGE"``: that
page is on top; ``expect "TEXT"``: the text is on the page (the tour's own panel left out) —
with two differences a person at a terminal needs: an expected text counts when the page
shows it once more than when the step began ("Confirm classes" is in the Enrol page's step
indicator all along), and also when it is scrolled out of sight (80x24). A note (a ``say``
with nothing after it) waits for Next. A login step is done at once when somebody is already
signed in (a classroom's trainee).

- **Show me** does the step's actions in the live app with the replay engine (a worker of the
  app; a failure becomes a hint, the app stays up);
- **Back** goes to the previous step (the app is left as it is), **Skip** moves on unchecked,
  **Stop** ends the tour;
- a **wrong turn** (another page than the one the step began on or leads to, or a window the
  step does not use) gives a hint that leads back, in words a trainee can act on;
- the control the step uses is **highlighted** (CSS class ``tour-target``).

Labels and texts of a tour are English: the checks and Show me look for their translation
(``_()``) in the app's language; page names go through ``navigation.canonical_page``.

Whoever listens (``add_listener``: a classroom) gets a ``TourProgress`` on the event
loop each time the step, the hint or ``finished`` changes. Starting, finishing, stopping and
each step done (by the trainee, Show me, skipped) go to the audit trail when somebody is signed
in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from ..i18n import N_, _
from ..navigation import canonical_page, path, title
from ..replay.engine import (
    Replayer,
    StepFailed,
    count_on_page,
    find_field,
    find_row,
    key_for,
    press_candidates,
)
from ..replay.parser import (
    Code,
    EnterClass,
    Expect,
    Login,
    Open,
    Press,
    SelectRow,
    Step,
    TypeText,
)
from . import Tour, TourProgress, TourStep

if TYPE_CHECKING:
    from textual.widget import Widget

    from ..app import UsisApp

TICK = 0.25  # seconds between two looks at the app
TARGET_CLASS = "tour-target"  # the control the current step uses
#: a wrong turn is said after it has been seen this many looks in a row (not while the app
#: passes through a page on its way to another)
WRONG_TURN_TICKS = 2
AUDIT_ACTION = "tour"
How = Literal["trainee", "show_me", "skipped"]
HOW_WORDS = {"trainee": "by the trainee", "show_me": "Show me", "skipped": "Skipped"}

HINT_MODAL = N_("Close this window first (Escape): this step is on {page}.")
HINT_ESCAPE = N_("This step is on {page}: press Escape to go back.")
HINT_PALETTE = N_("This step is on {page}: press Ctrl+P and type {page}.")
HINT_START = N_("This step starts on {start}: press Escape to go back to it, or Ctrl+P and "
               "type {page}.")
HINT_SHOW_ME = N_("Show me could not do this step: {problem}")
HINT_SIGN_IN = N_("Sign in first: this tour starts at the Login.")
HINT_SIGNED_OUT = N_("You have signed out: sign in again, then go to {page}.")


def translated(step: Step) -> Step:
    """The step with its English label or text in the app's language (page names are found
    in either language by canonical_page)."""
    if isinstance(step, Press):
        return step.model_copy(update={"label": _(step.label)})
    if isinstance(step, TypeText):
        return step.model_copy(update={"label": _(step.label)})
    if isinstance(step, Expect):
        return step.model_copy(update={"text": _(step.text)})
    if isinstance(step, SelectRow):
        return step.model_copy(update={"text": _(step.text)})
    return step


def page_of(screen: Any) -> str | None:
    """The registry's page a screen shows (None: the Login, a dialog, ...)."""
    return getattr(screen, "usis_page", None)


class TourGuide:
    """One running tour in one app (the API a classroom codes against: ``tour``, ``index``,
    ``progress()``, ``add_listener()``; ``UsisApp.start_tour``/``stop_tour``)."""

    def __init__(self, app: UsisApp, tour: Tour) -> None:
        self.app = app
        self.tour = tour
        self.index = 0  # 0-based current step
        self.hint: str | None = None
        self.finished = False
        self.stopped = False
        self.showing = False  # Show me is doing the step
        self._listeners: list[Callable[[TourProgress], None]] = []
        self._entered_at = app.now()
        self._start_page: str | None = None  # the page the step began on
        self._how: How | None = None  # how the step before this one was done
        self._wrong_ticks = 0
        #: how often each expected text was on the screen when the step began
        self._baseline: dict[str, int] = {}
        #: Show me's failure, kept while the trainee stays on the page it failed on
        self._failed: tuple[str, str | None] | None = None
        self._target: Widget | None = None
        self._timer: Any = None

    # ------------------------------------------------------------------ the API
    @property
    def step(self) -> TourStep | None:
        return None if self.finished else self.tour.steps[self.index]

    def progress(self) -> TourProgress:
        """Where the trainee is; ``shown_me``/``skipped`` tell how the step before this one
        (once finished: the last step) was done."""
        total = len(self.tour.steps)
        return TourProgress(tour=self.tour.name,
                            number=total + 1 if self.finished else self.index + 1, total=total,
                            entered_at=self._entered_at.isoformat(timespec="seconds"),
                            hint=self.hint, finished=self.finished,
                            shown_me=self._how == "show_me", skipped=self._how == "skipped")

    def add_listener(self, fn: Callable[[TourProgress], None]) -> None:
        """``fn(progress)`` on the event loop each time the step, the hint or finished
        changes."""
        self._listeners.append(fn)

    # ------------------------------------------------------------------ life cycle
    def start(self) -> None:
        self._timer = self.app.set_interval(TICK, self.tick, name="tour-guide")
        self.app.screen_change_signal.subscribe(self.app, self._screen_changed)
        self._enter(0, None)

    def stop(self) -> None:
        """End the tour: no more looks, no highlight; the panels go (UsisApp.stop_tour)."""
        self.stopped = True
        if self._timer is not None:
            self._timer.stop()
        self.app.screen_change_signal.unsubscribe(self.app)
        self._highlight(None)

    def _screen_changed(self, screen: Any) -> None:
        self.app.call_after_refresh(self.tick)

    # ------------------------------------------------------------------ steps
    def _enter(self, index: int, how: How | None) -> None:
        self.index = index
        self._how = how
        self.hint = None
        self._failed = None
        self._wrong_ticks = 0
        self._entered_at = self.app.now()
        self._start_page = page_of(self.app.screen) if self._on_a_page() else None
        step = self.tour.steps[index]
        self._baseline = {c.text: count_on_page(self.app, _(c.text)) for c in step.checks
                          if isinstance(c, Expect)}
        self._highlight(None)
        self._changed()
        self.app.call_after_refresh(self.tick)
        if step.is_note:  # Enter reads on: the panel's Next has the focus
            self.app.call_after_refresh(self._focus_next)

    def _focus_next(self) -> None:
        found = self.app.screen.query("#tour-next")
        if found and not self.stopped and self.step is not None and self.step.is_note:
            found.first().focus()

    def _done(self, how: How) -> None:
        """The current step is done (``how``): the next step, or the end of the tour."""
        step = self.step
        if step is None:
            return
        self._audit(_audit_detail(step, how))
        if self.index + 1 < len(self.tour.steps):
            self._enter(self.index + 1, how)
            return
        self.finished = True
        self._how = how
        self.hint = None
        self._entered_at = self.app.now()
        self._highlight(None)
        self._audit(f"finished {self.tour.name}")
        self.app.notify(_("Tour finished: {title}.").format(
            title=self.tour.shown_title()), title=_("Tour finished"), timeout=8)
        self._changed()

    def next(self) -> None:
        """Next: a note is read; on a step with actions, only its checks move the tour on."""
        step = self.step
        if step is not None and step.is_note and not self.showing:
            self._done("trainee")

    def back(self) -> None:
        """The previous step's instruction (after the end: the last step's); the app is left as
        it is."""
        if self.showing:
            return
        if self.finished:
            self.finished = False
            self._enter(self.index, None)
        elif self.index > 0:
            self._enter(self.index - 1, None)

    def skip(self) -> None:
        if self.step is not None and not self.showing:
            self._done("skipped")

    # ------------------------------------------------------------------ looking
    def tick(self) -> None:
        """One look at the app: the step done? a wrong turn? the control to highlight. A look
        that fails (a page torn down while the app closes) is logged and skipped: the tour never
        takes the app down."""
        if self.stopped:
            return
        try:
            self._tick()
        except Exception:  # noqa: BLE001 - one look lost, the next one comes
            import logging

            logging.getLogger(__name__).warning("tour guide: a look failed", exc_info=True)

    def _tick(self) -> None:
        self.app.tour_panels_sync()
        step = self.step
        if step is None or self.showing:
            return
        if self._start_page is None and self._on_a_page():
            self._start_page = page_of(self.app.screen)  # the step began on the Login
        if step.is_note:
            return
        if not step.is_note and self._checks_hold(step):
            self._done("trainee")
            return
        self._look_for_wrong_turn(step)
        self._highlight(self._find_target(step))

    def _checks_hold(self, step: TourStep) -> bool:
        app = self.app
        if app.identity is not None and any(isinstance(c, Login | Code) for c in step.checks):
            return True  # signed in (before the tour began: a classroom's trainee)
        for check in step.checks:
            if isinstance(check, Login | Code):
                if app.identity is None:
                    return False
            elif isinstance(check, Open):
                if page_of(app.screen) != canonical_page(check.page):
                    return False
            elif isinstance(check, Expect):
                # on the page (also scrolled out of sight on a small terminal), once more than
                # when the step began: "Confirm classes" is in the Enrol
                # page's step indicator all along, and once more on its step 2
                if count_on_page(app, _(check.text)) <= self._baseline.get(check.text, 0):
                    return False
        return True

    def _goal_page(self, step: TourStep) -> str | None:
        """Where the step leads (its open), else the page it began on."""
        opens = [canonical_page(a.page) for a in step.actions if isinstance(a, Open)]
        return next((p for p in opens if p), None) or self._start_page

    def _look_for_wrong_turn(self, step: TourStep) -> None:
        from textual.command import CommandPalette
        from textual.screen import ModalScreen

        from ..screens.base import PendingPage

        app = self.app
        screen = app.screen
        if self._failed is not None:
            if self._failed[1] == page_of(screen):
                return  # Show me's failure stays until the trainee moves
            self._failed = None
        hint: str | None = None
        signing_in = any(isinstance(a, Login | Code) for a in step.actions)
        goal = self._goal_page(step)
        if isinstance(screen, CommandPalette | PendingPage) or signing_in:
            hint = None if not signing_in or app.identity is not None or \
                self._on_login_path() else _(HINT_SIGN_IN)
        elif goal is None:
            hint = None
        elif app.identity is None and self._on_login_path():
            hint = _(HINT_SIGNED_OUT).format(page=title(goal))
        elif isinstance(screen, ModalScreen):
            if self._find_target(step) is None:
                hint = _(HINT_MODAL).format(page=title(goal))
        else:
            here = page_of(screen)
            allowed = {self._start_page, goal}
            if here not in allowed:
                hint = self._lead_back(here, goal, self._start_page)
        if hint is None:
            self._wrong_ticks = 0
            self._set_hint(None)
            return
        self._wrong_ticks += 1
        if self._wrong_ticks >= WRONG_TURN_TICKS:
            self._set_hint(hint)

    def _on_a_page(self) -> bool:
        """A page of the registry is on top (not a dialog, not a page about to be built)."""
        from textual.screen import ModalScreen

        from ..screens.base import PendingPage

        screen = self.app.screen
        return page_of(screen) is not None and not isinstance(screen, ModalScreen | PendingPage)

    def _on_login_path(self) -> bool:
        """The Login, or the two-step sign-in after it."""
        from ..screens.login import LoginScreen
        from ..screens.second_factor import RecoveryCodesScreen, SecondFactorScreen, SetupScreen

        return isinstance(self.app.screen, LoginScreen | SecondFactorScreen | SetupScreen
                          | RecoveryCodesScreen)

    @staticmethod
    def _lead_back(here: str | None, goal: str, start: str | None) -> str:
        """Words that lead from ``here`` back to the step: Escape walks back along the
        breadcrumb (to the goal, or to the page the step began on), the command palette opens
        any page."""
        trail = path(here) if here is not None else ()
        if goal in trail:
            return _(HINT_ESCAPE).format(page=title(goal))
        if start is not None and start != goal and start in trail:
            return _(HINT_START).format(start=title(start), page=title(goal))
        return _(HINT_PALETTE).format(page=title(goal))

    def _set_hint(self, hint: str | None) -> None:
        if hint != self.hint:
            self.hint = hint
            self._changed()

    # ------------------------------------------------------------------ the highlight
    def _find_target(self, step: TourStep) -> Widget | None:
        """The widget of the step's first action on the current screen, or None."""
        app = self.app
        action = next(iter(step.actions), None)
        if action is None:
            return None
        try:
            if isinstance(action, Login):
                found = app.screen.query("#username")
                return found.first() if found else None
            if isinstance(action, EnterClass):
                return find_field(app, _("Class number"))
            if isinstance(action, TypeText):
                return find_field(app, _(action.label))
            if isinstance(action, Press):
                return self._press_target(_(action.label))
            if isinstance(action, SelectRow):
                row = find_row(app, _(action.text))
                return row[0] if row else None
            if isinstance(action, Open):
                return self._link_to(canonical_page(action.page))
        except Exception:  # noqa: BLE001 - a screen changing under our look: no highlight now
            return None
        return None

    def _press_target(self, label: str) -> Widget | None:
        from textual.widgets._footer import FooterKey

        app = self.app
        buttons = [w for w in press_candidates(app, label) if not w.disabled]
        if buttons:
            return buttons[0]
        key = key_for(app, label)
        if key is None:
            return None
        for footer_key in app.screen.query(FooterKey):
            if footer_key.key == key:
                return footer_key
        return None

    def _link_to(self, page: str | None) -> Widget | None:
        from ..widgets.menu_link import MenuLink

        if page is None:
            return None
        for link in self.app.screen.query(MenuLink):
            if canonical_page(link.page or "") == page and link.display:
                return link
        return None

    def _highlight(self, widget: Widget | None) -> None:
        old = self._target
        if old is widget and (widget is None or widget.has_class(TARGET_CLASS)):
            return
        if old is not None and old is not widget:
            old.remove_class(TARGET_CLASS)
        self._target = widget
        if widget is not None:
            widget.add_class(TARGET_CLASS)

    # ------------------------------------------------------------------ Show me
    async def show_me(self) -> None:
        """Do the current step's actions in the live app (called in a worker of the app)."""
        from textual.pilot import Pilot

        step = self.step
        if step is None or self.showing:
            return
        if step.is_note:
            self._done("show_me")
            return
        if any(isinstance(a, Login | Code) for a in step.checks) and \
                self.app.identity is not None:
            self._done("show_me")  # signed in already: Show me does not sign out
            return
        self.showing = True
        self._highlight(None)
        self._changed()
        problem: str | None = None
        try:
            replayer = LiveReplayer(Pilot(self.app))
            back = self._way_back(step)
            if back is not None:  # off the step's pages: back to where the step began first
                await self.app.navigate(back)
                await replayer.settle()
            for action in step.actions:
                await replayer.run(translated(action))
        except StepFailed as exc:
            problem = str(exc)
        except Exception as exc:  # noqa: BLE001 - a failure is a hint; the app stays up
            first = (str(exc).splitlines() or [""])[0]
            problem = f"{type(exc).__name__}: {first}".rstrip(": ")
        finally:
            self.showing = False
        if self.stopped or self.step is not step:
            return
        if problem is None:  # every action, and every check, passed as replay checks them
            self._done("show_me")
        else:
            self._failed = (_(HINT_SHOW_ME).format(problem=problem), page_of(self.app.screen))
            self.hint = None
            self._set_hint(self._failed[0])

    def _way_back(self, step: TourStep) -> str | None:
        """The page the step began on, when the trainee has left the step's pages (None: on
        them, or the step began on no page)."""
        from textual.command import CommandPalette

        if self._start_page is None or isinstance(self.app.screen, CommandPalette) \
                or any(isinstance(a, Login | Code) for a in step.actions):
            return None
        here = page_of(self.app.screen)
        if here in (self._start_page, self._goal_page(step)) and self._on_a_page():
            return None
        return self._start_page

    # ------------------------------------------------------------------ telling
    def _changed(self) -> None:
        self.app.refresh_bindings()
        self.app.tour_panels_sync()
        progress = self.progress()
        for listener in list(self._listeners):
            try:
                listener(progress)
            except Exception as exc:  # noqa: BLE001 - a listener never stops the tour
                from ..failures import log_failure

                log_failure(exc, "tour listener")

    def _audit(self, detail: str) -> None:
        if self.app.identity is None:
            return
        self.app.call_later(self.app._audit_log, AUDIT_ACTION, self.app.student_number,
                            detail)


def _audit_detail(step: TourStep, how: How) -> str:
    return f"step {step.number} done ({HOW_WORDS[how]})"


class LiveReplayer(Replayer):
    """The replay engine in the live app: its own worker (Show me) is not work to wait for."""

    def _busy(self) -> bool:
        from textual.worker import NoActiveWorker, WorkerState, get_current_worker

        try:
            me = get_current_worker()
        except NoActiveWorker:
            me = None
        return any(w is not me and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
                   for w in self.app.workers)

    async def do_expect(self, step: Expect) -> None:
        """On the page, also scrolled out of sight: the trainee's terminal may be small."""
        import time

        deadline = time.monotonic() + self.expect_timeout
        while count_on_page(self.app, step.text) == 0:
            if time.monotonic() > deadline:
                raise StepFailed(_("{text} is not on the screen").format(text=repr(step.text)))
            await self.pilot.pause(0.05)


__all__ = ["TARGET_CLASS", "TourGuide", "translated"]
