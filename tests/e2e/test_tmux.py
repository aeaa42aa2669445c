"""End to end: the real `usis` command in tmux. Sign in as s1234567, open Enrol, enrol by class
number 1052 (Continue → preferences → Next → Shopping cart → Enrol → Finish enrolling) and read
the result from the terminal; then check the database."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 120, 40
ROOT = Path(__file__).resolve().parents[2]  # the repository: `python -m usis_tui` works here


def usis_command() -> str:
    """The installed `usis` script of this Python, else `python -m usis_tui`."""
    script = Path(sys.executable).with_name("usis")
    if script.exists():
        return shlex.quote(str(script))
    return f"{shlex.quote(sys.executable)} -m usis_tui"


class Tmux:
    def __init__(self) -> None:
        self.socket = f"usis-e2e-{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def run(self, *args: str) -> str:
        # No COLUMNS/LINES from the test runner: Textual would take them over the pane's size.
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "TMUX")}
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True,
                              capture_output=True, text=True, env=env).stdout

    def start(self, command: str, env: dict[str, str]) -> None:
        env_args = [x for k, v in env.items() for x in ("-e", f"{k}={v}")]
        # "; sleep" keeps the pane (and any error output) readable if the app exits early.
        self.run("new-session", "-d", "-x", str(WIDTH), "-y", str(HEIGHT), "-c", str(ROOT),
                 *env_args,
                 f"{command}; sleep 60")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", *keys)

    def type(self, text: str) -> None:
        self.run("send-keys", "-l", text)

    def screen(self) -> str:
        return self.run("capture-pane", "-p")

    def wait_for(self, *texts: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if all(t in screen for t in texts):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {texts!r}; the screen shows:\n{screen}")

    def footer(self) -> str:
        lines = self.screen().rstrip("\n").splitlines()
        return lines[-1] if lines else ""

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def wait_footer(tmux: Tmux, text: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in tmux.footer():
            return
        time.sleep(0.1)
    raise AssertionError(f"the footer never showed {text!r}; the screen shows:\n{tmux.screen()}")


@pytest.fixture
def tmux():
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    session = Tmux()
    yield session
    session.kill()


def test_enrol_by_class_number_in_the_real_terminal(tmux, demo_db_url):
    tmux.start(usis_command(), {
        "USIS_DATABASE_URL": demo_db_url,
        "USIS_NOW": "2026-11-23T09:30",
        "COLORTERM": "truecolor",
        "TEXTUAL_ANIMATIONS": "none",
    })
    tmux.wait_for("Student number / User ID", "Sign In", timeout=30)

    tmux.type("s1234567")
    tmux.keys("Tab")  # to Password; keys sent at once could still reach the first field
    time.sleep(0.5)
    tmux.type("demo")
    tmux.keys("Enter")
    screen = tmux.wait_for("Welcome, Eva de Vries.", "uSis — Eva de Vries (s1234567)")
    assert len(tmux.footer()) > 100, "the app does not use the 120-column pane"

    tmux.keys("s")  # Main Menu → Self Service
    tmux.wait_for("Main Menu › Self Service", "Student Center")
    tmux.keys("e")  # Self Service → Enrol
    tmux.wait_for("Main Menu › Self Service › Student Center › Enrol",
                  "Enrol by entering the class number", "Studiejaar 2026-2027",
                  "Your Shopping cart is empty.")
    time.sleep(0.5)  # the class number field takes the focus once the page has loaded

    tmux.type("1052")
    tmux.keys("Enter")  # Continue
    tmux.wait_for("Enrolment preferences", "Data Science and Artificial Intelligence",
                  "Wait list if class is full")
    tmux.keys("n")  # Next: into the Shopping cart, ticked
    tmux.wait_for("has been added to your Shopping cart")

    # Next lands on the Shopping cart, whose keys show in the footer once it has the focus
    # ("Select none": its one class is ticked); should the focus be elsewhere, Tab on to it.
    for _ in range(8):
        try:
            wait_footer(tmux, "Select none", timeout=2.0)
            break
        except AssertionError:
            tmux.keys("Tab")
    wait_footer(tmux, "Select none", timeout=0.1)
    tmux.keys("e")  # Enrol → step 2
    tmux.wait_for("Confirm classes", "Finish enrolling", "1052")
    tmux.keys("f")  # Finish enrolling → step 3
    screen = tmux.wait_for("View results", "Success: This class has been added to your schedule.")
    assert "1052" in screen and "4000MDSAIN" in screen

    from usis_tui.services import Usis

    usis = Usis.open(demo_db_url)
    try:
        lines = usis.enrolment.schedule("s1234567")
    finally:
        usis.close()
    assert [(line.cls.class_number, line.status) for line in lines
            if line.cls.class_number == "1052"] == [("1052", "enrolled")]


def test_enrol_by_class_number_in_dutch_in_the_real_terminal(tmux, demo_db_url):
    """The same walk with `usis --lang nl`: Hoofdmenu › Selfservice › Studentencentrum ›
    Inschrijven, "Inschrijven met het nummer van de studieactiviteit", to "Resultaten
    bekijken", every label in Dutch."""
    tmux.start(usis_command() + " --lang nl", {
        "USIS_DATABASE_URL": demo_db_url,
        "USIS_NOW": "2026-11-23T09:30",
        "COLORTERM": "truecolor",
        "TEXTUAL_ANIMATIONS": "none",
    })
    tmux.wait_for("Studentnummer / gebruikersnaam", "Inloggen", "nl | en", timeout=30)
    tmux.type("s1234567")
    tmux.keys("Tab")
    time.sleep(0.5)
    tmux.type("demo")
    tmux.keys("Enter")
    tmux.wait_for("Welkom, Eva de Vries.", "Hoofdmenu")
    tmux.keys("s")
    tmux.wait_for("Hoofdmenu › Selfservice", "Studentencentrum")
    tmux.keys("e")
    tmux.wait_for("Hoofdmenu › Selfservice › Studentencentrum › Inschrijven",
                  "Inschrijven met het nummer van de studieactiviteit", "Studiejaar 2026-2027")
    time.sleep(0.5)
    tmux.type("1052")
    tmux.keys("Enter")  # Doorgaan
    tmux.wait_for("Inschrijfvoorkeuren", "Data Science and Artificial Intelligence",
                  "Wachtlijst als studieactiviteit vol is")
    tmux.keys("n")  # Volgende: into the Winkelwagen
    tmux.wait_for("staat in je winkelwagen")
    for _ in range(8):  # "spatie Kiezen" (Select): the Winkelwagen has the focus
        try:
            wait_footer(tmux, "Kiezen", timeout=2.0)
            break
        except AssertionError:
            tmux.keys("Tab")
    wait_footer(tmux, "Kiezen", timeout=0.1)
    tmux.keys("e")
    tmux.wait_for("Studieactiviteiten bevestigen", "Inschrijving voltooien", "1052")
    tmux.keys("f")
    screen = tmux.wait_for("Resultaten bekijken",
                           "Gelukt: deze studieactiviteit is aan je rooster toegevoegd.")
    assert "Success" not in screen and "Shopping cart" not in screen
