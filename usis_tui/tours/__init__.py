"""Guided tours: the seed's numbered step lists ("1. Login at uSis with your ULCN account 2. Click
on 'Main Menu' and go to 'Self Service' ..."), as steps files a person follows at the keyboard.

A tour is a steps file in the replay language (usis_tui/replay) with a ``say "…"`` line before
each step: the instruction, as the seed words it. The lines after a ``say`` up to the next one
are that step's actions, what "Show me" does and what ``usis tour check`` replays::

    # title: Option 1: Enrol by entering the class number
    # about: The uSis manual's first way to enrol: the class number of the minor, 1052.
    # audience: student
    # now: 2026-11-23T09:30

    say "Log in at uSis with your ULCN account (s1234567, password demo)."
    login s1234567 demo
    say "Click on 'Main Menu' and go to 'Self Service'."
    open "Self Service"
    ...

The header lines: ``# title:`` (required) and ``# about:`` (shown through the catalogue, like
the ``say`` texts), ``# audience:`` (student, the default, or learner: a Course Portal
account) and ``# now:`` (the moment `usis tour check` replays the tour at, unless --now says
otherwise: the demo data's enrolment period is open at 2026-11-23T09:30).

A step is done when every one of its *checks* holds at once: ``login``/``code`` (somebody is
signed in), ``open "PAGE"`` (that page is on top) and ``expect "TEXT"`` (the text is on the
screen). A step with actions needs at least one check, so that a tour can tell when the person
at the keyboard has done it; a ``say`` with nothing after it is a note the person reads and
continues from.

The shipped tours are the ``*.tour`` files beside this module; ``list_tours`` and ``load_tour``
read them. Instructions and labels are written in English and shown through the catalogue in
the app's language (``say`` texts are extracted by scripts/catalogue.py).

Nothing here imports the app or the screens.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from ..i18n import _
from ..replay.parser import (
    Code,
    Expect,
    Login,
    Open,
    Say,
    Step,
    StepsError,
    parse_steps,
)

TOURS_DIR = Path(__file__).resolve().parent
SUFFIX = ".tour"
#: the steps whose truth a tour can see on the screen (a step is done when all of its hold)
CHECK_KINDS = ("login", "code", "open", "expect")
_HEADER = re.compile(r"^#\s*(title|about|audience|now)\s*:\s*(.+?)\s*$", re.IGNORECASE)

Audience = Literal["student", "learner"]


class TourStep(BaseModel):
    """One numbered step of a tour: the instruction and the actions that carry it out."""

    model_config = ConfigDict(frozen=True)

    number: int  # 1, 2, ... as the person sees it
    line: int  # the line of its ``say`` in the tour file
    say: str  # the instruction, in English (shown through the catalogue)
    actions: tuple[Step, ...] = ()  # every step after the say (checks included)

    @property
    def checks(self) -> tuple[Step, ...]:
        """The actions whose truth shows on the screen: the step is done when all hold."""
        return tuple(s for s in self.actions if s.kind in CHECK_KINDS)

    @property
    def is_note(self) -> bool:
        """A ``say`` with nothing to do: the person reads it and continues."""
        return not self.actions

    def instruction(self) -> str:
        """The instruction in the current language."""
        return _(self.say)


class Tour(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str  # the file's name without .tour: `usis tour run NAME`
    title: str  # English; shown through the catalogue
    about: str = ""
    audience: Audience = "student"
    source: str = ""  # the file it was read from
    now: str | None = None  # ``# now:``: the moment `usis tour check` replays it at (ISO)
    steps: tuple[TourStep, ...]

    def all_steps(self) -> list[Step]:
        """Every line of the tour as steps (say lines included), in order: what ``usis tour
        check`` replays."""
        out: list[Step] = []
        for step in self.steps:
            out.append(Say(text=step.say, line=step.line))
            out.extend(step.actions)
        return out

    def shown_title(self) -> str:
        return _(self.title)

    def shown_about(self) -> str:
        return _(self.about) if self.about else ""


class TourProgress(BaseModel):
    """Where a person is in a tour: what the tour guide (tours/guide.py) tells whoever listens
    (the classroom, the audit) each time the step, or the hint, changes."""

    model_config = ConfigDict(frozen=True)

    tour: str  # the tour's name
    number: int  # the step the person is on (1-based); total + 1 once finished
    total: int
    entered_at: str  # ISO time (the app's clock) the person reached this step
    hint: str | None = None  # the last hint shown for a wrong turn, in the person's language
    finished: bool = False
    shown_me: bool = False  # the step was done by "Show me"
    skipped: bool = False  # the step was skipped


class TourNotFound(KeyError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return _("there is no tour called {name} (tours: {tours})").format(
            name=repr(self.name), tours=", ".join(tour_names()) or _("none"))


def parse_tour(text: str, name: str, source: str = "") -> Tour:
    """A tour from the text of its file; StepsError lists every bad line with its number."""
    source = source or f"{name}{SUFFIX}"
    header: dict[str, str] = {}
    header_line: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        found = _HEADER.match(raw.strip())
        if found and found.group(1).lower() not in header:
            header[found.group(1).lower()] = found.group(2)
            header_line[found.group(1).lower()] = number
    problems: list[tuple[int, str]] = []
    try:
        steps = parse_steps(text, source=source)
    except StepsError as exc:  # bad lines: reported with the tour's own problems below
        problems.extend(exc.problems)
        bad = {number for number, _problem in exc.problems}
        kept = "\n".join("" if number in bad else line
                         for number, line in enumerate(text.splitlines(), start=1))
        try:  # the good lines (same numbers), to check the tour's rules on them too
            steps = parse_steps(kept, source=source)
        except StepsError:
            steps = []
    blocks: list[TourStep] = []
    say: Say | None = None
    actions: list[Step] = []

    def close() -> None:
        if say is None:
            return
        if actions and not any(a.kind in CHECK_KINDS for a in actions):
            problems.append((say.line, _(
                "this step has nothing a tour can see when it is done: add an expect line "
                "(or open, login) after its actions")))
        blocks.append(TourStep(number=len(blocks) + 1, line=say.line, say=say.text,
                               actions=tuple(actions)))

    for step in steps:
        if isinstance(step, Say):
            close()
            say, actions = step, []
        elif say is None:
            problems.append((step.line, _("a tour starts with a say line: the instruction of "
                                          "its first step")))
            say = Say(text="?", line=step.line)  # go on, to report the other lines too
            actions = [step]
        else:
            actions.append(step)
    close()
    audience = header.get("audience", "student").lower()
    if audience not in ("student", "learner"):
        problems.append((header_line["audience"], _(
            "audience must be student or learner, not {value}").format(value=repr(audience))))
        audience = "student"
    if "title" not in header:
        problems.append((0, _("no '# title: ...' line")))
    now = header.get("now")
    if now is not None:
        from ..clock import parse_now
        from ..errors import UsisError

        try:
            parse_now(now)
        except (UsisError, ValueError) as exc:
            problems.append((header_line["now"], _("now: {problem}").format(problem=exc)))
            now = None
    if problems:
        raise StepsError(sorted(set(problems)), source)
    return Tour(name=name, title=header.get("title", name), about=header.get("about", ""),
                audience=audience, now=now,
                source=source, steps=tuple(blocks))


#: the order trainers teach them in (the seed's flow: Option 1 first); others follow by name
ORDER = ("enrol-by-class-number", "enrol-by-searching", "apply-for-minor", "elective-petition",
         "portal-enrol-and-pay", "portal-withdraw")


def tour_files() -> Iterator[Path]:
    def rank(path: Path) -> tuple[int, str]:
        return (ORDER.index(path.stem) if path.stem in ORDER else len(ORDER), path.stem)

    return iter(sorted(TOURS_DIR.glob(f"*{SUFFIX}"), key=rank))


def tour_names() -> list[str]:
    return [path.stem for path in tour_files()]


@cache
def _load(path: Path) -> Tour:
    return parse_tour(path.read_text(encoding="utf-8"), path.stem,
                      source=f"usis_tui/tours/{path.name}")


def load_tour(name: str) -> Tour:
    """A shipped tour by its name (TourNotFound); StepsError if its file has bad lines."""
    path = TOURS_DIR / f"{name}{SUFFIX}"
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name) or not path.is_file():
        raise TourNotFound(name)
    return _load(path)


def list_tours() -> list[Tour]:
    """Every shipped tour, in the order they are taught (ORDER)."""
    return [_load(path) for path in tour_files()]


def babel_extract(fileobj: Any, keywords: Any, comment_tags: Any,
                  options: Any) -> Iterator[tuple[int, None, str, list[str]]]:
    """The Babel extraction method for ``*.tour`` files (scripts/catalogue.py, METHOD_MAP):
    the ``# title:`` and ``# about:`` lines, every ``say`` and ``expect`` text and the labels
    a tour presses or types into, each with its line, so that the catalogue translates what a
    tour shows and what it looks for.
    Lines it cannot read are left out (``usis tour check`` reports them)."""
    text = fileobj.read()
    if isinstance(text, bytes):
        text = text.decode(options.get("encoding", "utf-8") if options else "utf-8")
    for number, raw in enumerate(text.splitlines(), start=1):
        found = _HEADER.match(raw.strip())
        if found:
            if found.group(1).lower() in ("title", "about"):
                yield number, None, found.group(2), [
                    "Translators: the title of a guided tour" if found.group(1).lower() == "title"
                    else "Translators: what a guided tour is about (one sentence or two)"]
            continue
        try:
            tokens = shlex.split(raw, comments=True)
        except ValueError:
            continue
        if len(tokens) > 1 and tokens[0].lower() == "say":
            yield number, None, " ".join(tokens[1:]), [
                "Translators: a guided tour's instruction; the labels in quotes are the ones "
                "uSis shows in Dutch"]
        elif len(tokens) > 1 and tokens[0].lower() in ("press", "type"):
            # the label of a button, a footer key or a field (most are the app's own messages
            # already; a label with an amount in it is not)
            yield number, None, tokens[1] if tokens[0].lower() == "type" else " ".join(
                tokens[1:]), ["Translators: the label of a button, key or field as uSis shows "
                              "it in Dutch (a guided tour presses or fills it)"]
        elif len(tokens) > 1 and tokens[0].lower() == "expect":
            # often a part of a longer message ("has been added to your Shopping cart"): the
            # tour looks for its translation on a Dutch screen
            yield number, None, " ".join(tokens[1:]), [
                "Translators: text a guided tour expects on the screen, often part of a longer "
                "message: the same words as they appear in that message's Dutch translation "
                "(a course title or code stays as it is)"]


def is_check(step: Step) -> bool:
    return isinstance(step, Login | Code | Open | Expect)


__all__ = ["CHECK_KINDS", "SUFFIX", "TOURS_DIR", "StepsError", "Tour", "TourNotFound",
           "TourProgress", "TourStep",
           "babel_extract", "is_check", "list_tours", "load_tour", "parse_tour", "tour_names"]
