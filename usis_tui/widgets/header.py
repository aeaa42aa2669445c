"""The Header of every uSis page: Textual's, with the language switch "nl | en" on the right
(as on every Leiden page). Click a language, or press F2 (the Footer shows it), or pick
"Nederlands"/"English" in the command palette."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.events import Click
from textual.widget import Widget
from textual.widgets import Header
from textual.widgets._header import HeaderIcon, HeaderTitle  # not exported by textual.widgets

from ..i18n import NAMES, _, get_language
from ..languages import LANGUAGES
from .literal import literal

LANGUAGE_KEY = "f2"


def switch_content(current: str) -> Content:
    """ "nl | en", the current language bold, the other one a link-like underline."""
    parts: list[Content] = []
    for language in LANGUAGES:
        if parts:
            parts.append(Content(" | "))
        parts.append(Content.styled(language, "bold" if language == current else "underline"))
    return Content("").join(parts)


class LanguageSwitch(Widget):
    """ "nl | en": click a language to switch to it."""

    DEFAULT_CSS = """
    LanguageSwitch { dock: right; width: 9; padding: 0 1; content-align: right middle; }
    """

    def on_mount(self) -> None:
        self.tooltip = literal(_("Language: Nederlands | English ({key})").format(
            key=LANGUAGE_KEY.upper()))

    def render(self) -> Content:
        return switch_content(get_language())

    async def on_click(self, event: Click) -> None:
        event.stop()  # not the Header's (which would make it tall)
        # "nl | en" starts after one column of padding; "nl" is columns 1-2, "en" 6-7
        chosen = LANGUAGES[0] if event.x < 5 else LANGUAGES[1]
        await self.app.run_action(f"switch_language({chosen!r})")

    @property
    def text(self) -> str:
        return " | ".join(LANGUAGES)


class UsisHeader(Header):
    """Header(show_clock=False) with the language switch where the clock would be."""

    def compose(self) -> ComposeResult:
        yield HeaderIcon().data_bind(Header.icon)
        yield HeaderTitle()
        yield LanguageSwitch(id="language-switch")


__all__ = ["LANGUAGE_KEY", "LanguageSwitch", "NAMES", "UsisHeader", "switch_content"]
