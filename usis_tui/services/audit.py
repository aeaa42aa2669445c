"""Audit trail: who did what, acting for whom, when (the app's clock) and with what outcome.

Entries are written in the caller's transaction (``record``); ``audited`` wraps a writing
transaction so that a refused call (ServiceError) is undone and leaves only its "refused"
entry. Passwords are never part of an entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..i18n import _
from ..models import AuditEntry, PortalAccount, Student
from .base import Context, ServiceError, bad_text, fail, get_student
from .schemas import Frozen

MAX_QUERY = 100  # a student number, a name or a word to find

AuditOutcome = Literal["ok", "refused", "failed"]
OUTCOMES: tuple[str, ...] = ("ok", "refused", "failed")


def record(session: Session, now: datetime, *, actor: str, acting_for: str | None,
           action: str, detail: str = "", outcome: AuditOutcome = "ok") -> AuditEntry:
    """Add one audit entry to ``session`` (the caller's transaction)."""
    def plain(text: str) -> str:  # user input may carry NUL (PostgreSQL refuses it) or escapes
        return "".join(ch for ch in text if ch.isprintable() or ch in "\n\t")

    entry = AuditEntry(at=now, actor=plain(actor)[:40],
                       acting_for=plain(acting_for)[:40] if acting_for else None,
                       action=action[:40], detail=plain(detail), outcome=outcome)
    session.add(entry)
    return entry


def problems_text(exc: ServiceError) -> str:
    return " ".join(p.message for p in exc.problems)


@dataclass
class Step:
    """One audited call: ``session`` to work in, ``detail`` for its entry, ``record`` for more
    than one entry (e.g. one per class of an enrolment)."""

    ctx: Context
    session: Session
    actor: str
    acting_for: str
    action: str
    detail: str = ""
    entries: list[AuditEntry] = field(default_factory=list)

    def record(self, detail: str | None = None, outcome: AuditOutcome = "ok", *,
               action: str | None = None) -> None:
        self.entries.append(record(
            self.session, self.ctx.now(), actor=self.actor, acting_for=self.acting_for,
            action=action or self.action, detail=self.detail if detail is None else detail,
            outcome=outcome))


@contextmanager
def audited(ctx: Context, action: str, student_number: str, *, actor: str | None = None,
            detail: str = "") -> Iterator[Step]:
    """One writing transaction for ``action`` on behalf of ``student_number``.

    Success: unless the block recorded entries itself, one "ok" entry with ``step.detail``.
    ServiceError: everything the block did is rolled back (savepoint), a "refused" entry with
    the problems is committed, and the error propagates.
    """
    acting_for = (student_number or "").strip().lower()
    with ctx.db.write() as session:
        step = Step(ctx, session, actor or acting_for, acting_for, action, detail)
        try:
            with session.begin_nested():
                yield step
        except ServiceError as exc:
            step.entries.clear()
            what = f"{step.detail}: " if step.detail else ""
            step.record(what + problems_text(exc), "refused")
            session.commit()  # only the audit entry; the refused change was rolled back
            raise
        if not step.entries:
            step.record()


class AuditRow(Frozen):
    at: datetime
    actor: str
    acting_for: str | None
    action: str
    detail: str
    outcome: str


class AuditService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def entries(self, student_number: str, *, action: str | None = None,
                since: datetime | None = None, until: datetime | None = None,
                outcome: str | None = None, text: str | None = None) -> list[AuditRow]:
        """A student's steps (done by them or by staff acting for them), oldest first.

        ``text`` keeps the steps whose detail, action or actor contains it (any case)."""
        number = (student_number or "").strip().lower()
        with self.ctx.db.read() as session:
            if number.startswith(PORTAL_PREFIX):  # a Course Portal learner (eduID, other login)
                _portal_account(session, number)
            else:
                get_student(session, number)  # raises unknown_student
            stmt = select(AuditEntry).where(AuditEntry.acting_for == number)
            if action:
                stmt = stmt.where(AuditEntry.action == action)
            if since is not None:
                stmt = stmt.where(AuditEntry.at >= since)
            if until is not None:
                stmt = stmt.where(AuditEntry.at <= until)
            if outcome:
                stmt = stmt.where(AuditEntry.outcome == outcome)
            if text and (why := bad_text(text.strip(), MAX_QUERY)):
                raise fail("bad_query", _("Text: {why}.").format(why=why),
                           _("For example 1052 or enrol."))
            if text and text.strip():
                pattern = f"%{like_escape(text.strip().lower())}%"
                stmt = stmt.where(or_(
                    func.lower(AuditEntry.detail).like(pattern, escape="\\"),
                    func.lower(AuditEntry.action).like(pattern, escape="\\"),
                    func.lower(AuditEntry.actor).like(pattern, escape="\\")))
            rows = session.scalars(stmt.order_by(AuditEntry.at, AuditEntry.id)).all()
            return [AuditRow(at=r.at, actor=r.actor, acting_for=r.acting_for, action=r.action,
                             detail=r.detail, outcome=r.outcome) for r in rows]

    # ---------------------------------------------------------------- added for the app
    def action_kinds(self, student_number: str | None = None) -> list[str]:
        """The distinct actions recorded (for one student, or everybody), sorted."""
        with self.ctx.db.read() as session:
            stmt = select(AuditEntry.action).distinct()
            if student_number:
                stmt = stmt.where(AuditEntry.acting_for == student_number.strip().lower())
            return sorted(session.scalars(stmt))

    def log(self, actor: str, acting_for: str | None, action: str, detail: str = "",
            outcome: AuditOutcome = "ok") -> None:
        """One entry in its own transaction, for steps that change no data (navigation, act as,
        the trainer's clock)."""
        with self.ctx.db.write() as session:
            record(session, self.ctx.now(), actor=actor, acting_for=acting_for, action=action,
                   detail=detail, outcome=outcome)

    def navigation(self, actor: str, acting_for: str | None, page: str) -> None:
        """``actor`` (acting for ``acting_for``) opened the uSis page ``page``; the detail is the
        page name exactly, so a replay can open it again."""
        self.log(actor, acting_for, NAVIGATE, page)

    def find_students(self, query: str, *, limit: int = 50) -> list[StudentRow]:
        """Students whose number starts with, or whose name contains, ``query`` (any case)."""
        wanted = (query or "").strip().lower()
        if not wanted:
            raise fail("empty_query", _("Enter a student number or (part of) a name."),
                       _("For example s1234567 or Vries."))
        if why := bad_text(wanted, MAX_QUERY):
            raise fail("bad_query", _("Student number or name: {why}.").format(why=why),
                       _("For example s1234567 or Vries."))
        escaped = like_escape(wanted)
        with self.ctx.db.read() as session:
            stmt = (select(Student)
                    .where(or_(Student.student_number.like(escaped + "%", escape="\\"),
                               func.lower(Student.name).like(f"%{escaped}%", escape="\\")))
                    .order_by(Student.student_number).limit(limit))
            found = [StudentRow(student_number=s.student_number, name=s.name,
                                programme=s.programme.name, degree=s.degree)
                     for s in session.scalars(stmt)]
            # Course Portal learners without a uSis account (eduID, other login): their steps
            # are recorded as portal:<id>; ULCN learners are found as the students they are
            from .portal.schemas import LOGIN_LABELS  # (the portal's services use this module)

            key = wanted.removeprefix(PORTAL_PREFIX)
            learners = (select(PortalAccount)
                        .where(PortalAccount.username.is_(None),
                               or_(PortalAccount.email.like(f"%{escaped}%", escape="\\"),
                                   func.lower(PortalAccount.name).like(f"%{escaped}%",
                                                                       escape="\\"),
                                   PortalAccount.id == (int(key) if key.isdigit() and
                                                        len(key) < 10 else -1)))
                        .order_by(PortalAccount.id).limit(max(0, limit - len(found))))
            found += [StudentRow(student_number=f"{PORTAL_PREFIX}{a.id}", name=a.name,
                                 programme=_("Course Portal: {email}").format(email=a.email),
                                 degree=_(LOGIN_LABELS.get(a.login, a.login)))
                      for a in session.scalars(learners)]
            return found


def _portal_account(session: Session, key: str) -> PortalAccount:
    """The Course Portal account recorded as ``key`` (portal:<id>); unknown_student if none."""
    number = key.removeprefix(PORTAL_PREFIX)
    account = (session.get(PortalAccount, int(number))
               if number.isdigit() and len(number) < 10 else None)
    if account is None or account.username is not None:
        raise fail("unknown_student", _("There is no Course Portal learner {key}.").format(
            key=key), _("Find the learner by name or e-mail address in Find a student."))
    return account


#: how the audit trail names a Course Portal learner without a uSis account
PORTAL_PREFIX = "portal:"


NAVIGATE = "navigate"


def like_escape(text: str) -> str:
    """``text`` for a LIKE pattern with escape character backslash: % and _ match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class StudentRow(Frozen):
    student_number: str
    name: str
    programme: str
    degree: str


__all__ = ["NAVIGATE", "OUTCOMES", "AuditRow", "AuditService", "Step", "StudentRow", "audited",
           "record"]
