"""The Course Portal: courses open to everyone (offerings), the accounts of people outside
Leiden, paid enrolments with their payments and invoices, withdrawals under a cancellation
policy, certificates / proofs of attendance, evaluations, the portal's messages and the e-mail
outbox. Tables only: the rules are in services/portal/."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base

#: how a portal account signs in: ULCN (a uSis account), eduID or "Other login" (e-mail)
PORTAL_LOGINS = ("ulcn", "eduid", "other")
#: an enrolment: pending (a place held until paid), enrolled (paid: final), released (payment
#: failed, cancelled or expired: the place is free again), withdrawn (after review)
PORTAL_ENROLMENT_STATUSES = ("pending", "enrolled", "released", "withdrawn")
#: who pays: the learner at once (iDEAL, credit card) or their employer (an invoice)
PAYERS = ("self", "employer")
PAYMENT_METHODS = ("ideal", "creditcard", "invoice")
#: a payment's states, as a payment provider names them
PAYMENT_STATUSES = ("open", "paid", "failed", "canceled", "expired")
WITHDRAWAL_STATUSES = ("under_review", "approved", "rejected")
#: what a completed course gives: a certificate, or a proof of attendance
RECORD_KINDS = ("certificate", "attendance")
OFFERING_STATUSES = ("published", "cancelled")

ACTIVE = ("pending", "enrolled")  # the statuses that take a place


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class PortalAccount(Base):
    """Somebody who signs in to the Course Portal. ULCN accounts are uSis accounts (``username``,
    no password of their own); eduID and "Other login" accounts sign in with their e-mail
    address and a password (hashed as uSis hashes), confirmed with a code sent by e-mail."""

    __tablename__ = "portal_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # lower case
    name: Mapped[str] = mapped_column(String(120))
    login: Mapped[str] = mapped_column(String(5))
    username: Mapped[str | None] = mapped_column(String(40), unique=True)  # ULCN: uSis account
    password_hash: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime]
    #: when the e-mail address was confirmed; None: not yet (the account cannot sign in)
    confirmed_at: Mapped[datetime | None]
    #: the confirmation code, hashed; when it was sent; wrong codes typed since
    confirm_hash: Mapped[str | None] = mapped_column(String(128))
    confirm_sent_at: Mapped[datetime | None]
    confirm_failures: Mapped[int] = mapped_column(default=0)
    #: "nl" or "en"; None: the configuration's default
    language: Mapped[str | None] = mapped_column(String(2))

    __table_args__ = (
        CheckConstraint(_in("login", PORTAL_LOGINS), name="login"),
        CheckConstraint("(login = 'ulcn') = (username IS NOT NULL)", name="ulcn_username"),
    )


class CancellationPolicy(Base):
    """A cancellation policy: what a withdrawal gets back, by how long before the start."""

    __tablename__ = "portal_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)

    rules: Mapped[list[PolicyRule]] = relationship(
        order_by="PolicyRule.days_before.desc()", cascade="all, delete-orphan")


class PolicyRule(Base):
    """A withdrawal at least ``days_before`` days before the start gets ``refund_percent``
    back (the rule with the most days that applies wins; none applies: nothing back)."""

    __tablename__ = "portal_policy_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("portal_policy.id", ondelete="CASCADE"))
    days_before: Mapped[int]
    refund_percent: Mapped[int]

    __table_args__ = (
        UniqueConstraint("policy_id", "days_before", name="uq_portal_policy_rule_days"),
        CheckConstraint("days_before >= 0", name="days_before"),
        CheckConstraint("refund_percent BETWEEN 0 AND 100", name="refund_percent"),
    )


class Offering(Base):
    """A course in the Course Portal's offering, with its dates, place, price and places."""

    __tablename__ = "portal_offering"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(2))  # "en" | "nl": taught in
    lecturer: Mapped[str] = mapped_column(String(120))
    online: Mapped[bool] = mapped_column(default=False)
    #: the building and room (on campus), or the online learning environment's link
    location: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    hours: Mapped[int]
    ec: Mapped[float | None]
    price_cents: Mapped[int]
    vat_percent: Mapped[int] = mapped_column(default=0)
    capacity: Mapped[int]
    record_kind: Mapped[str] = mapped_column(String(11), default="certificate")
    status: Mapped[str] = mapped_column(String(9), default="published")
    policy_id: Mapped[int] = mapped_column(ForeignKey("portal_policy.id"))
    created_at: Mapped[datetime]

    policy: Mapped[CancellationPolicy] = relationship()

    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates"),
        CheckConstraint("capacity >= 0", name="capacity"),
        CheckConstraint("price_cents >= 0", name="price"),
        CheckConstraint("vat_percent BETWEEN 0 AND 100", name="vat"),
        CheckConstraint("hours >= 0", name="hours"),
        CheckConstraint(_in("record_kind", RECORD_KINDS), name="record_kind"),
        CheckConstraint(_in("status", OFFERING_STATUSES), name="status"),
        Index("ix_portal_offering_starts_on", "starts_on"),
    )


class PortalEnrolment(Base):
    """One account's enrolment in an offering. Pending holds a place: until ``hold_until``
    while a payment is open (then it is released), or until the administration registers the
    payment of an employer's invoice (``hold_until`` None). One active (pending or enrolled)
    enrolment per account and offering."""

    __tablename__ = "portal_enrolment"

    id: Mapped[int] = mapped_column(primary_key=True)
    offering_id: Mapped[int] = mapped_column(ForeignKey("portal_offering.id",
                                                        ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("portal_account.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(9))
    payer: Mapped[str] = mapped_column(String(8))
    price_cents: Mapped[int]  # the price when enrolling (the offering's may change)
    created_at: Mapped[datetime]
    hold_until: Mapped[datetime | None]
    enrolled_at: Mapped[datetime | None]  # final: payment received
    released_at: Mapped[datetime | None]
    #: the administration's mark after the course: "completed" or "attended"; None: not yet
    completion: Mapped[str | None] = mapped_column(String(9))
    completed_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]  # the confirmation was sent
    reminded_at: Mapped[datetime | None]  # the reminder a week before the start was sent
    evaluated_at: Mapped[datetime | None]  # the evaluation was submitted (not what it said)

    offering: Mapped[Offering] = relationship()
    account: Mapped[PortalAccount] = relationship()

    __table_args__ = (
        CheckConstraint(_in("status", PORTAL_ENROLMENT_STATUSES), name="status"),
        CheckConstraint(_in("payer", PAYERS), name="payer"),
        CheckConstraint("completion IS NULL OR completion IN ('completed', 'attended')",
                        name="completion"),
        Index("uq_portal_enrolment_active", "offering_id", "account_id", unique=True,
              sqlite_where=text("status IN ('pending', 'enrolled')"),
              postgresql_where=text("status IN ('pending', 'enrolled')")),
        Index("ix_portal_enrolment_account", "account_id"),
    )


class Payment(Base):
    """A payment at a provider (the built-in test mode or a real one) for an enrolment;
    every change of its state is a PaymentEvent."""

    __tablename__ = "portal_payment"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("portal_enrolment.id",
                                                         ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(20))
    test_mode: Mapped[bool] = mapped_column(default=False)  # made in the provider's test mode
    reference: Mapped[str] = mapped_column(String(64), unique=True)  # the provider's id
    method: Mapped[str] = mapped_column(String(10))
    issuer: Mapped[str | None] = mapped_column(String(40))  # iDEAL: the bank
    amount_cents: Mapped[int]
    status: Mapped[str] = mapped_column(String(8))
    checkout_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]

    events: Mapped[list[PaymentEvent]] = relationship(order_by="PaymentEvent.id",
                                                      cascade="all, delete-orphan")

    __table_args__ = (
        CheckConstraint(_in("method", PAYMENT_METHODS), name="method"),
        CheckConstraint(_in("status", PAYMENT_STATUSES), name="status"),
        Index("ix_portal_payment_enrolment", "enrolment_id"),
    )


class PaymentEvent(Base):
    __tablename__ = "portal_payment_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("portal_payment.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(8))
    detail: Mapped[str] = mapped_column(String(300), default="")


class Invoice(Base):
    """The invoice to an employer: the enrolment is final when its payment is registered."""

    __tablename__ = "portal_invoice"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("portal_enrolment.id",
                                                         ondelete="CASCADE"), unique=True)
    organisation: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text)
    reference: Mapped[str] = mapped_column(String(60), default="")  # reference / PO number
    contact_name: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str] = mapped_column(String(254))
    net_cents: Mapped[int]
    vat_percent: Mapped[int]
    vat_cents: Mapped[int]
    total_cents: Mapped[int]
    issued_on: Mapped[date]
    due_on: Mapped[date]
    paid_at: Mapped[datetime | None]
    paid_registered_by: Mapped[str | None] = mapped_column(String(40))

    enrolment: Mapped[PortalEnrolment] = relationship()


class Withdrawal(Base):
    """A request to withdraw from a course, reviewed by the administration. The policy's
    refund is fixed when the request is made; approving records a refund (paid by iDEAL or
    card) or a credit note (an employer's invoice)."""

    __tablename__ = "portal_withdrawal"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("portal_enrolment.id",
                                                         ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12))
    refund_percent: Mapped[int]
    refund_cents: Mapped[int]
    settlement: Mapped[str | None] = mapped_column(String(11))  # refund | credit_note | none
    settlement_number: Mapped[str | None] = mapped_column(String(20))
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")

    enrolment: Mapped[PortalEnrolment] = relationship()

    __table_args__ = (
        CheckConstraint(_in("status", WITHDRAWAL_STATUSES), name="status"),
        CheckConstraint("refund_percent BETWEEN 0 AND 100", name="refund_percent"),
        Index("uq_portal_withdrawal_open", "enrolment_id", unique=True,
              sqlite_where=text("status = 'under_review'"),
              postgresql_where=text("status = 'under_review'")),
    )


class PortalRecord(Base):
    """A certificate or proof of attendance, with the code that verifies it."""

    __tablename__ = "portal_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("portal_enrolment.id",
                                                         ondelete="CASCADE"), unique=True)
    kind: Mapped[str] = mapped_column(String(11))
    code: Mapped[str] = mapped_column(String(20), unique=True)
    issued_at: Mapped[datetime]
    issued_by: Mapped[str] = mapped_column(String(40))

    enrolment: Mapped[PortalEnrolment] = relationship()

    __table_args__ = (CheckConstraint(_in("kind", RECORD_KINDS), name="kind"),)


class EvaluationResponse(Base):
    """One submitted evaluation, with nothing that says whose it is: a random id, no time
    (the enrolment only records that it was submitted)."""

    __tablename__ = "portal_evaluation"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    offering_id: Mapped[int] = mapped_column(ForeignKey("portal_offering.id",
                                                        ondelete="CASCADE"), index=True)
    answers: Mapped[str] = mapped_column(Text)  # JSON: {"q1": 4, ..., "comment": "..."}


class PortalMessage(Base):
    """The portal's message centre (a portal account's messages)."""

    __tablename__ = "portal_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("portal_account.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]

    __table_args__ = (Index("ix_portal_message_account", "account_id", "created_at"),)


class OutgoingMail(Base):
    """An e-mail written in the same transaction as what it tells (so it is sent once, or not at
    all when that rolls back), sent afterwards by services/notify.py (SMTP, or the outbox
    folder). ``sent_at`` None: still to send."""

    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    #: when a sender took it (wall clock): another sender leaves it alone for a few minutes
    claimed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (Index("ix_outgoing_mail_unsent", "sent_at"),)
