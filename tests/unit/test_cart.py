"""services/cart.py: "Enrol by entering the class number", the Shopping cart, Validate, Enrol."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import NOW, YEAR, check_invariants, counts, req, status_of, unchanged
from sqlalchemy import select

from usis_tui.models import CartItem
from usis_tui.services import ServiceError

MO = (0, "09:00", "10:45")


def error(fn, *args, **kw) -> ServiceError:
    with pytest.raises(ServiceError) as err:
        fn(*args, **kw)
    return err.value


def test_add_by_class_number(sc, usis, db, clock):
    s = sc.student()
    minor = sc.section("1052", title="Data Science and Artificial Intelligence", capacity=3,
                       meets=[MO])
    clock.advance(seconds=30.5)
    line = usis.cart.add(s.number, YEAR, " 1052 ", wait_list_ok=True, permission_number="  ")
    assert line.cls.class_number == "1052" and line.cls.academic_year == YEAR
    assert (line.wait_list_ok, line.permission_number) == (True, None)
    assert line.added_at == NOW + timedelta(seconds=30)  # the clock, without microseconds
    assert (line.would, line.problems) == ("enrolled", [])
    with db.read() as session:
        item = session.scalar(select(CartItem))
        assert (item.id, item.student_id, item.wait_list_ok) == (line.item_id, s.id, True)
    assert status_of(db, s, minor) == (None, None)  # the cart is not enrolment


def test_add_from_search_result(sc, usis, db):
    s = sc.student()
    a = sc.section("1234")
    line = usis.cart.add_section(s.number, a.id, permission_number=" PN1 ")
    assert line.cls.section_id == a.id and line.permission_number == "PN1"
    with unchanged(db):
        assert error(usis.cart.add_section, s.number, 4242).code == "unknown_class"


@pytest.mark.parametrize("number", ["123", "12345", "abcd", "", "12 4", "１２３４"])
def test_add_bad_class_number(sc, usis, db, number):
    s = sc.student()
    with unchanged(db):
        err = error(usis.cart.add, s.number, YEAR, number)
    assert err.code == "bad_class_number"
    assert str(err) == "A class number has exactly 4 digits, e.g. 1052."


def test_add_unknown_class_suggests_search(sc, usis, db):
    s = sc.student()
    sc.year("2027-2028")
    sc.section("1234", year="2027-2028")  # exists, but in another academic year
    with unchanged(db):
        err = error(usis.cart.add, s.number, YEAR, "1234")
    assert err.code == "unknown_class"
    assert str(err) == "Class 1234 does not exist in Studiejaar 2026-2027."
    assert "Enrol by searching the course" in err.problems[0].hint


def test_add_unknown_year(sc, usis, db):
    s = sc.student()
    sc.section("1234")
    with unchanged(db):
        err = error(usis.cart.add, s.number, "2030-2031", "1234")
    assert err.code == "unknown_year" and "2026-2027" in err.problems[0].hint


def test_add_twice(sc, usis, db):
    s = sc.student()
    sc.section("1234")
    usis.cart.add(s.number, YEAR, "1234")
    with unchanged(db):
        err = error(usis.cart.add, s.number, YEAR, "1234")
    assert err.code == "already_in_cart"
    assert str(err) == "Class 1234 is already in your Shopping cart."


def test_add_when_already_enrolled_or_waitlisted(sc, usis, db):
    s = sc.student()
    a = sc.section("1234")
    b = sc.section("5678", capacity=0)
    usis.enrolment.enrol(s.number, [req(a), req(b, wait=True)])
    with unchanged(db):
        err = error(usis.cart.add, s.number, YEAR, "1234")
        assert str(err) == "Already Enrolled in Class, Add Not Processed."
        err = error(usis.cart.add, s.number, YEAR, "5678")
        assert str(err) == "Already on the Wait List for Class 5678, Add Not Processed."


def test_add_after_drop_is_allowed(sc, usis, db):
    s = sc.student()
    a = sc.section("1234")
    usis.enrolment.enrol(s.number, [req(a)])
    usis.enrolment.drop(s.number, a.id)
    assert usis.cart.add(s.number, YEAR, "1234").would == "enrolled"


def test_add_for_unknown_student(sc, usis, db):
    sc.section("1234")
    with unchanged(db):
        assert error(usis.cart.add, "s0000000", YEAR, "1234").code == "unknown_student"


def test_list_judges_every_line_now(sc, usis, db, clock):
    s = sc.student()
    sc.year("2027-2028")
    sc.section("1111", meets=[MO])
    b = sc.section("2222", capacity=1, meets=[MO])
    sc.section("3333", year="2027-2028", opens=NOW + timedelta(days=200),
               closes=NOW + timedelta(days=220))
    usis.cart.add(s.number, YEAR, "1111")
    clock.advance(minutes=1)
    usis.cart.add(s.number, YEAR, "2222", wait_list_ok=True)
    clock.advance(minutes=1)
    usis.cart.add(s.number, "2027-2028", "3333")
    lines = usis.cart.list(s.number)
    assert [(x.cls.class_number, x.would) for x in lines] == [
        ("1111", "enrolled"), ("2222", "enrolled"), ("3333", "failed")]
    # individually each could be enrolled; together they clash: Enrol says so per line
    assert [x.cls.class_number for x in usis.cart.list(s.number, YEAR)] == ["1111", "2222"]
    sc.fill(b)
    assert usis.cart.list(s.number, YEAR)[1].would == "waitlisted"


def test_update_and_remove(sc, usis, db):
    s, other = sc.student(), sc.student()
    a = sc.section("1234", capacity=1)
    sc.fill(a)
    item = usis.cart.add(s.number, YEAR, "1234").item_id
    assert usis.cart.list(s.number)[0].would == "failed"
    line = usis.cart.update(s.number, item, wait_list_ok=True, permission_number=" X ")
    assert (line.wait_list_ok, line.permission_number) == (True, "X")
    assert [p.code for p in line.problems] == ["bad_permission"]
    line = usis.cart.update(s.number, item, wait_list_ok=True)
    assert (line.would, line.permission_number) == ("waitlisted", None)
    with unchanged(db):
        assert error(usis.cart.remove, other.number, item).code == "not_in_cart"
        assert error(usis.cart.update, other.number, item, wait_list_ok=False).code == "not_in_cart"
        assert error(usis.cart.remove, s.number, 999).code == "not_in_cart"
    usis.cart.remove(s.number, item)
    assert usis.cart.list(s.number) == [] and counts(db)["cart_item"] == 0


def test_validate_is_a_dry_run(sc, usis, db):
    s = sc.student()
    sc.section("1111", meets=[MO])
    full = sc.section("2222", capacity=1)
    sc.fill(full)
    sc.fill(sc.section("3333", capacity=1))
    i1 = usis.cart.add(s.number, YEAR, "1111").item_id
    i2 = usis.cart.add(s.number, YEAR, "2222").item_id
    i3 = usis.cart.add(s.number, YEAR, "3333", wait_list_ok=True).item_id
    with unchanged(db):
        results = usis.cart.validate(s.number)
        chosen = usis.cart.validate(s.number, [i2])
    assert [(r.class_number, r.outcome, r.message) for r in results] == [
        ("1111", "enrolled", "Validate: this class can be added to your schedule."),
        ("2222", "failed", "Not Enrolled, Class 2222 Full."),
        ("3333", "waitlisted", "Validate: this class would be added to your wait list."),
    ]
    assert [r.class_number for r in chosen] == ["2222"]
    assert [r.class_number for r in usis.cart.validate(s.number, [i3, i1, 999])] == [
        "3333", "1111"]  # the selected order, like Enrol; unknown ids are left out
    assert len(usis.cart.list(s.number)) == 3  # validating never removes anything


def test_cart_enrol_errors(sc, usis, db):
    s, other = sc.student(), sc.student()
    sc.section("1234")
    theirs = usis.cart.add(other.number, YEAR, "1234").item_id
    with unchanged(db):
        err = error(usis.cart.enrol, s.number, [])
        assert err.code == "nothing_selected"
        assert str(err) == "Select at least one class to enrol."
        err = error(usis.cart.enrol, s.number, [theirs])
        assert err.code == "not_in_cart"
    mine = usis.cart.add(s.number, YEAR, "1234").item_id
    with unchanged(db):
        assert error(usis.cart.enrol, s.number, [mine, 999]).code == "not_in_cart"
    [r] = usis.cart.enrol(s.number, [mine, mine])  # a double selection is one class
    assert r.outcome == "enrolled"
    check_invariants(db)


def test_cart_enrol_uses_the_lines_wait_list_and_permission(sc, usis, db):
    s = sc.student()
    a = sc.section("1111", capacity=1)
    b = sc.section("2222", capacity=1)
    sc.fill(a)
    sc.fill(b)
    sc.permission(b, "PN2")
    ia = usis.cart.add(s.number, YEAR, "1111", wait_list_ok=True).item_id
    ib = usis.cart.add(s.number, YEAR, "2222", permission_number="PN2").item_id
    ra, rb = usis.cart.enrol(s.number, [ia, ib])
    assert (ra.outcome, ra.waitlist_position) == ("waitlisted", 1)
    assert rb.outcome == "enrolled"
    assert status_of(db, s, b) == ("enrolled", None)
    assert usis.cart.list(s.number) == []
    check_invariants(db, allow_over_capacity=True)


def test_validate_judges_the_selection_as_one_enrolment(sc, usis, db):
    """Validate is a dry run of Enrol: cart classes that clash with each other are reported."""
    s = sc.student()
    sc.section("1111", meets=[MO])
    sc.section("2222", meets=[MO])
    minor = sc.minor("1048")
    sc.minor_part(minor, "1049")
    i1 = usis.cart.add(s.number, YEAR, "1111").item_id
    i2 = usis.cart.add(s.number, YEAR, "2222").item_id
    part = usis.cart.add(s.number, YEAR, "1049").item_id
    parent = usis.cart.add(s.number, YEAR, "1048").item_id
    with unchanged(db):
        dry = usis.cart.validate(s.number)
        reversed_ = usis.cart.validate(s.number, [i2, i1])
    assert [(r.class_number, r.outcome) for r in dry] == [
        ("1111", "enrolled"), ("2222", "failed"), ("1049", "enrolled"), ("1048", "enrolled")]
    assert dry[1].message == "Time Scheduling Conflict for class 2222 and 1111, not enrolled."
    assert [(r.class_number, r.outcome) for r in reversed_] == [("2222", "enrolled"),
                                                                ("1111", "failed")]
    real = usis.cart.enrol(s.number, [i1, i2, part, parent])
    assert [(r.class_number, r.outcome, r.message) for r in real][1:2] == [
        (dry[1].class_number, dry[1].outcome, dry[1].message)]
    assert [r.outcome for r in real] == [r.outcome for r in dry]
