"""Sign-in sessions for the opening queue: who is using uSis now and who waits for a place."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

SESSION_STATUSES = ("waiting", "active", "ended")


class LoginSession(Base):
    """One signed-in app (a student): waiting in the queue, active (admitted) or ended.

    Only kept while a session limit is configured (USIS_MAX_SESSIONS). ``last_seen_at`` is the
    last heartbeat from the app (by the app's clock); ended rows are kept a day to estimate waits.
    """

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    username: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10))  # waiting | active | ended
    queued_at: Mapped[datetime]
    admitted_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(20))  # signed_out | expired | left

    __table_args__ = (
        CheckConstraint("status IN ('waiting', 'active', 'ended')", name="status"),
        Index("ix_login_session_status_queued", "status", "queued_at", "id"),
    )
