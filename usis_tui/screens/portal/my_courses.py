"""My courses: the account's enrolments (course, dates, status, payment). Select one → "Manage
Course" (the course page): "Withdraw" at its top right → the reason, with what the cancellation
policy gives back shown before "Complete" → the confirmation (the request goes to the
administration for review). A self-paid enrolment waiting for payment: continue paying or stop
paying. An employer's: "Download invoice". From the last day of the course: "Evaluation" → five
statements on a five-point scale and a comment → "Submit", once."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.widgets import ContentSwitcher

from ...i18n import N_, _, format_datetime, format_money, ngettext
from ...services.portal.schemas import (
    ENROLMENT_STATUS_LABELS,
    WITHDRAWAL_STATUS_LABELS,
    EnrolmentInfo,
    EvaluationForm,
    WithdrawalQuote,
)
from ...theme import PRIMARY
from ...widgets.columns import Column, fit_columns
from ...widgets.confirm import ConfirmDialog
from ...widgets.literal import Button, DataTable, Label, Select, Static, TextArea, literal
from ...widgets.problems import ProblemList
from ..calls import service_worker
from .base import NARROW, PortalScreen
from .common import (
    FINAL_NOTE,
    STATUS_STYLES,
    dates_text,
    enrolment_rows,
    facts,
    field_row,
    hold_text,
    payment_text,
    policy_lines,
    status_text,
)

MY_COURSES = N_("My courses")


def table_status(e: EnrolmentInfo) -> Text:
    """My courses' Status column: a withdrawal under review says so instead."""
    if e.withdrawal is not None and e.withdrawal.status == "under_review" \
            and e.status != "withdrawn":
        return Text(_("Withdrawal: {status}").format(
            status=_(WITHDRAWAL_STATUS_LABELS["under_review"])), style=f"italic {PRIMARY}")
    return Text(_(ENROLMENT_STATUS_LABELS[e.status]), style=STATUS_STYLES.get(e.status, ""))


def next_step(e: EnrolmentInfo, *, course_page: bool = False) -> Text:
    """What the learner can do now with this enrolment: under My courses' table (with the
    course's title and status), or on its course page (``course_page``)."""
    text = Text()
    if not course_page:
        text.append(e.offering.title, style="bold")
        text.append("  ")
    text.append_text(status_text(e))
    if not course_page:
        text.append(" · ")
        text.append_text(payment_text(e))
    text.append("\n")
    if e.status == "pending" and e.payer == "self":
        text.append_text(hold_text(e))
        text.append(" " + (_("Continue paying (c), or stop paying (x).") if course_page else
                           _("Manage Course: continue paying, or stop paying.")))
    elif e.status == "pending":
        text.append(_("Your employer's invoice is not paid yet.") + " " + _(FINAL_NOTE))
    elif e.can_evaluate:
        text.append(_("The evaluation is open: press e.") if course_page else
                    _("The evaluation is open: Manage Course › Evaluation."))
    elif e.record is not None:
        text.append(_("Your document is under My Records (verification code {code}).").format(
            code=e.record.code))
    elif e.withdrawal is not None and e.withdrawal.status == "under_review":
        text.append(_("Your withdrawal has been sent to the administration for review."))
    elif e.can_withdraw:
        text.append(_("Can't attend after all? Withdraw (w, top right).") if course_page else
                    _("Can't attend after all? Manage Course › Withdraw."))
    return text


class MyCoursesScreen(PortalScreen):
    PAGE = MY_COURSES
    AUTO_FOCUS = "#mine-table"
    BINDINGS = [
        Binding("enter", "manage", N_("Manage Course"),
                tooltip=N_("The course page: pay, Withdraw, Evaluation, invoice"),
                id="portal_my_courses.manage"),
        Binding("p", "app.navigate('Course Portal')", N_("Pick a course"),
                tooltip=N_("The course offering"), id="portal_my_courses.pick"),
        Binding("f5", "reload", N_("Refresh"), show=False, id="portal_my_courses.reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.enrolments: list[EnrolmentInfo] = []

    def compose_body(self) -> ComposeResult:
        with Vertical(id="page"):
            yield Label(_("My courses"), classes="page-title")
            yield Static("", id="mine-count", classes="intro")
            yield ProblemList(id="mine-problems")
            yield DataTable(id="mine-table", cursor_type="row", zebra_stripes=True)
            with Vertical(id="mine-detail", classes="block") as block:
                block.border_title = literal(_("Course"))
                yield Static(_("Loading…"), id="mine-detail-text")

    def on_screen_resume(self) -> None:
        self.load()  # (also when first shown) after paying, withdrawing, evaluating

    def action_reload(self) -> None:
        self.load()

    @service_worker(group="mine", exclusive=True, problems="#mine-problems")
    async def load(self) -> None:
        if self.account_id is None:
            return
        current = self._current()
        # (no loading indicator: it takes the focus from the table, and the list is quick)
        found = await self.fetch(self.facade.portal.my_courses, self.account_id)
        if found is None:
            return
        self.enrolments = found
        self._fill(current.id if current else None)

    def _fill(self, keep: int | None = None) -> None:
        """Course, dates, status and (when wide; else under the table) payment."""
        table = self.query_one("#mine-table", DataTable)
        narrow = self.size.width < NARROW
        sample = dates_text(date(2026, 11, 29), date(2026, 12, 30), year=not narrow)
        status = max(len(table_status(e).plain) for e in self.enrolments) if \
            self.enrolments else 10
        columns: list[Column] = [(_("Course"), "title", None),
                                 (_("Dates"), "dates", len(sample)),
                                 (_("Status"), "status", max(status, len(_("Status"))))]
        if not narrow:
            columns.append((_("Payment"), "payment", 22))
        fit_columns(table, columns, self.size.width - 6)
        for e in self.enrolments:
            cells = [Text(e.offering.title, style="bold"),
                     dates_text(e.offering.starts_on, e.offering.ends_on, year=not narrow),
                     table_status(e)]
            if not narrow:
                cells.append(payment_text(e, short=True))
            table.add_row(*cells, key=str(e.id))
        ids = [e.id for e in self.enrolments]
        if keep in ids:
            table.move_cursor(row=ids.index(keep))
        count = len(ids)
        self.query_one("#mine-count", Static).update(
            ngettext("{count} course. Select one and press Enter: Manage Course.",
                     "{count} courses. Select one and press Enter: Manage Course.",
                     count).format(count=count) if count else
            _("You have no courses yet. Pick a course in the Course Portal (p)."))
        self._show_detail()

    def on_resize(self, event: Resize) -> None:
        if self.enrolments:
            current = self._current()
            self._fill(current.id if current else None)

    def _current(self) -> EnrolmentInfo | None:
        table = self.query_one("#mine-table", DataTable)
        if not self.enrolments or not 0 <= table.cursor_row < len(self.enrolments):
            return None
        return self.enrolments[table.cursor_row]

    def _show_detail(self) -> None:
        e = self._current()
        self.query_one("#mine-detail").display = e is not None
        if e is not None:
            self.query_one("#mine-detail-text", Static).update(next_step(e))

    @on(DataTable.RowHighlighted, "#mine-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    @on(DataTable.RowSelected, "#mine-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_manage()

    def action_manage(self) -> None:
        e = self._current()
        if e is not None:
            self.app.push_screen(ManageCourseScreen(e))


class StopPayingDialog(ConfirmDialog[bool]):
    """ "Stop paying for …? Your place is released." Yes / No."""

    CSS_PATH = "../../styles/portal.tcss"

    def __init__(self, e: EnrolmentInfo) -> None:
        super().__init__("stop-paying", _("Stop paying"),
                         _("Stop paying for {title}? Your place is released at once.").format(
                             title=e.offering.title),
                         notes=[_("You can enrol again later while places are left.")],
                         yes=_("Stop paying"), no=_("Continue paying"))


class ManageCourseScreen(PortalScreen):
    """ "Manage Course": the course page of one enrolment."""

    PAGE = MY_COURSES
    BINDINGS = [
        Binding("w", "withdraw", N_("Withdraw"),
                tooltip=N_("Withdraw from this course: the reason, then Complete"),
                id="portal_my_courses.withdraw"),
        Binding("c", "continue_paying", N_("Continue paying"),
                tooltip=N_("Pay for the place that is held for you"),
                id="portal_my_courses.continue-paying"),
        Binding("x", "stop_paying", N_("Stop paying"),
                tooltip=N_("Give up the place that is held for you"),
                id="portal_my_courses.stop-paying"),
        Binding("d", "download_invoice", N_("Download invoice"),
                tooltip=N_("Your employer's invoice as a PDF file"),
                id="portal_my_courses.download-invoice"),
        Binding("e", "evaluation", N_("Evaluation"),
                tooltip=N_("Fill in the course's evaluation (once)"),
                id="portal_my_courses.evaluation"),
    ]

    def __init__(self, enrolment: EnrolmentInfo) -> None:
        super().__init__()
        self.enrolment = enrolment
        self.crumbs = (enrolment.offering.title,)

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="page"):
            with Horizontal(classes="heading-row"):
                yield Label(self.enrolment.offering.title, classes="page-title",
                            id="manage-title")
                yield Button(_("Withdraw"), id="manage-withdraw", variant="error", compact=True)
            yield Static("", id="manage-next", classes="intro")
            yield ProblemList(id="manage-problems")
            with Horizontal(classes="button-row", id="manage-actions"):
                yield Button(_("Continue paying"), id="manage-continue", variant="primary",
                             compact=True)
                yield Button(_("Stop paying"), id="manage-stop", compact=True)
                yield Button(_("Download invoice"), id="manage-invoice", variant="primary",
                             compact=True)
                yield Button(_("Evaluation"), id="manage-evaluation", variant="primary",
                             compact=True)
            with Vertical(id="manage-facts", classes="block") as block:
                block.border_title = literal(_("Manage Course"))
                yield Static("", id="manage-facts-text")
            with Vertical(id="manage-policy", classes="block") as block:
                block.border_title = literal(_("Cancellation"))
                yield Static("", id="manage-policy-text")

    def on_mount(self) -> None:
        self.show()

    def on_screen_resume(self) -> None:
        self.reload()

    @service_worker(group="manage", exclusive=True, problems="#manage-problems")
    async def reload(self) -> None:
        if self.account_id is None:
            return
        fresh = await self.fetch(self.facade.portal.course, self.account_id, self.enrolment.id)
        if fresh is not None:
            self.enrolment = fresh
            self.show()

    def show(self) -> None:
        e = self.enrolment
        self.query_one("#manage-next", Static).update(next_step(e, course_page=True))
        self.query_one("#manage-facts-text", Static).update(facts(enrolment_rows(e)))
        self.query_one("#manage-policy-text", Static).update(
            policy_lines(e.offering.policy_name, e.offering.policy))
        paying = e.status == "pending" and e.payer == "self"
        buttons = {"#manage-withdraw": e.can_withdraw, "#manage-continue": paying,
                   "#manage-stop": paying, "#manage-invoice": e.invoice is not None,
                   "#manage-evaluation": e.can_evaluate}
        for selector, shown in buttons.items():
            self.query_one(selector).display = shown
        self.query_one("#manage-actions").display = any(
            shown for selector, shown in buttons.items() if selector != "#manage-withdraw")
        self.refresh_bindings()
        focused = self.focused
        if focused is None or not focused.display:
            for selector, shown in buttons.items():
                if shown:
                    self.query_one(selector, Button).focus()
                    break

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        e = self.enrolment
        paying = e.status == "pending" and e.payer == "self"
        return {"withdraw": e.can_withdraw, "continue_paying": paying, "stop_paying": paying,
                "download_invoice": e.invoice is not None,
                "evaluation": e.can_evaluate}.get(action, True)

    @on(Button.Pressed)
    async def _pressed(self, event: Button.Pressed) -> None:
        action = {"manage-withdraw": self.action_withdraw,
                  "manage-continue": self.action_continue_paying,
                  "manage-stop": self.action_stop_paying,
                  "manage-invoice": self.action_download_invoice,
                  "manage-evaluation": self.action_evaluation}.get(event.button.id or "")
        if action is not None:
            event.stop()
            action()

    def action_withdraw(self) -> None:
        if self.enrolment.can_withdraw:
            self.app.push_screen(WithdrawScreen(self.enrolment))

    def action_continue_paying(self) -> None:
        from .pay import PaymentScreen

        self.app.push_screen(PaymentScreen(self.enrolment.offering))

    def action_stop_paying(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.stop_paying()

        self.app.push_screen(StopPayingDialog(self.enrolment), answered)

    @service_worker(group="manage", exclusive=True, problems="#manage-problems")
    async def stop_paying(self) -> None:
        result = await self.fetch(self.facade.portal.cancel_pending, self.account_id,
                                  self.enrolment.id)
        if result is not None:
            self.enrolment = result
            self.show()
            self.notify(_("You stopped paying: your place has been released."), timeout=5)

    def action_download_invoice(self) -> None:
        if self.enrolment.invoice is not None:
            self.download_invoice()

    @service_worker(group="invoice", problems="#manage-problems")
    async def download_invoice(self) -> None:
        from .pay import deliver_invoice

        await deliver_invoice(self, self.enrolment.id)

    def action_evaluation(self) -> None:
        if self.enrolment.can_evaluate:
            self.app.push_screen(EvaluationScreen(self.enrolment))


class WithdrawScreen(PortalScreen):
    """ "Withdraw": the reason, what the policy gives back (before "Complete"), "Complete"."""

    PAGE = MY_COURSES
    BINDINGS = [
        Binding("ctrl+s", "complete", N_("Complete"),
                tooltip=N_("Send your withdrawal to the administration for review"),
                id="portal_my_courses.complete"),
    ]

    def __init__(self, enrolment: EnrolmentInfo) -> None:
        super().__init__()
        self.enrolment = enrolment
        self.crumbs = (_("Withdraw: {title}").format(title=enrolment.offering.title),)
        self.quote: WithdrawalQuote | None = None
        self.done = False

    def compose_body(self) -> ComposeResult:
        with Vertical(id="page"):
            yield Label(_("Withdraw: {title}").format(title=self.enrolment.offering.title),
                        classes="page-title")
            yield ProblemList(id="withdraw-problems")
            with ContentSwitcher(initial="view-form", id="views"):
                with VerticalScroll(id="view-form"):
                    with Vertical(id="withdraw-quote", classes="block") as block:
                        block.border_title = literal(_("What you get back"))
                        yield Static(_("Loading…"), id="withdraw-quote-text")
                    yield field_row("reason", _("Reason"), TextArea(
                        id="withdraw-reason", compact=True,
                        placeholder=_("Enter the reason for your withdrawal.")))
                    yield Static(_("Your request will be sent to the administration for review. "
                                   "Nothing changes until you select Complete."), classes="hint")
                    with Horizontal(classes="button-row"):
                        yield Button(_("Complete"), id="withdraw-complete", variant="error",
                                     compact=True)
                with VerticalScroll(id="view-done"):
                    yield Static("", id="withdraw-done", classes="done-note")
                    yield Static("", id="withdraw-done-facts", classes="block")
                    with Horizontal(classes="button-row"):
                        yield Button(_("Back to My courses"), id="withdraw-back",
                                     variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#withdraw-complete", Button).disabled = True
        self.query_one("#withdraw-reason", TextArea).focus()
        self.load_quote()

    @service_worker(group="quote", exclusive=True, problems="#withdraw-problems")
    async def load_quote(self) -> None:
        quote = await self.fetch(self.facade.portal.withdraw_quote, self.account_id,
                                 self.enrolment.id)
        text = self.query_one("#withdraw-quote-text", Static)
        if quote is None:
            text.update(Text(_("You cannot withdraw from this course now."), style="italic"))
            return
        self.quote = quote
        self.query_one("#withdraw-complete", Button).disabled = False
        body = Text()
        body.append(_("You paid {paid}. Withdrawing today, {days} days before the start, gives "
                      "{percent}% back: {amount}.").format(
            paid=format_money(quote.paid_cents), days=quote.days_before,
            percent=quote.refund_percent, amount=format_money(quote.refund_cents)) + "\n",
            style="bold")
        body.append_text(policy_lines(quote.policy_name, quote.policy))
        text.update(body)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "complete":
            return self.quote is not None and not self.done
        return True

    @on(Button.Pressed, "#withdraw-complete")
    def action_complete(self) -> None:
        if self.quote is None or self.done:
            return
        self.complete(self.query_one("#withdraw-reason", TextArea).text)

    @service_worker(group="withdraw", exclusive=True, problems="#withdraw-problems")
    async def complete(self, reason: str) -> None:
        result = await self.fetch(self.facade.portal.withdraw, self.account_id,
                                  self.enrolment.id, reason)
        if result is None:
            self.query_one("#withdraw-reason", TextArea).focus()
            return
        self.done = True
        title = self.enrolment.offering.title
        self.query_one("#withdraw-done", Static).update(
            _("We received your request to withdraw from {title}. It has been sent to the "
              "administration for review; you will hear from us when it has been "
              "reviewed.").format(title=title))
        done = self.query_one("#withdraw-done-facts", Static)
        done.border_title = literal(_("Your withdrawal"))
        done.update(facts([
            (_("Course"), title),
            (_("Status"), _(WITHDRAWAL_STATUS_LABELS[result.status])),
            (_("Asked on"), format_datetime(result.requested_at)),
            (_("Reason"), result.reason),
            (_("Refund"), _("{percent}%: {amount}").format(
                percent=result.refund_percent, amount=format_money(result.refund_cents))),
        ]))
        self.query_one(ContentSwitcher).current = "view-done"
        self.refresh_bindings()
        self.query_one("#withdraw-back", Button).focus()

    @on(Button.Pressed, "#withdraw-back")
    async def _back(self) -> None:
        await self.usis_app.navigate("My courses")


class EvaluationScreen(PortalScreen):
    """ "Evaluation": the statements on a five-point scale, a comment, "Submit" (once)."""

    PAGE = MY_COURSES
    BINDINGS: ClassVar = [
        Binding("ctrl+s", "submit", N_("Submit"), tooltip=N_("Submit the evaluation (once)"),
                id="portal_my_courses.submit"),
    ]

    def __init__(self, enrolment: EnrolmentInfo) -> None:
        super().__init__()
        self.enrolment = enrolment
        self.crumbs = (_("Evaluation: {title}").format(title=enrolment.offering.title),)
        self.form: EvaluationForm | None = None
        self.done = False

    def compose_body(self) -> ComposeResult:
        with Vertical(id="page"):
            yield Label(_("Evaluation: {title}").format(title=self.enrolment.offering.title),
                        classes="page-title")
            yield ProblemList(id="evaluation-problems")
            with ContentSwitcher(initial="view-form", id="views"):
                with VerticalScroll(id="view-form"):
                    yield Static(_("How did you find the course? Your answers are anonymous: "
                                   "the administration sees them per course, never who "
                                   "answered what."), classes="intro")
                    yield Vertical(id="questions")
                    yield Static("", id="comment-label", classes="section-title")
                    yield TextArea(id="evaluation-comment", compact=True)
                    with Horizontal(classes="button-row"):
                        yield Button(_("Submit"), id="evaluation-submit", variant="primary",
                                     compact=True)
                with VerticalScroll(id="view-done"):
                    yield Static(_("Thank you: your evaluation has been submitted."),
                                 id="evaluation-done", classes="done-note")

    def on_mount(self) -> None:
        self.query_one("#evaluation-submit", Button).disabled = True
        self.query_one("#evaluation-comment", TextArea).styles.height = 3
        self.load()

    @service_worker(group="evaluation", exclusive=True, problems="#evaluation-problems")
    async def load(self) -> None:
        form = await self.fetch(self.facade.portal.evaluation_form, self.account_id,
                                self.enrolment.id)
        if form is None:
            return
        self.form = form
        scale = [(f"{n} – {label}", n) for n, label in enumerate(form.scale, start=1)]
        questions = self.query_one("#questions", Vertical)
        await questions.mount_all([
            Vertical(Static(f"{i}. {q.text}", classes="statement"),
                     Select(scale, prompt=_("Choose"), id=f"q-{q.key}", compact=True),
                     classes="question")
            for i, q in enumerate(form.questions, start=1)])
        self.query_one("#comment-label", Static).update(form.comment_label)
        self.query_one("#evaluation-submit", Button).disabled = False
        self.refresh_bindings()
        self.query_one(f"#q-{form.questions[0].key}", Select).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "submit":
            return self.form is not None and not self.done
        return True

    @on(Button.Pressed, "#evaluation-submit")
    def action_submit(self) -> None:
        if self.form is None or self.done:
            return
        answers: dict[str, int] = {}
        for q in self.form.questions:
            value = self.query_one(f"#q-{q.key}", Select).value
            if isinstance(value, int):
                answers[q.key] = value
        self.submit(answers, self.query_one("#evaluation-comment", TextArea).text)

    @service_worker(group="evaluate", exclusive=True, problems="#evaluation-problems")
    async def submit(self, answers: dict[str, int], comment: str) -> None:
        from ...errors import ServiceError

        try:
            await self.call(self.facade.portal.evaluate, self.account_id, self.enrolment.id,
                            answers, comment)
        except ServiceError as exc:
            if self.is_attached:
                self.query_one(ProblemList).show(exc.problems)
            return
        if not self.is_attached:
            return
        self.done = True
        self.query_one(ProblemList).clear()
        self.query_one(ContentSwitcher).current = "view-done"
        self.refresh_bindings()
        self.notify(_("Thank you: your evaluation has been submitted."), timeout=4)


__all__ = ["EvaluationScreen", "ManageCourseScreen", "MyCoursesScreen", "StopPayingDialog",
           "WithdrawScreen", "next_step"]
