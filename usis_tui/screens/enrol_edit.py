"""PeopleSoft's "Edit": change the enrolment preferences of a class after choosing them.

- a Shopping cart class (``EditClassScreen.for_cart``): "Wait list if class is full" and the
  permission number, so that a wrong permission number can be corrected (entering the class
  again only says it is in the cart already). Saved with ``cart.update``, the class is judged
  again at once; the cart's Enrol check shows the verdict.
- a wait-listed class on My Class Schedule (``EditClassScreen.for_waitlist``): the permission
  number obtained later, which enrols the student now (``enrolment.edit``). A refusal (not valid,
  a clash, ...) is shown in the form, to correct or cancel.

Its styles are in styles/enrol.tcss (the Enrol page opens it). The dialog makes the service
call itself (``save``, in a service worker) and dismisses with its
result, or None (Cancel, Escape).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen

from ..i18n import N_, _
from ..services.schemas import CartLine, ClassInfo, ScheduleLine
from ..widgets.class_detail import class_days_times, component_label
from ..widgets.footer import UsisFooter
from ..widgets.literal import Button, Checkbox, Input, Label, Static
from ..widgets.problems import ProblemList
from .calls import call_service, service_worker

#: save(wait_list_ok, permission_number) -> the service's result (runs in a thread)
Save = Callable[[bool, "str | None"], Any]


class PermissionField(Input):
    """The permission number; Enter = Save."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", N_("Save"), tooltip=N_("Save these preferences"),
                id="enrol_edit.submit")]


class EditClassScreen(ModalScreen[Any]):
    """ "Edit" one class: its preferences, Save / Cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Keep the class as it was"),
                id="enrol_edit.cancel"),
    ]

    def __init__(self, cls: ClassInfo, note: str, save: Save, *, wait_list: bool | None,
                 permission_number: str | None) -> None:
        super().__init__(id="edit-class-dialog")
        self.cls = cls
        self.note = note
        self.save = save
        self.wait_list = wait_list  # None: no wait list box (a wait-listed class)
        self.permission_number = permission_number or ""

    @classmethod
    def for_cart(cls, line: CartLine, save: Save) -> EditClassScreen:
        return cls(line.cls, _("Change your enrolment preferences for this class in your "
                               "Shopping cart; it is checked again at once."), save,
                   wait_list=line.wait_list_ok, permission_number=line.permission_number)

    @classmethod
    def for_waitlist(cls, line: ScheduleLine, save: Save) -> EditClassScreen:
        return cls(line.cls, _("You are on the wait list (position {position}). A permission "
                               "number from the instructor enrols you now, also when the class "
                               "is full.").format(position=line.waitlist_position), save,
                   wait_list=None, permission_number=None)

    def compose(self) -> ComposeResult:
        c = self.cls
        with Vertical(id="edit-box"):
            yield Label(_("Edit class {number}").format(number=c.class_number),
                        id="edit-title")
            yield Static(Text.assemble((f"{c.class_number} {c.catalogue_number} {c.title}",
                                        "bold"),
                                       f" ({component_label(c.component)}) · "
                                       f"{class_days_times(c)}"), id="edit-class")
            yield Static(self.note, id="edit-note")
            if self.wait_list is not None:
                with Horizontal(classes="field-row"):
                    yield Label("", classes="field-label")
                    box = Checkbox(_("Wait list if class is full"), self.wait_list,
                                   id="edit-waitlist", compact=True)
                    box.disabled = c.waitlist_capacity == 0
                    yield box
            with Horizontal(classes="field-row"):
                yield Label(_("Permission number"), classes="field-label")
                yield PermissionField(self.permission_number, placeholder=_("optional"),
                                      id="edit-permission", max_length=12,
                                      restrict=r"[0-9A-Za-z]*", compact=True)
            yield ProblemList(id="edit-problems")
            with Horizontal(classes="button-row"):
                yield Button(_("Cancel"), id="edit-cancel", compact=True)
                yield Button(_("Save"), id="edit-save", variant="primary", compact=True)
        yield UsisFooter()

    def on_mount(self) -> None:
        field = self.query_one("#edit-permission", Input)
        field.cursor_blink = False
        field.focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#edit-cancel")
    def _cancel(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    @on(Button.Pressed, "#edit-save")
    @on(Input.Submitted, "#edit-permission")
    def _save(self, event) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        wait = (self.query_one("#edit-waitlist", Checkbox).value
                if self.wait_list is not None else False)
        number = self.query_one("#edit-permission", Input).value.strip() or None
        self.query_one(ProblemList).clear()
        self._save_now(wait, number)

    @service_worker(group="enrol-edit", exclusive=True, problems="#edit-problems")
    async def _save_now(self, wait_list_ok: bool, permission_number: str | None) -> None:
        try:
            result = await call_service(self, self.save, wait_list_ok, permission_number,
                                        loading=self.query_one("#edit-box"))
        finally:  # refused: back in the field, to correct it (the loading took the focus)
            if self.is_attached:
                self.query_one("#edit-permission", Input).focus()
        self.dismiss(result)
