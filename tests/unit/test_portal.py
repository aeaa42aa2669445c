"""services/portal/: the Course Portal's rules on both backends — accounts and their confirmation
code, enrolling and paying (a place held for 15 minutes, the last place, expiry), employer
invoices, withdrawal under the cancellation policy and its review, certificates and their
verification, the evaluation (once, anonymous), the reminder (never twice), and bad input that
changes nothing."""

from __future__ import annotations

import io
import json
from datetime import datetime, time, timedelta

import pytest
from factories import dump, unchanged
from portal_factories import (
    PORTAL_NOW,
    MovingClock,
    account,
    code_from,
    mails,
    seed_portal,
)
from sqlalchemy import select

from usis_tui.models import (
    EvaluationResponse,
    Payment,
    PaymentEvent,
    PortalAccount,
    PortalEnrolment,
)
from usis_tui.services import ServiceError, Usis
from usis_tui.services.access import Principal, guard
from usis_tui.services.portal.schemas import Billing

BILLING = Billing(organisation="Gemeente Leiden", address="Stadhuisplein 1\n2311 EJ Leiden",
                  reference="PO-2027-114", contact_name="Mw. K. Bakker",
                  contact_email="k.bakker@leiden.nl")


@pytest.fixture(autouse=True)
def outbox(tmp_path, monkeypatch):
    folder = tmp_path / "outbox"
    monkeypatch.setenv("USIS_MAIL_OUTBOX", str(folder))
    return folder


@pytest.fixture
def clock() -> MovingClock:
    return MovingClock()


@pytest.fixture
def portal(sc):
    return seed_portal(sc.db)


@pytest.fixture
def usis(sc, clock) -> Usis:
    return Usis(sc.db, clock=clock)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def paid(usis: Usis, account_id: int, offering_id: int):
    held = usis.portal.enrol(account_id, offering_id)
    payment = usis.portal.pay(account_id, held.id, "ideal", "ideal_INGBNL2A")
    return usis.portal.checkout(account_id, payment.reference, "paid")


# ---------------------------------------------------------------------------- accounts
def test_create_an_account_confirm_the_code_then_sign_in(usis, sc, outbox):
    sign_up = usis.portal_accounts.create("New.Person@Example.com", "Nieuwe Persoon",
                                          "a good password")
    assert sign_up.email == "new.person@example.com"
    [mail] = mails(sc.db, "new.person@example.com")
    assert "confirmation code" in mail.subject
    assert mail.sent_at is not None and list(outbox.glob("*.eml"))  # kept in the outbox
    code = code_from(mail)
    with pytest.raises(ServiceError) as err:  # not confirmed yet
        usis.portal_accounts.login("new.person@example.com", "a good password")
    assert err.value.code == "not_confirmed"
    with pytest.raises(ServiceError) as err:  # the code, with another password
        usis.portal_accounts.confirm("new.person@example.com", code, "not my password")
    assert err.value.code == "bad_code"
    identity = usis.portal_accounts.confirm("new.person@example.com", code, "a good password")
    assert (identity.name, identity.login) == ("Nieuwe Persoon", "other")
    again = usis.portal_accounts.login("NEW.PERSON@example.com ", "a good password")
    assert again.account_id == identity.account_id


def test_create_never_says_whether_an_address_has_an_account(usis, sc, portal):
    account(sc.db, "anna@example.com")
    before = dump(sc.db)["portal_account"]
    known = usis.portal_accounts.create("anna@example.com", "Somebody", "another password")
    unknown = usis.portal_accounts.create("nobody@example.com", "Somebody", "another password")
    assert type(known) is type(unknown) and known.email == "anna@example.com"
    assert [r for r in dump(sc.db)["portal_account"] if "anna@example.com" in r] == [
        r for r in before if "anna@example.com" in r]  # the known account is untouched
    [told] = mails(sc.db, "anna@example.com")
    assert "already have an account" in told.subject


def test_a_code_works_five_times_at_most_and_thirty_minutes(usis, sc, clock):
    usis.portal_accounts.create("x@example.com", "X", "a good password")
    code = code_from(mails(sc.db, "x@example.com")[-1])
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        with pytest.raises(ServiceError):
            usis.portal_accounts.confirm("x@example.com", wrong, "a good password")
    with pytest.raises(ServiceError) as err:
        usis.portal_accounts.confirm("x@example.com", code, "a good password")
    assert err.value.code == "code_expired"
    clock.move(minutes=2)
    usis.portal_accounts.resend("x@example.com")
    fresh = code_from(mails(sc.db, "x@example.com")[-1])
    clock.move(minutes=31)
    with pytest.raises(ServiceError) as err:
        usis.portal_accounts.confirm("x@example.com", fresh, "a good password")
    assert err.value.code == "code_expired"


def test_sign_in_refuses_alike_and_throttles(usis, sc):
    account(sc.db, "anna@example.com")
    messages = set()
    for email in ("anna@example.com", "nobody@example.com"):
        with pytest.raises(ServiceError) as err:
            usis.portal_accounts.login(email, "wrong password")
        messages.add((err.value.code, str(err.value)))
    assert len(messages) == 1  # no account enumeration
    for _ in range(4):
        with pytest.raises(ServiceError):
            usis.portal_accounts.login("anna@example.com", "wrong password")
    with pytest.raises(ServiceError) as err:  # the right password, but throttled
        usis.portal_accounts.login("anna@example.com", "correct horse")
    assert err.value.code == "throttled"


def test_a_ulcn_user_gets_a_portal_account_once(usis, sc):
    student = sc.student(name="Eva de Vries")
    first = usis.portal_accounts.ulcn(student.number)
    second = usis.portal_accounts.ulcn(student.number)
    assert first == second and first.login == "ulcn" and first.username == student.number
    assert first.actor == student.number


@pytest.mark.parametrize("email,name,password,code", [
    ("not an address", "X", "a good password", "bad_email"),
    ("a@b", "X", "a good password", "bad_email"),
    ("x@example.com", "", "a good password", "name_missing"),
    ("x@example.com", "X\x1b[31m", "a good password", "bad_name"),
    ("x@example.com", "X", "short", "weak_password"),
])
def test_bad_sign_up_input_changes_nothing(usis, sc, email, name, password, code):
    with unchanged(sc.db), pytest.raises(ServiceError) as err:
        usis.portal_accounts.create(email, name, password)
    assert err.value.code == code


# ---------------------------------------------------------------------------- enrol and pay
def test_pay_by_ideal_makes_the_enrolment_final_with_a_confirmation(usis, sc, portal):
    anna = account(sc.db)
    held = usis.portal.enrol(anna, portal.open_id)
    assert held.status == "pending" and held.hold_until == PORTAL_NOW.replace(minute=15)
    assert usis.portal.offering(portal.open_id).places_left == 19  # held while paying
    payment = usis.portal.pay(anna, held.id, "ideal", "ideal_RABONL2U")
    assert (payment.status, payment.test_mode, payment.amount_cents) == ("open", True, 49500)
    final = usis.portal.checkout(anna, payment.reference, "paid")
    assert final.status == "enrolled" and final.payment.status == "paid"
    [message] = usis.portal.messages(anna)
    assert message.subject == "Enrolment confirmation: Leading Change"
    assert "Lipsius 011" in message.body and "Dr. A. de Vries" in message.body
    mail = mails(sc.db, "anna@example.com")[-1]
    assert mail.subject == message.subject and mail.sent_at is not None
    with sc.db.read() as s:  # every state change of the payment is recorded
        assert list(s.scalars(select(PaymentEvent.status).order_by(PaymentEvent.id))) == [
            "open", "paid"]


def test_a_failed_payment_keeps_the_place_until_the_hold_ends(usis, sc, portal, clock):
    anna = account(sc.db)
    held = usis.portal.enrol(anna, portal.open_id)
    first = usis.portal.pay(anna, held.id, "creditcard")
    assert usis.portal.checkout(anna, first.reference, "failed").status == "pending"
    clock.move(minutes=5)
    second = usis.portal.pay(anna, held.id, "ideal", "ideal_INGBNL2A")
    assert usis.portal.checkout(anna, second.reference, "paid").status == "enrolled"


def test_an_expired_payment_frees_the_place(usis, sc, portal):
    anna, bob = account(sc.db), account(sc.db, "bob@example.com", name="Bob")
    held = usis.portal.enrol(anna, portal.last_place_id)
    with pytest.raises(ServiceError) as err:
        usis.portal.enrol(bob, portal.last_place_id)
    assert err.value.code == "offering_full"
    payment = usis.portal.pay(anna, held.id, "ideal", "ideal_INGBNL2A")
    assert usis.portal.checkout(anna, payment.reference, "expired").status == "released"
    assert usis.portal.enrol(bob, portal.last_place_id).status == "pending"
    assert "released" in usis.portal.messages(anna)[0].body


def test_a_hold_ends_after_fifteen_minutes(usis, sc, portal, clock):
    anna, bob = account(sc.db), account(sc.db, "bob@example.com", name="Bob")
    held = usis.portal.enrol(anna, portal.last_place_id)
    payment = usis.portal.pay(anna, held.id, "ideal", "ideal_INGBNL2A")
    clock.move(minutes=15)
    assert usis.portal.offering(portal.last_place_id).places_left == 1
    bobs = usis.portal.enrol(bob, portal.last_place_id)
    assert bobs.status == "pending"
    # her payment expired with the hold: the test checkout refuses it
    with pytest.raises(ServiceError) as err:
        usis.portal.checkout(anna, payment.reference, "paid")
    assert err.value.code == "payment_closed"
    assert usis.portal.offering(portal.last_place_id).places_left == 0


class FakeProvider:
    """A real provider's answers, as a test sets them."""

    name, test_mode = "mollie", True

    def __init__(self) -> None:
        self.states: dict[str, str] = {}

    def create(self, **kwargs):
        from usis_tui.services.portal.payments import ProviderPayment

        reference = f"tr_fake{len(self.states)}"
        self.states[reference] = "open"
        return ProviderPayment(reference=reference, status="open",
                               checkout_url=f"https://pay.example/{reference}")

    def status(self, reference):
        return self.states[reference]


def test_a_provider_paid_after_the_hold_ended_means_a_refund(usis, sc, portal, clock):
    fake = FakeProvider()
    usis.portal._provider = lambda: fake
    anna, bob = account(sc.db), account(sc.db, "bob@example.com", name="Bob")
    held = usis.portal.enrol(anna, portal.last_place_id)
    payment = usis.portal.pay(anna, held.id, "ideal", "ideal_INGBNL2A")
    assert payment.checkout_url == "https://pay.example/tr_fake0"
    with pytest.raises(ServiceError) as err:  # a real provider's payment has no test checkout
        usis.portal.checkout(anna, payment.reference, "paid")
    assert err.value.code == "not_test_mode"
    assert usis.portal.refresh(anna, payment.reference).status == "pending"  # still open
    clock.move(minutes=16)
    usis.portal.enrol(bob, portal.last_place_id)  # the hold ended: Bob takes the place
    fake.states[payment.reference] = "paid"
    late = usis.portal.refresh(anna, payment.reference)
    assert late.status == "released" and late.payment.status == "paid"
    assert "refunded" in usis.portal.messages(anna)[0].body
    assert usis.portal.offering(portal.last_place_id).places_left == 0


def test_enrolment_refusals(usis, sc, portal):
    anna = account(sc.db)
    paid(usis, anna, portal.open_id)
    with unchanged(sc.db):
        for offering_id, code in ((portal.open_id, "already_enrolled"),
                                  (portal.finished_id, "offering_started"),
                                  (999, "unknown_offering")):
            with pytest.raises(ServiceError) as err:
                usis.portal.enrol(anna, offering_id)
            assert err.value.code == code
        with pytest.raises(ServiceError) as err:
            usis.portal.enrol(anna, portal.soon_id, payer="employer",
                              billing=BILLING.model_copy(update={"organisation": " "}))
        assert err.value.code == "billing_missing"
        with pytest.raises(ServiceError) as err:
            usis.portal.enrol(anna, portal.soon_id, payer="employer",
                              billing=BILLING.model_copy(update={"contact_email": "nope"}))
        assert err.value.code == "bad_email"
    unconfirmed = account(sc.db, "new@example.com", confirmed=False)
    with pytest.raises(ServiceError) as err:
        usis.portal.enrol(unconfirmed, portal.open_id)
    assert err.value.code == "not_confirmed"


def test_employer_invoice_is_a_pdf_and_final_once_registered(usis, sc, portal):
    anna = account(sc.db)
    pending = usis.portal.enrol(anna, portal.open_id, payer="employer", billing=BILLING)
    assert pending.status == "pending" and pending.hold_until is None
    invoice = pending.invoice
    # the price includes VAT, whoever pays: 495.00 = 409.09 + 21% VAT 85.91
    assert invoice is not None and (invoice.net_cents, invoice.vat_cents,
                                    invoice.total_cents) == (40909, 8591, 49500)
    name, data = usis.portal.invoice_pdf(anna, pending.id)
    assert name == f"invoice-{invoice.number}.pdf" and data.startswith(b"%PDF")
    text = pdf_text(data)
    for expected in (invoice.number, "Gemeente Leiden", "PO-2027-114", "VAT 21%: EUR 85.91",
                     "Total: EUR 495.00", "Amount excluding VAT: EUR 409.09",
                     "Due date: 10 Feb 2027", "Leading Change"):
        assert expected in text, expected
    row = usis.portal_admin.register_payment(invoice.number, actor="courseadmin")
    assert row.status == "enrolled" and row.invoice_paid
    assert usis.portal.messages(anna)[0].subject == "Enrolment confirmation: Leading Change"


# ---------------------------------------------------------------------------- withdrawal
@pytest.mark.parametrize("weeks_before,percent", [(6, 100), (2, 50), (0, 0)])
def test_withdraw_under_the_policy_then_the_review(usis, sc, portal, clock, weeks_before,
                                                   percent):
    anna = account(sc.db)
    enrolled = paid(usis, anna, portal.open_id)
    clock.now = datetime.combine(enrolled.offering.starts_on - timedelta(weeks=weeks_before),
                                 time(11))
    quote = usis.portal.withdraw_quote(anna, enrolled.id)
    assert (quote.refund_percent, quote.refund_cents) == (percent, 49500 * percent // 100)
    request = usis.portal.withdraw(anna, enrolled.id, "I changed jobs.")
    assert request.status == "under_review"
    assert usis.portal.messages(anna)[0].subject == "Withdrawal received: Leading Change"
    with pytest.raises(ServiceError) as err:
        usis.portal.withdraw(anna, enrolled.id, "Again.")
    assert err.value.code == "already_requested"
    [review] = usis.portal_admin.withdrawals()
    decided = usis.portal_admin.decide_withdrawal(review.withdrawal.id, True, "",
                                                  actor="courseadmin")
    assert decided.withdrawal.status == "approved"
    assert decided.withdrawal.settlement == ("refund" if percent else "none")
    assert usis.portal.course(anna, enrolled.id).status == "withdrawn"
    assert usis.portal.offering(portal.open_id).places_left == 20
    assert "approved" in usis.portal.messages(anna)[0].body


def test_a_rejected_withdrawal_keeps_the_enrolment(usis, sc, portal):
    anna = account(sc.db)
    enrolled = paid(usis, anna, portal.open_id)
    request = usis.portal.withdraw(anna, enrolled.id, "Too busy.")
    with pytest.raises(ServiceError) as err:
        usis.portal_admin.decide_withdrawal(request.id, False, "", actor="courseadmin")
    assert err.value.code == "note_missing"
    usis.portal_admin.decide_withdrawal(request.id, False, "The course has started.",
                                        actor="courseadmin")
    assert usis.portal.course(anna, enrolled.id).status == "enrolled"
    assert "The course has started." in usis.portal.messages(anna)[0].body


def test_bad_withdrawal_reasons_change_nothing(usis, sc, portal):
    anna = account(sc.db)
    enrolled = paid(usis, anna, portal.open_id)
    for reason, code in (("", "reason_missing"), ("no\x00nul", "bad_reason"),
                         ("x" * 2001, "bad_reason")):
        with unchanged(sc.db), pytest.raises(ServiceError) as err:
            usis.portal.withdraw(anna, enrolled.id, reason)
        assert err.value.code == code


# ---------------------------------------------------------------------------- records
def test_completed_gives_a_certificate_that_verifies(usis, sc, portal, clock):
    anna = account(sc.db, name="Anna Jansen")
    enrolled = paid(usis, anna, portal.soon_id)
    with pytest.raises(ServiceError) as err:
        usis.portal_admin.complete(enrolled.id, actor="courseadmin")
    assert err.value.code == "not_started"
    clock.move(days=9)
    row = usis.portal_admin.complete(enrolled.id, actor="courseadmin")
    assert row.completion == "completed" and row.record_code
    [record] = usis.portal.records(anna)
    assert record.kind == "certificate" and record.code == row.record_code
    name, data = usis.portal.record_pdf(anna, record.code)
    assert name.endswith(".pdf")
    text = pdf_text(data)
    for expected in ("Certificate", "Anna Jansen", "Writing Grants", "30 hours", record.code):
        assert expected in text, expected
    verified = usis.portal.verify(record.code.lower())
    assert verified.valid and verified.name == "Anna Jansen"
    assert not usis.portal.verify("LU-XXXX-XXXX-XXXX").valid
    with pytest.raises(ServiceError):  # another account's certificate
        usis.portal.record_pdf(account(sc.db, "bob@example.com"), record.code)


def test_a_certificate_writes_names_in_other_scripts(usis, sc, portal, clock):
    """Names in Latin Extended, Greek and Cyrillic script are on the PDF as they are (the
    embedded font has them); a character it has no glyph for becomes "?"; no control
    characters reach the PDF."""
    names = {"lukasz@example.com": "Łukasz Żółć", "zoi@example.com": "Ζωή Παπαδοπούλου",
             "anna@example.com": "Анна Смирнова", "mei@example.com": "Mei 李\x1b[31m"}
    enrolled = {}
    for email, name in names.items():
        learner = account(sc.db, email, name=name)
        enrolled[email] = (learner, paid(usis, learner, portal.soon_id))
    clock.move(days=9)
    for email, (learner, enrolment) in enrolled.items():
        usis.portal_admin.complete(enrolment.id, actor="courseadmin")
        [record] = usis.portal.records(learner)
        text = pdf_text(usis.portal.record_pdf(learner, record.code)[1])
        expected = "Mei ?[31m" if email == "mei@example.com" else names[email]
        assert expected in text, (expected, text)
        assert "\x1b" not in text


# ---------------------------------------------------------------------------- evaluation
def test_the_evaluation_opens_on_the_last_day_is_once_and_anonymous(usis, sc, portal, clock):
    anna, bob = account(sc.db), account(sc.db, "bob@example.com", name="Bob")
    a = paid(usis, anna, portal.soon_id)
    b = paid(usis, bob, portal.soon_id)
    with pytest.raises(ServiceError) as err:
        usis.portal.evaluation_form(anna, a.id)
    assert err.value.code == "evaluation_not_open"
    clock.move(days=9)  # the last day
    form = usis.portal.evaluation_form(anna, a.id)
    answers = {q.key: 4 for q in form.questions}
    with unchanged(sc.db), pytest.raises(ServiceError) as err:
        usis.portal.evaluate(anna, a.id, {**answers, "content": 6})
    assert err.value.code == "bad_answer"
    usis.portal.evaluate(anna, a.id, answers, "More exercises, please.")
    usis.portal.evaluate(bob, b.id, {q.key: 2 for q in form.questions})
    with pytest.raises(ServiceError) as err:
        usis.portal.evaluate(anna, a.id, answers)
    assert err.value.code == "already_evaluated"
    summary = usis.portal_admin.evaluation(portal.soon_id)
    assert summary.responses == 2 and summary.enrolled == 2
    assert summary.questions[0].counts == [0, 1, 0, 1, 0] and summary.questions[0].mean == 3
    assert summary.comments == ["More exercises, please."]
    # nothing in a response names or dates whoever gave it: a random id, the answers
    assert set(EvaluationResponse.__table__.columns.keys()) == {"id", "offering_id", "answers"}
    with sc.db.read() as s:
        ids = []
        for response in s.scalars(select(EvaluationResponse)):
            assert set(json.loads(response.answers)) == {*answers, "comment"}
            ids.append(response.id)
        assert all(len(i) == 32 for i in ids) and ids != sorted(ids) or len(set(ids)) == 2


# ---------------------------------------------------------------------------- the reminder
def test_the_reminder_goes_once(usis, sc, portal):
    anna = account(sc.db)
    paid(usis, anna, portal.soon_id)
    paid(usis, anna, portal.open_id)  # starts in 6 weeks: not yet
    first = usis.portal_jobs.remind()
    second = usis.portal_jobs.remind()
    assert (first.reminded, second.reminded) == (1, 0)
    reminders = [m for m in usis.portal.messages(anna) if m.category == "reminder"]
    assert [m.subject for m in reminders] == ["Your course starts soon: Writing Grants"]
    assert "https://brightspace.example/c/1" in reminders[0].body
    assert len([m for m in mails(sc.db, "anna@example.com")
                if m.subject.startswith("Your course starts soon")]) == 1


# ---------------------------------------------------------------------------- the guard
def test_learners_see_only_their_own(usis, sc, portal):
    anna, bob = account(sc.db), account(sc.db, "bob@example.com", name="Bob")
    enrolled = paid(usis, anna, portal.open_id)
    as_bob = guard(usis, Principal(username=f"portal:{bob}", role="learner",
                                   portal_account=bob))
    with pytest.raises(ServiceError) as err:
        as_bob.portal.course(anna, enrolled.id)
    assert err.value.code == "not_authorised"
    with pytest.raises(ServiceError) as err:  # his own account id, Anna's enrolment
        as_bob.portal.withdraw(bob, enrolled.id, "Not mine.")
    assert err.value.code == "unknown_enrolment"
    guest = guard(usis, Principal(username="(guest)", role="guest"))
    assert [o.code for o in guest.portal.offerings()][:3] == ["CP-SOON", "CP-LAST", "CP-OPEN"]
    with pytest.raises(ServiceError):
        guest.portal_admin.enrolments()


def test_offering_search_and_states(usis, sc, portal):
    anna = account(sc.db)
    paid(usis, anna, portal.last_place_id)
    states = {o.code: o.state for o in usis.portal.offerings()}
    assert states == {"CP-SOON": "open", "CP-LAST": "full", "CP-OPEN": "open",
                      "CP-DONE": "finished"}
    assert [o.code for o in usis.portal.offerings("ethics")] == ["CP-LAST"]
    assert [o.code for o in usis.portal.offerings(online=True)] == ["CP-SOON"]
    assert {o.code for o in usis.portal.offerings(available_only=True)} == {"CP-SOON",
                                                                            "CP-OPEN"}


def test_database_counts_match(usis, sc, portal):
    anna = account(sc.db)
    paid(usis, anna, portal.open_id)
    with sc.db.read() as s:
        assert s.scalar(select(PortalEnrolment.status)) == "enrolled"
        assert s.scalar(select(Payment.status)) == "paid"
        assert s.scalar(select(PortalAccount.email)) == "anna@example.com"


# ---------------------------------------------------------------------------- concurrency
def test_people_paying_for_the_last_places_at_once_never_overbook(sc, portal, clock):
    """Eight people, each in their own connection (a terminal of their own), enrol for a course
    with three places left at the same moment: three hold a place, five are told it is full."""
    import threading

    from usis_tui.db import Database

    offering_id = seed_offering(sc, portal, capacity=3)
    people = [account(sc.db, f"p{i}@example.com", name=f"P {i}") for i in range(8)]
    barrier = threading.Barrier(len(people))
    outcomes: dict[int, str] = {}

    def attempt(account_id: int) -> None:
        usis = Usis(Database(sc.db.url), clock=clock)
        try:
            barrier.wait(timeout=30)
            try:
                held = usis.portal.enrol(account_id, offering_id)
                payment = usis.portal.pay(account_id, held.id, "creditcard")
                outcomes[account_id] = usis.portal.checkout(account_id, payment.reference,
                                                            "paid").status
            except ServiceError as exc:
                outcomes[account_id] = exc.code
        finally:
            usis.close()

    threads = [threading.Thread(target=attempt, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcomes.values()) == ["enrolled"] * 3 + ["offering_full"] * 5
    with sc.db.read() as s:
        statuses = list(s.scalars(select(PortalEnrolment.status).where(
            PortalEnrolment.offering_id == offering_id)))
    assert sorted(statuses) == ["enrolled"] * 3


def seed_offering(sc, portal, *, capacity: int) -> int:
    from portal_factories import offering

    return offering(sc.db, portal.policy_id, "CP-RUSH", starts=PORTAL_NOW.date() + timedelta(
        weeks=8), capacity=capacity, title="Rush")


def test_an_ended_hold_no_longer_shows_as_pending(usis, sc, portal, clock):
    anna = account(sc.db)
    held = usis.portal.enrol(anna, portal.open_id)
    assert [c.status for c in usis.portal.my_courses(anna)] == ["pending"]
    clock.move(minutes=15)
    assert usis.portal.my_courses(anna) == []
    assert usis.portal.course(anna, held.id).status == "released"
    assert usis.portal_jobs.expire() == 1
    assert usis.portal.course(anna, held.id).status == "released"


def test_support_finds_a_portal_learner_and_follows_their_steps(usis, sc, portal):
    """Find a student also finds Course Portal learners without a uSis account (by name, e-mail
    or their audit key portal:<id>); the Audit trail shows their steps under that key."""
    anna = account(sc.db)
    paid(usis, anna, portal.open_id)
    key = f"portal:{anna}"
    for query in ("jansen", "ANNA@example", key):
        [row] = usis.audit.find_students(query)
        assert (row.student_number, row.name) == (key, "Anna Jansen")
        assert row.programme == "Course Portal: anna@example.com" and row.degree == "Other login"
    steps = usis.audit.entries(key)
    assert steps and {s.acting_for for s in steps} == {key}
    assert any("CP-OPEN" in s.detail for s in steps)
    for unknown in ("portal:999999", "portal:x", "portal:99999999999999999999"):
        with pytest.raises(ServiceError) as refused:
            usis.audit.entries(unknown)
        assert refused.value.code == "unknown_student"
    assert usis.audit.find_students("portal:99999999999999999999") == []


# ------------------------------------------------------------- every form field, bad input
NASTY = ("\x1b[31mred", "nul\x00byte")


def draft(**change):
    from usis_tui.services.portal.schemas import OfferingDraft

    fields = dict(code="CP-NEW", title="Negotiating", lecturer="Dr. A. Smit",
                  location="Lipsius 011", starts_on=PORTAL_NOW.date() + timedelta(weeks=8),
                  ends_on=PORTAL_NOW.date() + timedelta(weeks=9), hours=20, price_cents=45000,
                  capacity=20)
    return OfferingDraft(**{**fields, **change})


def test_every_form_field_refuses_bad_input_with_its_name_and_changes_nothing(usis, sc,
                                                                               portal, clock):
    """Each field of each Course Portal form (create an account, log in, the employer's billing
    details, the payment, the withdrawal, the evaluation, verify, the administration's course
    form and withdrawal review): empty where it is required, too long, or with control
    characters, it is one refusal that names the field, and no row changes."""
    anna = account(sc.db)
    held = usis.portal.enrol(anna, portal.open_id)
    finished = paid(usis, anna, portal.soon_id)
    bob = account(sc.db, "bob@example.com", name="Bob")
    review = paid(usis, bob, portal.open_id)
    request = usis.portal.withdraw(bob, review.id, "Moved abroad.")
    accounts, learner, admin = usis.portal_accounts, usis.portal, usis.portal_admin
    long = "x" * 5000
    cases = [  # (what, the call, words the message must hold)
        ("sign-up e-mail", lambda: accounts.create("", "Anna", "a good password"), "e-mail"),
        ("sign-up e-mail", lambda: accounts.create("a@" + long, "Anna", "a good password"),
         "e-mail"),
        ("sign-up name", lambda: accounts.create("new@example.com", "", "a good password"),
         "name"),
        ("sign-up name", lambda: accounts.create("new@example.com", long, "a good password"),
         "name"),
        ("sign-up password", lambda: accounts.create("new@example.com", "Anna", "short"),
         "password"),
        ("confirm code", lambda: accounts.confirm("anna@example.com", "", "a good password"),
         "code"),
        ("log-in e-mail", lambda: accounts.login("", "correct horse"), "e-mail"),
        ("payment method", lambda: learner.pay(anna, held.id, "cash", None),
         "iDEAL or credit card"),
        ("iDEAL bank", lambda: learner.pay(anna, held.id, "ideal", "ideal_NOSUCHBANK"), "bank"),
        ("checkout outcome", lambda: learner.checkout(anna, "tr_none", "maybe"), "outcome"),
        ("withdrawal reason", lambda: learner.withdraw(anna, finished.id, ""), "reason"),
        ("review note", lambda: admin.decide_withdrawal(request.id, False, "",
                                                        actor="courseadmin"), "note"),
        ("review note", lambda: admin.decide_withdrawal(request.id, False, long,
                                                        actor="courseadmin"), "note"),
    ]
    for field in ("organisation", "address", "reference", "contact_name", "contact_email"):
        label = {"organisation": "Organisation", "address": "Billing address",
                 "reference": "Reference / PO number", "contact_name": "Contact person",
                 "contact_email": "Contact e-mail"}[field]
        values = [long, *NASTY] + ([""] if field != "reference" else [])
        for value in values:
            cases.append((f"billing {field}", lambda f=field, v=value: learner.enrol(
                anna, portal.last_place_id, payer="employer",
                billing=BILLING.model_copy(update={f: v})), label))
    for field, label in (("code", "Code"), ("title", "Title"), ("lecturer", "Lecturer"),
                         ("location", "Place or online link"), ("description", "Description")):
        values = [long, *NASTY] + ([""] if field != "description" else [])
        for value in values:
            cases.append((f"course {field}", lambda f=field, v=value: admin.save_offering(
                draft(**{f: v}), actor="courseadmin"), label))
    for field, value, label in (("hours", -1, "Hours"), ("price_cents", -5, "Price"),
                                ("vat_percent", 101, "VAT"), ("capacity", -1, "Places"),
                                ("ec", 61.0, "EC"), ("language", "fr", "Language"),
                                ("ends_on", PORTAL_NOW.date(), "end")):
        cases.append((f"course {field}", lambda f=field, v=value: admin.save_offering(
            draft(**{f: v}), actor="courseadmin"), label))
    for name, call, words in cases:
        with unchanged(sc.db), pytest.raises(ServiceError) as refused:
            call()
        [problem] = refused.value.problems
        assert words.lower() in problem.message.lower(), (name, problem.message)
        assert "\x1b" not in problem.message and "\x00" not in problem.message, name
    clock.move(days=9)  # the last day of CP-SOON: the evaluation opens
    form = learner.evaluation_form(anna, finished.id)
    answers = {q.key: 4 for q in form.questions}
    for comment in (long, NASTY[0]):
        with unchanged(sc.db), pytest.raises(ServiceError) as refused:
            learner.evaluate(anna, finished.id, answers, comment)
        assert "Comment" in refused.value.problems[0].message
    for bad in ({}, {**answers, "content": 0}, {**answers, "content": "five"}):
        with unchanged(sc.db), pytest.raises(ServiceError):
            learner.evaluate(anna, finished.id, bad)
