"""The text helpers of the literal widgets (widgets/literal.py): a value from a user, a file or
the database as literal text or a renderable that cannot reach the terminal as control
characters. No widgets here, so the widgets loaded on first use (_literal_more.py) and
literal.py both import it, and neither imports the other at import time or later.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.content import Content

from ..text import clean


def literal(value: object, *, oneline: bool = False) -> Content:
    """Untrusted text as Textual ``Content``: never parsed as markup, controls made visible."""
    return Content(clean(value, oneline=oneline))


def literal_text(value: object, style: str = "", *, oneline: bool = False, **kwargs: Any) -> Text:
    """Untrusted text as a Rich ``Text`` (for DataTable cells): literal, controls made visible."""
    return Text(clean(value, oneline=oneline), style=style, **kwargs)


def safe_renderable(value: Any, *, oneline: bool = False) -> Any:
    """What a widget may show: ``str`` → literal Content; a Rich ``Text`` or a ``Content``
    (styled by our code, its characters possibly from the database) → the same, cleaned; any
    other renderable unchanged."""
    if value is None:
        return Content("")
    if isinstance(value, str):
        return literal(value, oneline=oneline)
    if isinstance(value, Content):
        plain = value.plain
        fixed = clean(plain, oneline=oneline)
        return value if fixed == plain else Content(fixed, spans=list(value.spans))
    if isinstance(value, Text):
        fixed = clean(value.plain, oneline=oneline)
        if fixed == value.plain:
            return value
        copy = value.copy()
        copy.plain = fixed  # same length: the spans stay on their characters
        return copy
    if isinstance(value, CleanRenderable):
        return value
    if hasattr(value, "__rich_console__") or hasattr(value, "__rich__"):
        return CleanRenderable(value)
    return value


class CleanRenderable:
    """A Rich renderable (a Table, a Group …) whose rendered text has its control characters
    made visible: Rich turns ``str`` cells into text without removing ESC. (Markup in those
    cells is off app-wide: ``UsisApp`` renders with a Console that has markup disabled.)"""

    def __init__(self, renderable: Any) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Any, options: Any) -> Iterable[Any]:
        from rich.segment import Segment

        for segment in console.render(self.renderable, options):
            text = segment.text
            if segment.control or not text or text.isprintable() or text == "\n":
                yield segment
            else:
                yield Segment(clean(text, oneline="\n" not in text), segment.style,
                              segment.control)

    def __rich_measure__(self, console: Any, options: Any) -> Any:
        from rich.measure import Measurement

        return Measurement.get(console, options, self.renderable)


def _cell(value: Any) -> Any:
    """A DataTable cell: text is literal and on one line; numbers and other renderables as
    they are."""
    if isinstance(value, str):
        if value.isprintable() and _renders_as_itself(value):
            return value  # shown exactly as it is either way; tests and replay read it as str
        return literal_text(value, oneline=True)
    if isinstance(value, Content):
        return _rich_text(value)
    if isinstance(value, Text):
        return safe_renderable(value, oneline=True)
    return value


def _renders_as_itself(value: str) -> bool:
    """Whether DataTable's markup parsing would show ``value`` unchanged and unstyled."""
    if "[" not in value and ":" not in value:
        return True
    try:
        parsed = Text.from_markup(value)
    except Exception:  # noqa: BLE001 - MarkupError: it is not
        return False
    return parsed.plain == value and not parsed.spans


def _rich_text(content: Content) -> Text:
    """A Content's characters (cleaned, on one line) and its styles, as a Rich Text."""
    text = Text(clean(content.plain, oneline=True))
    for span in content.spans:
        style = span.style
        try:
            text.stylize(style if isinstance(style, str) else style.rich_style,
                         span.start, span.end)
        except Exception:  # noqa: BLE001 - a theme variable Rich does not know: no style
            continue
    return text
