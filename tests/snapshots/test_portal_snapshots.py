"""Snapshots of the Course Portal's steps that are not pages of the registry (those — Course
Portal, its Log in, My courses, My Records, Portal messages, Verify a certificate — are in
test_every_page_snapshots.py), each at 80x24 and 120x40, on the demo database with the clock at
DEMO_NOW: a course, the code step of "Create an account", paying (the form, the test-mode
checkout, the enrolment confirmation, a failed payment, an employer's invoice), Manage Course,
Withdraw, the evaluation and a verified certificate.

Update with ``pytest tests/snapshots/test_portal_snapshots.py --snapshot-update`` and look at
every changed SVG before accepting it.
"""

from __future__ import annotations

import pytest
from helpers import make_app, settle
from portal_helpers import guest_at_portal, learner, type_into

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


@pytest.fixture(autouse=True)
def _steady(tmp_path, monkeypatch):
    """Mail to a folder of the test; the test-mode payment's reference is the same every
    run (it is random)."""
    monkeypatch.setenv("USIS_MAIL_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setattr("usis_tui.services.portal.payments.secrets.token_hex",
                        lambda n=8: "0123456789abcdef"[: 2 * n])


async def course(pilot) -> None:
    await learner(pilot, course="LCP-SUS")


async def code_step(pilot) -> None:
    await guest_at_portal(pilot)
    await pilot.press("l")
    await settle(pilot)
    await type_into(pilot, "#new-email", "joost.visser@example.org")
    await type_into(pilot, "#new-name", "Joost Visser")
    await type_into(pilot, "#new-password", "a long password")
    await pilot.press("enter")
    await settle(pilot)


async def pay_form(pilot) -> None:
    await learner(pilot, course="LCP-LPS", pay=True)
    pilot.app.screen.query_one("#pay-bank").value = "ideal_INGBNL2A"
    await settle(pilot)


async def checkout(pilot) -> None:
    await pay_form(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def confirmation(pilot) -> None:
    await checkout(pilot)
    await pilot.press("1")
    await settle(pilot)


async def failed(pilot) -> None:
    await checkout(pilot)
    await pilot.press("2")
    await settle(pilot)


async def employer_form(pilot) -> None:
    await learner(pilot, course="LCP-SUS", pay=True)
    screen = pilot.app.screen
    screen.query_one("#payer-employer").value = True
    await settle(pilot)
    for field, value in (("organisation", "Gemeente Leiden"), ("reference", "PO-2027-114"),
                         ("contact_name", "Mw. K. Bakker"),
                         ("contact_email", "k.bakker@leiden.nl")):
        screen.query_one(f"#bill-{field}").value = value
    screen.query_one("#bill-address").text = "Stadhuisplein 1\n2311 EJ Leiden"
    screen.query_one("#bill-organisation").focus()
    await settle(pilot)


async def invoice(pilot) -> None:
    await employer_form(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def manage(pilot, title: str = "Negotiation Skills for Professionals",
                 *keys: str) -> None:
    await learner(pilot, page="My courses")
    screen = pilot.app.screen
    titles = [e.offering.title for e in screen.enrolments]
    screen.query_one("#mine-table").move_cursor(row=titles.index(title))
    await pilot.press("enter")
    await settle(pilot)
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def manage_pending(pilot) -> None:
    """Pieter's Data Science: his employer's invoice is not paid yet."""
    from portal_helpers import PIETER

    await learner(pilot, PIETER, page="My courses")
    await pilot.press("enter")
    await settle(pilot)


async def withdraw(pilot) -> None:
    await manage(pilot, "Negotiation Skills for Professionals", "w")
    await type_into(pilot, "#withdraw-reason", "I changed jobs.")
    await settle(pilot)


async def withdrawn(pilot) -> None:
    await withdraw(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def evaluation(pilot) -> None:
    await manage(pilot, "Museum Studies Summer School", "e")
    screen = pilot.app.screen
    for key, answer in (("content", 4), ("lecturer", 5)):
        screen.query_one(f"#q-{key}").value = answer
    await settle(pilot)


async def verified(pilot) -> None:
    await guest_at_portal(pilot)
    await pilot.press("v")
    await settle(pilot)
    code = pilot.app.raw_usis.portal.records(
        pilot.app.portal.portal_accounts.login("sanne.devries@example.com", "demo")
        .account_id)[0].code
    await type_into(pilot, "#verify-code", code.lower())
    await pilot.press("enter")
    await settle(pilot)


async def not_verified(pilot) -> None:
    await guest_at_portal(pilot)
    await pilot.press("v")
    await settle(pilot)
    await type_into(pilot, "#verify-code", "LU-AAAA-BBBB-CCCC")
    await pilot.press("enter")
    await settle(pilot)


STEPS = {"course": course, "code-step": code_step, "pay-form": pay_form,
         "checkout": checkout, "confirmation": confirmation, "failed": failed,
         "employer-form": employer_form, "invoice": invoice, "manage": manage,
         "manage-invoice": manage_pending, "withdraw": withdraw, "withdrawn": withdrawn,
         "evaluation": evaluation, "verified": verified, "not-verified": not_verified}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("step", list(STEPS))
def test_step(snap_compare, demo_db_url, step, size):
    async def run_before(pilot) -> None:
        await STEPS[step](pilot)
        for field in pilot.app.screen.query("Input"):
            field.cursor_blink = False
        await settle(pilot)

    assert snap_compare(make_app(demo_db_url), terminal_size=SIZES[size],
                        run_before=run_before)
