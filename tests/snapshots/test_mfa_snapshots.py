"""Snapshots of the two-step sign-in screens at 80x24 and 120x40 (support on a fresh copy of
the demo database, clock DEMO_NOW): the first set-up (QR code and key), the code, the recovery
codes. The key and the recovery codes are fixed here so that the pictures are stable.

Update with ``pytest tests/snapshots/test_mfa_snapshots.py --snapshot-update`` and look at
every changed SVG before accepting it.
"""

from __future__ import annotations

import pytest
from helpers import DEMO_NOW, make_app, set_up_totp, settle
from textual.widgets import Input

from usis_tui.services import mfa

KEY = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
CODES = [f"{w}{n}-{w}{n}" for w, n in zip(("abcd", "efgh", "jkmn", "pqrs", "tuvw") * 2,
                                           "2345678923", strict=True)]


@pytest.fixture(autouse=True)
def _fixed_key(monkeypatch):
    monkeypatch.setattr("usis_tui.services.auth.new_secret", lambda: KEY)
    monkeypatch.setattr("usis_tui.services.mfa.new_recovery_codes", lambda: list(CODES))


async def ready(pilot) -> None:
    for _ in range(400):
        if pilot.app.ready:
            break
        await pilot.pause(0.05)
    await settle(pilot)


def password(username: str = "support", *, code: str | None = None, go_on: bool = False):
    async def run_before(pilot) -> None:
        await ready(pilot)
        await pilot.click("#username")
        await pilot.press(*username, "enter")
        await pilot.pause()
        await pilot.press(*"demo", "enter")
        await settle(pilot)
        if code is not None:
            await pilot.press(*code)
            if go_on:
                await pilot.press("enter")
        await settle(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()
    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_set_up(snap_compare, demo_db_url, size):
    assert snap_compare(make_app(demo_db_url), terminal_size=size, run_before=password())


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_code(snap_compare, demo_db_url, size):
    set_up_totp(demo_db_url, "support", DEMO_NOW)
    assert snap_compare(make_app(demo_db_url), terminal_size=size,
                        run_before=password(code="000000", go_on=True))


def test_recovery_codes_80x24(snap_compare, demo_db_url):
    assert snap_compare(make_app(demo_db_url), terminal_size=(80, 24),
                        run_before=password(code=mfa.code_at(KEY, DEMO_NOW), go_on=True))
