"""Exam enrolment confirmation.

An enrolment in an Exam or Resit class is provisional until the student confirms it (the
confirmation is binding). The deadline is 10 days before the exam (``EXAM_DEADLINE_DAYS``), at
23:59; at the deadline an unconfirmed enrolment is removed through the enrolment service (so
the wait list moves) and the student gets a message. Expiry runs lazily: when the Student
Center or its To Do List loads, and once at app start, with the injected clock.

State lives in ``exam_confirmation`` (models/exams.py): no row means provisional; a confirmation
counts only if it is not older than the enrolment (enrolling again needs a new one).

    usis.exams.list("s1234567")                 # upcoming exam enrolments, provisional first
    usis.exams.confirm("s1234567", enrolment_id)
    usis.exams.expire()                         # everyone, at the clock; or student_number=...
"""

from __future__ import annotations

import builtins
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..i18n import _, _in, account_language, format_date
from ..models import ClassSection, Enrolment, ExamConfirmation, Meeting, Student
from .audit import audited
from .base import Context, fail, fmt_dt, get_student
from .enrol_messages import describe, post_message
from .enrolment import EnrolmentService, lock_sections
from .exam_rules import EXAM_COMPONENTS, EXAM_DEADLINE_DAYS, deadline_for, is_confirmed
from .schemas import ExamConfirmationInfo, ExpiredExam, component_label

CATEGORY = "exam"
SYSTEM_ACTOR = "usis"  # who removes unconfirmed enrolments (the audit trail's actor)


def _exam_rows(session: Session, *, student_id: int | None = None,
               enrolment_id: int | None = None, first_day: date | None = None,
               last_day: date | None = None):
    """(enrolment, section, exam day, confirmation row) of enrolled exam/resit enrolments."""
    # The exam day of each row's own class (a correlated subquery: grouping every meeting of
    # the catalogue first costs a scan of the whole meeting table).
    day = (select(func.min(Meeting.start_date)).where(Meeting.section_id == ClassSection.id)
           .correlate(ClassSection).scalar_subquery())
    stmt = (select(Enrolment, ClassSection, day.label("day"), ExamConfirmation)
            .join(ClassSection, ClassSection.id == Enrolment.section_id)
            .outerjoin(ExamConfirmation, ExamConfirmation.enrolment_id == Enrolment.id)
            .where(Enrolment.status == "enrolled", ClassSection.component.in_(EXAM_COMPONENTS)))
    if student_id is not None:
        stmt = stmt.where(Enrolment.student_id == student_id)
    if enrolment_id is not None:
        stmt = stmt.where(Enrolment.id == enrolment_id)
    if first_day is not None:
        stmt = stmt.where(day >= first_day)
    if last_day is not None:
        stmt = stmt.where(day <= last_day)
    stmt = stmt.options(selectinload(ClassSection.meetings)).order_by(day, Enrolment.id)
    return session.execute(stmt).all()


def _info(enrolment: Enrolment, section: ClassSection, day: date,
          row: ExamConfirmation | None) -> ExamConfirmationInfo:
    meeting = min(section.meetings, key=lambda m: (m.start_date, m.start_time))
    confirmed = is_confirmed(enrolment, row, deadline_for(day))
    return ExamConfirmationInfo(
        enrolment_id=enrolment.id, academic_year=section.academic_year.code,
        class_number=section.class_number, catalogue_number=section.course.catalogue_number,
        title=section.course.title, component=section.component, exam_day=day,
        start=meeting.start_time, end=meeting.end_time, room=meeting.room,
        deadline_at=deadline_for(day), status="confirmed" if confirmed else "provisional",
        confirmed_at=row.confirmed_at if confirmed and row else None)


class ExamService:
    def __init__(self, ctx: Context, enrolment: EnrolmentService) -> None:
        self.ctx = ctx
        self.enrolment = enrolment

    def list(self, student_number: str, *, provisional_only: bool = False
             ) -> list[ExamConfirmationInfo]:
        """The student's upcoming exam and resit enrolments (exam day today or later), by date."""
        today = self.ctx.now().date()
        with self.ctx.db.read() as session:
            student = get_student(session, student_number)
            out = [_info(e, s, d, r) for e, s, d, r in _exam_rows(
                session, student_id=student.id, first_day=today)]
        return [i for i in out if i.provisional] if provisional_only else out

    def confirm(self, student_number: str, enrolment_id: int, *,
                actor: str | None = None) -> ExamConfirmationInfo:
        """Confirm a provisional exam enrolment (binding), before its deadline."""
        with audited(self.ctx, "exam_confirm", student_number, actor=actor,
                     detail=f"enrolment {enrolment_id}") as step:
            session = step.session
            student = get_student(session, student_number, lock=True)  # then the classes
            now = self.ctx.now()
            rows = _exam_rows(session, student_id=student.id, enrolment_id=enrolment_id)
            if not rows:
                raise fail("not_enrolled", _("You are not enrolled in that exam, Confirm Not "
                                             "Processed."),
                           _("The To Do List shows the exam enrolments to confirm."))
            enrolment, section, day, row = rows[0]
            step.detail = f"class {section.class_number}"
            deadline = deadline_for(day)
            if is_confirmed(enrolment, row, deadline):
                raise fail("already_confirmed",
                           _("Your enrolment for class {number} is already confirmed.").format(
                               number=section.class_number),
                           _("A confirmed exam enrolment is binding."))
            if now > deadline:
                raise fail("deadline_passed",
                           _("The deadline to confirm your enrolment for class {number} passed "
                             "on {date}, Confirm Not Processed.").format(
                               number=section.class_number, date=fmt_dt(deadline)),
                           _("Unconfirmed exam enrolments are removed at the deadline; contact "
                             "your education administration office "
                             "(usis-fwn@science.leidenuniv.nl)."))
            if row is None:
                row = ExamConfirmation(enrolment_id=enrolment.id, deadline_at=deadline,
                                       status="confirmed")
                session.add(row)
            row.status, row.confirmed_at, row.expired_at, row.deadline_at = (
                "confirmed", now, None, deadline)
            session.flush()
            lang = account_language(student.language)  # the message: the student's
            post_message(session, student.id, CATEGORY,
                         _in(lang, "Exam enrolment confirmed: {name}").format(
                             name=describe(section, lang)),
                         _in(lang, "Your enrolment for the {component} of {title} on {date} "
                                   "(class {number}) is confirmed. This is binding.").format(
                             component=component_label(section.component, lang).lower(),
                             title=section.course.title,
                             date=format_date(day, language=lang),
                             number=section.class_number), now)
            step.record(f"class {section.class_number}: confirmed")
            return _info(enrolment, section, day, row)

    def expire(self, now: datetime | None = None, *,
               student_number: str | None = None) -> builtins.list[ExpiredExam]:
        """Remove every unconfirmed exam enrolment whose deadline has passed (of one student, or
        of everyone), through the enrolment service, each with a message. One transaction per
        student. Exams already held are left alone."""
        now = (now or self.ctx.now()).replace(microsecond=0)
        with self.ctx.db.read() as session:
            student_id = None
            if student_number is not None:
                student_id = get_student(session, student_number).id
            due: dict[int, str] = {}
            for e, _s, day, row in _exam_rows(
                    session, student_id=student_id, first_day=now.date(),
                    last_day=now.date() + timedelta(days=EXAM_DEADLINE_DAYS)):
                if now > deadline_for(day) and not is_confirmed(e, row, deadline_for(day)):
                    due.setdefault(e.student_id, "")
            if not due:
                return []
            numbers: dict[int, str] = dict(session.execute(
                select(Student.id, Student.student_number)
                .where(Student.id.in_(due))).tuples().all())
        out: list[ExpiredExam] = []
        for sid in sorted(due):
            out += self._expire_student(numbers[sid], now)
        return out

    def _expire_student(self, student_number: str,
                        now: datetime) -> builtins.list[ExpiredExam]:
        with audited(self.ctx, "exam_expire", student_number, actor=SYSTEM_ACTOR,
                     detail="unconfirmed exam enrolments") as step:
            session = step.session
            student = get_student(session, student_number, lock=True)  # then the classes
            candidates = _exam_rows(session, student_id=student.id, first_day=now.date(),
                                    last_day=now.date() + timedelta(days=EXAM_DEADLINE_DAYS))
            lock_sections(session, [s.id for _e, s, _d, _r in candidates])
            out = []
            for enrolment, section, day, row in candidates:
                session.refresh(enrolment)
                deadline = deadline_for(day)
                if enrolment.status != "enrolled" or now <= deadline or is_confirmed(
                        enrolment, row, deadline):
                    continue
                lang = account_language(student.language)  # the messages: the student's
                reason = _in(lang, "not confirmed before the deadline {date}").format(
                    date=fmt_dt(deadline, language=lang))
                self.enrolment._drop(session, student, section, now, reason=reason,
                                     notify=False)
                if row is None:
                    row = ExamConfirmation(enrolment_id=enrolment.id, status="expired",
                                           deadline_at=deadline)
                    session.add(row)
                row.status, row.expired_at, row.deadline_at = "expired", now, deadline
                post_message(session, student.id, CATEGORY,
                             _in(lang, "Exam enrolment removed: {name}").format(
                                 name=describe(section, lang)),
                             _in(lang, "You did not confirm your enrolment for the {component} "
                                       "of {title} on {date} (class {number}) before the "
                                       "deadline, {deadline}, so it has been removed. Contact "
                                       "your education administration office "
                                       "(usis-fwn@science.leidenuniv.nl) if you still want to "
                                       "take it.").format(
                                 component=component_label(section.component, lang).lower(),
                                 title=section.course.title,
                                 date=format_date(day, language=lang),
                                 number=section.class_number,
                                 deadline=fmt_dt(deadline, language=lang)),
                             now)
                step.record(f"class {section.class_number}: removed, {reason}")
                out.append(ExpiredExam(student_number=student.student_number,
                                       class_number=section.class_number,
                                       title=section.course.title,
                                       component=section.component, deadline_at=deadline))
            session.flush()
            if not out:
                step.record("nothing to remove")
            return out


__all__ = ["CATEGORY", "ExamService", "deadline_for", "is_confirmed"]
