"""The Course Portal for the people who take its courses (``usis.portal``): the offering, enrolling
and paying, My courses, withdrawing, My Records, the evaluation and the message centre.

Every method that is about an account takes its ``account_id`` (the guard checks it is the
signed-in account's). A place is taken under the offering's row lock (SELECT ... FOR UPDATE; on
SQLite the write lock), counted from the enrolments that hold one, so two people paying for the
last place can never both get it.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ...i18n import N_, _, _in, account_language, format_date, format_datetime, format_money
from ...models import (
    EvaluationResponse,
    Invoice,
    Offering,
    Payment,
    PortalAccount,
    PortalEnrolment,
    PortalMessage,
    PortalRecord,
    Withdrawal,
)
from ..audit import record
from ..base import Context, bad_text, fail, rows_changed, shown
from ..notify import MailService, tell
from .common import (
    HOLD,
    INVOICE_TERM,
    actor_of,
    confirm_enrolment,
    enrolment_infos,
    enrolment_options,
    event,
    get_offering,
    offering_info,
    payment_info,
    refund_percent,
    release,
    release_expired,
    taken,
    withdrawal_info,
)
from .payments import (
    IDEAL_BANKS,
    TEST_OUTCOMES,
    PaymentProvider,
    ProviderError,
    provider_from_settings,
)
from .schemas import (
    PAYMENT_STATUS_LABELS,
    Billing,
    EnrolmentInfo,
    EvaluationForm,
    EvaluationQuestion,
    OfferingInfo,
    PaymentInfo,
    PortalMessageInfo,
    RecordInfo,
    Verification,
    WithdrawalInfo,
    WithdrawalQuote,
)

MAX_REASON = 2000
MAX_COMMENT = 2000
#: the evaluation's statements, answered on a five-point scale
QUESTIONS = (
    ("content", N_("The content of the course met my expectations.")),
    ("lecturer", N_("The lecturer explained the subject matter clearly.")),
    ("organisation", N_("The course was well organised.")),
    ("materials", N_("The course materials were useful.")),
    ("recommend", N_("I would recommend this course to others.")),
)
SCALE = (N_("Strongly disagree"), N_("Disagree"), N_("Neutral"), N_("Agree"),
         N_("Strongly agree"))
COMMENT_LABEL = N_("What could be better? (optional)")
ACTION = "portal"


class PortalService:
    def __init__(self, ctx: Context, mail: MailService,
                 provider: Callable[[], PaymentProvider] = provider_from_settings) -> None:
        self.ctx = ctx
        self.mail = mail
        self._provider = provider

    # ------------------------------------------------------------------ the offering
    def offerings(self, query: str = "", *, language: str | None = None,
                  online: bool | None = None, available_only: bool = False) -> list[OfferingInfo]:
        """The course offering, soonest first; ``query`` matches title, code, lecturer and
        description (case-insensitive); finished and cancelled courses come last."""
        now = self.ctx.now()
        needle = (query or "").strip().casefold()
        with self.ctx.db.read() as session:
            stmt = select(Offering).options(selectinload(Offering.policy)
                                            .selectinload("*")).order_by(Offering.starts_on,
                                                                         Offering.code)
            if language:
                stmt = stmt.where(Offering.language == language)
            if online is not None:
                stmt = stmt.where(Offering.online.is_(online))
            rows = list(session.scalars(stmt))
            places = taken(session, [o.id for o in rows], now)
            infos = [offering_info(o, places.get(o.id, 0), now) for o in rows]
        if needle:
            infos = [o for o in infos if any(needle in text.casefold() for text in (
                o.title, o.code, o.lecturer, o.description, o.location))]
        if available_only:
            infos = [o for o in infos if o.can_enrol]
        late = ("finished", "cancelled")
        return sorted(infos, key=lambda o: (o.state in late, o.state in ("started",)))

    def offering(self, offering_id: int) -> OfferingInfo:
        now = self.ctx.now()
        with self.ctx.db.read() as session:
            offering = get_offering(session, offering_id)
            return offering_info(offering, taken(session, [offering.id], now).get(
                offering.id, 0), now)

    def banks(self) -> dict[str, str]:
        """iDEAL's banks: id → name."""
        return dict(IDEAL_BANKS)

    # ------------------------------------------------------------------ enrol and pay
    def enrol(self, account_id: int, offering_id: int, *, payer: str = "self",
              billing: Billing | None = None) -> EnrolmentInfo:
        """Take a place: pending until paid. Paying yourself: the place is held for 15 minutes
        while you pay (an unpaid hold is then released). Your employer paying: an invoice is
        made and the place is held until the administration registers its payment."""
        if payer not in ("self", "employer"):
            raise fail("bad_payer", _("Choose who pays: you, or your employer."))
        if payer == "employer":
            if billing is None:
                raise fail("billing_missing", _("Fill in your employer's billing details."))
            _check_billing(billing)
        now = self.ctx.now()
        try:
            with self.ctx.db.write() as session:
                account = _account(session, account_id)
                offering = get_offering(session, offering_id, lock=True)
                release_expired(session, now, offering.id)
                current = session.scalar(select(PortalEnrolment).where(
                    PortalEnrolment.account_id == account.id,
                    PortalEnrolment.offering_id == offering.id,
                    PortalEnrolment.status.in_(("pending", "enrolled"))))
                if current is not None:
                    if current.status == "pending" and current.payer == payer == "self":
                        enrolment = current  # back to paying for the place already held
                        return self._info(session, enrolment, now)
                    raise fail("already_enrolled",
                               _("You are already enrolled for {title}.").format(
                                   title=offering.title) if current.status == "enrolled" else
                               _("Your enrolment for {title} is waiting for payment.").format(
                                   title=offering.title),
                               _("See My courses."))
                info = offering_info(offering, taken(session, [offering.id], now).get(
                    offering.id, 0), now)
                _check_can_enrol(info)
                enrolment = PortalEnrolment(
                    offering_id=offering.id, account_id=account.id, status="pending",
                    payer=payer, price_cents=offering.price_cents, created_at=now,
                    hold_until=now + HOLD if payer == "self" else None)
                session.add(enrolment)
                session.flush()
                enrolment.offering = offering
                enrolment.account = account
                if payer == "employer":
                    assert billing is not None
                    self._invoice(session, enrolment, billing, now)
                record(session, now, actor=actor_of(account), acting_for=actor_of(account),
                       action=ACTION,
                       detail=f"Enrolled for {offering.code} (pending payment, {payer} pays)")
                result = self._info(session, enrolment, now)
        except IntegrityError:  # the same account, in another terminal, at the same moment
            raise fail("already_enrolled", _("You already have an enrolment for this course."),
                       _("See My courses.")) from None
        self.mail.flush()
        return result

    def pay(self, account_id: int, enrolment_id: int, method: str,
            issuer: str | None = None) -> PaymentInfo:
        """Open a payment (iDEAL with a bank, or credit card) for a pending enrolment; the place
        stays held until the hold ends."""
        if method not in ("ideal", "creditcard"):
            raise fail("bad_method", _("Choose iDEAL or credit card."))
        if method == "ideal" and issuer not in IDEAL_BANKS:
            raise fail("bad_issuer", _("Choose your bank."),
                       _("iDEAL pays from your own bank account."))
        if method == "creditcard":
            issuer = None
        now = self.ctx.now()
        with self.ctx.db.read() as session:
            enrolment = self._pending(session, account_id, enrolment_id, now)
            existing = session.scalar(select(Payment).where(
                Payment.enrolment_id == enrolment.id, Payment.status == "open"))
            if existing is not None and existing.method == method and existing.issuer == issuer:
                return payment_info(existing)
            amount = enrolment.price_cents
            description = f"{enrolment.offering.code} {enrolment.offering.title}"
            hold_until = enrolment.hold_until
            assert hold_until is not None
        try:
            provider = self._provider()
            opened = provider.create(amount_cents=amount, description=description,
                                     method=method, issuer=issuer, expires_at=hold_until,
                                     metadata={"enrolment": str(enrolment_id)})
        except ProviderError as exc:
            raise fail("payment_unavailable",
                       _("The payment could not be started. Your place stays held until "
                         "{time}; please try again.").format(time=format_datetime(hold_until)),
                       _("If this keeps happening, choose another payment method.")) from exc
        with self.ctx.db.write() as session:
            offering_id = session.scalar(select(PortalEnrolment.offering_id).where(
                PortalEnrolment.id == enrolment_id))
            if offering_id is not None:
                get_offering(session, offering_id, lock=True)
            enrolment = self._pending(session, account_id, enrolment_id, now)
            for old in session.scalars(select(Payment).where(
                    Payment.enrolment_id == enrolment.id, Payment.status == "open")):
                old.status = "canceled"  # one open payment per enrolment: the newest
                event(session, old, now, "canceled", "replaced by a new payment")
            payment = Payment(enrolment_id=enrolment.id, provider=provider.name,
                              test_mode=provider.test_mode, reference=opened.reference,
                              method=method, issuer=issuer,
                              amount_cents=amount, status="open",
                              checkout_url=opened.checkout_url, created_at=now,
                              expires_at=hold_until)
            session.add(payment)
            session.flush()
            event(session, payment, now, "open",
                  f"{method} {IDEAL_BANKS.get(issuer or '', '')}".strip())
            record(session, now, actor=actor_of(enrolment.account),
                   acting_for=actor_of(enrolment.account), action=ACTION,
                   detail=f"Payment {payment.reference} opened for {enrolment.offering.code}")
            return payment_info(payment)

    def checkout(self, account_id: int, reference: str, outcome: str) -> EnrolmentInfo:
        """The test-mode checkout: the payer picks what the payment does (paid, failed,
        cancelled, expired); applied as a provider's answer is."""
        if outcome not in TEST_OUTCOMES:
            raise fail("bad_outcome", _("Choose the outcome: paid, failed, cancelled or "
                                        "expired."))
        now = self.ctx.now()
        with self.ctx.db.write() as session:
            payment = self._payment(session, account_id, reference, lock=True)
            if payment.provider != "test":
                raise fail("not_test_mode", _("This payment is made at the payment provider."),
                           _("Finish it there, then check its status."))
            if payment.status != "open":
                raise fail("payment_closed",
                           _("This payment is no longer open ({status}).").format(
                               status=_(PAYMENT_STATUS_LABELS[payment.status]).lower()),
                           _("See My courses: enrol again while places are left."))
            result = self._apply(session, payment, outcome, now, "test checkout")
        self.mail.flush()
        return result

    def refresh(self, account_id: int, reference: str) -> EnrolmentInfo:
        """Ask the provider what became of a payment and apply it."""
        now = self.ctx.now()
        with self.ctx.db.read() as session:
            payment = self._payment(session, account_id, reference)
            provider_name = payment.provider
        status = None
        if provider_name != "test":
            try:
                status = self._provider().status(reference)
            except ProviderError as exc:
                raise fail("payment_unavailable",
                           _("The payment provider cannot be reached; try again in a "
                             "moment.")) from exc
        with self.ctx.db.write() as session:
            payment = self._payment(session, account_id, reference, lock=True)
            if status is not None and status in TEST_OUTCOMES:
                result = self._apply(session, payment, status, now, "provider status")
            else:
                if payment.status == "open" and payment.expires_at and payment.expires_at <= now:
                    result = self._apply(session, payment, "expired", now, "hold ended")
                else:
                    result = self._info(session, payment_enrolment(session, payment), now)
        self.mail.flush()
        return result

    def cancel_pending(self, account_id: int, enrolment_id: int) -> EnrolmentInfo:
        """Stop paying for a place held by an open payment: the place is released at once."""
        now = self.ctx.now()
        with self.ctx.db.write() as session:
            enrolment = self._enrolment(session, account_id, enrolment_id, lock=True)
            if enrolment.status != "pending" or enrolment.payer != "self":
                raise fail("not_pending", _("This enrolment is not waiting for your payment."))
            release(session, enrolment, now, "cancelled by the learner")
            record(session, now, actor=actor_of(enrolment.account),
                   acting_for=actor_of(enrolment.account), action=ACTION,
                   detail=f"Stopped paying for {enrolment.offering.code}: place released")
            result = self._info(session, enrolment, now)
        self.mail.flush()
        return result

    # ------------------------------------------------------------------ my courses
    def my_courses(self, account_id: int) -> list[EnrolmentInfo]:
        """Every enrolment of the account but the released ones, soonest course first."""
        now = self.ctx.now()
        with self.ctx.db.read() as session:
            _account(session, account_id)
            rows = list(session.scalars(
                select(PortalEnrolment).join(Offering)
                .where(PortalEnrolment.account_id == account_id,
                       PortalEnrolment.status != "released")
                .options(*enrolment_options())
                .order_by(Offering.starts_on, PortalEnrolment.id)))
            return [e for e in enrolment_infos(session, rows, now) if e.status != "released"]

    def course(self, account_id: int, enrolment_id: int) -> EnrolmentInfo:
        now = self.ctx.now()
        with self.ctx.db.read() as session:
            return self._info(session, self._enrolment(session, account_id, enrolment_id), now)

    def withdraw_quote(self, account_id: int, enrolment_id: int) -> WithdrawalQuote:
        """What withdrawing now gives back under the course's cancellation policy (shown
        before "Complete")."""
        now = self.ctx.now()
        with self.ctx.db.read() as session:
            enrolment = self._enrolment(session, account_id, enrolment_id)
            self._check_withdrawable(session, enrolment, now)
            return _quote(enrolment, now)

    def withdraw(self, account_id: int, enrolment_id: int, reason: str) -> WithdrawalInfo:
        """"Withdraw" → the reason → "Complete": a request the administration reviews."""
        reason = (reason or "").strip()
        if len(reason) < 3:
            raise fail("reason_missing", _("Enter the reason for your withdrawal."))
        why = bad_text(reason, MAX_REASON, multiline=True)
        if why:
            raise fail("bad_reason", _("Reason: {why}").format(why=why))
        now = self.ctx.now()
        try:
            with self.ctx.db.write() as session:
                enrolment = self._enrolment(session, account_id, enrolment_id, lock=True)
                self._check_withdrawable(session, enrolment, now)
                quote = _quote(enrolment, now)
                withdrawal = Withdrawal(enrolment_id=enrolment.id, reason=reason,
                                        requested_at=now, status="under_review",
                                        refund_percent=quote.refund_percent,
                                        refund_cents=quote.refund_cents, note="")
                session.add(withdrawal)
                session.flush()
                account = enrolment.account
                language = account_language(account.language)
                title = enrolment.offering.title
                tell(session, now, account, "withdrawal",
                     _in(language, "Withdrawal received: {title}").format(title=title),
                     "\n\n".join([
                         _in(language, "Dear {name},").format(name=account.name),
                         _in(language, "We received your request to withdraw from {title}. "
                                       "It has been sent to the administration for "
                                       "review.").format(title=title),
                         _in(language, "Under the cancellation policy you get {percent}% "
                                       "back: {amount}.").format(
                             percent=quote.refund_percent,
                             amount=format_money(quote.refund_cents, language=language)),
                         _in(language, "You will hear from us when it has been reviewed."),
                     ]))
                record(session, now, actor=actor_of(account), acting_for=actor_of(account),
                       action=ACTION,
                       detail=f"Withdrawal requested for {enrolment.offering.code} "
                              f"({quote.refund_percent}% back)")
                result = withdrawal_info(withdrawal)
        except IntegrityError:
            raise fail("already_requested", _("Your withdrawal is already under review.")) \
                from None
        self.mail.flush()
        return result

    # ------------------------------------------------------------------ records
    def records(self, account_id: int) -> list[RecordInfo]:
        """My Records: the certificates and proofs of attendance of the account."""
        with self.ctx.db.read() as session:
            _account(session, account_id)
            rows = session.execute(
                select(PortalRecord, Offering).join(PortalEnrolment,
                                                    PortalRecord.enrolment_id ==
                                                    PortalEnrolment.id)
                .join(Offering, PortalEnrolment.offering_id == Offering.id)
                .where(PortalEnrolment.account_id == account_id)
                .order_by(PortalRecord.issued_at.desc(), PortalRecord.id.desc()))
            return [RecordInfo(code=r.code, kind=r.kind, issued_at=r.issued_at,
                               enrolment_id=r.enrolment_id, title=o.title,
                               starts_on=o.starts_on, ends_on=o.ends_on) for r, o in rows]

    def record_pdf(self, account_id: int, code: str) -> tuple[str, bytes]:
        """(file name, PDF) of one of the account's certificates or proofs of attendance."""
        from .documents import record_pdf

        with self.ctx.db.read() as session:
            row = session.scalar(
                select(PortalRecord).join(PortalEnrolment)
                .where(PortalRecord.code == (code or "").strip().upper(),
                       PortalEnrolment.account_id == account_id)
                .options(selectinload(PortalRecord.enrolment)
                         .selectinload(PortalEnrolment.offering),
                         selectinload(PortalRecord.enrolment)
                         .selectinload(PortalEnrolment.account)))
            if row is None:
                raise fail("unknown_record", _("This certificate is not in your records."))
            return record_pdf(row)

    def invoice_pdf(self, account_id: int, enrolment_id: int) -> tuple[str, bytes]:
        """(file name, PDF) of the invoice of an enrolment the account's employer pays."""
        from .documents import invoice_pdf

        with self.ctx.db.read() as session:
            enrolment = self._enrolment(session, account_id, enrolment_id)
            invoice = session.scalar(select(Invoice).where(Invoice.enrolment_id == enrolment.id))
            if invoice is None:
                raise fail("no_invoice", _("There is no invoice for this enrolment."))
            invoice.enrolment = enrolment
            return invoice_pdf(invoice)

    def verify(self, code: str) -> Verification:
        """Whether a certificate's verification code is real, and what it certifies."""
        value = (code or "").strip().upper()
        with self.ctx.db.read() as session:
            row = session.scalar(
                select(PortalRecord).where(PortalRecord.code == value)
                .options(selectinload(PortalRecord.enrolment)
                         .selectinload(PortalEnrolment.offering),
                         selectinload(PortalRecord.enrolment)
                         .selectinload(PortalEnrolment.account)))
            if row is None:
                return Verification(code=shown(value, 20), valid=False)
            enrolment = row.enrolment
            offering = enrolment.offering
            return Verification(code=row.code, valid=True, kind=row.kind,
                                name=enrolment.account.name, title=offering.title,
                                starts_on=offering.starts_on, ends_on=offering.ends_on,
                                hours=offering.hours, ec=offering.ec, issued_at=row.issued_at)

    # ------------------------------------------------------------------ evaluation
    def evaluation_form(self, account_id: int, enrolment_id: int) -> EvaluationForm:
        now = self.ctx.now()
        with self.ctx.db.read() as session:
            enrolment = self._enrolment(session, account_id, enrolment_id)
            _check_evaluable(enrolment, now)
            return EvaluationForm(enrolment_id=enrolment.id, title=enrolment.offering.title,
                                  questions=[EvaluationQuestion(key=k, text=_(t))
                                             for k, t in QUESTIONS],
                                  scale=[_(label) for label in SCALE],
                                  comment_label=_(COMMENT_LABEL))

    def evaluate(self, account_id: int, enrolment_id: int, answers: Mapping[str, int],
                 comment: str = "") -> None:
        """Submit the evaluation, once. What was answered is stored apart from who answered."""
        keys = [k for k, _text in QUESTIONS]
        missing = [k for k in keys if k not in answers]
        if missing:
            raise fail("evaluation_incomplete",
                       _("Answer every statement ({count} not answered).").format(
                           count=len(missing)))
        if any(not isinstance(answers[k], int) or isinstance(answers[k], bool)
               or not 1 <= answers[k] <= 5 for k in keys) or set(answers) - set(keys):
            raise fail("bad_answer", _("Each answer is a number from 1 to 5."))
        comment = (comment or "").strip()
        why = bad_text(comment, MAX_COMMENT, multiline=True)
        if why:
            raise fail("bad_comment", _("Comment: {why}").format(why=why))
        now = self.ctx.now()
        with self.ctx.db.write() as session:
            enrolment = self._enrolment(session, account_id, enrolment_id)
            _check_evaluable(enrolment, now)
            done = rows_changed(session, update(PortalEnrolment)
                .where(PortalEnrolment.id == enrolment.id, PortalEnrolment.evaluated_at.is_(None))
                .values(evaluated_at=now))
            if not done:  # another terminal submitted it a moment ago
                raise fail("already_evaluated", _("You have already submitted this "
                                                  "evaluation."))
            session.add(EvaluationResponse(
                id=secrets.token_hex(16), offering_id=enrolment.offering_id,
                answers=json.dumps({**{k: answers[k] for k in keys}, "comment": comment},
                                   sort_keys=True)))
            record(session, now, actor=actor_of(enrolment.account),
                   acting_for=actor_of(enrolment.account), action=ACTION,
                   detail=f"Evaluation of {enrolment.offering.code} submitted")

    # ------------------------------------------------------------------ messages
    def messages(self, account_id: int) -> list[PortalMessageInfo]:
        with self.ctx.db.read() as session:
            rows = session.scalars(select(PortalMessage)
                                   .where(PortalMessage.account_id == account_id)
                                   .order_by(PortalMessage.created_at.desc(),
                                             PortalMessage.id.desc()))
            return [PortalMessageInfo(id=m.id, category=m.category, subject=m.subject,
                                      body=m.body, created_at=m.created_at,
                                      read=m.read_at is not None) for m in rows]

    def unread_count(self, account_id: int) -> int:
        with self.ctx.db.read() as session:
            return session.scalar(select(func.count()).select_from(PortalMessage).where(
                PortalMessage.account_id == account_id, PortalMessage.read_at.is_(None))) or 0

    def mark_read(self, account_id: int, message_id: int) -> None:
        now = self.ctx.now()
        with self.ctx.db.write() as session:
            message = session.scalar(select(PortalMessage).where(
                PortalMessage.id == message_id, PortalMessage.account_id == account_id))
            if message is None:
                raise fail("unknown_message", _("This message does not exist."))
            if message.read_at is None:
                message.read_at = now

    # ------------------------------------------------------------------ helpers
    def _info(self, session: Session, enrolment: PortalEnrolment,
              now: datetime) -> EnrolmentInfo:
        return enrolment_infos(session, [enrolment], now)[0]

    @staticmethod
    def _enrolment(session: Session, account_id: int, enrolment_id: int, *,
                   lock: bool = False) -> PortalEnrolment:
        if lock:
            offering_id = session.scalar(select(PortalEnrolment.offering_id).where(
                PortalEnrolment.id == enrolment_id, PortalEnrolment.account_id == account_id))
            if offering_id is not None:
                get_offering(session, offering_id, lock=True)
        enrolment = session.scalar(select(PortalEnrolment).where(
            PortalEnrolment.id == enrolment_id, PortalEnrolment.account_id == account_id)
            .options(*enrolment_options()).execution_options(populate_existing=True))
        if enrolment is None:
            raise fail("unknown_enrolment", _("This course is not in My courses."))
        return enrolment

    def _pending(self, session: Session, account_id: int, enrolment_id: int,
                 now: datetime) -> PortalEnrolment:
        enrolment = self._enrolment(session, account_id, enrolment_id)
        if enrolment.status == "enrolled":
            raise fail("already_paid", _("This enrolment has been paid: it is final."))
        if (enrolment.status != "pending" or enrolment.payer != "self"
                or enrolment.hold_until is None or enrolment.hold_until <= now):
            raise fail("hold_ended",
                       _("Your place in {title} is no longer held for you.").format(
                           title=enrolment.offering.title),
                       _("Enrol again while places are left."))
        return enrolment

    @staticmethod
    def _payment(session: Session, account_id: int, reference: str, *,
                 lock: bool = False) -> Payment:
        if lock:
            offering_id = session.scalar(
                select(PortalEnrolment.offering_id).join(Payment)
                .where(Payment.reference == reference, PortalEnrolment.account_id == account_id))
            if offering_id is not None:
                get_offering(session, offering_id, lock=True)
        payment = session.scalar(
            select(Payment).join(PortalEnrolment)
            .where(Payment.reference == reference, PortalEnrolment.account_id == account_id)
            .execution_options(populate_existing=True))
        if payment is None:
            raise fail("unknown_payment", _("This payment is not yours or does not exist."))
        return payment

    def _apply(self, session: Session, payment: Payment, status: str, now: datetime,
               how: str) -> EnrolmentInfo:
        """A provider's answer about ``payment`` (the offering's row locked by the caller)."""
        enrolment = payment_enrolment(session, payment)
        if payment.status == status or (payment.status != "open" and status != "paid"):
            return self._info(session, enrolment, now)  # nothing new
        if payment.status == "paid":
            return self._info(session, enrolment, now)  # final
        was_open = payment.status == "open"
        payment.status = status
        account = enrolment.account
        if status == "paid":
            payment.paid_at = now
            if was_open and enrolment.status == "pending":
                event(session, payment, now, status, how)
                confirm_enrolment(session, enrolment, now, _method_label(payment, account))
            else:  # the provider took the money after the place was let go
                event(session, payment, now, "paid", "received after the place was released: "
                      "refund due")
                language = account_language(account.language)
                tell(session, now, account, "payment",
                     _in(language, "Payment received too late: {title}").format(
                         title=enrolment.offering.title),
                     _in(language, "Your payment arrived after your place had been released. "
                                   "It will be refunded within 14 days.").format())
        else:
            event(session, payment, now, status, how)
        if status == "expired":
            if enrolment.status == "pending":
                release(session, enrolment, now, "the payment expired")
        record(session, now, actor=actor_of(account), acting_for=actor_of(account),
               action=ACTION, detail=f"Payment {payment.reference}: {status} ({how})")
        return self._info(session, enrolment, now)

    def _invoice(self, session: Session, enrolment: PortalEnrolment, billing: Billing,
                 now: datetime) -> Invoice:
        offering = enrolment.offering
        total = enrolment.price_cents  # the price includes VAT, whoever pays it
        net = round(total * 100 / (100 + offering.vat_percent))
        vat = total - net
        invoice = Invoice(number=f"CP{now:%Y}-{enrolment.id:06d}", enrolment_id=enrolment.id,
                          organisation=billing.organisation.strip(),
                          address=billing.address.strip(), reference=billing.reference.strip(),
                          contact_name=billing.contact_name.strip(),
                          contact_email=billing.contact_email.strip().lower(),
                          net_cents=net, vat_percent=offering.vat_percent, vat_cents=vat,
                          total_cents=total, issued_on=now.date(),
                          due_on=(now + INVOICE_TERM).date())
        session.add(invoice)
        account = enrolment.account
        language = account_language(account.language)
        tell(session, now, account, "invoice",
             _in(language, "Invoice sent to your employer: {title}").format(
                 title=offering.title),
             "\n\n".join([
                 _in(language, "Dear {name},").format(name=account.name),
                 _in(language, "Invoice {number} for {title} ({amount}) will be sent to "
                               "{organisation}. Your enrolment is only final once payment has "
                               "been received.").format(
                     number=invoice.number, title=offering.title,
                     amount=format_money(invoice.total_cents, language=language),
                     organisation=invoice.organisation),
             ]))
        return invoice

    @staticmethod
    def _check_withdrawable(session: Session, enrolment: PortalEnrolment,
                            now: datetime) -> None:
        if enrolment.status not in ("enrolled", "pending") or (
                enrolment.status == "pending" and enrolment.payer == "self"):
            raise fail("not_withdrawable",
                       _("You can only withdraw from a course you are enrolled in.")
                       if enrolment.status != "pending" else
                       _("This enrolment is not paid yet: stop paying instead."))
        if enrolment.completion is not None or now.date() > enrolment.offering.ends_on:
            raise fail("course_over", _("This course is over; you can no longer withdraw."))
        open_request = session.scalar(select(Withdrawal.id).where(
            Withdrawal.enrolment_id == enrolment.id, Withdrawal.status == "under_review"))
        if open_request is not None:
            raise fail("already_requested", _("Your withdrawal is already under review."))


def payment_enrolment(session: Session, payment: Payment) -> PortalEnrolment:
    enrolment = session.scalar(select(PortalEnrolment).where(
        PortalEnrolment.id == payment.enrolment_id).options(*enrolment_options())
        .execution_options(populate_existing=True))
    assert enrolment is not None  # (a foreign key)
    return enrolment


def _method_label(payment: Payment, account: PortalAccount) -> str:
    from .payments import IDEAL_BANKS as BANKS

    language = account_language(account.language)
    if payment.method == "ideal":
        return f"iDEAL, {BANKS.get(payment.issuer or '', '')}".rstrip(", ")
    return _in(language, "Credit card")


def _quote(enrolment: PortalEnrolment, now: datetime) -> WithdrawalQuote:
    from .common import policy_steps

    paid = enrolment.price_cents
    days, percent = refund_percent(enrolment.offering, now.date())
    return WithdrawalQuote(enrolment_id=enrolment.id, paid_cents=paid, days_before=days,
                           refund_percent=percent, refund_cents=round(paid * percent / 100),
                           policy_name=enrolment.offering.policy.name,
                           policy=policy_steps(enrolment.offering))


def _account(session: Session, account_id: int) -> PortalAccount:
    account = session.get(PortalAccount, account_id)
    if account is None:
        raise fail("unknown_account", _("This Course Portal account does not exist."))
    if account.confirmed_at is None:
        raise fail("not_confirmed", _("Confirm your e-mail address first."),
                   _("Enter the code we sent you."))
    return account


def _check_can_enrol(info: OfferingInfo) -> None:
    if info.state == "full":
        raise fail("offering_full", _("{title} is full.").format(title=info.title),
                   _("Choose another course or another date."))
    if info.state in ("started", "finished"):
        raise fail("offering_started", _("{title} has already started; you can no longer "
                                         "enrol.").format(title=info.title))
    if info.state == "cancelled":
        raise fail("offering_cancelled", _("{title} has been cancelled.").format(
            title=info.title))


def _check_billing(billing: Billing) -> None:
    fields = (
        ("organisation", billing.organisation, 200, False, True, N_("Organisation")),
        ("address", billing.address, 500, True, True, N_("Billing address")),
        ("reference", billing.reference, 60, False, False, N_("Reference / PO number")),
        ("contact_name", billing.contact_name, 120, False, True, N_("Contact person")),
        ("contact_email", billing.contact_email, 254, False, True, N_("Contact e-mail")),
    )
    for _key, value, limit, multiline, required, label in fields:
        text = (value or "").strip()
        if required and not text:
            raise fail("billing_missing", _("{field}: fill this in.").format(field=_(label)))
        why = bad_text(text, limit, multiline=multiline)
        if why:
            raise fail("bad_billing", _("{field}: {why}").format(field=_(label), why=why))
    from .accounts import check_email

    check_email(billing.contact_email, _(N_("Contact e-mail")))


def _check_evaluable(enrolment: PortalEnrolment, now: datetime) -> None:
    if enrolment.status != "enrolled":
        raise fail("not_enrolled", _("Only participants can evaluate a course."))
    if now.date() < enrolment.offering.ends_on:
        raise fail("evaluation_not_open",
                   _("The evaluation will be available from the last day of the course "
                     "({date}).").format(date=format_date(enrolment.offering.ends_on)))
    if enrolment.evaluated_at is not None:
        raise fail("already_evaluated", _("You have already submitted this evaluation."))


__all__ = ["QUESTIONS", "SCALE", "PortalService"]
