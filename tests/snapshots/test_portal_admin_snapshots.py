"""Snapshots of the Course Portal's administration and the trainer's Outbox at 80x24 and 120x40
on a fresh copy of the demo database (clock: DEMO_NOW), signed in as courseadmin (or trainer):
the offering with Pieter's unpaid invoice highlighted and its confirmation, the course form with
its refusals, Pieter's withdrawal under review and decided, the evaluation results with their
chart (below 90 columns: the table), and the outbox after a payment and a review.

Update with ``pytest tests/snapshots/test_portal_admin_snapshots.py --snapshot-update`` and look
at every changed SVG before accepting it.
"""

from __future__ import annotations

import pytest
from helpers import DEMO_NOW, make_app, settle
from shell_helpers import signed_in
from textual.widgets import Input

from usis_tui.services import Usis

SIZE = (120, 40)
NARROW = (80, 24)
#: the outbox folder the Outbox page names: the same on every run
OUTBOX = "/tmp/usis-snapshots/outbox"


@pytest.fixture(autouse=True)
def outbox(monkeypatch):
    monkeypatch.setenv("USIS_MAIL_OUTBOX", OUTBOX)


def page(user: str, name: str, *keys: str, offering: str | None = None,
         fields: dict[str, str] | None = None):
    async def run_before(pilot) -> None:
        await signed_in(pilot, user)
        assert await pilot.app.navigate(name)
        await settle(pilot)
        if offering is not None:
            table = pilot.app.screen.query_one("#offerings-table")
            codes = [o.code for o in pilot.app.screen.offerings]
            table.move_cursor(row=codes.index(offering))
            await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
            if fields and key == "n":
                for field, value in fields.items():
                    pilot.app.screen.query_one(f"#f-{field}").value = value
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await settle(pilot)
    return run_before


def reviewed(url: str) -> None:
    """Pieter's employer paid the invoice; his withdrawal was approved with a note."""
    usis = Usis.open(url, clock=lambda: DEMO_NOW)
    try:
        [invoice] = [e.invoice_number for e in usis.portal_admin.enrolments()
                     if e.invoice_number and not e.invoice_paid]
        usis.portal_admin.register_payment(invoice, actor="courseadmin")
        [review] = usis.portal_admin.withdrawals()
        usis.portal_admin.decide_withdrawal(review.withdrawal.id, True,
                                            "Approved: free until four weeks before.",
                                            actor="courseadmin")
    finally:
        usis.close()


@pytest.mark.parametrize("size", [SIZE, NARROW], ids=["120x40", "80x24"])
def test_offering_with_an_unpaid_invoice(snap_compare, demo_db_url, size):
    assert snap_compare(make_app(demo_db_url), terminal_size=size,
                        run_before=page("courseadmin", "Portal administration",
                                        offering="LCP-DSP"))


def test_register_payment_confirmation_80x24(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=NARROW,
                        run_before=page("courseadmin", "Portal administration", "tab", "p",
                                        offering="LCP-DSP"))


@pytest.mark.parametrize("size", [SIZE, NARROW], ids=["120x40", "80x24"])
def test_new_course_with_refusals(snap_compare, demo_db_url, size):
    fields = {"code": "LCP-WEB", "title": "Accessible Websites", "starts_on": "1 March",
              "ends_on": "2027-03-03", "hours": "18", "price": "€ lots", "capacity": "24"}
    assert snap_compare(make_app(demo_db_url), terminal_size=size,
                        run_before=page("courseadmin", "Portal administration", "n",
                                        "ctrl+s", fields=fields))


def test_withdrawal_approve_dialog_80x24(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=NARROW,
                        run_before=page("courseadmin", "Withdrawal reviews", "a"))


@pytest.mark.parametrize("size", [SIZE, NARROW], ids=["120x40", "80x24"])
def test_withdrawals_decided(snap_compare, demo_db_url, size):
    reviewed(demo_db_url)
    assert snap_compare(make_app(demo_db_url), terminal_size=size,
                        run_before=page("courseadmin", "Withdrawal reviews", "f"))


# (the evaluation results of the demo's finished course, with the chart, are the page's
# snapshots in test_every_page_snapshots.py)
def test_evaluation_of_a_course_without_responses_80x24(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=NARROW,
                        run_before=page("courseadmin", "Evaluation results", "ctrl+n"))


@pytest.mark.parametrize("size", [SIZE, NARROW], ids=["120x40", "80x24"])
def test_outbox(snap_compare, demo_db_url, size):
    reviewed(demo_db_url)
    assert snap_compare(make_app(demo_db_url), terminal_size=size,
                        run_before=page("trainer", "Outbox"))
