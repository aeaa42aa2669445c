"""A PeopleSoft-style step indicator: "1. Select classes to add › 2. Confirm classes › …"."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.reactive import reactive

from ..theme import ON_DARK, PRIMARY
from .literal import Static

CURRENT = f"bold {ON_DARK} on {PRIMARY}"


class StepIndicator(Static):
    """The steps of a wizard with the current one (``step``, from 1) lit."""

    step = reactive(1)

    def __init__(self, steps: Sequence[str], *, separator: str = " › ", no_wrap: bool = False,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.steps = tuple(steps)
        self.separator = separator
        self.no_wrap = no_wrap

    def render(self) -> Text:
        text = self._steps_text(short=False)
        width = self.content_size.width
        if not self.no_wrap and width and text.cell_len > width:
            # Too long for the line (the Dutch step names are): the other steps by number only,
            # the current one in full.
            text = self._steps_text(short=True)
        return text

    def _steps_text(self, *, short: bool) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis") if self.no_wrap else Text()
        for i, name in enumerate(self.steps, start=1):
            if i > 1:
                text.append(self.separator, style="dim")
            label = f"{i}. {name}"
            if i == self.step:
                text.append(f" {label} ", style=CURRENT)
            else:
                text.append(f"{i}." if short else label, style="dim" if i > self.step else "")
        return text
