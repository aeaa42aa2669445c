"""Database-wide settings (is this the demo database, the key for sign-in tags) and the
sign-in throttle (consecutive failures per user name, unknown names included)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Setting(Base):
    """One database-wide value, e.g. ``demo`` = ``1`` (written by the demo seed) or
    ``login_key`` (random, made at the first failed sign-in)."""

    __tablename__ = "setting"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class LoginThrottle(Base):
    """Consecutive failed sign-ins for one user name, real or not.

    ``tag`` is a keyed hash (HMAC-SHA256 with the ``login_key`` setting) of the normalised name:
    a name that was typed is never stored, and a real account's row looks like any other.
    ``blocked_until`` is by the app's clock (it may be frozen or moved), ``blocked_until_wall``
    by the wall clock: the name is refused only while neither has passed."""

    __tablename__ = "login_throttle"

    tag: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int]
    last_failure_at: Mapped[datetime]
    blocked_until: Mapped[datetime | None]
    blocked_until_wall: Mapped[datetime | None]

    __table_args__ = (Index("ix_login_throttle_last_failure_at", "last_failure_at"),)
