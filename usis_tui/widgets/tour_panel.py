"""The guided tour's panel: on every page while a tour runs (UsisApp mounts one into each
screen as it becomes active), above the footer.

    Tour: Option 1: Enrol by entering the class number · Step 5 of 9
    Enter the class number of the study activity as shown in MyTimetable: 1052, then Continue.
    ! This step is on Enrol: press Ctrl+P and type Enrol.
    [F6 Show me] [F7 Next] [F8 Back] [F9 Skip] [F10 Stop]

It only shows what the tour guide (tours/guide.py) says; its buttons run the app's tour
actions, as the keys do. Styles: styles/tour.tcss.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from ..i18n import N_, _
from .literal import Button, Static

if TYPE_CHECKING:
    from ..tours.guide import TourGuide

#: (button id, label, the app's action); the keys are the app's bindings tour.*
BUTTONS = (("tour-show-me", N_("Show me"), "tour_show_me"),
           ("tour-next", N_("Next"), "tour_next"),
           ("tour-back", N_("Back"), "tour_back"),
           ("tour-skip", N_("Skip"), "tour_skip"),
           ("tour-stop", N_("Stop"), "tour_stop"))


class TourPanel(Vertical):
    """What the running tour says: its title and step, the instruction, a hint, the keys."""

    def __init__(self) -> None:
        super().__init__(classes="tour-panel")
        self._shown: tuple | None = None  # what the panel shows now (sync changes only that)

    def compose(self) -> ComposeResult:
        yield Static("", id="tour-heading", oneline=True)
        yield Static("", id="tour-instruction")
        yield Static("", id="tour-hint")
        with Horizontal(id="tour-buttons"):
            for button_id, label, _action in BUTTONS:
                yield Button(_(label), id=button_id, compact=True)

    def on_mount(self) -> None:
        self.sync()

    def _key(self, action: str) -> str:
        """The key of the app's binding for ``action`` as shown ("F6")."""
        for bindings in self.app._bindings.key_to_bindings.values():
            for binding in bindings:
                if binding.action == action:
                    shown = self.app.get_key_display(binding)
                    return shown.upper() if len(shown) <= 3 else shown  # "F6"
        return ""

    def sync(self) -> None:
        """Show what the app's tour guide says now (nothing: the tour has ended)."""
        guide: TourGuide | None = getattr(self.app, "tour_guide", None)
        if guide is None or not self.query("#tour-stop"):
            return  # the tour has ended, or the panel is not composed yet
        progress = guide.progress()
        heading = _("Tour: {title} · Step {number} of {total}").format(
            title=guide.tour.shown_title(), number=min(progress.number, progress.total),
            total=progress.total)
        step = guide.step
        if progress.finished:
            heading = _("Tour: {title} · finished").format(title=guide.tour.shown_title())
            instruction = _("Tour finished. Press Stop to close the tour, or Back to see the "
                            "last step again.")
        elif guide.showing:
            instruction = _("Showing you: {instruction}").format(
                instruction=step.instruction() if step else "")
        else:
            instruction = step.instruction() if step is not None else ""
        note = step is not None and step.is_note
        shown = (heading, instruction, progress.hint, note, guide.index, progress.finished,
                 guide.showing, tuple(self._key(action) for _i, _l, action in BUTTONS))
        if shown == self._shown:
            return  # the guide looks four times a second: nothing to draw again
        self._shown = shown
        self.query_one("#tour-heading", Static).update(heading)
        self.query_one("#tour-instruction", Static).update(instruction)
        hint = self.query_one("#tour-hint", Static)
        hint.update(f"! {progress.hint}" if progress.hint else "")
        hint.display = bool(progress.hint)
        for button_id, label, action in BUTTONS:
            button = self.query_one(f"#{button_id}", Button)
            key = self._key(action)
            button.label = f"{key} {_(label)}" if key else _(label)
            button.disabled = ((action == "tour_next" and not note)
                               or (action == "tour_back" and guide.index == 0
                                   and not progress.finished)
                               or (action in ("tour_show_me", "tour_skip", "tour_next")
                                   and (progress.finished or guide.showing)))
        self.set_class(bool(progress.hint), "-hint")

    @on(Button.Pressed)
    async def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        for button_id, _label, action in BUTTONS:
            if event.button.id == button_id:
                await self.app.run_action(action)
