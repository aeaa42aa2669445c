"""Shows service problems: each uSis message with what the student can do about it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from .literal import Static

if TYPE_CHECKING:
    from ..services.schemas import Problem


def problems_text(problems: list[Problem]) -> Text:
    text = Text()
    for i, p in enumerate(problems):
        if i:
            text.append("\n")
        text.append("✗ ", style="bold red")
        text.append(p.message, style="bold")
        if p.hint:
            text.append(f"\n  {p.hint}", style="italic")
    return text


class ProblemList(Static):
    """Empty and hidden until ``show(problems)``; ``clear()`` hides it again."""

    DEFAULT_CSS = """
    ProblemList { display: none; height: auto; border: round $error; padding: 0 1; margin: 1 0; }
    ProblemList.-shown { display: block; }
    """

    def show(self, problems: list[Problem]) -> None:
        self.update(problems_text(problems))
        self.set_class(bool(problems), "-shown")

    def clear(self) -> None:
        self.update("")
        self.remove_class("-shown")
