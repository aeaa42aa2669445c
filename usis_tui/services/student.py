"""Student Center data: profile, holds, results and the message centre."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update

from ..i18n import _
from ..models import ExamResult, Hold, Message
from .base import Context, fail, get_student
from .schemas import HoldInfo, Identity, MessageInfo


class StudentService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def profile(self, student_number: str) -> Identity:
        with self.ctx.db.read() as session:
            s = get_student(session, student_number)
            return Identity(kind="student", username=s.student_number, name=s.name,
                            role="student", programme=s.programme.name)

    def holds(self, student_number: str) -> list[HoldInfo]:
        now = self.ctx.now()
        with self.ctx.db.read() as session:
            s = get_student(session, student_number)
            rows = session.scalars(select(Hold).where(Hold.student_id == s.id)
                                   .order_by(Hold.starts_at)).all()
            return [HoldInfo(kind=h.kind, reason=h.reason, blocks_enrolment=h.blocks_enrolment,
                             starts_at=h.starts_at, ends_at=h.ends_at)
                    for h in rows if h.starts_at <= now and (h.ends_at is None or h.ends_at > now)]

    def results(self, student_number: str) -> list[tuple[str, str, float | None, str]]:
        """(catalogue number, title, grade, date) of every exam result, newest first."""
        with self.ctx.db.read() as session:
            s = get_student(session, student_number)
            rows = session.scalars(select(ExamResult).where(ExamResult.student_id == s.id)
                                   .order_by(ExamResult.exam_date.desc())).all()
            return [(r.course.catalogue_number, r.course.title, r.grade, f"{r.exam_date:%d-%m-%Y}")
                    for r in rows]

    def messages(self, student_number: str, *, unread_only: bool = False) -> list[MessageInfo]:
        with self.ctx.db.read() as session:
            s = get_student(session, student_number)
            stmt = select(Message).where(Message.student_id == s.id)
            if unread_only:
                stmt = stmt.where(Message.read_at.is_(None))
            rows = session.scalars(stmt.order_by(Message.created_at.desc(), Message.id.desc()))
            return [MessageInfo(id=m.id, category=m.category, subject=m.subject, body=m.body,
                                created_at=m.created_at, read=m.read_at is not None) for m in rows]

    def unread_count(self, student_number: str) -> int:
        with self.ctx.db.read() as session:
            s = get_student(session, student_number)
            return session.scalar(select(func.count(Message.id)).where(
                Message.student_id == s.id, Message.read_at.is_(None))) or 0

    def mark_read(self, student_number: str, message_id: int, *, read: bool = True) -> None:
        with self.ctx.db.write() as session:
            s = get_student(session, student_number)
            # an UPDATE gives a CursorResult (with rowcount); Session.execute is typed Result
            done = cast(CursorResult[Any], session.execute(update(Message).where(
                Message.id == message_id, Message.student_id == s.id
            ).values(read_at=self.ctx.now() if read else None)))
            if done.rowcount == 0:
                raise fail("unknown_message", _("That message no longer exists."))
