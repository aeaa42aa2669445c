"""A guided tour through `usis --tour NAME serve` (textual-serve runs the same app in every
browser session): the panel is on the Login, signing in by typing moves it on, and Show me (F6)
works in the browser."""

from __future__ import annotations

import os

import pytest
from test_browser import free_port, serving, signed_in_page, wait_for_text

pytestmark = pytest.mark.e2e


@pytest.fixture
def served_tour(demo_db_url, tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "USIS_NOW": "2026-11-23T09:30", "TEXTUAL_ANIMATIONS": "none"}
    env.pop("USIS_DATABASE_URL", None)
    env.pop("USIS_TOUR", None)
    with serving(["--tour", "enrol-by-class-number", "serve"], demo_db_url, port, env,
                 log) as url:
        yield url


def test_a_tour_in_the_browser(served_tour):
    with signed_in_page(served_tour) as page:  # the Login was shown with the tour's panel
        wait_for_text(page, "Main Menu", "Step 2 of 9", "go to 'Self Service'")
        page.keyboard.press("F6")  # Show me
        wait_for_text(page, "Step 3 of 9", "Click on 'Student Center'")
        page.keyboard.press("c")  # as the instruction says
        wait_for_text(page, "Step 4 of 9", "Click on 'Enrol'")
