"""The replay engine: reading the screen as text, finding what a step names on it (a field by
its label, a button, a key, a row), and ``Replayer``, which drives one UsisApp through steps with
a Textual Pilot. ``runner.replay`` runs it headless; a guided tour (tours/guide.py) runs it in
the live app for "Show me" and uses the lookups to highlight the control a step uses.

Nothing here imports the app (runner.replay does)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..i18n import _
from ..navigation import PAGES, canonical_page
from .parser import (
    Code,
    EnterClass,
    Expect,
    Key,
    Login,
    Open,
    Press,
    Say,
    SelectRow,
    Step,
    TypeText,
    Wait,
)

#: the TOTP secret(s) for ``code`` steps: "SECRET", or "user=SECRET,user2=SECRET"
OTP_SECRET_ENV = "USIS_OTP_SECRET"
EXPECT_TIMEOUT = 5.0
SETTLE_TIMEOUT = 20.0
BOX_CHARS = re.compile(r"[\u2500-\u259f\u2800-\u28ff▁▂▃▄▅▆▇█▉▊▋▌▍▎▏▐▔▕]")


class StepFailed(Exception):
    """The step cannot be done; the message says why."""

# ---------------------------------------------------------------------- the screen
def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    plain = getattr(value, "plain", None)
    if isinstance(plain, str):
        return plain
    from io import StringIO

    from rich.console import Console

    out = StringIO()
    Console(file=out, width=200, color_system=None, legacy_windows=False).print(value)
    return out.getvalue()


def _norm(text: str) -> str:
    return " ".join(BOX_CHARS.sub(" ", text).split()).casefold()


def screen_lines(app) -> list[str]:
    """What the terminal shows, as plain text lines (the same render as the screenshot)."""
    from io import StringIO

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False,
                      safe_box=False)
    update = app.screen._compositor.render_update(full=True,
                                                  screen_stack=app._background_screens)
    console.print(update)
    lines = console.export_text(styles=False).splitlines()
    # A guided tour's panel (widgets/tour_panel.py) quotes the step's instruction: what it
    # says is not what the page shows, so its rows are left out (it spans the screen's width).
    for panel in app.screen.query(".tour-panel"):
        region = panel.region
        for row in range(region.y, min(region.bottom, len(lines))):
            lines[row] = ""
    return lines


def screen_text(app) -> str:
    return "\n".join(screen_lines(app))


def on_screen(app, text: str) -> bool:
    return _norm(text) in _norm(screen_text(app))


def holds(app, step: Step) -> bool:
    """Whether a check step is true on the app as it is now, without waiting: ``expect`` (the
    text is on the screen), ``open`` (that page is on top), ``login``/``code`` (somebody is
    signed in). Any other step: False."""
    if isinstance(step, Expect):
        return on_screen(app, step.text)
    if isinstance(step, Open):
        return getattr(app.screen, "usis_page", None) == canonical_page(step.page)
    if isinstance(step, Login | Code):
        return app.identity is not None
    return False


def count_on_screen(app, text: str) -> int:
    """How many times ``text`` is on the screen (spacing and case aside)."""
    return _norm(screen_text(app)).count(_norm(text)) if text.strip() else 0


def page_texts(app) -> str:
    """The text of every shown Static and Label of the current screen, also those scrolled out
    of sight (a small terminal shows part of a page); a tour's panel left out."""
    from textual.widgets import Static

    parts: list[str] = []
    for widget in app.screen.query(Static):
        if widget.has_class("tour-panel") or any(a.has_class("tour-panel")
                                                 for a in widget.ancestors_with_self):
            continue
        if _shown(widget):
            parts.append(_plain(getattr(widget, "content", "")))
    return "\n".join(parts)


def count_on_page(app, text: str) -> int:
    """How many times ``text`` is on the page: on the screen, or in the text of its widgets
    scrolled out of sight, whichever shows it more often."""
    if not text.strip():
        return 0
    wanted = _norm(text)
    return max(_norm(screen_text(app)).count(wanted), _norm(page_texts(app)).count(wanted))


def _shown(widget) -> bool:
    from textual.screen import Screen

    node = widget
    while node is not None and not isinstance(node, Screen):
        if not node.display or not node.visible:
            return False
        node = node.parent
    return node is widget.app.screen


def _label_of_field(widget) -> list[str]:
    """Names a field answers to: the nearest Label before it, then placeholder, prompt, id."""
    from textual.widgets import Input, Label

    names: list[str] = []
    parent = widget.parent
    if parent is not None:
        siblings = list(parent.children)
        for sibling in reversed(siblings[:siblings.index(widget)]):
            if isinstance(sibling, Input):
                break
            if isinstance(sibling, Label):
                text = _plain(sibling.content).strip()
                if text:
                    names.append(text)
                    break
        # a field alone in its row: the row's Label
    for attr in ("placeholder", "_prompt", "border_title"):
        value = getattr(widget, attr, None)
        if value:
            names.append(_plain(value))
    if widget.id:
        names.append(widget.id.replace("-", " "))
    return names


def _label_key(text: str) -> str:
    """"Reason *", "Reason:" and "Reason (optional)" all answer to "Reason"."""
    text = re.sub(r"\s*\((optional|required)\)\s*$", "", _norm(text))
    return re.sub(r"[\s:*]+$", "", text)


def _same(a: str, b: str) -> bool:
    return _label_key(a) == _label_key(b)


def _fields_on_screen(app) -> list[tuple[Any, list[str]]]:
    from textual.widgets import Input, Select, TextArea

    return [(w, _label_of_field(w)) for w in app.screen.query("*")
            if isinstance(w, Input | Select | TextArea) and _shown(w) and not w.disabled]


def _button_label(widget) -> str:
    return _plain(getattr(widget, "label", "")).strip()


# ---------------------------------------------------------------------- lookups
# What a step names on the screen (a field by its label, a button, a key, a row): shared by the
# runner and by a guided tour, which highlights the control a step uses (tours/guide.py).
def find_field(app, label: str):
    """The shown field whose label (else placeholder, prompt, id) is ``label``; the focused one
    first; None if there is none."""
    fields = _fields_on_screen(app)
    for match in (lambda names: _same(names[0], label) if names else False,
                  lambda names: any(_same(n, label) for n in names)):
        found = [w for w, names in fields if match(names)]
        if found:
            focused = [w for w in found if w is app.focused]
            return (focused or found)[0]
    return None


def press_candidates(app, label: str) -> list[Any]:
    """The shown Buttons, Checkboxes, RadioButtons and Tabs labelled ``label`` (disabled ones
    too), the focused one first."""
    from textual.widgets import Button, Checkbox, RadioButton, Tab

    found = [w for w in app.screen.query("*")
             if isinstance(w, Button | Checkbox | RadioButton | Tab) and _shown(w)
             and _same(_button_label(w), label)]
    found.sort(key=lambda w: w is not app.focused)
    return found


def key_for(app, label: str) -> str | None:
    """The key of the screen's enabled binding described as ``label``, or None. A description
    is a message of the catalogue, shown in the app's language: it answers to its English and
    to what the footer shows ("Search" and, in Dutch, "Zoeken")."""
    for key, active in app.screen.active_bindings.items():
        description = active.binding.description or ""
        if active.enabled and (_same(description, label)
                               or (description and _same(_(description), label))):
            return key
    return None


def find_row(app, text: str) -> tuple[Any, int] | None:
    """(table, row or option index) of the first shown DataTable/OptionList row containing
    ``text``, the focused table first; None if there is none."""
    from textual.widgets import DataTable, OptionList

    wanted = _norm(text)
    tables = [w for w in app.screen.query("*")
              if isinstance(w, DataTable | OptionList) and _shown(w)]
    tables.sort(key=lambda t: t is not app.focused)
    for table in tables:
        if isinstance(table, DataTable):
            for row in range(table.row_count):
                if any(wanted in _norm(_plain(c)) for c in table.get_row_at(row)):
                    return table, row
        else:
            for index in range(table.option_count):
                if wanted in _norm(_plain(table.get_option_at_index(index).prompt)):
                    return table, index
    return None


def has_table(app) -> bool:
    from textual.widgets import DataTable, OptionList

    return any(isinstance(w, DataTable | OptionList) and _shown(w)
               for w in app.screen.query("*"))


# ---------------------------------------------------------------------- the runner
@dataclass
class Replayer:
    """Drives one UsisApp through steps with a Textual Pilot."""

    pilot: Any
    expect_timeout: float = EXPECT_TIMEOUT
    otp_secret: str | None = None  # for ``code`` steps (OTP_SECRET_ENV)

    @property
    def app(self):
        return self.pilot.app

    # -------------------------------------------------------------- waiting
    def _busy(self) -> bool:
        from textual.worker import WorkerState

        return any(w.state in (WorkerState.PENDING, WorkerState.RUNNING)
                   for w in self.app.workers)

    async def settle(self, timeout: float = SETTLE_TIMEOUT) -> None:
        """Until no worker runs for a few idle rounds in a row (a worker waiting on a modal
        screen counts as done): screens mount and start their workers a moment after a push."""
        from textual.screen import ModalScreen

        deadline = time.monotonic() + timeout
        idle = 0
        while idle < 3:
            await self.pilot.pause()
            if not self._busy():
                idle += 1
                continue
            idle = 0
            if isinstance(self.app.screen, ModalScreen) and not any(
                    w.node is self.app.screen for w in self.app.workers if w.is_running):
                break
            if time.monotonic() > deadline:
                raise StepFailed(_("the app was still busy after {seconds} s")
                                 .format(seconds=f"{timeout:g}"))
            await self.pilot.pause(0.02)
        self._steady()
        await self.pilot.pause()

    def _steady(self) -> None:
        """No blinking cursor: the screenshot must not depend on the moment it is taken."""
        from textual.widgets import Input, TextArea

        for w in self.app.screen.query("*"):
            if isinstance(w, Input | TextArea) and w.cursor_blink:
                w.cursor_blink = False

    async def ready(self, timeout: float = 60.0) -> None:
        from ..screens.login import DatabaseErrorScreen

        deadline = time.monotonic() + timeout
        while not self.app.ready:
            if isinstance(self.app.screen, DatabaseErrorScreen):
                raise StepFailed(self.app.screen.message)
            if time.monotonic() > deadline:
                raise StepFailed(_("the app was not ready after {seconds} s")
                                 .format(seconds=f"{timeout:g}"))
            await self.pilot.pause(0.05)
        await self.settle()

    # -------------------------------------------------------------- steps
    async def run(self, step: Step) -> None:
        handler: Callable = getattr(self, f"do_{step.kind}")
        await handler(step)
        await self.settle()

    async def type_keys(self, text: str) -> None:
        keys = ["space" if ch == " " else ch for ch in text]
        if keys:
            await self.pilot.press(*keys)

    async def do_login(self, step: Login) -> None:
        from textual.widgets import Input

        from ..screens.login import LoginScreen
        from ..widgets.problems import ProblemList

        app = self.app
        if app.identity is not None:
            await app.action_sign_out()
            await self.settle()
        if not isinstance(app.screen, LoginScreen):
            raise StepFailed(_("the Login screen is not shown ({screen})")
                             .format(screen=type(app.screen).__name__))
        username = app.screen.query_one("#username", Input)
        password = app.screen.query_one("#password", Input)
        username.value = ""
        password.value = ""
        username.focus()
        await self.pilot.pause()
        await self.type_keys(step.username)
        password.focus()
        await self.pilot.pause()
        await self.type_keys(step.password)
        await self.pilot.press("enter")
        await self.settle()
        from ..screens.second_factor import SecondFactorScreen, SetupScreen

        if app.identity is None and isinstance(app.screen, SecondFactorScreen | SetupScreen):
            return  # the password was right: a ``code`` step comes next
        if app.identity is None:
            problems = app.screen.query_one("#login-problems", ProblemList)
            shown = _plain(problems.content).strip()
            first = shown.splitlines()[0].lstrip("✗ ").strip() if shown else _("no message")
            raise StepFailed(_("sign-in as {user} failed: {message}")
                             .format(user=step.username, message=first))

    def _secret_for(self, username: str) -> str:
        """The TOTP secret given to the replay for ``username`` (never from the steps file)."""
        given = (self.otp_secret or "").strip()
        if "=" in given:
            pairs = dict(part.split("=", 1) for part in given.split(",") if "=" in part)
            given = next((v for k, v in pairs.items() if k.strip().lower() == username.lower()),
                         "")
        secret = "".join(given.split()).upper()
        if not secret:
            raise StepFailed(f"{username} signs in with a code: give usis replay the secret of "
                             f"their authenticator app in {OTP_SECRET_ENV} (SECRET, or "
                             f"{username}=SECRET)")
        return secret

    async def do_code(self, step: Code) -> None:
        from textual.widgets import Button, Input

        from ..screens.second_factor import RecoveryCodesScreen, SecondFactorScreen, SetupScreen
        from ..services import mfa
        from ..widgets.problems import ProblemList

        app = self.app
        screen = app.screen
        if isinstance(screen, SetupScreen):
            deadline = time.monotonic() + self.expect_timeout
            while not screen.secret:  # the key the set-up shows (as a person reads it)
                if time.monotonic() > deadline:
                    raise StepFailed("the set-up shows no key")
                await self.pilot.pause(0.05)
            secret = screen.secret
        elif isinstance(screen, SecondFactorScreen):
            secret = self._secret_for(screen.pending.username)
        else:
            raise StepFailed("no code is asked on this screen (the code step comes right after "
                             "a login step of an account with two-step sign-in)")
        for offset in (0, 1):  # a code works once: this step's, else the next one's
            try:
                code = mfa.code_at(secret, app.now(), offset)
            except ValueError:
                raise StepFailed(f"{OTP_SECRET_ENV} is not a base32 TOTP secret") from None
            field_ = screen.query_one("#mfa-code", Input)
            field_.value = code
            field_.focus()
            await self.pilot.press("enter")
            await self.settle()
            if app.screen is not screen:
                break
            if getattr(screen, "refusal", None) != "code_used":
                break
        if isinstance(app.screen, RecoveryCodesScreen):  # shown once (and in the screenshot)
            app.screen.query_one("#mfa-continue", Button).press()
            await self.settle()
        if app.identity is None:
            shown = _plain(screen.query_one(ProblemList).content).strip()
            first = shown.splitlines()[0].lstrip("✗ ").strip() if shown else "no message"
            raise StepFailed(f"the code was refused: {first}")

    async def do_open(self, step: Open) -> None:
        app = self.app
        name = canonical_page(step.page)
        if name is None:
            raise StepFailed(_("there is no page called {page} (pages: {pages})")
                             .format(page=repr(step.page), pages=", ".join(PAGES)))
        if app.identity is None:
            from ..screens.second_factor import SecondFactorScreen, SetupScreen

            if isinstance(app.screen, SecondFactorScreen | SetupScreen):
                raise StepFailed(_("cannot open {page}: the sign-in waits for its code (add a "
                                   "code step after the login)").format(page=name))
            raise StepFailed(_("cannot open {page}: nobody is signed in (add a login step)")
                             .format(page=name))
        if not app.may_open(name) or not await app.navigate(name):
            raise StepFailed(_("{page} is not available to {user}")
                             .format(page=name, user=app.identity.username))
        await self.settle()
        if getattr(app.screen, "usis_page", None) != name:
            raise StepFailed(_("{page} did not open (the screen is {screen})").format(
                page=name,
                screen=getattr(app.screen, "usis_page", type(app.screen).__name__)))

    def _field(self, label: str):
        return find_field(self.app, label)

    def _field_names(self) -> str:
        names = [names[0] for _w, names in _fields_on_screen(self.app) if names]
        return ", ".join(repr(n) for n in names) or _("none")

    async def do_enter_class(self, step: EnterClass) -> None:
        app = self.app
        field_ = self._field(_("Class number"))  # the screen's label, in the app's language
        if field_ is None:
            if app.student_number is None:
                raise StepFailed(_("no Class number field on this screen and nobody is signed "
                                   "in as a student"))
            await app.open_class(step.number)  # as the command palette does for "1052"
            await self.settle()
            field_ = self._field(_("Class number"))
            if field_ is None:
                raise StepFailed(_("no Class number field on this screen (open Enrol first)"))
        await self._type_into(field_, step.number)
        await self.pilot.press("enter")

    async def do_type(self, step: TypeText) -> None:
        field_ = self._field(step.label)
        if field_ is None:
            raise StepFailed(_("no field labelled {label} on this screen (fields: {fields})")
                             .format(label=repr(step.label), fields=self._field_names()))
        await self._type_into(field_, step.text)

    async def _type_into(self, widget, text: str) -> None:
        from textual.widgets import Input, Select, TextArea

        if isinstance(widget, Select):
            options = [(str(_plain(prompt)), value) for prompt, value in widget._options
                       if value is not Select.BLANK]
            hits = [(p, v) for p, v in options if _same(p, text)] or \
                   [(p, v) for p, v in options if _norm(text) in _norm(p)]
            if len(hits) != 1:
                names = ", ".join(repr(p) for p, _v in options) or _("none")
                message = (_("no option matching {text} (options: {options})") if not hits else
                           _("more than one option matching {text} (options: {options})"))
                raise StepFailed(message.format(text=repr(text), options=names))
            widget.focus()
            widget.value = hits[0][1]
            return
        widget.focus()
        await self.pilot.pause()
        if isinstance(widget, Input):
            widget.value = ""
        elif isinstance(widget, TextArea):
            widget.text = ""
        await self.type_keys(text)
        if isinstance(widget, Input) and widget.value != text:
            raise StepFailed(_("the field took {value}, not {text} (restricted characters or "
                               "length)").format(value=repr(widget.value), text=repr(text)))

    async def do_press(self, step: Press) -> None:
        from textual.widgets import Button, Checkbox, RadioButton

        app = self.app
        candidates = press_candidates(app, step.label)
        enabled = [w for w in candidates if not w.disabled]
        if enabled:
            target = enabled[0]
            target.scroll_visible(animate=False)
            await self.pilot.pause()
            if isinstance(target, Button):
                target.press()
            elif isinstance(target, RadioButton):
                target.value = True
            elif isinstance(target, Checkbox):
                target.toggle()
            else:
                await self.pilot.click(target)
            return
        if candidates:
            raise StepFailed(_("the button {label} is disabled").format(label=repr(step.label)))
        key = key_for(app, step.label)
        if key is not None:
            await self.pilot.press(key)
            return
        buttons = sorted({_button_label(w) for w in app.screen.query("*")
                          if isinstance(w, Button | Checkbox | RadioButton) and _shown(w)})
        keys = sorted({_(a.binding.description) for a in app.screen.active_bindings.values()
                       if a.enabled and a.binding.description and a.binding.show})
        raise StepFailed(_("no button or key {label} on this screen (buttons: {buttons}; "
                           "keys: {keys})").format(label=repr(step.label),
                                                  buttons=", ".join(buttons) or _("none"),
                                                  keys=", ".join(keys) or _("none")))

    async def do_key(self, step: Key) -> None:
        await self.pilot.press(*step.keys)

    async def do_select(self, step: SelectRow) -> None:
        from textual.widgets import DataTable

        app = self.app
        found = find_row(app, step.text)
        if found is not None:
            table, row = found
            table.focus()
            if isinstance(table, DataTable):
                table.move_cursor(row=row, animate=False)
            else:
                table.highlighted = row
            return
        raise StepFailed((_("no row containing {text}") if has_table(app) else
                          _("no row containing {text} (no table on this screen)"))
                         .format(text=repr(step.text)))

    async def do_expect(self, step: Expect) -> None:
        deadline = time.monotonic() + self.expect_timeout
        while not on_screen(self.app, step.text):
            if time.monotonic() > deadline:
                raise StepFailed(_("{text} is not on the screen").format(text=repr(step.text)))
            await self.pilot.pause(0.05)

    async def do_say(self, step: Say) -> None:
        """A tour's instruction: nothing to do on the screen."""

    async def do_wait(self, step: Wait) -> None:
        if step.ms:
            await self.pilot.pause(step.ms / 1000)
