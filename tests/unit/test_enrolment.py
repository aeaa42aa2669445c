"""services/enrolment.py: enrol many, all-or-nothing, drop with wait list promotion, swap,
message centre entries, schedule and Brightspace courses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from factories import (
    NOW,
    YEAR,
    check_invariants,
    enrolments,
    req,
    section_row,
    status_of,
    unchanged,
    waitlist,
)
from sqlalchemy import select

from usis_tui.models import CartItem, MinorApplication
from usis_tui.services import ServiceError
from usis_tui.services.schemas import EnrolRequest

MO = (0, "09:00", "10:45")
ALL_OR_NOTHING = ("Not enrolled: another class in this all-or-nothing enrolment was refused, so "
                  "none was processed.")


def enrol(usis, student, *sections, wait=False, **kw):
    return usis.enrolment.enrol(student.number, [req(x, wait=wait) for x in sections], **kw)


def subjects(usis, student, category=None):
    return [m.subject for m in usis.student.messages(student.number)
            if category is None or m.category == category]


def cart_sections(db, student):
    with db.read() as session:
        return sorted(session.scalars(select(CartItem.section_id)
                                      .where(CartItem.student_id == student.id)))


# ---------------------------------------------------------------- enrol many
def test_enrol_many_one_result_per_class_in_order(sc, usis, db):
    s = sc.student()
    full = sc.section("3333", capacity=1)
    sc.fill(full)
    a = sc.section("1111", meets=[MO])
    b = sc.section("2222", meets=[MO])
    c = sc.section("4444", capacity=1)
    sc.fill(c)
    items = [usis.cart.add(s.number, YEAR, x.number, wait_list_ok=(x is c)).item_id
             for x in (full, a, b, c)]
    results = usis.cart.enrol(s.number, items)
    assert [(r.class_number, r.outcome) for r in results] == [
        ("3333", "failed"), ("1111", "enrolled"), ("2222", "failed"), ("4444", "waitlisted")]
    assert results[0].message == "Not Enrolled, Class 3333 Full."
    assert results[2].message == "Time Scheduling Conflict for class 2222 and 1111, not enrolled."
    assert results[3].waitlist_position == 1
    # refused classes stay in the cart, processed ones leave it
    assert cart_sections(db, s) == sorted([full.id, b.id])
    assert status_of(db, s, a) == ("enrolled", None)
    assert status_of(db, s, c) == ("waitlisted", 1)
    assert status_of(db, s, full) == (None, None) and status_of(db, s, b) == (None, None)
    check_invariants(db)


def test_cart_enrol_follows_the_selected_order(sc, usis, db):
    s = sc.student()
    a = sc.section("1111", meets=[MO])
    b = sc.section("2222", meets=[MO])
    ia = usis.cart.add(s.number, YEAR, "1111").item_id
    ib = usis.cart.add(s.number, YEAR, "2222").item_id
    results = usis.cart.enrol(s.number, [ib, ia])
    assert [(r.class_number, r.outcome) for r in results] == [("2222", "enrolled"),
                                                              ("1111", "failed")]
    assert status_of(db, s, b)[0] == "enrolled" and status_of(db, s, a)[0] is None


def test_direct_enrol_without_cart(sc, usis, db):
    s = sc.student()
    a = sc.section("1111")
    other = sc.section("2222")
    usis.cart.add(s.number, YEAR, "2222")
    [r] = usis.enrolment.enrol(s.number, [req(a)], from_cart=False)
    assert r.outcome == "enrolled"
    assert cart_sections(db, s) == [other.id]


def test_all_or_nothing_refuses_everything_when_one_fails(sc, usis, db):
    s = sc.student()
    a, b = sc.section("1111"), sc.section("2222")
    full = sc.section("3333", capacity=1)
    sc.fill(full)
    items = [usis.cart.add(s.number, YEAR, x.number).item_id for x in (a, b, full)]
    with unchanged(db):
        results = usis.cart.enrol(s.number, items, all_or_nothing=True)
    assert [r.outcome for r in results] == ["failed"] * 3
    assert [r.message for r in results] == [ALL_OR_NOTHING, ALL_OR_NOTHING,
                                            "Not Enrolled, Class 3333 Full."]
    assert results[0].problems == []  # nothing wrong with the class itself


def test_all_or_nothing_enrols_everything_when_all_pass(sc, usis, db):
    s = sc.student()
    a, b = sc.section("1111"), sc.section("2222")
    results = enrol(usis, s, a, b, all_or_nothing=True)
    assert [r.outcome for r in results] == ["enrolled", "enrolled"]
    check_invariants(db)


def test_enrol_unknown_student_or_class(sc, usis, db):
    a = sc.section("1111")
    s = sc.student()
    with unchanged(db):
        with pytest.raises(ServiceError) as err:
            usis.enrolment.enrol("s9999999", [req(a)])
        assert err.value.code == "unknown_student"
        assert str(err.value) == "Student s9999999 does not exist."
        with pytest.raises(ServiceError) as err:
            usis.enrolment.enrol(s.number, [req(a), EnrolRequest(section_id=9999)])
        assert err.value.code == "unknown_class"


def test_enrolment_posts_messages(sc, usis, db):
    s = sc.student()
    a = sc.section("1111", catalogue_number="4031ALGO", title="Algorithms")
    b = sc.section("2222", capacity=0, waitlist_capacity=2, title="Databases")
    full = sc.section("3333", capacity=0)
    enrol(usis, s, a)
    enrol(usis, s, b, wait=True)
    enrol(usis, s, full)  # refused: no message
    msgs = usis.student.messages(s.number)
    assert [(m.category, m.subject) for m in msgs] == [
        ("enrolment", f"Wait list: {b_desc(usis, '2222')}"),
        ("enrolment", "Enrolled: 4031ALGO Algorithms (Lecture, class 1111)"),
    ]
    assert "position 1" in msgs[0].body
    assert "Brightspace" in msgs[1].body
    assert all(not m.read for m in msgs) and usis.student.unread_count(s.number) == 2


def b_desc(usis, number):
    info = usis.catalogue.lookup(YEAR, number)
    return f"{info.catalogue_number} {info.title} ({info.component}, class {number})"


# ---------------------------------------------------------------- drop and promotion
def test_drop_enrolled_promotes_first_waitlisted(sc, usis, db, clock):
    a = sc.section("1234", capacity=1, waitlist_capacity=5)
    [holder] = sc.fill(a)
    w1, w2, w3 = sc.student(), sc.student(), sc.student()
    for w in (w1, w2, w3):
        clock.advance(minutes=1)
        enrol(usis, w, a, wait=True)
    clock.advance(minutes=1)
    result = usis.enrolment.drop(holder.number, a.id, reason="Timetable")
    assert result.message == "Success: Class 1234 has been dropped from your schedule."
    assert (result.promoted, result.class_number) == (1, "1234")
    assert status_of(db, holder, a) == ("dropped", None)
    [old] = [e for e in enrolments(db, a) if e.student_id == holder.id]
    assert (old.dropped_at, old.drop_reason) == (clock.now, "Timetable")
    assert status_of(db, w1, a) == ("enrolled", None)
    assert waitlist(db, a) == [(1, w2.id), (2, w3.id)]  # renumbered
    row = section_row(db, a)
    assert (row.enrolled_count, row.waitlist_count) == (1, 2)
    assert subjects(usis, w1, "waitlist") == [
        f"Enrolled from the wait list: {b_desc(usis, '1234')}"]
    assert subjects(usis, holder, "drop") == [f"Dropped: {b_desc(usis, '1234')}"]
    assert "Reason: Timetable" in usis.student.messages(holder.number)[0].body
    assert subjects(usis, w2, "waitlist") == []
    # the student sees the new position
    [line] = usis.enrolment.schedule(w3.number)
    assert (line.status, line.waitlist_position) == ("waitlisted", 2)
    check_invariants(db)


def test_drop_from_the_wait_list_renumbers_without_promotion(sc, usis, db):
    a = sc.section("1234", capacity=1)
    sc.fill(a)
    w1, w2, w3 = sc.student(), sc.student(), sc.student()
    for w in (w1, w2, w3):
        enrol(usis, w, a, wait=True)
    result = usis.enrolment.drop(w1.number, a.id)
    assert result.promoted == 0
    assert waitlist(db, a) == [(1, w2.id), (2, w3.id)]
    assert section_row(db, a).enrolled_count == 1
    [msg] = usis.student.messages(w1.number, unread_only=True)[:1]
    assert msg.category == "drop" and "wait list of 1234" in msg.body
    check_invariants(db)


def test_drop_without_wait_list_frees_the_seat(sc, usis, db):
    s = sc.student()
    a = sc.section("1234", capacity=1)
    enrol(usis, s, a)
    assert usis.enrolment.drop(s.number, a.id).promoted == 0
    row = section_row(db, a)
    assert (row.enrolled_count, row.status) == (0, "Open")
    assert usis.enrolment.schedule(s.number) == []
    [line] = usis.enrolment.schedule(s.number, include_dropped=True)
    assert line.status == "dropped"


@pytest.mark.parametrize("state", ["never", "dropped"])
def test_drop_not_enrolled_refused(sc, usis, db, state):
    s = sc.student()
    a = sc.section("1234")
    if state == "dropped":
        enrol(usis, s, a)
        usis.enrolment.drop(s.number, a.id)
    with unchanged(db):
        with pytest.raises(ServiceError) as err:
            usis.enrolment.drop(s.number, a.id)
    assert str(err.value) == "You are not enrolled in class 1234, Drop Not Processed."
    assert err.value.code == "not_enrolled"


def test_drop_unknown_class(sc, usis, db):
    s = sc.student()
    with unchanged(db), pytest.raises(ServiceError) as err:
        usis.enrolment.drop(s.number, 4242)
    assert err.value.code == "unknown_class"


def test_promotion_skips_a_student_with_a_clash(sc, usis, db):
    a = sc.section("1234", capacity=1, meets=[MO])
    b = sc.section("5678", meets=[MO])
    [holder] = sc.fill(a)
    w1, w2 = sc.student(), sc.student()
    enrol(usis, w1, a, wait=True)
    enrol(usis, w2, a, wait=True)
    assert enrol(usis, w1, b)[0].outcome == "enrolled"  # clashes with 1234 now
    assert usis.enrolment.drop(holder.number, a.id).promoted == 1
    assert status_of(db, w2, a) == ("enrolled", None)
    assert status_of(db, w1, a) == ("waitlisted", 1)  # keeps the head of the list
    [skip] = [m for m in usis.student.messages(w1.number) if m.category == "waitlist"]
    assert skip.subject.startswith("Wait list skipped: ")
    assert "clashes with class 5678 (Mo 09:00-10:45)" in skip.body
    assert "keep wait list position 1" in skip.body
    check_invariants(db)
    # once the clash is gone, the next free seat goes to w1
    usis.enrolment.drop(w1.number, b.id)
    usis.enrolment.drop(w2.number, a.id)
    assert status_of(db, w1, a) == ("enrolled", None)
    check_invariants(db)


def test_promotion_skips_a_student_with_a_hold(sc, usis, db):
    a = sc.section("1234", capacity=1)
    [holder] = sc.fill(a)
    w1, w2 = sc.student(), sc.student()
    enrol(usis, w1, a, wait=True)
    enrol(usis, w2, a, wait=True)
    sc.hold(w1, kind="Tuition fees not paid")
    usis.enrolment.drop(holder.number, a.id)
    assert status_of(db, w1, a) == ("waitlisted", 1)
    assert status_of(db, w2, a) == ("enrolled", None)
    [skip] = subjects(usis, w1, "waitlist")
    assert skip.startswith("Wait list skipped")
    check_invariants(db)


def test_nobody_eligible_leaves_the_seat_free(sc, usis, db):
    a = sc.section("1234", capacity=1, meets=[MO])
    b = sc.section("5678", meets=[MO])
    [holder] = sc.fill(a)
    w = sc.student()
    enrol(usis, w, a, wait=True)
    enrol(usis, w, b)
    assert usis.enrolment.drop(holder.number, a.id).promoted == 0
    row = section_row(db, a)
    assert (row.enrolled_count, row.waitlist_count) == (0, 1)
    check_invariants(db)


def test_promotion_does_not_give_a_second_minor(sc, usis, db):
    """Waitlisted for minor A, then placed in minor B: a seat in A must not make two minors."""
    a = sc.minor("1052", capacity=1)
    b = sc.minor("1048")
    [holder] = sc.fill(a)
    s, t = sc.student(), sc.student()
    enrol(usis, s, a, wait=True)
    enrol(usis, t, a, wait=True)
    assert enrol(usis, s, b)[0].outcome == "enrolled"
    usis.enrolment.drop(holder.number, a.id)
    assert status_of(db, s, a) == ("waitlisted", 1)
    assert status_of(db, t, a) == ("enrolled", None)
    assert "minor" in [m for m in usis.student.messages(s.number)
                       if m.category == "waitlist"][0].body
    check_invariants(db)


def test_promotion_respects_the_ec_cap(sc, usis, db):
    sc.year(YEAR, max_ec=10)
    a = sc.section("1234", capacity=1, ec=5)
    b, c = sc.section("2222", ec=5), sc.section("3333", ec=5)
    [holder] = sc.fill(a)
    s = sc.student()
    enrol(usis, s, a, wait=True)
    enrol(usis, s, b, c)
    usis.enrolment.drop(holder.number, a.id)
    assert status_of(db, s, a) == ("waitlisted", 1)
    assert section_row(db, a).enrolled_count == 0


def test_promoted_minor_application_is_placed(sc, usis, db):
    a = sc.minor("1052", capacity=1)
    [holder] = sc.fill(a)
    s = sc.student()
    enrol(usis, s, a, wait=True)
    usis.enrolment.drop(holder.number, a.id)
    assert status_of(db, s, a) == ("enrolled", None)
    with db.read() as session:
        [app] = session.scalars(select(MinorApplication)
                                .where(MinorApplication.student_id == s.id)).all()
        assert app.status == "placed"


def test_dropping_a_minor_drops_its_parts_and_frees_their_seats(sc, usis, db):
    minor = sc.minor("1048", capacity=5)
    part1, part2 = sc.minor_part(minor, "1049"), sc.minor_part(minor, "1050")
    s = sc.student()
    enrol(usis, s, minor, part1, part2)
    assert status_of(db, s, part1) == ("enrolled", None)
    result = usis.enrolment.drop(s.number, minor.id)
    assert result.also_dropped == ["1049", "1050"]
    assert result.message == ("Success: Class 1048 has been dropped from your schedule. "
                              "Its parts 1049 and 1050 were dropped too.")
    for part in (minor, part1, part2):
        assert status_of(db, s, part)[0] == "dropped"
        assert section_row(db, part).enrolled_count == 0
    assert sum("Dropped:" in subject for subject in subjects(usis, s, "drop")) == 3
    check_invariants(db)


# ---------------------------------------------------------------- swap
def test_swap_fails_atomically_when_the_new_class_is_full(sc, usis, db):
    s = sc.student()
    old = sc.section("1234", meets=[MO])
    new = sc.section("5678", capacity=1, meets=[MO])
    sc.fill(new)
    enrol(usis, s, old)
    with unchanged(db):
        result = usis.enrolment.swap(s.number, old.id, new.id)
    assert not result.ok
    assert result.message == "Swap not processed: you stay enrolled in class 1234."
    assert [p.message for p in result.problems] == ["Not Enrolled, Class 5678 Full."]
    assert status_of(db, s, old) == ("enrolled", None)


def test_swap_succeeds_moves_the_student_and_promotes(sc, usis, db):
    s = sc.student()
    course = sc.course("4031ALGO", title="Algorithms")
    old = sc.section("1234", course=course, component="Tutorial", capacity=1, meets=[MO])
    new = sc.section("1235", course=course, component="Tutorial", capacity=1, meets=[MO])
    w = sc.student()
    enrol(usis, s, old)
    enrol(usis, w, old, wait=True)
    usis.cart.add(s.number, YEAR, "1235")
    result = usis.enrolment.swap(s.number, old.id, new.id)
    assert result.ok and result.problems == []
    assert result.message == "Success: Class 1234 has been swapped for class 1235."
    assert (result.dropped.class_number, result.added.class_number) == ("1234", "1235")
    assert (result.dropped.enrolled, result.added.enrolled) == (1, 1)
    assert status_of(db, s, old) == ("dropped", None)
    assert status_of(db, s, new) == ("enrolled", None)
    assert status_of(db, w, old) == ("enrolled", None)  # promoted into the freed seat
    [e] = [e for e in enrolments(db, old) if e.student_id == s.id]
    assert e.drop_reason == "Swapped for class 1235"
    assert cart_sections(db, s) == []
    assert subjects(usis, s, "drop") == []  # a swap is one event: only the enrolment message
    assert subjects(usis, s, "enrolment")[0].startswith("Enrolled: 4031ALGO Algorithms")
    assert subjects(usis, w, "waitlist")[0].startswith("Enrolled from the wait list")
    check_invariants(db)


def test_swap_into_a_class_that_would_clash_with_the_old_one(sc, usis, db):
    s = sc.student()
    old = sc.section("1234", meets=[MO])
    other = sc.section("9999", meets=[(2, "09:00", "10:45")])
    new = sc.section("5678", meets=[MO])
    clash = sc.section("7777", meets=[(2, "10:00", "11:00")])
    enrol(usis, s, old, other)
    assert usis.enrolment.swap(s.number, old.id, new.id).ok
    with unchanged(db):
        result = usis.enrolment.swap(s.number, new.id, clash.id)
    assert not result.ok
    assert [p.code for p in result.problems] == ["time_conflict"]


def test_swap_never_waitlists(sc, usis, db):
    s = sc.student()
    old = sc.section("1234")
    new = sc.section("5678", capacity=0, waitlist_capacity=10)
    enrol(usis, s, old)
    with unchanged(db):
        result = usis.enrolment.swap(s.number, old.id, new.id)
    assert not result.ok and result.problems[0].code == "class_full"


def test_swap_with_permission_number(sc, usis, db):
    s = sc.student()
    old = sc.section("1234")
    new = sc.section("5678", capacity=1)
    sc.fill(new)
    sc.permission(new, "PN-5")
    enrol(usis, s, old)
    with unchanged(db):
        assert not usis.enrolment.swap(s.number, old.id, new.id).ok
    assert usis.enrolment.swap(s.number, old.id, new.id, permission_number="PN-5").ok
    assert section_row(db, new).enrolled_count == 2
    check_invariants(db, allow_over_capacity=True)


def test_swap_when_not_enrolled(sc, usis, db):
    s = sc.student()
    old, new = sc.section("1234"), sc.section("5678")
    with unchanged(db), pytest.raises(ServiceError) as err:
        usis.enrolment.swap(s.number, old.id, new.id)
    assert str(err.value) == "You are not enrolled in class 1234, Swap Not Processed."


def test_swap_waitlisted_class_is_not_a_swap(sc, usis, db):
    s = sc.student()
    old = sc.section("1234", capacity=0)
    new = sc.section("5678")
    enrol(usis, s, old, wait=True)
    with unchanged(db), pytest.raises(ServiceError) as err:
        usis.enrolment.swap(s.number, old.id, new.id)
    assert err.value.code == "not_enrolled"


def test_swap_a_class_for_itself_is_refused(sc, usis, db):
    s = sc.student()
    a = sc.section("1234", capacity=1)
    [w] = [sc.student()]
    enrol(usis, s, a)
    enrol(usis, w, a, wait=True)
    with unchanged(db):
        with pytest.raises(ServiceError) as err:
            usis.enrolment.swap(s.number, a.id, a.id)
    assert err.value.code == "same_class"
    check_invariants(db)


def test_swap_minor_for_another_minor(sc, usis, db):
    s = sc.student()
    a, b = sc.minor("1052"), sc.minor("1048")
    enrol(usis, s, a)
    assert usis.enrolment.swap(s.number, a.id, b.id).ok
    with db.read() as session:
        apps = sorted((x.minor_id, x.status) for x in session.scalars(select(MinorApplication)))
    assert [st for _, st in apps] == ["cancelled", "placed"]


# ---------------------------------------------------------------- schedule and Brightspace
def test_schedule_and_brightspace_courses(sc, usis, db):
    sc.year("2027-2028")
    s = sc.student()
    course = sc.course("4031ALGO", title="Algorithms")
    lec = sc.section("1234", course=course, meets=[MO])
    tut = sc.section("1235", course=course, component="Tutorial",
                     meets=[(2, "13:30", "15:15", date(2026, 9, 1), date(2026, 10, 16))])
    full = sc.section("2222", capacity=0, title="Databases")
    nxt = sc.section("1234", year="2027-2028", opens=NOW - timedelta(days=1), title="Later")
    enrol(usis, s, lec, tut)
    enrol(usis, s, full, wait=True)
    enrol(usis, s, nxt)
    lines = usis.enrolment.schedule(s.number, YEAR)
    assert [(x.cls.class_number, x.status, x.waitlist_position) for x in lines] == [
        ("1234", "enrolled", None), ("1235", "enrolled", None), ("2222", "waitlisted", 1)]
    assert lines[1].cls.days_times == "We 13:30-15:15"
    assert lines[0].enrolled_at == NOW and lines[2].waitlisted_at == NOW
    assert len(usis.enrolment.schedule(s.number)) == 4
    courses = usis.enrolment.brightspace_courses(s.number)
    assert courses == sorted(courses)
    by_title = {title: (number, url) for number, title, url in courses}
    assert sorted(by_title) == ["Algorithms", "Later"]  # not the wait-listed Databases
    assert by_title["Algorithms"][0] == "4031ALGO"
    assert by_title["Algorithms"][1].startswith("https://brightspace.universiteitleiden.nl/")
    with pytest.raises(ServiceError) as err:
        usis.enrolment.schedule(s.number, "1999-2000")
    assert err.value.code == "unknown_year"
    assert "2026-2027" in err.value.problems[0].hint


def test_lookup_class(sc, usis, db):
    sc.section("1234", title="Algorithms", instructor="Dr. A. Turing", meets=[MO])
    info = usis.enrolment.lookup_class(YEAR, "1234")
    assert (info.class_number, info.title, info.instructor, info.academic_year) == (
        "1234", "Algorithms", "Dr. A. Turing", YEAR)
    with pytest.raises(ServiceError):
        usis.enrolment.lookup_class(YEAR, "9999")


def test_drop_from_an_over_full_class_promotes_nobody(sc, usis, db):
    """Permission numbers can seat students beyond capacity: a drop then frees no seat."""
    a = sc.section("1234", capacity=1)
    [holder] = sc.fill(a)
    extra, waiting = sc.student(), sc.student()
    sc.permission(a, "PN-X", student=extra)
    assert enrol(usis, waiting, a, wait=True)[0].outcome == "waitlisted"
    [r] = usis.enrolment.enrol(extra.number, [req(a, pn="PN-X")])
    assert r.outcome == "enrolled" and section_row(db, a).enrolled_count == 2
    assert usis.enrolment.drop(holder.number, a.id).promoted == 0
    assert status_of(db, waiting, a) == ("waitlisted", 1)
    assert usis.enrolment.drop(extra.number, a.id).promoted == 1
    assert status_of(db, waiting, a) == ("enrolled", None)
    check_invariants(db)


def test_swap_at_the_ec_cap(sc, usis, db):
    sc.year(YEAR, max_ec=10)
    s = sc.student()
    a, b = sc.section("1111", ec=5), sc.section("2222", ec=5)
    c, big = sc.section("3333", ec=5), sc.section("4444", ec=6)
    enrol(usis, s, a, b)
    assert usis.enrolment.swap(s.number, a.id, c.id).ok  # 5 EC out, 5 EC in
    with unchanged(db):
        result = usis.enrolment.swap(s.number, c.id, big.id)
    assert [p.code for p in result.problems] == ["ec_cap"]
