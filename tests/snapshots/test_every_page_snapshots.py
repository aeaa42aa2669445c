"""Every page of the registry (navigation.py) at 80x24 and 120x40, opened as the user it is
for (s1234567 for a student's pages, board, support, courseadmin and trainer for their own; the
Course Portal's public pages as a guest at the portal, without a uSis sign-in, and its learner
pages as the demo learner Sanne logged in to the portal), on the demo database with the clock
at DEMO_NOW: at 80x24 every page must show what a student decides on. A page added to the
registry gets its two snapshots here without another line of test."""

from __future__ import annotations

import pytest
from helpers import make_app, settle
from shell_helpers import signed_in, wait_ready

from usis_tui import navigation

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
USERS = {"student": "s1234567", "everyone": "s1234567", "board": "board",
         "support": "support", "portal": "courseadmin", "trainer": "trainer"}
#: the Course Portal's learner pages are opened logged in to the portal as this demo learner
LEARNER = "sanne.devries@example.com"
PAGES = [name for name in navigation.PAGES if name != navigation.MAIN_MENU]


@pytest.fixture(autouse=True)
def _outbox(monkeypatch):
    """The Outbox names its folder: the same on every run, never the user's data folder."""
    monkeypatch.setenv("USIS_MAIL_OUTBOX", "/tmp/usis-snapshots/outbox")


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("page", PAGES)
def test_page(snap_compare, demo_db_url, page, size):
    audience = navigation.page(page).audience

    async def run_before(pilot) -> None:
        if audience == "public":
            await wait_ready(pilot)
        elif audience == "learner":
            await wait_ready(pilot)
            pilot.app.portal_identity = pilot.app.portal.portal_accounts.login(LEARNER, "demo")
        else:
            await signed_in(pilot, USERS[audience])
        assert await pilot.app.navigate(page)
        await settle(pilot)
        for field in pilot.app.screen.query("Input"):
            field.cursor_blink = False
        await settle(pilot)

    assert snap_compare(make_app(demo_db_url), terminal_size=SIZES[size],
                        run_before=run_before)
