"""The Footer of every uSis page: Textual's, without the work that changes nothing on screen.

Textual's Footer rebuilds all its keys whenever the focused widget changes (the active bindings
may have changed), and each new key restyles itself twice while it mounts (``FooterKey.compact``
starts True and the data binding then sets the Footer's False). On a page with a dozen keys that
was a sixth of the time to open it. This Footer

- rebuilds only when what it shows changed (keys, descriptions, enabled, tooltips), and
- gives each new key the Footer's ``compact`` before it mounts, so it is styled once.

It looks and behaves exactly like Textual's (the snapshots are the proof), in the current
language: each key's description and tooltip go through the catalogue (bindings mark them with
``N_()``; Textual's own "palette" is in it too).
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # not exported by textual.widgets

from ..i18n import N_, _, get_language
from .literal import literal

N_("palette")  # the command palette's key (Textual's description)


class UsisFooter(Footer):
    _shown: tuple[Any, ...] | None = None

    def _signature(self) -> tuple[Any, ...]:
        """What the keys show: compared before rebuilding them."""
        return (get_language(), self.compact, self.show_command_palette,
                self.combine_groups) + tuple(
            (binding.key, binding.action, binding.description, binding.group, binding.show,
             self.app.get_key_display(binding), enabled, tooltip)
            for _node, binding, enabled, tooltip in self.screen.active_bindings.values())

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._shown = self._signature()
        for widget in super().compose():
            # the keys of the bindings follow the Footer's compactness; the command palette's
            # key keeps its own
            if isinstance(widget, FooterKey):
                widget.description = _(widget.description)
                if isinstance(widget.tooltip, str) and widget.tooltip:
                    widget.tooltip = literal(_(widget.tooltip))
                if not widget.has_class("-command-palette"):
                    widget.set_reactive(FooterKey.compact, self.compact)
            yield widget

    async def recompose(self) -> None:
        if self.is_attached and self._shown is not None and self._signature() == self._shown:
            return
        await super().recompose()
