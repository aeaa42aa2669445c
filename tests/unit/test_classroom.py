"""services/classroom.py: a trainer opens a classroom, trainees join it as session students of
their own, report their progress, enrol in 1052 in seats of their own; closing the classroom
removes the session students and every row of theirs (the audit trail stays)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from factories import dump
from sqlalchemy import func, select

from usis_tui.models import AuditEntry, ClassroomTrainee, Enrolment, Student
from usis_tui.services import ServiceError, Usis
from usis_tui.services.access import Principal, guard
from usis_tui.services.classroom import (
    CODE_ALPHABET,
    TEMPLATE_STUDENT,
    minutes_seconds,
    normalise_code,
)
from usis_tui.services.schemas import Identity
from usis_tui.tours import TourProgress, load_tour

TOUR = "enrol-by-class-number"
YEAR = "2026-2027"
TRAINER = "trainer"
CLASSROOM_TABLES = {"classroom", "classroom_trainee"}


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(demo_now) -> Clock:
    return Clock(demo_now)


@pytest.fixture
def usis(demo_db_url, clock):
    usis = Usis.open(demo_db_url, clock=clock)
    yield usis
    usis.close()


def as_student(usis: Usis, number: str) -> Usis:
    return guard(usis, Principal(username=number, role="student"))  # type: ignore[return-value]


def as_trainer(usis: Usis) -> Usis:
    return guard(usis, Principal(username=TRAINER, role="trainer"))  # type: ignore[return-value]


def seats(usis: Usis, number: str = "1052") -> tuple[int, int, int]:
    """(free seats, enrolled, wait list) of a class as everybody else sees it."""
    info = usis.catalogue.lookup(YEAR, number)
    return info.capacity - info.enrolled, info.enrolled, info.waitlisted


def real_enrolments(usis: Usis, section_id: int) -> list[tuple]:
    with usis.db.read() as session:
        return sorted(session.execute(
            select(Enrolment.student_id, Enrolment.status, Enrolment.waitlist_position)
            .join(Student, Student.id == Enrolment.student_id)
            .where(Enrolment.section_id == section_id, Student.session_student.is_(False))
        ).tuples().all())


def progress(number: int, *, at: datetime, hint: str | None = None,
             finished: bool = False) -> TourProgress:
    total = len(load_tour(TOUR).steps)
    return TourProgress(tour=TOUR, number=number, total=total, entered_at=at.isoformat(),
                        hint=hint, finished=finished)


def test_open_join_progress_roster(usis, clock):
    trainer = as_trainer(usis)
    room = trainer.classroom.open_session(TRAINER, TOUR)
    assert re.fullmatch(f"[{CODE_ALPHABET}]{{6}}", room.code)
    assert room.tour == TOUR and room.trainer == TRAINER and room.closed_at is None
    assert [r.code for r in trainer.classroom.open_sessions(TRAINER)] == [room.code]

    # joined with the code as people type it: lower case, a space
    typed = f" {room.code[:3].lower()} {room.code[3:].lower()} "
    joined = usis.classroom.join(typed, "  Anna   de Vries ")
    assert joined.code == room.code and joined.tour == TOUR and joined.name == "Anna de Vries"
    assert re.fullmatch(r"s9\d{6}", joined.student_number)
    with usis.db.read() as session:
        mine = session.scalar(select(Student).where(
            Student.student_number == joined.student_number))
        template = session.scalar(select(Student).where(
            Student.student_number == TEMPLATE_STUDENT))
        assert mine is not None and template is not None
        assert mine.session_student and not template.session_student
        assert (mine.programme_id, mine.degree, mine.cohort) == (
            template.programme_id, template.degree, template.cohort)
    # the app signs in with what join returned, through the normal sign-in
    identity = usis.auth.login(joined.student_number, joined.password)
    assert isinstance(identity, Identity) and identity.role == "student"
    assert identity.username == joined.student_number and identity.name == "Anna de Vries"

    roster = trainer.classroom.roster(room.code)
    [row] = roster.trainees
    tour = load_tour(TOUR)
    assert (row.name, row.student_number, row.step, row.total) == (
        "Anna de Vries", joined.student_number, 1, len(tour.steps))
    assert row.instruction == tour.steps[0].instruction() and row.hint is None
    assert row.since == clock.now and not row.finished

    clock.now += timedelta(minutes=3)
    reached = clock.now - timedelta(seconds=75)
    trainee = as_student(usis, joined.student_number)
    trainee.classroom.progress(room.code, joined.student_number,
                               progress(4, at=reached, hint="This step is on Enrol."))
    [row] = trainer.classroom.roster(room.code).trainees
    assert (row.step, row.since, row.hint) == (4, reached, "This step is on Enrol.")
    assert row.instruction == tour.steps[3].instruction()
    assert row.last_seen_at == clock.now
    assert minutes_seconds(row.since, clock.now) == "1:15"

    done = len(tour.steps) + 1
    trainee.classroom.progress(room.code, joined.student_number,
                               progress(done, at=clock.now, finished=True))
    [row] = trainer.classroom.roster(room.code).trainees
    assert row.finished and row.step == done and row.instruction == "" and row.hint is None


def test_refusals(usis):
    trainer = as_trainer(usis)
    with pytest.raises(ServiceError) as err:
        trainer.classroom.open_session(TRAINER, "no-such-tour")
    assert err.value.code == "unknown_tour"
    room = trainer.classroom.open_session(TRAINER, TOUR)
    for code, name, expected in (("ZZZZZZ", "Anna", "unknown_classroom"),
                                 ("", "Anna", "no_classroom_code"),
                                 (room.code, "   ", "no_trainee_name"),
                                 (room.code, "An\x1bna", "bad_trainee_name"),
                                 (room.code, "A" * 61, "bad_trainee_name")):
        with pytest.raises(ServiceError) as err:
            usis.classroom.join(code, name)
        assert err.value.code == expected, (code, name)
        assert err.value.problems[0].message
    anna = usis.classroom.join(room.code, "Anna")
    with pytest.raises(ServiceError) as err:
        usis.classroom.join(room.code, "ANNA")
    assert err.value.code == "trainee_name_taken"

    # a trainee reports only their own progress; the roster and the close are the trainer's
    other = usis.classroom.join(room.code, "Bram")
    with pytest.raises(ServiceError) as err:
        as_student(usis, other.student_number).classroom.progress(
            room.code, anna.student_number, progress(2, at=usis.now()))
    assert err.value.code == "not_authorised"
    with pytest.raises(ServiceError) as err:  # a real student is no trainee of the room
        as_student(usis, TEMPLATE_STUDENT).classroom.progress(
            room.code, TEMPLATE_STUDENT, progress(2, at=usis.now()))
    assert err.value.code == "not_in_classroom"
    for call in (lambda u: u.classroom.roster(room.code),
                 lambda u: u.classroom.close_session(room.code)):
        with pytest.raises(ServiceError) as err:
            call(as_student(usis, anna.student_number))
        assert err.value.code == "not_authorised"
    with pytest.raises(ServiceError) as err:  # a trainer opens classrooms as themselves
        trainer.classroom.open_session("someone-else", TOUR)
    assert err.value.code == "not_authorised"

    trainer.classroom.close_session(room.code)
    for call in (lambda: usis.classroom.join(room.code, "Carla"),
                 lambda: trainer.classroom.close_session(room.code)):
        with pytest.raises(ServiceError) as err:
            call()
        assert err.value.code == "classroom_closed"
    assert trainer.classroom.open_sessions(TRAINER) == []
    assert trainer.classroom.roster(room.code).classroom.closed_at == usis.now()


def enrol_1052(usis: Usis, number: str) -> list:
    student = as_student(usis, number)
    student.cart.add(number, YEAR, "1052")
    [line] = student.cart.list(number, YEAR)
    return student.cart.enrol(number, [line.item_id])


def test_twenty_trainees_enrol_in_1052_in_seats_of_their_own(usis):
    section_id = usis.catalogue.lookup(YEAR, "1052").section_id
    before, real_before = seats(usis), real_enrolments(usis, section_id)
    room = as_trainer(usis).classroom.open_session(TRAINER, TOUR)
    numbers = [usis.classroom.join(room.code, f"Trainee {i}").student_number for i in range(20)]
    assert len(set(numbers)) == 20
    for number in numbers:
        [line] = enrol_1052(usis, number)
        assert line.outcome == "enrolled", line
    free, enrolled, waiting = seats(usis)
    assert (free, waiting) == (before[0], before[2])  # nobody else's seat was taken
    assert enrolled == before[1] + 20  # the counters count every enrolment row
    assert real_enrolments(usis, section_id) == real_before
    with usis.db.read() as session:
        rows = session.scalar(select(func.count()).select_from(Enrolment).where(
            Enrolment.section_id == section_id, Enrolment.status == "enrolled"))
    assert rows == enrolled


def test_a_full_1052_still_seats_trainees_and_still_refuses_real_students(usis):
    """Seats of their own: a trainee is never refused for a full class, and never frees or
    takes a seat for a real student."""
    section_id = usis.catalogue.lookup(YEAR, "1052").section_id
    room = as_trainer(usis).classroom.open_session(TRAINER, TOUR)
    trainees = [usis.classroom.join(room.code, f"Trainee {i}").student_number for i in range(3)]
    # the real students fill the class (s1234567 first; a classmate then takes the last seat)
    free = seats(usis)[0]
    with usis.db.write() as session:
        from usis_tui.models import ClassSection

        section = session.get(ClassSection, section_id)
        assert section is not None
        section.capacity = section.enrolled_count  # full
    assert seats(usis)[0] == 0 < free
    for number in trainees:
        [line] = enrol_1052(usis, number)
        assert line.outcome == "enrolled", line
    assert seats(usis)[0] == 0
    [line] = enrol_1052(usis, TEMPLATE_STUDENT)  # the real demo student: full, as before
    assert line.outcome != "enrolled"
    assert line.problems and line.problems[0].code == "class_full"
    # a trainee dropping the class frees no seat for anybody else
    student = as_student(usis, trainees[0])
    student.enrolment.drop(trainees[0], section_id)
    assert seats(usis)[0] == 0


def test_close_removes_the_session_students_and_every_row_of_theirs(usis, clock):
    before = dump(usis.db)
    trainer = as_trainer(usis)
    room = trainer.classroom.open_session(TRAINER, TOUR)
    joined = [usis.classroom.join(room.code, name) for name in ("Anna", "Bram", "Carla")]
    for person in joined:
        usis.auth.login(person.student_number, person.password)
        enrol_1052(usis, person.student_number)
    # Bram also leaves something in his Shopping cart
    as_student(usis, joined[1].student_number).cart.add(joined[1].student_number, YEAR, "1047")
    clock.now += timedelta(minutes=20)
    closed = trainer.classroom.close_session(room.code)
    assert closed.students_removed == 3
    assert closed.enrolments_dropped == 3

    after = dump(usis.db)
    changed = sorted(name for name in before
                     if before[name] != after[name] and name not in CLASSROOM_TABLES)
    assert changed == []  # class 1052's counters and every other table as before the session
    with usis.db.read() as session:
        trainees = session.scalars(select(ClassroomTrainee)).all()
        assert sorted(t.name for t in trainees) == ["Anna", "Bram", "Carla"]
        assert all(t.student_id is None for t in trainees)
        audit = session.execute(select(AuditEntry.actor, AuditEntry.action, AuditEntry.detail)
                                .where(AuditEntry.action.in_(("classroom", "enrol")))).all()
    # the audit trail keeps the classroom's own entries and what the trainees did
    details = [d for _a, action, d in audit if action == "classroom"]
    assert details[0].startswith(f"opened classroom {room.code}")
    assert details[-1].startswith(f"closed classroom {room.code}: 3 session students removed")
    assert sum(1 for d in details if d.startswith(f"joined classroom {room.code}")) == 3
    assert {a for a, action, _d in audit if action == "enrol"} >= {
        p.student_number for p in joined}
    with pytest.raises(ServiceError) as err:  # the session student is gone
        usis.auth.login(joined[0].student_number, joined[0].password)
    assert err.value.code != "ok"


def test_normalise_code_and_time_on_step():
    assert normalise_code(" k7m-q3t ") == "K7MQ3T"
    assert not set("01ILO") & set(CODE_ALPHABET)
    now = datetime(2026, 11, 23, 9, 30)
    assert minutes_seconds(now - timedelta(seconds=5), now) == "0:05"
    assert minutes_seconds(now - timedelta(minutes=12, seconds=3), now) == "12:03"
    assert minutes_seconds(now - timedelta(hours=1, minutes=2), now) == "1:02:00"
    assert minutes_seconds(now + timedelta(seconds=30), now) == "0:00"
