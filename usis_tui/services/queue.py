"""The opening queue: at most ``limit`` students use uSis at once; the others wait their turn.

As Leiden's ticket system on registration day: a student who signs in while every place is
taken gets a queue position and an estimated wait, and is admitted automatically (first come,
first served) when a place frees: on sign-out, or when a session has not been heard from for
``SESSION_TIMEOUT`` by the app's clock (the app sends a heartbeat every ``HEARTBEAT`` while it
runs). Waiting never touches the shopping cart: it is kept as it was, but nothing can be
enrolled until the student is admitted.

The limit comes from USIS_MAX_SESSIONS (``usis --max-sessions N``); without it there is no
queue and no session is recorded. Every app process on one database should use the same limit.
"""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta
from typing import Literal, cast

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from ..i18n import _
from ..models import CartItem, LoginSession, Student
from .audit import record
from .base import Context, fail
from .schemas import Frozen

ENV_LIMIT = "USIS_MAX_SESSIONS"
HEARTBEAT = timedelta(seconds=30)
SESSION_TIMEOUT = timedelta(minutes=5)
DEFAULT_SESSION_LENGTH = timedelta(minutes=10)  # until there are ended sessions to measure
KEEP_ENDED = timedelta(days=1)
_PG_LOCK_KEY = 8130_2026  # pg_advisory_xact_lock: one admission decision at a time


def limit_from_env(value: str | None = None) -> int | None:
    """The session limit from the ``max_sessions`` setting (--max-sessions, USIS_MAX_SESSIONS,
    config file): None (unlimited) or a whole number >= 1."""
    if value is None:
        from ..config import settings

        value = settings().max_sessions
    raw = value
    if raw is None or not raw.strip():
        return None
    try:
        limit = int(raw.strip())
    except ValueError:
        limit = 0
    if limit < 1:
        raise fail("bad_session_limit",
                   _("{setting} must be a whole number of 1 or more, not {value}.").format(
                       setting=ENV_LIMIT, value=repr(raw.strip())),
                   _("Unset it for no limit, or start uSis with --max-sessions N."))
    return limit


TicketStatus = Literal["waiting", "active", "ended"]


class QueueTicket(Frozen):
    """Where one sign-in stands."""

    token: str
    username: str
    status: TicketStatus
    end_reason: str | None = None
    position: int | None = None  # 1 = next to be admitted (while waiting)
    waiting: int = 0  # everyone in the queue
    active: int = 0  # sessions using uSis now
    limit: int | None = None
    estimated_wait: timedelta | None = None  # while waiting
    queued_at: datetime
    admitted_at: datetime | None = None
    cart_items: int = 0  # classes in the shopping cart, kept while waiting

    @property
    def admitted(self) -> bool:
        return self.status == "active"


class QueueStatus(Frozen):
    limit: int | None
    active: int
    waiting: int
    average_session: timedelta


def estimate_wait(position: int, limit: int, average_session: timedelta) -> timedelta:
    """``limit`` places free up, on average, every ``average_session / limit``: position p
    waits about p of those intervals. Rounded up to whole minutes."""
    seconds = position * average_session.total_seconds() / max(limit, 1)
    return timedelta(minutes=max(1, math.ceil(seconds / 60)))


def format_wait(wait: timedelta | None) -> str:
    if wait is None:
        return "–"
    minutes = math.ceil(wait.total_seconds() / 60)
    if minutes <= 1:
        return _("about 1 minute")
    if minutes < 90:
        return _("about {minutes} minutes").format(minutes=minutes)
    hours, rest = divmod(minutes, 60)
    return _("about {hours} h {minutes} min").format(hours=hours, minutes=f"{rest:02d}")


class QueueService:
    def __init__(self, ctx: Context, limit: int | None | Literal["env"] = "env") -> None:
        self.ctx = ctx
        self._limit = limit

    @property
    def limit(self) -> int | None:
        """The session limit: set in code (tests), else USIS_MAX_SESSIONS; None = unlimited."""
        return limit_from_env() if isinstance(self._limit, str) else self._limit  # "env"

    @limit.setter
    def limit(self, value: int | None) -> None:
        if value is not None and value < 1:
            raise ValueError("the session limit is at least 1")
        self._limit = value

    @property
    def enabled(self) -> bool:
        return self.limit is not None

    # ------------------------------------------------------------------ the student's side
    def enter(self, username: str) -> QueueTicket:
        """Sign-in: admitted at once when a place is free and nobody waits, else queued."""
        limit = self.limit
        name = (username or "").strip().lower()
        now = self.ctx.now()
        with self.ctx.db.write() as session:
            self._lock(session)
            self._housekeeping(session, now, limit)
            row = LoginSession(token=secrets.token_hex(16), username=name, status="waiting",
                               queued_at=now, last_seen_at=now)
            waiting = self._count(session, "waiting")
            if limit is None or (waiting == 0 and self._count(session, "active") < limit):
                row.status, row.admitted_at = "active", now
            session.add(row)
            session.flush()
            if row.status == "waiting":
                ticket = self._ticket(session, row, limit)
                record(session, now, actor=name, acting_for=name, action="queue",
                       detail=f"Waiting in the opening queue at position {ticket.position} "
                              f"({ticket.active} of {limit} places in use)")
                return ticket
            return self._ticket(session, row, limit)

    def poll(self, token: str) -> QueueTicket:
        """Heartbeat (active) or "am I in yet?" (waiting): also expires silent sessions and
        admits the first waiting ones into free places. An ended ticket comes back with
        status "ended" and its reason."""
        limit = self.limit
        now = self.ctx.now()
        with self.ctx.db.write() as session:
            self._lock(session)
            row = self._get(session, token)
            if row.status != "ended" and now - row.last_seen_at <= SESSION_TIMEOUT:
                row.last_seen_at = now  # heard from in time: not expired by the housekeeping
            session.flush()
            self._housekeeping(session, now, limit)
            return self._ticket(session, row, limit)

    def leave(self, token: str, reason: str = "signed_out") -> None:
        """Sign-out (or leaving the queue): the place goes to the first one waiting."""
        limit = self.limit
        now = self.ctx.now()
        with self.ctx.db.write() as session:
            self._lock(session)
            row = session.scalar(select(LoginSession).where(LoginSession.token == token))
            if row is not None and row.status != "ended":
                row.status, row.ended_at, row.end_reason = "ended", now, reason[:20]
                session.flush()
            self._housekeeping(session, now, limit)

    def ticket(self, token: str) -> QueueTicket:
        """Where a ticket stands, without a heartbeat."""
        with self.ctx.db.read() as session:
            return self._ticket(session, self._get(session, token), self.limit)

    def status(self) -> QueueStatus:
        with self.ctx.db.read() as session:
            return QueueStatus(limit=self.limit, active=self._count(session, "active"),
                               waiting=self._count(session, "waiting"),
                               average_session=self._average(session, self.ctx.now()))

    # ------------------------------------------------------------------ internals
    def _lock(self, session: Session) -> None:
        # SQLite: the writing transaction already holds the write lock (BEGIN IMMEDIATE).
        if self.ctx.db.dialect == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})

    @staticmethod
    def _get(session: Session, token: str) -> LoginSession:
        row = session.scalar(select(LoginSession).where(LoginSession.token == token))
        if row is None:
            raise fail("unknown_session", _("Your session has ended."), _("Sign in again."))
        return row

    @staticmethod
    def _count(session: Session, status: str) -> int:
        return session.scalar(select(func.count(LoginSession.id))
                              .where(LoginSession.status == status)) or 0

    def _housekeeping(self, session: Session, now: datetime, limit: int | None) -> None:
        """Expire silent sessions, admit the first waiting ones (FIFO), forget old ended rows."""
        session.execute(
            update(LoginSession)
            .where(LoginSession.status.in_(("active", "waiting")),
                   LoginSession.last_seen_at < now - SESSION_TIMEOUT)
            .values(status="ended", ended_at=now, end_reason="expired")
            .execution_options(synchronize_session=False))
        session.execute(delete(LoginSession).where(LoginSession.status == "ended",
                                                   LoginSession.ended_at < now - KEEP_ENDED))
        session.expire_all()  # the bulk UPDATE bypassed the loaded rows
        free = (None if limit is None
                else limit - self._count(session, "active"))
        if free is not None and free <= 0:
            return
        stmt = (select(LoginSession).where(LoginSession.status == "waiting")
                .order_by(LoginSession.queued_at, LoginSession.id))
        if free is not None:
            stmt = stmt.limit(free)
        for row in session.scalars(stmt).all():
            row.status, row.admitted_at = "active", now
            record(session, now, actor=row.username, acting_for=row.username, action="queue",
                   detail=f"Admitted from the opening queue after "
                          f"{_minutes(now - row.queued_at)}")
        session.flush()

    @staticmethod
    def _average(session: Session, now: datetime) -> timedelta:
        rows = session.execute(
            select(LoginSession.admitted_at, LoginSession.ended_at)
            .where(LoginSession.status == "ended", LoginSession.admitted_at.is_not(None),
                   LoginSession.end_reason == "signed_out",
                   LoginSession.ended_at >= now - KEEP_ENDED)
            .order_by(LoginSession.ended_at.desc()).limit(200)).all()
        lengths = [(end - start).total_seconds() for start, end in rows if end and start]
        if not lengths:
            return DEFAULT_SESSION_LENGTH
        return timedelta(seconds=max(60.0, sum(lengths) / len(lengths)))

    def _ticket(self, session: Session, row: LoginSession, limit: int | None) -> QueueTicket:
        waiting = self._count(session, "waiting")
        active = self._count(session, "active")
        position = wait = None
        if row.status == "waiting":
            position = 1 + (session.scalar(
                select(func.count(LoginSession.id)).where(
                    LoginSession.status == "waiting",
                    (LoginSession.queued_at < row.queued_at)
                    | ((LoginSession.queued_at == row.queued_at) & (LoginSession.id < row.id))))
                or 0)
            wait = estimate_wait(position, limit or 1, self._average(session, self.ctx.now()))
        cart = session.scalar(
            select(func.count(CartItem.id)).join(Student, Student.id == CartItem.student_id)
            .where(Student.student_number == row.username)) or 0
        return QueueTicket(token=row.token, username=row.username,
                           status=cast(TicketStatus, row.status),  # (a plain string column)
                           end_reason=row.end_reason, position=position, waiting=waiting,
                           active=active, limit=limit, estimated_wait=wait,
                           queued_at=row.queued_at, admitted_at=row.admitted_at,
                           cart_items=cart)


def _minutes(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return "less than a minute" if minutes < 1 else f"{minutes} minute{'s' if minutes != 1 else ''}"


__all__ = ["ENV_LIMIT", "HEARTBEAT", "SESSION_TIMEOUT", "QueueService", "QueueStatus",
           "QueueTicket", "estimate_wait", "format_wait", "limit_from_env"]
