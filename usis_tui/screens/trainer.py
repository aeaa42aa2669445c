"""The trainer's tools: reset the demo database (with confirmation) and set or move the frozen
clock. Both are modal dialogs opened from the Main Menu (r, k) or the command palette."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen

from ..i18n import N_, _, format_datetime
from ..widgets.confirm import ConfirmDialog
from ..widgets.footer import UsisFooter
from ..widgets.literal import Button, Input, Label, Static
from ..widgets.problems import ProblemList

STEPS = {"clock-minus-day": timedelta(days=-1), "clock-minus-hour": timedelta(hours=-1),
         "clock-plus-hour": timedelta(hours=1), "clock-plus-day": timedelta(days=1)}


def describe_database(url: str) -> str:
    """A SQLite file by its name, any other database by its URL without the password."""
    try:
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - shown as given
        return url
    if parsed.get_backend_name() == "sqlite":
        name = Path(parsed.database).name if parsed.database not in (None, "", ":memory:") else ""
        return f"{name} (SQLite)" if name else _("in memory (SQLite)")
    return parsed.render_as_string(hide_password=True)


class ConfirmResetScreen(ConfirmDialog[bool]):
    """ "Reset the demo database?" Reset / Cancel; Escape = Cancel."""

    BINDINGS: ClassVar = [
        Binding("y", "answer(True)", N_("Reset"), id="confirm.yes",
                tooltip=N_("Delete everything, write the demo data")),
        Binding("escape,n", "answer(False)", N_("Cancel"), id="confirm.no",
                tooltip=N_("Keep the database as it is")),
    ]

    def __init__(self, database_url: str) -> None:
        super().__init__(
            "confirm-reset", _("Reset demo database"),
            _("Every enrolment, shopping cart, petition, message and audit entry is deleted, "
              "and the demo catalogue and accounts are written again at the app's clock. This "
              "cannot be undone."),
            notes=[_("Database: {database}").format(database=describe_database(database_url))],
            yes=_("Reset"), no=_("Cancel"), prefix="reset")
        self.database_url = database_url


class ClockScreen(ModalScreen[datetime | None]):
    """Type an ISO date-time or step it by an hour or a day, then "Set clock"."""

    BINDINGS: ClassVar = [
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Leave the clock as it is"),
                id="trainer.cancel"),
        Binding("ctrl+s", "apply", N_("Set clock"), tooltip=N_("Freeze the clock at this moment"),
                priority=True, id="trainer.apply"),
    ]

    def __init__(self, now: datetime) -> None:
        super().__init__(id="clock-dialog")
        self.moment = now.replace(second=0, microsecond=0)

    def compose(self) -> ComposeResult:
        with Vertical(id="clock-box", classes="dialog-box"):
            yield Label(_("Set the clock"), classes="dialog-title")
            yield Static(_("The app's clock is now {moment}. Every page uses it: enrolment "
                           "periods, the timetable's today, the audit trail.").format(
                moment=format_datetime(self.moment, weekday=True)),
                classes="hint", markup=False)
            yield Label(_("Date and time (ISO, e.g. 2026-11-23T09:30)"), classes="field-label")
            yield Input(self.moment.isoformat(timespec="minutes"), id="clock-value")
            with Horizontal(classes="button-row"):
                yield Button(_("−1 day"), id="clock-minus-day", compact=True)
                yield Button(_("−1 hour"), id="clock-minus-hour", compact=True)
                yield Button(_("+1 hour"), id="clock-plus-hour", compact=True)
                yield Button(_("+1 day"), id="clock-plus-day", compact=True)
            yield ProblemList(id="clock-problems")
            with Horizontal(classes="button-row"):
                yield Button(_("Set clock"), id="clock-set", variant="primary", compact=True)
                yield Button(_("Cancel"), id="clock-cancel", compact=True)
        yield UsisFooter()

    def on_mount(self) -> None:
        field = self.query_one("#clock-value", Input)
        if self.app.is_headless:
            field.cursor_blink = False
        field.focus()

    def _value(self) -> datetime | None:
        from ..clock import parse_now
        from ..errors import ConfigError
        from ..services import Problem

        problems = self.query_one("#clock-problems", ProblemList)
        try:
            moment = parse_now(self.query_one("#clock-value", Input).value)
        except ConfigError as exc:
            problems.show([Problem(code="bad_moment", message=str(exc),
                                   hint=_("Type a date (2026-11-23) or a date-time "
                                          "(2026-11-23T09:30)."))])
            return None
        problems.clear()
        return moment

    @on(Button.Pressed)
    def _step(self, event: Button.Pressed) -> None:
        step = STEPS.get(event.button.id or "")
        if step is None:
            return
        moment = self._value()
        if moment is not None:
            from ..clock import shift
            from ..errors import ConfigError
            from ..services import Problem

            try:
                moment = shift(moment, step)  # ConfigError past 1900-2200, not OverflowError
            except ConfigError as exc:
                self.query_one("#clock-problems", ProblemList).show(
                    [Problem(code="bad_moment", message=str(exc))])
                return
            self.query_one("#clock-value", Input).value = moment.isoformat(timespec="minutes")

    @on(Input.Submitted, "#clock-value")
    @on(Button.Pressed, "#clock-set")
    def action_apply(self) -> None:
        moment = self._value()
        if moment is not None:
            self.dismiss(moment)

    @on(Button.Pressed, "#clock-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
