"""A guided tour through `usis --tour NAME serve` (textual-serve runs the same app in every
browser session): the panel is on the Login, signing in by typing moves it on, and Show me (F6)
works in the browser."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from test_browser import ROOT, free_port, signed_in_page, wait_for_port, wait_for_text

pytestmark = pytest.mark.e2e


@pytest.fixture
def served_tour(demo_db_url, tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "USIS_NOW": "2026-11-23T09:30", "TEXTUAL_ANIMATIONS": "none"}
    env.pop("USIS_DATABASE_URL", None)
    env.pop("USIS_TOUR", None)
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "usis_tui", "--tour", "enrol-by-class-number", "serve",
             "--host", "127.0.0.1", "--port", str(port), "--db", demo_db_url],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_port(port, proc, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def test_a_tour_in_the_browser(served_tour):
    with signed_in_page(served_tour) as page:  # the Login was shown with the tour's panel
        wait_for_text(page, "Main Menu", "Step 2 of 9", "go to 'Self Service'")
        page.keyboard.press("F6")  # Show me
        wait_for_text(page, "Step 3 of 9", "Click on 'Student Center'")
        page.keyboard.press("c")  # as the instruction says
        wait_for_text(page, "Step 4 of 9", "Click on 'Enrol'")
