"""What the Course Portal's services share: places, states, the cancellation policy, holds that
expire, and ORM → schema."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import cast

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ...i18n import _, _in, account_language, format_date, format_money
from ...models import (
    Offering,
    Payment,
    PaymentEvent,
    PortalAccount,
    PortalEnrolment,
    Withdrawal,
)
from ..base import fail
from ..notify import tell
from .schemas import (
    Completion,
    EnrolmentInfo,
    EnrolmentStatus,
    InvoiceInfo,
    Method,
    OfferingInfo,
    OfferingState,
    Payer,
    PaymentInfo,
    PaymentStatus,
    PolicyStep,
    RecordInfo,
    RecordKind,
    WithdrawalInfo,
    WithdrawalStatus,
)

#: how long a place is held while a payment is open
HOLD = timedelta(minutes=15)
#: how long an employer has to pay an invoice
INVOICE_TERM = timedelta(days=30)


def actor_of(account: PortalAccount) -> str:
    """The audit trail's name for a portal account: its uSis account (ULCN), else portal:<id>."""
    return account.username or f"portal:{account.id}"


def holds_place(now: datetime):
    """SQL: an enrolment that takes a place now (enrolled, or pending and not expired)."""
    return or_(PortalEnrolment.status == "enrolled",
               and_(PortalEnrolment.status == "pending",
                    or_(PortalEnrolment.hold_until.is_(None), PortalEnrolment.hold_until > now)))


def taken(session: Session, offering_ids: Iterable[int], now: datetime) -> dict[int, int]:
    """Places taken per offering (paid, or held by an open payment or an invoice)."""
    ids = list(offering_ids)
    if not ids:
        return {}
    rows = session.execute(select(PortalEnrolment.offering_id, func.count())
                           .where(PortalEnrolment.offering_id.in_(ids), holds_place(now))
                           .group_by(PortalEnrolment.offering_id))
    return {offering_id: count for offering_id, count in rows}


def state_of(offering: Offering, places_left: int, today: date) -> OfferingState:
    if offering.status == "cancelled":
        return "cancelled"
    if today > offering.ends_on:
        return "finished"
    if today >= offering.starts_on:
        return "started"
    if places_left <= 0:
        return "full"
    if places_left <= max(2, offering.capacity // 10):
        return "nearly_full"
    return "open"


def policy_steps(offering: Offering) -> list[PolicyStep]:
    return [PolicyStep(days_before=rule.days_before, refund_percent=rule.refund_percent,
                       until=offering.starts_on - timedelta(days=rule.days_before))
            for rule in offering.policy.rules]


def refund_percent(offering: Offering, today: date) -> tuple[int, int]:
    """(days before the start, the percentage the policy gives back when withdrawing today)."""
    days = (offering.starts_on - today).days
    for rule in offering.policy.rules:  # most days first
        if days >= rule.days_before:
            return days, rule.refund_percent
    return days, 0


def offering_info(offering: Offering, places_taken: int, now: datetime) -> OfferingInfo:
    left = max(offering.capacity - places_taken, 0)
    return OfferingInfo(
        id=offering.id, code=offering.code, title=offering.title,
        description=offering.description, language=offering.language,
        lecturer=offering.lecturer, online=offering.online, location=offering.location,
        starts_on=offering.starts_on, ends_on=offering.ends_on, hours=offering.hours,
        ec=offering.ec, price_cents=offering.price_cents, vat_percent=offering.vat_percent,
        capacity=offering.capacity, places_left=left,
        state=state_of(offering, left, now.date()),
        record_kind=cast(RecordKind, offering.record_kind),
        policy_name=offering.policy.name, policy=policy_steps(offering))


def offering_options():
    return (selectinload(Offering.policy).selectinload("*"),)


def get_offering(session: Session, offering_id: int, *, lock: bool = False) -> Offering:
    stmt = select(Offering).where(Offering.id == offering_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    offering = session.scalar(stmt)
    if offering is None:
        raise fail("unknown_offering", _("This course is not in the Course Portal's offering."),
                   _("Choose a course from the course offering."))
    return offering


def payment_info(payment: Payment) -> PaymentInfo:
    return PaymentInfo(reference=payment.reference, provider=payment.provider,
                       test_mode=payment.test_mode,
                       method=cast(Method, payment.method),
                       issuer=payment.issuer, amount_cents=payment.amount_cents,
                       status=cast(PaymentStatus, payment.status),
                       checkout_url=payment.checkout_url, created_at=payment.created_at,
                       expires_at=payment.expires_at, paid_at=payment.paid_at)


def withdrawal_info(w: Withdrawal) -> WithdrawalInfo:
    return WithdrawalInfo(id=w.id, status=cast(WithdrawalStatus, w.status),
                          reason=w.reason, requested_at=w.requested_at,
                          refund_percent=w.refund_percent, refund_cents=w.refund_cents,
                          settlement=w.settlement, settlement_number=w.settlement_number,
                          decided_at=w.decided_at, decided_by=w.decided_by, note=w.note)


def event(session: Session, payment: Payment, now: datetime, status: str,
          detail: str = "") -> None:
    session.add(PaymentEvent(payment_id=payment.id, at=now, status=status, detail=detail[:300]))


def release(session: Session, enrolment: PortalEnrolment, now: datetime, why: str) -> None:
    """A pending enrolment gives its place back (payment failed for good, expired, abandoned);
    its open payments expire; the learner is told."""
    enrolment.status = "released"
    enrolment.released_at = now
    enrolment.hold_until = None
    for payment in session.scalars(select(Payment).where(
            Payment.enrolment_id == enrolment.id, Payment.status == "open")):
        payment.status = "expired"
        event(session, payment, now, "expired", why)
    account = enrolment.account
    language = account_language(account.language)
    title = enrolment.offering.title
    tell(session, now, account, "payment",
         _in(language, "Not enrolled: {title}").format(title=title),
         _in(language, "We did not receive your payment for {title} in time, so your place "
                       "has been released. You can enrol again while places are "
                       "left.").format(title=title))


def release_expired(session: Session, now: datetime, offering_id: int | None = None) -> int:
    """Release every pending enrolment whose hold has passed (in the caller's transaction)."""
    stmt = (select(PortalEnrolment)
            .where(PortalEnrolment.status == "pending", PortalEnrolment.hold_until.is_not(None),
                   PortalEnrolment.hold_until <= now)
            .options(selectinload(PortalEnrolment.offering),
                     selectinload(PortalEnrolment.account)))
    if offering_id is not None:
        stmt = stmt.where(PortalEnrolment.offering_id == offering_id)
    expired = list(session.scalars(stmt))
    for enrolment in expired:
        release(session, enrolment, now, "the place was held for 15 minutes")
    return len(expired)


def enrolment_options():
    return (selectinload(PortalEnrolment.offering).selectinload(Offering.policy)
            .selectinload("*"),
            selectinload(PortalEnrolment.account))


def enrolment_infos(session: Session, enrolments: list[PortalEnrolment],
                    now: datetime) -> list[EnrolmentInfo]:
    """The enrolments with their offering, newest payment, invoice, withdrawal and record."""
    from ...models import Invoice, PortalRecord

    if not enrolments:
        return []
    ids = [e.id for e in enrolments]
    places = taken(session, {e.offering_id for e in enrolments}, now)
    payments: dict[int, Payment] = {}
    for payment in session.scalars(select(Payment).where(Payment.enrolment_id.in_(ids))
                                   .order_by(Payment.id)):
        payments[payment.enrolment_id] = payment  # the newest wins
    invoices = {i.enrolment_id: i for i in session.scalars(
        select(Invoice).where(Invoice.enrolment_id.in_(ids)))}
    withdrawals: dict[int, Withdrawal] = {}
    for w in session.scalars(select(Withdrawal).where(Withdrawal.enrolment_id.in_(ids))
                             .order_by(Withdrawal.id)):
        withdrawals[w.enrolment_id] = w
    records = {r.enrolment_id: r for r in session.scalars(
        select(PortalRecord).where(PortalRecord.enrolment_id.in_(ids)))}
    today = now.date()
    out = []
    for e in enrolments:
        offering = offering_info(e.offering, places.get(e.offering_id, 0), now)
        invoice = invoices.get(e.id)
        withdrawal = withdrawals.get(e.id)
        record = records.get(e.id)
        under_review = withdrawal is not None and withdrawal.status == "under_review"
        status = e.status
        if status == "pending" and e.hold_until is not None and e.hold_until <= now:
            status = "released"  # the hold has ended (released for good by the next write)
        out.append(EnrolmentInfo(
            id=e.id, offering=offering, status=cast(EnrolmentStatus, status),
            payer=cast(Payer, e.payer),
            price_cents=e.price_cents, created_at=e.created_at, hold_until=e.hold_until,
            enrolled_at=e.enrolled_at,
            completion=cast(Completion | None, e.completion),
            payment=payment_info(payments[e.id]) if e.id in payments else None,
            invoice=invoice_info(invoice) if invoice is not None else None,
            withdrawal=withdrawal_info(withdrawal) if withdrawal is not None else None,
            record=RecordInfo(code=record.code, kind=cast(RecordKind, record.kind),
                              issued_at=record.issued_at, enrolment_id=e.id,
                              title=e.offering.title, starts_on=e.offering.starts_on,
                              ends_on=e.offering.ends_on) if record is not None else None,
            evaluated=e.evaluated_at is not None,
            can_withdraw=(e.status == "enrolled" or (e.status == "pending" and e.payer ==
                                                     "employer"))
            and not under_review and e.completion is None and today <= e.offering.ends_on,
            can_evaluate=e.status == "enrolled" and e.evaluated_at is None
            and today >= e.offering.ends_on))
    return out


def invoice_info(invoice) -> InvoiceInfo:
    return InvoiceInfo(number=invoice.number, organisation=invoice.organisation,
                       address=invoice.address, reference=invoice.reference,
                       contact_name=invoice.contact_name, contact_email=invoice.contact_email,
                       net_cents=invoice.net_cents, vat_percent=invoice.vat_percent,
                       vat_cents=invoice.vat_cents, total_cents=invoice.total_cents,
                       issued_on=invoice.issued_on, due_on=invoice.due_on,
                       paid_at=invoice.paid_at)


def practical_information(offering: Offering, language: str) -> str:
    """The practical lines of a confirmation and of the reminder."""
    where = (_in(language, "Online: {link}") if offering.online else
             _in(language, "Place: {room}")).format(link=offering.location,
                                                     room=offering.location)
    return "\n".join([
        _in(language, "Course: {title} ({code})").format(title=offering.title,
                                                         code=offering.code),
        _in(language, "Dates: {start} – {end}").format(
            start=format_date(offering.starts_on, language=language, weekday=True),
            end=format_date(offering.ends_on, language=language, weekday=True)),
        _in(language, "Lecturer: {lecturer}").format(lecturer=offering.lecturer),
        where,
        _in(language, "Study load: {hours} hours").format(hours=offering.hours),
    ])


def confirm_enrolment(session: Session, enrolment: PortalEnrolment, now: datetime,
                      how: str) -> None:
    """Payment received: the enrolment is final; the confirmation with all practical
    information goes to the message centre and by e-mail."""
    enrolment.status = "enrolled"
    enrolment.enrolled_at = now
    enrolment.hold_until = None
    enrolment.confirmed_at = now
    account = enrolment.account
    offering = enrolment.offering
    language = account_language(account.language)
    body = "\n\n".join([
        _in(language, "Dear {name},").format(name=account.name),
        _in(language, "Your enrolment for {title} is final: we received your payment of "
                      "{amount} ({how}).").format(title=offering.title,
                                                 amount=format_money(enrolment.price_cents,
                                                                     language=language),
                                                 how=how),
        practical_information(offering, language),
        _in(language, "One week before the course begins you will receive a reminder with "
                      "further details. Can't attend after all? Withdraw in the Course Portal: "
                      "My courses → the course → Manage Course → Withdraw."),
    ])
    tell(session, now, account, "confirmation",
         _in(language, "Enrolment confirmation: {title}").format(title=offering.title), body)


__all__ = ["HOLD", "INVOICE_TERM", "actor_of", "confirm_enrolment", "enrolment_infos",
           "enrolment_options", "event", "get_offering", "holds_place", "invoice_info",
           "offering_info", "offering_options", "payment_info", "policy_steps",
           "practical_information", "refund_percent", "release", "release_expired", "state_of",
           "taken", "withdrawal_info"]
