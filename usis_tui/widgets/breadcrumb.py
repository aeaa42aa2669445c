"""Where you are: "Main Menu › Self Service › Student Center › Enrol"."""

from __future__ import annotations

from textual.widgets import Static


class Breadcrumb(Static):
    DEFAULT_CSS = """
    Breadcrumb { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, trail: tuple[str, ...] | list[str], **kwargs) -> None:
        super().__init__(" › ".join(trail), **kwargs)
        self.trail = tuple(trail)
