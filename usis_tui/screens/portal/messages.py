"""Portal messages: the Course Portal account's messages (enrolment confirmations, reminders,
payments, invoices, withdrawal reviews, certificates), as the uSis Message centre shows a
student's (screens/messages.py: the same table, marks and reader); opening one marks it read."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll

from ...i18n import N_, _, format_datetime, ngettext, pgettext
from ...services.portal.schemas import PortalMessageInfo
from ...widgets.literal import DataTable, Label, Static
from ...widgets.problems import ProblemList
from ..calls import service_worker
from ..messages import UNREAD_MARK
from .base import PortalScreen

#: the stored categories (services/portal: ``tell``) as shown
CATEGORIES = {"confirmation": N_("Confirmation"), "payment": N_("Payment"),
              "invoice": N_("Invoice"), "reminder": N_("Reminder"),
              "withdrawal": N_("Withdrawal"), "record": N_("Certificate")}


def category_label(category: str) -> str:
    label = CATEGORIES.get(category)
    return _(label) if label else category.capitalize()


def message_row(m: PortalMessageInfo) -> tuple[Text, ...]:
    style = "bold" if not m.read else ""
    status = (f"{UNREAD_MARK} " + pgettext("message status", "Unread") if not m.read
              else "  " + pgettext("message status", "Read"))
    return (Text(status, style=style), Text(format_datetime(m.created_at), style=style),
            Text(category_label(m.category), style=style), Text(m.subject, style=style))


class PortalMessagesScreen(PortalScreen):
    PAGE = N_("Portal messages")
    AUTO_FOCUS = "#message-list"
    BINDINGS = [
        Binding("enter", "open_message", N_("Read"), tooltip=N_("Read the selected message"),
                id="portal_messages.open-message"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[PortalMessageInfo] = []
        self.open_id: int | None = None

    def compose_body(self) -> ComposeResult:
        with Vertical(id="page"):
            yield Label(_("Portal messages"), classes="page-title")
            yield Static("", id="message-count", classes="muted")
            yield ProblemList(id="message-problems")
            table: DataTable = DataTable(id="message-list", cursor_type="row", zebra_stripes=True)
            status = max(len(f"{UNREAD_MARK} " + pgettext("message status", "Unread")),
                         len("  " + pgettext("message status", "Read")), 8)
            when = max(len(format_datetime(datetime(2026, 6, 28, 23, 59))), 17)
            category = max(len(_(label)) for label in CATEGORIES.values())
            table.add_column(_("Status"), key="status", width=status)
            table.add_column(_("Received"), key="date", width=when)
            table.add_column(_("Category"), key="category", width=category)
            table.add_column(_("Subject"), key="subject")
            yield table
            with VerticalScroll(id="message-reader", classes="block") as reader:
                reader.border_title = _("Message")
                yield Static(_("Select a message and press Enter to read it."),
                             id="message-body", classes="muted")

    def on_mount(self) -> None:
        self.load()

    @service_worker(exclusive=True, group="messages", problems="#message-problems")
    async def load(self) -> None:
        if self.account_id is None:
            return
        table = self.query_one(DataTable)
        # (no loading indicator: it takes the focus from the table, and the list is quick)
        found = await self.fetch(self.facade.portal.messages, self.account_id)
        if found is None:
            return
        self.messages = found
        row = table.cursor_row
        table.clear()
        for m in self.messages:
            table.add_row(*message_row(m), key=str(m.id))
        if self.messages:
            table.move_cursor(row=min(max(row, 0), len(self.messages) - 1))
        self._count()

    def _count(self) -> None:
        unread = sum(not m.read for m in self.messages)
        total = len(self.messages)
        if not total:
            text = _("You have no messages.")
        else:
            text = ngettext("{total} message, {unread} unread ({mark} marks an unread message)",
                            "{total} messages, {unread} unread ({mark} marks an unread message)",
                            total).format(total=total, unread=unread, mark=UNREAD_MARK)
        self.query_one("#message-count", Static).update(text)

    def _current(self) -> PortalMessageInfo | None:
        table = self.query_one(DataTable)
        if not self.messages or not 0 <= table.cursor_row < len(self.messages):
            return None
        return self.messages[table.cursor_row]

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_message()

    def action_open_message(self) -> None:
        self.open_message()

    @service_worker(group="message", problems="#message-problems")
    async def open_message(self) -> None:
        from ...errors import ServiceError

        message = self._current()
        if message is None:
            return
        if not message.read:
            try:
                await self.call(self.facade.portal.mark_read, self.account_id, message.id)
            except ServiceError as exc:
                if self.is_attached:
                    self.query_one(ProblemList).show(exc.problems)
                return
            if not self.is_attached:
                return
            message = message.model_copy(update={"read": True})
            index = next(i for i, m in enumerate(self.messages) if m.id == message.id)
            self.messages[index] = message
            table = self.query_one(DataTable)
            for column, value in zip(("status", "date", "category", "subject"),
                                     message_row(message), strict=True):
                table.update_cell(str(message.id), column, value)
            self._count()
        self.open_id = message.id
        body = Text()
        body.append(message.subject + "\n", style="bold")
        body.append(f"{category_label(message.category)} · "
                    f"{format_datetime(message.created_at)}\n\n", style="italic")
        body.append(message.body)
        widget = self.query_one("#message-body", Static)
        widget.remove_class("muted")
        widget.update(body)


__all__ = ["PortalMessagesScreen", "message_row"]
