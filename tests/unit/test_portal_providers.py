"""The Course Portal's real providers, tested locally: payments through Mollie's official client
(mollie-api-python) against a local stub of Mollie's v2 payments API (tests/support/
mollie_stub.py), and e-mail by SMTP to a local aiosmtpd server — both configured the way an
operator configures them (USIS_PAYMENT_PROVIDER, USIS_MOLLIE_*, USIS_SMTP_*).

SQLite only: what is tested is the talk to the provider and the mail server; the database side
of paying and mailing is tested on both backends in test_portal.py."""

from __future__ import annotations

import email
import email.policy
import threading
from datetime import timedelta

import pytest
from factories import dump
from portal_factories import (
    PORTAL_NOW,
    MovingClock,
    account,
    code_from,
    mails,
    offering,
    seed_portal,
)
from support.mail_server import Collect
from support.mollie_stub import MollieStub, configured

from usis_tui.services import ServiceError, Usis
from usis_tui.services.notify import queue_mail
from usis_tui.services.portal.payments import MollieProvider, ProviderError

pytestmark = pytest.mark.sqlite_only


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


# ---------------------------------------------------------------------------- Mollie
@pytest.fixture
def mollie(monkeypatch):
    """The stub, and the configuration that points the portal at it."""
    with configured(monkeypatch) as stub:
        yield stub


def test_pay_by_ideal_at_mollie_then_its_status_makes_the_enrolment_final(usis, sc, portal,
                                                                         mollie):
    anna = account(sc.db)
    course = offering(sc.db, portal.policy_id, "CP-CENTS",
                      starts=PORTAL_NOW.date() + timedelta(weeks=6), price=1205,
                      title="Data Ethics")
    held = usis.portal.enrol(anna, course)
    payment = usis.portal.pay(anna, held.id, "ideal", "ideal_INGBNL2A")
    [asked] = mollie.created()
    assert asked["amount"] == {"currency": "EUR", "value": "12.05"}
    assert (asked["method"], asked["issuer"]) == ("ideal", "ideal_INGBNL2A")
    assert asked["description"] == "CP-CENTS Data Ethics"
    assert asked["metadata"] == {"enrolment": str(held.id)}
    assert asked["redirectUrl"].startswith("https://")
    [request] = mollie.requests
    assert request.headers["authorization"] == f"Bearer {mollie.api_key}"
    at_mollie = mollie.payments[payment.reference]
    assert payment.reference.startswith("tr_") and payment.provider == "mollie"
    assert payment.test_mode  # a test_ key: Mollie's test mode
    assert payment.checkout_url == at_mollie["_links"]["checkout"]["href"]
    assert (payment.status, payment.amount_cents, payment.issuer) == ("open", 1205,
                                                                      "ideal_INGBNL2A")
    with pytest.raises(ServiceError) as err:  # paid at Mollie, not on a test checkout
        usis.portal.checkout(anna, payment.reference, "paid")
    assert err.value.code == "not_test_mode"

    still = usis.portal.refresh(anna, payment.reference)  # open at Mollie
    assert still.status == "pending" and still.payment.status == "open"
    assert mollie.requests[-1].method == "GET"
    assert mollie.requests[-1].path == f"/v2/payments/{payment.reference}"

    mollie.set_status(payment.reference, "paid")
    final = usis.portal.refresh(anna, payment.reference)
    assert final.status == "enrolled" and final.payment.status == "paid"
    [message] = usis.portal.messages(anna)
    assert message.subject == "Enrolment confirmation: Data Ethics"
    assert mails(sc.db, "anna@example.com")[-1].subject == message.subject
    again = usis.portal.refresh(anna, payment.reference)  # asked again: nothing new
    assert again.status == "enrolled" and len(usis.portal.messages(anna)) == 1


def test_pay_by_card_at_mollie_and_a_failed_payment_keeps_the_place(usis, sc, portal, mollie):
    anna = account(sc.db)
    held = usis.portal.enrol(anna, portal.open_id)
    card = usis.portal.pay(anna, held.id, "creditcard")
    [asked] = mollie.created()
    assert asked["amount"] == {"currency": "EUR", "value": "495.00"}
    assert asked["method"] == "creditcard" and "issuer" not in asked
    mollie.set_status(card.reference, "failed")
    failed = usis.portal.refresh(anna, card.reference)
    assert failed.status == "pending" and failed.payment.status == "failed"
    assert usis.portal.offering(portal.open_id).places_left == 19  # still held
    ideal = usis.portal.pay(anna, held.id, "ideal", "ideal_RABONL2U")
    assert ideal.reference != card.reference and len(mollie.created()) == 2
    mollie.set_status(ideal.reference, "paid")
    assert usis.portal.refresh(anna, ideal.reference).status == "enrolled"


def test_an_expired_mollie_payment_frees_the_place(usis, sc, portal, mollie):
    anna, bob = account(sc.db), account(sc.db, "bob@example.com", name="Bob")
    held = usis.portal.enrol(anna, portal.last_place_id)
    payment = usis.portal.pay(anna, held.id, "ideal", "ideal_ASNBNL21")
    mollie.set_status(payment.reference, "expired")
    assert usis.portal.refresh(anna, payment.reference).status == "released"
    assert usis.portal.enrol(bob, portal.last_place_id).status == "pending"


def problem_of(err) -> tuple[str, str]:
    [problem] = err.value.problems  # one clear message
    return problem.code, problem.message


def test_mollie_down_is_one_clear_refusal_and_the_place_stays_held(usis, sc, portal, mollie):
    anna = account(sc.db)
    held = usis.portal.enrol(anna, portal.last_place_id)
    mollie.stop()  # the port is closed now
    before = dump(sc.db, audit=True)
    with pytest.raises(ServiceError) as err:
        usis.portal.pay(anna, held.id, "ideal", "ideal_INGBNL2A")
    code, message = problem_of(err)
    assert code == "payment_unavailable"
    assert "could not be started" in message and "10:15" in message  # held until then
    assert dump(sc.db, audit=True) == before  # nothing written, not even the audit trail
    assert usis.portal.offering(portal.last_place_id).places_left == 0  # still hers
    assert usis.portal.course(anna, held.id).status == "pending"


def test_mollie_refusing_the_api_key_is_the_same_refusal(usis, sc, portal, mollie,
                                                          monkeypatch):
    anna = account(sc.db)
    held = usis.portal.enrol(anna, portal.open_id)
    monkeypatch.setenv("USIS_MOLLIE_API_KEY", "test_notthekeymollieknows1234567")
    before = dump(sc.db, audit=True)
    with pytest.raises(ServiceError) as err:
        usis.portal.pay(anna, held.id, "creditcard")
    assert problem_of(err)[0] == "payment_unavailable"
    assert dump(sc.db, audit=True) == before
    assert mollie.requests[-1].method == "POST" and not mollie.payments  # refused: 401
    monkeypatch.delenv("USIS_MOLLIE_API_KEY")  # no key configured at all
    with pytest.raises(ServiceError) as err:
        usis.portal.pay(anna, held.id, "creditcard")
    assert problem_of(err)[0] == "payment_unavailable"
    assert dump(sc.db, audit=True) == before


def test_asking_mollie_for_a_status_while_it_is_down_changes_nothing(usis, sc, portal, mollie,
                                                                     monkeypatch):
    anna = account(sc.db)
    held = usis.portal.enrol(anna, portal.open_id)
    payment = usis.portal.pay(anna, held.id, "ideal", "ideal_INGBNL2A")
    mollie.set_status(payment.reference, "paid")
    monkeypatch.setenv("USIS_MOLLIE_API_KEY", "test_notthekeymollieknows1234567")
    before = dump(sc.db, audit=True)
    with pytest.raises(ServiceError) as err:  # 401
        usis.portal.refresh(anna, payment.reference)
    assert problem_of(err) == ("payment_unavailable",
                               "The payment provider cannot be reached; try again in a moment.")
    monkeypatch.setenv("USIS_MOLLIE_API_KEY", mollie.api_key)
    mollie.stop()
    with pytest.raises(ServiceError) as err:  # connection refused
        usis.portal.refresh(anna, payment.reference)
    assert problem_of(err)[0] == "payment_unavailable"
    assert dump(sc.db, audit=True) == before
    with MollieStub(api_key=mollie.api_key) as back:  # back (on another port), and it knows
        back.payments.update(mollie.payments)
        monkeypatch.setenv("USIS_MOLLIE_API_URL", back.url)
        assert usis.portal.refresh(anna, payment.reference).status == "enrolled"


def test_the_provider_says_what_mollie_refused(mollie):
    provider = MollieProvider(mollie.api_key, mollie.url)
    assert provider.test_mode
    args = dict(amount_cents=1000, description="CP-OPEN Leading Change", method="ideal",
                metadata={"enrolment": "1"}, expires_at=None)
    with pytest.raises(ProviderError, match="issuer is invalid"):  # 422, field issuer
        provider.create(issuer="ideal_NOSUCHBANK", **args)
    with pytest.raises(ProviderError, match="lower than the minimum"):  # 422
        provider.create(**{**args, "amount_cents": 0}, issuer=None)
    with pytest.raises(ProviderError, match="No payment exists"):  # 404
        provider.status("tr_unknown")
    opened = provider.create(issuer="ideal_INGBNL2A", **args)
    assert opened.status == "open" and opened.checkout_url
    assert provider.status(opened.reference) == "open"
    wrong = MollieProvider("test_notthekeymollieknows1234567", mollie.url)
    with pytest.raises(ProviderError, match="authenticate"):  # 401
        wrong.status(opened.reference)
    with pytest.raises(ProviderError, match="API key"):  # the client refuses it before asking
        MollieProvider("sk_live_wrongkind", mollie.url).status(opened.reference)
    # the API's address as Mollie writes it, with its version: the client adds /v2 itself
    assert MollieProvider(mollie.api_key, mollie.url + "/v2/").status(opened.reference) == "open"


# ---------------------------------------------------------------------------- SMTP
def test_the_confirmation_code_arrives_by_smtp_and_in_the_outbox(usis, sc, smtp, outbox):
    usis.portal_accounts.create("new.person@example.com", "Nieuwe Persoon", "a good password")
    [envelope] = smtp.handler.envelopes
    assert envelope.mail_from == "courseportal@leidenuniv.nl"
    assert envelope.rcpt_tos == ["new.person@example.com"]
    [sent] = smtp.handler.messages()
    [queued] = mails(sc.db, "new.person@example.com")
    assert sent["To"] == "new.person@example.com"
    assert sent["From"] == "Course Portal Leiden University <courseportal@leidenuniv.nl>"
    assert sent["Subject"] == queued.subject and "confirmation code" in sent["Subject"]
    body = sent.get_content().replace("\r\n", "\n")  # CRLF on the wire
    code = code_from(queued)
    assert code in body and body.strip() == queued.body.strip()
    assert sent["Message-ID"].endswith("@leidenuniv.nl>")
    assert queued.sent_at is not None and queued.last_error is None and queued.attempts == 1
    [kept] = outbox.glob("*.eml")  # the same mail in the outbox folder
    eml = email.message_from_bytes(kept.read_bytes(), policy=email.policy.default)
    assert (eml["To"], eml["Subject"], eml["Message-ID"]) == (
        sent["To"], sent["Subject"], sent["Message-ID"])
    assert eml.get_content().replace("\r\n", "\n") == body
    identity = usis.portal_accounts.confirm("new.person@example.com", code, "a good password")
    assert identity.name == "Nieuwe Persoon"  # the code that arrived works


def test_a_mail_server_that_is_down_keeps_the_mail_until_a_later_flush(usis, sc, smtp,
                                                                       outbox):
    smtp.stop()
    usis.portal_accounts.create("new.person@example.com", "Nieuwe Persoon", "a good password")
    [queued] = mails(sc.db)
    assert queued.sent_at is None and queued.attempts == 1
    assert queued.last_error and "Connection" in queued.last_error
    assert [m.to for m in usis.mail.outbox()] == ["new.person@example.com"]
    smtp.start()  # back
    assert usis.mail.flush() == 1
    assert usis.mail.flush() == 0  # never twice
    [envelope] = smtp.handler.envelopes
    assert envelope.rcpt_tos == ["new.person@example.com"]
    [sent] = mails(sc.db)
    assert sent.sent_at is not None and sent.last_error is None and sent.attempts == 2
    assert code_from(sent) in smtp.handler.messages()[0].get_content()
    assert len(list(outbox.glob("*.eml"))) == 1  # kept once, not once per attempt


def queue(db, count: int, now) -> None:
    with db.write() as s:
        for n in range(count):
            queue_mail(s, now, f"learner{n}@example.com", f"Message {n}", f"Hello {n}.")


def test_a_server_that_is_down_is_tried_once_per_flush(usis, sc, smtp, clock):
    smtp.stop()
    queue(sc.db, 3, clock())
    assert usis.mail.flush() == 0
    first, *rest = mails(sc.db)
    assert first.attempts == 1 and first.last_error  # the first found the server down
    assert [(m.attempts, m.last_error) for m in rest] == [(0, None), (0, None)]  # left queued
    smtp.start()
    assert usis.mail.flush() == 3
    assert sorted(e.rcpt_tos[0] for e in smtp.handler.envelopes) == [
        "learner0@example.com", "learner1@example.com", "learner2@example.com"]


def test_a_refused_address_does_not_stop_the_others(usis, sc, smtp, clock):
    class Refusing(Collect):
        async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
            if address.startswith("learner1@"):
                return "550 5.1.1 No such mailbox"
            envelope.rcpt_tos.append(address)
            return "250 OK"

    smtp.stop()
    smtp.handler = Refusing()
    smtp.start()
    queue(sc.db, 3, clock())
    assert usis.mail.flush() == 2
    refused = [m for m in mails(sc.db) if m.sent_at is None]
    assert [m.to_address for m in refused] == ["learner1@example.com"]
    assert "No such mailbox" in (refused[0].last_error or "")
    assert sorted(e.rcpt_tos[0] for e in smtp.handler.envelopes) == [
        "learner0@example.com", "learner2@example.com"]


def test_two_senders_at_once_never_send_one_mail_twice(sc, smtp, clock):
    queue(sc.db, 12, clock())
    senders = [Usis(sc.db, clock=clock), Usis(sc.db, clock=clock)]
    counts: list[int] = []
    start = threading.Barrier(2)

    def flush(usis: Usis) -> None:
        start.wait()
        counts.append(usis.mail.flush())

    threads = [threading.Thread(target=flush, args=(u,)) for u in senders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sum(counts) == 12
    delivered = [e.rcpt_tos[0] for e in smtp.handler.envelopes]
    assert sorted(delivered) == sorted(f"learner{n}@example.com" for n in range(12))
    assert all(m.sent_at is not None and m.attempts == 1 for m in mails(sc.db))


def test_a_live_mollie_payment_is_not_marked_test_mode(usis, sc, portal, monkeypatch):
    """Mollie's ids start with tr_ in both modes: whether a payment was made in test mode is
    the key's (test_ or live_), recorded with the payment."""
    with configured(monkeypatch, api_key="live_" + "x" * 30):
        anna = account(sc.db)
        held = usis.portal.enrol(anna, portal.open_id)
        payment = usis.portal.pay(anna, held.id, "ideal", "ideal_INGBNL2A")
        assert payment.provider == "mollie" and payment.reference.startswith("tr_")
        assert payment.test_mode is False
        assert usis.portal.course(anna, held.id).payment.test_mode is False
