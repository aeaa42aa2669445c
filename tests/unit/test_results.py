"""services/results.py: the Board of Examiners registers the grades of an exam class (typed or
from a CSV file), all or nothing; each student gets a message "New study result"; a failing
grade opens the resit (the enrolment rules allow it), a pass closes it; registering again
corrects the result. Both backends."""

from __future__ import annotations

from datetime import date

import pytest
from factories import NOW, YEAR, req, unchanged
from sqlalchemy import select, update

from usis_tui.models import ExamResult, Student
from usis_tui.services import ServiceError, Usis
from usis_tui.services.access import Principal, guard
from usis_tui.services.results import GradeError, GradeProblem, parse_grade

EXAM_DAY = date(2026, 10, 19)  # a Monday
RESIT_DAY = date(2026, 11, 30)
BOARD = "board"
RESIT_SENTENCE = "You can enrol in the resit, class 2036, until 21 Sep 2026 10:00."


@pytest.fixture
def exam(sc):
    """Course 4031CPLANY with its exam 2035 (Eva and Jan enrolled), resit 2036 (enrolment open
    until 21 Sep 2026 10:00) and lecture 2034."""
    course = sc.course("4031CPLANY", title="Concepts of Programming Languages")
    exam = sc.section("2035", course=course, component="Exam",
                      meets=[(0, "09:00", "12:00", EXAM_DAY, EXAM_DAY)])
    resit = sc.section("2036", course=course, component="Resit",
                       meets=[(0, "09:00", "12:00", RESIT_DAY, RESIT_DAY)])
    lecture = sc.section("2034", course=course)
    eva, jan = sc.fill(exam, 2)
    outsider = sc.student(name="Noor Buiten")
    return type("Exam", (), dict(course=course, exam=exam, resit=resit, lecture=lecture, eva=eva,
                                 jan=jan, outsider=outsider))


def rows(db, student=None) -> list[ExamResult]:
    with db.read() as s:
        stmt = select(ExamResult).order_by(ExamResult.id)
        if student is not None:
            stmt = stmt.where(ExamResult.student_id == student.id)
        out = list(s.scalars(stmt))
        s.expunge_all()
        return out


def resit_verdict(usis: Usis, student) -> tuple[str, list[str]]:
    """What the Shopping cart says about the resit (added and taken out again)."""
    line = usis.cart.add(student.number, YEAR, "2036")
    usis.cart.remove(student.number, line.item_id)
    return line.would, [p.hint for p in line.problems]


def newest_message(usis: Usis, student):
    return usis.student.messages(student.number)[0]


# ---------------------------------------------------------------------------- grades
@pytest.mark.parametrize("typed, parsed", [
    ("7.5", (7.5, None)), ("7,5", (7.5, None)), (" 8 ", (8.0, None)), ("10", (10.0, None)),
    ("1,0", (1.0, None)), ("7.50", (7.5, None)), ("v", (None, "V")), ("Nv", (None, "NV"))])
def test_grades_as_typed(typed, parsed):
    assert tuple(parse_grade(typed)) == parsed


@pytest.mark.parametrize("typed, why", [
    ("", "no grade given"), ("11", "is not between 1 and 10"), ("0.5", "not between 1 and 10"),
    ("7.55", "more than one decimal"), ("seven", "is not a grade"), ("7.5.1", "is not a grade"),
    ("-3", "is not a grade"), ("٧", "is not a grade"), ("VV", "is not a grade")])
def test_bad_grades(typed, why):
    with pytest.raises(GradeError) as err:
        parse_grade(typed)
    assert why in str(err.value)


# ---------------------------------------------------------------------------- register
def test_a_failing_grade_messages_the_student_and_opens_the_resit(usis, exam, db):
    eva = exam.eva
    would, hints = resit_verdict(usis, eva)  # before: no result, no resit
    assert would == "failed" and "Do not enrol for retakes automatically" in hints[0]
    [before] = usis.enrolment.enrol(eva.number, [req(exam.resit)])
    assert before.outcome == "failed" and before.problems[0].code == "requisites"

    done = usis.results.register(YEAR, "2035", {eva.number: "4,5"}, actor=BOARD)
    assert (done.class_number, done.component, done.registered, done.corrected) == (
        "2035", "Exam", 1, 0)
    [line] = done.results
    assert (line.student_number, line.grade, line.passed, line.attempt, line.resit_class) == (
        eva.number, 4.5, False, 1, "2036")
    [row] = rows(db, eva)
    assert (row.grade, row.mark, row.component, row.attempt, row.exam_date, row.section_id,
            row.registered_at, row.registered_by, row.hidden_until) == (
        4.5, None, "Exam", 1, EXAM_DAY, exam.exam.id, NOW, BOARD, None)
    message = newest_message(usis, eva)
    assert (message.category, message.subject) == (
        "result", "New study result: 4031CPLANY Concepts of Programming Languages")
    assert message.body == (
        "Your result for 4031CPLANY Concepts of Programming Languages (Exam, class 2035, "
        "19 Oct 2026) has been registered: 4.5. You did not pass 4031CPLANY. " + RESIT_SENTENCE)
    entry = usis.audit.entries(eva.number, action="result_register")[-1]
    assert (entry.actor, entry.acting_for, entry.outcome) == (BOARD, eva.number, "ok")
    assert "class 2035 (2026-2027), 4031CPLANY: 4.5, attempt 1" in entry.detail
    # the rules now allow the resit: the cart says so, and enrolling works
    assert resit_verdict(usis, eva) == ("enrolled", [])
    [enrolled] = usis.enrolment.enrol(eva.number, [req(exam.resit)])
    assert enrolled.outcome == "enrolled"
    assert usis.student.messages(exam.jan.number) == []  # nobody else was told anything


def test_a_passing_grade_refuses_the_resit(usis, exam):
    jan = exam.jan
    done = usis.results.register(YEAR, "2035", {jan.number: "7.5"}, actor=BOARD)
    assert done.results[0].passed and done.results[0].resit_class is None
    body = newest_message(usis, jan).body
    assert body.endswith("has been registered: 7.5. You passed 4031CPLANY.")
    would, hints = resit_verdict(usis, jan)
    assert would == "failed" and "You passed 4031CPLANY with a 7.5" in hints[0]
    [refused] = usis.enrolment.enrol(jan.number, [req(exam.resit)])
    assert refused.outcome == "failed" and refused.problems[0].code == "requisites"


def test_every_problem_at_once_and_nothing_written(usis, exam, db):
    grades = {exam.eva.number: "11", " S" + exam.jan.number[1:].upper(): "7.55",
              "s9999999": "V", exam.outsider.number: "", "s1000001x": "x"}
    with unchanged(db), pytest.raises(ServiceError) as err:
        usis.results.register(YEAR, "2035", grades, actor=BOARD)
    found = [(p.student_number, p.code) for p in err.value.problems
             if isinstance(p, GradeProblem)]
    assert found == [(exam.eva.number, "bad_grade"), (exam.jan.number, "bad_grade"),
                     ("s9999999", "unknown_student"), (exam.outsider.number, "not_enrolled"),
                     (exam.outsider.number, "bad_grade"), ("s1000001x", "unknown_student"),
                     ("s1000001x", "bad_grade")]
    messages = [p.message for p in err.value.problems]
    assert messages[0] == f"{exam.eva.number}: '11' is not between 1 and 10"
    assert messages[1].endswith("'7.55' has more than one decimal: a grade is registered with "
                                "one (e.g. 7.5)")
    assert messages[2] == "s9999999: no student has this number"
    assert messages[3].endswith("is not enrolled in class 2035")
    assert messages[4].endswith(": no grade given")
    assert err.value.problems[0].hint.startswith("Type a grade from 1 to 10")
    # one bad grade among good ones: still nothing
    with unchanged(db), pytest.raises(ServiceError) as err:
        usis.results.register(YEAR, "2035", {exam.eva.number: "6", exam.jan.number: "x"})
    assert [p.code for p in err.value.problems] == ["bad_grade"]
    assert usis.student.messages(exam.eva.number) == []


@pytest.mark.parametrize("call, code", [
    (lambda u: u.results.register(YEAR, "2034", {"s1": "7"}), "not_an_exam_class"),
    (lambda u: u.results.register(YEAR, "9999", {"s1": "7"}), "unknown_class"),
    (lambda u: u.results.register("2030-2031", "2035", {"s1": "7"}), "unknown_year"),
    (lambda u: u.results.register(YEAR, "2035", {}), "no_grades"),
    (lambda u: u.results.sheet(YEAR, "2034"), "not_an_exam_class"),
])
def test_classes_that_take_no_results(usis, exam, db, call, code):
    with unchanged(db), pytest.raises(ServiceError) as err:
        call(usis)
    assert err.value.code == code


def test_registering_again_corrects_the_result(usis, exam, db, sc):
    eva = exam.eva
    sc.result(eva, exam.course, 4.0, date(2025, 1, 20))  # an earlier attempt (older result)
    first = usis.results.register(YEAR, "2035", {eva.number: "5"}, actor=BOARD)
    assert (first.results[0].attempt, first.results[0].corrected) == (2, False)
    fixed = usis.results.register(YEAR, "2035", {eva.number: "6,5"}, actor=BOARD,
                                  exam_date=date(2026, 10, 20))
    assert (fixed.registered, fixed.corrected) == (0, 1)
    assert (fixed.results[0].attempt, fixed.results[0].corrected, fixed.results[0].passed) == (
        2, True, True)
    assert [(r.grade, r.attempt, r.section_id) for r in rows(db, eva)] == [
        (4.0, 1, None), (6.5, 2, exam.exam.id)]
    assert rows(db, eva)[1].exam_date == date(2026, 10, 20)
    message = newest_message(usis, eva)
    assert message.subject == ("Study result corrected: 4031CPLANY Concepts of Programming "
                               "Languages")
    assert "has been corrected: 6.5. You passed 4031CPLANY." in message.body
    assert "corrected, was 5.0" in usis.audit.entries(eva.number)[-1].detail
    assert resit_verdict(usis, eva)[0] == "failed"  # passed now: no resit
    [line] = [s for s in usis.results.sheet(YEAR, "2035").students if s.student_number ==
              eva.number]
    assert line.result is not None and line.result.label() == "6.5"
    assert [(r.grade, r.attempt) for r in line.earlier] == [(4.0, 1)]


def test_marks_v_and_nv(usis, exam, db):
    done = usis.results.register(YEAR, "2035", {exam.eva.number: "nv", exam.jan.number: "V"})
    assert [(r.mark, r.grade, r.passed, r.label()) for r in done.results] == [
        ("NV", None, False, "NV"), ("V", None, True, "V")]
    assert [(r.grade, r.mark) for r in rows(db)] == [(None, "NV"), (None, "V")]
    assert resit_verdict(usis, exam.eva) == ("enrolled", [])
    would, hints = resit_verdict(usis, exam.jan)
    assert would == "failed" and "You passed 4031CPLANY with a V" in hints[0]
    assert newest_message(usis, exam.eva).body.endswith(
        "has been registered: NV. You did not pass 4031CPLANY. " + RESIT_SENTENCE)
    assert rows(db)[0].registered_by == "admin"  # nobody named: the local administrator


def test_a_resit_result_is_the_next_attempt(usis, exam, db):
    eva = exam.eva
    usis.results.register(YEAR, "2035", {eva.number: "4"})
    usis.enrolment.enrol(eva.number, [req(exam.resit)])
    done = usis.results.register(YEAR, "2036", {eva.number: "3"})
    assert (done.component, done.results[0].attempt) == ("Resit", 2)
    # a failed resit names no resit to enrol in (its own enrolment is what it is)
    assert done.results[0].resit_class is None
    assert "You can enrol in the resit" not in newest_message(usis, eva).body
    assert [(r.component, r.attempt, r.exam_date) for r in rows(db, eva)] == [
        ("Exam", 1, EXAM_DAY), ("Resit", 2, RESIT_DAY)]


def test_the_message_is_in_the_students_language(usis, exam, db):
    with db.write() as s:
        s.execute(update(Student).where(Student.id == exam.eva.id).values(language="nl"))
    usis.results.register(YEAR, "2035", {exam.eva.number: "4,5"})
    body = newest_message(usis, exam.eva).body
    # (the sentences are Dutch once the catalogue has them; the grade and dates are already)
    assert "4,5" in body and "19 okt. 2026" in body and "21 sep. 2026 10:00" in body


def test_exam_classes_and_the_sheet(usis, exam, sc):
    sc.section("2099", component="Exam", year=YEAR)  # another course's exam, no exam day
    usis.results.register(YEAR, "2035", {exam.eva.number: "8"})
    classes = usis.results.exam_classes(YEAR)
    assert [(c.class_number, c.component, c.exam_day, c.enrolled, c.registered)
            for c in classes] == [("2035", "Exam", EXAM_DAY, 2, 1),
                                  ("2036", "Resit", RESIT_DAY, 0, 0),
                                  ("2099", "Exam", None, 0, 0)]
    assert usis.results.exam_classes() == classes  # the current year by default
    sheet = usis.results.sheet(None, "2035")
    assert sheet.exam_class == classes[0]
    assert [(s.student_number, s.programme, s.result.label() if s.result else None)
            for s in sheet.students] == [(exam.eva.number, "Computer Science", "8.0"),
                                         (exam.jan.number, "Computer Science", None)]
    assert all(s.name.startswith("Student ") for s in sheet.students)


# ---------------------------------------------------------------------------- CSV import
HEADER = "academic_year,class_number,student_number,grade,exam_date\n"


def test_import_a_good_file(usis, exam, db):
    data = (HEADER + f"{YEAR},2035,{exam.eva.number},\"4,5\",\n"
            f"{YEAR},2035,{exam.jan.number.upper()},V,2026-10-20\n").encode()
    with unchanged(db):
        checked = usis.results.import_bytes(data, name="grades.csv", check=True, actor=BOARD)
    assert (checked.rows, checked.classes, checked.registered, checked.checked) == (2, 1, 2, True)
    done = usis.results.import_bytes(data, name="grades.csv", actor=BOARD)
    assert (done.rows, done.classes, done.registered, done.corrected, done.checked) == (
        2, 1, 2, 0, False)
    assert [(r.grade, r.mark, r.exam_date, r.registered_by) for r in rows(db)] == [
        (4.5, None, EXAM_DAY, BOARD), (None, "V", date(2026, 10, 20), BOARD)]
    assert newest_message(usis, exam.eva).subject.startswith("New study result")
    assert "from grades.csv" in usis.audit.entries(exam.jan.number)[-1].detail
    again = usis.results.import_bytes(data, actor=BOARD)  # the same file: corrections
    assert (again.registered, again.corrected) == (0, 2)


def test_import_reports_every_bad_line_and_writes_nothing(usis, exam, db):
    data = (HEADER
            + f"{YEAR},2035,{exam.eva.number},11,\n"          # 2: grade
            + f"{YEAR},2035,{exam.jan.number},7,\n"           # 3: good
            + f"{YEAR},9999,{exam.jan.number},7,\n"           # 4: no such class
            + f"{YEAR},2034,{exam.jan.number},7,\n"           # 5: a lecture
            + f"{YEAR},2035,{exam.jan.number},8,\n"           # 6: Jan twice
            + f"{YEAR},2035,{exam.outsider.number},6,\n"      # 7: not enrolled
            + f"{YEAR},2035,s9999999,6,19-10-2026\n"          # 8: unknown, bad date
            + f"2030-2031,2035,{exam.eva.number},6,\n"        # 9: no such year
            + f"{YEAR},20x5,,,\n"                             # 10: empty, bad class
            ).encode()
    with unchanged(db), pytest.raises(ServiceError) as err:
        usis.results.import_bytes(data, actor=BOARD)
    messages = [p.message for p in err.value.problems]
    assert messages == [
        "Line 2, grade: '11' is not between 1 and 10",
        "Line 4, class_number: class 9999 does not exist in 2026-2027",
        "Line 5, class_number: class 2034 is a lecture class; results are registered for exam "
        "and resit classes",
        "Line 6, student_number: " + exam.jan.number + " is already on line 3 for class 2035",
        "Line 7, student_number: Noor Buiten is not enrolled in class 2035",
        "Line 8, exam_date: '19-10-2026' is not a date such as 2027-01-18",
        "Line 9, academic_year: '2030-2031' is not an academic year in uSis; the years are "
        "2026-2027",
        "Line 10, student_number: is empty; this column is required",
        "Line 10, grade: is empty; this column is required",
        "Line 10, class_number: '20x5' is not a class number (exactly 4 digits, e.g. 1052)",
        "Nothing was imported: 8 of 9 rows have problems.",
    ]
    assert usis.student.messages(exam.eva.number) == []


def test_import_a_file_that_is_no_results_file(usis, exam, db, tmp_path):
    with unchanged(db), pytest.raises(ServiceError) as err:
        usis.results.import_bytes(b"academic_year,class_number,grade\n2026-2027,2035,7\n")
    assert [p.message for p in err.value.problems] == [
        "Line 1: missing column(s) student_number",
        "Nothing was imported: the file cannot be read as results."]
    with pytest.raises(ServiceError) as err:
        usis.results.import_file(tmp_path)
    assert err.value.code == "file_refused"


# ---------------------------------------------------------------------------- access
def test_a_student_or_support_cannot_register_results(usis, exam, db, sc):
    sc.staff(BOARD, "board")
    calls = {
        "exam_classes": lambda r: r.exam_classes(YEAR),
        "sheet": lambda r: r.sheet(YEAR, "2035"),
        "register": lambda r: r.register(YEAR, "2035", {exam.eva.number: "9"}),
        "import_bytes": lambda r: r.import_bytes(
            (HEADER + f"{YEAR},2035,{exam.eva.number},9,\n").encode()),
        "import_file": lambda r: r.import_file("results.csv"),
    }
    for principal in (Principal(username=exam.eva.number, role="student"),
                      Principal(username="helpdesk", role="support",
                                acting_for=exam.eva.number)):
        results = guard(usis, principal).results
        for name, call in calls.items():
            with unchanged(db), pytest.raises(ServiceError) as err:
                call(results)
            assert err.value.code == "not_authorised", (principal, name)
            assert "Board of Examiners" in str(err.value)
    board = guard(usis, Principal(username=BOARD, role="board")).results
    done = board.register(YEAR, "2035", {exam.eva.number: "9"}, actor=BOARD)
    assert done.registered == 1 and rows(db, exam.eva)[0].registered_by == BOARD
    with pytest.raises(ServiceError) as err:  # not in somebody else's name
        board.register(YEAR, "2035", {exam.eva.number: "9"}, actor="someone")
    assert err.value.code == "not_authorised"


# ---------------------------------------------------------------------------- the demo
@pytest.fixture
def demo(demo_db_url, demo_now):
    usis = Usis.open(demo_db_url, clock=lambda: demo_now)
    yield usis
    usis.close()


def test_in_the_demo_failing_2014_opens_its_resit_2015(demo):
    """README: with the clock at 2026-11-23T09:30, s1234567 fails exam 2014 (Computer
    Architecture) and can then enrol in its resit 2015; a classmate who passes cannot."""
    eva, luca = "s1234567", "s2000003"

    def would(student: str) -> str:
        line = demo.cart.add(student, YEAR, "2015")
        demo.cart.remove(student, line.item_id)
        return line.would

    assert (would(eva), would(luca)) == ("failed", "failed")
    classes = {c.class_number: c for c in demo.results.exam_classes()}
    assert (classes["2014"].enrolled, classes["2014"].registered) == (70, 0)
    done = demo.results.register(YEAR, "2014", {eva: "4,5", luca: "7,5"}, actor=BOARD)
    assert [(r.student_number, r.passed, r.resit_class) for r in done.results] == [
        (eva, False, "2015"), (luca, True, None)]
    assert demo.student.messages(eva)[0].body.endswith(
        "You can enrol in the resit, class 2015, until 21 Feb 2027 23:59.")
    assert (would(eva), would(luca)) == ("enrolled", "failed")
    assert demo.results.exam_classes()[0].registered == 0  # (another class: 18 Jan)
    assert {c.class_number: c for c in demo.results.exam_classes()}["2014"].registered == 2


def test_the_file_format_is_in_the_readme():
    from pathlib import Path

    from usis_tui.services.results import OPTIONAL, REQUIRED

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Registering results", 1)[1].split("\n## ", 1)[0]
    for column in REQUIRED + OPTIONAL:
        assert f"| `{column}` |" in section, column
    example = (Path(__file__).resolve().parents[2] / "examples" / "results.csv").read_text()
    assert example.splitlines()[0] == ",".join(REQUIRED + OPTIONAL)


def test_in_the_demo_a_pass_is_done_in_the_requirements_and_in_the_study_results(demo):
    """The other side (services/academics.py) reads what is registered: Computer Architecture
    goes from in progress to done with its grade."""
    def line():
        report = demo.academics.requirements("s1234567")
        [found] = [x for g in report.groups for x in g.lines
                   if x.catalogue_number == "4031CARCY"]
        return found.state, found.grade

    assert line() == ("in_progress", None)
    demo.results.register(YEAR, "2014", {"s1234567": "7,5"}, actor=BOARD)
    assert line() == ("done", "7.5")
    results = demo.academics.results("s1234567")
    assert [(r.grade, r.attempt, r.component) for r in results.lines
            if r.catalogue_number == "4031CARCY"] == [(7.5, 1, "Exam")]
