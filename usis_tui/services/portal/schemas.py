"""Typed results and inputs of the Course Portal's services."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ...i18n import N_

OfferingState = Literal["open", "nearly_full", "full", "started", "finished", "cancelled"]
EnrolmentStatus = Literal["pending", "enrolled", "released", "withdrawn"]
Payer = Literal["self", "employer"]
Method = Literal["ideal", "creditcard", "invoice"]
PaymentStatus = Literal["open", "paid", "failed", "canceled", "expired"]
Login = Literal["ulcn", "eduid", "other"]
WithdrawalStatus = Literal["under_review", "approved", "rejected"]
RecordKind = Literal["certificate", "attendance"]
Completion = Literal["completed", "attended"]

# Display labels (the values stay English; the label is translated where it is shown).
OFFERING_STATE_LABELS = {"open": N_("Open"), "nearly_full": N_("Nearly full"),
                         "full": N_("Full"), "started": N_("Started"),
                         "finished": N_("Finished"), "cancelled": N_("Cancelled")}
ENROLMENT_STATUS_LABELS = {"pending": N_("Pending payment"), "enrolled": N_("Enrolled"),
                           "released": N_("Not enrolled (not paid)"),
                           "withdrawn": N_("Withdrawn")}
PAYMENT_STATUS_LABELS = {"open": N_("Open"), "paid": N_("Paid"), "failed": N_("Failed"),
                         "canceled": N_("Cancelled"), "expired": N_("Expired")}
METHOD_LABELS = {"ideal": N_("iDEAL"), "creditcard": N_("Credit card"),
                 "invoice": N_("Invoice to your employer")}
WITHDRAWAL_STATUS_LABELS = {"under_review": N_("Under review"), "approved": N_("Approved"),
                            "rejected": N_("Rejected")}
RECORD_KIND_LABELS = {"certificate": N_("Certificate"), "attendance": N_("Proof of attendance")}
LOGIN_LABELS = {"ulcn": N_("Leiden University / LUMC (ULCN)"), "eduid": N_("eduID"),
                "other": N_("Other login")}


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class PolicyStep(Frozen):
    """Withdraw on or before ``until`` (``days_before`` days before the start): get
    ``refund_percent`` back."""

    days_before: int
    refund_percent: int
    until: date


class OfferingInfo(Frozen):
    id: int
    code: str
    title: str
    description: str
    language: str
    lecturer: str
    online: bool
    location: str
    starts_on: date
    ends_on: date
    hours: int
    ec: float | None
    price_cents: int
    vat_percent: int
    capacity: int
    places_left: int
    state: OfferingState
    record_kind: RecordKind
    policy_name: str
    policy: list[PolicyStep]

    @property
    def can_enrol(self) -> bool:
        return self.state in ("open", "nearly_full")


class PortalIdentity(Frozen):
    """Who is signed in to the Course Portal."""

    account_id: int
    email: str
    name: str
    login: Login
    username: str | None = None  # ULCN: the uSis account
    language: str | None = None

    @property
    def actor(self) -> str:
        """The name the audit trail records for this account's steps."""
        return self.username or f"portal:{self.account_id}"


class SignUp(Frozen):
    """"Create an account": what the account got (never whether the address was known)."""

    email: str
    sent_at: datetime


class PaymentInfo(Frozen):
    reference: str
    provider: str
    test_mode: bool
    method: Method
    issuer: str | None
    amount_cents: int
    status: PaymentStatus
    checkout_url: str | None
    created_at: datetime
    expires_at: datetime | None
    paid_at: datetime | None


class InvoiceInfo(Frozen):
    number: str
    organisation: str
    address: str
    reference: str
    contact_name: str
    contact_email: str
    net_cents: int
    vat_percent: int
    vat_cents: int
    total_cents: int
    issued_on: date
    due_on: date
    paid_at: datetime | None


class Billing(Frozen):
    """"Is your employer paying?": where the invoice goes."""

    organisation: str
    address: str
    reference: str = ""
    contact_name: str
    contact_email: str


class WithdrawalInfo(Frozen):
    id: int
    status: WithdrawalStatus
    reason: str
    requested_at: datetime
    refund_percent: int
    refund_cents: int
    settlement: str | None
    settlement_number: str | None
    decided_at: datetime | None
    decided_by: str | None
    note: str


class WithdrawalQuote(Frozen):
    """What withdrawing now gives back under the course's cancellation policy."""

    enrolment_id: int
    paid_cents: int
    days_before: int
    refund_percent: int
    refund_cents: int
    policy_name: str
    policy: list[PolicyStep]


class RecordInfo(Frozen):
    code: str
    kind: RecordKind
    issued_at: datetime
    enrolment_id: int
    title: str
    starts_on: date
    ends_on: date


class EnrolmentInfo(Frozen):
    id: int
    offering: OfferingInfo
    status: EnrolmentStatus
    payer: Payer
    price_cents: int
    created_at: datetime
    hold_until: datetime | None
    enrolled_at: datetime | None
    completion: Completion | None
    payment: PaymentInfo | None
    invoice: InvoiceInfo | None
    withdrawal: WithdrawalInfo | None
    record: RecordInfo | None
    evaluated: bool
    can_withdraw: bool
    can_evaluate: bool


class Verification(Frozen):
    """What ``usis portal verify CODE`` and the verification page say about a code."""

    code: str
    valid: bool
    kind: RecordKind | None = None
    name: str | None = None
    title: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    hours: int | None = None
    ec: float | None = None
    issued_at: datetime | None = None


class PortalMessageInfo(Frozen):
    id: int
    category: str
    subject: str
    body: str
    created_at: datetime
    read: bool


class EvaluationQuestion(Frozen):
    key: str
    text: str


class EvaluationForm(Frozen):
    enrolment_id: int
    title: str
    questions: list[EvaluationQuestion]
    scale: list[str]  # the labels of 1..5
    comment_label: str


class QuestionResult(Frozen):
    key: str
    text: str
    counts: list[int]  # how many answered 1..5
    mean: float | None


class EvaluationSummary(Frozen):
    offering_id: int
    title: str
    responses: int
    enrolled: int
    questions: list[QuestionResult]
    comments: list[str]


class OfferingDraft(Frozen):
    """An offering as the administration creates or edits it (checked by the service)."""

    code: str
    title: str
    description: str = ""
    language: str = "en"
    lecturer: str
    online: bool = False
    location: str
    starts_on: date
    ends_on: date
    hours: int
    ec: float | None = None
    price_cents: int
    vat_percent: int = 0
    capacity: int
    record_kind: RecordKind = "certificate"
    policy_name: str | None = None


class AdminEnrolment(Frozen):
    """One enrolment as the administration sees it."""

    id: int
    offering_id: int
    offering_code: str
    offering_title: str
    name: str
    email: str
    login: Login
    status: EnrolmentStatus
    payer: Payer
    price_cents: int
    created_at: datetime
    enrolled_at: datetime | None
    payment_status: PaymentStatus | None
    invoice_number: str | None
    invoice_paid: bool
    withdrawal_status: WithdrawalStatus | None
    completion: Completion | None
    record_code: str | None


class AdminWithdrawal(Frozen):
    """A withdrawal request with the enrolment it is about."""

    withdrawal: WithdrawalInfo
    enrolment_id: int
    offering_code: str
    offering_title: str
    starts_on: date
    name: str
    email: str
    payer: Payer
    paid_cents: int


class RemindResult(Frozen):
    reminded: int
    released: int
