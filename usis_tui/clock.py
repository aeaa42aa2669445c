"""The injected clock: a frozen moment (USIS_NOW / --now) or the wall clock."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
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


def make_clock(frozen: datetime | None) -> Callable[[], datetime]:
    if frozen is not None:
        return lambda: frozen
    return lambda: datetime.now(LOCAL).replace(tzinfo=None, microsecond=0)
