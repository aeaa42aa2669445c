"""A widget mounted the first time it is needed, not with its page.

Textual spends time on every widget a screen holds, shown or not, so a page composes only what
it shows first; each hidden view (a tab's content, a step of a wizard) is an ``OnDemand``:

    self.drop = OnDemand(self, "#drop", lambda: DropPane(id="drop-pane"), fill=self._fill_drop)
    pane = await self.drop.get()   # mounted into #drop (once), filled, ready to query
    self.drop.refill()             # new data: given to the pane if it is mounted, else kept

The page (the coordinator) keeps the latest data; ``fill`` hands it to the widget when it mounts
and again on each ``refill``, so data that arrives before the view exists is not lost. Into a
ContentSwitcher the widget is added hidden (``add_content``): the switcher shows it when it
becomes ``current``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Generic, TypeVar

from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import ContentSwitcher

W = TypeVar("W", bound=Widget)


class OnDemand(Generic[W]):
    """``factory()`` mounted into ``owner.query_one(into)`` on the first ``get()``."""

    def __init__(self, owner: DOMNode, into: str, factory: Callable[[], W], *,
                 fill: Callable[[W], object] | None = None) -> None:
        self._owner = owner
        self._into = into
        self._factory = factory
        self._fill = fill
        self._widget: W | None = None
        self._ready = False  # mounted and filled
        self._mounting = asyncio.Lock()

    @property
    def widget(self) -> W | None:
        """The widget once it is mounted (and filled), else None."""
        widget = self._widget
        return widget if widget is not None and widget.is_mounted and self._ready else None

    def compose(self) -> W:
        """The widget now, to yield in the parent's ``compose`` (the view shown first): it
        mounts with its parent; the owner has no data for it yet, so it is not filled."""
        assert self._widget is None, "already created"
        self._widget = self._factory()
        self._ready = True
        return self._widget

    async def get(self) -> W:
        """The widget, mounted (on the first call) and filled with the owner's latest data.
        A second caller waits for the first one's mount; if that failed, it tries again."""
        async with self._mounting:
            if self._widget is None:
                widget = self._factory()
                parent = self._owner.query_one(self._into)
                if isinstance(parent, ContentSwitcher):
                    await parent.add_content(widget)
                else:
                    await parent.mount(widget)
                self._widget = widget
                self._ready = True
                if self._fill is not None:
                    self._fill(widget)
            return self._widget

    def refill(self) -> None:
        """Hand the owner's latest data to the widget if it is mounted (else it gets it when
        it mounts)."""
        widget = self.widget
        if widget is not None and self._fill is not None:
            self._fill(widget)
