"""Snapshot of the Queue screen (opening queue) at 120x40, clock at DEMO_NOW: two places, both
taken, one student already waiting, so s1234567 (one class in her cart) is second in line.

Update with ``pytest tests/snapshots/test_queue_snapshots.py --snapshot-update`` and look at the
SVG before accepting it.
"""

from __future__ import annotations

import pytest
from helpers import DEMO_NOW, make_app, settle

from usis_tui.screens import queue as queue_screen
from usis_tui.services import Usis

SIZE = (120, 40)


@pytest.fixture
def busy_db_url(demo_db_url, monkeypatch):
    monkeypatch.setenv("USIS_MAX_SESSIONS", "2")
    monkeypatch.setattr(queue_screen, "POLL_SECONDS", 3600)  # no poll while the shot is taken
    usis = Usis.open(demo_db_url, clock=lambda: DEMO_NOW)
    usis.cart.add("s1234567", "2026-2027", "1052")  # kept while she waits
    for who in ("s7654321", "s2345678", "s7000001"):
        usis.queue.enter(who)
    usis.close()
    return demo_db_url


async def queued(pilot) -> None:
    for _ in range(400):
        if pilot.app.ready:
            break
        await pilot.pause(0.05)
    await settle(pilot)
    await pilot.click("#username")
    await pilot.press(*"s1234567", "enter")
    await pilot.pause()
    await pilot.press(*"demo", "enter")
    await settle(pilot)
    for _ in range(100):
        if type(pilot.app.screen).__name__ == "QueueScreen":
            break
        await pilot.pause(0.05)
    await settle(pilot)


def test_queue_screen(snap_compare, busy_db_url):
    app = make_app(busy_db_url)
    assert snap_compare(app, terminal_size=SIZE, run_before=queued)
