"""Helpers shared by the Pilot tests and the snapshots: the demo clock, an app on a database,
and waiting until the app has settled.

``from helpers import DEMO_NOW, make_app, settle`` (tests/ is on pytest's pythonpath,
pyproject.toml). Textual is imported only when an app is made, so unit and CLI tests can take
``DEMO_NOW`` from here cheaply.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from usis_tui.app import UsisApp

# Monday of a teaching week in the demo academic year 2026-2027: the clock the demo database is
# seeded with (the root conftest.py, fixture ``demo_now``).
DEMO_NOW = datetime(2026, 11, 23, 9, 30)


def make_app(url: str, **kw) -> UsisApp:
    """The app on the database ``url`` with the clock at DEMO_NOW (``now=`` to change it), in
    the test's language when it chose Dutch (the ``dutch`` fixture), else as the app decides
    (``lang=``, USIS_LANG, the config file)."""
    from usis_tui import i18n
    from usis_tui.app import UsisApp

    kw.setdefault("now", DEMO_NOW)
    if i18n.get_language() != "en":
        kw.setdefault("lang", i18n.get_language())
    return UsisApp(database_url=url, **kw)


async def settle(pilot, *, rounds: int = 3, cancelled_ok: bool = False) -> None:
    """Wait until the workers are done and the screen has been refreshed, ``rounds`` times (a
    worker's result may start another one).

    ``cancelled_ok``: a worker cancelled meanwhile (an exclusive worker replaced by a newer one,
    e.g. on a reload) is no error; otherwise ``WorkerCancelled`` propagates.
    """
    from textual.worker import WorkerCancelled

    for _ in range(rounds):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            if not cancelled_ok:
                raise
        await pilot.pause()
