"""Snapshots of the trainer's Classroom page with three trainees (one on the Enrol step with a
hint, one further on, one finished) at 80x24 and 120x40, on a fresh copy of the demo database;
the trainer's clock is frozen 4 minutes after DEMO_NOW, the classroom code and the session
students' numbers are fixed (they are random otherwise).

Update with ``pytest tests/snapshots/test_classroom_snapshots.py --snapshot-update`` and look at
every changed SVG before accepting it.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import count

import pytest
from helpers import DEMO_NOW, make_app, settle
from shell_helpers import signed_in

from usis_tui.services import Usis
from usis_tui.services import classroom as service
from usis_tui.tours import TourProgress, load_tour

TOUR = "enrol-by-class-number"
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


@pytest.fixture
def fixed_codes(monkeypatch):
    numbers = count(1)
    monkeypatch.setattr(service, "new_code", lambda: "K7MQ3T")
    monkeypatch.setattr(service, "_new_number", lambda _session: f"s90000{next(numbers):02d}")


def seed_classroom(url: str) -> None:
    now = [DEMO_NOW]
    usis = Usis.open(url, clock=lambda: now[0])
    try:
        usis.classroom.open_session("trainer", TOUR)
        total = len(load_tour(TOUR).steps)
        for name, step, minutes, hint in (
                ("Anna de Vries", 5, 1.5, None),
                ("Bram Jansen", 3, 3.25, "This step is on Student Center: press Escape to go "
                                         "back, or Ctrl+P and type Student Center."),
                ("Carla Bakker", total + 1, 0.5, None)):
            joined = usis.classroom.join("K7MQ3T", name)
            entered = DEMO_NOW + timedelta(minutes=4) - timedelta(minutes=minutes)
            usis.classroom.progress("K7MQ3T", joined.student_number, TourProgress(
                tour=TOUR, number=step, total=total, entered_at=entered.isoformat(),
                hint=hint, finished=step > total))
    finally:
        usis.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_classroom_with_three_trainees(snap_compare, demo_db_url, fixed_codes, size):
    seed_classroom(demo_db_url)

    async def run_before(pilot) -> None:
        await signed_in(pilot, "trainer")
        assert await pilot.app.navigate("Classroom")
        await settle(pilot, cancelled_ok=True)
        screen = pilot.app.screen
        screen._timer.pause()  # no refresh while the picture is taken
        await screen.refresh_roster().wait()
        await settle(pilot, cancelled_ok=True)

    app = make_app(demo_db_url, now=DEMO_NOW + timedelta(minutes=4))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)
