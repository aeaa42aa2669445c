"""Portal administration (staff role "portal"): the Course Portal's offering and the enrolments
of the highlighted course.

    Main Menu › Portal administration

The offering: every course with its dates, places taken and left, price and state; ``n`` creates
a course and ``e`` (or Enter) edits the highlighted one in ``OfferingFormScreen``. Below it the
enrolments of the highlighted course (name, e-mail, status, payer, payment, invoice, withdrawal,
completion); ``p`` registers the payment of an employer's unpaid invoice (the enrolment becomes
final), ``c`` / ``a`` mark the participant completed or attended (the certificate or proof of
attendance appears under the learner's My Records). Each asks first; a refusal by the rules is
shown once, in the page's problem list. ``w`` and ``v`` open Withdrawal reviews and Evaluation
results. The rules are in services/portal/admin.py.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize

from ... import i18n
from ...i18n import N_, _, ngettext
from ...services.schemas import Problem
from ...theme import PRIMARY
from ...widgets.confirm import ConfirmDialog
from ...widgets.literal import (
    Button,
    Checkbox,
    DataTable,
    Input,
    Label,
    Select,
    Static,
    TextArea,
)
from ...widgets.problems import ProblemList
from ..base import UsisScreen
from ..calls import service_worker

if TYPE_CHECKING:
    from ...services.portal.schemas import AdminEnrolment, OfferingDraft, OfferingInfo

#: below this width the tables leave out what matters least (the detail line has it all)
NARROW = 110
STATE_STYLES = {"open": "bold green", "nearly_full": f"bold {PRIMARY}", "full": "bold red",
                "started": "", "finished": "dim", "cancelled": "dim strike"}
PAYER_LABELS = {"self": N_("Self"), "employer": N_("Employer")}
COMPLETION_LABELS = {"completed": N_("Completed"), "attended": N_("Attended")}


def label(labels: dict[str, str], value: str | None) -> str:
    """A stored value as shown, in the current language ("–" for none)."""
    if value is None:
        return "–"
    return _(labels[value]) if value in labels else value


def fit(columns: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """Columns (key, heading, width) at least as wide as their headings (in Dutch too)."""
    return [(key, heading, max(width, len(heading))) for key, heading, width in columns]


def dates_text(starts: date, ends: date, *, narrow: bool = False) -> str:
    """"14 Dec – 17 Jan 2027" (narrow: "14 Dec")."""
    if narrow:
        return i18n.format_date(starts, year=False)
    if starts == ends:
        return i18n.format_date(starts)
    return f"{i18n.format_date(starts, year=starts.year != ends.year)} – " \
           f"{i18n.format_date(ends)}"


def state_text(o: OfferingInfo) -> Text:
    from ...services.portal.schemas import OFFERING_STATE_LABELS

    return Text(label(OFFERING_STATE_LABELS, o.state), style=STATE_STYLES.get(o.state, ""))


def payment_text(e: AdminEnrolment) -> Text:
    """Self-paying: the payment's status; the employer: whether the invoice is paid."""
    from ...services.portal.schemas import PAYMENT_STATUS_LABELS

    if e.invoice_number is not None:
        if e.invoice_paid:
            return Text(_("Invoice paid"), style="green")
        return Text(_("Invoice unpaid"), style=f"bold {PRIMARY}")
    if e.payment_status is None:
        return Text("–", style="dim")
    return Text(label(PAYMENT_STATUS_LABELS, e.payment_status),
                style="green" if e.payment_status == "paid" else "")


def status_text(e: AdminEnrolment) -> Text:
    from ...services.portal.schemas import ENROLMENT_STATUS_LABELS

    style = {"enrolled": "bold green", "pending": f"bold {PRIMARY}"}.get(e.status, "dim")
    return Text(label(ENROLMENT_STATUS_LABELS, e.status), style=style)


def enrolment_detail(e: AdminEnrolment) -> Text:
    """Everything about one enrolment, for the line under the table."""
    from ...services.portal.schemas import LOGIN_LABELS, WITHDRAWAL_STATUS_LABELS

    text = Text()
    text.append(e.name, style="bold")
    text.append(f" · {e.email} · {label(LOGIN_LABELS, e.login)}")
    text.append(" · " + _("{payer} pays {amount}").format(
        payer=label(PAYER_LABELS, e.payer), amount=i18n.format_money(e.price_cents)))
    if e.invoice_number is not None:
        text.append(" · " + (_("invoice {number}, paid") if e.invoice_paid else
                             _("invoice {number}, not paid")).format(number=e.invoice_number))
    if e.withdrawal_status is not None:
        text.append(" · " + _("withdrawal: {status}").format(
            status=label(WITHDRAWAL_STATUS_LABELS, e.withdrawal_status)))
    if e.record_code is not None:
        text.append(" · " + _("verification code {code}").format(code=e.record_code))
    return text


# ---------------------------------------------------------------------------- the base
class PortalStaffScreen(UsisScreen):
    """The administration's pages: their stylesheet, the staff user the services record, a
    result line, steady cursors under tests."""

    CSS_PATH = "../../styles/portal_admin.tcss"
    RESULT = "#portal-admin-result"

    @property
    def staff(self) -> str:
        identity = self.usis_app.identity
        return identity.username if identity is not None else ""

    async def read(self, fn: Any, *args: Any, loading: Any = None) -> Any:
        """``fetch`` for loading a page's data: a refusal is shown in the problem list, and
        success leaves the list as it is (the refusal of the action that reloads the page stays
        on screen)."""
        from ...errors import ServiceError

        try:
            result = await self.call(fn, *args, loading=loading)
        except ServiceError as exc:
            if self.is_attached:
                self.query_one(ProblemList).show(exc.problems)
            return None
        return result if self.is_attached else None

    def steady(self) -> None:
        if self.app.is_headless:
            for field in self.query(Input):
                field.cursor_blink = False

    def say(self, message: str) -> None:
        """✓ what was done, above the tables (and as a notification)."""
        note = self.query_one(self.RESULT, Static)
        note.update(Text.assemble(("✓ ", "bold green"), message))
        note.add_class("-shown")
        self.notify(message, timeout=4)

    def clear_messages(self) -> None:
        self.query_one(ProblemList).clear()
        self.query_one(self.RESULT, Static).remove_class("-shown")

    def problem(self, message: str, hint: str = "") -> None:
        """One refusal of the page itself (nothing selected, nothing to do)."""
        self.query_one(self.RESULT, Static).remove_class("-shown")
        self.query_one(ProblemList).show([Problem(code="portal_admin", message=message,
                                                  hint=hint)])


class PortalConfirm(ConfirmDialog[Any]):
    """The administration's yes/no questions (and, with a note field, its decisions)."""

    CSS_PATH = "../../styles/portal_admin.tcss"

    def __init__(self, name: str, title: str, question: Any, *, notes: list[Any],
                 yes: str) -> None:
        super().__init__(name, title, question, notes=notes, yes=yes, no=_("Cancel"),
                         box_classes="portal-dialog", question_id=f"{name}-question")


# ---------------------------------------------------------------------------- the tables
class KeyedTable(DataTable):
    """A table with keys of its own: the Footer shows them while it has the focus, but not
    while it is loading, so they are shown again when the loading ends."""

    def watch_loading(self, loading: bool) -> None:
        if self.is_attached and self.has_focus:
            self.screen.refresh_bindings()


class OfferingsTable(KeyedTable):
    """The offering; its keys act on the highlighted course."""

    BINDINGS: ClassVar = [
        Binding("n", "screen.new_offering", N_("New"),
                tooltip=N_("Create a course in the offering"), id="portal_admin.new"),
        Binding("e", "screen.edit_offering", N_("Edit"),
                tooltip=N_("Change the highlighted course: dates, places, price, ..."),
                id="portal_admin.edit"),
        Binding("tab", "screen.switch_table", N_("Enrolments"),
                tooltip=N_("The enrolments of the highlighted course"),
                id="portal_admin.to-enrolments"),
    ]


class EnrolmentsTable(KeyedTable):
    """The enrolments of the highlighted course; its keys act on the highlighted enrolment."""

    BINDINGS: ClassVar = [
        Binding("p", "screen.register_payment", N_("Invoice paid"),
                tooltip=N_("Register payment: the employer paid the highlighted enrolment's "
                           "invoice, and the enrolment becomes final"),
                id="portal_admin.register-payment"),
        Binding("c", "screen.complete('completed')", N_("Completed"),
                tooltip=N_("The participant completed the course: their certificate is "
                           "issued"), id="portal_admin.complete"),
        Binding("a", "screen.complete('attended')", N_("Attended"),
                tooltip=N_("The participant attended the course: their proof of attendance "
                           "is issued"), id="portal_admin.attended"),
        Binding("tab", "screen.switch_table", N_("Courses"),
                tooltip=N_("Back to the offering"), id="portal_admin.to-courses"),
    ]


# ---------------------------------------------------------------------------- the page
class PortalAdminScreen(PortalStaffScreen):
    PAGE = "Portal administration"
    AUTO_FOCUS = "#offerings-table"
    BINDINGS: ClassVar = [
        # (shown in the title row, which names the withdrawals waiting)
        Binding("w", "withdrawals", N_("Withdrawal reviews"), show=False,
                tooltip=N_("Approve or reject withdrawals under the cancellation policy"),
                id="portal_admin.withdrawals"),
        Binding("v", "evaluation", N_("Evaluation results"), show=False,
                tooltip=N_("The evaluation results of the highlighted course"),
                id="portal_admin.evaluation"),
        Binding("f5", "reload", N_("Refresh"), show=False, id="portal_admin.reload"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.offerings: list[OfferingInfo] = []
        self.enrolments: list[AdminEnrolment] = []
        self.enrolments_of: int | None = None
        # the offering whose enrolments were last asked for: the row highlight that filling the
        # offerings table sends does not start the same load a second time
        self.enrolments_wanted: int | None = None
        self.reviews = 0
        self._highlight: int | None = None

    def compose_body(self) -> ComposeResult:
        with Vertical(id="page", classes="portal-admin-page"):
            with Horizontal(classes="title-row"):
                yield Label(_("Portal administration"), classes="page-title")
                yield Static("", id="portal-admin-reviews")
            yield ProblemList(id="portal-admin-problems")
            yield Static("", id="portal-admin-result", classes="result")
            yield OfferingsTable(id="offerings-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="enrolments-heading", classes="section-title")
            yield EnrolmentsTable(id="enrolments-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="enrolment-detail")

    def on_mount(self) -> None:
        # focused before the first load marks the table loading (a loading widget cannot take
        # the focus, and the Footer would show no keys of the table)
        self.query_one("#offerings-table").focus()

    def on_screen_resume(self) -> None:
        """Also sent when the page is first shown: (re)load."""
        self.load()

    def on_resize(self, event: Resize) -> None:
        if self.offerings:
            self._fill_offerings()
            self._fill_enrolments()
            self._show_reviews()

    def action_reload(self) -> None:
        self.clear_messages()
        self.load()

    # ------------------------------------------------------------------ loading
    @service_worker(exclusive=True, group="portal-admin", problems="#portal-admin-problems")
    async def load(self) -> None:
        admin = self.usis_app.usis.portal_admin
        table = self.query_one("#offerings-table", DataTable)
        offerings = await self.read(admin.offerings, loading=table)
        if offerings is None:
            return
        reviews = await self.read(admin.withdrawals)
        self.offerings = offerings
        self.reviews = len(reviews or [])
        self._fill_offerings()
        self._show_reviews()
        self._want_enrolments()

    def _want_enrolments(self) -> None:
        offering = self.offering
        self.enrolments_wanted = offering.id if offering is not None else None
        self.load_enrolments()

    @service_worker(exclusive=True, group="portal-admin-enrolments",
                    problems="#portal-admin-problems")
    async def load_enrolments(self) -> None:
        offering = self.offering
        if offering is None:
            self.enrolments, self.enrolments_of = [], None
            self._fill_enrolments()
            return
        table = self.query_one("#enrolments-table", DataTable)
        rows = await self.read(self.usis_app.usis.portal_admin.enrolments, offering.id,
                               loading=table)
        if rows is None:
            return
        if self.enrolments_of != offering.id:
            table.move_cursor(row=0)
        self.enrolments, self.enrolments_of = rows, offering.id
        self._fill_enrolments()

    def _show_reviews(self) -> None:
        n = self.reviews
        if self.size.width < NARROW:  # the short words
            reviews = ngettext("w {n} to review", "w {n} to review", n) if n else _(
                "w Withdrawals")
            evaluation = _("v Evaluations")
        else:
            reviews = ngettext("w {n} withdrawal to review", "w {n} withdrawals to review",
                               n) if n else _("w Withdrawal reviews")
            evaluation = _("v Evaluation results")
        text = Text(reviews.format(n=n), style=f"bold {PRIMARY}" if n else "")
        text.append("  ·  " + evaluation)
        self.query_one("#portal-admin-reviews", Static).update(text)

    def _fill_offerings(self) -> None:
        table = self.query_one("#offerings-table", DataTable)
        row = table.cursor_row
        narrow = self.size.width < NARROW
        prices = [i18n.format_money(o.price_cents) for o in self.offerings]
        dates = [dates_text(o.starts_on, o.ends_on, narrow=narrow) for o in self.offerings]
        states = [state_text(o) for o in self.offerings]
        fixed: list[tuple[str, str, int]] = [
            ("code", _("Code"), max([4] + [len(o.code) for o in self.offerings])),
            ("course", _("Course"), 0),
            ("dates", _("Start") if narrow else _("Dates"),
             max([5] + [len(d) for d in dates])),
        ]
        if not narrow:
            fixed.append(("taken", _("Taken"), max(5, len(_("Taken")))))
        fixed += [("left", _("Left"), max(4, len(_("Left")))),
                  ("price", _("Price"), max([5] + [len(p) for p in prices])),
                  ("state", _("State"), max([5] + [s.cell_len for s in states]))]
        fixed = fit(fixed)
        used = sum((0 if key == "course" else w) + 2 for key, _l, w in fixed) + 2
        course_w = max(12, self.size.width - 4 - 2 - used)
        table.clear(columns=True)
        for key, heading, width in fixed:
            table.add_column(heading, key=key, width=course_w if key == "course" else width)
        for o, when, price, state in zip(self.offerings, dates, prices, states, strict=True):
            taken = o.capacity - o.places_left
            cells: list[Any] = [o.code, o.title, when]
            if not narrow:
                cells.append(f"{taken}/{o.capacity}")
            cells += [Text(str(o.places_left), style="bold red" if not o.places_left else ""),
                      price, state]
            table.add_row(*cells, key=str(o.id))
        ids = [o.id for o in self.offerings]
        if self._highlight in ids:  # a course just saved
            row, self._highlight = ids.index(self._highlight), None
        if self.offerings:
            table.move_cursor(row=min(max(row, 0), len(self.offerings) - 1))

    def _fill_enrolments(self) -> None:
        table = self.query_one("#enrolments-table", DataTable)
        row = table.cursor_row
        narrow = self.size.width < NARROW
        offering = self.offering
        heading = self.query_one("#enrolments-heading", Static)
        if offering is None:
            heading.update("")
        else:
            text = Text.assemble((_("Enrolments") + ": ", "bold"),
                                 (f"{offering.code} {offering.title}", "bold"))
            if not narrow:
                taken = offering.capacity - offering.places_left
                text.append("  " + _("{taken} of {places} places taken").format(
                    taken=taken, places=offering.capacity), style="dim")
            heading.update(text)
        rows = self.enrolments
        statuses = [status_text(e) for e in rows]
        payments = [payment_text(e) for e in rows]
        fixed: list[tuple[str, str, int]] = [
            ("status", _("Status"), max([6] + [s.cell_len for s in statuses])),
            ("payment", _("Payment"), max([7] + [p.cell_len for p in payments])),
            ("completion", _("Completion"), max(10, len(_("Completion")))),
        ]
        if not narrow:
            fixed[1:1] = [("payer", _("Payer"), max(8, *(len(_(v)) for v in
                                                          PAYER_LABELS.values())))]
            fixed.insert(-1, ("withdrawal", _("Withdrawal"), max(12, len(_("Withdrawal")))))
        fixed = fit(fixed)
        room = self.size.width - 4 - 2 - sum(w + 2 for _k, _l, w in fixed) - 2
        if narrow:
            columns = [("name", _("Name"), max(12, room - 2))]
        else:
            name_w = max(12, min(24, room * 2 // 5))
            columns = [("name", _("Name"), name_w),
                       ("email", _("E-mail"), max(12, room - name_w - 4))]
        table.clear(columns=True)
        for key, heading_text, width in [*columns, *fixed]:
            table.add_column(heading_text, key=key, width=width)
        from ...services.portal.schemas import WITHDRAWAL_STATUS_LABELS

        for e, status, payment in zip(rows, statuses, payments, strict=True):
            cells: list[Any] = [e.name]
            if not narrow:
                cells.append(e.email)
            cells.append(status)
            if not narrow:
                cells.append(label(PAYER_LABELS, e.payer))
            cells.append(payment)
            if not narrow:
                cells.append(label(WITHDRAWAL_STATUS_LABELS, e.withdrawal_status))
            cells.append(Text(label(COMPLETION_LABELS, e.completion),
                              style="bold green" if e.completion else "dim"))
            table.add_row(*cells, key=str(e.id))
        if rows:
            table.move_cursor(row=min(max(row, 0), len(rows) - 1))
        self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one("#enrolment-detail", Static)
        e = self.enrolment
        if e is not None:
            detail.update(enrolment_detail(e))
        elif self.offering is not None and self.enrolments_of == self.offering.id:
            detail.update(Text(_("Nobody has enrolled in this course yet."), style="italic"))
        else:
            detail.update("")

    @on(DataTable.RowHighlighted, "#offerings-table")
    def _offering_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        offering = self.offering
        if offering is not None and offering.id != self.enrolments_wanted:
            self._want_enrolments()

    @on(DataTable.RowHighlighted, "#enrolments-table")
    def _enrolment_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    @on(DataTable.RowSelected, "#offerings-table")
    def _offering_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit_offering()

    def action_switch_table(self) -> None:
        offerings = self.query_one("#offerings-table", DataTable)
        (self.query_one("#enrolments-table", DataTable) if offerings.has_focus
         else offerings).focus()

    # ------------------------------------------------------------------ selection
    @property
    def offering(self) -> OfferingInfo | None:
        table = self.query_one("#offerings-table", DataTable)
        if self.offerings and 0 <= table.cursor_row < len(self.offerings):
            return self.offerings[table.cursor_row]
        return None

    @property
    def enrolment(self) -> AdminEnrolment | None:
        table = self.query_one("#enrolments-table", DataTable)
        offering = self.offering
        if (offering is None or offering.id != self.enrolments_of or not self.enrolments
                or not 0 <= table.cursor_row < len(self.enrolments)):
            return None
        return self.enrolments[table.cursor_row]

    def _selected_enrolment(self) -> AdminEnrolment | None:
        e = self.enrolment
        if e is None:
            self.problem(_("Select an enrolment first."),
                         _("Highlight a course, then one of its enrolments below it (Tab)."))
        return e

    # ------------------------------------------------------------------ the offering
    def action_new_offering(self) -> None:
        self.clear_messages()
        self.app.push_screen(OfferingFormScreen(), self._saved)

    def action_edit_offering(self) -> None:
        offering = self.offering
        if offering is None:
            self.problem(_("There is no course to edit."), _("Press n to create one."))
            return
        self.clear_messages()
        self.app.push_screen(OfferingFormScreen(offering), self._saved)

    def _saved(self, saved: OfferingInfo | None) -> None:
        if saved is None:
            return
        self.say(_("Course {code} {title} saved.").format(code=saved.code, title=saved.title))
        self._highlight = saved.id  # highlighted once the offering is loaded again

    # ------------------------------------------------------------------ enrolments
    def action_register_payment(self) -> None:
        e = self._selected_enrolment()
        if e is None:
            return
        if e.invoice_number is None or e.invoice_paid:
            self.problem(_("{name} has no unpaid invoice.").format(name=e.name),
                         _("Register payment is for an enrolment whose employer pays by "
                           "invoice; iDEAL and card payments are registered when they are "
                           "made."))
            return
        number = e.invoice_number

        def answered(yes: bool | None) -> None:
            if yes:
                self._register_payment(number)

        self.app.push_screen(PortalConfirm(
            "confirm-register-payment", _("Register payment"),
            _("Register the payment of invoice {number} ({amount}) for {name}, {code} "
              "{title}?").format(number=number, amount=i18n.format_money(e.price_cents),
                                 name=e.name, code=e.offering_code, title=e.offering_title),
            notes=[_("The enrolment becomes final, and {name} gets the enrolment confirmation "
                     "as a message and by e-mail.").format(name=e.name)],
            yes=_("Register payment")), answered)

    @service_worker(exclusive=True, group="portal-admin-act", problems="#portal-admin-problems")
    async def _register_payment(self, number: str) -> None:
        self.clear_messages()
        row = await self.fetch(self.usis_app.usis.portal_admin.register_payment, number,
                               actor=self.staff)
        if row is not None:
            self.say(_("Payment of invoice {number} registered: the enrolment of {name} in "
                       "{code} is final.").format(number=number, name=row.name,
                                                  code=row.offering_code))
        self.load()

    def action_complete(self, completion: str) -> None:
        e = self._selected_enrolment()
        offering = self.offering
        if e is None or offering is None:
            return
        attendance = completion == "attended" or offering.record_kind == "attendance"
        question = (_("Mark {name} completed for {code} {title}?") if completion == "completed"
                    else _("Mark {name} attended for {code} {title}?")).format(
            name=e.name, code=e.offering_code, title=e.offering_title)
        note = (_("{name} gets a proof of attendance under My Records, with a verification "
                  "code, and is told as a message and by e-mail.") if attendance else
                _("{name} gets a certificate under My Records, with a verification code, and "
                  "is told as a message and by e-mail.")).format(name=e.name)
        enrolment_id = e.id

        def answered(yes: bool | None) -> None:
            if yes:
                self._complete(enrolment_id, completion)

        self.app.push_screen(PortalConfirm(
            "confirm-complete", _("Mark completed") if completion == "completed"
            else _("Mark attended"), question, notes=[note],
            yes=_("Mark completed") if completion == "completed" else _("Mark attended")),
            answered)

    @service_worker(exclusive=True, group="portal-admin-act", problems="#portal-admin-problems")
    async def _complete(self, enrolment_id: int, completion: str) -> None:
        self.clear_messages()
        row = await self.fetch(self.usis_app.usis.portal_admin.complete, enrolment_id,
                               completion, actor=self.staff)
        if row is not None:
            self.say(_("{name}: {completion}; verification code {code}.").format(
                name=row.name, completion=label(COMPLETION_LABELS, row.completion),
                code=row.record_code or "–"))
        self.load()

    # ------------------------------------------------------------------ the other pages
    async def action_withdrawals(self) -> None:
        await self.usis_app.navigate("Withdrawal reviews")

    async def action_evaluation(self) -> None:
        offering = self.offering
        if offering is None:
            await self.usis_app.navigate("Evaluation results")
        else:
            await self.usis_app.navigate("Evaluation results", offering_id=offering.id)


# ---------------------------------------------------------------------------- the form
DATE_FORMS = (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
              re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$"))
MONEY = re.compile(r"^(\d{1,9})(?:[.,](\d{1,2}))?$")


class Parsed:
    """The form's fields read as the draft's types; every problem found (all at once)."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def _bad(self, code: str, message: str) -> None:
        self.problems.append(Problem(code=code, message=message))

    def date(self, field: str, text: str) -> date | None:
        text = text.strip()
        for i, form in enumerate(DATE_FORMS):
            found = form.match(text)
            if found:
                y, m, d = (found.group(1), found.group(2), found.group(3)) if i == 0 else (
                    found.group(3), found.group(2), found.group(1))
                try:
                    return date(int(y), int(m), int(d))
                except ValueError:
                    break
        self._bad("bad_date", _("{field}: write a date as 2027-03-01.").format(field=field))
        return None

    def whole(self, field: str, text: str) -> int | None:
        text = text.strip()
        if text.isascii() and text.isdigit() and len(text) <= 9:
            return int(text)
        self._bad("bad_number", _("{field}: a whole number, such as 20.").format(field=field))
        return None

    def ec(self, text: str) -> float | None:
        text = text.strip().replace(",", ".")
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite() or not re.fullmatch(r"\d{1,3}(\.\d{1,2})?", text):
            self._bad("bad_ec", _("EC: a number such as 5 or 7.5, or nothing."))
            return None
        return float(value)

    def cents(self, field: str, text: str) -> int | None:
        text = text.strip().removeprefix("€").strip()
        found = MONEY.match(text)
        if not found:
            self._bad("bad_price", _("{field}: an amount in euros, such as 495 or "
                                     "495.50.").format(field=field))
            return None
        return int(found.group(1)) * 100 + int((found.group(2) or "0").ljust(2, "0"))


def _money_field(cents: int) -> str:
    return f"{cents // 100}" if cents % 100 == 0 else f"{cents // 100}.{cents % 100:02d}"


def _ec_field(ec: float | None) -> str:
    if ec is None:
        return ""
    return f"{ec:g}"


class OfferingFormScreen(PortalStaffScreen):
    """A course of the offering, new or to change; Save checks every field (the form's own
    reading of dates and numbers first, all at once; then the service's rules)."""

    PAGE = "Portal administration"
    AUTO_FOCUS = "#f-code"
    BINDINGS: ClassVar = [
        Binding("ctrl+s", "save", N_("Save"), tooltip=N_("Check and save the course"),
                id="portal_admin.save"),
    ]

    def __init__(self, offering: OfferingInfo | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.offering = offering
        self.crumbs = ((_("Edit course {code}").format(code=offering.code),) if offering
                       else (_("New course"),))

    def compose_body(self) -> ComposeResult:
        o = self.offering
        with VerticalScroll(id="page", classes="portal-admin-page portal-form"):
            yield Label(_("Edit course {code}").format(code=o.code) if o else _("New course"),
                        classes="page-title")
            yield Static(_("Every field but the description and EC must be filled in. Dates "
                           "as 2027-03-01, amounts in euros (495 or 495.50)."), classes="hint")
            yield ProblemList(id="offering-problems")
            yield Static("", id="portal-admin-result", classes="result")
            yield self._row("code", _("Code"), Input(o.code if o else "", id="f-code",
                                                      max_length=20, compact=True,
                                                      placeholder=_("e.g. LCP-DSP")))
            yield self._row("title", _("Title"), Input(o.title if o else "", id="f-title",
                                                        compact=True))
            description = TextArea(id="f-description", compact=True, soft_wrap=True)
            if o:
                description.load_text(o.description)
            yield self._row("description", _("Description"), description)
            yield self._row("language", _("Language"), Select(
                [(_("English"), "en"), (_("Dutch"), "nl")], value=o.language if o else "en",
                allow_blank=False, id="f-language", compact=True))
            yield self._row("lecturer", _("Lecturer"), Input(o.lecturer if o else "",
                                                              id="f-lecturer", compact=True))
            yield self._row("online", _("Online"), Checkbox(
                _("Online (the place is a link)"),
                o.online if o else False, id="f-online", compact=True))
            yield self._row("location", _("Place or online link"),
                            Input(o.location if o else "", id="f-location", compact=True))
            yield self._row("starts_on", _("Start date"), Input(
                o.starts_on.isoformat() if o else "", id="f-starts_on", compact=True,
                placeholder="2027-03-01"))
            yield self._row("ends_on", _("End date"), Input(
                o.ends_on.isoformat() if o else "", id="f-ends_on", compact=True,
                placeholder="2027-03-05"))
            yield self._row("hours", _("Hours"), Input(str(o.hours) if o else "",
                                                        id="f-hours", compact=True))
            yield self._row("ec", _("EC (optional)"), Input(_ec_field(o.ec) if o else "",
                                                             id="f-ec", compact=True))
            yield self._row("price", _("Price in euros"), Input(
                _money_field(o.price_cents) if o else "", id="f-price", compact=True))
            yield self._row("vat", _("VAT %"), Input(str(o.vat_percent) if o else "0",
                                                      id="f-vat", compact=True))
            yield self._row("capacity", _("Places"), Input(str(o.capacity) if o else "",
                                                            id="f-capacity", compact=True))
            yield self._row("record_kind", _("On completion"), Select(
                [(_("Certificate"), "certificate"), (_("Proof of attendance"), "attendance")],
                value=o.record_kind if o else "certificate", allow_blank=False,
                id="f-record_kind", compact=True))
            yield self._row("policy", _("Cancellation policy"), Select(
                [], prompt=_("Choose a policy"), id="f-policy", compact=True))
            with Horizontal(classes="button-row"):
                yield Button(_("Save"), id="offering-save", variant="primary", compact=True)
                yield Button(_("Cancel"), id="offering-cancel", compact=True)

    @staticmethod
    def _row(name: str, text: str, widget: Any) -> Horizontal:
        return Horizontal(Label(text, classes="field-label"), widget, classes="field-row",
                          id=f"row-{name}")

    def on_mount(self) -> None:
        self.steady()
        self.load_policies()

    @service_worker(exclusive=True, group="offering-form", problems="#offering-problems")
    async def load_policies(self) -> None:
        names = await self.read(self.usis_app.usis.portal_admin.policies)
        if names is None:
            return
        select = self.query_one("#f-policy", Select)
        select.set_options([(n, n) for n in names])
        chosen = self.offering.policy_name if self.offering else (names[0] if names else None)
        if chosen in names:
            select.value = chosen

    def _value(self, name: str) -> str:
        return self.query_one(f"#f-{name}", Input).value

    def draft(self) -> OfferingDraft | None:
        """The draft of the form, or None (and every problem shown)."""
        from ...services.portal.schemas import OfferingDraft

        parsed = Parsed()
        starts = parsed.date(_("Start date"), self._value("starts_on"))
        ends = parsed.date(_("End date"), self._value("ends_on"))
        hours = parsed.whole(_("Hours"), self._value("hours"))
        ec = parsed.ec(self._value("ec"))
        price = parsed.cents(_("Price"), self._value("price"))
        vat = parsed.whole(_("VAT"), self._value("vat"))
        capacity = parsed.whole(_("Places"), self._value("capacity"))
        policy = self.query_one("#f-policy", Select).value
        if parsed.problems:
            self.query_one(ProblemList).show(parsed.problems)
            self.query_one("#page").scroll_home(animate=False)
            return None
        assert starts is not None and ends is not None and hours is not None
        assert price is not None and vat is not None and capacity is not None
        return OfferingDraft(
            code=self._value("code"), title=self._value("title"),
            description=self.query_one("#f-description", TextArea).text,
            language=str(self.query_one("#f-language", Select).value),
            lecturer=self._value("lecturer"),
            online=self.query_one("#f-online", Checkbox).value,
            location=self._value("location"), starts_on=starts, ends_on=ends, hours=hours,
            ec=ec, price_cents=price, vat_percent=vat, capacity=capacity,
            record_kind="attendance" if self.query_one("#f-record_kind", Select).value
            == "attendance" else "certificate",
            policy_name=policy if isinstance(policy, str) else None)

    @on(Button.Pressed, "#offering-save")
    def action_save(self) -> None:
        draft = self.draft()
        if draft is not None:
            self._save(draft)

    @service_worker(exclusive=True, group="offering-save", problems="#offering-problems")
    async def _save(self, draft: OfferingDraft) -> None:
        saved = await self.fetch(self.usis_app.usis.portal_admin.save_offering, draft,
                                 self.offering.id if self.offering else None,
                                 actor=self.staff)
        if saved is None:
            if self.is_attached:
                self.query_one("#page").scroll_home(animate=False)
            return
        self.dismiss(saved)

    @on(Button.Pressed, "#offering-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    def action_back(self) -> None:
        self.dismiss(None)


__all__ = ["OfferingFormScreen", "Parsed", "PortalAdminScreen", "PortalConfirm",
           "PortalStaffScreen"]
