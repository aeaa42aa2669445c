"""A short coloured status word: Open / Wait List / Closed, or an enrolment period's state."""

from __future__ import annotations

from rich.text import Text

from ..i18n import N_, _
from ..theme import BAD, GOOD, MUTED, SECONDARY, WARN
from .literal import Static

STYLES = {
    "Open": f"bold {GOOD}",
    "Wait List": f"bold {WARN}",
    "Closed": f"bold {BAD}",
    "open": f"bold {GOOD}",
    "not_yet_open": f"bold {SECONDARY}",
    "closed": MUTED,
}
#: the shown words (the keys, a class's status and a period's state, stay English)
LABELS = {"Open": N_("Open"), "Wait List": N_("Wait List"), "Closed": N_("Closed"),
          "open": N_("Open"), "not_yet_open": N_("Not yet open"), "closed": N_("Closed")}
MARKS = {"Open": "●", "Wait List": "▲", "Closed": "■", "open": "●", "not_yet_open": "○",
         "closed": "■"}


def status_text(status: str) -> Text:
    """``●  Open`` in green, ``▲ Wait List`` in amber, ``■ Closed`` in red (a mark, not colour
    only)."""
    label = _(LABELS[status]) if status in LABELS else status
    return Text(f"{MARKS.get(status, '•')} {label}", style=STYLES.get(status, "bold"))


class StatusBadge(Static):
    DEFAULT_CSS = "StatusBadge { width: auto; height: 1; }"

    def __init__(self, status: str, **kwargs) -> None:
        super().__init__(status_text(status), **kwargs)
        self.status = status

    def set_status(self, status: str) -> None:
        self.status = status
        self.update(status_text(status))
