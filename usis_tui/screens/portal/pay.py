"""Enrol in a course and pay (pushed by the course's "Enrol"; a portal log-in is needed).

1. "Are you paying yourself?" — iDEAL (choose the bank) or credit card: ``portal.enrol`` holds
   a place for 15 minutes, ``portal.pay`` opens the payment. "Is your employer paying?" — the
   organisation, billing address, reference/PO number and contact: ``portal.enrol`` with the
   billing details makes the invoice.
2. The checkout. The built-in provider is in test mode, as a payment provider's test mode is:
   the payer picks what the payment does (paid, failed, cancelled, expired), applied by
   ``portal.checkout``. A real provider's payment shows its link and "Check payment status"
   (``portal.refresh``).
3. The result: the "Enrolment confirmation" with the practical information; or what went wrong,
   with "Try again" while the place is held (until when is shown); or the invoice's summary
   with "Download invoice".

"Your enrolment is only final once payment has been received." is said on every step.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import ContentSwitcher, RadioSet

from ...i18n import N_, _, format_date, format_datetime, format_money
from ...navigation import COURSE_PORTAL
from ...services.portal.payments import IDEAL_BANKS, TEST_OUTCOMES
from ...services.portal.schemas import (
    METHOD_LABELS,
    PAYMENT_STATUS_LABELS,
    EnrolmentInfo,
    OfferingInfo,
    PaymentInfo,
)
from ...widgets.literal import Button, Input, RadioButton, Select, Static, TextArea, literal
from ...widgets.problems import ProblemList
from ..calls import service_worker
from .base import PortalScreen
from .common import (
    FINAL_NOTE,
    dates_text,
    facts,
    field_row,
    hold_text,
    load_text,
    where_short,
    where_text,
)

#: the test checkout's outcomes in the order of their keys 1-4
OUTCOMES = ("paid", "failed", "canceled", "expired")
BILLING_FIELDS = ("organisation", "address", "reference", "contact_name", "contact_email")
#: what the result says after each outcome (the enrolment's status decides the rest)
NOT_PAID = {"failed": N_("The payment failed: nothing was paid."),
            "canceled": N_("The payment was cancelled: nothing was paid."),
            "expired": N_("The payment expired: your place has been released."),
            "open": N_("The payment has not been completed yet."),
            "stopped": N_("You stopped paying: your place has been released.")}


def employer_note(o: OfferingInfo) -> str:
    note = _("Your employer will receive an invoice at the billing address provided for your "
             "organisation.")
    if o.vat_percent:
        note += " " + _("The invoice shows the {percent}% VAT included in the price of "
                        "{total}.").format(percent=o.vat_percent,
                                          total=format_money(o.price_cents))
    return note


class PaymentScreen(PortalScreen):
    PAGE = COURSE_PORTAL
    BINDINGS = [
        Binding("ctrl+s", "submit", N_("Continue"),
                tooltip=N_("Pay, or send the invoice to your employer"), id="portal_pay.submit"),
        Binding("1", "outcome('paid')", N_("Paid"), tooltip=N_("Test mode: the payment is paid"),
                id="portal_pay.paid"),
        Binding("2", "outcome('failed')", N_("Failed"),
                tooltip=N_("Test mode: the payment fails"), id="portal_pay.failed"),
        Binding("3", "outcome('canceled')", N_("Cancelled"),
                tooltip=N_("Test mode: the payer cancels the payment"), id="portal_pay.cancelled"),
        Binding("4", "outcome('expired')", N_("Expired"),
                tooltip=N_("Test mode: the payment expires"), id="portal_pay.expired"),
        Binding("s", "check_status", N_("Check payment status"),
                tooltip=N_("Ask the payment provider whether you have paid"),
                id="portal_pay.check-status"),
        Binding("x", "stop", N_("Stop paying"),
                tooltip=N_("Give up the place that is held for you"), id="portal_pay.stop"),
        Binding("t", "try_again", N_("Try again"),
                tooltip=N_("Pay again while your place is held"), id="portal_pay.try-again"),
        Binding("d", "download_invoice", N_("Download invoice"),
                tooltip=N_("The invoice as a PDF file"), id="portal_pay.download-invoice"),
        Binding("m", "my_courses", N_("My courses"), tooltip=N_("Your courses"),
                id="portal_pay.my-courses"),
    ]

    def __init__(self, offering: OfferingInfo) -> None:
        super().__init__()
        self.offering = offering
        self.crumbs = (_("Enrol: {title}").format(title=offering.title),)
        self.enrolment: EnrolmentInfo | None = None
        self.payment: PaymentInfo | None = None
        self.view = "form"
        self.banks: dict[str, str] = dict(IDEAL_BANKS)

    # ------------------------------------------------------------------ layout
    def compose_body(self) -> ComposeResult:
        o = self.offering
        with Vertical(id="page"):
            yield Static("", id="pay-summary")
            yield ProblemList(id="pay-problems")
            with ContentSwitcher(initial="view-form", id="views"):
                with VerticalScroll(id="view-form"):
                    yield Static(_(FINAL_NOTE), classes="final-note")
                    yield RadioSet(
                        RadioButton(_("Are you paying yourself?"), value=True, id="payer-self"),
                        RadioButton(_("Is your employer paying?"), id="payer-employer"),
                        id="pay-payer", classes="choices")
                    with Vertical(id="self-fields"):
                        yield Static(_("You can pay directly via iDEAL or credit card during "
                                       "the enrolment process."), classes="hint")
                        yield field_row("method", _("Payment method"), RadioSet(
                            RadioButton(_(METHOD_LABELS["ideal"]), value=True, id="method-ideal"),
                            RadioButton(_(METHOD_LABELS["creditcard"]), id="method-creditcard"),
                            id="pay-method"))
                        yield field_row("bank", _("Bank"), Select(
                            sorted(((name, key) for key, name in self.banks.items()),
                                   key=lambda item: item[0].casefold()),
                            prompt=_("Choose your bank"), id="pay-bank", compact=True))
                        with Horizontal(classes="button-row"):
                            yield Button(_("Pay {amount}").format(
                                amount=format_money(o.price_cents)), id="pay-now",
                                variant="primary", compact=True)
                    with Vertical(id="employer-fields"):
                        yield Static(employer_note(o), classes="hint")
                        yield field_row("organisation", _("Organisation"), Input(
                            id="bill-organisation", compact=True, max_length=200))
                        yield field_row("address", _("Billing address"), TextArea(
                            id="bill-address", compact=True))
                        yield field_row("reference", _("Reference / PO number"), Input(
                            id="bill-reference", compact=True, max_length=60,
                            placeholder=_("if your organisation uses one")))
                        yield field_row("contact_name", _("Contact person"), Input(
                            id="bill-contact_name", compact=True, max_length=120))
                        yield field_row("contact_email", _("Contact e-mail"), Input(
                            id="bill-contact_email", compact=True, max_length=254,
                            placeholder=_("name@organisation.nl")))
                        with Horizontal(classes="button-row"):
                            yield Button(_("Enrol and send the invoice"), id="send-invoice",
                                         variant="primary", compact=True)
                with VerticalScroll(id="view-checkout"):
                    yield Static("", id="checkout-head", classes="section-title")
                    yield Static("", id="checkout-facts", classes="block")
                    with Vertical(id="checkout-test"):
                        yield Static(_("Test mode, as at a payment provider: no money is "
                                       "taken. Choose what the payment does."), classes="hint")
                        with Horizontal(id="checkout-outcomes"):
                            for number, outcome in enumerate(OUTCOMES, start=1):
                                yield Button(f"{number} {_(TEST_OUTCOMES[outcome])}",
                                             id=f"outcome-{outcome}", compact=True,
                                             variant="success" if outcome == "paid"
                                             else "default")
                    with Vertical(id="checkout-provider"):
                        yield Static("", id="checkout-link")
                        with Horizontal(classes="button-row"):
                            yield Button(_("Check payment status"), id="check-status",
                                         variant="primary", compact=True)
                    with Horizontal(classes="button-row"):
                        yield Button(_("Stop paying"), id="stop-paying", compact=True)
                    yield Static(_(FINAL_NOTE), classes="final-note")
                with VerticalScroll(id="view-result"):
                    yield Static("", id="result-title", classes="section-title")
                    yield Static("", id="result-message")
                    yield Static("", id="result-facts", classes="block")
                    yield Static(_(FINAL_NOTE), classes="final-note", id="result-final")
                    with Horizontal(classes="button-row"):
                        yield Button(_("Try again"), id="try-again", variant="primary",
                                     compact=True)
                        yield Button(_("Download invoice"), id="download-invoice",
                                     variant="primary", compact=True)
                        yield Button(_("My courses"), id="to-my-courses", compact=True)

    def on_mount(self) -> None:
        self.query_one("#checkout-facts").border_title = literal(_("Your payment"))
        self._summary()
        self._payer_changed()
        self.query_one("#pay-payer", RadioSet).focus()
        if self.identity is None:  # (the course's Enrol asks first; a sign-out meanwhile)
            self.call_later(self.ask_login, COURSE_PORTAL, offering=self.offering.id, pay=True)

    def _summary(self) -> None:
        o = self.offering
        text = Text()
        text.append(_("Enrol: {title}").format(title=o.title) + "\n", style="bold")
        text.append(_("{dates} · {where} · {load} · {price}").format(
            dates=dates_text(o.starts_on, o.ends_on), where=where_short(o), load=load_text(o),
            price=format_money(o.price_cents)))
        if self.enrolment is not None and self.enrolment.status == "pending":
            held = hold_text(self.enrolment)
            if held.plain:
                text.append("\n")
                text.append_text(held)
        self.query_one("#pay-summary", Static).update(text)

    def _switch(self, view: str) -> None:
        self.view = view
        self.query_one(ContentSwitcher).current = f"view-{view}"
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        test = self.payment is not None and self.payment.checkout_url is None
        if action == "submit":
            return self.view == "form"
        if action == "outcome":
            return self.view == "checkout" and test
        if action == "check_status":
            return self.view == "checkout" and not test
        if action == "stop":
            return self.view == "checkout"
        if action == "try_again":
            return self.view == "result" and self._can_try_again()
        if action == "download_invoice":
            return self.view == "result" and self.enrolment is not None \
                and self.enrolment.invoice is not None
        if action == "my_courses":
            return self.view == "result"
        return True

    def _can_try_again(self) -> bool:
        e = self.enrolment
        if e is None or e.payer != "self":
            return False
        return e.status == "pending" and e.hold_until is not None \
            and e.hold_until > self.usis_app.now()

    # ------------------------------------------------------------------ the form
    @on(RadioSet.Changed, "#pay-payer")
    def _payer_changed(self) -> None:
        employer = self.query_one("#payer-employer", RadioButton).value
        self.query_one("#self-fields").display = not employer
        self.query_one("#employer-fields").display = employer

    @on(RadioSet.Changed, "#pay-method")
    def _method_changed(self) -> None:
        self.query_one("#row-bank").display = self.query_one("#method-ideal", RadioButton).value

    @on(Button.Pressed, "#pay-now")
    @on(Button.Pressed, "#send-invoice")
    def _submit_pressed(self) -> None:
        self.action_submit()

    @on(Input.Submitted)
    def _field_submitted(self, event: Input.Submitted) -> None:
        """Enter in a billing field: the next one; in the last one: send."""
        event.stop()
        names = [f"bill-{name}" for name in BILLING_FIELDS]
        at = names.index(event.input.id) if event.input.id in names else -1
        if 0 <= at < len(names) - 1:
            self.query_one(f"#{names[at + 1]}").focus()
        elif at == len(names) - 1:
            self.action_submit()

    def action_submit(self) -> None:
        if self.view != "form" or self.identity is None:
            return
        if self.query_one("#payer-employer", RadioButton).value:
            values = {name: (self.query_one(f"#bill-{name}", TextArea).text
                             if name == "address" else
                             self.query_one(f"#bill-{name}", Input).value)
                      for name in BILLING_FIELDS}
            self.enrol_employer(values)
            return
        ideal = self.query_one("#method-ideal", RadioButton).value
        bank = self.query_one("#pay-bank", Select).value
        if ideal and not isinstance(bank, str):
            from ...services.schemas import Problem

            # the service's own words (portal.pay refuses the same): nothing is held yet
            self.query_one(ProblemList).show([Problem(
                code="bad_issuer", message=_("Choose your bank."),
                hint=_("iDEAL pays from your own bank account."))])
            self.query_one("#pay-bank", Select).focus()
            return
        self.pay_self("ideal" if ideal else "creditcard", bank if ideal else None)

    @service_worker(group="pay", exclusive=True, problems="#pay-problems")
    async def pay_self(self, method: str, issuer: str | None) -> None:
        portal, account = self.facade.portal, self.account_id
        enrolment = await self.fetch(portal.enrol, account, self.offering.id)
        if enrolment is None:
            return
        self.enrolment = enrolment
        self._summary()
        payment = await self.fetch(portal.pay, account, enrolment.id, method, issuer)
        if payment is None:
            return
        self.payment = payment
        self._show_checkout()

    @service_worker(group="pay", exclusive=True, problems="#pay-problems")
    async def enrol_employer(self, values: dict[str, str]) -> None:
        from ...services.portal.schemas import Billing

        billing = Billing(**values)
        enrolment = await self.fetch(self.facade.portal.enrol, self.account_id,
                                     self.offering.id, payer="employer", billing=billing)
        if enrolment is None:
            return
        self.enrolment = enrolment
        self._show_result(None)

    # ------------------------------------------------------------------ the checkout
    def _show_checkout(self) -> None:
        p = self.payment
        e = self.enrolment
        assert p is not None and e is not None
        test = p.checkout_url is None
        self.query_one("#checkout-head", Static).update(
            _("Test mode: choose the outcome of your payment") if test else
            _("Pay at the payment provider"))
        method = _(METHOD_LABELS[p.method])
        if p.issuer:
            method = f"{method}, {self.banks.get(p.issuer, p.issuer)}"
        rows: list[tuple[str, str | Text]] = [
            (_("Course"), self.offering.title), (_("Amount"), format_money(p.amount_cents)),
            (_("Method"), method), (_("Reference"), p.reference),
            (_("Status"), _(PAYMENT_STATUS_LABELS[p.status]))]
        if e.hold_until is not None:
            rows.append((_("Place held until"), format_datetime(e.hold_until)))
        self.query_one("#checkout-facts", Static).update(facts(rows))
        self.query_one("#checkout-test").display = test
        self.query_one("#checkout-provider").display = not test
        if not test:
            self.query_one("#checkout-link", Static).update(Text.assemble(
                _("Open this link in your browser and pay there; then check the payment's "
                  "status here:") + "\n", (p.checkout_url or "", "underline")))
        self._switch("checkout")
        self.query_one("#outcome-paid" if test else "#check-status", Button).focus()

    @on(Button.Pressed)
    def _outcome_pressed(self, event: Button.Pressed) -> None:
        if (event.button.id or "").startswith("outcome-"):
            self.action_outcome((event.button.id or "").removeprefix("outcome-"))

    def action_outcome(self, outcome: str) -> None:
        if self.view == "checkout" and self.payment is not None and outcome in OUTCOMES:
            self.checkout(outcome)

    @service_worker(group="pay", exclusive=True, problems="#pay-problems")
    async def checkout(self, outcome: str) -> None:
        assert self.payment is not None
        result = await self.fetch(self.facade.portal.checkout, self.account_id,
                                  self.payment.reference, outcome)
        if result is None:
            return
        self.enrolment = result
        self.payment = result.payment
        self._show_result(outcome)

    @on(Button.Pressed, "#check-status")
    def action_check_status(self) -> None:
        if self.view == "checkout" and self.payment is not None:
            self.check_status()

    @service_worker(group="pay", exclusive=True, problems="#pay-problems")
    async def check_status(self) -> None:
        assert self.payment is not None
        result = await self.fetch(self.facade.portal.refresh, self.account_id,
                                  self.payment.reference)
        if result is None:
            return
        self.enrolment = result
        self.payment = result.payment
        if result.status == "pending" and result.payment is not None \
                and result.payment.status == "open":
            self.notify(_(NOT_PAID["open"]), timeout=4)
            self._show_checkout()
            return
        self._show_result(result.payment.status if result.payment else None)

    @on(Button.Pressed, "#stop-paying")
    def action_stop(self) -> None:
        if self.view == "checkout" and self.enrolment is not None:
            self.stop_paying()

    @service_worker(group="pay", exclusive=True, problems="#pay-problems")
    async def stop_paying(self) -> None:
        assert self.enrolment is not None
        result = await self.fetch(self.facade.portal.cancel_pending, self.account_id,
                                  self.enrolment.id)
        if result is None:
            return
        self.enrolment = result
        self._show_result("stopped")

    # ------------------------------------------------------------------ the result
    def _show_result(self, outcome: str | None) -> None:
        e = self.enrolment
        assert e is not None
        o = e.offering
        self.offering = o
        title = self.query_one("#result-title", Static)
        message = self.query_one("#result-message", Static)
        final = self.query_one("#result-final", Static)
        for name in ("done-note", "alert-note"):
            message.remove_class(name)
        rows: list[tuple[str, str | Text]] = []
        if e.status == "enrolled":
            title.update(_("Enrolment confirmation"))
            message.add_class("done-note")
            message.update(_("Your enrolment for {title} is final: we received your payment "
                             "of {amount}. The confirmation with all practical information has "
                             "been sent to {email} and to Portal messages.").format(
                title=o.title, amount=format_money(e.price_cents),
                email=self.identity.email if self.identity else ""))
            rows = [(_("Course"), f"{o.title} ({o.code})"),
                    (_("Dates"), _("{start} – {end}").format(
                        start=format_date(o.starts_on, weekday=True),
                        end=format_date(o.ends_on, weekday=True))),
                    (_("Where"), where_text(o)), (_("Lecturer"), o.lecturer),
                    (_("Study load"), load_text(o))]
            if e.payment is not None:
                rows.append((_("Paid"), _("{amount} on {moment}").format(
                    amount=format_money(e.payment.amount_cents),
                    moment=format_datetime(e.payment.paid_at or e.payment.created_at))))
            rows.append((_("Reminder"), _("One week before the course begins you receive a "
                                          "reminder with further details.")))
        elif e.payer == "employer" and e.invoice is not None:
            i = e.invoice
            title.update(_("Invoice to your employer"))
            message.add_class("done-note")
            message.update(_("Your place in {title} is held: invoice {number} will be sent to "
                             "{organisation}. Your enrolment is final when the administration "
                             "has registered its payment.").format(
                title=o.title, number=i.number, organisation=i.organisation))
            rows = [(_("Invoice number"), i.number), (_("Organisation"), i.organisation),
                    (_("Billing address"), i.address),
                    (_("Reference / PO number"), i.reference or "–"),
                    (_("Contact person"), f"{i.contact_name} <{i.contact_email}>"),
                    (_("Amount"), format_money(i.net_cents)),
                    (_("VAT {percent}%").format(percent=i.vat_percent),
                     format_money(i.vat_cents)),
                    (_("Total"), format_money(i.total_cents)),
                    (_("Issued"), format_date(i.issued_on)),
                    (_("Due"), format_date(i.due_on))]
        else:
            why = NOT_PAID.get(outcome or "", NOT_PAID["failed"])
            if e.status == "released" and outcome not in ("expired", "stopped"):
                why = NOT_PAID["expired"]
            title.update(_("Not enrolled") if e.status == "released" else
                         _("Payment not completed"))
            message.add_class("alert-note")
            text = Text(_(why))
            if e.status == "pending":
                text.append("\n")
                text.append_text(hold_text(e))
                text.append(" " + _("Press t to try again."))
            elif self.offering.can_enrol:
                text.append("\n" + _("You can enrol again while places are left: Escape "
                                      "takes you back to the course."))
            message.update(text)
            rows = [(_("Course"), o.title), (_("Dates"), dates_text(o.starts_on, o.ends_on))]
            if e.payment is not None:
                rows.append((_("Payment"), _("{status} ({method})").format(
                    status=_(PAYMENT_STATUS_LABELS[e.payment.status]),
                    method=_(METHOD_LABELS[e.payment.method]))))
        final.display = e.status != "enrolled"
        block = self.query_one("#result-facts", Static)
        block.update(facts(rows))
        block.display = bool(rows)
        self.query_one("#try-again").display = self._can_try_again()
        self.query_one("#download-invoice").display = e.invoice is not None
        self._summary()
        self._switch("result")
        first = "#try-again" if self._can_try_again() else (
            "#download-invoice" if e.invoice is not None else "#to-my-courses")
        self.query_one(first, Button).focus()

    @on(Button.Pressed, "#try-again")
    def action_try_again(self) -> None:
        if self.view != "result" or not self._can_try_again():
            return
        self.payment = None
        self.query_one(ProblemList).clear()
        self._switch("form")
        self.query_one("#pay-method", RadioSet).focus()

    @on(Button.Pressed, "#to-my-courses")
    async def action_my_courses(self) -> None:
        await self.usis_app.navigate("My courses")

    @on(Button.Pressed, "#download-invoice")
    def action_download_invoice(self) -> None:
        if self.enrolment is not None and self.enrolment.invoice is not None:
            self.download_invoice(self.enrolment.id)

    @service_worker(group="invoice", problems="#pay-problems")
    async def download_invoice(self, enrolment_id: int) -> None:
        await deliver_invoice(self, enrolment_id)


async def deliver_invoice(screen: PortalScreen, enrolment_id: int) -> Any:
    """"Download invoice": the PDF through Textual's delivery (the downloads folder, or the
    browser under ``usis serve``). Call from a service worker."""
    from ..delivery import deliver_bytes

    found = await screen.fetch(screen.facade.portal.invoice_pdf, screen.account_id,
                               enrolment_id)
    if found is None:
        return None
    name, data = found
    return deliver_bytes(screen.app, data, name, mime_type="application/pdf",
                         what=N_("The invoice"))


__all__ = ["PaymentScreen", "deliver_invoice"]
