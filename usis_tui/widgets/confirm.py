"""The one yes/no dialog: "Are you sure …?" with the consequence, Yes / No, `y` / `n` and Escape.

    dialog = ConfirmDialog("confirm-reset", "Reset demo database", question, notes=[...],
                           yes="Reset", no="Cancel")
    app.push_screen(dialog, callback)            # the callback gets True or False

The safe answer has the focus, so Enter never destroys anything by accident. A dialog that asks
for more than yes or no (the reason for dropping a class) subclasses it: ``compose_fields`` adds
the fields, ``accept`` returns what the dialog dismisses with (or None to stay open, after
saying what is missing), ``refusal`` is what No gives.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen

from ..i18n import N_, _
from .footer import UsisFooter
from .literal import Button, Label, Static

T = TypeVar("T")


class ConfirmDialog(ModalScreen[T], Generic[T]):
    """``name`` is the screen's id; its parts are ``{name}-box``, ``{prefix}-yes`` and
    ``{prefix}-no`` (``prefix`` defaults to ``name``) for styles and tests."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", N_("Yes"), id="confirm.yes", tooltip=N_("Yes: go ahead")),
        Binding("n,escape", "answer(False)", N_("No"), id="confirm.no",
                tooltip=N_("No: leave everything as it is")),
    ]

    def __init__(self, name: str, title: str, question: Any, *, notes: Iterable[Any] = (),
                 yes: str | None = None, no: str | None = None, prefix: str | None = None,
                 box_classes: str = "dialog-box -danger", title_classes: str = "dialog-title",
                 question_id: str | None = None, refusal: Any = False) -> None:
        super().__init__(id=name)
        self.dialog_name = name
        self.title_text = title
        self.question = question
        self.notes = list(notes)
        # the caller's texts are translated already; the defaults in the current language
        self.yes_label = yes if yes is not None else _("Yes")
        self.no_label = no if no is not None else _("No")
        self.prefix = prefix or name
        self.box_classes, self.title_classes = box_classes, title_classes
        self.question_id = question_id or f"{name}-question"
        self.refusal = refusal

    def compose(self) -> ComposeResult:
        with Vertical(id=f"{self.dialog_name}-box", classes=self.box_classes):
            yield Label(self.title_text, classes=self.title_classes)
            yield Static(self.question, id=self.question_id)
            for note in self.notes:
                yield Static(note, classes="hint")
            yield from self.compose_fields()
            with Horizontal(classes="button-row"):
                yield Button(self.yes_label, id=f"{self.prefix}-yes", variant="error",
                             compact=True)
                yield Button(self.no_label, id=f"{self.prefix}-no", variant="primary",
                             compact=True)
        yield UsisFooter()

    def compose_fields(self) -> ComposeResult:
        """Fields between the question and the buttons (none for a plain yes/no)."""
        yield from ()

    def on_mount(self) -> None:
        self.focus_first()

    def focus_first(self) -> None:
        """The safe answer has the focus."""
        self.query_one(f"#{self.prefix}-no").focus()

    def accept(self) -> T | None:
        """What Yes dismisses with; None keeps the dialog open (something is missing)."""
        return True  # type: ignore[return-value]

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id in (f"{self.prefix}-yes", f"{self.prefix}-no"):
            event.stop()
            self.action_answer(event.button.id == f"{self.prefix}-yes")

    def action_answer(self, answer: bool) -> None:
        if not answer:
            self.dismiss(self.refusal)
            return
        value = self.accept()
        if value is not None:
            self.dismiss(value)
