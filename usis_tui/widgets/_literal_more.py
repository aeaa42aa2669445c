"""The literal widgets that only some pages use (tables, lists, choices, a text area): imported
on first use through ``usis_tui.widgets.literal`` (see its ``__getattr__``), so that the Login's
first frame does not wait for them."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual import widgets as _w
from textual.content import Content

from ..text import clean
from ._literal_text import _cell, literal_text, safe_renderable


class DataTable(_w.DataTable):
    """``textual.widgets.DataTable`` whose text cells, labels and headers are literal."""

    def add_column(self, label: Any, *, width: int | None = None, key: str | None = None,
                   default: Any = None) -> Any:
        return super().add_column(_cell(label), width=width, key=key, default=default)

    def add_row(self, *cells: Any, height: int | None = 1, key: str | None = None,
                label: Any = None) -> Any:
        return super().add_row(*[_cell(c) for c in cells], height=height, key=key,
                               label=None if label is None else _cell(label))

    def add_rows(self, rows: Iterable[Iterable[Any]]) -> list[Any]:
        return super().add_rows([[_cell(c) for c in row] for row in rows])

    def update_cell(self, row_key: Any, column_key: Any, value: Any, *,
                    update_width: bool = False) -> None:
        super().update_cell(row_key, column_key, _cell(value), update_width=update_width)

    def update_cell_at(self, coordinate: Any, value: Any, *, update_width: bool = False) -> None:
        super().update_cell_at(coordinate, _cell(value), update_width=update_width)


def _prompt(prompt: Any) -> Any:
    """An option's label: a Rich ``Text`` (Select's type-to-search reads ``Text`` and ``str``)."""
    if isinstance(prompt, Content):
        return _cell(prompt)
    return literal_text(prompt, oneline=True) if isinstance(prompt, str) else _cell(prompt)


def _options(options: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [(_prompt(prompt), value) for prompt, value in options]


class Select(_w.Select):
    """``textual.widgets.Select`` whose option labels are literal."""

    def __init__(self, options: Iterable[tuple[Any, Any]], **kwargs: Any) -> None:
        super().__init__(_options(options), **kwargs)

    def set_options(self, options: Iterable[tuple[Any, Any]]) -> Any:
        return super().set_options(_options(options))


class RadioButton(_w.RadioButton):
    """``textual.widgets.RadioButton`` with a literal label."""

    def __init__(self, label: Any = "", value: bool = False, **kwargs: Any) -> None:
        super().__init__(safe_renderable(label, oneline=True), value, **kwargs)


class Checkbox(_w.Checkbox):
    """``textual.widgets.Checkbox`` with a literal label."""

    def __init__(self, label: Any = "", value: bool = False, **kwargs: Any) -> None:
        super().__init__(safe_renderable(label, oneline=True), value, **kwargs)


class OptionList(_w.OptionList):
    """``textual.widgets.OptionList`` whose options are literal."""

    def __init__(self, *content: Any, **kwargs: Any) -> None:
        kwargs["markup"] = False
        super().__init__(*[_prompt(c) if isinstance(c, (str, Text, Content)) else c
                           for c in content], **kwargs)


class TextArea(_w.TextArea):
    """``textual.widgets.TextArea`` that turns control characters (but newlines and tabs) into
    visible stand-ins as they are typed, pasted or loaded."""

    def edit(self, edit: Any) -> Any:
        if not edit.text.isprintable():
            fixed = clean(edit.text)
            if fixed != edit.text:
                edit = dataclasses.replace(edit, text=fixed)
        return super().edit(edit)

    def load_text(self, text: str) -> None:
        super().load_text(clean(text))
