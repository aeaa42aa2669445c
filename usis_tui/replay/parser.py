"""The steps file: one step per line, checked by pydantic (``parse_steps``), written back by
``render_steps``; see the package docstring for the syntax."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from ..i18n import N_, _, get_language, ngettext


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


class Code(_Step):
    """The second step of a sign-in: the code of the account's authenticator app, computed for
    the replay's clock from the secret given to ``usis replay`` (USIS_OTP_SECRET), never from
    the steps file; at a first set-up, from the key on the screen."""

    kind: Literal["code"] = "code"

    def render(self, *, secret: bool = True) -> str:
        return "code"


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
            raise ValueError(_("a class number has exactly 4 digits, e.g. 1052 (got {value})")
                             .format(value=repr(value)))
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


class Say(_Step):
    """A tour's instruction to the person at the keyboard, as the seed words it (a tour is a
    steps file with a ``say`` line before each step; usis_tui/tours). Replaying does nothing
    with it."""

    kind: Literal["say"] = "say"
    text: str = Field(min_length=1)

    def render(self, *, secret: bool = True) -> str:
        return f"say {quote(self.text, True)}"


Step = Annotated[Login | Code | Open | EnterClass | TypeText | Press | Key | SelectRow | Expect
                 | Wait | Say, Field(discriminator="kind")]
STEP = TypeAdapter(Step)

SYNTAX = {
    "login": "login USERNAME PASSWORD",
    "code": "code",
    "open": 'open "PAGE NAME"',
    "enter": "enter class NNNN",
    "type": 'type "FIELD LABEL" "TEXT"',
    "press": 'press "BUTTON LABEL"',
    "key": "key KEY [KEY ...]",
    "select": 'select "ROW TEXT"',
    "expect": 'expect "TEXT"',
    "wait": "wait [MILLISECONDS]",
    "say": 'say "INSTRUCTION"',
}


class StepsError(ValueError):
    """A steps file with bad lines: ``problems`` holds (line number, message) pairs."""

    def __init__(self, problems: list[tuple[int, str]], source: str = "steps file") -> None:
        self.problems = problems
        self.source = source
        super().__init__("; ".join(_("line {number}: {problem}").format(number=n, problem=m)
                                   for n, m in problems))

    def report(self) -> str:
        count = len(self.problems)
        lines = [ngettext("{source}: {n} bad line", "{source}: {n} bad lines", count)
                 .format(source=self.source, n=count)]
        lines += ["  " + _("line {number}: {problem}").format(number=n, problem=m)
                  for n, m in self.problems]
        return "\n".join(lines)


def _fields(kind: str, args: list[str]) -> dict[str, Any]:
    """The pydantic input for one step, or ValueError with what is wrong."""
    def one_text() -> str:
        if not args:
            raise ValueError(_("missing its text"))
        return " ".join(args)

    if kind == "login":
        if len(args) != 2:
            raise ValueError(ngettext("expects a user name and a password, got {n} value",
                                      "expects a user name and a password, got {n} values",
                                      len(args)).format(n=len(args)))
        return {"kind": "login", "username": args[0], "password": args[1]}
    if kind == "code":
        if args:
            raise ValueError(_("takes no value: the code is computed from the secret given to "
                               "usis replay (USIS_OTP_SECRET), never written in the steps file"))
        return {"kind": "code"}
    if kind == "open":
        return {"kind": "open", "page": one_text()}
    if kind == "enter":
        if len(args) != 2 or args[0].lower() != "class":
            raise ValueError(_("expects `class` and a class number"))
        return {"kind": "enter_class", "number": args[1]}
    if kind == "type":
        if len(args) != 2:
            raise ValueError(ngettext(
                "expects a field label and a text, got {n} value (quote values with spaces)",
                "expects a field label and a text, got {n} values (quote values with spaces)",
                len(args)).format(n=len(args)))
        return {"kind": "type", "label": args[0], "text": args[1]}
    if kind == "press":
        return {"kind": "press", "label": one_text()}
    if kind == "key":
        if not args:
            raise ValueError(_("missing the key(s)"))
        return {"kind": "key", "keys": args}
    if kind == "select":
        return {"kind": "select", "text": one_text()}
    if kind == "expect":
        return {"kind": "expect", "text": one_text()}
    if kind == "wait":
        if len(args) > 1 or (args and not args[0].isdigit()):
            raise ValueError(_("expects nothing or a number of milliseconds"))
        return {"kind": "wait", "ms": int(args[0]) if args else None}
    if kind == "say":
        return {"kind": "say", "text": one_text()}
    raise ValueError(_("unknown step {step} (steps: {steps})").format(
        step=repr(kind), steps=", ".join(SYNTAX)))


#: pydantic's messages for the limits of a step (English: pydantic's own words)
_PYDANTIC = {
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "string_too_short": N_("String should have at least {min_length} character"),
}


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        message = str(error.get("msg", "invalid"))
        message = message.removeprefix("Value error, ")
        kind = error.get("type", "")
        if get_language() != "en" and kind in _PYDANTIC:
            message = _(_PYDANTIC[kind]).format(**error.get("ctx", {}))
        where = ".".join(str(x) for x in error.get("loc", ())[1:])
        parts.append(f"{where}: {message}" if where and kind != "value_error" else message)
    return "; ".join(parts)


#: shlex's errors (a line with an open quote)
_SHLEX = {"No closing quotation": N_("No closing quotation"),
          "No escaped character": N_("No escaped character")}


def parse_steps(text: str, source: str = "steps file") -> list[Step]:
    """Every step of a steps file; StepsError lists every bad line with its number."""
    steps: list[Step] = []
    problems: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        try:
            tokens = shlex.split(raw, comments=True)
        except ValueError as exc:  # no closing quotation
            problems.append((number, _("{error} in {line}").format(
                error=_(_SHLEX.get(str(exc), str(exc))), line=repr(raw.strip()))))
            continue
        if not tokens:
            continue
        kind = tokens[0].lower()
        try:
            data = _fields(kind, tokens[1:])
        except ValueError as exc:
            problems.append((number, _("{step}: {problem} (syntax: {syntax})").format(
                step=kind, problem=exc, syntax=SYNTAX[kind]) if kind in SYNTAX else str(exc)))
            continue
        try:
            steps.append(STEP.validate_python({**data, "line": number}))
        except ValidationError as exc:
            problems.append((number, f"{kind}: {_validation_message(exc)}"))
    if problems:
        raise StepsError(problems, source)
    if not steps:
        raise StepsError([(0, _("no steps (every line is empty or a comment)"))], source)
    return steps


def render_steps(steps: Iterable[Step]) -> str:
    return "".join(s.render(secret=False) + "\n" for s in steps)
