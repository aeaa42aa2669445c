"""Paying at Mollie on the Course Portal's payment page: the app configured with the real
provider (USIS_PAYMENT_PROVIDER=mollie) talks to the local stub of Mollie's API
(tests/support/mollie_stub.py) through Mollie's own client; the page shows the provider's link
instead of the test checkout, "Check payment status" asks the provider, and a provider that
cannot be reached is one message on the page while the place stays held."""

from __future__ import annotations

import pytest
from helpers import make_app, settle
from portal_helpers import learner, offering_id
from shell_helpers import text_of
from support.mollie_stub import configured

from usis_tui.screens.portal.pay import PaymentScreen

SIZE = (120, 40)


@pytest.fixture(autouse=True)
def outbox(tmp_path, monkeypatch):
    """The portal's e-mail goes to a folder of the test, never the real data folder."""
    monkeypatch.setenv("USIS_MAIL_OUTBOX", str(tmp_path / "outbox"))


@pytest.fixture
def mollie(monkeypatch):
    with configured(monkeypatch) as stub:
        yield stub


async def payment_page(pilot, code: str) -> PaymentScreen:
    app = pilot.app
    await learner(pilot)
    assert await app.navigate("Course Portal", offering=offering_id(app, code), pay=True)
    await settle(pilot)
    assert isinstance(app.screen, PaymentScreen), app.screen
    return app.screen


async def test_pay_at_mollie_then_check_the_status(demo_db_url, mollie):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        pay = await payment_page(pilot, "LCP-GRT")
        price = pay.offering.price_cents
        pay.query_one("#pay-bank").value = "ideal_RABONL2U"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pay.view == "checkout" and pay.payment is not None
        [asked] = mollie.created()
        assert asked["amount"] == {"currency": "EUR",
                                   "value": f"{price // 100}.{price % 100:02d}"}
        assert (asked["method"], asked["issuer"]) == ("ideal", "ideal_RABONL2U")
        link = mollie.payments[pay.payment.reference]["_links"]["checkout"]["href"]
        assert text_of(pay.query_one("#checkout-head")) == "Pay at the payment provider"
        assert link in text_of(pay.query_one("#checkout-link"))  # the link to pay at
        assert not pay.query_one("#checkout-test").display  # no test outcomes to pick
        await pilot.press("1")  # the test checkout's "Paid" key does nothing here
        await settle(pilot)
        assert pay.view == "checkout" and pay.enrolment.status == "pending"
        await pilot.press("s")  # Check payment status: still open at Mollie
        await settle(pilot)
        assert pay.view == "checkout"
        assert any("not been completed" in n.message for n in app._notifications)
        mollie.set_status(pay.payment.reference, "paid")
        await pilot.press("s")
        await settle(pilot)
        assert pay.view == "result" and pay.enrolment.status == "enrolled"
        assert "Enrolment confirmation" in text_of(pay.query_one("#result-title"))


async def test_mollie_down_is_one_message_and_the_place_stays_held(demo_db_url, mollie):
    app = make_app(demo_db_url)
    async with app.run_test(size=SIZE) as pilot:
        pay = await payment_page(pilot, "LCP-GRT")  # its last place
        mollie.stop()
        pay.query_one("#pay-bank").value = "ideal_INGBNL2A"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pay.view == "form" and pay.payment is None
        problems = text_of(pay.query_one("#pay-problems"))
        assert "The payment could not be started. Your place stays held until" in problems
        assert problems.count("✗") == 1  # one message
        assert "Traceback" not in problems and "127.0.0.1" not in problems
        assert app.portal.portal.offering(pay.offering.id).places_left == 0  # held
        assert app.is_running
