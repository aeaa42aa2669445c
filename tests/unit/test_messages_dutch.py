"""The services' messages in Dutch: rule messages and hints (uSis Dutch wording), messages sent to
a student's message centre in the recipient's language (whatever the app's language is), and
dates, weekdays and EC in Dutch conventions."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from factories import req
from sqlalchemy import select, update

from usis_tui import failures, i18n
from usis_tui.models import Message, Student
from usis_tui.screens import calls
from usis_tui.services.enrolment import EnrolmentService
from usis_tui.services.schemas import ExamConfirmationInfo
from usis_tui.services.timetable import date_range

MO = (0, "09:00", "10:45")


def enrol_one(usis, student, section, **kw):
    [result] = usis.enrolment.enrol(student.number, [req(section, **kw)])
    return result


def set_language(db, student, language: str | None) -> None:
    with db.write() as s:
        s.execute(update(Student).where(Student.id == student.id).values(language=language))


def messages_of(db, student) -> list[tuple[str, str]]:
    with db.read() as s:
        return [(m.subject, m.body) for m in s.scalars(
            select(Message).where(Message.student_id == student.id).order_by(Message.id))]


# ---------------------------------------------------------------- rule messages
def test_full_class_in_dutch(sc, usis, dutch):
    a = sc.section("1234", capacity=1, waitlist_capacity=3)
    sc.fill(a)
    r = enrol_one(usis, sc.student(), a)
    assert r.message == "Niet ingeschreven, studieactiviteit 1234 is vol."
    assert r.problems[0].code == "class_full"
    assert "Vink \"Wachtlijst als studieactiviteit vol is\" aan" in r.problems[0].hint
    assert "toestemmingsnummer" in r.problems[0].hint


def test_time_conflict_in_dutch_with_dutch_weekday_and_date(sc, usis, dutch):
    s = sc.student()
    a = sc.section("1234", meets=[MO])
    b = sc.section("5678", meets=[MO])
    assert enrol_one(usis, s, a).outcome == "enrolled"
    r = enrol_one(usis, s, b)
    assert r.message == "Roosterconflict voor studieactiviteit 5678 en 1234, niet ingeschreven."
    # the first shared Monday of the semester (1 September 2026 is a Tuesday)
    assert "ma 09:00-10:45 (voor het eerst op 7 sep. 2026)" in r.problems[0].hint
    assert "schrijf je uit voor studieactiviteit 1234" in r.problems[0].hint


def test_closed_period_and_resit_in_dutch(sc, usis, dutch):
    s = sc.student()
    closed = sc.section("1234", opens=datetime(2026, 8, 1), closes=datetime(2026, 9, 1, 23, 59))
    r = enrol_one(usis, s, closed)
    assert r.message == ("Je kunt je op dit moment niet inschrijven. De inschrijving voor "
                         "studieactiviteit 1234 is gesloten op 1 sep. 2026 23:59.")
    course = sc.course()
    resit = sc.section("5678", course=course, component="Resit")
    sc.result(s, course, 7.5)
    r = enrol_one(usis, s, resit)
    assert r.message == ("Niet voldaan aan de ingangseisen van de studieactiviteit, niet "
                         "ingeschreven.")
    assert "met een 7,5;" in r.problems[0].hint


def test_ec_cap_in_dutch_conventions(sc, usis, dutch):
    sc.year(max_ec=10)
    s = sc.student()
    assert enrol_one(usis, s, sc.section("1234", ec=7.5)).outcome == "enrolled"
    r = enrol_one(usis, s, sc.section("5678", ec=5))
    assert r.problems[0].code == "ec_cap"
    assert "het maximum van 10 EC voor Studiejaar 2026-2027" in r.message
    assert r.problems[0].hint.startswith("Je bent ingeschreven voor 7,5 EC;")


def test_refusal_as_service_error_in_dutch(usis, dutch):
    from usis_tui.services import ServiceError

    with pytest.raises(ServiceError) as caught:
        usis.enrolment.lookup_class("2026-2027", "12")
    assert str(caught.value) == ("Een studieactiviteitnummer heeft precies 4 cijfers, "
                                 "bijv. 1052.")


# ---------------------------------------------------------------- sent messages
@pytest.mark.parametrize("fast", [True, False], ids=["fast", "orm"])
def test_enrolment_message_in_the_recipients_language(sc, usis, db, monkeypatch, fast):
    monkeypatch.setattr(EnrolmentService, "fast", fast)
    assert i18n.get_language() == "en"  # the app speaks English ...
    s = sc.student()
    set_language(db, s, "nl")  # ... the student chose Dutch
    a = sc.section("1234", meets=[MO])
    r = enrol_one(usis, s, a)
    assert r.message == "Success: This class has been added to your schedule."  # on screen
    [(subject, body)] = messages_of(db, s)
    assert subject.startswith("Ingeschreven: ") and subject.endswith(
        "(Hoorcollege, studieactiviteit 1234)")
    assert body.startswith("Je bent ingeschreven voor studieactiviteit 1234, ")


def test_wait_list_promotion_told_in_the_recipients_language(sc, usis, db):
    a = sc.section("1234", capacity=1, waitlist_capacity=2)
    first, waiting = sc.student(), sc.student()
    set_language(db, waiting, "nl")
    assert enrol_one(usis, first, a).outcome == "enrolled"
    assert enrol_one(usis, waiting, a, wait=True).outcome == "waitlisted"
    dropped = usis.enrolment.drop(first.number, a.id)
    assert dropped.message == "Success: Class 1234 has been dropped from your schedule."
    assert dropped.promoted == 1
    subjects = [subject for subject, _body in messages_of(db, waiting)]
    assert subjects[0].startswith("Wachtlijst: ")
    assert subjects[-1].startswith("Ingeschreven vanaf de wachtlijst: ")
    # the student who dropped has no language of their own: the configured default (English)
    assert messages_of(db, first)[-1][0].startswith("Dropped: ")


def test_english_student_gets_english_messages_while_the_app_speaks_dutch(sc, usis, db, dutch):
    s = sc.student()
    set_language(db, s, "en")
    r = enrol_one(usis, s, sc.section("1234"))
    assert r.message == "Gelukt: deze studieactiviteit is aan je rooster toegevoegd."
    [(subject, body)] = messages_of(db, s)
    assert subject.startswith("Enrolled: ") and body.startswith("You are enrolled in class 1234")


# ---------------------------------------------------------------- dates, labels, failures
def test_dates_and_labels_in_dutch(dutch):
    assert date_range(date(2026, 11, 30), date(2026, 12, 4)) == "30 nov. – 4 dec. 2026"
    exam = ExamConfirmationInfo(
        enrolment_id=1, academic_year="2026-2027", class_number="1234",
        catalogue_number="4000ABC", title="Course", component="Exam",
        exam_day=date(2026, 12, 14), start=datetime(2026, 1, 1, 9).time(),
        end=datetime(2026, 1, 1, 12).time(), room=None,
        deadline_at=datetime(2026, 12, 4, 23, 59), status="provisional")
    assert exam.deadline_label(date(2026, 12, 2)) == "4 dec. 2026 23:59 (nog 2 dagen)"
    assert exam.deadline_label(date(2026, 12, 3)) == "4 dec. 2026 23:59 (nog 1 dag)"
    assert exam.deadline_label(date(2026, 12, 5)) == "4 dec. 2026 23:59 (verstreken)"


def test_dates_in_english_lose_only_the_leading_zero():
    assert date_range(date(2026, 11, 30), date(2026, 12, 4)) == "30 Nov – 4 Dec 2026"
    assert date_range(date(2026, 12, 28), date(2027, 1, 3)) == "28 Dec 2026 – 3 Jan 2027"


def test_failure_sentences_are_failures_texts_and_translated(monkeypatch, tmp_path):
    assert {k: v for k, v in calls.FAILURE_MESSAGES.items() if k != "page"} == failures.MESSAGES
    assert calls.FAILURE_MESSAGES["page"] == failures.PAGE
    monkeypatch.setattr(calls, "log_failure", lambda exc, where="": "ABCD1234")
    with i18n.language("nl"):
        kind, message, hint = calls.describe(RuntimeError("database is locked"))
    assert kind == "busy"
    assert message.startswith("uSis is bezet")
    assert hint == "Referentie ABCD1234 (de details staan in het uSis-logboek)."

