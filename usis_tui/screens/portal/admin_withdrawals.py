"""Withdrawal reviews (staff role "portal"): the withdrawals the learners asked for, under review,
with what the course's cancellation policy gives back; ``a`` approves (the place is freed, the
refund or credit note recorded), ``r`` rejects (the learner stays enrolled) — each with a note
for the learner, who is told as a message and by e-mail. ``f`` shows the decided ones.

    Main Menu › Portal administration › Withdrawal reviews
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Resize

from ... import i18n
from ...i18n import N_, _, ngettext
from ...theme import PRIMARY
from ...widgets.literal import DataTable, Input, Label, Static
from ...widgets.problems import ProblemList
from ..calls import service_worker
from .admin import PAYER_LABELS, PortalConfirm, PortalStaffScreen, fit, label

if TYPE_CHECKING:
    from ...services.portal.schemas import AdminWithdrawal

NARROW = 110
STATUS_STYLES = {"under_review": f"bold {PRIMARY}", "approved": "bold green",
                 "rejected": "bold red"}
SETTLEMENT_LABELS = {"refund": N_("refund"), "credit_note": N_("credit note"),
                     "none": N_("nothing refunded")}


def refund_text(w: AdminWithdrawal) -> str:
    """"100% · €1,250.00"."""
    return f"{w.withdrawal.refund_percent}% · {i18n.format_money(w.withdrawal.refund_cents)}"


def withdrawal_detail(w: AdminWithdrawal) -> Text:
    """Everything about one request, under the table."""
    from ...services.portal.schemas import WITHDRAWAL_STATUS_LABELS

    r = w.withdrawal
    text = Text()
    text.append(f"{w.offering_code} {w.offering_title}", style="bold")
    text.append(" · " + _("starts {date}").format(date=i18n.format_date(w.starts_on)))
    text.append("\n")
    text.append(w.name, style="bold")
    text.append(f" · {w.email} · " + _("{payer} pays {amount}").format(
        payer=label(PAYER_LABELS, w.payer), amount=i18n.format_money(w.paid_cents)))
    text.append("\n" + _("Requested {when}:").format(
        when=i18n.format_datetime(r.requested_at)) + " ")
    text.append(r.reason, style="italic")
    text.append("\n" + _("Under the cancellation policy: {percent}% back, {amount}.").format(
        percent=r.refund_percent, amount=i18n.format_money(r.refund_cents)))
    if r.status != "under_review":
        text.append("\n")
        text.append(label(WITHDRAWAL_STATUS_LABELS, r.status),
                    style=STATUS_STYLES.get(r.status, ""))
        if r.decided_at is not None:
            text.append(" " + _("{when} by {who}").format(
                when=i18n.format_datetime(r.decided_at), who=r.decided_by or "–"))
        if r.settlement:
            text.append(" · " + label(SETTLEMENT_LABELS, r.settlement))
            if r.settlement_number:
                text.append(f" {r.settlement_number}")
        if r.note:
            text.append(" · " + _("Note: {note}").format(note=r.note))
    return text


class DecisionDialog(PortalConfirm):
    """Approve or reject: the question, what follows, and the note for the learner."""

    def __init__(self, name: str, title: str, question: Any, *, notes: list[Any], yes: str,
                 note_label: str) -> None:
        super().__init__(name, title, question, notes=notes, yes=yes)
        self.refusal = None
        self.note_label = note_label

    def compose_fields(self) -> ComposeResult:
        yield Label(self.note_label, classes="field-label")
        yield Input(id="decision-note", max_length=2000, compact=True,
                    placeholder=_("Note for the learner"))

    def focus_first(self) -> None:
        field = self.query_one("#decision-note", Input)
        if self.app.is_headless:
            field.cursor_blink = False
        field.focus()

    def accept(self) -> str:
        return self.query_one("#decision-note", Input).value


class WithdrawalReviewsScreen(PortalStaffScreen):
    PAGE = "Withdrawal reviews"
    AUTO_FOCUS = "#withdrawals-table"
    BINDINGS: ClassVar = [
        Binding("a", "decide(True)", N_("Approve"),
                tooltip=N_("Approve the highlighted withdrawal: the place is freed, the "
                           "policy's refund recorded"), id="portal_admin_withdrawals.approve"),
        Binding("r", "decide(False)", N_("Reject"),
                tooltip=N_("Reject the highlighted withdrawal: the learner stays enrolled"),
                id="portal_admin_withdrawals.reject"),
        Binding("f", "toggle_decided", N_("Under review / decided"),
                tooltip=N_("Show the decided withdrawals, or those under review"),
                id="portal_admin_withdrawals.filter"),
        Binding("f5", "reload", N_("Refresh"), show=False, id="portal_admin_withdrawals.reload"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.decided = False
        self.rows: list[AdminWithdrawal] = []

    def compose_body(self) -> ComposeResult:
        with Vertical(id="page", classes="portal-admin-page"):
            with Horizontal(classes="title-row"):
                yield Label(_("Withdrawal reviews"), classes="page-title")
                yield Static("", id="withdrawals-count")
            yield ProblemList(id="withdrawals-problems")
            yield Static("", id="portal-admin-result", classes="result")
            yield DataTable(id="withdrawals-table", cursor_type="row", zebra_stripes=True)
            detail = Static("", id="withdrawal-detail")
            detail.border_title = _("Request")
            yield detail

    def on_mount(self) -> None:
        # focused before the first load marks the table loading (a loading widget cannot take
        # the focus, and the Footer would show no keys of the table)
        self.query_one("#withdrawals-table").focus()

    def on_screen_resume(self) -> None:
        self.load()

    def on_resize(self, event: Resize) -> None:
        self._fill()

    def action_reload(self) -> None:
        self.clear_messages()
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "decide":  # only a request under review is decided
            return not self.decided
        return True

    def action_toggle_decided(self) -> None:
        self.decided = not self.decided
        self.refresh_bindings()
        self.clear_messages()
        self.query_one("#withdrawals-table", DataTable).move_cursor(row=0)
        self.load()

    @service_worker(exclusive=True, group="withdrawals", problems="#withdrawals-problems")
    async def load(self) -> None:
        table = self.query_one("#withdrawals-table", DataTable)
        rows = await self.read(self.usis_app.usis.portal_admin.withdrawals,
                               None if self.decided else "under_review", loading=table)
        if rows is None:
            return
        if self.decided:  # the newest decision first
            rows = sorted((w for w in rows if w.withdrawal.status != "under_review"),
                          key=lambda w: (w.withdrawal.decided_at or w.withdrawal.requested_at,
                                         w.withdrawal.id), reverse=True)
        self.rows = rows
        self._fill()

    def _fill(self) -> None:
        from ...services.portal.schemas import WITHDRAWAL_STATUS_LABELS

        table = self.query_one("#withdrawals-table", DataTable)
        row = table.cursor_row
        narrow = self.size.width < NARROW
        refunds = [refund_text(w) for w in self.rows]
        starts = [i18n.format_date(w.starts_on, year=not narrow) for w in self.rows]
        statuses = [Text(label(WITHDRAWAL_STATUS_LABELS, w.withdrawal.status),
                         style=STATUS_STYLES.get(w.withdrawal.status, "")) for w in self.rows]
        fixed: list[tuple[str, str, int]] = [
            ("course", _("Course"), max([6] + [len(w.offering_code) for w in self.rows])),
            ("start", _("Start"), max([5] + [len(s) for s in starts])),
        ]
        tail: list[tuple[str, str, int]] = [
            ("refund", _("Refund"), max([6] + [len(r) for r in refunds])),
        ]
        if self.decided:
            tail.append(("status", _("Status"), max([6] + [s.cell_len for s in statuses])))
        if not narrow:
            tail.insert(0, ("payer", _("Payer"), max(8, *(len(_(v)) for v in
                                                         PAYER_LABELS.values()))))
        fixed, tail = fit(fixed), fit(tail)
        room = self.size.width - 4 - 2 - sum(w + 2 for _k, _l, w in fixed + tail) - 2
        if narrow:
            middle = [("person", _("Person"), max(10, room - 2))]
        else:
            person_w = max(12, min(22, room // 3))
            middle = [("person", _("Person"), person_w),
                      ("reason", _("Reason"), max(10, room - person_w - 4))]
        table.clear(columns=True)
        for key, heading, width in [*fixed, *middle, *tail]:
            table.add_column(heading, key=key, width=width)
        for w, start, refund, status in zip(self.rows, starts, refunds, statuses, strict=True):
            cells: list[Any] = [w.offering_code, start, w.name]
            if not narrow:
                cells += [w.withdrawal.reason, label(PAYER_LABELS, w.payer)]
            cells.append(refund)
            if self.decided:
                cells.append(status)
            table.add_row(*cells, key=str(w.withdrawal.id))
        if self.rows:
            table.move_cursor(row=min(max(row, 0), len(self.rows) - 1))
        n = len(self.rows)
        count = (ngettext("{n} decided", "{n} decided", n) if self.decided else
                 ngettext("{n} under review", "{n} under review", n)).format(n=n)
        self.query_one("#withdrawals-count", Static).update(Text(
            count + "  " + (_("(f: under review)") if self.decided else _("(f: decided)")),
            style="dim"))
        self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one("#withdrawal-detail", Static)
        w = self.selected
        if w is not None:
            detail.update(withdrawal_detail(w))
        else:
            detail.update(Text(_("No withdrawals have been decided yet.") if self.decided else
                               _("No withdrawals are waiting for a review."), style="italic"))

    @on(DataTable.RowHighlighted, "#withdrawals-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    @property
    def selected(self) -> AdminWithdrawal | None:
        table = self.query_one("#withdrawals-table", DataTable)
        if self.rows and 0 <= table.cursor_row < len(self.rows):
            return self.rows[table.cursor_row]
        return None

    # ------------------------------------------------------------------ deciding
    def action_decide(self, approve: bool) -> None:
        w = self.selected
        if w is None:
            self.problem(_("There is no withdrawal to review."),
                         _("The list shows the decided ones: press f for those under review.")
                         if self.decided else "")
            return
        if w.withdrawal.status != "under_review":
            self.problem(_("This withdrawal has been reviewed already."),
                         _("Press f for the withdrawals under review."))
            return
        r = w.withdrawal
        fields = {"name": w.name, "code": w.offering_code, "title": w.offering_title}
        if approve:
            question = _("Approve the withdrawal of {name} from {code} {title}?").format(
                **fields)
            notes = [_("Under the cancellation policy {name} gets {percent}% back: {amount} "
                       "(a credit note when the employer pays). The place is freed, and "
                       "{name} is told as a message and by e-mail.").format(
                name=w.name, percent=r.refund_percent,
                amount=i18n.format_money(r.refund_cents))]
            note_label = _("Note for {name} (optional)").format(name=w.name)
        else:
            question = _("Reject the withdrawal of {name} from {code} {title}?").format(
                **fields)
            notes = [_("{name} stays enrolled and is told as a message and by e-mail, with "
                       "your note.").format(name=w.name)]
            note_label = _("Why it is rejected (required)")
        withdrawal_id = r.id

        def answered(note: str | None) -> None:
            if note is not None:
                self._decide(withdrawal_id, approve, note)

        self.app.push_screen(DecisionDialog(
            "confirm-decide-withdrawal", _("Approve withdrawal") if approve
            else _("Reject withdrawal"), question, notes=notes,
            yes=_("Approve") if approve else _("Reject"), note_label=note_label), answered)

    @service_worker(exclusive=True, group="withdrawals-act", problems="#withdrawals-problems")
    async def _decide(self, withdrawal_id: int, approve: bool, note: str) -> None:
        self.clear_messages()
        done = await self.fetch(self.usis_app.usis.portal_admin.decide_withdrawal,
                                withdrawal_id, approve, note, actor=self.staff)
        if done is not None:
            r = done.withdrawal
            amount = i18n.format_money(r.refund_cents)
            if r.status == "rejected":
                message = _("Withdrawal rejected: {name} stays enrolled in {code}.")
            elif r.settlement == "refund":
                message = _("Withdrawal approved: {name}, {code}; {amount} refunded "
                            "({number}).")
            elif r.settlement == "credit_note":
                message = _("Withdrawal approved: {name}, {code}; credit note {number} for "
                            "{amount}.")
            else:
                message = _("Withdrawal approved: {name}, {code}; nothing refunded under the "
                            "policy.")
            self.say(message.format(name=done.name, code=done.offering_code, amount=amount,
                                    number=r.settlement_number or "–"))
        self.load()


__all__ = ["DecisionDialog", "WithdrawalReviewsScreen"]
