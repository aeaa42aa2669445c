"""services/exams.py: an exam enrolment is provisional until confirmed; the deadline is 10 days
before the exam (23:59); at the deadline unconfirmed enrolments are removed through the
enrolment service (the wait list moves) with a message; confirmed ones stay."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from factories import check_invariants, req, status_of, unchanged
from sqlalchemy import select

from usis_tui.models import ExamConfirmation
from usis_tui.services import ServiceError

EXAM_DAY = date(2026, 10, 19)  # a Monday
DEADLINE = datetime(2026, 10, 9, 23, 59)  # ten days before, end of the day


def exam(sc, number, *, day=EXAM_DAY, component="Exam", **kw):
    return sc.section(number, component=component, meets=[(day.weekday(), "09:00", "12:00",
                                                            day, day)], **kw)


def enrol(usis, student, *sections, wait=False):
    return usis.enrolment.enrol(student.number, [req(x, wait=wait) for x in sections])


def test_exam_enrolment_is_provisional_with_its_deadline(sc, usis, db):
    s = sc.student()
    e = exam(sc, "2014")
    lecture = sc.section("2011")
    enrol(usis, s, e, lecture)
    [line] = usis.exams.list(s.number)  # the lecture needs no confirmation
    assert (line.class_number, line.status, line.deadline_at) == ("2014", "provisional", DEADLINE)
    assert line.deadline_label(date(2026, 9, 7)) == "9 Oct 2026 23:59 (32 days left)"
    assert usis.exams.list(s.number, provisional_only=True) == [line]


def test_confirm_is_binding_and_messaged(sc, usis, db):
    s = sc.student()
    e = exam(sc, "2014")
    enrol(usis, s, e)
    [line] = usis.exams.list(s.number)
    done = usis.exams.confirm(s.number, line.enrolment_id)
    assert done.status == "confirmed"
    assert usis.exams.list(s.number, provisional_only=True) == []
    [msg] = [m for m in usis.student.messages(s.number) if m.category == "exam"]
    assert msg.subject.startswith("Exam enrolment confirmed: ") and "binding" in msg.body
    with unchanged(db), pytest.raises(ServiceError) as err:
        usis.exams.confirm(s.number, line.enrolment_id)
    assert err.value.code == "already_confirmed"


def test_confirm_refused_for_someone_else_or_after_the_deadline(sc, usis, db, clock):
    s, t = sc.student(), sc.student()
    e = exam(sc, "2014")
    enrol(usis, s, e)
    [line] = usis.exams.list(s.number)
    with unchanged(db), pytest.raises(ServiceError) as err:
        usis.exams.confirm(t.number, line.enrolment_id)
    assert err.value.code == "not_enrolled"
    clock.set(DEADLINE + timedelta(minutes=1))
    with unchanged(db), pytest.raises(ServiceError) as err:
        usis.exams.confirm(s.number, line.enrolment_id)
    assert err.value.code == "deadline_passed"
    assert "passed on 9 Oct 2026 23:59" in err.value.problems[0].message


def test_expire_at_the_deadline_removes_unconfirmed_and_keeps_confirmed(sc, usis, db, clock):
    e = exam(sc, "2014", capacity=2, waitlist_capacity=3)
    lazy, keen, waiting = sc.student(), sc.student(), sc.student()
    enrol(usis, lazy, e)
    enrol(usis, keen, e)
    enrol(usis, waiting, e, wait=True)
    [mine] = usis.exams.list(keen.number)
    usis.exams.confirm(keen.number, mine.enrolment_id)
    clock.set(DEADLINE)  # the deadline itself: still allowed, nothing removed
    with unchanged(db):
        assert usis.exams.expire() == []
    clock.set(DEADLINE + timedelta(minutes=1))
    gone = usis.exams.expire()
    assert [(g.student_number, g.class_number) for g in gone] == [(lazy.number, "2014")]
    assert status_of(db, lazy, e)[0] == "dropped"
    assert status_of(db, keen, e) == ("enrolled", None)
    # the freed seat went to the wait list, through the enrolment service
    assert status_of(db, waiting, e) == ("enrolled", None)
    [msg] = [m for m in usis.student.messages(lazy.number) if m.category == "exam"]
    assert msg.subject.startswith("Exam enrolment removed: ")
    assert "did not confirm" in msg.body and "9 Oct 2026 23:59" in msg.body
    with db.read() as session:
        rows = {r.status for r in session.scalars(select(ExamConfirmation))}
    assert rows == {"confirmed", "expired"}
    [entry] = usis.audit.entries(lazy.number, action="exam_expire")
    assert entry.actor == "usis" and "2014: removed" in entry.detail
    check_invariants(db)
    # promoted after the deadline: binding at once, not removed by the next sweep
    clock.advance(days=1)
    with unchanged(db):
        assert usis.exams.expire() == []
    [promoted] = usis.exams.list(waiting.number)
    assert promoted.status == "confirmed"


def test_expire_for_one_student_only(sc, usis, db, clock):
    e = exam(sc, "2014")
    a, b = sc.student(), sc.student()
    enrol(usis, a, e)
    enrol(usis, b, e)
    clock.set(DEADLINE + timedelta(hours=1))
    assert [g.student_number for g in usis.exams.expire(student_number=a.number)] == [a.number]
    assert status_of(db, b, e) == ("enrolled", None)


def test_expire_leaves_exams_already_held_and_far_away_ones(sc, usis, db, clock):
    held = exam(sc, "2014", day=date(2026, 9, 14))
    later = exam(sc, "2015", day=date(2027, 1, 18))
    s = sc.student()
    enrol(usis, s, held, later)
    clock.set(datetime(2026, 9, 20, 9, 0))  # after the first exam, long before the second
    with unchanged(db):
        assert usis.exams.expire() == []


def test_confirmation_is_needed_again_after_enrolling_again(sc, usis, db, clock):
    s = sc.student()
    e = exam(sc, "2014")
    enrol(usis, s, e)
    [line] = usis.exams.list(s.number)
    usis.exams.confirm(s.number, line.enrolment_id)
    usis.enrolment.drop(s.number, e.id)
    clock.advance(minutes=5)
    enrol(usis, s, e)
    [again] = usis.exams.list(s.number)
    assert again.enrolment_id == line.enrolment_id and again.status == "provisional"


def test_resit_needs_confirmation_too(sc, usis, db):
    s = sc.student()
    course = sc.course()
    sc.result(s, course, 4.0)
    r = exam(sc, "2063", component="Resit", course=course, day=date(2026, 12, 7))
    enrol(usis, s, r)
    [line] = usis.exams.list(s.number)
    assert (line.component, line.deadline_at) == ("Resit", datetime(2026, 11, 27, 23, 59))
