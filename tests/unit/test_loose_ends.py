"""The loose ends of issue 15, through the services (both backends): one rule for "ready to
enrol" (cart and To Do List), a minor's EC counted once, editing a cart item and a wait-listed
class, swapping onto a wait list, provisional exam enrolments shown as such."""

from __future__ import annotations

import pytest
from factories import YEAR, req, status_of

from usis_tui.services import ServiceError
from usis_tui.services.schemas import SearchCriteria, counted_ec

MO = (0, "09:00", "10:45")
TU = (1, "09:00", "10:45")


def error(fn, *args, **kw) -> ServiceError:
    with pytest.raises(ServiceError) as err:
        fn(*args, **kw)
    return err.value


# ---------------------------------------------------------------- 1: one "ready to enrol"
def test_cart_line_is_ready_only_when_the_enrol_check_finds_nothing_in_the_way(sc, usis):
    from datetime import timedelta

    from factories import NOW

    s = sc.student()
    mine = sc.section("1000", meets=[MO])
    usis.enrolment.enrol(s.number, [req(mine)])
    sc.section("1001", meets=[MO])  # clashes with a class she sits in
    sc.section("1002", meets=[TU])
    sc.section("1003", meets=[TU])  # clashes with 1002, in the cart too
    sc.section("1004", meets=[(2, "09:00", "10:45")])
    full = sc.section("1005", capacity=1, meets=[(3, "09:00", "10:45")])
    sc.fill(full)
    sc.section("1006", opens=NOW + timedelta(days=3), closes=NOW + timedelta(days=9))
    for number in ("1001", "1002", "1003", "1004", "1006"):
        usis.cart.add(s.number, YEAR, number)
    usis.cart.add(s.number, YEAR, "1005", wait_list_ok=True)
    ready = {line.cls.class_number: line.ready for line in usis.cart.list(s.number, YEAR)}
    assert ready == {"1001": False, "1002": False, "1003": False, "1004": True, "1005": True,
                     "1006": False}


# ---------------------------------------------------------------- 2: a minor's EC once
def test_minor_parts_do_not_count_on_top_of_their_minor_for_the_ec_cap(sc, usis, db):
    sc.year(YEAR, max_ec=45)
    s = sc.student()
    minor = sc.minor("1058", ec=30)
    parts = [sc.minor_part(minor, n, ec=15) for n in ("1059", "1060")]
    course = sc.section("2001", ec=10)
    small = sc.section("2002", ec=6)
    results = usis.enrolment.enrol(s.number, [req(minor), *(req(p) for p in parts)])
    assert [r.outcome for r in results] == ["enrolled"] * 3  # 30 EC, not 60
    [r] = usis.enrolment.enrol(s.number, [req(course)])
    assert r.outcome == "enrolled"  # 40 EC
    [r] = usis.enrolment.enrol(s.number, [req(small)])
    assert [p.code for p in r.problems] == ["ec_cap"]
    assert "You are enrolled for 40 EC; " in r.problems[0].hint


def test_a_promotion_counts_a_minor_once_for_the_ec_cap(sc, usis, db):
    sc.year(YEAR, max_ec=45)
    s, other = sc.student(), sc.student()
    minor = sc.minor("1058", ec=30)
    part = sc.minor_part(minor, "1059", ec=15)
    full = sc.section("2001", ec=10, capacity=1)
    usis.enrolment.enrol(other.number, [req(full)])
    [r] = usis.enrolment.enrol(s.number, [req(full, wait=True)])
    assert r.outcome == "waitlisted"
    results = usis.enrolment.enrol(s.number, [req(minor), req(part)])
    assert [r.outcome for r in results] == ["enrolled", "enrolled"]
    usis.enrolment.drop(other.number, full.id)  # the seat: 30 + 10 EC is within the cap
    assert status_of(db, s, full) == ("enrolled", None)


def test_schedule_ec_total_counts_a_minor_once(demo_usis):
    for number in ("1058", "1059", "1060"):
        demo_usis.cart.add("s1234567", YEAR, number)
    lines = demo_usis.cart.list("s1234567", YEAR)
    demo_usis.cart.enrol("s1234567", [line.item_id for line in lines])
    schedule = [line for line in demo_usis.enrolment.schedule("s1234567", YEAR)
                if line.status == "enrolled"]
    by_number = {line.cls.class_number: line.cls for line in schedule}
    assert by_number["1059"].minor_part and by_number["1060"].minor_part
    assert not by_number["1058"].minor_part
    courses = counted_ec(line.cls for line in schedule)
    assert "4000KSBI1N" not in courses and courses["4000MSCBIN"] == 30
    assert sum(courses.values()) == 66  # six 6-EC courses and the minor: not 96
    # the search index knows the parts too (the same ClassInfo as the catalogue)
    [found] = demo_usis.catalogue.search(
        SearchCriteria(academic_year=YEAR, class_number="1059", open_only=False)).results
    assert found.minor_part


# ---------------------------------------------------------------- 8: provisional exams
def test_provisional_exam_enrolments_carry_their_confirm_by_date(demo_usis):
    from datetime import datetime

    provisional = {e.class_number: e for e in demo_usis.exams.list("s1234567",
                                                                  provisional_only=True)}
    assert set(provisional) == {"2056", "2035"}
    schedule = {line.cls.class_number: line for line in demo_usis.enrolment.schedule(
        "s1234567", YEAR)}
    assert schedule["2056"].provisional
    assert schedule["2056"].confirm_by == provisional["2056"].deadline_at == datetime(
        2027, 1, 8, 23, 59)
    others = [line for n, line in schedule.items() if n not in provisional]
    assert others and not any(line.provisional for line in others)
    exams = {e.class_number: e for e in demo_usis.timetable.exams("s1234567")}
    assert exams["2056"].provisional and exams["2056"].status_label == "Provisional"
    assert exams["2056"].deadline_label == "Fri 8 Jan 2027 (46 days left)"
    enrolled_exams = [e for n, e in exams.items() if e.kind == "enrolled" and n not in provisional]
    assert enrolled_exams and all(e.status_label == "Enrolled" for e in enrolled_exams)
    [occurrence] = [o for o in demo_usis.timetable.agenda("s1234567")
                    if o.class_number == "2056"]
    assert occurrence.kind_label == "Provisional"
    assert occurrence.status_label == "Provisional: confirm by 8 Jan 2027 23:59"
    ics = demo_usis.timetable.ics("s1234567").decode()
    assert "Status: Provisional: confirm by 8 Jan 2027 23:59" in ics.replace("\r\n ", "")
    # confirmed: binding, no longer provisional anywhere
    demo_usis.exams.confirm("s1234567", provisional["2056"].enrolment_id)
    schedule = {line.cls.class_number: line for line in demo_usis.enrolment.schedule(
        "s1234567", YEAR)}
    assert not schedule["2056"].provisional and schedule["2035"].provisional
    exams = {e.class_number: e for e in demo_usis.timetable.exams("s1234567")}
    assert exams["2056"].status_label == "Enrolled"


# ---------------------------------------------------------------- 3: Edit
def test_a_wrong_permission_number_in_the_cart_is_corrected_with_edit(sc, usis, db):
    s = sc.student()
    full = sc.section("1234", capacity=1)
    sc.fill(full)
    good = sc.permission(full, "PN42")
    line = usis.cart.add(s.number, YEAR, "1234", permission_number="PN24")
    assert [p.code for p in line.problems] == ["bad_permission", "class_full"]
    assert not line.ready
    again = error(usis.cart.add, s.number, YEAR, "1234", permission_number=good)
    assert again.code == "already_in_cart"
    assert "select Edit (Enter)" in again.problems[0].hint  # the way to correct it
    line = usis.cart.update(s.number, line.item_id, wait_list_ok=False, permission_number=good)
    assert (line.permission_number, line.problems, line.ready) == ("PN42", [], True)
    [result] = usis.cart.enrol(s.number, [line.item_id])
    assert result.outcome == "enrolled"  # above the capacity: the permission number
    assert status_of(db, s, full) == ("enrolled", None)


def test_a_permission_number_obtained_later_enrols_from_the_wait_list(sc, usis, db):
    from factories import check_invariants, waitlist

    first, me, third = sc.student(), sc.student(), sc.student()
    full = sc.section("1234", capacity=1, meets=[MO])
    sc.fill(full)
    for s in (first, me, third):
        [r] = usis.enrolment.enrol(s.number, [req(full, wait=True)])
        assert r.outcome == "waitlisted"
    number = sc.permission(full, "PN7", student=me)
    [mine] = [line for line in usis.enrolment.schedule(me.number) if line.cls.section_id == full.id]
    assert mine.waitlist_position == 2
    # refused: the number of another student, nothing changes
    sc.permission(full, "PN8", student=first)
    refused = error(usis.enrolment.edit, me.number, full.id, permission_number="PN8")
    assert refused.code == "bad_permission"
    assert status_of(db, me, full) == ("waitlisted", 2)
    assert error(usis.enrolment.edit, me.number, full.id,
                 permission_number=" ").code == "no_permission_number"
    result = usis.enrolment.edit(me.number, full.id, permission_number=number)
    assert result.outcome == "enrolled"
    assert result.message == "Success: This class has been added to your schedule."
    assert status_of(db, me, full) == ("enrolled", None)
    assert waitlist(db, full) == [(1, first.id), (2, third.id)]  # the wait list moved up
    check_invariants(db, allow_over_capacity=True)
    # enrolled now: nothing to edit; someone else's class: not enrolled
    assert error(usis.enrolment.edit, me.number, full.id,
                 permission_number=number).code == "nothing_to_edit"
    other = sc.section("5678")
    assert error(usis.enrolment.edit, me.number, other.id,
                 permission_number=number).code == "not_enrolled"


# ---------------------------------------------------------------- 4: Swap onto a wait list
def test_swap_onto_a_wait_list_drops_the_old_class_when_the_seat_comes(sc, usis, db):
    from factories import check_invariants
    from sqlalchemy import select

    from usis_tui.models import Enrolment, Message

    me, seated, hopeful = sc.student(), sc.student(), sc.student()
    old = sc.section("1111", meets=[MO], capacity=1)
    new = sc.section("2222", meets=[MO], capacity=1)  # the same hours: only one of them
    usis.enrolment.enrol(me.number, [req(old)])
    usis.enrolment.enrol(seated.number, [req(new)])
    usis.enrolment.enrol(hopeful.number, [req(old, wait=True)])
    refused = usis.enrolment.swap(me.number, old.id, new.id)
    assert not refused.ok and [p.code for p in refused.problems] == ["class_full"]
    assert 'Tick "Wait list if class is full"' in refused.problems[0].hint  # the Swap page's box
    result = usis.enrolment.swap(me.number, old.id, new.id, wait_list_ok=True)
    assert (result.ok, result.waitlist_position) == (True, 1)
    assert result.message == ("Class 2222 has been added to your wait list (position 1). You "
                              "stay enrolled in class 1111 until you get a seat in class 2222; "
                              "then class 1111 is dropped.")
    assert status_of(db, me, old) == ("enrolled", None)
    assert status_of(db, me, new) == ("waitlisted", 1)
    [line] = [line for line in usis.enrolment.schedule(me.number) if line.status == "waitlisted"]
    assert line.swap_from == "1111"
    usis.enrolment.drop(seated.number, new.id)  # the seat comes
    assert status_of(db, me, new) == ("enrolled", None)
    assert status_of(db, me, old) == ("dropped", None)
    assert status_of(db, hopeful, old) == ("enrolled", None)  # the old seat moved on
    with db.read() as session:
        row = session.scalar(select(Enrolment).where(Enrolment.student_id == me.id,
                                                     Enrolment.section_id == old.id))
        assert row.drop_reason == "Swapped for class 2222"
        body = session.scalars(select(Message.body).where(Message.student_id == me.id)
                               .order_by(Message.id.desc())).first()
    assert body == ("A seat became free in class 2222: you have been enrolled from the wait "
                    "list, and class 1111 has been dropped, as you asked when you swapped.")
    check_invariants(db)


def test_a_swap_wait_list_place_after_the_old_class_was_dropped_is_a_plain_one(sc, usis, db):
    from sqlalchemy import select

    from usis_tui.models import Enrolment

    me, seated = sc.student(), sc.student()
    old = sc.section("1111", meets=[MO])
    new = sc.section("2222", meets=[TU], capacity=1)
    other = sc.section("3333", meets=[(2, "09:00", "10:45")], capacity=1)
    usis.enrolment.enrol(me.number, [req(old)])
    usis.enrolment.enrol(seated.number, [req(new), req(other)])
    for target in (new, other):
        swapped = usis.enrolment.swap(me.number, old.id, target.id, wait_list_ok=True)
        assert swapped.waitlist_position == 1
    usis.enrolment.drop(me.number, other.id)  # leaving a wait list forgets its swap
    usis.enrolment.drop(me.number, old.id, reason="Changed my study plan")
    usis.enrolment.drop(seated.number, new.id)
    assert status_of(db, me, new) == ("enrolled", None)
    with db.read() as session:
        swaps = session.scalars(select(Enrolment.swap_from_id).where(
            Enrolment.student_id == me.id)).all()
    assert set(swaps) == {None}


def test_a_permission_number_for_a_swap_wait_list_place_completes_the_swap(sc, usis, db):
    me, seated = sc.student(), sc.student()
    old = sc.section("1111", meets=[MO])
    new = sc.section("2222", meets=[MO], capacity=1)
    usis.enrolment.enrol(me.number, [req(old)])
    usis.enrolment.enrol(seated.number, [req(new)])
    assert usis.enrolment.swap(me.number, old.id, new.id, wait_list_ok=True).ok
    number = sc.permission(new, "PN5")
    result = usis.enrolment.edit(me.number, new.id, permission_number=number)
    assert result.outcome == "enrolled"  # no clash with 1111: it goes
    assert status_of(db, me, new) == ("enrolled", None)
    assert status_of(db, me, old) == ("dropped", None)


# ---------------------------------------------------------------- 11: the README's demo table
@pytest.mark.sqlite_only  # the README against the demo, not the database
def test_the_readme_trainer_table_says_what_the_app_says(demo_usis, demo_summary):
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| (\d{4}) \| (.+) \|$", readme, re.M))
    expected = {"1052": [], "1053": ["class_full"], "1051": ["class_full"],
                "1048": ["period_closed", "selection_minor"], "1061": ["not_yet_open"],
                "2001": ["time_conflict"], "2063": [], "2010": ["requisites"],
                "2055": ["class_full"], "2076": ["class_full"]}
    assert set(rows) == set(expected)
    for number, codes in expected.items():
        line = demo_usis.cart.add("s1234567", YEAR, number)
        assert [p.code for p in line.problems] == codes, number
        said = " ".join(f"{p.message} {p.hint}" for p in line.problems)
        for quoted in re.findall(r'"([^"]+)"', rows[number]):
            assert quoted in said, (number, quoted)
    # 2010: the resit of a course she passed (not "an exam she never took"), as the app says
    line = next(x for x in demo_usis.cart.list("s1234567", YEAR) if x.cls.class_number == "2010")
    assert line.problems[0].hint == ("You passed 4031IPROY with a 6.5; a resit is only for "
                                     "students who did not pass.")
    assert f'"{line.problems[0].hint}"' in rows["2010"] and "never took" not in rows["2010"]
    assert demo_summary.highlights["resit_without_failed_exam"] == "2010"
    # 2076 with its permission number, 2055 as a Swap onto the wait list
    number, permission = demo_summary.highlights["permission"].split(":")
    assert number == "2076" and f"`{permission}`" in rows["2076"]
    full = next(x for x in demo_usis.cart.list("s1234567", YEAR) if x.cls.class_number == "2076")
    assert demo_usis.cart.update("s1234567", full.item_id, wait_list_ok=False,
                                 permission_number=permission).ready
    assert demo_summary.highlights["wait_list"] == "2055"
    old = demo_usis.catalogue.lookup(YEAR, "2054")
    new = demo_usis.catalogue.lookup(YEAR, "2055")
    assert demo_usis.enrolment.swap("s1234567", old.section_id, new.section_id,
                                    wait_list_ok=True).waitlist_position
