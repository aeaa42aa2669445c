"""Root test configuration, loaded before anything imports Textual.

Deterministic UI: no animations, no cursor blink, a frozen clock. ``demo_db_url`` gives each
test its own copy of a demo database seeded once per test session (per xdist worker).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import pytest

os.environ["TEXTUAL_ANIMATIONS"] = "none"
os.environ.setdefault("TEXTUAL_DEBUG", "0")
os.environ.pop("USIS_DATABASE_URL", None)
os.environ.pop("USIS_NOW", None)
os.environ.pop("USIS_LANG", None)  # English unless a test asks for Dutch
# One scrypt cost for every hash the tests make (demo seed, factories, `usis user`): 2**14
# (16 MiB) instead of the 2**17 default, so that the many logins stay quick.
os.environ["USIS_SCRYPT_N"] = "16384"

# The uSis log (unexpected failures, usis_tui/failures.py) of this test run, not the user's.
os.environ.setdefault("USIS_LOG_DIR", tempfile.mkdtemp(prefix="usis-test-log-"))
# The config file of this test run (none: every setting at its default), not the user's
# ~/.config/usis/config.toml: a theme or keymap there would change every snapshot.
os.environ["USIS_CONFIG"] = os.path.join(tempfile.mkdtemp(prefix="usis-test-config-"),
                                         "config.toml")


@pytest.fixture(autouse=True)
def _own_downloads_folder(tmp_path_factory, monkeypatch):
    """Files the app delivers (exports) land in a folder of the test, not in ~/Downloads."""
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(tmp_path_factory.mktemp("Downloads")))


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """The language is the process's (usis_tui/i18n.py): a test that switches to Dutch leaves
    the next one in English."""
    yield
    from usis_tui import i18n

    i18n.set_language("en")


@pytest.fixture
def dutch():
    """The test runs in Dutch (i18n.set_language("nl")), English again afterwards."""
    from usis_tui import i18n

    with i18n.language("nl"):
        yield


# Monday of a teaching week in the demo academic year 2026-2027.
DEMO_NOW = datetime(2026, 11, 23, 9, 30)


@pytest.fixture(scope="session")
def demo_now() -> datetime:
    return DEMO_NOW


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory) -> tuple[Path, object]:
    from usis_tui.data.demo import seed_demo
    from usis_tui.db import Database

    path = tmp_path_factory.mktemp("demo-template") / "usis.db"
    db = Database(f"sqlite:///{path}")
    summary = seed_demo(db, DEMO_NOW)
    db.dispose()  # closing the last connection folds the WAL into the file
    assert not path.with_name("usis.db-wal").exists()
    return path, summary


@pytest.fixture
def demo_summary(_demo_template):
    """The DemoSummary: ``highlights`` names class numbers for each demo situation."""
    return _demo_template[1]


@pytest.fixture
def demo_db_url(_demo_template, tmp_path) -> str:
    """A fresh copy of the seeded demo database for this test."""
    target = tmp_path / "usis.db"
    shutil.copyfile(_demo_template[0], target)
    return f"sqlite:///{target}"


@pytest.fixture
def demo_usis(demo_db_url):
    """The service facade on a fresh demo database, clock frozen at DEMO_NOW."""
    from usis_tui.services import Usis

    usis = Usis.open(demo_db_url, clock=lambda: DEMO_NOW)
    yield usis
    usis.close()
