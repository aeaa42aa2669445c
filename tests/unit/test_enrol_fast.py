"""The enrolment hot path (services/enrol_fast.py) against the ORM path it stands in for.

The same scenario is built twice; one copy enrols through ``EnrolmentService.enrol`` as it is
(fast path first), the other with the fast path switched off. The result lines and every row of
every table, audit trail included, must be identical after each call.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from factories import NOW, Scenario, dump, req

from usis_tui.db import Database
from usis_tui.services import ServiceError, Usis
from usis_tui.services import enrol_fast as fast_module
from usis_tui.services.enrolment import EnrolmentService
from usis_tui.services.schemas import EnrolRequest

pytestmark = pytest.mark.sqlite_only


def build(sc: Scenario, *, max_ec: int | None) -> dict:
    sc.year(max_ec=max_ec)
    s = {}
    s["A"] = sc.section("1001", capacity=2, waitlist_capacity=1, meets=[(0, "09:00", "11:00")])
    s["B"] = sc.section("1002", meets=[(0, "10:00", "12:00")])  # clashes with A
    s["C"] = sc.section("1003", capacity=1, waitlist_capacity=3, meets=[(1, "09:00", "11:00")])
    sc.fill(s["C"])  # full, wait list open
    s["D"] = sc.section("1004", capacity=1, waitlist_capacity=0, meets=[(2, "09:00", "11:00")])
    sc.fill(s["D"])  # class and wait list full
    s["E"] = sc.section("1005", opens=NOW + timedelta(days=3))  # not yet open
    s["F"] = sc.section("1006", opens=NOW - timedelta(days=30),
                        closes=NOW - timedelta(days=1))  # closed
    failed = sc.course(title="Failed course")
    passed = sc.course(title="Passed course")
    s["G"] = sc.section("1007", course=failed, component="Resit")
    s["H"] = sc.section("1008", course=passed, component="Resit")
    s["R"] = sc.section("1009", requires=passed)
    s["S"] = sc.section("1010", requires=failed)
    s["L"] = sc.section("1011", component="Lecture", meets=[(3, "09:00", "11:00")])
    s["T"] = sc.section("1012", component="Tutorial", parent=s["L"],
                        meets=[(3, "13:00", "15:00")])  # linked to a lecture (not a minor)
    # Meets only in weeks 38 and 40 on Mondays 09:00-10:00: clashes with A on those dates.
    s["W"] = sc.section("1013", meets=[(0, "09:00", "10:00", date(2026, 9, 1),
                                        date(2026, 12, 18), "38,40")])
    s["X"] = sc.section("1014", ec=30, meets=[(4, "09:00", "11:00")])  # over an EC cap of 20
    s["M"] = sc.minor("1015")  # minors go through the ORM path
    students = {k: sc.student() for k in ("plain", "held", "busy", "back")}
    sc.result(students["plain"], failed, 4.0)
    sc.result(students["plain"], passed, 7.5)
    sc.result(students["busy"], passed, 8.0)
    sc.hold(students["held"])
    return {"sections": s, "students": students}


PLANS = [
    # (student, section keys, wait list ok, all or nothing)
    ("plain", "ABCDEFGHRSLTWX", True, False),
    ("plain", "ACL", False, False),
    ("plain", "AA", True, False),
    ("held", "AL", True, False),
    ("busy", "A", False, False),  # busy: enrolled in A first ...
    ("busy", "C", True, False),  # ... and waitlisted for C
    ("busy", "ABCWT", True, False),  # then: already enrolled / waitlisted, clashes
    ("back", "A", False, False),
    ("back", "CD", True, True),  # all or nothing: D refused, so C is not processed
    ("back", "CL", True, True),  # all or nothing: both accepted
    ("back", "XT", False, False),
]


@pytest.mark.parametrize("max_ec", [None, 20])
def test_fast_path_writes_exactly_what_the_orm_path_writes(tmp_path: Path, clock, max_ec,
                                                           monkeypatch):
    runs = {}
    for name, use_fast in (("fast", True), ("orm", False)):
        sc = Scenario.create(tmp_path / f"{name}.db")
        world = build(sc, max_ec=max_ec)
        runs[name] = (sc.db, Usis(sc.db, clock=clock), world, use_fast)
    calls = {"fast": 0}
    real = fast_module.enrol_fast

    def counting(*args, **kwargs):
        out = real(*args, **kwargs)
        calls["fast"] += out is not None
        return out

    monkeypatch.setattr("usis_tui.services.enrolment.enrol_fast", counting)
    for who, keys, wait, all_or_nothing in PLANS + [("back", "M", True, False)]:
        lines = {}
        for name, (_db, usis, world, use_fast) in runs.items():
            monkeypatch.setattr(EnrolmentService, "fast", use_fast)
            student = world["students"][who]
            requests = [req(world["sections"][k], wait=wait) for k in keys]
            lines[name] = usis.enrolment.enrol(student.number, requests,
                                               all_or_nothing=all_or_nothing)
        assert lines["fast"] == lines["orm"], (who, keys)
        assert dump(runs["fast"][0], audit=True) == dump(runs["orm"][0], audit=True), (who, keys)
    # The hot path handled every plan but the minor one.
    assert calls["fast"] == len(PLANS)
    # A drop, then enrolling again reuses the dropped row the same way.
    for _name, (_db, usis, world, use_fast) in runs.items():
        monkeypatch.setattr(EnrolmentService, "fast", use_fast)
        busy = world["students"]["busy"]
        usis.enrolment.drop(busy.number, world["sections"]["A"].id)
        usis.enrolment.enrol(busy.number, [req(world["sections"]["A"], wait=True)])
    assert dump(runs["fast"][0], audit=True) == dump(runs["orm"][0], audit=True)
    for db, *_ in runs.values():
        db.dispose()


def test_unknown_student_or_class_is_refused_by_the_orm_path_with_its_audit_entry(sc, usis):
    a = sc.section("1001")
    s = sc.student()
    with pytest.raises(ServiceError) as err:
        usis.enrolment.enrol("s9999999", [req(a)])
    assert err.value.code == "unknown_student"
    with pytest.raises(ServiceError) as err:
        usis.enrolment.enrol(s.number, [req(a), EnrolRequest(section_id=999999)])
    assert err.value.code == "unknown_class"
    assert [e.outcome for e in usis.audit.entries(s.number)] == ["refused"]


def test_prepared_statements_convert_types_both_ways(tmp_path: Path):
    """Database.prepared/raw: datetimes, dates, times and floats round-trip as the ORM stores
    them (SQLite keeps them as strings in SQLAlchemy's format)."""
    from datetime import datetime, time

    from sqlalchemy import bindparam, select

    from usis_tui.models import Meeting

    sc = Scenario.create(tmp_path / "t.db")
    sc.year()
    a = sc.section("1001", meets=[(0, "09:15", "10:45", date(2026, 9, 2), date(2026, 10, 1))])
    db: Database = sc.db
    stmt = db.prepared("test.meeting", lambda: select(
        Meeting.start_time, Meeting.end_time, Meeting.start_date, Meeting.end_date)
        .where(Meeting.section_id == bindparam("sid")))
    with db.raw() as conn:
        conn.begin_read()
        assert conn.all(stmt, {"sid": a.id}) == [
            (time(9, 15), time(10, 45), date(2026, 9, 2), date(2026, 10, 1))]
        conn.rollback()
    with db.raw() as conn:  # the same connection again (SQLite keeps it per thread)
        conn.begin_read()
        assert conn.all(stmt, (a.id,), ("sid",))[0][0] == time(9, 15)
    db.dispose()
    assert isinstance(NOW, datetime)
