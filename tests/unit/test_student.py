"""services/student.py: profile, holds, results and the message centre."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from factories import NOW, req, unchanged
from sqlalchemy import select

from usis_tui.models import Message
from usis_tui.services import ServiceError


def test_profile(sc, usis, db):
    sc.programme("BSc-INF", "Computer Science")
    s = sc.student("s2345678", name="Grace Hopper")
    ident = usis.student.profile(s.number)
    assert (ident.username, ident.name, ident.role, ident.programme) == (
        "s2345678", "Grace Hopper", "student", "Computer Science")
    with pytest.raises(ServiceError) as err:
        usis.student.profile("s0000000")
    assert err.value.code == "unknown_student"


def test_holds_shows_active_holds_only(sc, usis, db, clock):
    s = sc.student()
    sc.hold(s, kind="Tuition fees not paid", reason="Pay via Studielink.")
    sc.hold(s, kind="Advising", blocks=False, starts=NOW - timedelta(days=1))
    sc.hold(s, kind="Expired", ends=NOW - timedelta(days=1))
    sc.hold(s, kind="Future", starts=NOW + timedelta(days=1))
    holds = usis.student.holds(s.number)
    assert [(h.kind, h.blocks_enrolment) for h in holds] == [
        ("Tuition fees not paid", True), ("Advising", False)]
    assert holds[0].reason == "Pay via Studielink."
    clock.advance(days=2)
    assert [h.kind for h in usis.student.holds(s.number)] == [
        "Tuition fees not paid", "Advising", "Future"]


def test_results_newest_first(sc, usis, db):
    s = sc.student()
    algo = sc.course("4031ALGO", title="Algorithms")
    daba = sc.course("4032DABA", title="Databases")
    sc.result(s, algo, 4.5, date(2026, 1, 20))
    sc.result(s, algo, 7.0, date(2026, 4, 2))
    sc.result(s, daba, 8.5, date(2026, 1, 25))
    assert usis.student.results(s.number) == [
        ("4031ALGO", "Algorithms", 7.0, "02-04-2026"),
        ("4032DABA", "Databases", 8.5, "25-01-2026"),
        ("4031ALGO", "Algorithms", 4.5, "20-01-2026"),
    ]
    assert usis.student.results(sc.student().number) == []


def test_message_centre(sc, usis, db, clock):
    s, other = sc.student(), sc.student()
    a, b = sc.section("1111"), sc.section("2222")
    usis.enrolment.enrol(s.number, [req(a)])
    clock.advance(minutes=5)
    usis.enrolment.enrol(s.number, [req(b)])
    msgs = usis.student.messages(s.number)
    assert [m.created_at for m in msgs] == [NOW + timedelta(minutes=5), NOW]  # newest first
    assert usis.student.unread_count(s.number) == 2
    clock.advance(minutes=1)
    usis.student.mark_read(s.number, msgs[1].id)
    with db.read() as session:
        assert session.scalar(select(Message.read_at).where(Message.id == msgs[1].id)) == clock.now
    assert usis.student.unread_count(s.number) == 1
    assert [m.id for m in usis.student.messages(s.number, unread_only=True)] == [msgs[0].id]
    assert [m.read for m in usis.student.messages(s.number)] == [False, True]
    usis.student.mark_read(s.number, msgs[1].id, read=False)
    assert usis.student.unread_count(s.number) == 2
    # someone else's message, or one that does not exist
    with unchanged(db):
        for student, mid in ((other, msgs[0].id), (s, 999)):
            with pytest.raises(ServiceError) as err:
                usis.student.mark_read(student.number, mid)
            assert (err.value.code, str(err.value)) == (
                "unknown_message", "That message no longer exists.")
    assert usis.student.messages(other.number) == []
    assert usis.student.unread_count(other.number) == 0
