"""A uSis link: focusable, opens a page by its uSis name on Enter or click."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message

from ..i18n import N_, _
from .literal import Static, literal


class MenuLink(Static, can_focus=True):
    """``MenuLink("Student Center")`` opens that page through ``app.navigate``.

    ``page`` defaults to the label; ``note`` is a muted explanation after the label. Up/Down
    move between links like a menu. ``label`` is the English message (a page's registry name,
    or a message marked with ``N_``): the link shows it in the current language. ``note`` is
    shown as given (the caller translates it).
    """

    DEFAULT_CSS = """
    MenuLink {
        width: auto; height: auto; padding: 0 1; color: $primary; text-style: underline;
        pointer: pointer;
    }
    MenuLink:hover { background: $boost; color: $accent; }
    MenuLink:focus { background: $primary; color: white; text-style: bold; }
    MenuLink.-disabled { color: $text-muted; text-style: none; }
    """
    BINDINGS = [
        Binding("enter", "select", N_("Open"), show=False, id="menu_link.select"),
        Binding("down", "app.focus_next", N_("Next link"), show=False,
                id="menu_link.focus-next"),
        Binding("up", "app.focus_previous", N_("Previous link"), show=False,
                id="menu_link.focus-previous"),
    ]

    class Selected(Message):
        """A link was chosen (posted before the app opens the page)."""

        def __init__(self, link: MenuLink) -> None:
            super().__init__()
            self.link = link

        @property
        def control(self) -> MenuLink:
            return self.link

    def __init__(self, label: str, page: str | None = None, *, note: str = "",
                 id: str | None = None, classes: str | None = None) -> None:  # noqa: A002 - Textual's widget `id` keyword
        text = f"› {_(label)}"
        super().__init__(text, id=id, classes=classes)
        self.label = label
        self.page = page if page is not None else label
        self.note = note
        if note:
            self.tooltip = literal(note)

    async def action_select(self) -> None:
        self.post_message(self.Selected(self))
        if self.page:
            await self.app.navigate(self.page)  # type: ignore[attr-defined]

    async def _on_click(self, event) -> None:
        event.stop()
        self.focus()
        await self.action_select()


class LinkRow(Static):
    """A link with a short muted description beside it, as on PeopleSoft menu pages (the
    label as for MenuLink; the description is shown as given)."""

    DEFAULT_CSS = """
    LinkRow { layout: horizontal; height: auto; width: 1fr; }
    LinkRow > .link-note { width: 1fr; color: $text-muted; padding: 0 1; }
    """

    def __init__(self, label: str, page: str | None = None, description: str = "", *,
                 id: str | None = None, link_id: str | None = None) -> None:  # noqa: A002 - Textual's widget `id` keyword
        super().__init__(id=id)
        self._label = label
        self._page = page
        self._description = description
        self._link_id = link_id

    def compose(self):
        yield MenuLink(self._label, self._page, id=self._link_id)
        if self._description:
            yield Static(self._description, classes="link-note")
