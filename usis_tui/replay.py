"""Step replay: run a list of user steps against a database at a frozen date, headless.

A *steps file* is plain text, one step per line; blank lines and ``# comments`` are ignored and
arguments with spaces are "quoted" (shell rules: ``\\"`` inside double quotes)::

    login s1234567 demo            sign in (user name, password) on the Login screen
    open "Enrol"                   open a page by its uSis name (as the command palette does)
    enter class 1052               type a class number in "Class number" and Continue
                                   (opens Enrol with the number when no such field is shown)
    type "Catalogue number" 4000MDSAIN   type into the field with that label (a Select: pick
                                   the option whose text contains it)
    press "Next"                   press the button (or tick the checkbox) with that label, else
                                   the footer key with that description
    key ctrl+t                     press keys by their Textual names (enter, tab, space, escape…)
    select "1052"                  highlight the first table row that contains the text
    expect "Success"               the text must be on the screen (waits up to 5 s)
    wait [MS]                      wait until the app is idle, or MS milliseconds first

``parse_steps`` checks a whole file (pydantic) and reports every bad line with its number;
``replay`` runs the steps in ``UsisApp.run_test()`` at a fixed terminal size, writes an SVG
screenshot after each step (``NN-<slug>.svg``) and a ``summary.json``, and stops at the first
step that cannot be done. ``steps_from_audit`` turns a student's audit entries into a steps file.
"""

from __future__ import annotations

import asyncio
import json
import re
import shlex
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
)

SIZE = (120, 40)
EXPECT_TIMEOUT = 5.0
SETTLE_TIMEOUT = 20.0
BOX_CHARS = re.compile(r"[\u2500-\u259f\u2800-\u28ff▁▂▃▄▅▆▇█▉▊▋▌▍▎▏▐▔▕]")


# ---------------------------------------------------------------------- steps
def quote(value: str, always: bool = False) -> str:
    """A bare word when that reads back the same (and not ``always``), else "double-quoted"."""
    if not always and value and re.fullmatch(r"[A-Za-z0-9_.,:/@+=%-]+", value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Step(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    line: int = 0

    def render(self, *, secret: bool = True) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def slug(self) -> str:
        text = self.render().lower()
        text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
        return text[:40].rstrip("-") or self.kind  # type: ignore[attr-defined]


class Login(_Step):
    kind: Literal["login"] = "login"
    username: str = Field(min_length=1)
    password: str

    def render(self, *, secret: bool = True) -> str:
        return f"login {quote(self.username)} {'****' if secret else quote(self.password)}"

    def slug(self) -> str:  # never the password
        return "login-" + re.sub(r"[^a-z0-9]+", "-", self.username.lower()).strip("-")


class Open(_Step):
    kind: Literal["open"] = "open"
    page: str = Field(min_length=1)

    def render(self, *, secret: bool = True) -> str:
        return f"open {quote(self.page, True)}"


class EnterClass(_Step):
    kind: Literal["enter_class"] = "enter_class"
    number: str

    @field_validator("number")
    @classmethod
    def _four_digits(cls, value: str) -> str:
        if not re.fullmatch(r"\d{4}", value):
            raise ValueError(f"a class number has exactly 4 digits, e.g. 1052 (got {value!r})")
        return value

    def render(self, *, secret: bool = True) -> str:
        return f"enter class {self.number}"


class TypeText(_Step):
    kind: Literal["type"] = "type"
    label: str = Field(min_length=1)
    text: str

    def render(self, *, secret: bool = True) -> str:
        return f"type {quote(self.label, True)} {quote(self.text, True)}"


class Press(_Step):
    kind: Literal["press"] = "press"
    label: str = Field(min_length=1)

    def render(self, *, secret: bool = True) -> str:
        return f"press {quote(self.label, True)}"


class Key(_Step):
    kind: Literal["key"] = "key"
    keys: list[str] = Field(min_length=1)

    def render(self, *, secret: bool = True) -> str:
        return "key " + " ".join(quote(k) for k in self.keys)


class SelectRow(_Step):
    kind: Literal["select"] = "select"
    text: str = Field(min_length=1)

    def render(self, *, secret: bool = True) -> str:
        return f"select {quote(self.text, True)}"


class Expect(_Step):
    kind: Literal["expect"] = "expect"
    text: str = Field(min_length=1)

    def render(self, *, secret: bool = True) -> str:
        return f"expect {quote(self.text, True)}"


class Wait(_Step):
    kind: Literal["wait"] = "wait"
    ms: int | None = Field(default=None, ge=0, le=60_000)

    def render(self, *, secret: bool = True) -> str:
        return "wait" if self.ms is None else f"wait {self.ms}"


Step = Annotated[Login | Open | EnterClass | TypeText | Press | Key | SelectRow | Expect | Wait,
                 Field(discriminator="kind")]
STEP = TypeAdapter(Step)

SYNTAX = {
    "login": "login USERNAME PASSWORD",
    "open": 'open "PAGE NAME"',
    "enter": "enter class NNNN",
    "type": 'type "FIELD LABEL" "TEXT"',
    "press": 'press "BUTTON LABEL"',
    "key": "key KEY [KEY ...]",
    "select": 'select "ROW TEXT"',
    "expect": 'expect "TEXT"',
    "wait": "wait [MILLISECONDS]",
}


class StepsError(ValueError):
    """A steps file with bad lines: ``problems`` holds (line number, message) pairs."""

    def __init__(self, problems: list[tuple[int, str]], source: str = "steps file") -> None:
        self.problems = problems
        self.source = source
        super().__init__("; ".join(f"line {n}: {m}" for n, m in problems))

    def report(self) -> str:
        lines = [(f"{self.source}: {len(self.problems)} bad line"
                 f"{'s' if len(self.problems) != 1 else ''}")]
        lines += [f"  line {n}: {m}" for n, m in self.problems]
        return "\n".join(lines)


def _fields(kind: str, args: list[str]) -> dict[str, Any]:
    """The pydantic input for one step, or ValueError with what is wrong."""
    def one_text() -> str:
        if not args:
            raise ValueError("missing its text")
        return " ".join(args)

    if kind == "login":
        if len(args) != 2:
            raise ValueError(f"expects a user name and a password, got {len(args)} value"
                             f"{'s' if len(args) != 1 else ''}")
        return {"kind": "login", "username": args[0], "password": args[1]}
    if kind == "open":
        return {"kind": "open", "page": one_text()}
    if kind == "enter":
        if len(args) != 2 or args[0].lower() != "class":
            raise ValueError("expects `class` and a class number")
        return {"kind": "enter_class", "number": args[1]}
    if kind == "type":
        if len(args) != 2:
            raise ValueError(f"expects a field label and a text, got {len(args)} value"
                             f"{'s' if len(args) != 1 else ''} (quote values with spaces)")
        return {"kind": "type", "label": args[0], "text": args[1]}
    if kind == "press":
        return {"kind": "press", "label": one_text()}
    if kind == "key":
        if not args:
            raise ValueError("missing the key(s)")
        return {"kind": "key", "keys": args}
    if kind == "select":
        return {"kind": "select", "text": one_text()}
    if kind == "expect":
        return {"kind": "expect", "text": one_text()}
    if kind == "wait":
        if len(args) > 1 or (args and not args[0].isdigit()):
            raise ValueError("expects nothing or a number of milliseconds")
        return {"kind": "wait", "ms": int(args[0]) if args else None}
    raise ValueError(f"unknown step {kind!r} (steps: {', '.join(SYNTAX)})")


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        message = str(error.get("msg", "invalid"))
        message = message.removeprefix("Value error, ")
        where = ".".join(str(x) for x in error.get("loc", ())[1:])
        parts.append(f"{where}: {message}" if where and "class number" not in message else message)
    return "; ".join(parts)


def parse_steps(text: str, source: str = "steps file") -> list[Step]:
    """Every step of a steps file; StepsError lists every bad line with its number."""
    steps: list[Step] = []
    problems: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        try:
            tokens = shlex.split(raw, comments=True)
        except ValueError as exc:  # no closing quotation
            problems.append((number, f"{exc} in {raw.strip()!r}"))
            continue
        if not tokens:
            continue
        kind = tokens[0].lower()
        try:
            data = _fields(kind, tokens[1:])
        except ValueError as exc:
            hint = f" (syntax: {SYNTAX[kind]})" if kind in SYNTAX else ""
            problems.append((number, f"{kind}: {exc}{hint}" if kind in SYNTAX else str(exc)))
            continue
        try:
            steps.append(STEP.validate_python({**data, "line": number}))
        except ValidationError as exc:
            problems.append((number, f"{kind}: {_validation_message(exc)}"))
    if problems:
        raise StepsError(problems, source)
    if not steps:
        raise StepsError([(0, "no steps (every line is empty or a comment)")], source)
    return steps


def render_steps(steps: Iterable[Step]) -> str:
    return "".join(s.render(secret=False) + "\n" for s in steps)


# ---------------------------------------------------------------------- results
class StepResult(BaseModel):
    line: int
    step: str
    status: Literal["passed", "failed", "not run"]
    message: str = ""
    screenshot: str | None = None


class ReplayReport(BaseModel):
    steps_file: str
    database: str  # masked: never a password
    on_copy: bool = False  # replayed on a throwaway copy of ``database`` (not --write)
    now: str
    size: tuple[int, int]
    passed: bool
    failed_line: int | None = None
    failure: str | None = None
    steps: list[StepResult]

    def failed(self) -> StepResult | None:
        return next((s for s in self.steps if s.status == "failed"), None)


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
    return console.export_text(styles=False).splitlines()


def screen_text(app) -> str:
    return "\n".join(screen_lines(app))


def on_screen(app, text: str) -> bool:
    return _norm(text) in _norm(screen_text(app))


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


# ---------------------------------------------------------------------- the runner
@dataclass
class Replayer:
    """Drives one UsisApp through steps with a Textual Pilot."""

    pilot: Any
    expect_timeout: float = EXPECT_TIMEOUT

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
                raise StepFailed(f"the app was still busy after {timeout:g} s")
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
        from .screens.login import DatabaseErrorScreen

        deadline = time.monotonic() + timeout
        while not self.app.ready:
            if isinstance(self.app.screen, DatabaseErrorScreen):
                raise StepFailed(self.app.screen.message)
            if time.monotonic() > deadline:
                raise StepFailed(f"the app was not ready after {timeout:g} s")
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

        from .screens.login import LoginScreen

        app = self.app
        if app.identity is not None:
            await app.action_sign_out()
            await self.settle()
        if not isinstance(app.screen, LoginScreen):
            raise StepFailed(f"the Login screen is not shown ({type(app.screen).__name__})")
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
        if app.identity is None:
            shown = _plain(app.screen.query_one("#login-problems").content).strip()
            first = shown.splitlines()[0].lstrip("✗ ").strip() if shown else "no message"
            raise StepFailed(f"sign-in as {step.username} failed: {first}")

    async def do_open(self, step: Open) -> None:
        from .app import PAGES, canonical_page

        app = self.app
        name = canonical_page(step.page)
        if name is None:
            raise StepFailed(f"there is no page called {step.page!r} (pages: "
                             f"{', '.join(PAGES)})")
        if app.identity is None:
            raise StepFailed(f"cannot open {name}: nobody is signed in (add a login step)")
        if not app.may_open(name) or not await app.navigate(name):
            raise StepFailed(f"{name} is not available to {app.identity.username}")
        await self.settle()
        if getattr(app.screen, "usis_page", None) != name:
            raise StepFailed(f"{name} did not open (the screen is "
                             f"{getattr(app.screen, 'usis_page', type(app.screen).__name__)})")

    def _field(self, label: str):
        fields = _fields_on_screen(self.app)
        for match in (lambda names: _same(names[0], label) if names else False,
                      lambda names: any(_same(n, label) for n in names)):
            found = [w for w, names in fields if match(names)]
            if found:
                focused = [w for w in found if w is self.app.focused]
                return (focused or found)[0]
        return None

    def _field_names(self) -> str:
        names = [names[0] for _, names in _fields_on_screen(self.app) if names]
        return ", ".join(repr(n) for n in names) or "none"

    async def do_enter_class(self, step: EnterClass) -> None:
        app = self.app
        field_ = self._field("Class number")
        if field_ is None:
            if app.student_number is None:
                raise StepFailed("no Class number field on this screen and nobody is signed in "
                                 "as a student")
            await app.open_class(step.number)  # as the command palette does for "1052"
            await self.settle()
            field_ = self._field("Class number")
            if field_ is None:
                raise StepFailed("no Class number field on this screen (open Enrol first)")
        await self._type_into(field_, step.number)
        await self.pilot.press("enter")

    async def do_type(self, step: TypeText) -> None:
        field_ = self._field(step.label)
        if field_ is None:
            raise StepFailed(f"no field labelled {step.label!r} on this screen (fields: "
                             f"{self._field_names()})")
        await self._type_into(field_, step.text)

    async def _type_into(self, widget, text: str) -> None:
        from textual.widgets import Input, Select, TextArea

        if isinstance(widget, Select):
            options = [(str(_plain(prompt)), value) for prompt, value in widget._options
                       if value is not Select.BLANK]
            hits = [(p, v) for p, v in options if _same(p, text)] or \
                   [(p, v) for p, v in options if _norm(text) in _norm(p)]
            if len(hits) != 1:
                names = ", ".join(repr(p) for p, _ in options) or "none"
                raise StepFailed(f"{'no' if not hits else 'more than one'} option matching "
                                 f"{text!r} (options: {names})")
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
            raise StepFailed(f"the field took {widget.value!r}, not {text!r} (restricted "
                             "characters or length)")

    async def do_press(self, step: Press) -> None:
        from textual.widgets import Button, Checkbox, RadioButton, Tab

        app = self.app
        candidates = [w for w in app.screen.query("*")
                      if isinstance(w, Button | Checkbox | RadioButton | Tab) and _shown(w)
                      and _same(_button_label(w), step.label)]
        enabled = [w for w in candidates if not w.disabled]
        if enabled:
            focused = [w for w in enabled if w is app.focused]
            target = (focused or enabled)[0]
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
            raise StepFailed(f"the button {step.label!r} is disabled")
        for key, active in app.screen.active_bindings.items():
            if active.enabled and _same(active.binding.description or "", step.label):
                await self.pilot.press(key)
                return
        buttons = sorted({_button_label(w) for w in app.screen.query("*")
                          if isinstance(w, Button | Checkbox | RadioButton) and _shown(w)})
        keys = sorted({a.binding.description for a in app.screen.active_bindings.values()
                       if a.enabled and a.binding.description and a.binding.show})
        raise StepFailed(f"no button or key {step.label!r} on this screen (buttons: "
                         f"{', '.join(buttons) or 'none'}; keys: {', '.join(keys) or 'none'})")

    async def do_key(self, step: Key) -> None:
        await self.pilot.press(*step.keys)

    async def do_select(self, step: SelectRow) -> None:
        from textual.widgets import DataTable, OptionList

        app = self.app
        wanted = _norm(step.text)
        tables = [w for w in app.screen.query("*")
                  if isinstance(w, DataTable | OptionList) and _shown(w)]
        tables.sort(key=lambda t: t is not app.focused)
        for table in tables:
            if isinstance(table, DataTable):
                for row in range(table.row_count):
                    cells = table.get_row_at(row)
                    if any(wanted in _norm(_plain(c)) for c in cells):
                        table.focus()
                        table.move_cursor(row=row, animate=False)
                        return
            else:
                for index in range(table.option_count):
                    if wanted in _norm(_plain(table.get_option_at_index(index).prompt)):
                        table.focus()
                        table.highlighted = index
                        return
        raise StepFailed(f"no row containing {step.text!r}"
                         + ("" if tables else " (no table on this screen)"))

    async def do_expect(self, step: Expect) -> None:
        deadline = time.monotonic() + self.expect_timeout
        while not on_screen(self.app, step.text):
            if time.monotonic() > deadline:
                raise StepFailed(f"{step.text!r} is not on the screen")
            await self.pilot.pause(0.05)

    async def do_wait(self, step: Wait) -> None:
        if step.ms:
            await self.pilot.pause(step.ms / 1000)


async def replay(steps: Sequence[Step], *, database_url: str, now: datetime,
                 out_dir: Path | None = None, size: tuple[int, int] = SIZE,
                 steps_file: str = "", echo: Callable[[str], None] | None = None,
                 copy_of: str | None = None) -> ReplayReport:
    """Run the steps in a headless UsisApp; one SVG per step in ``out_dir``; stops at the first
    step that fails. ``echo`` gets one line per step as it finishes. ``copy_of``: the database
    that ``database_url`` is a throwaway copy of (the report names that one)."""
    from .app import UsisApp
    from .db import mask_url

    app = UsisApp(database_url=database_url, now=now)
    results: list[StepResult] = []
    failure: tuple[int, str] | None = None
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    async with app.run_test(size=size) as pilot:
        runner = Replayer(pilot)
        try:
            await runner.ready()
        except StepFailed as exc:
            failure = (steps[0].line if steps else 0, f"the app did not start: {exc}")
        for index, step in enumerate(steps, start=1):
            if failure is not None:
                results.append(StepResult(line=step.line, step=step.render(), status="not run"))
                continue
            status, message = "passed", ""
            try:
                await runner.run(step)
            except StepFailed as exc:
                status, message = "failed", str(exc)
            except Exception as exc:  # noqa: BLE001 - an unexpected error fails the step, in one line
                first = (str(exc).splitlines() or [""])[0]
                status, message = "failed", f"{type(exc).__name__}: {first}".rstrip(": ")
            shot = None
            if out_dir is not None:
                shot = f"{index:02d}-{step.slug()}.svg"
                svg = app.export_screenshot(title=f"uSis · line {step.line}: {step.render()}")
                (out_dir / shot).write_text(svg, encoding="utf-8")
            result = StepResult(line=step.line, step=step.render(), status=status,
                                message=message, screenshot=shot)
            results.append(result)
            if echo is not None:
                echo(format_result(result))
            if status == "failed":
                failure = (step.line, message)
    if app._usis is not None:  # its connections end now (a copy is dropped next)
        app._usis.close()
    report = ReplayReport(
        steps_file=steps_file, database=mask_url(copy_of or database_url),
        on_copy=copy_of is not None, now=now.isoformat(),
        size=size, passed=failure is None, failed_line=failure[0] if failure else None,
        failure=failure[1] if failure else None, steps=results)
    if out_dir is not None:
        (out_dir / "summary.json").write_text(
            json.dumps(report.model_dump(), indent=2, ensure_ascii=False) + "\n",
            encoding="utf-8")
    return report


def replay_sync(steps: Sequence[Step], **kwargs: Any) -> ReplayReport:
    return asyncio.run(replay(steps, **kwargs))


def format_result(r: StepResult) -> str:
    mark = {"passed": "✓", "failed": "✗", "not run": "·"}[r.status]
    text = f"  {mark} line {r.line:<3} {r.step}"
    if r.message:
        text += f"  — {r.message}"
    return text


# ---------------------------------------------------------------------- audit → steps
NAVIGATION_ACTIONS = {"navigate", "open", "open_page", "page", "view", "navigation"}
_CLASS = re.compile(r"\bclass (\d{4})\b", re.IGNORECASE)


def _get(entry: Any, name: str, default: Any = None) -> Any:
    if isinstance(entry, Mapping):
        return entry.get(name, default)
    return getattr(entry, name, default)


def _at(entry: Any) -> str:
    at = _get(entry, "at")
    if isinstance(at, datetime):
        return f"{at:%Y-%m-%d %H:%M}"
    return str(at or "")[:16].replace("T", " ")


def _message(detail: str) -> str:
    """The uSis message of an entry detail such as "class 1052: Success: …"."""
    match = re.match(r"\s*class \d{4}(?: \([^)]*\))?(?: for class \d{4})?:\s*(.*)", detail, re.DOTALL)
    text = (match.group(1) if match else detail).strip()
    text = text.split(" Reason: ")[0]
    # the first sentence is what the screen shows in one piece
    sentence = re.match(r"(.+?[.!?])(\s|$)", text)
    return (sentence.group(1) if sentence else text).strip()


def _page_of(detail: str) -> str | None:
    from .app import PAGES, canonical_page

    name = canonical_page(detail)
    if name:
        return name
    hits = [p for p in PAGES if p.lower() in detail.lower()]
    return max(hits, key=len) if hits else None


def _drop_reason_steps(detail: str) -> list[str]:
    """The drop confirmation's reason (a choice, and the explanation) from " Reason: …"."""
    if " Reason: " not in detail:
        return []
    reason = detail.split(" Reason: ", 1)[1].strip()
    try:
        from .screens.enrol_manage import DROP_REASONS, OTHER_REASON
    except ImportError:  # pragma: no cover - the screens are part of the package
        DROP_REASONS, OTHER_REASON = (), "Other"
    for choice in DROP_REASONS:
        if choice != OTHER_REASON and reason.startswith(choice):
            steps = [f"type \"Reason\" {quote(choice, True)}"]
            rest = reason[len(choice):].lstrip(": ").strip()
            if rest:
                steps.append(f"type \"Explanation\" {quote(rest, True)}")
            return steps
    return [f"type \"Reason\" {quote(OTHER_REASON, True)}",
            f"type \"Explanation\" {quote(reason, True)}"]


def steps_from_audit(entries: Iterable[Any], student_number: str, *,
                     password: str = "demo") -> str:
    """A steps file that repeats a student's session from their audit entries.

    ``entries`` are ``AuditRow`` objects (``usis.audit.entries``) or the dicts of
    ``usis audit --json``. Logins become ``login``, page visits ``open``, cart additions
    ``enter class`` + Next, enrolments Enrol + Finish enrolling with an ``expect`` per class, drops
    and swaps their tab's steps; every uSis message the student saw becomes an ``expect``.
    Passwords are not in the audit trail: ``password`` is used (the demo password by default).
    Entries that cannot be replayed are kept as comments.
    """
    student = (student_number or "").strip().lower()
    rows = [e for e in entries if (_get(e, "acting_for") or student) == student]
    out: list[str] = []
    first, last = (_at(rows[0]), _at(rows[-1])) if rows else ("", "")
    out.append(f"# Steps from the audit trail of {student} ({len(rows)} entr"
               f"{'y' if len(rows) == 1 else 'ies'}{', ' + first if first else ''}"
               f"{' – ' + last[11:] if last and last != first else ''}).")
    if first:
        out.append(f"# Replay: usis replay FILE --now {first.replace(' ', 'T')}")
    signed_in = False
    page: str | None = None
    i = 0

    def ensure_login() -> None:
        nonlocal signed_in, page
        if not signed_in:
            out.append(f"login {quote(student)} {quote(password)}")
            signed_in, page = True, "Main Menu"

    def ensure_page(name: str) -> None:
        nonlocal page
        ensure_login()
        if page != name:
            out.append(f"open {quote(name, True)}")
            page = name

    while i < len(rows):
        e = rows[i]
        action = str(_get(e, "action", "")).lower()
        outcome = str(_get(e, "outcome", "ok"))
        detail = str(_get(e, "detail", "") or "")
        actor = str(_get(e, "actor", "") or student)
        comment = f"# {_at(e)} {action} {outcome}: {detail}".rstrip(": ")
        if actor != student:
            comment += f" (by {actor})"
        numbers = _CLASS.findall(detail)
        i += 1
        if action == "login":
            out.append(comment)
            if outcome == "ok":
                signed_in = False
                ensure_login()
            continue
        if action in NAVIGATION_ACTIONS:
            name = _page_of(detail)
            if name is None:
                out.append(comment)
            else:
                ensure_page(name)
            continue
        if action == "cart_add" and numbers:
            out.append(comment)
            ensure_login()
            out.append(f"enter class {numbers[0]}")
            out.append('press "Next"')
            page = "Enrol"
            if outcome == "ok":
                out.append(f'expect {quote(f"Class {numbers[0]}", True)}')
                out.append('expect "has been added to your Shopping cart"')
            else:
                out.append(f"expect {quote(_message(detail), True)}")
            continue
        if action == "enrol":
            group = [e]
            while (i < len(rows) and str(_get(rows[i], "action", "")).lower() == "enrol"
                   and _CLASS.findall(str(_get(rows[i], "detail", "")))
                   and not any(_CLASS.findall(str(_get(g, "detail", ""))) ==
                               _CLASS.findall(str(_get(rows[i], "detail", ""))) for g in group)):
                group.append(rows[i])
                i += 1
            if not numbers:  # refused as a whole (e.g. nothing selected)
                out.append(comment)
                continue
            for g in group:
                out.append(f"# {_at(g)} enrol {_get(g, 'outcome', 'ok')}: {_get(g, 'detail', '')}")
            if page != "Enrol":
                ensure_page("Shopping cart")
            out.append('press "Enrol"')
            out.append('press "Finish enrolling"')
            for g in group:
                out.append(f"expect {quote(_message(str(_get(g, 'detail', ''))), True)}")
            page = "Enrol"
            continue
        if action == "drop" and numbers:
            out.append(comment)
            ensure_page("Drop")
            out.append(f"select {quote(numbers[0], True)}")
            out.append('press "Drop selected class"')
            out.extend(_drop_reason_steps(detail))
            out.append('press "Yes"')
            out.append(f"expect {quote(_message(detail), True)}")
            continue
        if action == "swap" and len(numbers) >= 2:
            out.append(comment)
            ensure_page("Swap")
            out.append(f"type \"Swap this class\" {quote(numbers[0], True)}")
            out.append(f"type \"With this class\" {quote(numbers[1], True)}")
            out.append('press "Continue"')
            out.append('press "Finish swapping"')
            out.append(f"expect {quote(_message(detail), True)}")
            continue
        if action == "cart_remove" and numbers:
            out.append(comment)
            ensure_page("Shopping cart")
            out.append(f"select {quote(numbers[0], True)}")
            out.append('press "Delete"')
            out.append(f'expect "Class {numbers[0]} deleted from your Shopping cart."')
            continue
        out.append(comment + "  (not replayed)")
    return "\n".join(out) + "\n"


__all__ = [
    "SIZE",
    "EnterClass",
    "Expect",
    "Key",
    "Login",
    "Open",
    "Press",
    "ReplayReport",
    "Replayer",
    "SelectRow",
    "Step",
    "StepFailed",
    "StepResult",
    "StepsError",
    "TypeText",
    "Wait",
    "format_result",
    "parse_steps",
    "render_steps",
    "replay",
    "replay_sync",
    "screen_text",
    "steps_from_audit",
]
