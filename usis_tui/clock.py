"""The injected clock: a frozen moment (USIS_NOW / --now) or the wall clock.

``make_clock`` returns a ``Clock``: call it for "now". A trainer can freeze or move it while the
app runs (``set`` / ``move``); every service holding the clock sees the new moment at once.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .errors import ConfigError

LOCAL = ZoneInfo("Europe/Amsterdam")


def parse_now(value: str) -> datetime:
    """ISO date or date-time; an aware time is converted to Amsterdam local time."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"Not an ISO date-time: {value!r} (expected e.g. 2026-09-07T10:00).") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(LOCAL).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def resolve_now(now: datetime | str | None) -> datetime | None:
    """The frozen moment, from the argument or USIS_NOW; None means the wall clock."""
    if isinstance(now, datetime):
        return now.replace(tzinfo=None, microsecond=0) if now.tzinfo is None else parse_now(now.isoformat())
    if isinstance(now, str):
        return parse_now(now)
    env = os.environ.get("USIS_NOW")
    return parse_now(env) if env else None


def wall_clock() -> datetime:
    return datetime.now(LOCAL).replace(tzinfo=None, microsecond=0)


class Clock:
    """A callable clock: the frozen moment, or the wall clock (Amsterdam time) when not frozen."""

    def __init__(self, frozen: datetime | None = None) -> None:
        self.frozen = frozen.replace(microsecond=0) if frozen is not None else None

    def __call__(self) -> datetime:
        return self.frozen if self.frozen is not None else wall_clock()

    @property
    def is_frozen(self) -> bool:
        return self.frozen is not None

    def set(self, moment: datetime | str | None) -> datetime | None:
        """Freeze at ``moment`` (a datetime or ISO text); None goes back to the wall clock."""
        if isinstance(moment, str):
            moment = parse_now(moment)
        elif isinstance(moment, datetime) and moment.tzinfo is not None:
            moment = parse_now(moment.isoformat())
        self.frozen = moment.replace(microsecond=0) if moment is not None else None
        return self.frozen

    def move(self, delta: timedelta) -> datetime:
        """Freeze at now + ``delta`` (e.g. +1 day)."""
        self.frozen = self() + delta
        return self.frozen

    def __repr__(self) -> str:
        return f"Clock({self.frozen.isoformat() if self.frozen else 'wall'})"


def make_clock(frozen: datetime | None) -> Clock:
    return Clock(frozen)
