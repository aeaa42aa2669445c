"""Text from users, files and the database, shown exactly as typed: the only widgets screens use.

Two dangers meet on a screen. Textual and Rich read ``[...]`` in a plain ``str`` as markup: a
petition course name ``[@click=app.quit]x[/]`` becomes a live action in a Board member's app,
``[/]`` raises MarkupError and kills the screen. And a terminal obeys control characters: a name
holding ``ESC ] 0 ; … BEL`` sets the window title, ``ESC [ 2 J`` clears it (Rich and Textual strip
only BEL, BS, VT, FF and CR).

So every widget here treats a ``str`` as literal text (``markup=False`` /
``Content(text)``) and passes every character through :func:`clean` first, which swaps each
character a terminal would obey for a visible stand-in of the same length (so the styles of a
Rich ``Text`` or a Textual ``Content`` stay on the right characters):

- C0 controls and DEL → their Unicode "control pictures" (ESC shows as ␛, NUL as ␀);
- C1 controls (U+0080–U+009F), lone surrogates, line/paragraph separators and the
  bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C) → �;
- a newline stays a newline (multi-line texts) unless ``oneline=True`` (table cells, labels):
  then it shows as ␤.

Screens import ``Static``, ``Label``, ``DataTable``, ``Button``, ``Select``, ``RadioButton``,
``Checkbox`` and ``OptionList`` from here, never from ``textual.widgets``:
tests/unit/test_literal_lint.py fails on any other import, on ``markup=True``, on
``from_markup`` with anything but a constant, and on a title or tooltip set from a variable
without :func:`literal`. Markup in our *own* constant texts is written as
``Content.from_markup("[b]constant[/b] $value", value=...)``: template variables are inserted
literally.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import widgets as _w
from textual.content import Content

from ..text import clean

__all__ = ["clean", "literal", "literal_text", "safe_renderable", "Static", "Label", "DataTable",
           "Button", "Select", "RadioButton", "Checkbox", "OptionList", "Input", "TextArea"]


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


class Static(_w.Static):
    """``textual.widgets.Static`` that shows text literally (and ``update`` too)."""

    def __init__(self, content: Any = "", *, expand: bool = False, shrink: bool = False,
                 markup: bool = False, name: str | None = None, id: str | None = None,  # noqa: A002 - Textual's widget `id` keyword
                 classes: str | None = None, disabled: bool = False,
                 oneline: bool = False) -> None:
        # ``markup`` is accepted for textual's signature and ignored: the text is literal
        self._oneline = oneline
        super().__init__(safe_renderable(content, oneline=oneline), expand=expand,
                         shrink=shrink, markup=False, name=name, id=id, classes=classes,
                         disabled=disabled)

    def update(self, content: Any = "", *, layout: bool = True) -> None:
        super().update(safe_renderable(content, oneline=self._oneline), layout=layout)


class Label(_w.Label):
    """``textual.widgets.Label`` that shows text literally (and ``update`` too)."""

    def __init__(self, content: Any = "", *, variant: Any = None, expand: bool = False,
                 shrink: bool = False, markup: bool = False, name: str | None = None,
                 id: str | None = None, classes: str | None = None,  # noqa: A002 - Textual's widget `id` keyword
                 disabled: bool = False) -> None:
        super().__init__(safe_renderable(content), variant=variant, expand=expand,
                         shrink=shrink, markup=False, name=name, id=id, classes=classes,
                         disabled=disabled)

    def update(self, content: Any = "", *, layout: bool = True) -> None:
        super().update(safe_renderable(content), layout=layout)


class Button(_w.Button):
    """``textual.widgets.Button`` with a literal label."""

    def __init__(self, label: Any = None, variant: Any = "default", **kwargs: Any) -> None:
        super().__init__(None if label is None else safe_renderable(label, oneline=True),
                         variant, **kwargs)

    def validate_label(self, label: Any) -> Content:
        return super().validate_label(safe_renderable(label, oneline=True))


class Input(_w.Input):
    """``textual.widgets.Input`` that draws control characters as visible stand-ins (a value
    prefilled from the database, or pasted). The value itself is what was typed: the services
    refuse control characters with a message."""

    @property
    def _value(self) -> Text:
        if self.password or self.value.isprintable():
            return super()._value
        # from the raw value (Rich's Text would drop a BEL or a CR and shift the cursor)
        text = Text(clean(self.value, oneline=True), no_wrap=True, overflow="ignore", end="")
        return self.highlighter(text) if self.highlighter is not None else text


_ON_FIRST_USE = ("DataTable", "Select", "RadioButton", "Checkbox", "OptionList", "TextArea")

if TYPE_CHECKING:
    from ._literal_more import (
        Checkbox,
        DataTable,
        OptionList,
        RadioButton,
        Select,
        TextArea,
    )


def __getattr__(name: str) -> Any:
    """DataTable, Select, ... from ``_literal_more`` when first asked for."""
    if name in _ON_FIRST_USE:
        from . import _literal_more

        return getattr(_literal_more, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
