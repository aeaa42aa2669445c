"""Classrooms: a trainer's live view of every trainee in a guided tour (issue 18).

    room = usis.classroom.open_session("trainer", "enrol-by-class-number")   # code "K7MQ3T"
    joined = usis.classroom.join("k7mq3t", "Anna")     # a session student of her own
    usis.auth.login(joined.student_number, joined.password)   # the app signs her in
    usis.classroom.progress("K7MQ3T", joined.student_number, tour_progress)
    usis.classroom.roster("K7MQ3T")                   # every trainee: step, since, last hint
    usis.classroom.close_session("K7MQ3T")            # the session students go

**Session students.** Every trainee works as a student made for the session when they join: a
copy of the demo student the tours use (s1234567: programme, degree, cohort, exam results and
holds, so that the rules judge them as they judge her and Option 1, enrolling in 1052, works for
them exactly as for her), with a fresh student number (``s9`` and six digits, never handed out
twice: the numbers of closed sessions' trainees are kept) and a random password that only the
joining app sees (it signs in with it through the normal sign-in, ``auth.login``).

**Seats of their own.** Class 1052's seats are shared data: twenty trainees enrolling in it
would take twenty seats from the real students, and a full class would refuse the last
trainees. So a session student (``Student.session_student``) brings its own seat: the
enrolment rules stay those of services/rules.py and services/enrolment.py, except that the seat
check does not refuse a session student, and its enrolment grows the class by one seat
(``capacity`` and ``enrolled_count`` together, in the enrolment's own transaction, under the
class row's lock); its drop shrinks the class by that seat again. The seats free for everybody
else (capacity - enrolled) never change, so no real student is refused or promoted because of
a trainee, and trainees never take seats from each other; the counters keep counting every
enrolment row. (Growing the class at ``join`` instead would show real students a free seat
until the trainee enrols, and one of them could take it.) A session student never waits on a
wait list. The fast enrolment path (services/enrol_fast.py) leaves session students to the
ORM path.

**Closing** a session drops each session student's enrolments through the enrolment service
(its seats go with them, wait lists are renumbered as for any drop), then removes the student
and, with it, every row of theirs: enrolments, Shopping cart, messages, minor applications,
exam results, holds, petitions, sign-in sessions. The audit trail is kept: the entries of the
classroom itself (opened, joined, closed) and those of the session students (what trainees
did, tour steps included). The audit trail is the record of who did what; a trail with holes
cut in it after the fact could not be trusted, and the session students' numbers are never
handed out again, so their entries can never be mistaken for somebody else's. The trainees'
rows stay too (without their student): the classroom's history.

Progress (``progress``) is not audited here: the tour guide writes the tour's steps to the
audit trail itself (usis_tui/tours/guide.py); the classroom keeps only the latest state.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..i18n import _
from ..models import (
    Classroom,
    ClassroomTrainee,
    Enrolment,
    ExamResult,
    Hold,
    LoginSession,
    PermissionNumber,
    Student,
)
from ..tours import Tour, TourNotFound, TourProgress, load_tour
from .audit import record
from .auth import hash_password
from .base import Context, bad_text, fail, shown
from .enrolment import EnrolmentService, lock_sections
from .schemas import Frozen

#: the demo student whose copy every trainee works as (usis_tui/data/demo.py DEMO_STUDENT)
TEMPLATE_STUDENT = "s1234567"
#: the characters of a session code: no 0/O, 1/I/L, so that it can be read out and typed
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
MAX_NAME = 60
AUDIT_ACTION = "classroom"
#: session students' numbers: s9 and six digits (real Leiden numbers start with s1-s3)
NUMBER_PREFIX = "s9"


class ClassroomInfo(Frozen):
    """An open (or closed) classroom session."""

    code: str
    tour: str
    tour_title: str  # in the current language
    trainer: str
    opened_at: datetime
    closed_at: datetime | None = None
    trainees: int = 0


class TraineeRow(Frozen):
    """One trainee on the trainer's screen."""

    name: str
    student_number: str
    step: int  # 1-based; total + 1 once finished
    total: int
    instruction: str  # the step's instruction in the current language ("" once finished)
    since: datetime  # when the trainee reached this step (their app's clock)
    hint: str | None = None
    finished: bool = False
    last_seen_at: datetime


class Roster(Frozen):
    classroom: ClassroomInfo
    trainees: list[TraineeRow]


class JoinedSession(Frozen):
    """What the joining app needs: the session student's credentials (the password is shown to
    nobody and stored nowhere but as its hash) and the tour to start."""

    code: str
    tour: str
    name: str
    student_number: str
    password: str


class ClosedSession(Frozen):
    code: str
    students_removed: int
    enrolments_dropped: int


def normalise_code(code: str) -> str:
    """What people type ("k7m q3t", "K7M-Q3T") as the stored code."""
    return "".join(ch for ch in (code or "").upper() if ch not in " -\t")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


class ClassroomService:
    def __init__(self, ctx: Context, enrolment: EnrolmentService) -> None:
        self.ctx = ctx
        self.enrolment = enrolment

    # ---------------------------------------------------------------- the trainer
    def open_session(self, trainer: str, tour: str) -> ClassroomInfo:
        """Open a classroom for ``tour`` (a shipped tour's name); its code is new and unused."""
        found = _tour(tour)
        now = self.ctx.now()
        with self.ctx.db.write() as session:
            _template(session)  # refused on a database without the demo student
            taken = set(session.scalars(select(Classroom.code)))
            code = new_code()
            while code in taken:
                code = new_code()
            room = Classroom(code=code, trainer=trainer, tour=found.name, opened_at=now)
            session.add(room)
            record(session, now, actor=trainer, acting_for=None, action=AUDIT_ACTION,
                   detail=f"opened classroom {code} for tour {found.name}")
            session.flush()
            return _info(room, found, 0)

    def open_sessions(self, trainer: str) -> list[ClassroomInfo]:
        """The trainer's classrooms that are still open, newest first (the Classroom page
        shows the newest again when the trainer comes back to it)."""
        with self.ctx.db.read() as session:
            rooms = session.scalars(select(Classroom).where(
                Classroom.trainer == trainer, Classroom.closed_at.is_(None))
                .order_by(Classroom.opened_at.desc(), Classroom.id.desc())).all()
            return [_info(room, _tour_or_none(room.tour), len(room.trainees)) for room in rooms]

    def roster(self, code: str) -> Roster:
        """Every trainee of the classroom, in the order they joined: the step they are on (and
        its instruction), since when, their last hint, finished."""
        with self.ctx.db.read() as session:
            room = _room(session, code)
            tour = _tour_or_none(room.tour)
            rows = [TraineeRow(
                name=t.name, student_number=t.student_number, step=t.step, total=t.total,
                instruction=_instruction(tour, t.step), since=t.step_since, hint=t.hint,
                finished=t.finished, last_seen_at=t.last_seen_at) for t in room.trainees]
            return Roster(classroom=_info(room, tour, len(rows)), trainees=rows)

    def close_session(self, code: str, *, actor: str | None = None) -> ClosedSession:
        """Close the classroom: its session students are removed with every row of theirs
        (their enrolments dropped first, through the enrolment service); the audit trail and
        the trainees' rows stay (module docstring)."""
        now = self.ctx.now()
        with self.ctx.db.write() as session:
            room = _room(session, code, lock=True)
            if room.closed_at is not None:
                raise _closed(room.code)
            removed = dropped = 0
            for trainee in room.trainees:
                if trainee.student_id is None:
                    continue
                student = session.get(Student, trainee.student_id)
                trainee.student_id = None
                if student is None or not student.session_student:
                    continue  # (never a real student, whatever the row says)
                dropped += self._drop_all(session, student, now)
                session.execute(update(PermissionNumber).where(
                    PermissionNumber.used_by_id == student.id).values(used_by_id=None))
                session.execute(update(PermissionNumber).where(
                    PermissionNumber.student_id == student.id).values(student_id=None))
                session.execute(delete(LoginSession).where(
                    LoginSession.username == student.student_number))
                session.flush()
                session.delete(student)  # the rest of their rows: ON DELETE CASCADE
                removed += 1
            room.closed_at = now
            session.flush()
            record(session, now, actor=actor or room.trainer, acting_for=None,
                   action=AUDIT_ACTION,
                   detail=f"closed classroom {room.code}: {removed} session students removed, "
                          f"{dropped} enrolments dropped")
            return ClosedSession(code=room.code, students_removed=removed,
                                 enrolments_dropped=dropped)

    def _drop_all(self, session: Session, student: Student, now: datetime) -> int:
        """Drop every enrolment and wait list place of a session student (a minor before its
        parts, which go with it)."""
        dropped = 0
        while True:
            rows = session.execute(select(Enrolment.section_id, Enrolment.status).where(
                Enrolment.student_id == student.id,
                Enrolment.status.in_(("enrolled", "waitlisted")))).all()
            if not rows:
                return dropped
            section_id = rows[0][0]
            section = lock_sections(session, [section_id])[section_id]
            if section.parent_id is not None and any(r[0] == section.parent_id for r in rows):
                section = lock_sections(session, [section.parent_id])[section.parent_id]
            self.enrolment._drop(session, student, section, now, notify=False)
            dropped += 1

    # ---------------------------------------------------------------- the trainees
    def join(self, code: str, name: str) -> JoinedSession:
        """Join an open classroom as ``name``: a session student of one's own (module
        docstring) and its credentials, to sign in with."""
        wanted = normalise_code(code)
        name = " ".join((name or "").split())
        if not wanted:
            raise fail("no_classroom_code", _("Enter the classroom code your trainer shows, "
                                              "e.g. K7MQ3T."))
        if not name:
            raise fail("no_trainee_name", _("Enter your name: your trainer sees it beside "
                                            "your progress."))
        if why := bad_text(name, MAX_NAME):
            raise fail("bad_trainee_name", _("Your name: {why}.").format(why=why))
        password = secrets.token_urlsafe(18)
        hashed = hash_password(password)  # slow on purpose: before the write lock
        now = self.ctx.now()
        with self.ctx.db.write() as session:
            room = _room(session, wanted, lock=True)
            if room.closed_at is not None:
                raise _closed(room.code)
            tour = _tour(room.tour)
            if any(t.name.casefold() == name.casefold() for t in room.trainees):
                raise fail("trainee_name_taken",
                           _("Somebody in classroom {code} already uses the name {name}.")
                           .format(code=room.code, name=repr(shown(name))),
                           _("Add your surname or an initial."))
            template = _template(session)
            number = _new_number(session)
            student = Student(student_number=number, name=name, email=None,
                              programme_id=template.programme_id, degree=template.degree,
                              password_hash=hashed, failed_logins=0, locked_until=None,
                              cohort=template.cohort, language=template.language,
                              session_student=True)
            session.add(student)
            session.flush()
            for result in session.scalars(select(ExamResult).where(
                    ExamResult.student_id == template.id)):
                session.add(ExamResult(
                    student_id=student.id, course_id=result.course_id, grade=result.grade,
                    exam_date=result.exam_date, mark=result.mark, component=result.component,
                    attempt=result.attempt, section_id=result.section_id,
                    hidden_until=result.hidden_until, registered_at=result.registered_at,
                    registered_by=result.registered_by))
            for hold in session.scalars(select(Hold).where(Hold.student_id == template.id)):
                session.add(Hold(student_id=student.id, kind=hold.kind, reason=hold.reason,
                                 blocks_enrolment=hold.blocks_enrolment,
                                 starts_at=hold.starts_at, ends_at=hold.ends_at))
            session.add(ClassroomTrainee(
                classroom_id=room.id, name=name, student_number=number, student_id=student.id,
                step=1, total=len(tour.steps), step_since=now, hint=None, finished=False,
                joined_at=now, last_seen_at=now))
            record(session, now, actor=number, acting_for=number, action=AUDIT_ACTION,
                   detail=f"joined classroom {room.code} as {name!r} (tour {room.tour})")
            return JoinedSession(code=room.code, tour=room.tour, name=name,
                                 student_number=number, password=password)

    def progress(self, code: str, student_number: str, progress: TourProgress) -> None:
        """Where the trainee (the session student ``student_number``) is in the tour now."""
        try:
            entered = datetime.fromisoformat(progress.entered_at).replace(tzinfo=None,
                                                                          microsecond=0)
        except (TypeError, ValueError):
            entered = None
        now = self.ctx.now()
        hint = progress.hint
        if hint is not None:
            hint = "".join(ch for ch in hint if ch.isprintable())[:500] or None
        with self.ctx.db.write() as session:
            room = _room(session, code)
            if room.closed_at is not None:
                raise _closed(room.code)
            trainee = session.scalar(select(ClassroomTrainee).where(
                ClassroomTrainee.classroom_id == room.id,
                ClassroomTrainee.student_number == (student_number or "").strip().lower()))
            if trainee is None or trainee.student_id is None:
                raise fail("not_in_classroom", _("You are not a trainee of classroom {code}.")
                           .format(code=room.code),
                           _("Join it from the Login page (Join a classroom)."))
            total = max(0, progress.total)
            step = min(max(1, progress.number), total + 1)
            if step != trainee.step or entered is not None:
                trainee.step_since = entered or now
            trainee.step, trainee.total = step, total
            trainee.hint = hint
            trainee.finished = progress.finished or step > total
            trainee.last_seen_at = now


# ------------------------------------------------------------------ helpers
def _tour(name: str) -> Tour:
    try:
        return load_tour(name)
    except TourNotFound as exc:
        raise fail("unknown_tour", str(exc)) from None


def _tour_or_none(name: str) -> Tour | None:
    try:
        return load_tour(name)
    except Exception:  # noqa: BLE001 - a tour file gone since: the roster still shows
        return None


def _instruction(tour: Tour | None, step: int) -> str:
    if tour is None or not 1 <= step <= len(tour.steps):
        return ""
    return tour.steps[step - 1].instruction()


def _info(room: Classroom, tour: Tour | None, trainees: int) -> ClassroomInfo:
    return ClassroomInfo(code=room.code, tour=room.tour,
                         tour_title=tour.shown_title() if tour is not None else room.tour,
                         trainer=room.trainer, opened_at=room.opened_at,
                         closed_at=room.closed_at, trainees=trainees)


def _room(session: Session, code: str, *, lock: bool = False) -> Classroom:
    wanted = normalise_code(code)
    stmt = select(Classroom).where(Classroom.code == wanted)
    if lock:
        stmt = stmt.with_for_update()
    room = session.scalar(stmt) if wanted else None
    if room is None:
        raise fail("unknown_classroom",
                   _("There is no classroom with the code {code}.").format(
                       code=repr(shown(code, 12))),
                   _("Check the code your trainer shows: {length} letters and digits.")
                   .format(length=CODE_LENGTH))
    return room


def _closed(code: str):
    return fail("classroom_closed", _("Classroom {code} has been closed.").format(code=code),
                _("Ask your trainer for the code of the classroom that is open now."))


def _template(session: Session) -> Student:
    student = session.scalar(select(Student).where(Student.student_number == TEMPLATE_STUDENT))
    if student is None:
        raise fail("no_demo_student",
                   _("Classrooms need the demo student {number}, and this database has none.")
                   .format(number=TEMPLATE_STUDENT),
                   _("Use the demo database (usis --demo, or usis db reset --demo)."))
    return student


def _new_number(session: Session) -> str:
    """A student number that no student has, and no trainee ever had."""
    while True:
        number = f"{NUMBER_PREFIX}{secrets.randbelow(10 ** 6):06d}"
        if session.scalar(select(Student.id).where(Student.student_number == number)) is None \
                and session.scalar(select(ClassroomTrainee.id).where(
                    ClassroomTrainee.student_number == number)) is None:
            return number


def minutes_seconds(since: datetime, now: datetime) -> str:
    """How long since ``since``, as m:ss (h:mm:ss from an hour; 0:00 for a moment ahead)."""
    seconds = max(0, int((now - since) / timedelta(seconds=1)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


__all__ = ["ClassroomInfo", "ClassroomService", "ClosedSession", "JoinedSession", "Roster",
           "TraineeRow", "minutes_seconds", "normalise_code"]
