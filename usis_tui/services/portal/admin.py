"""The Course Portal's administration (``usis.portal_admin``, staff role "portal"): the offering,
enrolments and payments, registering an invoice's payment, reviewing withdrawals, marking a
course completed (the certificate or proof of attendance), the evaluation results. And the jobs
(``usis.portal_jobs``, the ``usis portal`` command only): the reminder a week before the start,
releasing places whose payment did not come.

Every step is in the audit trail under the staff member's name."""

from __future__ import annotations

import json
import secrets
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ...i18n import _, _in, account_language, format_money
from ...models import (
    CancellationPolicy,
    EvaluationResponse,
    Invoice,
    Offering,
    Payment,
    PortalEnrolment,
    PortalRecord,
    Withdrawal,
)
from ..audit import record
from ..base import Context, bad_text, fail, rows_changed
from ..notify import MailService, tell
from .common import (
    confirm_enrolment,
    enrolment_options,
    get_offering,
    offering_info,
    practical_information,
    release_expired,
    taken,
    withdrawal_info,
)
from .learner import QUESTIONS
from .schemas import (
    AdminEnrolment,
    AdminWithdrawal,
    EvaluationSummary,
    OfferingDraft,
    OfferingInfo,
    QuestionResult,
    RemindResult,
)

ACTION = "portal-admin"
REMIND_BEFORE = timedelta(days=7)
#: verification codes: no 0/O, 1/I/L (read aloud and typed from paper)
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
MAX_NOTE = 2000


def new_code() -> str:
    """A verification code such as "LU-7KQ4-M2XD-9RTA"."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"LU-{raw[:4]}-{raw[4:8]}-{raw[8:]}"


class PortalAdminService:
    def __init__(self, ctx: Context, mail: MailService) -> None:
        self.ctx = ctx
        self.mail = mail

    # ------------------------------------------------------------------ offering
    def offerings(self) -> list[OfferingInfo]:
        now = self.ctx.now()
        with self.ctx.db.read() as session:
            rows = list(session.scalars(select(Offering).options(
                selectinload(Offering.policy).selectinload("*"))
                .order_by(Offering.starts_on, Offering.code)))
            places = taken(session, [o.id for o in rows], now)
            return [offering_info(o, places.get(o.id, 0), now) for o in rows]

    def policies(self) -> list[str]:
        with self.ctx.db.read() as session:
            return list(session.scalars(select(CancellationPolicy.name)
                                        .order_by(CancellationPolicy.id)))

    def save_offering(self, draft: OfferingDraft, offering_id: int | None = None, *,
                      actor: str) -> OfferingInfo:
        """Create an offering (``offering_id`` None) or change one. Places cannot go below the
        places taken."""
        _check_draft(draft)
        now = self.ctx.now()
        try:
            with self.ctx.db.write() as session:
                policy = session.scalar(select(CancellationPolicy).where(
                    CancellationPolicy.name == draft.policy_name) if draft.policy_name else
                    select(CancellationPolicy).order_by(CancellationPolicy.id).limit(1))
                if policy is None:
                    raise fail("unknown_policy", _("Choose a cancellation policy."))
                if offering_id is None:
                    offering = Offering(created_at=now, status="published")
                    session.add(offering)
                else:
                    offering = get_offering(session, offering_id, lock=True)
                    used = taken(session, [offering.id], now).get(offering.id, 0)
                    if draft.capacity < used:
                        raise fail("capacity_below_taken",
                                   _("Places: at least {count}, the places taken.").format(
                                       count=used))
                for field in ("code", "title", "description", "language", "lecturer",
                              "online", "location", "starts_on", "ends_on", "hours", "ec",
                              "price_cents", "vat_percent", "capacity", "record_kind"):
                    value = getattr(draft, field)
                    setattr(offering, field, value.strip() if isinstance(value, str) else value)
                offering.policy_id = policy.id
                session.flush()
                record(session, now, actor=actor, acting_for=None, action=ACTION,
                       detail=("Offering created: " if offering_id is None else
                               "Offering changed: ") + f"{offering.code} {offering.title}")
                session.refresh(offering)
                return offering_info(offering, taken(session, [offering.id], now).get(
                    offering.id, 0), now)
        except IntegrityError:
            raise fail("code_taken", _("Code {code} is in use by another course.").format(
                code=draft.code.strip())) from None

    # ------------------------------------------------------------------ enrolments
    def enrolments(self, offering_id: int | None = None) -> list[AdminEnrolment]:
        """Every enrolment (of one offering), newest first, with payment and review state."""
        with self.ctx.db.read() as session:
            stmt = (select(PortalEnrolment).options(*enrolment_options())
                    .order_by(PortalEnrolment.id.desc()))
            if offering_id is not None:
                stmt = stmt.where(PortalEnrolment.offering_id == offering_id)
            rows = list(session.scalars(stmt))
            ids = [e.id for e in rows]
            payments: dict[int, Payment] = {}
            invoices: dict[int, Invoice] = {}
            withdrawals: dict[int, Withdrawal] = {}
            records: dict[int, PortalRecord] = {}
            if ids:
                for p in session.scalars(select(Payment).where(Payment.enrolment_id.in_(ids))
                                         .order_by(Payment.id)):
                    payments[p.enrolment_id] = p
                invoices = {i.enrolment_id: i for i in session.scalars(
                    select(Invoice).where(Invoice.enrolment_id.in_(ids)))}
                for w in session.scalars(select(Withdrawal).where(
                        Withdrawal.enrolment_id.in_(ids)).order_by(Withdrawal.id)):
                    withdrawals[w.enrolment_id] = w
                records = {r.enrolment_id: r for r in session.scalars(
                    select(PortalRecord).where(PortalRecord.enrolment_id.in_(ids)))}
            return [AdminEnrolment(
                id=e.id, offering_id=e.offering_id, offering_code=e.offering.code,
                offering_title=e.offering.title, name=e.account.name, email=e.account.email,
                login=e.account.login, status=e.status, payer=e.payer,
                price_cents=e.price_cents, created_at=e.created_at, enrolled_at=e.enrolled_at,
                payment_status=payments[e.id].status if e.id in payments else None,
                invoice_number=invoices[e.id].number if e.id in invoices else None,
                invoice_paid=e.id in invoices and invoices[e.id].paid_at is not None,
                withdrawal_status=withdrawals[e.id].status if e.id in withdrawals else None,
                completion=e.completion,
                record_code=records[e.id].code if e.id in records else None) for e in rows]

    def register_payment(self, invoice_number: str, *, actor: str) -> AdminEnrolment:
        """An employer paid invoice ``invoice_number``: the enrolment is final and the learner
        gets the confirmation."""
        number = (invoice_number or "").strip().upper()
        now = self.ctx.now()
        with self.ctx.db.write() as session:
            enrolment_id = session.scalar(select(Invoice.enrolment_id).where(
                Invoice.number == number))
            if enrolment_id is None:
                raise fail("unknown_invoice", _("There is no invoice {number}.").format(
                    number=number[:20]))
            enrolment = self._enrolment(session, enrolment_id, lock=True)
            invoice = session.scalar(select(Invoice).where(Invoice.number == number))
            assert invoice is not None
            if invoice.paid_at is not None:
                raise fail("invoice_paid", _("Invoice {number} was registered as paid on "
                                             "{date}.").format(number=number,
                                                               date=invoice.paid_at.date()))
            if enrolment.status != "pending":
                raise fail("not_pending", _("This enrolment is no longer waiting for "
                                            "payment."))
            invoice.paid_at = now
            invoice.paid_registered_by = actor
            confirm_enrolment(session, enrolment, now, _in(
                account_language(enrolment.account.language), "invoice {number}").format(
                    number=number))
            record(session, now, actor=actor, acting_for=_learner(enrolment), action=ACTION,
                   detail=f"Payment of invoice {number} registered: enrolment "
                          f"{enrolment.offering.code} final")
        self.mail.flush()
        return self._row(enrolment_id)

    # ------------------------------------------------------------------ withdrawals
    def withdrawals(self, status: str | None = "under_review") -> list[AdminWithdrawal]:
        with self.ctx.db.read() as session:
            stmt = (select(Withdrawal).options(
                selectinload(Withdrawal.enrolment).selectinload(PortalEnrolment.offering),
                selectinload(Withdrawal.enrolment).selectinload(PortalEnrolment.account))
                .order_by(Withdrawal.requested_at, Withdrawal.id))
            if status:
                stmt = stmt.where(Withdrawal.status == status)
            return [AdminWithdrawal(
                withdrawal=withdrawal_info(w), enrolment_id=w.enrolment_id,
                offering_code=w.enrolment.offering.code,
                offering_title=w.enrolment.offering.title,
                starts_on=w.enrolment.offering.starts_on, name=w.enrolment.account.name,
                email=w.enrolment.account.email, payer=w.enrolment.payer,
                paid_cents=w.enrolment.price_cents) for w in session.scalars(stmt)]

    def decide_withdrawal(self, withdrawal_id: int, approve: bool, note: str = "", *,
                          actor: str) -> AdminWithdrawal:
        """Approve (the place is freed; the policy's refund — or a credit note for an invoice —
        is recorded) or reject (the enrolment stays) a withdrawal; the learner is told."""
        note = (note or "").strip()
        why = bad_text(note, MAX_NOTE, multiline=True)
        if why:
            raise fail("bad_note", _("Note: {why}").format(why=why))
        if not approve and not note:
            raise fail("note_missing", _("Say in the note why the withdrawal is rejected."))
        now = self.ctx.now()
        with self.ctx.db.write() as session:
            enrolment_id = session.scalar(select(Withdrawal.enrolment_id).where(
                Withdrawal.id == withdrawal_id))
            if enrolment_id is None:
                raise fail("unknown_withdrawal", _("This withdrawal request does not exist."))
            enrolment = self._enrolment(session, enrolment_id, lock=True)
            withdrawal = session.scalar(select(Withdrawal).where(Withdrawal.id == withdrawal_id)
                                        .execution_options(populate_existing=True))
            assert withdrawal is not None
            if withdrawal.status != "under_review":
                raise fail("already_decided", _("This withdrawal has been reviewed already."))
            withdrawal.status = "approved" if approve else "rejected"
            withdrawal.decided_at = now
            withdrawal.decided_by = actor
            withdrawal.note = note
            account = enrolment.account
            language = account_language(account.language)
            title = enrolment.offering.title
            if approve:
                invoice = session.scalar(select(Invoice).where(
                    Invoice.enrolment_id == enrolment.id))
                was_paid = enrolment.status == "enrolled"
                enrolment.status = "withdrawn"
                enrolment.hold_until = None
                if invoice is not None and invoice.paid_at is None:
                    withdrawal.settlement = "credit_note"  # the unpaid invoice is cancelled
                    withdrawal.refund_cents = invoice.total_cents
                    withdrawal.settlement_number = f"CN-{invoice.number}"
                elif invoice is not None:
                    withdrawal.settlement = "credit_note" if withdrawal.refund_cents else "none"
                    withdrawal.settlement_number = (f"CN-{invoice.number}"
                                                    if withdrawal.refund_cents else None)
                elif was_paid and withdrawal.refund_cents:
                    withdrawal.settlement = "refund"
                    withdrawal.settlement_number = f"RF-{withdrawal.id:06d}"
                else:
                    withdrawal.settlement = "none"
                money = format_money(withdrawal.refund_cents, language=language)
                lines = [_in(language, "Your withdrawal from {title} has been approved.").format(
                    title=title)]
                if withdrawal.settlement == "refund":
                    lines.append(_in(language, "{amount} will be refunded to you within 14 "
                                               "days.").format(amount=money))
                elif withdrawal.settlement == "credit_note":
                    lines.append(_in(language, "Your employer receives credit note {number} "
                                               "for {amount}.").format(
                        number=withdrawal.settlement_number, amount=money))
                else:
                    lines.append(_in(language, "Under the cancellation policy nothing is "
                                               "refunded."))
            else:
                lines = [_in(language, "Your withdrawal from {title} has been rejected: you "
                                       "remain enrolled.").format(title=title)]
            if note:
                lines.append(_in(language, "Note from the administration: {note}").format(
                    note=note))
            tell(session, now, account, "withdrawal",
                 _in(language, "Withdrawal reviewed: {title}").format(title=title),
                 "\n\n".join([_in(language, "Dear {name},").format(name=account.name),
                              *lines]))
            record(session, now, actor=actor, acting_for=_learner(enrolment), action=ACTION,
                   detail=f"Withdrawal {withdrawal.id} from {enrolment.offering.code} "
                          f"{withdrawal.status} ({withdrawal.settlement or 'no settlement'}, "
                          f"{withdrawal.refund_cents} cents)")
        self.mail.flush()
        return next(w for w in self.withdrawals(None) if w.withdrawal.id == withdrawal_id)

    # ------------------------------------------------------------------ completion
    def complete(self, enrolment_id: int, completion: str = "completed", *,
                 actor: str) -> AdminEnrolment:
        """Mark a participant completed (or attended): their certificate — or, for a course
        that gives one, their proof of attendance — is issued under My Records."""
        if completion not in ("completed", "attended"):
            raise fail("bad_completion", _("Mark the participant completed or attended."))
        now = self.ctx.now()
        with self.ctx.db.write() as session:
            enrolment = self._enrolment(session, enrolment_id, lock=True)
            if enrolment.status != "enrolled":
                raise fail("not_enrolled", _("Only a participant whose enrolment is final can "
                                             "complete the course."))
            if enrolment.completion is not None:
                raise fail("already_completed", _("This participant has been marked "
                                                  "{completion} already.").format(
                    completion=_(enrolment.completion)))
            if now.date() < enrolment.offering.starts_on:
                raise fail("not_started", _("The course has not started yet."))
            kind = ("attendance" if completion == "attended"
                    or enrolment.offering.record_kind == "attendance" else "certificate")
            enrolment.completion = completion
            enrolment.completed_at = now
            code = new_code()
            session.add(PortalRecord(enrolment_id=enrolment.id, kind=kind, code=code,
                                     issued_at=now, issued_by=actor))
            account = enrolment.account
            language = account_language(account.language)
            what = (_in(language, "certificate") if kind == "certificate" else
                    _in(language, "proof of attendance"))
            tell(session, now, account, "record",
                 _in(language, "Your {what} for {title}").format(
                     what=what, title=enrolment.offering.title),
                 "\n\n".join([
                     _in(language, "Dear {name},").format(name=account.name),
                     _in(language, "Your {what} for {title} is ready. Download it in the "
                                   "Course Portal under My Records.").format(
                         what=what, title=enrolment.offering.title),
                     _in(language, "Verification code: {code}").format(code=code),
                 ]))
            record(session, now, actor=actor, acting_for=_learner(enrolment), action=ACTION,
                   detail=f"{enrolment.offering.code}: {account.email} {completion}; "
                          f"{kind} {code} issued")
        self.mail.flush()
        return self._row(enrolment_id)

    # ------------------------------------------------------------------ evaluation
    def evaluation(self, offering_id: int) -> EvaluationSummary:
        """The evaluation results of a course: counts per answer, means, comments — never who
        answered what."""
        with self.ctx.db.read() as session:
            offering = get_offering(session, offering_id)
            answers = [json.loads(a) for a in session.scalars(
                select(EvaluationResponse.answers)
                .where(EvaluationResponse.offering_id == offering.id)
                .order_by(EvaluationResponse.answers))]
            count_enrolled = session.scalar(select(func.count()).select_from(PortalEnrolment)
                                            .where(PortalEnrolment.offering_id == offering.id,
                                                   PortalEnrolment.status == "enrolled")) or 0
            questions = []
            for key, text in QUESTIONS:
                counter = Counter(a[key] for a in answers if key in a)
                counts = [counter.get(n, 0) for n in range(1, 6)]
                total = sum(counts)
                mean = (sum(n * c for n, c in zip(range(1, 6), counts, strict=True)) / total
                        if total else None)
                questions.append(QuestionResult(key=key, text=_(text), counts=counts,
                                                mean=mean))
            comments = sorted(a["comment"] for a in answers if a.get("comment"))
            return EvaluationSummary(offering_id=offering.id, title=offering.title,
                                     responses=len(answers), enrolled=count_enrolled,
                                     questions=questions, comments=comments)

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _enrolment(session: Session, enrolment_id: int, *, lock: bool = False) -> PortalEnrolment:
        offering_id = session.scalar(select(PortalEnrolment.offering_id).where(
            PortalEnrolment.id == enrolment_id))
        if offering_id is None:
            raise fail("unknown_enrolment", _("This enrolment does not exist."))
        if lock:
            get_offering(session, offering_id, lock=True)
        enrolment = session.scalar(select(PortalEnrolment).where(
            PortalEnrolment.id == enrolment_id).options(*enrolment_options())
            .execution_options(populate_existing=True))
        assert enrolment is not None
        return enrolment

    def _row(self, enrolment_id: int) -> AdminEnrolment:
        return next(e for e in self.enrolments() if e.id == enrolment_id)


class PortalJobs:
    """What runs from cron (``usis portal remind``): never twice, safe to run at any time."""

    def __init__(self, ctx: Context, mail: MailService) -> None:
        self.ctx = ctx
        self.mail = mail

    def remind(self) -> RemindResult:
        """The reminder one week before the start, to every participant not reminded yet
        (each reminder is marked in the transaction that writes it: a second run, or two at
        once, sends none again); places whose payment did not come are released."""
        now = self.ctx.now()
        today = now.date()
        with self.ctx.db.write() as session:
            released = release_expired(session, now)
            due = list(session.scalars(
                select(PortalEnrolment).join(Offering)
                .where(PortalEnrolment.status == "enrolled",
                       PortalEnrolment.reminded_at.is_(None),
                       Offering.status == "published",
                       Offering.starts_on > today,
                       Offering.starts_on <= today + REMIND_BEFORE)
                .options(*enrolment_options()).order_by(PortalEnrolment.id)))
            reminded = 0
            for enrolment in due:
                marked = rows_changed(session, update(PortalEnrolment)
                    .where(PortalEnrolment.id == enrolment.id,
                           PortalEnrolment.reminded_at.is_(None))
                    .values(reminded_at=now))
                if not marked:
                    continue
                reminded += 1
                account = enrolment.account
                offering = enrolment.offering
                language = account_language(account.language)
                tell(session, now, account, "reminder",
                     _in(language, "Your course starts soon: {title}").format(
                         title=offering.title),
                     "\n\n".join([
                         _in(language, "Dear {name},").format(name=account.name),
                         _in(language, "{title} begins in one week. Here is what you need "
                                       "to know.").format(title=offering.title),
                         practical_information(offering, language),
                     ]))
                record(session, now, actor="(portal)", acting_for=_learner(enrolment),
                       action="portal", detail=f"Reminder sent for {offering.code}")
        self.mail.flush()
        return RemindResult(reminded=reminded, released=released)

    def expire(self) -> int:
        """Release every place whose payment did not come in time: the number released."""
        now = self.ctx.now()
        with self.ctx.db.write() as session:
            released = release_expired(session, now)
        self.mail.flush()
        return released


def _learner(enrolment: PortalEnrolment) -> str:
    account = enrolment.account
    return account.username or f"portal:{account.id}"


def _check_draft(draft: OfferingDraft) -> None:
    for label, value, limit, multiline in (
            (_("Code"), draft.code, 20, False), (_("Title"), draft.title, 200, False),
            (_("Description"), draft.description, 4000, True),
            (_("Lecturer"), draft.lecturer, 120, False),
            (_("Place or online link"), draft.location, 200, False)):
        if label != _("Description") and not (value or "").strip():
            raise fail("offering_field_missing", _("{field}: fill this in.").format(field=label))
        why = bad_text(value or "", limit, multiline=multiline)
        if why:
            raise fail("bad_offering_field", _("{field}: {why}").format(field=label, why=why))
    if draft.language not in ("en", "nl"):
        raise fail("bad_language", _("Language: en or nl."))
    if draft.ends_on < draft.starts_on:
        raise fail("bad_dates", _("The course cannot end before it starts."))
    for label, number, low, high in ((_("Hours"), draft.hours, 0, 10000),
                                     (_("Price"), draft.price_cents, 0, 10_000_000),
                                     (_("VAT"), draft.vat_percent, 0, 100),
                                     (_("Places"), draft.capacity, 0, 10000)):
        if not low <= number <= high:
            raise fail("bad_offering_number", _("{field}: from {low} to {high}.").format(
                field=label, low=low, high=high))
    if draft.ec is not None and not 0 <= draft.ec <= 60:
        raise fail("bad_offering_number", _("{field}: from {low} to {high}.").format(
            field="EC", low=0, high=60))


__all__ = ["PortalAdminService", "PortalJobs", "new_code"]
