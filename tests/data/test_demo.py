"""The demo catalogue: the seed's minors, determinism, the status mix at the clock, consistency."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest
from sqlalchemy import func, select

from usis_tui.data.catalogue_data import LDE_MINORS, MINORS
from usis_tui.data.demo import seed_demo
from usis_tui.db import Database
from usis_tui.models import ClassSection, Course, Enrolment, Minor, Programme, StaffUser, Student
from usis_tui.services import ServiceError, Usis
from usis_tui.services.rules import first_clash

SEED_MINORS = {  # class number -> catalogue number, exactly as on the seed page
    "1047": "4000MBIODN", "1048": "4000MCOADN", "1049": "4000KCAD1N", "1050": "4000KCAD2N",
    "1051": "4000MCSGEN", "1052": "4000MDSAIN", "1053": "4000MHUEVN", "1054": "4000MMODDN",
    "1055": "4000MMBION", "1056": "4000MQBION", "1057": "4000KBITN", "1058": "4000MSCBIN",
    "1059": "4000KSBI1N", "1060": "4000KSBI2N", "1061": "4000MDONTN", "1078": "4000MSCHBN",
}


def test_minors_have_the_seed_numbers(demo_usis):
    year = demo_usis.catalogue.current_year()
    for number, catalogue_number in SEED_MINORS.items():
        info = demo_usis.catalogue.lookup(year, number)
        assert info.catalogue_number == catalogue_number
    assert demo_usis.catalogue.lookup(year, "1049").parent_class_number == "1048"
    assert demo_usis.catalogue.lookup(year, "1050").parent_class_number == "1048"
    assert demo_usis.catalogue.lookup(year, "1057").parent_class_number == "1056"
    assert demo_usis.catalogue.lookup(year, "1059").parent_class_number == "1058"
    assert (demo_usis.catalogue.lookup(year, "1052").title
            == "Data Science and Artificial Intelligence")
    assert len(MINORS) == 11


def test_programmes_and_courses(demo_usis):
    with demo_usis.db.read() as s:
        names = set(s.scalars(select(Programme.name)))
        assert {"Computer Science", "ICT in Business and the Public Sector", "Media Technology",
                "Mathematics", "Physics", "Biology", "Astronomy", "Statistical Science"} <= names
        per_programme = Counter(s.scalars(select(Programme.name).join(Course.programme)))
        assert min(per_programme.values()) >= 15
        # every programme course has lecture, tutorial, exam and resit class numbers
        year = demo_usis.catalogue.current_year()
    for info in demo_usis.catalogue.class_list(year, "Computer Science")[:1]:
        assert info.meetings
    comps = Counter(c.component for c in demo_usis.catalogue.class_list(year, "Physics"))
    assert comps["Lecture"] >= 15 and comps["Tutorial"] >= 15
    assert comps["Exam"] >= 15 and comps["Resit"] >= 15


def test_accounts(demo_usis):
    for account in ("s1234567", "s7654321", "support", "board", "trainer", "courseadmin"):
        assert demo_usis.auth.login(account, "demo").username == account
    me = demo_usis.student.profile("s1234567")
    assert me.programme == "Computer Science"
    assert (demo_usis.student.profile("s7654321").programme
            == "ICT in Business and the Public Sector")
    with demo_usis.db.read() as s:
        degree = s.scalar(select(Student.degree).where(Student.student_number == "s7654321"))
        assert degree == "master"
        assert set(s.scalars(select(StaffUser.role))) == {"support", "board", "trainer",
                                                          "portal"}


def test_status_mix_at_the_clock(demo_usis, demo_now):
    year = demo_usis.catalogue.current_year()
    classes = demo_usis.catalogue.class_list(year)
    statuses = Counter(c.status for c in classes)
    periods = Counter(c.period_state for c in classes)
    assert statuses["Open"] and statuses["Wait List"] and statuses["Closed"]
    assert periods["open"] and periods["not_yet_open"] and periods["closed"]
    nearly_full = [c for c in classes if c.status == "Open" and c.capacity - c.enrolled <= 2]
    assert nearly_full


def test_highlights_behave_as_documented(demo_usis, demo_summary):
    h = demo_summary.highlights
    year = demo_usis.catalogue.current_year()

    def would(number, wait=False):
        line = demo_usis.cart.add("s1234567", year, number, wait_list_ok=wait)
        return line.would, [p.code for p in line.problems]

    assert would("1052") == ("enrolled", [])
    assert would(h["minor_wait_list"], wait=True)[0] == "waitlisted"
    assert "class_and_waitlist_full" in would(h["minor_closed"], wait=True)[1]
    assert "period_closed" in would(h["minor_period_closed"])[1]
    assert "not_yet_open" in would(h["minor_not_yet_open"])[1]
    assert "time_conflict" in would(h["clash"])[1]
    assert would(h["resit"]) == ("enrolled", [])
    assert would(h["resit_without_failed_exam"])[1] == ["requisites"]
    assert "class_full" in would(h["closed"])[1]


def test_demo_student_has_classes_every_teaching_week(demo_usis):
    weeks: set[tuple[int, int]] = set()
    for line in demo_usis.enrolment.schedule("s1234567"):
        for m in line.cls.meetings:
            if m.start_date != m.end_date:  # weekly teaching, not exams
                day = m.start_date
                while day <= m.end_date:
                    weeks.add(day.isocalendar()[:2])
                    day = day.fromordinal(day.toordinal() + 7)
    sem1 = {(2026, w) for w in range(37, 51)}
    sem2 = {(2027, w) for w in range(5, 19)}
    assert sem1 <= weeks and sem2 <= weeks


def test_counts_match_rows_and_nobody_sits_in_clashing_classes(demo_usis):
    with demo_usis.db.read() as s:
        sections = s.scalars(select(ClassSection)).all()
        enrolled = Counter(s.scalars(
            select(Enrolment.section_id).where(Enrolment.status == "enrolled")))
        waiting = Counter(s.scalars(
            select(Enrolment.section_id).where(Enrolment.status == "waitlisted")))
        for sec in sections:
            assert sec.enrolled_count == enrolled[sec.id] <= sec.capacity
            assert sec.waitlist_count == waiting[sec.id] <= sec.waitlist_capacity
            positions = sorted(s.scalars(select(Enrolment.waitlist_position).where(
                Enrolment.section_id == sec.id, Enrolment.status == "waitlisted")))
            assert positions == list(range(1, len(positions) + 1))
        # the demo student and a sample of classmates never sit in two clashing classes
        for number in ["s1234567", "s7654321", "s2000001", "s2000100", "s2001000"]:
            student = s.scalar(select(Student).where(Student.student_number == number))
            mine = [e.section for e in s.scalars(select(Enrolment).where(
                Enrolment.student_id == student.id, Enrolment.status == "enrolled"))]
            for i, a in enumerate(mine):
                for b in mine[i + 1:]:
                    assert first_clash(a, b) is None, (number, a.class_number, b.class_number)


def _dump(db: Database) -> list[tuple]:
    with db.read() as s:
        return [tuple(r) for r in s.execute(select(
            ClassSection.class_number, ClassSection.capacity, ClassSection.enrolled_count,
            ClassSection.enrol_opens_at, Course.catalogue_number).join(ClassSection.course)
            .order_by(ClassSection.id))]


# (clock, expected registration state of next year's selection, Leiden and LDE minors)
REGISTRATION_AT = [
    (datetime(2027, 3, 31, 12, 0), ("not_yet_open", "not_yet_open", "not_yet_open")),
    (datetime(2027, 4, 5, 10, 0), ("open", "not_yet_open", "not_yet_open")),
    (datetime(2027, 5, 4, 10, 0), ("closed", "open", "open")),
    (datetime(2027, 5, 20, 10, 0), ("closed", "closed", "open")),
    (datetime(2027, 6, 1, 10, 0), ("closed", "closed", "closed")),
]


def test_next_years_minors_follow_the_seeds_registration_dates(demo_db_url):
    """The seed: 1-15 April selection minors, 3-31 May LDE (+ EUR/TUD) minors, 3-15 May Leiden
    minors, for the next academic year; setting the clock there shows each window open."""
    for now, (selection, leiden, lde) in REGISTRATION_AT:
        usis = Usis.open(demo_db_url, clock=lambda now=now: now)
        try:
            minors = {m.class_number: m for m in usis.minors.list("s7654321", "2027-2028")}
        finally:
            usis.close()
        states = {kind: {m.period_state for m in minors.values() if m.minor_type == kind}
                  for kind in ("selection", "leiden", "lde")}
        assert states == {"selection": {selection}, "leiden": {leiden}, "lde": {lde}}, now
    m = minors
    assert (m["1048"].opens_at, m["1048"].closes_at) == (datetime(2027, 4, 1, 9, 0),
                                                         datetime(2027, 4, 15, 23, 59))
    assert (m["1052"].opens_at, m["1052"].closes_at) == (datetime(2027, 5, 3, 9, 0),
                                                         datetime(2027, 5, 15, 23, 59))
    assert (m["1046"].opens_at, m["1046"].closes_at) == (datetime(2027, 5, 3, 9, 0),
                                                         datetime(2027, 5, 31, 23, 59))
    # the LDE minors the seed lists as coming: next year only
    assert [(x.class_number, x.catalogue_number, x.title) for x in m.values()
            if x.minor_type == "lde"] == [
        ("1046", "5000MREIN", "Responsible Innovation"), ("1062", "5000MAFDYN", "African Dynamics"),
        ("1063", "5000MFRUGN", "Frugal Innovation for Sustainable Global Development")]
    # a selection minor's parts are enrolled after the placement, in the course period
    parts = Usis.open(demo_db_url, clock=lambda: datetime(2027, 4, 5, 10, 0))
    try:
        part = parts.catalogue.lookup("2027-2028", "1049")
        assert (part.enrol_opens_at, part.period_state) == (datetime(2027, 6, 15, 9, 0),
                                                            "not_yet_open")
        assert parts.minors.apply("s7654321", "1048", "2027-2028").status == (
            "waiting_for_placement")
        assert parts.catalogue.current_year() == "2026-2027"  # (the year is chosen on the page)
    finally:
        parts.close()


def test_this_years_minors_and_the_applications_waiting_for_placement(demo_usis):
    """This year's selection minors are closed and placed; 1048 has five applications waiting,
    ranked (one the demo student s3456789's), and three places left; its parts can be enrolled
    now, once placed. The LDE minors are not offered this year."""
    year = demo_usis.catalogue.current_year()
    p = demo_usis.minors.placement("1048")
    assert (p.minor.period_state, p.minor.places_left, p.minor.waiting) == ("closed", 3, 5)
    waiting = [a for a in p.applicants if a.rank is not None]
    assert [(a.rank, a.choice) for a in waiting] == [(1, 1), (2, 1), (3, 1), (4, 1), (5, 2)]
    assert waiting[1].student_number == "s3456789" and waiting[1].name == "Lotte Smit"
    assert len({a.programme for a in waiting}) >= 3
    assert {a.status for a in p.applicants if a.rank is None} == {"placed"}
    assert len(p.applicants) == 5 + p.minor.placed
    assert all(m.placed == 0 or m.waiting == 0 for m in p.minors if m.class_number != "1048")
    assert demo_usis.catalogue.lookup(year, "1049").period_state == "open"
    [mine] = [m for m in demo_usis.minors.list("s3456789") if m.my_status is not None]
    assert (mine.class_number, mine.status_label) == ("1048", "Waiting for placement outcome")
    # the other demo students wait for nothing: s1234567 still enrols in 1052 (README)
    for number in ("s1234567", "s7654321", "s2345678"):
        assert all(m.my_status is None for m in demo_usis.minors.list(number))
    for number in ("1046", "1062", "1063"):
        with pytest.raises(ServiceError):
            demo_usis.catalogue.lookup(year, number)
    assert demo_usis.auth.login("s3456789", "demo").username == "s3456789"


def test_deterministic_and_relative_to_the_clock(tmp_path):
    now = datetime(2026, 11, 23, 9, 30)
    a, b = Database(f"sqlite:///{tmp_path}/a.db"), Database(f"sqlite:///{tmp_path}/b.db")
    sa, sb = seed_demo(a, now), seed_demo(b, now)
    assert sa == sb and _dump(a) == _dump(b)
    later = Database(f"sqlite:///{tmp_path}/c.db")
    sc = seed_demo(later, datetime(2027, 10, 5, 12, 0))
    assert sc.academic_year == "2027-2028" and sc.years[0] == "2027-2028"
    usis = Usis(later, lambda: datetime(2027, 10, 5, 12, 0))
    assert usis.catalogue.lookup("2027-2028", "1052").period_state == "open"


@pytest.mark.slow
def test_size_scales_past_the_four_digit_class_numbers(tmp_path):
    db = Database(f"sqlite:///{tmp_path}/big.db")
    calls = []
    summary = seed_demo(db, datetime(2026, 11, 23, 9, 30), size=12000,
                        progress=lambda done, total: calls.append((done, total)))
    assert summary.sections >= 12000
    assert calls and calls[-1][0] == calls[-1][1]
    with db.read() as s:
        assert s.scalar(select(func.count(ClassSection.id))) == summary.sections
        assert s.scalar(select(func.count(Minor.id))) == len(MINORS) + len(LDE_MINORS)
    assert len(summary.years) >= 3  # 9,000 four-digit numbers per academic year


def test_the_course_portal_demo(demo_usis):
    """Every state of an offering, the demo learners' courses, a withdrawal under review."""
    states = {o.code: o.state for o in demo_usis.portal.offerings()}
    assert set(states.values()) == {"open", "nearly_full", "full", "started", "finished",
                                    "cancelled"}
    sanne = demo_usis.portal_accounts.login("sanne.devries@example.com", "demo")
    courses = demo_usis.portal.my_courses(sanne.account_id)
    assert [(c.offering.code, c.status) for c in courses] == [("LCP-MUS", "enrolled"),
                                                              ("LCP-NEG", "enrolled")]
    [record] = demo_usis.portal.records(sanne.account_id)
    assert demo_usis.portal.verify(record.code).name == "Sanne de Vries"
    pieter = demo_usis.portal_accounts.login("pieter.bakker@example.com", "demo")
    mine = {c.offering.code: c for c in demo_usis.portal.my_courses(pieter.account_id)}
    assert mine["LCP-DSP"].status == "pending" and mine["LCP-DSP"].invoice is not None
    assert mine["LCP-LPS"].withdrawal.status == "under_review"
