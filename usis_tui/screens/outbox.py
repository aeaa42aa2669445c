"""Outbox (the trainer): every e-mail the Course Portal sent, newest first — to, subject, when it
was written and sent — and the text of the highlighted one, where the trainer reads a new
account's confirmation code. Each mail is also kept as an ``.eml`` file in the outbox folder
(``mail_outbox``; services/notify.py), whose path the page shows.

    Main Menu › Outbox
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize

from .. import i18n
from ..i18n import N_, _, ngettext
from ..widgets.literal import DataTable, Label, Static, literal
from ..widgets.problems import ProblemList
from .base import UsisScreen
from .calls import service_worker

if TYPE_CHECKING:
    from ..services.notify import MailInfo

NARROW = 110


def sent_text(mail: MailInfo) -> Text:
    if mail.sent_at is not None:
        return Text(i18n.format_datetime(mail.sent_at))
    if mail.last_error:
        return Text(_("Not sent"), style="bold red")
    return Text(_("Queued"), style="dim")


def mail_text(mail: MailInfo) -> Text:
    """The highlighted mail: its header lines, then its text."""
    text = Text()
    text.append(_("To") + ": ", style="bold")
    text.append(mail.to + "\n")
    text.append(_("Subject") + ": ", style="bold")
    text.append(mail.subject + "\n")
    text.append(_("Written") + ": ", style="bold")
    text.append(i18n.format_datetime(mail.created_at))
    if mail.sent_at is not None:
        text.append("  " + _("Sent") + ": ", style="bold")
        text.append(i18n.format_datetime(mail.sent_at))
    if mail.last_error:
        text.append("\n" + ngettext("Not sent after {n} attempt: {error}",
                                    "Not sent after {n} attempts: {error}",
                                    mail.attempts).format(n=mail.attempts,
                                                          error=mail.last_error),
                    style="bold red")
    text.append("\n\n")
    text.append(mail.body)
    return text


class OutboxScreen(UsisScreen):
    PAGE = "Outbox"
    CSS_PATH = "../styles/portal_admin.tcss"
    AUTO_FOCUS = "#outbox-table"
    BINDINGS: ClassVar = [
        Binding("r", "reload", N_("Refresh"), tooltip=N_("Show the mails sent meanwhile"),
                id="outbox.reload"),
        Binding("s", "send", N_("Send queued mail"),
                tooltip=N_("Send the mails still waiting (a mail server that was down)"),
                id="outbox.send"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mails: list[MailInfo] = []

    def compose_body(self) -> ComposeResult:
        with Vertical(id="page", classes="portal-admin-page outbox-page"):
            with Horizontal(classes="title-row"):
                yield Label(_("Outbox"), classes="page-title")
                yield Static("", id="outbox-count")
            yield Static("", id="outbox-folder")
            yield ProblemList(id="outbox-problems")
            yield DataTable(id="outbox-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="outbox-body") as body:
                body.border_title = _("E-mail")
                yield Static("", id="outbox-text")

    def on_mount(self) -> None:
        # focused before the first load marks the table loading (a loading widget cannot take
        # the focus, and the Footer would show no keys of the table)
        self.query_one("#outbox-table").focus()

    def on_screen_resume(self) -> None:
        self.load()

    def on_resize(self, event: Resize) -> None:
        if self.mails:
            self._fill()

    def action_reload(self) -> None:
        self.load()

    @service_worker(exclusive=True, group="outbox", problems="#outbox-problems")
    async def load(self) -> None:
        from ..services.notify import outbox_folder

        table = self.query_one("#outbox-table", DataTable)
        mails = await self.fetch(self.usis_app.usis.mail.outbox, loading=table)
        if mails is None:
            return
        folder = await self.call(outbox_folder)
        before, _sep, after = _("Every e-mail is also kept as an .eml file in "
                                "{folder}.").partition("{folder}")
        self.query_one("#outbox-folder", Static).update(Text.assemble(
            before, (str(folder), "bold"), after))
        self.mails = mails
        self._fill()

    @service_worker(exclusive=True, group="outbox-send", problems="#outbox-problems")
    async def action_send(self) -> None:
        sent = await self.fetch(self.usis_app.usis.mail.flush)
        if sent is not None:
            self.notify(ngettext("{n} mail sent.", "{n} mails sent.", sent).format(n=sent),
                        timeout=4)
        self.load()

    def _fill(self) -> None:
        table = self.query_one("#outbox-table", DataTable)
        row = table.cursor_row
        narrow = self.size.width < NARROW
        written = [i18n.format_datetime(m.created_at) for m in self.mails]
        sent = [sent_text(m) for m in self.mails]
        date_w = max([7] + [len(w) for w in written])
        fixed = date_w + 2 + (0 if narrow else max([4] + [s.cell_len for s in sent]) + 2)
        room = self.size.width - 4 - 2 - fixed - 4
        to_w = max(12, min(32, room * 2 // 5))
        table.clear(columns=True)
        table.add_column(_("To"), key="to", width=to_w)
        table.add_column(_("Subject"), key="subject", width=max(12, room - to_w))
        table.add_column(_("Written"), key="written", width=date_w)
        if not narrow:
            table.add_column(_("Sent"), key="sent", width=max([4] + [s.cell_len
                                                                   for s in sent]))
        for m, when, done in zip(self.mails, written, sent, strict=True):
            cells: list[Any] = [m.to, m.subject, when]
            if not narrow:
                cells.append(done)
            table.add_row(*cells, key=str(m.id))
        if self.mails:
            table.move_cursor(row=min(max(row, 0), len(self.mails) - 1))
        n = len(self.mails)
        self.query_one("#outbox-count", Static).update(Text(
            ngettext("{n} e-mail, newest first", "{n} e-mails, newest first", n).format(n=n)
            if n else _("No e-mails sent yet"), style="dim"))
        self._show_mail()

    def _show_mail(self) -> None:
        table = self.query_one("#outbox-table", DataTable)
        text = self.query_one("#outbox-text", Static)
        body = self.query_one("#outbox-body", VerticalScroll)
        if self.mails and 0 <= table.cursor_row < len(self.mails):
            mail = self.mails[table.cursor_row]
            text.update(mail_text(mail))
            body.border_title = literal(mail.subject)
        else:
            text.update(Text(_("The e-mails the Course Portal sends (confirmation codes, "
                               "enrolment confirmations, reminders, reviews) appear here."),
                             style="italic"))
            body.border_title = _("E-mail")
        body.scroll_home(animate=False)

    @on(DataTable.RowHighlighted, "#outbox-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_mail()


__all__ = ["OutboxScreen"]
