"""services/academics.py: study results, the requirements report (and what-if), the BSA, the
courses still needed and the plan into the Shopping cart (both backends)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from factories import NOW, YEAR, unchanged
from sqlalchemy import func, select

from usis_tui.models import CartItem, ExamResult, RequirementCourse, RequirementGroup, Student
from usis_tui.services import ServiceError
from usis_tui.services.schemas import EnrolRequest

SEMESTER_2 = (date(2027, 2, 1), date(2027, 5, 14))


def result(db, student, course, *, grade=None, mark=None, day=date(2026, 6, 20),
           component="Exam", attempt=1, hidden_until=None):
    with db.write() as s:
        s.add(ExamResult(student_id=student.id, course_id=course, grade=grade, mark=mark,
                         exam_date=day, component=component, attempt=attempt,
                         hidden_until=hidden_until))


def groups(db, programme: int, *spec):
    """spec: (kind, title, min_ec, min_level, [course ids])."""
    with db.write() as s:
        for position, (kind, title, min_ec, min_level, courses) in enumerate(spec, 1):
            g = RequirementGroup(programme_id=programme, position=position, kind=kind,
                                 title=title, min_ec=min_ec, min_level=min_level)
            g.courses = [RequirementCourse(course_id=c, position=i)
                         for i, c in enumerate(courses, 1)]
            s.add(g)


def cohort(db, student, code):
    with db.write() as s:
        s.get(Student, student.id).cohort = code


@pytest.fixture
def programme(sc):
    """A small bachelor: two compulsory courses, a choice of two advanced courses (one
    needed), a minor or electives of 30 EC, free electives of 6 EC."""
    pid = sc.programme()
    c = {name: sc.course(f"4031{name}", title=name.title(), ec=6, level=level)
         for name, level in (("PROG", 100), ("MATH", 100), ("NETS", 300), ("COMP", 300),
                             ("ELEC", 200))}
    groups(sc.db, pid,
           ("compulsory", "First year (propaedeutic phase)", 12, None, [c["PROG"], c["MATH"]]),
           ("level", "Advanced courses (level 300)", 6, 300, [c["NETS"], c["COMP"]]),
           ("minor_or_electives", "Minor or free electives", 30, None, []),
           ("electives", "Free electives", 6, None, []))
    return pid, c


# ---------------------------------------------------------------------------- results
def test_results_per_year_with_totals_and_marks(sc, usis, db, programme):
    _pid, c = programme
    s = sc.student()
    result(db, s, c["PROG"], grade=7.5, day=date(2026, 1, 20))
    result(db, s, c["MATH"], grade=4.0, day=date(2026, 9, 1))
    result(db, s, c["MATH"], grade=6.0, day=date(2026, 9, 5), component="Resit", attempt=2)
    result(db, s, c["ELEC"], mark="V", day=date(2026, 9, 4))
    out = usis.academics.results(s.number)
    assert [(ln.catalogue_number, ln.grade, ln.mark, ln.component, ln.attempt, ln.passed)
            for ln in out.lines] == [
        ("4031MATH", 6.0, None, "Resit", 2, True),
        ("4031ELEC", None, "V", "Exam", 1, True),
        ("4031MATH", 4.0, None, "Exam", 1, False),
        ("4031PROG", 7.5, None, "Exam", 1, True)]
    assert [(ln.academic_year, ln.semester) for ln in out.lines] == [
        ("2026-2027", 1), ("2026-2027", 1), ("2026-2027", 1), ("2025-2026", 1)]
    assert (out.earned_this_year, out.earned_total) == (12, 18)
    history = {h.catalogue_number: (h.attempts, h.passed, h.best.grade) for h in out.history}
    assert history == {"4031MATH": (2, True, 6.0), "4031ELEC": (1, True, None),
                       "4031PROG": (1, True, 7.5)}


def test_unreleased_results_do_not_show_or_count(sc, usis, db, programme, clock):
    _pid, c = programme
    s = sc.student()
    result(db, s, c["PROG"], grade=8.0, day=NOW.date() - timedelta(days=3),
           hidden_until=NOW + timedelta(days=2))
    assert usis.academics.results(s.number).lines == []
    report = usis.academics.requirements(s.number)
    assert report.groups[0].earned == 0
    clock.advance(days=3)
    assert [ln.grade for ln in usis.academics.results(s.number).lines] == [8.0]
    assert usis.academics.requirements(s.number).groups[0].earned == 6


def test_a_failed_exam_names_its_open_resit(sc, usis, db, programme):
    _pid, c = programme
    s = sc.student()
    resit = sc.section("2063", course=c["NETS"], component="Resit")
    result(db, s, c["NETS"], grade=4.8, day=NOW.date() - timedelta(days=2))
    [line] = usis.academics.results(s.number).lines
    assert (line.resit_class, line.resit_state) == ("2063", "open")
    usis.cart.add(s.number, YEAR, "2063")
    usis.enrolment.enrol(s.number, [EnrolRequest(section_id=resit.id)], from_cart=True)
    [line] = usis.academics.results(s.number).lines
    assert line.resit_state == "enrolled"


# ---------------------------------------------------------------------------- requirements
def test_requirements_report_counts_each_course_once(sc, usis, db, programme):
    _pid, c = programme
    s = sc.student()
    result(db, s, c["PROG"], grade=7.0)
    result(db, s, c["NETS"], grade=8.0)
    result(db, s, c["COMP"], grade=6.0)  # a second advanced course: beyond the group's 6 EC
    lecture = sc.section("2001", course=c["MATH"])
    usis.enrolment.enrol(s.number, [EnrolRequest(section_id=lecture.id)], from_cart=False)
    sc.section("2002", course=c["ELEC"])
    usis.cart.add(s.number, YEAR, "2002")
    report = usis.academics.requirements(s.number)
    first, advanced, minor, free = report.groups
    assert [(ln.catalogue_number, ln.state, ln.grade) for ln in first.lines] == [
        ("4031PROG", "done", "7.0"), ("4031MATH", "in_progress", None)]
    assert (first.earned, first.in_progress, first.needed, first.satisfied) == (6, 6, 0, False)
    assert (advanced.earned, advanced.satisfied) == (6, True)
    assert [(ln.catalogue_number, ln.counted) for ln in advanced.lines] == [
        ("4031NETS", True), ("4031COMP", False)]
    # the course not counted in its group counts as an elective; the planned one too
    assert [ln.catalogue_number for ln in minor.lines] == ["4031COMP", "4031ELEC"]
    assert (minor.earned, minor.planned, minor.needed) == (6, 6, 18)
    assert free.lines == [] and free.needed == 6
    assert (report.required, report.earned, report.satisfied) == (54, 18, False)


def test_a_minor_counts_once_not_with_its_parts(sc, usis, db, programme):
    _pid, _c = programme
    s = sc.student()
    minor = sc.minor("1058", ec=30)
    part = sc.minor_part(minor, "1059")
    with db.write() as session:  # placed in the minor and its part (as the minors service does)
        from usis_tui.models import Enrolment
        for section in (minor, part):
            session.add(Enrolment(student_id=s.id, section_id=section.id, status="enrolled",
                                  created_at=NOW, enrolled_at=NOW))
    report = usis.academics.requirements(s.number)
    minor_group = report.groups[2]
    assert [ln.catalogue_number for ln in minor_group.lines] == [
        usis.catalogue.lookup(YEAR, "1058").catalogue_number]
    assert minor_group.in_progress == 30
    assert report.groups[3].in_progress == 0  # the 15 EC part is not an elective too


def test_what_if_reports_another_programme_and_writes_nothing(sc, usis, db, programme):
    _pid, c = programme
    other = sc.programme("BSC-MATH", "Mathematics")
    analysis = sc.course("4081A11", title="Analysis 1", ec=6, programme=other)
    groups(db, other, ("compulsory", "First year (propaedeutic phase)", 6, None, [analysis]))
    s = sc.student()
    result(db, s, analysis, grade=9.0)
    with unchanged(db):
        report = usis.academics.requirements(s.number, "bsc-math")
    assert report.what_if and report.programme.code == "BSC-MATH"
    assert report.satisfied and report.bsa is None
    assert not usis.academics.requirements(s.number).what_if
    with pytest.raises(ServiceError) as err:
        usis.academics.requirements(s.number, "NOPE")
    assert err.value.code == "unknown_programme"
    assert [p.code for p in usis.academics.programmes()] == ["BSc-INF", "BSC-MATH"]


def test_bsa_for_a_first_year_bachelor_student(sc, usis, db, programme):
    _pid, c = programme
    s = sc.student()
    assert usis.academics.requirements(s.number).bsa is None  # cohort unknown
    cohort(db, s, YEAR)
    result(db, s, c["PROG"], grade=7.0, day=date(2026, 11, 5))
    result(db, s, c["MATH"], grade=4.0, day=date(2026, 11, 5))
    bsa = usis.academics.requirements(s.number).bsa
    assert bsa is not None
    assert (bsa.academic_year, bsa.deadline, bsa.norm, bsa.earned) == (
        YEAR, date(2027, 8, 31), 45, 6)
    assert [ln.catalogue_number for ln in bsa.counted] == ["4031PROG"]
    assert [ln.catalogue_number for ln in bsa.missing] == ["4031MATH"]
    assert not bsa.met
    cohort(db, s, "2025-2026")  # no longer a first-year student
    assert usis.academics.requirements(s.number).bsa is None


# ---------------------------------------------------------------------------- still needed
def test_still_needed_with_when_taught_and_the_plan(sc, usis, db, programme):
    _pid, c = programme
    s = sc.student()
    result(db, s, c["PROG"], grade=7.0)
    # MATH: taught in semester 2 (a lecture and two tutorials, one of which clashes)
    lecture = sc.section("2101", course=c["MATH"],
                         meets=[(0, "09:00", "10:45", *SEMESTER_2)])
    sc.section("2102", course=c["MATH"], component="Tutorial", parent=lecture,
               meets=[(1, "11:00", "12:45", *SEMESTER_2)])
    sc.section("2103", course=c["MATH"], component="Tutorial", parent=lecture,
               meets=[(2, "11:00", "12:45", *SEMESTER_2)])
    mine = sc.section("2200", meets=[(1, "11:00", "12:45", *SEMESTER_2)])
    usis.enrolment.enrol(s.number, [EnrolRequest(section_id=mine.id)], from_cart=False)
    # NETS and COMP: a choice of one; NETS in semester 2, COMP not scheduled
    sc.section("2301", course=c["NETS"], meets=[(3, "13:45", "15:30", *SEMESTER_2)])
    needed = usis.academics.still_needed(s.number)
    assert needed.coming == (YEAR, 2)
    rows = {n.catalogue_number: n for n in needed.courses}
    assert list(rows) == ["4031MATH", "4031NETS", "4031COMP"]
    assert rows["4031MATH"].next is not None
    assert (rows["4031MATH"].next.academic_year, rows["4031MATH"].next.semester) == (YEAR, 2)
    assert [k.class_number for k in rows["4031MATH"].next.classes] == ["2101", "2102", "2103"]
    assert rows["4031COMP"].next is None and not rows["4031COMP"].plan
    assert rows["4031MATH"].plan and rows["4031NETS"].plan and rows["4031NETS"].choice
    outcome = usis.academics.plan(s.number)
    # the tutorial that clashes with her Tuesday class is left out
    assert outcome.added == ["2101", "2103", "2301"] and outcome.skipped == []
    assert sorted(line.cls.class_number for line in usis.cart.list(s.number, YEAR)) == [
        "2101", "2103", "2301"]
    # planned now: nothing more to plan, and the report says "planned"
    with pytest.raises(ServiceError) as err:
        usis.academics.plan(s.number)
    assert err.value.code == "nothing_to_plan"
    first = usis.academics.requirements(s.number).groups[0]
    assert [ln.state for ln in first.lines] == ["done", "planned"]


def test_plan_is_one_transaction_and_refused_for_others(sc, usis, db, programme):
    from usis_tui.services.access import Principal, guard

    _pid, c = programme
    s = sc.student()
    other = sc.student()
    sc.section("2101", course=c["MATH"], meets=[(0, "09:00", "10:45", *SEMESTER_2)])
    guarded = guard(usis, Principal(username=other.number, role="student"))
    with unchanged(db), pytest.raises(ServiceError) as err:
        guarded.academics.plan(s.number)
    assert err.value.code == "not_authorised"
    for call in (guarded.academics.results, guarded.academics.requirements,
                 guarded.academics.still_needed, guarded.academics.brightspace):
        with pytest.raises(ServiceError):
            call(s.number)
    guarded.academics.plan(other.number)
    with db.read() as session:
        assert session.scalar(select(func.count(CartItem.id)).where(
            CartItem.student_id == other.id)) == 1


def test_brightspace_lists_enrolled_courses(sc, usis, db):
    s = sc.student()
    lecture = sc.section("2001", title="Databases")
    sc.section("2002", title="Not mine")
    assert usis.academics.brightspace(s.number) == []
    usis.enrolment.enrol(s.number, [EnrolRequest(section_id=lecture.id)], from_cart=False)
    [course] = usis.academics.brightspace(s.number)
    assert course.title == "Databases"
    assert course.url and course.url.startswith("https://brightspace.universiteitleiden.nl/")


def test_demo_student_acceptance(demo_db_url):
    """s1234567 in the demo: results with totals, every group of her programme, the BSA of her
    first year, the courses still needed and a plan, and a what-if."""
    from helpers import DEMO_NOW

    from usis_tui.services import Usis

    usis = Usis.open(demo_db_url, clock=lambda: DEMO_NOW)
    try:
        results = usis.academics.results("s1234567")
        assert results.earned_this_year == results.earned_total == 24
        assert "Automata and Complexity Theory" not in [ln.title for ln in results.lines]
        report = usis.academics.requirements("s1234567")
        assert report.programme.total == 180 and len(report.groups) == 6
        assert report.bsa is not None and report.bsa.earned == 24
        needed = usis.academics.still_needed("s1234567")
        assert any(n.plan for n in needed.courses)
        assert usis.academics.plan("s1234567").added
        assert usis.academics.requirements("s1234567", "BSC-MATH").what_if
        assert {p.total for p in usis.academics.programmes()} == {180, 120}
    finally:
        usis.close()


def test_plan_refuses_when_the_cart_changed_meanwhile(sc, usis, db, programme, monkeypatch):
    """A class put in the cart by another terminal while the plan runs: one clear refusal,
    nothing planned (not a failure of the app)."""
    from usis_tui.services.academics import AcademicsService

    _pid, c = programme
    s = sc.student()
    lecture = sc.section("2101", course=c["MATH"], meets=[(0, "09:00", "10:45", *SEMESTER_2)])
    choose = AcademicsService._choose

    def racing(self, session, need, mine):
        chosen, why = choose(self, session, need, mine)
        session.add(CartItem(student_id=s.id, section_id=lecture.id, wait_list_ok=False,
                             added_at=NOW))  # the other terminal's row, as the flush finds it
        return chosen, why

    monkeypatch.setattr(AcademicsService, "_choose", racing)
    with unchanged(db), pytest.raises(ServiceError) as err:
        usis.academics.plan(s.number)
    assert err.value.code == "cart_changed"
