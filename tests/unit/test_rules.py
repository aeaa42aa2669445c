"""Every rule in services/rules.py ``evaluate``, through the enrolment service, with the uSis
wording and the database state checked after each call."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from factories import (
    NOW,
    YEAR,
    check_invariants,
    enrolments,
    hhmm,
    req,
    section_row,
    status_of,
    unchanged,
    waitlist,
)
from sqlalchemy import select

from usis_tui.models import CartItem, Meeting, MinorApplication, PermissionNumber
from usis_tui.services.rules import meetings_clash

FULL = "Not Enrolled, Class {} Full."
BOTH_FULL = "Class {} Not Enrolled, Class And Wait List Are Full."
ALREADY = "Already Enrolled in Class, Add Not Processed."
CLASH = "Time Scheduling Conflict for class {} and {}, not enrolled."
REQUISITES = "Requisites not met for Class, not enrolled."
NOT_OPEN = ("You cannot enroll at this time. Your enrollment appointment is in the future or "
            "open enrollment has not yet begun.")
MO = (0, "09:00", "10:45")


def enrol_one(usis, student, section, **kw):
    [result] = usis.enrolment.enrol(student.number, [req(section, **kw)])
    return result


def codes(result):
    return [p.code for p in result.problems]


# ---------------------------------------------------------------- seats and wait list
def test_open_class_enrols_and_counts_the_seat(sc, usis, db):
    s = sc.student()
    a = sc.section("1234", capacity=2)
    r = enrol_one(usis, s, a)
    assert (r.ok, r.outcome, r.class_number) == (True, "enrolled", "1234")
    assert r.message == "Success: This class has been added to your schedule."
    assert r.waitlist_position is None and r.problems == []
    row = section_row(db, a)
    assert (row.enrolled_count, row.waitlist_count) == (1, 0)
    assert status_of(db, s, a) == ("enrolled", None)
    [e] = enrolments(db, a)
    assert e.enrolled_at == NOW and e.created_at == NOW
    check_invariants(db)


def test_full_class_refused(sc, usis, db):
    a = sc.section("1234", capacity=2, waitlist_capacity=3)
    sc.fill(a)
    s = sc.student()
    with unchanged(db):
        r = enrol_one(usis, s, a)
    assert r.outcome == "failed" and not r.ok
    assert r.message == FULL.format("1234")
    assert codes(r) == ["class_full"]
    assert "Wait list if class is full" in r.problems[0].hint  # wait list has room: say so
    assert section_row(db, a).enrolled_count == 2


def test_full_class_with_full_wait_list_refused_both_ways(sc, usis, db):
    a = sc.section("1234", capacity=1, waitlist_capacity=1)
    sc.fill(a)
    first, second = sc.student(), sc.student()
    assert enrol_one(usis, first, a, wait=True).outcome == "waitlisted"
    with unchanged(db):
        r = enrol_one(usis, second, a, wait=True)
        plain = enrol_one(usis, second, a)
    assert r.message == BOTH_FULL.format("1234") and codes(r) == ["class_and_waitlist_full"]
    assert plain.message == FULL.format("1234")
    assert "Wait list if class is full" not in plain.problems[0].hint  # no room to suggest it


def test_no_wait_list_at_all_means_class_and_wait_list_full(sc, usis, db):
    a = sc.section("1234", capacity=1, waitlist_capacity=0)
    sc.fill(a)
    s = sc.student()
    with unchanged(db):
        r = enrol_one(usis, s, a, wait=True)
    assert r.message == BOTH_FULL.format("1234")


def test_wait_list_positions_first_come_first_served(sc, usis, db, clock):
    a = sc.section("1234", capacity=1, waitlist_capacity=3)
    sc.fill(a)
    students = [sc.student() for _ in range(3)]
    for i, s in enumerate(students, start=1):
        clock.advance(minutes=1)
        r = enrol_one(usis, s, a, wait=True)
        assert (r.outcome, r.waitlist_position) == ("waitlisted", i)
        assert r.message == f"Success: This class has been added to your wait list (position {i})."
    row = section_row(db, a)
    assert (row.enrolled_count, row.waitlist_count, row.status) == (1, 3, "Closed")
    assert waitlist(db, a) == [(i, s.id) for i, s in enumerate(students, start=1)]
    stamps = [e.waitlisted_at for e in enrolments(db, a, "waitlisted")]
    assert stamps == sorted(stamps) and stamps[0] == NOW + timedelta(minutes=1)
    check_invariants(db)


def test_wait_list_ok_on_an_open_class_enrols(sc, usis, db):
    a = sc.section("1234", capacity=1)
    assert enrol_one(usis, sc.student(), a, wait=True).outcome == "enrolled"
    assert section_row(db, a).waitlist_count == 0


def test_class_status_open_wait_list_closed(sc, usis, db):
    a = sc.section("1234", capacity=1, waitlist_capacity=1)
    assert usis.catalogue.lookup(YEAR, "1234").status == "Open"
    sc.fill(a)
    assert usis.catalogue.lookup(YEAR, "1234").status == "Wait List"
    enrol_one(usis, sc.student(), a, wait=True)
    info = usis.catalogue.lookup(YEAR, "1234")
    assert (info.status, info.seats, info.waitlisted) == ("Closed", "1/1", 1)


# ---------------------------------------------------------------- already enrolled
def test_already_enrolled(sc, usis, db):
    s = sc.student()
    a = sc.section("1234")
    enrol_one(usis, s, a)
    with unchanged(db):
        r = enrol_one(usis, s, a)
    assert r.message == ALREADY and codes(r) == ["already_enrolled"]


def test_same_class_twice_in_one_batch(sc, usis, db):
    s = sc.student()
    a = sc.section("1234")
    r1, r2 = usis.enrolment.enrol(s.number, [req(a), req(a)])
    assert r1.outcome == "enrolled" and r2.message == ALREADY
    assert section_row(db, a).enrolled_count == 1
    check_invariants(db)


def test_already_on_the_wait_list(sc, usis, db):
    s = sc.student()
    a = sc.section("1234", capacity=1)
    sc.fill(a)
    enrol_one(usis, s, a, wait=True)
    with unchanged(db):
        r = enrol_one(usis, s, a, wait=True)
    assert r.message == "Already on the Wait List for Class 1234, Add Not Processed."
    assert "position is 1" in r.problems[0].hint


def test_enrol_again_after_drop_reuses_the_row(sc, usis, db, clock):
    s = sc.student()
    a = sc.section("1234")
    enrol_one(usis, s, a)
    usis.enrolment.drop(s.number, a.id, reason="changed my mind")
    clock.advance(hours=1)
    assert enrol_one(usis, s, a).outcome == "enrolled"
    [e] = enrolments(db, a)
    assert (e.status, e.dropped_at, e.drop_reason, e.enrolled_at) == (
        "enrolled", None, None, NOW + timedelta(hours=1))
    check_invariants(db)


# ---------------------------------------------------------------- time conflicts
CLASH_CASES = {
    # name: (meeting of 1234, meeting of 5678, clash?)
    "same slot": ((0, "09:00", "10:45"), (0, "09:00", "10:45"), True),
    "overlap": ((0, "09:00", "10:45"), (0, "10:30", "12:00"), True),
    "inside": ((0, "09:00", "13:00"), (0, "10:00", "11:00"), True),
    "back to back": ((0, "09:00", "10:45"), (0, "10:45", "12:30"), False),
    "other weekday": ((0, "09:00", "10:45"), (1, "09:00", "10:45"), False),
    "different weeks": ((0, "09:00", "10:45", *[date(2026, 9, 1), date(2026, 12, 18)], "37,39"),
                        (0, "09:00", "10:45", *[date(2026, 9, 1), date(2026, 12, 18)], "38,40"),
                        False),
    "one shared week": ((0, "09:00", "10:45", date(2026, 9, 1), date(2026, 12, 18), "37,39"),
                        (0, "09:00", "10:45", date(2026, 9, 1), date(2026, 12, 18), "39,41"),
                        True),
    "disjoint dates": ((0, "09:00", "10:45", date(2026, 9, 1), date(2026, 10, 23)),
                       (0, "09:00", "10:45", date(2026, 10, 26), date(2026, 12, 18)), False),
    "overlapping dates": ((0, "09:00", "10:45", date(2026, 9, 1), date(2026, 10, 26)),
                          (0, "09:00", "10:45", date(2026, 10, 26), date(2026, 12, 18)), True),
    "dates overlap, no shared weekday date": (
        (0, "09:00", "10:45", date(2026, 9, 1), date(2026, 9, 9)),    # only Mon 7 Sep
        (0, "09:00", "10:45", date(2026, 9, 8), date(2026, 9, 20)),   # only Mon 14 Sep
        False),
    "exam on a lecture day": ((0, "09:00", "10:45"),
                              (0, "10:00", "12:00", date(2026, 10, 19), date(2026, 10, 19)), True),
    "exam outside the lecture weeks": (
        (0, "09:00", "10:45", date(2026, 9, 1), date(2026, 10, 16)),
        (0, "09:00", "12:00", date(2026, 10, 19), date(2026, 10, 19)), False),
}


@pytest.mark.parametrize("first, second, clash", CLASH_CASES.values(), ids=CLASH_CASES.keys())
def test_time_conflict_only_when_meetings_really_overlap(sc, usis, db, first, second, clash):
    s = sc.student()
    a = sc.section("1234", meets=[first])
    b = sc.section("5678", meets=[second])
    assert enrol_one(usis, s, a).outcome == "enrolled"
    before = section_row(db, b).enrolled_count
    r = enrol_one(usis, s, b)
    if clash:
        assert r.message == CLASH.format("5678", "1234") and codes(r) == ["time_conflict"]
        assert "drop class 1234" in r.problems[0].hint
        assert section_row(db, b).enrolled_count == before
        assert status_of(db, s, b) == (None, None)
    else:
        assert r.outcome == "enrolled", r.problems
    check_invariants(db)


def test_meetings_clash_is_symmetric():
    def m(weekday, start, end, start_date=date(2026, 9, 1), end_date=date(2026, 12, 18),
          weeks=None):
        return Meeting(weekday=weekday, start_time=hhmm(start), end_time=hhmm(end),
                       start_date=start_date, end_date=end_date, weeks=weeks)

    for first, second, clash in CLASH_CASES.values():
        assert meetings_clash(m(*first), m(*second)) is clash
        assert meetings_clash(m(*second), m(*first)) is clash


def test_conflict_names_every_clashing_class(sc, usis, db):
    s = sc.student()
    a = sc.section("1111", meets=[(0, "09:00", "10:00")])
    b = sc.section("2222", meets=[(0, "10:00", "11:00")])
    c = sc.section("3333", meets=[(0, "09:30", "10:30")])
    usis.enrolment.enrol(s.number, [req(a), req(b)])
    r = enrol_one(usis, s, c)
    assert [p.message for p in r.problems] == [CLASH.format("3333", "1111"),
                                               CLASH.format("3333", "2222")]


def test_conflict_within_one_batch(sc, usis, db):
    s = sc.student()
    a = sc.section("1234", meets=[MO])
    b = sc.section("5678", meets=[MO])
    r1, r2 = usis.enrolment.enrol(s.number, [req(a), req(b)])
    assert r1.outcome == "enrolled"
    assert r2.message == CLASH.format("5678", "1234")
    assert section_row(db, b).enrolled_count == 0
    check_invariants(db)


def test_waitlisted_class_does_not_block_a_clashing_enrolment(sc, usis, db):
    """Only classes the student sits in clash; the wait list promotion checks again later."""
    s = sc.student()
    a = sc.section("1234", capacity=1, meets=[MO])
    sc.fill(a)
    b = sc.section("5678", meets=[MO])
    assert enrol_one(usis, s, a, wait=True).outcome == "waitlisted"
    assert enrol_one(usis, s, b).outcome == "enrolled"


def test_cannot_waitlist_a_class_that_clashes_with_an_enrolled_one(sc, usis, db):
    s = sc.student()
    a = sc.section("1234", meets=[MO])
    b = sc.section("5678", capacity=1, meets=[MO])
    sc.fill(b)
    enrol_one(usis, s, a)
    with unchanged(db):
        r = enrol_one(usis, s, b, wait=True)
    assert codes(r) == ["time_conflict"]


def test_dropped_class_does_not_clash(sc, usis, db):
    s = sc.student()
    a = sc.section("1234", meets=[MO])
    b = sc.section("5678", meets=[MO])
    enrol_one(usis, s, a)
    usis.enrolment.drop(s.number, a.id)
    assert enrol_one(usis, s, b).outcome == "enrolled"


def test_classes_of_another_academic_year_do_not_clash(sc, usis, db):
    s = sc.student()
    sc.year("2027-2028")
    a = sc.section("1234", meets=[MO])
    b = sc.section("1234", year="2027-2028", meets=[MO], opens=NOW - timedelta(days=1))
    assert enrol_one(usis, s, a).outcome == "enrolled"
    assert enrol_one(usis, s, b).outcome == "enrolled"


# ---------------------------------------------------------------- enrolment period
def test_period_not_yet_open(sc, usis, db, clock):
    s = sc.student()
    opens = NOW + timedelta(days=3)
    a = sc.section("1234", opens=opens, closes=NOW + timedelta(days=20))
    with unchanged(db):
        r = enrol_one(usis, s, a)
    assert r.message == NOT_OPEN and codes(r) == ["not_yet_open"]
    assert "10 Sep 2026 10:00" in r.problems[0].hint
    clock.set(opens)  # opening minute counts as open
    assert enrol_one(usis, s, a).outcome == "enrolled"


def test_period_closed(sc, usis, db, clock):
    s = sc.student()
    closes = datetime(2026, 9, 1, 23, 59)
    a = sc.section("1234", opens=datetime(2026, 8, 1), closes=closes)
    with unchanged(db):
        r = enrol_one(usis, s, a)
    assert r.message == ("You cannot enroll at this time. Enrolment for class 1234 closed on "
                         "1 Sep 2026 23:59.")
    assert codes(r) == ["period_closed"]
    assert "usis-fwn@science.leidenuniv.nl" in r.problems[0].hint
    clock.set(closes)  # the closing minute itself still counts
    assert enrol_one(usis, s, a).outcome == "enrolled"


def test_plan_ahead_cart_then_enrol_when_open(sc, usis, db, clock):
    s = sc.student()
    sc.section("1234", opens=NOW + timedelta(days=1), closes=NOW + timedelta(days=9))
    line = usis.cart.add(s.number, YEAR, "1234")
    assert line.would == "failed" and [p.code for p in line.problems] == ["not_yet_open"]
    [r] = usis.cart.enrol(s.number, [line.item_id])
    assert r.message == NOT_OPEN
    assert len(usis.cart.list(s.number)) == 1
    clock.advance(days=1)
    [r] = usis.cart.enrol(s.number, [line.item_id])
    assert r.outcome == "enrolled" and usis.cart.list(s.number) == []


# ---------------------------------------------------------------- holds
def test_hold_blocks_enrolment(sc, usis, db):
    s = sc.student()
    sc.hold(s, kind="Tuition fees not paid", reason="Pay via Studielink.")
    a = sc.section("1234")
    with unchanged(db):
        r = enrol_one(usis, s, a)
    assert r.message == ("You have a hold on your record that prevents enrolment: "
                         "Tuition fees not paid.")
    assert r.problems[0].hint == "Pay via Studielink." and codes(r) == ["hold"]


def test_every_active_hold_is_reported(sc, usis, db):
    s = sc.student()
    sc.hold(s, kind="Tuition fees not paid")
    sc.hold(s, kind="Library fine")
    r = enrol_one(usis, s, sc.section("1234"))
    assert codes(r) == ["hold", "hold"]


@pytest.mark.parametrize("kw", [
    {"blocks": False},
    {"starts": NOW + timedelta(days=1)},
    {"ends": NOW - timedelta(minutes=1)},
    {"ends": NOW},
], ids=["not blocking", "future", "expired", "ends now"])
def test_inactive_or_non_blocking_holds_do_not_block(sc, usis, db, kw):
    s = sc.student()
    sc.hold(s, **kw)
    assert enrol_one(usis, s, sc.section("1234")).outcome == "enrolled"


def test_hold_lifts_when_the_clock_passes_its_end(sc, usis, db, clock):
    s = sc.student()
    sc.hold(s, ends=NOW + timedelta(hours=2))
    a = sc.section("1234")
    assert codes(enrol_one(usis, s, a)) == ["hold"]
    clock.advance(hours=2)
    assert enrol_one(usis, s, a).outcome == "enrolled"


# ---------------------------------------------------------------- requisites
@pytest.mark.parametrize("grades, ok", [
    ([], False), ([5.4], False), ([5.5], True), ([4.0, 7.0], True), ([3.0, 5.0], False),
])
def test_required_course(sc, usis, db, grades, ok):
    s = sc.student()
    intro = sc.course("4011INTRO", title="Introduction")
    a = sc.section("1234", requires=intro)
    for g in grades:
        sc.result(s, intro, g)
    r = enrol_one(usis, s, a)
    if ok:
        assert r.outcome == "enrolled"
    else:
        assert r.message == REQUISITES and codes(r) == ["requisites"]
        assert "4011INTRO Introduction" in r.problems[0].hint
        assert status_of(db, s, a) == (None, None)


def test_passing_another_course_does_not_meet_the_requisite(sc, usis, db):
    s = sc.student()
    intro = sc.course("4011INTRO")
    other = sc.course("4012OTHER")
    sc.result(s, other, 9.0)
    assert codes(enrol_one(usis, s, sc.section("1234", requires=intro))) == ["requisites"]


# ---------------------------------------------------------------- resits
@pytest.mark.parametrize("grades, ok, hint", [
    ([], False, "Do not enrol for retakes automatically"),
    ([6.0], False, "You passed"),
    ([5.5], False, "You passed"),
    ([5.4], True, None),
    ([3.0], True, None),
    ([4.0, 4.5], True, None),   # failed the resit too: may enrol again
    ([4.0, 7.0], False, "You passed"),
])
def test_resit_only_after_a_failed_first_exam(sc, usis, db, grades, ok, hint):
    s = sc.student()
    course = sc.course("4031ALGO", title="Algorithms")
    exam = sc.section("1234", course=course, component="Exam")
    resit = sc.section("1235", course=course, component="Resit")
    assert enrol_one(usis, s, exam).outcome == "enrolled"  # the first exam: no requisite
    for g in grades:
        sc.result(s, course, g)
    r = enrol_one(usis, s, resit)
    if ok:
        assert r.outcome == "enrolled"
        assert status_of(db, s, resit) == ("enrolled", None)
    else:
        assert r.message == REQUISITES and codes(r) == ["requisites"]
        assert hint in r.problems[0].hint
        assert status_of(db, s, resit) == (None, None)


def test_permission_number_overrides_the_resit_rule(sc, usis, db):
    s = sc.student()
    course = sc.course("4031ALGO")
    resit = sc.section("1235", course=course, component="Resit")
    pn = sc.permission(resit, "R-77")
    r = enrol_one(usis, s, resit, pn=pn)
    assert r.outcome == "enrolled"
    [e] = enrolments(db, resit)
    assert e.permission_number == "R-77"


# ---------------------------------------------------------------- permission numbers
def test_permission_number_overrides_a_full_class(sc, usis, db):
    s = sc.student()
    a = sc.section("1234", capacity=2, waitlist_capacity=0)
    sc.fill(a)
    pn = sc.permission(a, "PN-1", student=s)
    r = enrol_one(usis, s, a, pn=" PN-1 ")
    assert r.outcome == "enrolled"
    row = section_row(db, a)
    assert (row.enrolled_count, row.capacity) == (3, 2)
    with db.read() as session:
        perm = session.scalar(select(PermissionNumber).where(PermissionNumber.number == pn))
        assert (perm.used_by_id, perm.used_at) == (s.id, NOW)
    check_invariants(db, allow_over_capacity=True)


def test_permission_number_overrides_requisites(sc, usis, db):
    s = sc.student()
    intro = sc.course("4011INTRO")
    a = sc.section("1234", requires=intro)
    sc.permission(a, "PN-2")
    assert enrol_one(usis, s, a, pn="PN-2").outcome == "enrolled"


@pytest.mark.parametrize("case", ["unknown", "other class", "other student", "used by another"])
def test_invalid_permission_number_refused(sc, usis, db, case):
    s, other = sc.student(), sc.student()
    a = sc.section("1234", capacity=1)
    b = sc.section("5678")
    sc.fill(a)
    if case == "other class":
        sc.permission(b, "PN-9")
    elif case == "other student":
        sc.permission(a, "PN-9", student=other)
    elif case == "used by another":
        sc.permission(a, "PN-9")
        assert enrol_one(usis, other, a, pn="PN-9").outcome == "enrolled"
    with unchanged(db):
        r = enrol_one(usis, s, a, pn="PN-9")
    assert r.outcome == "failed"
    assert r.message == "Permission number PN-9 is not valid for class 1234."
    assert codes(r) == ["bad_permission", "class_full"]  # and the seat problem stays


def test_permission_number_does_not_override_conflicts_periods_or_holds(sc, usis, db):
    s = sc.student()
    a = sc.section("1234", meets=[MO])
    b = sc.section("5678", meets=[MO], opens=datetime(2026, 8, 1), closes=datetime(2026, 9, 1))
    assert enrol_one(usis, s, a).outcome == "enrolled"
    sc.hold(s)
    sc.permission(b, "PN-3")
    with unchanged(db):
        r = enrol_one(usis, s, b, pn="PN-3")
    assert codes(r) == ["period_closed", "hold", "time_conflict"]


# ---------------------------------------------------------------- minors
def test_one_minor_only(sc, usis, db):
    s = sc.student()
    a = sc.minor("1052", title="Data Science and Artificial Intelligence")
    b = sc.minor("1048", title="Computational approach to Disease")
    assert enrol_one(usis, s, a).outcome == "enrolled"
    with unchanged(db):
        r = enrol_one(usis, s, b)
    assert r.message == ("You may only follow one minor: you are already registered for minor "
                         "1052 Data Science and Artificial Intelligence, not enrolled.")
    assert codes(r) == ["one_minor"]
    with db.read() as session:
        [app] = session.scalars(select(MinorApplication)).all()
        assert (app.status, app.choice) == ("placed", 1)


def test_second_minor_allowed_while_waitlisted_for_the_first(sc, usis, db):
    s = sc.student()
    a = sc.minor("1052", capacity=1)
    b = sc.minor("1048")
    c = sc.minor("1060")
    sc.fill(a)
    assert enrol_one(usis, s, a, wait=True).outcome == "waitlisted"
    assert enrol_one(usis, s, b).outcome == "enrolled"
    with db.read() as session:
        apps = sorted((x.status, x.choice) for x in session.scalars(select(MinorApplication)))
    assert apps == [("placed", 2), ("waitlisted", 1)]
    # placed in one now: a third is refused
    assert codes(enrol_one(usis, s, c)) == ["one_minor"]


def test_at_most_two_minor_requests(sc, usis, db):
    s = sc.student()
    a, b = sc.minor("1052", capacity=1), sc.minor("1048", capacity=1)
    c = sc.minor("1060")
    sc.fill(a)
    sc.fill(b)
    assert enrol_one(usis, s, a, wait=True).outcome == "waitlisted"
    assert enrol_one(usis, s, b, wait=True).outcome == "waitlisted"
    with unchanged(db):
        r = enrol_one(usis, s, c)
    assert r.message == "You have already requested two minors, not enrolled."


def test_two_minors_in_one_batch(sc, usis, db):
    s = sc.student()
    a, b = sc.minor("1052"), sc.minor("1048")
    r1, r2 = usis.enrolment.enrol(s.number, [req(a), req(b)])
    assert r1.outcome == "enrolled" and codes(r2) == ["one_minor"]


def test_dropping_a_minor_cancels_the_application_and_frees_the_choice(sc, usis, db):
    s = sc.student()
    a, b = sc.minor("1052"), sc.minor("1048")
    enrol_one(usis, s, a)
    usis.enrolment.drop(s.number, a.id)
    with db.read() as session:
        [app] = session.scalars(select(MinorApplication)).all()
        assert app.status == "cancelled"
    assert enrol_one(usis, s, b).outcome == "enrolled"
    with db.read() as session:
        apps = sorted((x.status, x.choice) for x in session.scalars(select(MinorApplication)))
    assert apps == [("cancelled", 1), ("placed", 1)]


def test_minor_part_needs_the_minor(sc, usis, db):
    s = sc.student()
    minor = sc.minor("1048", title="Computational approach to Disease")
    part = sc.minor_part(minor, "1049")
    with unchanged(db):
        r = enrol_one(usis, s, part)
    assert r.message == REQUISITES and codes(r) == ["requisites"]
    assert "enrol in class 1048 first" in r.problems[0].hint
    enrol_one(usis, s, minor)
    assert enrol_one(usis, s, part).outcome == "enrolled"
    check_invariants(db)


@pytest.mark.parametrize("order", ["minor first", "part first"])
def test_minor_and_its_parts_in_the_same_batch(sc, usis, db, order):
    s = sc.student()
    minor = sc.minor("1048")
    p1, p2 = sc.minor_part(minor, "1049"), sc.minor_part(minor, "1050")
    batch = [minor, p1, p2] if order == "minor first" else [p1, p2, minor]
    results = usis.enrolment.enrol(s.number, [req(x) for x in batch])
    assert [r.class_number for r in results] == [x.number for x in batch]  # request order kept
    assert [r.outcome for r in results] == ["enrolled"] * 3, [r.problems for r in results]
    for x in batch:
        assert status_of(db, s, x) == ("enrolled", None)


def test_minor_part_refused_while_only_waitlisted_for_the_minor(sc, usis, db):
    s = sc.student()
    minor = sc.minor("1048", capacity=1)
    part = sc.minor_part(minor, "1049")
    sc.fill(minor)
    enrol_one(usis, s, minor, wait=True)
    assert codes(enrol_one(usis, s, part)) == ["requisites"]


def test_linked_section_of_a_normal_course_needs_nothing(sc, usis, db):
    s = sc.student()
    lec = sc.section("1234")
    tut = sc.section("1235", component="Tutorial", parent=lec, course=lec.course_id)
    assert enrol_one(usis, s, tut).outcome == "enrolled"


# ---------------------------------------------------------------- EC cap
def test_ec_cap_per_academic_year(sc, usis, db):
    sc.year(YEAR, max_ec=10)
    s = sc.student()
    a, b, c = (sc.section(n, ec=5) for n in ("1111", "2222", "3333"))
    tut = sc.section("1112", course=a.course_id, component="Tutorial")
    assert enrol_one(usis, s, a).outcome == "enrolled"
    assert enrol_one(usis, s, b).outcome == "enrolled"
    with unchanged(db):
        r = enrol_one(usis, s, c)
    assert r.message == ("Enrolling in class 3333 exceeds the maximum of 10 EC for "
                         "Studiejaar 2026-2027, not enrolled.")
    assert codes(r) == ["ec_cap"] and "enrolled for 10 EC" in r.problems[0].hint
    assert enrol_one(usis, s, tut).outcome == "enrolled"  # same course: no extra EC


def test_ec_cap_counts_the_batch(sc, usis, db):
    sc.year(YEAR, max_ec=10)
    s = sc.student()
    a, b, c = (sc.section(n, ec=5) for n in ("1111", "2222", "3333"))
    results = usis.enrolment.enrol(s.number, [req(a), req(b), req(c)])
    assert [r.outcome for r in results] == ["enrolled", "enrolled", "failed"]
    assert codes(results[2]) == ["ec_cap"]


def test_ec_cap_is_per_year(sc, usis, db):
    sc.year(YEAR, max_ec=5)
    sc.year("2027-2028")
    s = sc.student()
    a = sc.section("1111", ec=5)
    b = sc.section("1111", ec=5, year="2027-2028")
    assert enrol_one(usis, s, a).outcome == "enrolled"
    assert enrol_one(usis, s, b).outcome == "enrolled"


# ---------------------------------------------------------------- every reason at once
def test_full_clashing_closed_class_reports_three_problems(sc, usis, db):
    s = sc.student()
    a = sc.section("1234", meets=[MO])
    b = sc.section("5678", capacity=1, meets=[MO], opens=datetime(2026, 8, 1),
                   closes=datetime(2026, 9, 1))
    sc.fill(b)
    enrol_one(usis, s, a)
    with unchanged(db):
        r = enrol_one(usis, s, b)
    assert sorted(codes(r)) == ["class_full", "period_closed", "time_conflict"]
    assert all(p.hint for p in r.problems)  # each says what to do about it
    assert r.message == r.problems[0].message


def test_everything_wrong_at_once(sc, usis, db):
    sc.year(YEAR, max_ec=5)
    s = sc.student()
    intro = sc.course("4011INTRO")
    a = sc.section("1234", meets=[MO], ec=5)
    assert enrol_one(usis, s, a).outcome == "enrolled"
    sc.hold(s)
    b = sc.section("5678", capacity=1, waitlist_capacity=0, meets=[MO], requires=intro,
                   opens=NOW + timedelta(days=1), closes=NOW + timedelta(days=2), ec=5)
    sc.fill(b)
    with unchanged(db):
        r = enrol_one(usis, s, b, wait=True, pn="NOPE")
    assert codes(r) == ["not_yet_open", "hold", "bad_permission", "requisites",
                        "time_conflict", "ec_cap", "class_and_waitlist_full"]
    assert r.message == NOT_OPEN


def test_cart_line_shows_the_same_problems(sc, usis, db):
    s = sc.student()
    a = sc.section("1234", meets=[MO])
    sc.section("5678", capacity=1, meets=[MO], opens=datetime(2026, 8, 1),
               closes=datetime(2026, 9, 1))
    enrol_one(usis, s, a)
    line = usis.cart.add(s.number, YEAR, "5678")
    assert line.would == "failed"
    assert [p.code for p in line.problems] == ["period_closed", "time_conflict"]
    with db.read() as session:
        assert session.scalars(select(CartItem.id)).all() == [line.item_id]
