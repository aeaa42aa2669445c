"""Plan ahead (issue 6): fill the Shopping cart before enrolment opens, see every other problem
straight away, then "Enrol all" when it opens; all or nothing; wait list positions in the
results; the other classes of a full course; the reason for a drop."""

from __future__ import annotations

from datetime import timedelta

from factories import NOW, YEAR, check_invariants, counts, req, status_of, unchanged
from sqlalchemy import select

from usis_tui.models import AuditEntry, Enrolment

MO = (0, "09:00", "10:45")
TU = (1, "11:00", "12:45")
WE = (2, "13:45", "15:30")
OPENS = NOW + timedelta(days=2, hours=-1)  # Wednesday 09:00


def planned_classes(sc):
    """Three classes whose enrolment opens at OPENS, one that clashes with an enrolled class."""
    opens = dict(opens=OPENS, closes=OPENS + timedelta(days=14))
    a = sc.section("2001", meets=[TU], **opens)
    b = sc.section("2002", meets=[WE], capacity=1, **opens)
    clash = sc.section("2003", meets=[MO], **opens)
    return a, b, clash


def test_plan_before_opening_then_enrol_all_when_it_opens(sc, usis, db, clock):
    s = sc.student()
    mine = sc.section("1000", meets=[MO])
    usis.enrolment.enrol(s.number, [req(mine)])
    a, b, clash = planned_classes(sc)
    sc.fill(b)  # full: planned with "Wait list if class is full"
    ids = [usis.cart.add(s.number, YEAR, "2001").item_id,
           usis.cart.add(s.number, YEAR, "2002", wait_list_ok=True).item_id,
           usis.cart.add(s.number, YEAR, "2003").item_id]
    lines = usis.cart.list(s.number, YEAR)
    assert [(line.cls.class_number, line.cls.period_state, [p.code for p in line.problems])
            for line in lines] == [
        ("2001", "not_yet_open", ["not_yet_open"]),
        ("2002", "not_yet_open", ["not_yet_open"]),
        ("2003", "not_yet_open", ["not_yet_open", "time_conflict"]),  # seen before it opens
    ]
    assert lines[0].cls.enrol_opens_at == OPENS
    assert "opens on 9 Sep 2026 09:00" in lines[0].problems[0].hint

    clock.set(OPENS - timedelta(seconds=1))  # one second early: nothing is enrolled
    with unchanged(db):
        early = usis.cart.enrol(s.number, ids)
    assert {r.problems[0].code for r in early} == {"not_yet_open"}

    clock.set(OPENS)
    results = usis.cart.enrol(s.number, ids)
    assert [(r.class_number, r.outcome, r.waitlist_position) for r in results] == [
        ("2001", "enrolled", None), ("2002", "waitlisted", 1), ("2003", "failed", None)]
    assert results[1].message == ("Success: This class has been added to your wait list "
                                  "(position 1).")
    assert results[2].message == "Time Scheduling Conflict for class 2003 and 1000, not enrolled."
    assert status_of(db, s, a) == ("enrolled", None)
    assert status_of(db, s, b) == ("waitlisted", 1)
    assert [line.cls.class_number for line in usis.cart.list(s.number)] == ["2003"]
    check_invariants(db)


def test_plan_any_academic_year_offered(sc, usis, db, clock):
    s = sc.student()
    sc.year("2027-2028")
    sc.section("3001", year="2027-2028", opens=NOW + timedelta(days=280),
               closes=NOW + timedelta(days=300), meets=[MO])
    line = usis.cart.add(s.number, "2027-2028", "3001")
    assert line.cls.academic_year == "2027-2028"
    assert [p.code for p in line.problems] == ["not_yet_open"]
    assert usis.cart.list(s.number, YEAR) == []  # the cart is shown per academic year
    clock.set(NOW + timedelta(days=280))
    [r] = usis.cart.enrol(s.number, [line.item_id])
    assert r.outcome == "enrolled"


def test_all_or_nothing_enrols_none_if_one_fails(sc, usis, db, clock):
    s = sc.student()
    a = sc.section("2001", meets=[TU])
    full = sc.section("2002", meets=[WE], capacity=1, waitlist_capacity=0)
    c = sc.section("2003", meets=[MO])
    sc.fill(full)
    ids = [usis.cart.add(s.number, YEAR, n).item_id for n in ("2001", "2002", "2003")]
    with unchanged(db):
        results = usis.cart.enrol(s.number, ids, all_or_nothing=True)
    assert [(r.class_number, r.outcome) for r in results] == [
        ("2001", "failed"), ("2002", "failed"), ("2003", "failed")]
    assert results[1].message == "Not Enrolled, Class 2002 Full."
    assert [p.code for p in results[1].problems] == ["class_full"]
    for r in (results[0], results[2]):
        assert r.problems == []  # nothing wrong with it: refused because of 2002
        assert "all-or-nothing" in r.message and "none was processed" in r.message
    assert status_of(db, s, a) == (None, None) and status_of(db, s, c) == (None, None)
    assert len(usis.cart.list(s.number)) == 3
    # Without the option the same cart enrols what it can.
    results = usis.cart.enrol(s.number, ids)
    assert [r.outcome for r in results] == ["enrolled", "failed", "enrolled"]
    check_invariants(db)


def test_all_or_nothing_when_everything_fits(sc, usis, db):
    s = sc.student()
    sc.section("2001", meets=[TU])
    sc.section("2002", meets=[WE], capacity=0)
    ids = [usis.cart.add(s.number, YEAR, "2001").item_id,
           usis.cart.add(s.number, YEAR, "2002", wait_list_ok=True).item_id]
    results = usis.cart.enrol(s.number, ids, all_or_nothing=True)
    assert [(r.outcome, r.waitlist_position) for r in results] == [("enrolled", None),
                                                                    ("waitlisted", 1)]
    assert counts(db)["cart_item"] == 0


def test_alternatives_are_the_other_classes_of_the_same_course(sc, usis, db):
    s = sc.student()
    course = sc.course("4031OSYSY", title="Operating Systems")
    sc.section("2037", course=course, meets=[(3, "13:45", "15:30")])
    full = sc.section("2038", course=course, component="Tutorial", capacity=1, meets=[MO])
    free = sc.section("2039", course=course, component="Tutorial", meets=[TU])
    clashing = sc.section("2040", course=course, component="Tutorial", meets=[WE])
    mine = sc.section("2050", meets=[WE])  # another course: s sits in it
    sc.year("2027-2028")
    sc.section("2038", course=course, component="Tutorial", year="2027-2028")  # other year
    sc.fill(full)
    usis.enrolment.enrol(s.number, [req(mine)])
    with unchanged(db):
        alts = usis.cart.alternatives(s.number, [full.id])
    assert [(a.instead_of, a.cls.class_number, a.would, [p.code for p in a.problems])
            for a in alts] == [
        ("2038", "2039", "enrolled", []),
        ("2038", "2040", "failed", ["time_conflict"]),
    ]
    assert alts[0].cls.component == "Tutorial" and alts[0].cls.academic_year == YEAR
    # Classes the student is already in are not offered; nor are the full classes themselves.
    usis.enrolment.enrol(s.number, [req(free)])
    assert [a.cls.class_number for a in usis.cart.alternatives(s.number, [full.id])] == ["2040"]
    assert usis.cart.alternatives(s.number, [full.id, clashing.id]) == []
    assert usis.cart.alternatives(s.number, []) == []
    assert usis.cart.alternatives(s.number, [4242]) == []


def test_drop_stores_the_reason(sc, usis, db):
    s = sc.student()
    a = sc.section("2001")
    usis.enrolment.enrol(s.number, [req(a)])
    result = usis.enrolment.drop(s.number, a.id, reason="Changed my study plan: took a minor")
    assert result.message == "Success: Class 2001 has been dropped from your schedule."
    with db.read() as session:
        row = session.scalar(select(Enrolment).where(Enrolment.section_id == a.id))
        assert (row.status, row.drop_reason) == ("dropped", "Changed my study plan: took a minor")
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "drop")).all()
        assert any("Reason: Changed my study plan: took a minor" in e.detail for e in audit)


def test_cart_lines_name_the_cart_classes_they_clash_with(sc, usis, db):
    """The plan as a whole: two cart classes that meet at the same time name each other, while
    what Enrol would do for each on its own is unchanged."""
    s = sc.student()
    sc.year("2027-2028")
    sc.section("1111", meets=[MO])
    sc.section("2222", meets=[MO], opens=OPENS, closes=OPENS + timedelta(days=9))
    sc.section("3333", meets=[TU])
    sc.section("4444", year="2027-2028", meets=[MO])  # another academic year: no clash
    for number in ("1111", "2222", "3333"):
        usis.cart.add(s.number, YEAR, number)
    usis.cart.add(s.number, "2027-2028", "4444")
    with unchanged(db):
        lines = {line.cls.class_number: line for line in usis.cart.list(s.number)}
    assert {n: line.cart_clashes for n, line in lines.items()} == {
        "1111": ["2222"], "2222": ["1111"], "3333": [], "4444": []}
    assert lines["1111"].would == "enrolled"
    assert [p.code for p in lines["2222"].problems] == ["not_yet_open"]
