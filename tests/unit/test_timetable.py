"""services/timetable.py: week view on real dates, conflicts, exam schedule, iCalendar export,
and the `usis timetable` command."""

from __future__ import annotations

import hashlib
import inspect
import os
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from factories import NOW, YEAR, req
from helpers import DEMO_NOW
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.engine import make_url

from usis_tui.models import ClassSection, Enrolment, Student
from usis_tui.services import ServiceError, Usis
from usis_tui.services.timetable import (
    EXAM_DEADLINE_DAYS,
    date_range,
    meeting_dates,
    parse_week,
)

AMS = ZoneInfo("Europe/Amsterdam")
DEMO_STUDENT = "s1234567"


def iso_monday(year: int, week: int) -> date:
    return date.fromisocalendar(year, week, 1)


# ---------------------------------------------------------------------------- real dates
def test_week_places_meetings_on_their_real_dates_only(demo_usis):
    view = demo_usis.timetable.week(DEMO_STUDENT)
    assert (view.iso_year, view.week, view.monday) == (2026, 48, date(2026, 11, 23))
    assert view.today == date(2026, 11, 23) and view.contains_today
    assert view.occurrences, "the demo student has classes in week 48"
    for o in view.occurrences:
        assert view.monday <= o.day <= view.sunday
        assert o.day.weekday() == o.meeting.weekday
        assert o.day in meeting_dates(o.meeting)
        assert o.meeting.start_date <= o.day <= o.meeting.end_date
    # Every enrolled weekly meeting of semester 1 is there exactly once.
    schedule = demo_usis.enrolment.schedule(DEMO_STUDENT)
    expected = sorted((d, m.start, line.cls.class_number)
                      for line in schedule for m in line.cls.meetings
                      for d in meeting_dates(m) if view.monday <= d <= view.sunday)
    assert sorted((o.day, o.start, o.class_number) for o in view.occurrences) == expected


def test_every_teaching_week_has_classes_and_christmas_is_empty(demo_usis):
    classes = demo_usis.timetable.classes(DEMO_STUDENT)
    from usis_tui.services.timetable import build_week

    def week(year: int, n: int):
        return build_week(DEMO_STUDENT, classes, iso_monday(year, n), DEMO_NOW.date())

    for n in range(37, 51):  # semester 1
        assert week(2026, n).occurrences, f"week {n} of 2026 is empty"
    for n in range(5, 19):  # semester 2
        assert week(2027, n).occurrences, f"week {n} of 2027 is empty"
    christmas = week(2026, 52)
    assert christmas.occurrences == []
    assert date(2026, 12, 1) <= christmas.previous_class < christmas.monday
    assert christmas.sunday < christmas.next_class <= date(2027, 1, 31)  # the January exams
    assert christmas.title(weekend=False) == "Week 52 · 21 – 25 Dec 2026"
    new_year = week(2026, 53)
    assert new_year.occurrences == [] and new_year.title() == "Week 53 · 28 Dec 2026 – 3 Jan 2027"


def test_fortnightly_meeting_appears_only_in_its_weeks(sc, usis):
    s = sc.student()
    lec = sc.section("2001", meets=[(0, "09:00", "10:45")])
    prac = sc.section("2002", component="Practical",
                      meets=[(3, "13:45", "15:30", date(2026, 9, 1), date(2026, 12, 18),
                              "37,39,41")])
    usis.enrolment.enrol(s.number, [req(lec), req(prac)], from_cart=False)
    weeks_with_practical = []
    for n in range(36, 53):
        view = usis.timetable.week(s.number, iso_monday(2026, n))
        if any(o.class_number == "2002" for o in view.occurrences):
            weeks_with_practical.append(n)
            [o] = [o for o in view.occurrences if o.class_number == "2002"]
            assert o.day == iso_monday(2026, n) + timedelta(days=3)
    assert weeks_with_practical == [37, 39, 41]
    agenda = usis.timetable.agenda(s.number)
    assert [o.day for o in agenda if o.class_number == "2002"] == [
        date(2026, 9, 10), date(2026, 9, 24), date(2026, 10, 8)]


def test_meeting_outside_its_date_range_is_not_shown(sc, usis):
    s = sc.student()
    block = sc.section("2001", meets=[(1, "11:00", "12:45", date(2026, 10, 1),
                                       date(2026, 10, 31))])
    usis.enrolment.enrol(s.number, [req(block)], from_cart=False)
    days = [o.day for o in usis.timetable.agenda(s.number)]
    assert days == [date(2026, 10, 6), date(2026, 10, 13), date(2026, 10, 20), date(2026, 10, 27)]
    assert usis.timetable.week(s.number, date(2026, 9, 29)).occurrences == []


# ---------------------------------------------------------------------------- kinds, conflicts
def test_enrolled_waitlisted_and_planned_kinds(sc, usis):
    s = sc.student()
    mine = sc.section("2001", meets=[(0, "09:00", "10:45")])
    full = sc.section("2002", capacity=1, meets=[(1, "09:00", "10:45")])
    sc.fill(full)
    sc.section("2003", meets=[(2, "09:00", "10:45")])
    usis.enrolment.enrol(s.number, [req(mine), req(full, wait=True)], from_cart=False)
    usis.cart.add(s.number, YEAR, "2003")
    view = usis.timetable.week(s.number, date(2026, 9, 14))
    kinds = {o.class_number: (o.kind, o.waitlist_position, o.kind_label) for o in view.occurrences}
    assert kinds == {"2001": ("enrolled", None, "Enrolled"),
                     "2002": ("waitlisted", 1, "Wait list #1"),
                     "2003": ("planned", None, "Planned")}
    only_enrolled = usis.timetable.week(s.number, date(2026, 9, 14), kinds=["enrolled"])
    assert [o.class_number for o in only_enrolled.occurrences] == ["2001"]
    # Every course has its own colour, the same in every week.
    colours = {o.class_number: o.colour for o in view.occurrences}
    assert len(set(colours.values())) == 3
    later = usis.timetable.week(s.number, date(2026, 11, 2))
    assert {o.class_number: o.colour for o in later.occurrences} == colours


def test_conflicts_are_marked_when_two_blocks_overlap_on_the_same_date(sc, usis):
    s = sc.student()
    a = sc.section("2001", meets=[(0, "09:00", "10:45")])
    sc.section("2002", meets=[(0, "10:00", "11:45")])  # overlaps a
    sc.section("2003", meets=[(0, "10:45", "12:30")])  # touches a, overlaps 2002
    # Same weekday and time as a, but only in October: a conflict on those dates only.
    sc.section("2004", meets=[(0, "09:30", "10:00", date(2026, 10, 1), date(2026, 10, 31))])
    usis.enrolment.enrol(s.number, [req(a)], from_cart=False)
    for n in ("2002", "2003", "2004"):
        usis.cart.add(s.number, YEAR, n)
    september = usis.timetable.week(s.number, date(2026, 9, 14))
    conflicts = {o.class_number: o.conflicts for o in september.occurrences}
    assert conflicts == {"2001": ("2002",), "2002": ("2001", "2003"), "2003": ("2002",)}
    october = usis.timetable.week(s.number, date(2026, 10, 5))
    conflicts = {o.class_number: set(o.conflicts) for o in october.occurrences}
    assert conflicts["2004"] == {"2001"}  # ends at 10:00, when 2002 begins: no clash
    assert conflicts["2001"] == {"2002", "2004"}
    # Hiding the planned classes leaves nothing to clash with.
    alone = usis.timetable.week(s.number, date(2026, 10, 5), kinds=["enrolled"])
    assert [(o.class_number, o.conflicts) for o in alone.occurrences] == [("2001", ())]


def test_same_weekday_different_dates_is_no_conflict(sc, usis):
    s = sc.student()
    a = sc.section("2001", meets=[(0, "09:00", "10:45", date(2026, 9, 1), date(2026, 9, 30))])
    b = sc.section("2002", meets=[(0, "09:00", "10:45", date(2026, 10, 1), date(2026, 10, 31))])
    usis.enrolment.enrol(s.number, [req(a), req(b)], from_cart=False)
    assert all(not o.conflicts for o in usis.timetable.agenda(s.number))


def waitlist_a_full_class(usis, monday: date) -> str:
    """Put the demo student on the wait list of a full class that meets in that week."""
    from usis_tui.services.schemas import EnrolRequest

    for c in usis.catalogue.class_list("2026-2027"):
        meets = any(monday <= d < monday + timedelta(days=7)
                    for m in c.meetings for d in meeting_dates(m))
        if c.status == "Wait List" and c.period_state == "open" and meets:
            [result] = usis.enrolment.enrol(DEMO_STUDENT, [EnrolRequest(
                section_id=c.section_id, wait_list_ok=True)], from_cart=False)
            if result.outcome == "waitlisted":
                return c.class_number
    raise AssertionError("no full class to wait-list in the demo data")


def test_demo_clash_and_waitlist_through_the_services(demo_usis, demo_summary):
    usis = demo_usis
    usis.cart.add(DEMO_STUDENT, "2026-2027", demo_summary.highlights["clash"])
    waiting = waitlist_a_full_class(usis, date(2026, 11, 23))
    view = usis.timetable.week(DEMO_STUDENT)
    kinds = {o.class_number: o.kind for o in view.occurrences}
    assert kinds[waiting] == "waitlisted"
    assert kinds[demo_summary.highlights["clash"]] == "planned"
    assert any(o.conflicts and o.kind == "planned" for o in view.occurrences)
    assert any(o.conflicts and o.kind == "enrolled" for o in view.occurrences)


# ---------------------------------------------------------------------------- exams
def test_exam_schedule_deadline_is_ten_days_before_each_exam(demo_usis):
    lines = demo_usis.timetable.exams(DEMO_STUDENT)
    assert lines
    assert [line.day for line in lines] == sorted(line.day for line in lines)
    for line in lines:
        assert line.component in ("Exam", "Resit")
        assert line.deadline == line.day - timedelta(days=EXAM_DEADLINE_DAYS)
        assert line.days_left == (line.deadline - DEMO_NOW.date()).days
    enrolled = [(line.class_number, line.day, line.start, line.end, line.room)
                for line in lines if line.kind == "enrolled"]
    schedule = demo_usis.enrolment.schedule(DEMO_STUDENT)
    assert enrolled == sorted(((s.cls.class_number, d, m.start, m.end, m.room)
                               for s in schedule if s.cls.component in ("Exam", "Resit")
                               for m in s.cls.meetings for d in meeting_dates(m)),
                              key=lambda t: (t[1], t[2]))
    assert len(enrolled) >= 4
    # The resit of the failed course is offered (not enrolled), in this academic year only.
    resits = [line for line in lines if line.component == "Resit"]
    assert len(resits) == 1 and resits[0].kind == "not_enrolled"
    assert resits[0].academic_year == "2026-2027"
    assert "days left" in resits[0].deadline_label


def test_exam_schedule_offers_exams_of_followed_courses_and_flags_passed_deadlines(sc, usis, clock):
    s = sc.student()
    course = sc.course("4001ALG", title="Algorithms")
    lec = sc.section("2001", course=course, meets=[(0, "09:00", "10:45")])
    sc.section("2002", course=course, component="Exam",
               meets=[(2, "09:00", "12:00", date(2026, 9, 16), date(2026, 9, 16))])
    sc.section("2003", course=course, component="Resit",
               meets=[(2, "09:00", "12:00", date(2026, 11, 4), date(2026, 11, 4))])
    usis.enrolment.enrol(s.number, [req(lec)], from_cart=False)
    [exam] = usis.timetable.exams(s.number)  # no resit: the exam was not failed
    assert (exam.class_number, exam.kind, exam.status_label) == ("2002", "not_enrolled",
                                                                 "Not enrolled")
    assert exam.deadline == date(2026, 9, 6) and exam.deadline_passed  # clock: 7 Sep 2026
    assert exam.deadline_label == "Sun 6 Sep 2026 (passed)"
    clock.set(datetime(2026, 9, 6, 12, 0))
    [exam] = usis.timetable.exams(s.number)
    assert not exam.deadline_passed and exam.deadline_label.endswith("(today)")
    sc.result(s, course, 4.0)
    assert [e.class_number for e in usis.timetable.exams(s.number)] == ["2002", "2003"]


# ---------------------------------------------------------------------------- iCalendar
def expected_meetings(db, student_number: str, statuses=("enrolled",)) -> list[tuple]:
    """(start, end, location) of every real meeting date, read straight from the database."""
    out = []
    with db.read() as session:
        student = session.scalar(select(Student).where(Student.student_number == student_number))
        for e in session.scalars(select(Enrolment).where(Enrolment.student_id == student.id,
                                                         Enrolment.status.in_(statuses))):
            section = session.get(ClassSection, e.section_id)
            for m in section.meetings:
                for d in m.dates():
                    out.append((datetime.combine(d, m.start_time, tzinfo=AMS),
                                datetime.combine(d, m.end_time, tzinfo=AMS), m.room))
    return sorted(out)


def test_ics_parsed_back_equals_the_database_meetings(demo_usis):
    data = demo_usis.timetable.ics(DEMO_STUDENT)
    cal = Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    parsed = sorted((ev.decoded("dtstart"), ev.decoded("dtend"), str(ev.get("location")))
                    for ev in events)
    expected = expected_meetings(demo_usis.db, DEMO_STUDENT)
    assert len(events) == len(expected) > 150
    assert parsed == expected
    for ev in events:
        assert ev["dtstart"].params["TZID"] == "Europe/Amsterdam"
        assert ev.decoded("dtstart").utcoffset() in (timedelta(hours=1), timedelta(hours=2))
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    assert cal["VERSION"] == "2.0" and "uSis" in str(cal["PRODID"])
    # DST is right: a September class is at +02:00, a December one at +01:00.
    offsets = {ev.decoded("dtstart").month: ev.decoded("dtstart").utcoffset() for ev in events}
    assert offsets[9] == timedelta(hours=2) and offsets[12] == timedelta(hours=1)


def test_ics_is_byte_identical_for_the_same_data_and_clock(demo_db_url):
    first = Usis.open(demo_db_url, clock=lambda: DEMO_NOW)
    second = Usis.open(demo_db_url, clock=lambda: DEMO_NOW)
    try:
        a = first.timetable.ics(DEMO_STUDENT)
        b = second.timetable.ics(DEMO_STUDENT)
        assert a == b
        assert a == first.timetable.ics(DEMO_STUDENT)
        stamps = {ev.decoded("dtstamp") for ev in Calendar.from_ical(a).walk("VEVENT")}
        assert stamps == {DEMO_NOW.replace(tzinfo=AMS).astimezone(timezone.utc)}
        starts = [ev.decoded("dtstart") for ev in Calendar.from_ical(a).walk("VEVENT")]
        assert starts == sorted(starts)
    finally:
        first.close()
        second.close()


def test_uids_are_stable_and_unique_across_exports(demo_usis, demo_summary):
    before = Calendar.from_ical(demo_usis.timetable.ics(DEMO_STUDENT))
    uids = {str(ev["UID"]): ev.decoded("dtstart") for ev in before.walk("VEVENT")}
    assert len(uids) == len(list(before.walk("VEVENT")))
    some = demo_usis.timetable.week(DEMO_STUDENT).occurrences[0]
    assert f"2026-2027-{some.class_number}-{some.day:%Y%m%d}@usis.leidenuniv.nl" in uids
    demo_usis.cart.add(DEMO_STUDENT, "2026-2027", demo_summary.highlights["clash"])
    after = Calendar.from_ical(demo_usis.timetable.ics(DEMO_STUDENT,
                                                       kinds=("enrolled", "planned")))
    again = {str(ev["UID"]): ev.decoded("dtstart") for ev in after.walk("VEVENT")}
    assert len(again) > len(uids)
    assert {u: again[u] for u in uids} == uids  # same events, same UIDs
    planned = [ev for ev in after.walk("VEVENT") if "[Planned]" in str(ev["SUMMARY"])]
    assert planned and all(str(ev["STATUS"]) == "TENTATIVE" for ev in planned)


def test_two_meetings_of_one_class_on_one_day_get_distinct_uids(sc, usis):
    s = sc.student()
    lec = sc.section("2001", meets=[(0, "09:00", "10:45"), (0, "13:45", "15:30")])
    usis.enrolment.enrol(s.number, [req(lec)], from_cart=False)
    keys = [o.key for o in usis.timetable.agenda(s.number) if o.day == date(2026, 9, 7)]
    assert keys == ["2026-2027-2001-20260907", "2026-2027-2001-20260907-2"]


def test_export_returns_the_file_and_writes_nothing(demo_usis, tmp_path, monkeypatch):
    """The service hands the .ics over (name, bytes, events); it never takes a path, so no
    caller can make it write anywhere (the app delivers it, the CLI writes it)."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    result = demo_usis.timetable.export(DEMO_STUDENT)
    assert result.filename == f"usis-timetable-{DEMO_STUDENT}.ics"
    assert result.data == demo_usis.timetable.ics(DEMO_STUDENT)
    assert result.events == len(list(Calendar.from_ical(result.data).walk("VEVENT")))
    assert list(cwd.iterdir()) == []
    assert "path" not in inspect.signature(demo_usis.timetable.export).parameters
    with pytest.raises(ServiceError, match="Nothing to export"):
        demo_usis.timetable.export(DEMO_STUDENT, kinds=())
    with pytest.raises(ServiceError, match="does not exist"):
        demo_usis.timetable.export("s0000000")


# ---------------------------------------------------------------------------- helpers
@pytest.mark.parametrize(("value", "monday"), [
    (None, date(2026, 11, 23)),
    ("48", date(2026, 11, 23)),
    ("w52", date(2026, 12, 21)),
    ("3", date(2027, 1, 18)),
    ("2027-W05", date(2027, 2, 1)),
    ("2026W37", date(2026, 9, 7)),
    ("2026-11-26", date(2026, 11, 23)),
])
def test_parse_week(value, monday):
    assert parse_week(value, date(2026, 11, 23)) == monday


@pytest.mark.parametrize("value", ["banana", "2026-W60", "99", "2026-13-01"])
def test_parse_week_refuses_nonsense(value):
    with pytest.raises(ServiceError, match="Not a week"):
        parse_week(value, date(2026, 11, 23))


def test_date_range():
    assert date_range(date(2026, 11, 23), date(2026, 11, 27)) == "23 – 27 Nov 2026"
    assert date_range(date(2026, 11, 30), date(2026, 12, 4)) == "30 Nov – 4 Dec 2026"


# ---------------------------------------------------------------------------- the command
def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    from usis_tui.cli import main

    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_writes_the_ics_file(demo_db_url, tmp_path, capsys):
    target = tmp_path / "timetable.ics"
    code, out, err = run_cli(capsys, "timetable", "--db", demo_db_url, "--now",
                             DEMO_NOW.isoformat(), "--student", DEMO_STUDENT, "--ics", str(target))
    assert (code, err) == (0, "")
    assert out.startswith("Wrote ") and str(target) in out
    cal = Calendar.from_ical(target.read_bytes())
    usis = Usis.open(demo_db_url, clock=lambda: DEMO_NOW)
    try:
        assert target.read_bytes() == usis.timetable.ics(DEMO_STUDENT)  # same clock, same bytes
        assert len(list(cal.walk("VEVENT"))) == len(expected_meetings(usis.db, DEMO_STUDENT))
    finally:
        usis.close()


def test_cli_ics_never_replaces_a_file_without_force(demo_db_url, tmp_path, capsys):
    """Found: --ics with the database's own path turned the database into an .ics file. An
    existing file is kept (one line, exit 1) unless --force."""
    database = Path(make_url(demo_db_url).database)
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    base = ("timetable", "--db", demo_db_url, "--now", DEMO_NOW.isoformat(),
            "--student", DEMO_STUDENT)
    code, out, err = run_cli(capsys, *base, "--ics", str(database))
    assert (code, out) == (1, "") and err.count("\n") == 1
    assert "already exists" in err and "--force" in err
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before
    mine = tmp_path / "mine.ics"
    mine.write_text("my own calendar")
    code, _, err = run_cli(capsys, *base, "--ics", str(mine))
    assert code == 1 and mine.read_text() == "my own calendar"
    code, out, err = run_cli(capsys, *base, "--ics", str(mine), "--force")
    assert (code, err) == (0, "") and mine.read_bytes().startswith(b"BEGIN:VCALENDAR")


@pytest.mark.parametrize("kind", ["device", "folder", "symlink", "fifo"])
def test_cli_ics_writes_only_regular_files(demo_db_url, tmp_path, capsys, kind):
    """Found: --ics /dev/full replaced the device node. Anything that is not a regular file is
    refused, --force or not."""
    if kind == "device":
        target = Path("/dev/null")
    elif kind == "folder":
        target = tmp_path
    elif kind == "symlink":
        real = tmp_path / "real.ics"
        real.write_text("keep")
        target = tmp_path / "link.ics"
        target.symlink_to(real)
    else:
        target = tmp_path / "pipe.ics"
        os.mkfifo(target)
    before = target.lstat()
    code, out, err = run_cli(capsys, "timetable", "--db", demo_db_url, "--now",
                             DEMO_NOW.isoformat(), "--student", DEMO_STUDENT, "--ics",
                             str(target), "--force")
    assert (code, out) == (1, "") and err.count("\n") == 1 and "usis: error:" in err
    after = target.lstat()
    assert (after.st_mode, after.st_ino, after.st_rdev) == (
        before.st_mode, before.st_ino, before.st_rdev)
    if kind == "symlink":
        assert (tmp_path / "real.ics").read_text() == "keep"


def test_cli_prints_a_week_and_the_exams(demo_db_url, capsys):
    base = ("timetable", "--db", demo_db_url, "--now", DEMO_NOW.isoformat(),
            "--student", DEMO_STUDENT)
    code, out, _ = run_cli(capsys, *base)
    assert code == 0 and out.startswith("s1234567 · Week 48 · 23 – 29 Nov 2026")
    assert "Mon 23 Nov  (today)" in out and "4031CARCY" in out
    code, out, _ = run_cli(capsys, *base, "--week", "52")
    assert code == 0 and "No classes this week" in out and "Mon 18 Jan 2027" in out
    code, out, _ = run_cli(capsys, *base, "--exams")
    assert code == 0 and "deadline Fri 8 Jan 2027" in out


def test_cli_unknown_student_is_one_line(demo_db_url, tmp_path, capsys):
    code, out, err = run_cli(capsys, "timetable", "--db", demo_db_url, "--student", "s0000000",
                             "--ics", str(tmp_path / "x.ics"))
    assert code == 1 and out == ""
    assert err == "usis: error: Student s0000000 does not exist.\n"
    assert not (tmp_path / "x.ics").exists()
    code, _, err = run_cli(capsys, "timetable", "--db", demo_db_url, "--student", DEMO_STUDENT,
                           "--week", "soon")
    assert code == 1 and err.count("\n") == 1 and "Not a week" in err


def test_frozen_now_in_scenario_is_a_teaching_monday():
    assert NOW.weekday() == 0  # the scenario clock the tests above rely on


# ---------------------------------------------------------------------------- grid layout
def occurrence(day: date, start: str, end: str, number: str, **kw):
    from datetime import time

    from usis_tui.services.schemas import MeetingInfo
    from usis_tui.services.timetable import Occurrence

    t0, t1 = time.fromisoformat(start), time.fromisoformat(end)
    return Occurrence(key=f"k{number}{day}", kind=kw.get("kind", "enrolled"), day=day, start=t0,
                      end=t1, room=kw.get("room", "Gorlaeus BW.0.20"), academic_year=YEAR,
                      class_number=number, catalogue_number=kw.get("cat", "4031CARCY"),
                      title=kw.get("title", "Computer Architecture"), component="Lecture",
                      section="1", instructor="Dr. A. Docent", brightspace_url=None,
                      waitlist_position=kw.get("position"),
                      meeting=MeetingInfo(weekday=day.weekday(), start=t0, end=t1, room=None,
                                          start_date=day, end_date=day),
                      conflicts=kw.get("conflicts", ()))


def test_grid_fits_one_row_per_hour_at_80x24_and_more_when_taller():
    from usis_tui.widgets.week_grid import geometry

    days = [date(2026, 11, 23) + timedelta(days=i) for i in range(5)]
    small = geometry(80, 15, days)
    assert (small.rows_per_hour, small.first_hour, small.last_hour) == (1, 8, 22)
    assert small.columns[0] == 6 and small.columns[-1] == 80
    big = geometry(116, 46, days)
    assert big.rows_per_hour == 3 and big.grid_rows == 42
    assert big.row_of(time_(13, 45)) == 17  # 5.75 hours after 08:00, three rows an hour


def time_(h: int, m: int = 0):
    from datetime import time

    return time(h, m)


def test_grid_shows_the_hours_around_the_classes_when_short():
    from usis_tui.widgets.week_grid import geometry

    day = date(2026, 11, 23)
    geo = geometry(80, 9, [day], [occurrence(day, "15:45", "17:30", "2001")])
    assert (geo.rows_per_hour, geo.first_hour, geo.last_hour) == (1, 14, 22)


def test_overlapping_blocks_stand_side_by_side():
    from usis_tui.widgets.week_grid import geometry, place

    day = date(2026, 11, 23)
    occ = [occurrence(day, "09:00", "10:45", "2001"), occurrence(day, "10:00", "11:45", "2002"),
           occurrence(day, "11:00", "12:45", "2003"), occurrence(day, "15:45", "17:30", "2004")]
    geo = geometry(80, 29, [day], occ)  # 2 rows an hour, one day 74 wide
    placed = {p.occurrence.class_number: p for p in place(occ, geo)}
    a, b, c, d = (placed[n] for n in ("2001", "2002", "2003", "2004"))
    assert (a.lanes, b.lanes, c.lanes, d.lanes) == (2, 2, 2, 1)
    assert a.lane == 0 and b.lane == 1 and c.lane == 0  # c reuses a's lane after a ends
    assert a.right <= b.left and b.right <= 80
    assert d.left == a.left and d.right == 80
    assert (a.top, a.bottom) == (2, 6) and (d.top, d.bottom) == (16, 19)


def test_block_text_fits_its_width():
    from usis_tui.widgets.week_grid import block_lines

    o = occurrence(date(2026, 11, 23), "09:00", "10:45", "2001", kind="waitlisted", position=3,
                   conflicts=("2002",))
    for width in (3, 6, 12, 20, 40):
        for height in (1, 2, 3, 5, 8):
            lines = block_lines(o, width, height)
            assert 1 <= len(lines) <= height
            assert all(len(line) <= width for line in lines)
    assert block_lines(o, 13, 2) == ["4031CARCY", "WL3 Lec Gorl…"]
    assert block_lines(o, 30, 5) == ["4031CARCY", "Computer Architecture",
                                     "Lecture 09:00–10:45", "Gorlaeus BW.0.20",
                                     "Wait list #3 · Conflict 2002"]
    assert block_lines(o, 40, 6)[0] == "4031CARCY Computer Architecture"
    assert block_lines(o, 40, 6)[-1] == "Dr. A. Docent"


def test_cli_include_adds_planned_classes(demo_db_url, demo_summary, tmp_path, capsys):
    usis = Usis.open(demo_db_url, clock=lambda: DEMO_NOW)
    try:
        usis.cart.add(DEMO_STUDENT, "2026-2027", demo_summary.highlights["clash"])
    finally:
        usis.close()
    base = ("timetable", "--db", demo_db_url, "--now", DEMO_NOW.isoformat(),
            "--student", DEMO_STUDENT)
    code, out, _ = run_cli(capsys, *base, "--include", "planned")
    assert code == 0 and "[planned; CONFLICT with " in out
    only, both = tmp_path / "only.ics", tmp_path / "both.ics"
    run_cli(capsys, *base, "--ics", str(only))
    code, out, _ = run_cli(capsys, *base, "--ics", str(both), "--include", "waitlisted,planned")
    assert code == 0 and "(enrolled, waitlisted, planned)" in out
    count = [len(list(Calendar.from_ical(p.read_bytes()).walk("VEVENT"))) for p in (only, both)]
    assert count[1] > count[0]
    code, _, err = run_cli(capsys, *base, "--include", "dropped")
    assert code == 2 and "unknown kind 'dropped'" in err and err.count("\n") == 1
