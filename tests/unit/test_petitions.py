"""Petitions: every rule of the electives seed, every rounding example, all violations at once,
nothing saved when refused, the status transitions, a message at every change, the Board role.

Runs on a fresh copy of the demo database (clock: Monday 23 November 2026 09:30). The master
student s7654321 already has three petitions there: 000001 "Approved" (5 EC, level 500), 000002
"In progress" (external education, 7 EC, level 500) and 000003 "Submitted" (an HBO course,
3 EC at level 300).
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from sqlalchemy import func, select, update

from usis_tui.models import (
    AuditEntry,
    CartItem,
    Course,
    Enrolment,
    Message,
    Petition,
    PetitionDocument,
    PetitionEvent,
)
from usis_tui.services import ServiceError
from usis_tui.services.petitions import (
    STATUSES,
    TRANSITIONS,
    DecisionForm,
    GradeForm,
    PetitionForm,
    RuleContext,
    check_transition,
    form_fields,
    problem_fields,
    problems_from,
    round_ec,
    round_grade,
)

STUDENT = "s7654321"
TODAY = date(2026, 11, 23)


# ---------------------------------------------------------------------------- helpers
def external(**over) -> dict:
    """A valid external elective: 6 EC at level 500, starting in February."""
    data = {
        "petition_type": "Elective course", "source": "external",
        "course_name": "Advanced Information Retrieval", "institution": "University of Amsterdam",
        "institution_type": "University", "level": "500", "ec": "6",
        "course_start": "01-02-2027",
        "motivation": "Search engines are the subject of my graduation project.",
        "documents": "~/Documents/uva-air-course-description.pdf",
        "course_url": "https://studiegids.uva.nl/air",
    }
    data.update(over)
    return data


def catalogue_number(usis, title: str) -> str:
    with usis.db.read() as s:
        return s.scalar(select(Course.catalogue_number).where(Course.title == title))


def leiden(usis, title: str = "Data Visualization", **over) -> dict:
    """An elective from our catalogue (Media Technology's Data Visualization: starts 1 Feb)."""
    data = {"petition_type": "Elective course", "source": "leiden",
            "catalogue_number": catalogue_number(usis, title),
            "motivation": "Visualisation is the core of my thesis dashboard."}
    data.update(over)
    return data


def codes(exc: pytest.ExceptionInfo) -> list[str]:
    return [p.code for p in exc.value.problems]


def snapshot(usis) -> dict:
    """The rows a petition call may touch."""
    out = {}
    with usis.db.engine.connect() as conn:
        for table in ("petition", "petition_document", "petition_event", "message",
                      "audit_entry", "cart_item"):
            out[table] = sorted(conn.exec_driver_sql(f"SELECT * FROM {table}").all(), key=repr)
        # Large: a fingerprint is enough (petitions never touch enrolments).
        out["enrolment"] = conn.exec_driver_sql(
            "SELECT count(*), sum(id), max(id), sum(length(status)) FROM enrolment").all()
    return out


def messages(usis, student: str = STUDENT) -> list:
    return [m for m in usis.student.messages(student) if m.category == "petition"]


def submitted_id(usis, data: dict, student: str = STUDENT) -> int:
    return usis.petitions.submit(student, data).id


APPROVE = {"outcome": "approve", "decision_number": "26-27 LIACS 129",
           "decision_type": "Individueel besluit", "ec": "6", "level": "500",
           "institution": "University of Amsterdam"}


# ---------------------------------------------------------------------------- rounding
@pytest.mark.parametrize("grade, registered", [
    (5.5, 5.0),   # the seed: 5.5 is not accepted and becomes 5
    (7.3, 7.5),   # the seed: nearest half point
    (5.4, 5.0),   # the seed: 5.4 becomes 5 (never 5.5)
    (5.6, 6.0),   # nearest half point excluding 5.5
    (5.25, 5.0), (5.75, 6.0), (7.25, 7.5), (7.2, 7.0), (6.0, 6.0), (9.9, 10.0), (1.0, 1.0),
    (8.74, 8.5), (8.75, 9.0),
])
def test_grade_rounding(grade, registered):
    assert round_grade(grade) == registered
    assert GradeForm.model_validate({"entered": str(grade)}).grade == registered


@pytest.mark.parametrize("ec, registered", [(7.5, 7), ("7,5", 7), (6, 6), (7.9, 7), (2.5, 2)])
def test_half_credits_round_down(ec, registered):
    assert round_ec(str(ec).replace(",", ".")) == registered
    form = PetitionForm.model_validate(external(ec=str(ec)),
                                       context={"rules": RuleContext(today=TODAY)})
    assert form.ec_registered == registered


def test_the_student_is_told_about_rounding_down(demo_usis):
    preview = demo_usis.petitions.preview(STUDENT, external(ec="7.5"))
    assert preview.ec == 7.5 and preview.ec_registered == 7
    assert any("7.5 EC becomes 7 EC" in n for n in preview.notices)
    assert ("EC", "7.5 → 7 (rounded down)") in preview.rows()
    p = demo_usis.petitions.submit(STUDENT, external(ec="7.5"))
    assert (p.ec_entered, p.ec) == (7.5, 7)
    assert "7.5 EC becomes 7 EC" in messages(demo_usis)[0].body
    assert "7.5 EC becomes 7 EC" in p.events[0].note


# ---------------------------------------------------------------------------- each rule
@pytest.mark.parametrize("over, code", [
    ({"course_start": "02-11-2026"}, "after_course_start"),
    ({"course_start": "23-11-2026"}, "after_course_start"),  # starts today: too late as well
    ({"course_start": "31-02-2027"}, "course_start_not_a_date"),
    ({"course_start": ""}, "course_start_missing"),
    ({"institution_type": "HBO"}, "hbo_form_missing"),
    ({"motivation": "   "}, "motivation_missing"),
    ({"ec": "six"}, "ec_not_a_number"),
    ({"ec": ""}, "ec_missing"),
    ({"ec": "0"}, "ec_too_small"),
    ({"ec": "0.5"}, "ec_too_small"),
    ({"ec": "-3"}, "ec_not_a_number"),
    ({"level": ""}, "level_missing"),
    ({"level": "450"}, "level_missing"),
    ({"course_name": ""}, "course_name_missing"),
    ({"institution": ""}, "institution_missing"),
    ({"institution_type": ""}, "institution_type_missing"),
    ({"course_url": "studiegids"}, "course_url_invalid"),
    ({"level": "300", "ec": "6"}, "below_master_level"),
])
def test_each_rule_refuses_alone(demo_usis, over, code):
    before = snapshot(demo_usis)
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.submit(STUDENT, external(**over))
    assert codes(exc) == [code]
    assert all(p.message and p.message[0].isupper() for p in exc.value.problems)
    assert snapshot(demo_usis) == before


def test_hbo_with_the_signed_form_is_accepted(demo_usis):
    p = demo_usis.petitions.submit(STUDENT, external(
        institution_type="HBO", institution="Hogeschool van Amsterdam",
        hbo_form="~/Documents/hbo-elective-course-form.pdf"))
    assert p.institution_type == "HBO"
    assert [(d.kind, d.path) for d in p.documents] == [
        ("HBO Elective Course Form", "~/Documents/hbo-elective-course-form.pdf"),
        ("Document", "~/Documents/uva-air-course-description.pdf")]


def test_honours_course_cannot_be_an_elective(demo_usis):
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.submit(STUDENT, {
            "petition_type": "Elective course", "source": "leiden",
            "catalogue_number": "4000honsse", "course_start": "", "motivation": "Interesting."})
    assert codes(exc) == ["honours_course"]
    assert "honours course" in exc.value.problems[0].message
    # Any catalogue course marked honours is refused the same way.
    number = catalogue_number(demo_usis, "Data Visualization")
    with demo_usis.db.write() as s:
        s.execute(update(Course).where(Course.catalogue_number == number).values(honours=True))
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.submit(STUDENT, leiden(demo_usis))
    assert codes(exc) == ["honours_course"]


def test_catalogue_elective_takes_title_ec_level_and_start_from_the_catalogue(demo_usis):
    data = leiden(demo_usis)
    facts = demo_usis.petitions.course_facts(data["catalogue_number"])
    assert facts.starts_on == date(2027, 2, 1) and facts.level == 500
    p = demo_usis.petitions.submit(STUDENT, data)
    assert p.course == f"{data['catalogue_number']} Data Visualization"
    assert (p.level, p.ec, p.course_start, p.institution) == (500, 6, date(2027, 2, 1),
                                                              "Leiden University")


def test_catalogue_course_that_already_started_is_too_late(demo_usis):
    data = leiden(demo_usis, "Game Design")  # semester 1: started in September 2026
    facts = demo_usis.petitions.course_facts(data["catalogue_number"])
    first = facts.runs[0]
    assert first < TODAY < facts.starts_on  # the next run is next year
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.submit(STUDENT, {**data, "course_start": f"{first:%d-%m-%Y}"})
    assert codes(exc) == ["after_course_start"]
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.submit(STUDENT, {**data, "course_start": "01-03-2027"})
    assert codes(exc) == ["course_start_not_a_run"]
    # Its next run is fine.
    assert demo_usis.petitions.submit(STUDENT, data).course_start == facts.starts_on


def test_unknown_catalogue_number(demo_usis):
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.submit(STUDENT, leiden(demo_usis, catalogue_number="4343NOPE"))
    assert codes(exc) == ["unknown_course"]


def test_the_same_course_twice_is_refused_until_withdrawn(demo_usis):
    first = demo_usis.petitions.submit(STUDENT, external())
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.submit(STUDENT, external())
    assert codes(exc) == ["already_petitioned"]
    demo_usis.petitions.withdraw(STUDENT, first.id, "Wrong course.")
    demo_usis.petitions.submit(STUDENT, external())


# ---------------------------------------------------------------------------- level allowances
def test_level_allowances_count_approved_and_pending_electives(demo_usis):
    """Demo: 3 EC at level 300 pending (000003). 2 EC more at 300 fits; then nothing below 400."""
    p = demo_usis.petitions.submit(STUDENT, external(level="300", ec="2",
                                                     course_name="Design Thinking"))
    preview_notice = demo_usis.petitions.petition(STUDENT, p.id)
    assert preview_notice.level == 300
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.submit(STUDENT, external(level="100", ec="1", course_name="Intro"))
    assert codes(exc) == ["below_master_level"]
    message = exc.value.problems[0].message
    assert "6 EC of your electives would be below Master level" in message
    assert "Already approved or pending below Master level: 5 EC" in exc.value.problems[0].hint
    # Master level is always fine.
    demo_usis.petitions.submit(STUDENT, external(level="400", ec="6", course_name="Other"))


def test_at_most_3_ec_at_levels_100_200(demo_usis):
    pending = 3  # 000003 is at level 300, not at 100/200
    assert demo_usis.petitions.preview(STUDENT, external(level="200", ec="2")).allowance == (
        pending + 2, 2)
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.preview(STUDENT, external(level="200", ec="3"))  # 6 below: too many
    assert codes(exc) == ["below_master_level"]
    # Without the pending level-300 petition: 4 EC at level 200 is within 5 but over 3.
    demo_usis.petitions.withdraw(STUDENT, 3, "I take a Master course instead.")
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.preview(STUDENT, external(level="200", ec="4"))
    assert codes(exc) == ["below_master_level"]
    assert "4 EC would be at introductory level (100/200)" in exc.value.problems[0].message
    assert "would be below Master level" not in exc.value.problems[0].message
    assert demo_usis.petitions.preview(STUDENT, external(level="200", ec="3")).allowance == (3, 3)
    # Both limits broken at once: both said.
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.preview(STUDENT, external(level="100", ec="6"))
    message = exc.value.problems[0].message
    assert "6 EC of your electives would be below" in message
    assert "6 EC would be at intro" in message


def test_rejected_and_withdrawn_electives_do_not_count(demo_usis):
    low = submitted_id(demo_usis, external(level="300", ec="2", course_name="Low"))
    with pytest.raises(ServiceError):
        demo_usis.petitions.preview(STUDENT, external(level="300", ec="1"))
    demo_usis.petitions.advise("board", low, "Not in line with the programme.")
    demo_usis.petitions.decide("board", low, {"outcome": "reject",
                                              "decision_number": "26-27 LIACS 130",
                                              "decision_type": "Individueel besluit",
                                              "remarks": "The course is not at Master level."})
    demo_usis.petitions.withdraw(STUDENT, 3, "Changed plans.")
    assert demo_usis.petitions.preview(STUDENT, external(level="300", ec="5")).allowance == (5, 0)


def test_approved_electives_count_with_the_boards_level_and_ec(demo_usis):
    pid = submitted_id(demo_usis, external(level="400", ec="4", course_name="Edge"))
    demo_usis.petitions.advise("board", pid, "Supported.")
    demo_usis.petitions.decide("board", pid, {**APPROVE, "ec": "2", "level": "300"})
    # 3 (000003) + 2 approved at 300: no room left below Master level.
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.preview(STUDENT, external(level="300", ec="1"))
    assert codes(exc) == ["below_master_level"]


# ---------------------------------------------------------------------------- all at once
def test_every_violation_at_once_and_nothing_saved(demo_usis):
    before = snapshot(demo_usis)
    data = external(course_name="", institution_type="HBO", level="100", ec="seven",
                    course_start="02-11-2026", motivation="", course_url="www")
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.submit(STUDENT, data)
    assert codes(exc) == ["course_name_missing", "ec_not_a_number", "after_course_start",
                          "motivation_missing", "hbo_form_missing", "course_url_invalid"]
    assert snapshot(demo_usis) == before
    assert problem_fields(exc.value.problems) == {"course_name", "ec", "course_start",
                                                  "motivation", "hbo_form", "course_url"}
    # Level allowance, honours and the start date together, for a catalogue elective.
    with demo_usis.db.write() as s:
        s.execute(update(Course).where(Course.title == "Game Design").values(honours=True))
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.preview(STUDENT, {"petition_type": "External education",
                                              "course_name": "X", "institution": "Y",
                                              "institution_type": "University", "level": "200",
                                              "ec": "4", "course_start": "01-01-2026",
                                              "motivation": ""})
    assert codes(exc) == ["below_master_level", "after_course_start", "motivation_missing"]
    assert snapshot(demo_usis) == before


def test_messages_are_plain_words():
    with pytest.raises(Exception) as exc:
        PetitionForm.model_validate(external(ec="six", motivation=""),
                                    context={"rules": RuleContext(today=TODAY)})
    problems = problems_from(exc.value)
    assert [p.message for p in problems] == [
        'EC: "six" is not a number. Enter the credits as a number, e.g. 6 or 7.5.',
        "Explanation student: write your motivation, why you want to take this course and how "
        "it prepares you for your graduation project.",
    ]
    for p in problems:
        assert "type=" not in p.message and "validation error" not in p.message.lower()


def test_unknown_type_is_refused(demo_usis):
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.preview(STUDENT, {"petition_type": "Free pizza"})
    assert "petition_type" in codes(exc)


# ---------------------------------------------------------------------------- the other types
def test_form_fields_fit_the_type():
    assert "hbo_form" in form_fields("External education")
    assert "catalogue_number" not in form_fields("External education")
    assert form_fields("Elective course", "leiden")[:2] == ("source", "catalogue_number")
    assert "course_name" in form_fields("Elective course", "external")
    assert form_fields("Different amount of credits") == ("catalogue_number", "ec", "motivation",
                                                          "documents")
    assert "course_start" not in form_fields("Exemption")


def test_exemption_and_different_credits_are_approved_without_a_grade(demo_usis):
    number = catalogue_number(demo_usis, "IT Governance")
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.submit(STUDENT, {"petition_type": "Exemption", "motivation": ""})
    assert codes(exc) == ["catalogue_number_missing", "institution_missing", "motivation_missing"]
    ex = demo_usis.petitions.submit(STUDENT, {
        "petition_type": "Exemption", "catalogue_number": number,
        "institution": "Hogeschool Utrecht", "motivation": "I passed IT governance there.",
        "documents": "~/Documents/hu-transcript.pdf"})
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.submit(STUDENT, {"petition_type": "Different amount of credits",
                                             "catalogue_number": number, "ec": "6",
                                             "motivation": "More work."})
    assert codes(exc) == ["ec_same_as_course"]
    dc = demo_usis.petitions.submit(STUDENT, {"petition_type": "Different amount of credits",
                                              "catalogue_number": number, "ec": "7.5",
                                              "motivation": "An extra assignment."})
    assert (dc.ec_entered, dc.ec) == (7.5, 7)
    for pid in (ex.id, dc.id):
        demo_usis.petitions.advise("board", pid, "Supported.")
        done = demo_usis.petitions.decide("board", pid, {**APPROVE, "institution": "Leiden"})
        assert done.status == "Approved"
        with pytest.raises(ServiceError) as exc:
            demo_usis.petitions.register_grade("board", pid, "7")
        assert codes(exc) == ["no_grade"]


# ---------------------------------------------------------------------------- transitions
def test_transition_table():
    assert set(TRANSITIONS) == set(STATUSES) == {
        "Submitted", "In progress", "Approved", "External courses approved", "Rejected",
        "Withdrawn"}
    allowed = {("Submitted", "In progress"), ("Submitted", "Withdrawn"),
               ("In progress", "Approved"), ("In progress", "External courses approved"),
               ("In progress", "Rejected"), ("In progress", "Withdrawn")}
    for a, b in itertools.product(STATUSES, STATUSES):
        if (a, b) in allowed:
            check_transition(a, b)
        else:
            with pytest.raises(ServiceError) as exc:
                check_transition(a, b)
            assert codes(exc) == ["transition_not_allowed"]


def test_whole_workflow_elective(demo_usis):
    pid = submitted_id(demo_usis, external())
    p = demo_usis.petitions.petition(STUDENT, pid)
    assert (p.status, p.next_step, p.can_withdraw) == ("Submitted", "Advice", True)
    # The Board cannot decide before the programme board advised; no grade yet either.
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.decide("board", pid, APPROVE)
    assert codes(exc) == ["advice_first"]
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.register_grade("board", pid, "7")
    assert codes(exc) == ["not_approved"]
    p = demo_usis.petitions.advise("board", pid, "Fits the graduation project.")
    assert (p.status, p.advice, p.next_step) == ("In progress", "Fits the graduation project.",
                                                 "Decision")
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.advise("board", pid, "Again.")
    assert codes(exc) == ["transition_not_allowed"]
    p = demo_usis.petitions.decide("board", pid, APPROVE)
    assert p.status == "In progress" and p.decision == "approved" and p.awaits_grade
    assert p.board_explanation == ("26-27 LIACS 129, Individueel besluit: approved, 6 EC, "
                                   "level 500, University of Amsterdam.")
    assert not p.can_withdraw
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.withdraw(STUDENT, pid, "Too late?")
    assert codes(exc) == ["already_decided"]
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.decide("board", pid, APPROVE)
    assert codes(exc) == ["already_decided"]
    p = demo_usis.petitions.register_grade("board", pid, "7.3")
    assert (p.status, p.grade_entered, p.grade) == ("Approved", 7.3, 7.5)
    assert [e.status for e in p.events] == ["Submitted", "In progress", "In progress", "Approved"]
    assert [e.title for e in p.events] == ["Submitted", "Advice programme board",
                                           "Decision Board of Examiners: approved",
                                           "Grade registered"]
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.register_grade("board", pid, "8")
    assert codes(exc) == ["not_approved"]
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.withdraw(STUDENT, pid, "After all.")
    assert codes(exc) == ["already_decided"]


@pytest.mark.parametrize("grade, registered", [("5.5", 5.0), ("5,4", 5.0), ("7.3", 7.5)])
def test_external_education_grade(demo_usis, grade, registered):
    """000002 (external education, In progress): approve, register → External courses approved."""
    demo_usis.petitions.decide("board", 2, {**APPROVE, "ec": "7.5",
                                            "institution": "Copenhagen Business School"})
    p = demo_usis.petitions.register_grade("board", 2, grade)
    assert (p.status, p.grade) == ("External courses approved", registered)
    assert p.decided_ec == 7  # the Board's EC is rounded down as well
    last = messages(demo_usis)[0]
    assert last.subject == "Petition 000002: External courses approved"
    assert f"registered: {registered:g}" in last.body


@pytest.mark.parametrize("grade, code", [
    ("", "grade_missing"), ("seven", "grade_not_a_number"), ("11", "grade_out_of_range"),
    ("0.5", "grade_out_of_range")])
def test_bad_grades(demo_usis, grade, code):
    demo_usis.petitions.decide("board", 2, {**APPROVE, "institution": "CBS"})
    before = snapshot(demo_usis)
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.register_grade("board", 2, grade)
    assert codes(exc) == [code]
    assert snapshot(demo_usis) == before


def test_rejection(demo_usis):
    p = demo_usis.petitions.decide("board", 2, {"outcome": "reject",
                                                "decision_number": "Besluit 1642",
                                                "decision_type": "Algemeen besluit",
                                                "remarks": "Overlaps with IT Governance."})
    assert p.status == "Rejected"
    assert p.board_explanation == ("Besluit 1642, Algemeen besluit: rejected. Overlaps with IT "
                                   "Governance.")
    for call in (lambda: demo_usis.petitions.withdraw(STUDENT, 2, "x"),
                 lambda: demo_usis.petitions.advise("board", 2, "x"),
                 lambda: demo_usis.petitions.register_grade("board", 2, "7")):
        with pytest.raises(ServiceError):
            call()


def test_decision_reports_every_violation_at_once(demo_usis):
    before = snapshot(demo_usis)
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.decide("board", 2, {"outcome": "approve", "decision_number": "129",
                                                "decision_type": "", "ec": "x", "level": "",
                                                "institution": " "})
    assert codes(exc) == ["decision_number_invalid", "decision_type_missing",
                          "decision_ec_invalid", "decision_level_missing",
                          "decision_institution_missing"]
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.decide("board", 3, {"outcome": "reject", "decision_number": "",
                                                "decision_type": "Algemeen besluit"})
    assert codes(exc) == ["advice_first", "decision_number_missing", "decision_reason_missing"]
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.decide("board", 2, {"outcome": ""})
    assert codes(exc)[0] == "outcome_missing"
    assert snapshot(demo_usis) == before


def test_decision_form_examples():
    form = DecisionForm.model_validate({**APPROVE, "decision_number": " 26-27  LIACS 129 "})
    assert form.decision_number == "26-27 LIACS 129"
    assert DecisionForm.model_validate({**APPROVE, "decision_number": "Besluit 1642"})


def test_withdraw_with_a_reason_while_undecided(demo_usis):
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.withdraw(STUDENT, 3, "  ")
    assert codes(exc) == ["reason_missing"]
    p = demo_usis.petitions.withdraw(STUDENT, 3, "I found a Master course instead.")
    assert (p.status, p.withdraw_reason) == ("Withdrawn", "I found a Master course instead.")
    assert p.events[-1].title == "Withdrawn by the student"
    # In progress but undecided: still possible. Decided / final: not.
    assert demo_usis.petitions.withdraw(STUDENT, 2, "Exchange cancelled.").status == "Withdrawn"
    for pid in (1, 2, 3):
        with pytest.raises(ServiceError) as exc:
            demo_usis.petitions.withdraw(STUDENT, pid, "again")
        assert codes(exc)[0] in ("already_decided", "transition_not_allowed")
    # The Board cannot act on a withdrawn petition.
    with pytest.raises(ServiceError):
        demo_usis.petitions.advise("board", 3, "Supported.")


# ---------------------------------------------------------------------------- messages
def test_every_change_sends_the_student_a_message(demo_usis):
    start = len(messages(demo_usis))
    pid = submitted_id(demo_usis, external())
    subjects = [f"Petition {pid:06d} submitted: Elective course"]
    demo_usis.petitions.advise("board", pid, "Supported.")
    subjects.append(f"Petition {pid:06d} is in progress")
    demo_usis.petitions.decide("board", pid, APPROVE)
    subjects.append(f"Petition {pid:06d} approved by the Board of Examiners")
    demo_usis.petitions.register_grade("board", pid, "5.5")
    subjects.append(f"Petition {pid:06d}: Approved")
    got = messages(demo_usis)
    assert len(got) == start + 4
    assert [m.subject for m in got[:4]] == subjects[::-1]  # newest first
    assert all(not m.read for m in got[:4])
    approval = got[1].body
    assert "26-27 LIACS 129" in approval and "does not enrol you" in approval
    assert "5.5 is not accepted and becomes 5" in got[0].body
    # Withdrawal and rejection too.
    demo_usis.petitions.withdraw(STUDENT, 3, "Changed plans.")
    assert messages(demo_usis)[0].subject == "Petition 000003 withdrawn"
    assert "Changed plans." in messages(demo_usis)[0].body
    demo_usis.petitions.decide("board", 2, {"outcome": "reject", "decision_number": "Besluit 9",
                                            "decision_type": "Algemeen besluit",
                                            "remarks": "No."})
    assert messages(demo_usis)[0].subject == "Petition 000002 rejected"
    # Each change is in the audit trail as well.
    with demo_usis.db.read() as s:
        actions = list(s.scalars(select(AuditEntry.action).where(
            AuditEntry.action.like("petition%")).order_by(AuditEntry.id)))
    assert actions == ["petition_submit", "petition_in_progress", "petition_approve",
                       "petition_approved", "petition_withdrawn", "petition_rejected"]


def enrolment_counts(usis) -> tuple[int, int]:
    with usis.db.read() as s:
        return (s.scalar(select(func.count(Enrolment.id))),
                s.scalar(select(func.count(CartItem.id))))


def test_approval_does_not_enrol(demo_usis):
    data = leiden(demo_usis)
    pid = submitted_id(demo_usis, data)
    before = enrolment_counts(demo_usis)
    demo_usis.petitions.advise("board", pid, "Supported.")
    demo_usis.petitions.decide("board", pid, {**APPROVE, "institution": "Leiden University"})
    demo_usis.petitions.register_grade("board", pid, "8")
    assert enrolment_counts(demo_usis) == before
    assert data["catalogue_number"] not in {
        line.cls.catalogue_number for line in demo_usis.enrolment.schedule(STUDENT)}


# ---------------------------------------------------------------------------- who may do what
@pytest.mark.parametrize("user", ["support", "trainer", "nobody", "s7654321"])
def test_only_the_board_handles_petitions(demo_usis, user):
    before = snapshot(demo_usis)
    calls = [lambda: demo_usis.petitions.queue(user),
             lambda: demo_usis.petitions.board_petition(user, 3),
             lambda: demo_usis.petitions.advise(user, 3, "Supported."),
             lambda: demo_usis.petitions.decide(user, 2, APPROVE),
             lambda: demo_usis.petitions.register_grade(user, 1, "7")]
    for call in calls:
        with pytest.raises(ServiceError) as exc:
            call()
        assert codes(exc) == ["not_board"]
    assert snapshot(demo_usis) == before


def test_students_see_only_their_own_petitions(demo_usis):
    assert demo_usis.petitions.petitions("s1234567") == []
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.petition("s1234567", 1)
    assert codes(exc) == ["unknown_petition"]
    with pytest.raises(ServiceError) as exc:
        demo_usis.petitions.withdraw("s1234567", 3, "Not mine.")
    assert codes(exc) == ["unknown_petition"]


def test_queue(demo_usis):
    queue = demo_usis.petitions.queue("board")
    assert [(p.number, p.status, p.next_step) for p in queue] == [
        ("000002", "In progress", "Decision"), ("000003", "Submitted", "Advice")]
    everything = demo_usis.petitions.queue("board", include_handled=True)
    assert [p.number for p in everything] == ["000001", "000002", "000003"]
    assert everything[0].student_name == "Jan Jansen"


def test_demo_petitions(demo_usis):
    mine = {p.number: p for p in demo_usis.petitions.petitions(STUDENT)}
    assert {n: p.status for n, p in mine.items()} == {
        "000001": "Approved", "000002": "In progress", "000003": "Submitted"}
    approved = demo_usis.petitions.petition(STUDENT, 1)
    assert approved.board_explanation.startswith("26-27 LIACS 129, Individueel besluit")
    assert (approved.grade_entered, approved.grade) == (7.3, 7.5)
    assert demo_usis.petitions.petition(STUDENT, 2).ec == 7
    hbo = demo_usis.petitions.petition(STUDENT, 3)
    assert [d.kind for d in hbo.documents] == ["HBO Elective Course Form"]
    with demo_usis.db.read() as s:
        assert s.scalar(select(func.count(Petition.id))) == 3
        assert s.scalar(select(func.count(PetitionEvent.id))) == 7
        assert s.scalar(select(func.count(PetitionDocument.id))) == 3
        assert s.scalar(select(func.count(Message.id)).where(Message.category == "petition")) == 7
