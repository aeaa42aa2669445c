"""My Records: the account's certificates and proofs of attendance, each with its verification
code; Enter (or ``d``) downloads the PDF through Textual's delivery (the downloads folder, or
the browser under ``usis serve``)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Resize

from ...i18n import N_, _, format_date, ngettext
from ...services.portal.schemas import RECORD_KIND_LABELS, RecordInfo
from ...widgets.columns import Column, fit_columns
from ...widgets.literal import DataTable, Label, Static, literal
from ...widgets.problems import ProblemList
from ..calls import service_worker
from .base import NARROW, PortalScreen
from .common import dates_text


class MyRecordsScreen(PortalScreen):
    PAGE = N_("My Records")
    AUTO_FOCUS = "#records-table"
    BINDINGS = [
        Binding("enter,d", "download", N_("Download"),
                tooltip=N_("The certificate or proof of attendance as a PDF file"),
                id="portal_records.download"),
        Binding("v", "app.navigate('Verify a certificate')", N_("Verify a certificate"),
                tooltip=N_("Check a certificate's verification code"),
                id="portal_records.verify"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.records: list[RecordInfo] = []
        self.last_download: str | None = None  # the file name of the last download started

    def compose_body(self) -> ComposeResult:
        with Vertical(id="page"):
            yield Label(_("My Records"), classes="page-title")
            yield Static(_("When you successfully complete a course, you receive a certificate; "
                           "for some courses a proof of attendance. Anyone can check one with "
                           "its verification code under Verify a certificate."),
                         classes="intro")
            yield ProblemList(id="records-problems")
            yield DataTable(id="records-table", cursor_type="row", zebra_stripes=True)
            with Vertical(id="records-detail", classes="block") as block:
                block.border_title = literal(_("Record"))
                yield Static(_("Loading…"), id="records-detail-text")

    def on_mount(self) -> None:
        self.load()

    @service_worker(group="records", exclusive=True, problems="#records-problems")
    async def load(self) -> None:
        if self.account_id is None:
            return
        # (no loading indicator: it takes the focus from the table, and the list is quick)
        found = await self.fetch(self.facade.portal.records, self.account_id)
        if found is None:
            return
        self.records = found
        self._fill()

    def _fill(self) -> None:
        table = self.query_one("#records-table", DataTable)
        narrow = self.size.width < NARROW
        kind = max(len(_(label)) for label in RECORD_KIND_LABELS.values())
        columns: list[Column] = [(_("Document"), "kind", kind), (_("Course"), "title", None)]
        if not narrow:
            columns += [(_("Dates"), "dates", 20), (_("Issued"), "issued", 12)]
        columns.append((_("Verification code"), "code", 18))
        fit_columns(table, columns, self.size.width - 6)
        for r in self.records:
            cells = [_(RECORD_KIND_LABELS[r.kind]), Text(r.title, style="bold")]
            if not narrow:
                cells += [dates_text(r.starts_on, r.ends_on), format_date(r.issued_at)]
            cells.append(r.code)
            table.add_row(*cells, key=r.code)
        self.query_one("#records-detail").border_subtitle = literal(ngettext(
            "{count} document", "{count} documents", len(self.records)).format(
            count=len(self.records)))
        self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one("#records-detail-text", Static)
        r = self._current()
        if r is None:
            detail.update(Text(_("You have no certificates or proofs of attendance yet."),
                               style="italic"))
            return
        text = Text()
        text.append(_(RECORD_KIND_LABELS[r.kind]) + ": ", style="bold")
        text.append(r.title, style="bold")
        text.append("\n" + _("{dates} · issued {date} · verification code {code}").format(
            dates=dates_text(r.starts_on, r.ends_on), date=format_date(r.issued_at),
            code=r.code) + "\n")
        text.append(_("Press Enter or d to download it as a PDF."), style="italic")
        detail.update(text)

    @on(DataTable.RowHighlighted, "#records-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    def on_resize(self, event: Resize) -> None:
        if self.records:
            self._fill()

    def _current(self) -> RecordInfo | None:
        table = self.query_one("#records-table", DataTable)
        if not self.records or not 0 <= table.cursor_row < len(self.records):
            return None
        return self.records[table.cursor_row]

    @on(DataTable.RowSelected, "#records-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_download()

    def action_download(self) -> None:
        record = self._current()
        if record is not None:
            self.download(record.code)

    @service_worker(group="download", problems="#records-problems")
    async def download(self, code: str) -> None:
        from ..delivery import deliver_bytes

        found = await self.fetch(self.facade.portal.record_pdf, self.account_id, code)
        if found is None:
            return
        name, data = found
        self.last_download = name
        deliver_bytes(self.app, data, name, mime_type="application/pdf",
                      what=N_("Your certificate"))


__all__ = ["MyRecordsScreen"]
