"""Where you are: "Main Menu › Self Service › Student Center › Enrol".

Every step but the last is a link (click it to go back there).
"""

from __future__ import annotations

from textual.content import Content
from textual.style import Style

from ..navigation import breadcrumb_titles
from .literal import Static


def trail_content(trail: tuple[str, ...]) -> Content:
    """The trail in the current language; each link opens the page by its registry name."""
    parts: list[Content] = []
    for i, (step, shown) in enumerate(zip(trail, breadcrumb_titles(trail), strict=True)):
        if i:
            parts.append(Content(" › "))
        if i < len(trail) - 1:
            # a click action built as a style, never by parsing the page name as markup
            click = Style.from_meta({"@click": f"app.navigate({step!r})"})
            parts.append(Content.styled(shown, click))
        else:
            parts.append(Content.styled(shown, "bold"))
    return Content("").join(parts)


class Breadcrumb(Static):
    DEFAULT_CSS = """
    Breadcrumb { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    """

    def __init__(self, trail: tuple[str, ...] | list[str], **kwargs) -> None:
        self.trail = tuple(trail)
        super().__init__(trail_content(self.trail), **kwargs)

    @property
    def text(self) -> str:
        """The trail as plain text, as shown."""
        return " › ".join(breadcrumb_titles(self.trail))
