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

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import widgets as _w
from textual.content import Content

from ..text import clean
from ._literal_text import (  # noqa: F401 - the text helpers are part of this module's API
    CleanRenderable,
    _cell,
    _renders_as_itself,
    _rich_text,
    literal,
    literal_text,
    safe_renderable,
)

__all__ = ["clean", "literal", "literal_text", "safe_renderable", "Static", "Label", "DataTable",
           "Button", "Select", "RadioButton", "Checkbox", "OptionList", "Input", "TextArea"]


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
