"""services/minors.py: the Minors page rules (seed: "Registration dates for minors"): first come
first served with two students racing for the last place, selection minors waiting for the
placement outcome, one minor per student and the second-choice rule, change and cancel until the
window closes, parts enrolled with their minor; wait list promotion with a skipped student."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from factories import NOW, YEAR, check_invariants, req, status_of, unchanged, waitlist
from sqlalchemy import select

from usis_tui.db import Database
from usis_tui.models import MinorApplication
from usis_tui.services import ServiceError, Usis

MO = (0, "09:00", "10:45")


def apps(db, student=None) -> list[tuple[str, str, int]]:
    """(minor class number, status, choice) of the minor applications."""
    from usis_tui.models import ClassSection, Minor

    with db.read() as s:
        stmt = (select(ClassSection.class_number, MinorApplication.status, MinorApplication.choice)
                .join(Minor, Minor.id == MinorApplication.minor_id)
                .join(ClassSection, (ClassSection.course_id == Minor.course_id)
                      & ClassSection.parent_id.is_(None)))
        if student is not None:
            stmt = stmt.where(MinorApplication.student_id == student.id)
        return sorted(tuple(r) for r in s.execute(stmt))


def codes(exc: pytest.ExceptionInfo) -> list[str]:
    return [p.code for p in exc.value.problems]


def messages(usis, student, category=None):
    return [m for m in usis.student.messages(student.number)
            if category is None or m.category == category]


# ---------------------------------------------------------------- the list
def test_list_shows_window_places_wait_list_parts_and_my_status(sc, usis, db):
    s = sc.student()
    a = sc.minor("1052", capacity=3, title="Data Science and Artificial Intelligence")
    sel = sc.minor("1048", minor_type="selection", capacity=20)
    sc.minor_part(sel, "1049", title="Part 1")
    sc.minor_part(sel, "1050", title="Part 2")
    sc.minor("1061", opens=NOW + timedelta(days=9), closes=NOW + timedelta(days=50))
    sc.fill(a, 2)
    usis.minors.apply(s.number, "1052")
    rows = {m.class_number: m for m in usis.minors.list(s.number)}
    assert list(rows) == ["1048", "1052", "1061"]  # parts are not minors of their own
    m = rows["1052"]
    assert (m.type_label, m.places_left, m.waitlisted, m.period_state) == (
        "Leiden minor", 0, 0, "open")
    assert (m.my_status, m.status_label, m.my_choice) == ("enrolled", "Enrolled", 1)
    assert rows["1048"].type_label == "Selection minor"
    assert [p.class_number for p in rows["1048"].parts] == ["1049", "1050"]
    assert rows["1061"].period_state == "not_yet_open" and rows["1061"].my_status is None


# ---------------------------------------------------------------- first come, first served
def test_two_students_race_for_the_last_place(sc, tmp_path):
    """Two threads, each with its own Usis on the same SQLite file, apply at the same moment
    for the last place: exactly one gets it, the other is told the minor is full."""
    minor = sc.minor("1052", capacity=5, waitlist_capacity=0)
    sc.fill(minor, 4)
    racers = [sc.student(), sc.student()]
    barrier = threading.Barrier(2)
    out: dict[str, object] = {}

    def run(number: str) -> None:
        usis = Usis(Database(sc.db.url), clock=lambda: NOW)
        try:
            usis.catalogue.current_year()  # connect before the start signal
            barrier.wait(timeout=30)
            try:
                out[number] = usis.minors.apply(number, "1052").status
            except ServiceError as exc:
                out[number] = exc.problems[0].message
        finally:
            usis.close()

    threads = [threading.Thread(target=run, args=(r.number,)) for r in racers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(map(str, out.values())) == [
        "Class 1052 Not Enrolled, Class And Wait List Are Full.", "enrolled"]
    row = usis_row(sc, minor)
    assert (row.enrolled_count, row.capacity) == (5, 5)
    assert [st for _n, st, _c in apps(sc.db)] == ["placed"]
    check_invariants(sc.db)


def usis_row(sc, section):
    from factories import section_row

    return section_row(sc.db, section)


def test_full_minor_puts_the_student_on_its_wait_list(sc, usis, db):
    s = sc.student()
    a = sc.minor("1053", capacity=1)
    sc.fill(a)
    r = usis.minors.apply(s.number, "1053")
    assert (r.status, r.waitlist_position) == ("waitlisted", 1)
    assert "wait list at position 1" in r.message
    assert usis.minors.list(s.number)[0].status_label == "On wait list (position 1)"


# ---------------------------------------------------------------- selection minors
def test_selection_minor_waits_for_the_placement_outcome(sc, usis, db):
    s = sc.student()
    sel = sc.minor("1048", minor_type="selection", capacity=1)
    p1, p2 = sc.minor_part(sel, "1049"), sc.minor_part(sel, "1050")
    r = usis.minors.apply(s.number, "1048")
    assert r.status == "waiting_for_placement"
    assert r.message.endswith("Waiting for placement outcome.")
    assert status_of(db, s, sel) == (None, None)  # no seat taken
    assert usis_row(sc, sel).enrolled_count == 0
    [info] = usis.minors.list(s.number)
    assert (info.status_label, info.applicants) == ("Waiting for placement outcome", 1)
    assert messages(usis, s, "minor")[0].subject.startswith("Minor application: ")
    with unchanged(db), pytest.raises(ServiceError) as err:
        usis.minors.apply(s.number, "1048")
    assert codes(err) == ["already_applied"]
    # Enrol › Add cannot take a seat in a selection minor either
    [res] = usis.enrolment.enrol(s.number, [req(sel)])
    assert [p.code for p in res.problems] == ["selection_minor"]
    # the placement gives a place in the minor; the student enrols in its parts (the seed: "If
    # you are accepted in a minor, please do not forget to enroll for the courses that are part
    # of this minor")
    placed = usis.minors.place(s.number, "1048", actor="board")
    assert (placed.status, placed.parts) == ("placed", [])
    assert status_of(db, s, sel) == ("enrolled", None)
    assert status_of(db, s, p1) == status_of(db, s, p2) == (None, None)
    assert apps(db, s) == [("1048", "placed", 1)]
    [info] = usis.minors.list(s.number)
    assert (info.my_status, info.status_label, info.parts_to_enrol) == (
        "placed", "Placed", ["1049", "1050"])
    [told] = [m for m in messages(usis, s, "minor") if m.subject.startswith("Placed: ")]
    assert "Do not forget to enrol in its parts 1049 and 1050" in told.body
    results = usis.enrolment.enrol(s.number, [req(p1), req(p2)])
    assert [r.outcome for r in results] == ["enrolled", "enrolled"]
    [info] = usis.minors.list(s.number)
    assert (info.status_label, info.parts_to_enrol) == ("Placed", [])
    check_invariants(db)


def test_not_placed_ends_the_application(sc, usis, db):
    s = sc.student()
    sc.minor("1054", minor_type="selection")
    sc.minor("1052")
    usis.minors.apply(s.number, "1054")
    r = usis.minors.reject(s.number, "1054", actor="board")
    assert r.status == "not_placed"
    assert apps(db, s) == [("1054", "not_placed", 1)]
    info = {m.class_number: m for m in usis.minors.list(s.number)}["1054"]
    assert (info.status_label, info.active) == ("Not placed", False)
    [told] = [m for m in messages(usis, s, "minor") if m.subject.startswith("Not placed: ")]
    assert told.body.startswith("You have not been placed in minor 1054 Minor 1054.")
    # not a request any more: another minor is a first choice, not refused as a second one
    assert usis.minors.apply(s.number, "1052").status == "enrolled"
    assert apps(db, s) == [("1052", "placed", 1), ("1054", "not_placed", 1)]


# ---------------------------------------------------------------- placement (the Board)
def applicants(sc, usis, clock, minor: str, n: int, **kw):
    """``n`` students applying for ``minor`` an hour apart (so in this order)."""
    out = []
    for _ in range(n):
        s = sc.student(**kw)
        clock.advance(hours=1)
        usis.minors.apply(s.number, minor)
        out.append(s)
    return out


def test_placement_lists_the_applications_in_ranked_order(sc, usis, db, clock):
    """First choices before second choices, each in the order of applying; the waiting ones
    first and numbered, then the placed and the not placed."""
    first = sc.minor("1053", capacity=1)
    sc.fill(first)
    sel = sc.minor("1048", minor_type="selection", capacity=5,
                   title="Computational approach to Disease")
    sc.minor_part(sel, "1049")
    sc.minor_part(sel, "1050")
    sc.minor("1054", minor_type="selection")
    second = sc.student(name="Second Choice")
    usis.minors.apply(second.number, "1053")  # wait-listed for 1053 ...
    clock.advance(minutes=5)
    assert usis.minors.apply(second.number, "1048").status == "waiting_for_placement"  # ... then
    a, b, c = applicants(sc, usis, clock, "1048", 3)  # three first choices, applying later
    p = usis.minors.placement()
    assert [m.class_number for m in p.minors] == ["1048", "1054"]
    assert (p.academic_year, p.minor.class_number, p.minor.capacity, p.minor.placed,
            p.minor.waiting, p.minor.parts) == (YEAR, "1048", 5, 0, 4, ["1049", "1050"])
    assert [(x.student_number, x.choice, x.rank, x.status_label) for x in p.applicants] == [
        (a.number, 1, 1, "Waiting for placement outcome"),
        (b.number, 1, 2, "Waiting for placement outcome"),
        (c.number, 1, 3, "Waiting for placement outcome"),
        (second.number, 2, 4, "Waiting for placement outcome")]
    assert p.applicants[3].name == "Second Choice" and p.applicants[0].programme == (
        "Computer Science")
    usis.minors.place(b.number, "1048", actor="board")
    usis.minors.reject(a.number, "1048", actor="board")
    p = usis.minors.placement("1048")
    assert [(x.student_number, x.rank, x.status) for x in p.applicants] == [
        (c.number, 1, "waiting_for_placement"), (second.number, 2, "waiting_for_placement"),
        (b.number, None, "placed"), (a.number, None, "not_placed")]
    assert (p.minor.placed, p.minor.waiting, p.minor.not_placed, p.minor.places_left) == (
        1, 2, 1, 4)
    # a Leiden minor is not placed, and a part is not a minor
    for number, code in (("1053", "not_selection"), ("1049", "minor_part")):
        with pytest.raises(ServiceError) as err:
            usis.minors.placement(number)
        assert codes(err) == [code]


def test_a_placed_student_can_enrol_in_the_parts_and_an_unplaced_one_cannot(sc, usis, db, clock):
    sel = sc.minor("1048", minor_type="selection", capacity=5)
    p1, p2 = sc.minor_part(sel, "1049"), sc.minor_part(sel, "1050")
    placed, waiting, rejected = applicants(sc, usis, clock, "1048", 3)
    usis.minors.place(placed.number, "1048", actor="board")
    usis.minors.reject(rejected.number, "1048", actor="board")
    for s in (waiting, rejected):
        with unchanged(db):
            [res] = usis.enrolment.enrol(s.number, [req(p1)])
        assert [p.code for p in res.problems] == ["requisites"]
        assert "Class 1049 is part of minor 1048" in res.problems[0].hint
        with unchanged(db):  # and not by enrolling in the minor with it
            res_minor, res_part = usis.enrolment.enrol(s.number, [req(sel), req(p1)])
        assert "selection_minor" in [p.code for p in res_minor.problems]
        assert res_part.outcome == "failed"
    assert [r.outcome for r in usis.enrolment.enrol(placed.number, [req(p1)])] == ["enrolled"]
    # the part's own rules still apply: a full part refuses a placed student too
    sc.fill(p2)
    [res] = usis.enrolment.enrol(placed.number, [req(p2)])
    assert [p.code for p in res.problems] == ["class_full"]
    # dropping the minor drops its part; the place is gone
    usis.enrolment.drop(placed.number, sel.id)
    assert status_of(db, placed, p1)[0] == "dropped"
    assert usis.minors.list(placed.number)[0].my_status == "cancelled"
    check_invariants(db)


def test_placement_after_the_registration_period(sc, usis, db, clock):
    """The Board places once the registration period is over: the window is no reason to
    refuse a placement."""
    closes = NOW + timedelta(days=1)
    sc.minor("1048", minor_type="selection", closes=closes)
    [s] = applicants(sc, usis, clock, "1048", 1)
    clock.set(closes + timedelta(days=20))
    assert usis.minors.place(s.number, "1048", actor="board").status == "placed"


def test_placement_respects_the_capacity(sc, usis, db, clock):
    sel = sc.minor("1048", minor_type="selection", capacity=3)
    sc.fill(sel, 1)  # one place given already
    a, b, c = applicants(sc, usis, clock, "1048", 3)
    batch = usis.minors.place_all("1048", actor="board")
    assert (batch.placed, batch.skipped, batch.places_left, batch.waiting) == (
        [a.number, b.number], [], 0, 1)
    assert batch.message == ("2 students placed in minor 1048. 0 places left, 1 application "
                             "still waiting.")
    assert usis_row(sc, sel).enrolled_count == 3
    with unchanged(db), pytest.raises(ServiceError) as err:
        usis.minors.place(c.number, "1048", actor="board")
    assert codes(err) == ["minor_full"]
    assert str(err.value).startswith("Minor 1048 is full: all 3 places have been given.")
    assert usis.minors.reject(c.number, "1048", actor="board").status == "not_placed"
    assert apps(db) == [("1048", "not_placed", 1), ("1048", "placed", 1), ("1048", "placed", 1)]
    # each student was told, and the Board's steps are in each student's audit trail
    assert [sorted(m.subject.split(":")[0] for m in messages(usis, s, "minor"))
            for s in (a, b, c)] == [["Minor application", "Placed"]] * 2 + [
        ["Minor application", "Not placed"]]
    for s in (a, b, c):
        [entry] = usis.audit.entries(s.number, action="minor_placement", outcome="ok")
        assert entry.actor == "board"
    # nothing left to place: a second batch places nobody
    again = usis.minors.place_all("1048", actor="board")
    assert (again.placed, again.waiting) == ([], 0)
    check_invariants(db)


def test_place_all_passes_over_a_student_who_cannot_be_placed(sc, usis, db, clock):
    sel = sc.minor("1048", minor_type="selection", capacity=2)
    held, b, c = applicants(sc, usis, clock, "1048", 3)
    sc.hold(held)
    batch = usis.minors.place_all("1048", actor="board")
    assert batch.placed == [b.number, c.number]
    [skip] = batch.skipped
    assert skip.student_number == held.number
    assert [p.code for p in skip.problems] == ["hold"]
    assert skip.problems[0].message.startswith(f"{held.number} cannot be placed in minor 1048: "
                                               "You have a hold on your record")
    assert apps(db, held) == [("1048", "waiting_for_placement", 1)]
    [refused] = usis.audit.entries(held.number, action="minor_placement")
    assert refused.outcome == "refused"
    assert usis_row(sc, sel).enrolled_count == 2


def test_placement_is_told_in_the_students_language(sc, usis, db, clock):
    from sqlalchemy import update

    from usis_tui.models import Student

    sc.minor("1048", minor_type="selection", title="Computational approach to Disease")
    sc.minor("1054", minor_type="selection")
    a, b = applicants(sc, usis, clock, "1048", 2)
    with db.write() as s:
        s.execute(update(Student).where(Student.id.in_((a.id, b.id))).values(language="nl"))
    usis.minors.place(a.number, "1048", actor="board")
    usis.minors.reject(b.number, "1048", actor="board")
    [placed] = [m for m in messages(usis, a, "minor") if m.subject.startswith("Geplaatst: ")]
    assert "Computational approach to Disease" in placed.subject
    [rejected] = [m for m in messages(usis, b, "minor")
                  if m.subject.startswith("Niet geplaatst: ")]
    assert rejected.body.startswith("Je bent niet geplaatst in minor 1048")


def test_two_board_members_place_the_last_place_at_once(sc, tmp_path, clock):
    """Two threads, each with its own Usis on the same database, place two applicants for the
    last place at the same moment: exactly one is placed, the other is told the minor is
    full."""
    sel = sc.minor("1048", minor_type="selection", capacity=3)
    sc.fill(sel, 2)
    setup = Usis(Database(sc.db.url), clock=clock)
    try:
        racers = applicants(sc, setup, clock, "1048", 2)
    finally:
        setup.close()
    barrier = threading.Barrier(2)
    out: dict[str, object] = {}

    def run(number: str) -> None:
        usis = Usis(Database(sc.db.url), clock=clock)
        try:
            usis.catalogue.current_year()  # connect before the start signal
            barrier.wait(timeout=30)
            try:
                out[number] = usis.minors.place(number, "1048", actor="board").status
            except ServiceError as exc:
                out[number] = exc.problems[0].code
        finally:
            usis.close()

    threads = [threading.Thread(target=run, args=(r.number,)) for r in racers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(map(str, out.values())) == ["minor_full", "placed"]
    row = usis_row(sc, sel)
    assert (row.enrolled_count, row.capacity) == (3, 3)
    check_invariants(sc.db)


# ---------------------------------------------------------------- one minor, second choice
def test_one_minor_per_student(sc, usis, db):
    s = sc.student()
    sc.minor("1052")
    sc.minor("1047", title="Biodiversity")
    usis.minors.apply(s.number, "1052")
    with unchanged(db), pytest.raises(ServiceError) as err:
        usis.minors.apply(s.number, "1047")
    assert codes(err) == ["one_minor"]
    assert err.value.problems[0].message.startswith("You may only follow one minor")


def test_second_choice_only_while_wait_listed_for_the_first(sc, usis, db):
    s = sc.student()
    first = sc.minor("1053", capacity=1)
    sc.fill(first)
    sc.minor("1052")
    sc.minor("1047")
    assert usis.minors.apply(s.number, "1053").status == "waitlisted"
    assert usis.minors.apply(s.number, "1052").status == "enrolled"  # the second choice
    assert apps(db, s) == [("1052", "placed", 2), ("1053", "waitlisted", 1)]
    with unchanged(db), pytest.raises(ServiceError) as err:
        usis.minors.apply(s.number, "1047")  # placed now: no third
    assert codes(err) == ["one_minor"]


def test_no_second_minor_while_waiting_for_a_selection_outcome(sc, usis, db):
    s = sc.student()
    sc.minor("1048", minor_type="selection", title="Computational approach to Disease")
    sc.minor("1052")
    usis.minors.apply(s.number, "1048")
    with unchanged(db), pytest.raises(ServiceError) as err:
        usis.minors.apply(s.number, "1052")
    assert codes(err) == ["one_minor"]
    assert "1048 Computational approach to Disease (Waiting for placement outcome)" in str(
        err.value)


def test_selection_minor_as_second_choice_while_wait_listed(sc, usis, db):
    s = sc.student()
    first = sc.minor("1053", capacity=1)
    sc.fill(first)
    sc.minor("1054", minor_type="selection")
    usis.minors.apply(s.number, "1053")
    assert usis.minors.apply(s.number, "1054").status == "waiting_for_placement"
    assert apps(db, s) == [("1053", "waitlisted", 1), ("1054", "waiting_for_placement", 2)]


# ---------------------------------------------------------------- parts
def test_parts_are_enrolled_with_the_minor_and_dropped_with_it(sc, usis, db):
    s = sc.student()
    minor = sc.minor("1058")
    p1, p2 = sc.minor_part(minor, "1059"), sc.minor_part(minor, "1060")
    r = usis.minors.apply(s.number, "1058")
    assert (r.status, r.parts) == ("enrolled", ["1059", "1060"])
    assert r.message == ("Success: you are enrolled in minor 1058 Minor 1058, with its parts "
                         "1059 and 1060.")
    assert [p.enrolled for p in usis.minors.list(s.number)[0].parts] == [True, True]
    c = usis.minors.cancel(s.number, "1058")
    assert c.parts == ["1059", "1060"]
    for x in (minor, p1, p2):
        assert status_of(db, s, x)[0] == "dropped"
    check_invariants(db)


def test_a_full_part_refuses_the_whole_minor(sc, usis, db):
    s = sc.student()
    minor = sc.minor("1056")
    part = sc.minor_part(minor, "1057", capacity=1)
    sc.fill(part)
    with unchanged(db), pytest.raises(ServiceError) as err:
        usis.minors.apply(s.number, "1056")
    assert err.value.problems[0].message == "Part 1057: Not Enrolled, Class 1057 Full."


def test_a_part_is_not_applied_for_on_its_own(sc, usis, db):
    s = sc.student()
    minor = sc.minor("1048", minor_type="selection")
    sc.minor_part(minor, "1049")
    with pytest.raises(ServiceError) as err:
        usis.minors.apply(s.number, "1049")
    assert codes(err) == ["minor_part"]
    with pytest.raises(ServiceError) as err:
        usis.minors.apply(s.number, "4242")
    assert codes(err) == ["unknown_class"]


def test_promoted_minor_brings_its_parts(sc, usis, db):
    minor = sc.minor("1058", capacity=1)
    part = sc.minor_part(minor, "1059")
    holder, s = sc.student(), sc.student()
    usis.minors.apply(holder.number, "1058")
    assert usis.minors.apply(s.number, "1058").status == "waitlisted"
    usis.minors.cancel(holder.number, "1058")
    assert status_of(db, s, minor) == ("enrolled", None)
    assert status_of(db, s, part) == ("enrolled", None)
    check_invariants(db)


# ---------------------------------------------------------------- change and cancel
def test_change_and_cancel_until_the_window_closes(sc, usis, db, clock):
    s = sc.student()
    closes = NOW + timedelta(days=3)
    sc.minor("1052", closes=closes)
    sc.minor("1047", closes=closes)
    usis.minors.apply(s.number, "1052")
    r = usis.minors.change(s.number, "1052", "1047")
    assert r.status == "enrolled"
    assert r.message.startswith("Your application for minor 1052 has been changed to minor 1047.")
    assert apps(db, s) == [("1047", "placed", 1), ("1052", "cancelled", 1)]
    clock.set(closes + timedelta(minutes=1))
    with unchanged(db), pytest.raises(ServiceError) as err:
        usis.minors.cancel(s.number, "1047")
    assert codes(err) == ["window_closed"]
    assert "can no longer be changed or cancelled" in str(err.value)
    clock.set(closes)
    assert usis.minors.cancel(s.number, "1047").status == "cancelled"
    assert apps(db, s) == [("1047", "cancelled", 1), ("1052", "cancelled", 1)]


def test_change_keeps_the_old_minor_when_the_new_one_is_refused(sc, usis, db):
    s = sc.student()
    sc.minor("1052")
    full = sc.minor("1051", capacity=1, waitlist_capacity=0)
    sc.fill(full)
    usis.minors.apply(s.number, "1052")
    with unchanged(db), pytest.raises(ServiceError) as err:
        usis.minors.change(s.number, "1052", "1051")
    assert codes(err) == ["class_and_waitlist_full"]


def test_cancel_a_selection_application(sc, usis, db):
    s = sc.student()
    sc.minor("1048", minor_type="selection")
    usis.minors.apply(s.number, "1048")
    assert usis.minors.cancel(s.number, "1048").status == "cancelled"
    assert apps(db, s) == [("1048", "cancelled", 1)]
    with unchanged(db), pytest.raises(ServiceError) as err:
        usis.minors.cancel(s.number, "1048")
    assert codes(err) == ["no_application"]


def test_refusals_are_audited(sc, usis, db):
    s = sc.student()
    sc.minor("1052")
    with pytest.raises(ServiceError):
        usis.minors.cancel(s.number, "1052")
    [entry] = usis.audit.entries(s.number, action="minor_cancel")
    assert entry.outcome == "refused"


# ---------------------------------------------------------------- wait list promotion
def test_promotion_skips_a_student_with_a_clash_and_tells_both(sc, usis, db):
    """A seat frees up: the first student clashes and is skipped (stays first, told why), the
    second is promoted; both get a message-centre message."""
    minor = sc.minor("1053", capacity=1, meets=[MO])
    other = sc.section("2001", meets=[MO])
    holder, first, second = sc.student(), sc.student(), sc.student()
    usis.minors.apply(holder.number, "1053")
    usis.minors.apply(first.number, "1053")
    usis.minors.apply(second.number, "1053")
    usis.enrolment.enrol(first.number, [req(other)])
    usis.minors.cancel(holder.number, "1053")
    assert status_of(db, second, minor) == ("enrolled", None)
    assert waitlist(db, minor) == [(1, first.id)]
    [skip] = messages(usis, first, "waitlist")
    assert skip.subject.startswith("Wait list skipped: ")
    assert "clashes with class 2001" in skip.body and "keep wait list position 1" in skip.body
    [promoted] = messages(usis, second, "waitlist")
    assert promoted.subject.startswith("Enrolled from the wait list: ")
    assert usis.minors.list(second.number)[0].my_status == "enrolled"
    assert apps(db, second) == [("1053", "placed", 1)]
    check_invariants(db)


def test_student_center_wait_list_positions_come_from_the_schedule(sc, usis, db):
    a = sc.section("1234", capacity=1)
    sc.fill(a)
    s = sc.student()
    usis.enrolment.enrol(s.number, [req(a, wait=True)])
    [line] = [x for x in usis.enrolment.schedule(s.number, YEAR) if x.status == "waitlisted"]
    assert line.waitlist_position == 1
