"""Message centre: the student's uSis messages; unread ones are marked, opening one marks it
read, and a key toggles read/unread."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll

from ..i18n import N_, _, format_datetime, ngettext, pgettext
from ..services.schemas import MessageInfo
from ..widgets.literal import DataTable, Label, Static
from ..widgets.problems import ProblemList
from .base import UsisScreen
from .calls import service_worker

UNREAD_MARK = "●"
#: The stored categories (codes) as shown.
CATEGORIES = {"enrolment": N_("Enrolment"), "drop": N_("Drop"), "waitlist": N_("Waitlist"),
              "petition": N_("Petition"), "minor": N_("Minor"), "exam": N_("Exam"),
              "result": N_("Result"), "info": N_("Info")}


def category_label(category: str) -> str:
    label = CATEGORIES.get(category)
    return _(label) if label else category.capitalize()


def message_row(m: MessageInfo) -> tuple[Text, ...]:
    style = "bold" if not m.read else ""
    status = (f"{UNREAD_MARK} " + pgettext("message status", "Unread") if not m.read
              else "  " + pgettext("message status", "Read"))
    return (Text(status, style=style),
            Text(format_datetime(m.created_at), style=style),
            Text(category_label(m.category), style=style),
            Text(m.subject, style=style))


class MessageCentreScreen(UsisScreen):
    PAGE = "Message centre"
    BINDINGS = [
        Binding("enter", "open_message", N_("Read"), show=True,
                id="messages.open-message"),
        Binding("u", "toggle_read", N_("Mark read/unread"), id="messages.toggle-read"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[MessageInfo] = []
        self.open_id: int | None = None

    def compose_body(self) -> ComposeResult:
        with Vertical(id="page"):
            yield Label(_("Message centre"), classes="page-title")
            yield Static("", id="message-count", classes="muted")
            yield ProblemList(id="message-problems")
            table: DataTable = DataTable(id="message-list", cursor_type="row", zebra_stripes=True)
            # as wide as the longest status and date in this language (8 and 17 in English)
            status = max(len(f"{UNREAD_MARK} " + pgettext("message status", "Unread")),
                         len("  " + pgettext("message status", "Read")), 8)
            when = max(len(format_datetime(datetime(2026, 6, 28, 23, 59))), 17)
            table.add_column(_("Status"), key="status", width=status)
            table.add_column(_("Received"), key="date", width=when)
            table.add_column(_("Category"), key="category", width=10)
            table.add_column(_("Subject"), key="subject")
            yield table
            with VerticalScroll(id="message-reader", classes="block") as reader:
                reader.border_title = _("Message")
                yield Static(_("Select a message and press Enter to read it."),
                             id="message-body", classes="muted")

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    @service_worker(exclusive=True, group="messages", problems="#message-problems")
    async def load(self) -> None:
        from ..services import ServiceError

        student = self.usis_app.student_number
        if student is None:
            return
        table = self.query_one(DataTable)
        try:
            self.messages = await self.call(self.usis_app.usis.student.messages, student,
                                            loading=table)
        except ServiceError as exc:
            if self.is_attached:
                self.query_one(ProblemList).show(exc.problems)
            return
        if not self.is_attached:  # the page was closed while it loaded
            return
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

    def _current(self) -> MessageInfo | None:
        table = self.query_one(DataTable)
        if not self.messages or table.cursor_row < 0 or table.cursor_row >= len(self.messages):
            return None
        return self.messages[table.cursor_row]

    def _replace(self, message: MessageInfo) -> None:
        index = next(i for i, m in enumerate(self.messages) if m.id == message.id)
        self.messages[index] = message
        table = self.query_one(DataTable)
        for column, value in zip(("status", "date", "category", "subject"),
                                 message_row(message), strict=True):
            table.update_cell(str(message.id), column, value)
        self._count()

    async def _set_read(self, message: MessageInfo, read: bool) -> MessageInfo | None:
        from ..services import ServiceError

        try:
            await self.call(self.usis_app.usis.student.mark_read, self.usis_app.student_number,
                            message.id, read=read)
        except ServiceError as exc:
            if self.is_attached:
                self.query_one(ProblemList).show(exc.problems)
            return None
        if not self.is_attached:
            return None
        updated = message.model_copy(update={"read": read})
        self._replace(updated)
        return updated

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_message()

    def action_open_message(self) -> None:
        self.open_message()

    @service_worker(group="message", problems="#message-problems")
    async def open_message(self) -> None:
        message = self._current()
        if message is None:
            return
        if not message.read:
            message = await self._set_read(message, True) or message
        self.open_id = message.id
        body = Text()
        body.append(message.subject + "\n", style="bold")
        body.append(f"{category_label(message.category)} · "
                    f"{format_datetime(message.created_at)}\n\n", style="italic")
        body.append(message.body)
        widget = self.query_one("#message-body", Static)
        widget.remove_class("muted")
        widget.update(body)

    def action_toggle_read(self) -> None:
        self.toggle_read()

    @service_worker(group="message", problems="#message-problems")
    async def toggle_read(self) -> None:
        message = self._current()
        if message is None:
            return
        updated = await self._set_read(message, not message.read)
        if updated is not None:
            marked = (_("Marked \"{subject}\" as read.") if updated.read
                      else _("Marked \"{subject}\" as unread."))
            self.notify(marked.format(subject=updated.subject), timeout=3)
