"""The injected clock: a frozen moment (USIS_NOW / --now) or the wall clock.

``make_clock`` returns a ``Clock``: call it for "now". A trainer can freeze or move it while the
app runs (``set`` / ``move``); every service holding the clock sees the new moment at once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .errors import ConfigError
from .i18n import _, ngettext

LOCAL = ZoneInfo("Europe/Amsterdam")
# Every date uSis takes in (the clock, weeks, filters, imported and petition dates) lies in these
# years: far enough for any real use, and far from the limits of Python's date (year 1-9999),
# where "+1 day" or a time zone conversion would overflow deep inside.
MIN_YEAR, MAX_YEAR = 1900, 2200
YEARS = f"{MIN_YEAR}-{MAX_YEAR}"


def in_range(value: date) -> bool:
    """A date or date-time within the years uSis works with (MIN_YEAR-MAX_YEAR)."""
    return MIN_YEAR <= value.year <= MAX_YEAR


def out_of_range(text: object) -> str:
    """The message for a date outside MIN_YEAR-MAX_YEAR (``text``: the value as given)."""
    shown = "".join(ch for ch in str(text) if ch.isprintable())
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    return _("{value} is outside the years {years} that uSis works with.").format(
        value=shown, years=YEARS)


def to_local(moment: datetime) -> datetime:
    """A naive Amsterdam local time: an aware time converted (an offset is never dropped), a
    naive one as it is. Raises ConfigError outside MIN_YEAR-MAX_YEAR."""
    if moment.tzinfo is not None:
        if not in_range(moment):
            raise ConfigError(out_of_range(moment.isoformat()))
        try:
            moment = moment.astimezone(LOCAL).replace(tzinfo=None)
        except (OverflowError, ValueError):
            raise ConfigError(out_of_range(moment.isoformat())) from None
    if not in_range(moment):
        raise ConfigError(out_of_range(moment.isoformat()))
    return moment


def parse_now(value: str) -> datetime:
    """ISO date or date-time; an aware time is converted to Amsterdam local time. ConfigError
    (one line) for anything else, and for a moment outside the years MIN_YEAR-MAX_YEAR."""
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        shown = repr(text if len(text) <= 40 else text[:39] + "…")
        raise ConfigError(_("Not an ISO date-time: {value} (expected e.g. 2026-09-07T10:00).")
                          .format(value=shown)) from None
    try:
        return to_local(moment).replace(microsecond=0)
    except ConfigError:
        raise ConfigError(out_of_range(text)) from None


def shift(moment: datetime, delta: timedelta) -> datetime:
    """``moment + delta``; ConfigError (not OverflowError) when that leaves MIN_YEAR-MAX_YEAR."""
    try:
        moved = moment + delta
    except OverflowError:
        moved = None
    if moved is None or not in_range(moved):
        raise ConfigError(_("The clock cannot move from {moment} by {span}: uSis works with "
                            "the years {years} only.").format(
                                moment=f"{moment:%Y-%m-%d %H:%M}", span=_span(delta),
                                years=YEARS))
    return moved


def _span(delta: timedelta) -> str:
    """"+1 day", "-2 hours", "+3 days 4 hours 5 minutes"."""
    size = abs(delta)
    hours, rest = divmod(size.seconds, 3600)
    parts = [text.format(n=n) for n, text in (
        (size.days, ngettext("{n} day", "{n} days", size.days)),
        (hours, ngettext("{n} hour", "{n} hours", hours)),
        (rest // 60, ngettext("{n} minute", "{n} minutes", rest // 60))) if n]
    return ("-" if delta < timedelta(0) else "+") + (" ".join(parts) or _("0 minutes"))


def wall_clock() -> datetime:
    return datetime.now(LOCAL).replace(tzinfo=None, microsecond=0)


class Clock:
    """A callable clock: the frozen moment, or the wall clock (Amsterdam time) when not frozen."""

    def __init__(self, frozen: datetime | None = None) -> None:
        self.frozen = to_local(frozen).replace(microsecond=0) if frozen is not None else None

    def __call__(self) -> datetime:
        return self.frozen if self.frozen is not None else wall_clock()

    @property
    def is_frozen(self) -> bool:
        return self.frozen is not None

    def set(self, moment: datetime | str | None) -> datetime | None:
        """Freeze at ``moment`` (a datetime or ISO text); None goes back to the wall clock.
        ConfigError (the clock unchanged) for a bad moment or one outside MIN_YEAR-MAX_YEAR."""
        if isinstance(moment, str):
            moment = parse_now(moment)
        elif isinstance(moment, datetime):
            moment = to_local(moment)
        self.frozen = moment.replace(microsecond=0) if moment is not None else None
        return self.frozen

    def move(self, delta: timedelta) -> datetime:
        """Freeze at now + ``delta`` (e.g. +1 day); ConfigError (the clock unchanged) when that
        leaves the years MIN_YEAR-MAX_YEAR."""
        self.frozen = shift(self(), delta)
        return self.frozen

    def __repr__(self) -> str:
        return f"Clock({self.frozen.isoformat() if self.frozen else 'wall'})"


def make_clock(frozen: datetime | None) -> Clock:
    return Clock(frozen)
