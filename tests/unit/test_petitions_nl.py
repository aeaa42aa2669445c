"""Petitions and minors in Dutch: the rule messages in the current language, and what is sent to
a student (message centre, "Explanation Board of Examiners") in the student's own language."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from usis_tui import i18n
from usis_tui.models import Student
from usis_tui.services import ServiceError
from usis_tui.services.petitions import DecisionForm, PetitionForm, RuleContext

STUDENT = "s7654321"


def external(**over) -> dict:
    data = {"petition_type": "Elective course", "source": "external",
            "course_name": "Advanced Information Retrieval",
            "institution": "University of Amsterdam", "institution_type": "University",
            "level": "500", "ec": "7.5", "course_start": "01-02-2027",
            "motivation": "Search engines are the subject of my graduation project."}
    data.update(over)
    return data


def problems(data: dict) -> dict[str, str]:
    with pytest.raises(ServiceError) as caught:
        from pydantic import ValidationError

        from usis_tui.services.petitions import problems_from
        try:
            PetitionForm.model_validate(data, context={"rules": RuleContext(
                today=date(2026, 11, 23), below_master_ec=3, intro_ec=0)})
        except ValidationError as exc:
            raise ServiceError(problems_from(exc)) from None
    return {p.code: p.message for p in caught.value.problems}


def test_rule_messages_in_dutch(dutch):
    got = problems(external(course_name="", course_start="02-11-2026", ec="zeven",
                            institution_type="HBO", hbo_form=""))
    assert got["course_name_missing"] == "Cursusnaam: vul de naam van de cursus in."
    assert got["ec_not_a_number"].startswith('EC: "zeven" is geen getal.')
    assert got["after_course_start"] == (
        "Te laat: de cursus is begonnen op 2 nov. 2026, en een verzoekschrift moet worden "
        "ingediend voordat de cursus begint.")
    assert got["hbo_form_missing"].startswith("HBO-keuzevakformulier: voor een cursus aan een "
                                              "hogeschool (hbo)")
    # The level allowance: numbers in the sentence, Dutch word order.
    below = problems(external(level="300", ec="3"))["below_master_level"]
    assert below.startswith("Niveau 300 ligt onder masterniveau: met deze cursus zou 6 EC")


def test_rule_messages_stay_english_by_default():
    got = problems(external(course_name=""))
    assert got["course_name_missing"] == "Course name: enter the name of the course."


def test_review_rows_and_notices_in_dutch(dutch):
    form = PetitionForm.model_validate(external(), context={"rules": RuleContext(
        today=date(2026, 11, 23))})
    rows = dict(form.rows())
    assert rows["Soort verzoek"] == "Keuzevak"
    assert rows["Cursus aangeboden door"] == "Een andere instelling"
    assert rows["EC"] == "7,5 → 7 (naar beneden afgerond)"
    assert rows["Begindatum cursus"] == "1 feb. 2027"
    assert form.notices[0] == ("7,5 EC wordt 7 EC: de Universiteit Leiden accepteert geen halve "
                               "EC en rondt altijd naar beneden af.")


def test_explanation_in_the_students_language():
    form = DecisionForm.model_validate({
        "outcome": "approve", "decision_number": "26-27 LIACS 129",
        "decision_type": "Individueel besluit", "ec": "6", "level": "500",
        "institution": "Leiden University"})
    assert form.explanation() == ("26-27 LIACS 129, Individueel besluit: approved, 6 EC, "
                                  "level 500, Leiden University.")
    assert form.explanation("nl") == ("26-27 LIACS 129, Individueel besluit: goedgekeurd, 6 EC, "
                                      "niveau 500, Universiteit Leiden.")


def set_language(usis, number: str, language: str | None) -> None:
    with usis.db.write() as s:
        s.execute(update(Student).where(Student.student_number == number)
                  .values(language=language))


def test_a_dutch_student_is_written_to_in_dutch(demo_usis):
    """The Board works in English; the student chose Dutch: messages and the explanation are
    Dutch, what the Board sees (its problems) stays English."""
    set_language(demo_usis, STUDENT, "nl")
    assert i18n.get_language() == "en"
    pid = demo_usis.petitions.submit(STUDENT, external()).id
    demo_usis.petitions.advise("board", pid, "Supported.")
    info = demo_usis.petitions.decide("board", pid, {
        "outcome": "approve", "decision_number": "26-27 LIACS 129",
        "decision_type": "Individueel besluit", "ec": "7", "level": "500",
        "institution": "University of Amsterdam"})
    assert info.board_explanation == ("26-27 LIACS 129, Individueel besluit: goedgekeurd, 7 EC, "
                                      "niveau 500, University of Amsterdam.")
    got = [m for m in demo_usis.student.messages(STUDENT) if m.category == "petition"]
    assert [m.subject for m in got[:3]] == [
        f"Verzoekschrift {pid:06d} goedgekeurd door de examencommissie",
        f"Verzoekschrift {pid:06d} is in behandeling",
        f"Verzoekschrift {pid:06d} ingediend: Keuzevak"]
    assert "7,5 EC wordt 7 EC" in got[2].body
    assert 'De status blijft "In behandeling"' in got[0].body
    with pytest.raises(ServiceError) as caught:
        demo_usis.petitions.register_grade("board", pid, "elf")
    assert caught.value.problems[0].message.startswith('Grade: "elf" is not a number.')


def test_minor_problems_in_dutch(demo_usis, dutch):
    with pytest.raises(ServiceError) as caught:
        demo_usis.minors.cancel("s1234567", "1061")
    assert caught.value.problems[0].message == (
        "Je bent niet aangemeld voor minor 1061, annuleren niet verwerkt.")
