"""The App factory: ``UsisApp(database_url=..., now=...)`` builds the app without running it.

Arguments that are None come from USIS_DATABASE_URL / USIS_NOW, then the embedded default
(a SQLite file in the user data dir) and the wall clock. The engine is created on first use,
never at import time.
"""

from __future__ import annotations

from datetime import datetime

from textual.app import App

from .clock import make_clock, resolve_now
from .db import Database, resolve_database_url
from .services import Usis
from .services.schemas import Identity


class UsisApp(App):
    TITLE = "uSis"
    SUB_TITLE = "Universiteit Leiden"

    def __init__(self, database_url: str | None = None, now: datetime | str | None = None) -> None:
        super().__init__()
        self.database_url = resolve_database_url(database_url)
        self.frozen_now = resolve_now(now)
        self.clock = make_clock(self.frozen_now)
        self._usis: Usis | None = None
        self.identity: Identity | None = None

    @property
    def usis(self) -> Usis:
        if self._usis is None:
            self._usis = Usis(Database(self.database_url), self.clock)
        return self._usis

    def now(self) -> datetime:
        return self.clock()

    @property
    def student_number(self) -> str | None:
        """The student whose data the screens show (the logged-in student)."""
        if self.identity is not None and self.identity.kind == "student":
            return self.identity.username
        return None

    def on_unmount(self) -> None:
        if self._usis is not None:
            self._usis.close()
