"""Hostile text where it enters: every string of hostile.py through every path a person or a file
puts text into uSis.

A string with control characters (ANSI, OSC, C1), bidirectional overrides or 10 kB is refused
with one clear message and the database is unchanged (the refusal's audit entry aside); markup,
emoji and zero-width characters are stored exactly as typed (markup is only a danger where it is
shown, see test_hostile_text.py). Text that is only searched for (class search, Find a student,
the audit filter) never raises anything but a refusal. What the CLI prints of it is shown, never
obeyed by the terminal. Found before: `usis user add --name $'Evil\\e]0;PWNED\\aName'` was
accepted (5,039 characters too) and echoed; the CSV import took C1 and newlines; a drop reason
was stored unchecked.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from datetime import datetime

import click
import pytest
from factories import dump
from hostile import CLASS, HOSTILE, IDS, OTHER, STUDENT, Hostile, plant
from sqlalchemy import select

from usis_tui.models import Course, Enrolment, Petition, StaffUser
from usis_tui.services import ServiceError, Usis
from usis_tui.services.importer import ImportService
from usis_tui.services.schemas import SearchCriteria

NOW = datetime(2026, 11, 23, 9, 30)
YEAR = "2026-2027"
FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(params=HOSTILE, ids=IDS)
def hostile(request) -> Hostile:
    return request.param


def external(**over) -> dict:
    data = {"petition_type": "Elective course", "source": "external",
            "course_name": "Advanced Information Retrieval",
            "institution": "University of Amsterdam", "institution_type": "University",
            "level": "500", "ec": "6", "course_start": "01-02-2027",
            "motivation": "Search engines are the subject of my graduation project.",
            "documents": "~/Documents/uva-air-course-description.pdf",
            "course_url": "https://studiegids.uva.nl/air"}
    data.update(over)
    return data


def stored_or_refused(usis: Usis, hostile: Hostile, call, read) -> None:
    """``call()`` stores the text exactly (``read()`` gives it back) when it may be stored, else
    raises one ServiceError and changes nothing."""
    before = dump(usis.db)
    if hostile.stored:
        call()
        assert read() == hostile.text
        return
    with pytest.raises(ServiceError) as refused:
        call()
    message = " ".join(f"{p.message} {p.hint}" for p in refused.value.problems)
    assert not FORBIDDEN.search(message) and len(message) < 600, message
    assert dump(usis.db) == before


def petition_field(usis: Usis, pid: int, field: str) -> str:
    with usis.db.read() as s:
        return getattr(s.get(Petition, pid), field)


@pytest.mark.parametrize("field", ["course_name", "institution", "motivation"])
def test_petition_fields(demo_usis, hostile, field):
    result: dict = {}

    def submit() -> None:
        result["p"] = demo_usis.petitions.submit(OTHER, external(**{field: hostile.text}))

    stored_or_refused(demo_usis, hostile, submit,
                      lambda: petition_field(demo_usis, result["p"].id, field))


def test_board_advice_and_withdraw_reason(demo_usis, hostile):
    p = demo_usis.petitions.submit(OTHER, external())
    stored_or_refused(demo_usis, hostile,
                      lambda: demo_usis.petitions.advise("board", p.id, hostile.text),
                      lambda: petition_field(demo_usis, p.id, "advice"))
    q = demo_usis.petitions.submit(OTHER, external(course_name="Another course"))
    stored_or_refused(demo_usis, hostile,
                      lambda: demo_usis.petitions.withdraw(OTHER, q.id, hostile.text),
                      lambda: petition_field(demo_usis, q.id, "withdraw_reason"))


def test_drop_reason(demo_usis, hostile):
    section = demo_usis.catalogue.lookup(YEAR, CLASS).section_id

    def reason() -> str:
        with demo_usis.db.read() as s:
            return s.scalar(select(Enrolment.drop_reason).where(
                Enrolment.section_id == section, Enrolment.status == "dropped"))

    stored_or_refused(demo_usis, hostile,
                      lambda: demo_usis.enrolment.drop(STUDENT, section, reason=hostile.text),
                      reason)


def test_searches_refuse_or_answer(demo_usis, hostile):
    """Text only searched for: a page of results or one refusal, never anything else."""
    for call in (
        lambda: demo_usis.catalogue.search(SearchCriteria(academic_year=YEAR,
                                                          title=hostile.text)),
        lambda: demo_usis.catalogue.search(SearchCriteria(academic_year=YEAR,
                                                          instructor=hostile.text)),
        lambda: demo_usis.audit.find_students(hostile.text),
        lambda: demo_usis.audit.entries(STUDENT, text=hostile.text),
    ):
        try:
            call()
        except (ServiceError, ValueError):  # ValueError: pydantic's ValidationError
            pass


@pytest.mark.parametrize("column", ["title", "instructor", "room"])
def test_import_columns(demo_usis, hostile, column):
    header = ["academic_year", "catalogue_number", "title", "ec", "level", "programme",
              "class_number", "component", "capacity", "enrol_opens", "enrol_closes",
              "days_times", "start_date", "end_date", "instructor", "room"]
    values = {"academic_year": YEAR, "catalogue_number": "4500HOST", "title": "Hostile test",
              "ec": "5", "level": "300", "programme": "Computer Science", "class_number": "5101",
              "component": "Lecture", "capacity": "40", "enrol_opens": "2026-12-01T09:00",
              "enrol_closes": "2027-02-15T23:59", "days_times": "Mo 09:00-10:45",
              "start_date": "2027-02-01", "end_date": "2027-05-17", "instructor": "Dr. Test",
              "room": "Gorlaeus C1"}
    values[column] = hostile.text
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([header, [values[c] for c in header]])
    data = out.getvalue().encode("utf-8", "surrogatepass")

    def read() -> str:
        info = demo_usis.catalogue.lookup(YEAR, "5101")
        return {"title": info.title, "instructor": info.instructor,
                "room": info.meetings[0].room}[column]

    stored_or_refused(demo_usis, hostile,
                      lambda: ImportService(demo_usis.ctx).import_bytes(data), read)


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "USIS_NOW": NOW.isoformat()}
    env.pop("USIS_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "usis_tui", *args], input=stdin,
                          capture_output=True, text=True, env=env, timeout=120)


def test_user_add_name(demo_db_url, hostile):
    """`usis user add --name`: refused in one line (nothing created, nothing echoed raw), or
    stored exactly."""
    result = run_cli("user", "add", "newbie", "--role", "support", "--name", hostile.text,
                     "--password-stdin", "--db", demo_db_url, stdin="a long passphrase\n")
    assert not FORBIDDEN.search(result.stdout + result.stderr)
    assert "Traceback" not in result.stderr
    usis = Usis.open(demo_db_url, clock=lambda: NOW)
    try:
        with usis.db.read() as s:
            name = s.scalar(select(StaffUser.name).where(StaffUser.username == "newbie"))
    finally:
        usis.close()
    if hostile.stored:
        assert result.returncode == 0, result.stderr
        assert name == hostile.text
    else:
        assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith("usis: error: Name:") and name is None


def test_cli_shows_stored_text_and_never_sends_its_escapes(demo_db_url, hostile):
    """Text already in the database (a damaged import, another program): what `usis catalogue`
    and `usis audit` print shows it with its controls made visible, never raw."""
    plant(demo_db_url, hostile.text)
    for args in (("catalogue", "--class", CLASS), ("audit", "--student", STUDENT)):
        result = run_cli(*args, "--db", demo_db_url)
        assert result.returncode == 0, result.stderr
        assert not FORBIDDEN.search(result.stdout), (args, result.stdout[:300])
        # into a pipe, click drops whole ANSI sequences itself; on a terminal they show as ␛[
        shown = (hostile.shown, click.unstyle(hostile.text)[:10])
        assert any(s in result.stdout for s in shown), args


def test_export_names_are_ours(hostile):
    """A delivered file's name never holds a path, a control character or markup."""
    from usis_tui.screens.delivery import safe_filename

    name = safe_filename(hostile.text + ".ics")
    assert re.fullmatch(r"[A-Za-z0-9._ -]+", name) and "/" not in name and len(name) <= 120


def test_course_title_round_trip_through_the_catalogue(demo_usis, hostile):
    """Stored text (planted) comes back from the services byte for byte: only the screens and
    the CLI make it visible."""
    plant(str(demo_usis.db.url), hostile.text)
    with demo_usis.db.read() as s:
        titles = set(s.scalars(select(Course.title)))
    assert hostile.text in titles
    assert demo_usis.catalogue.lookup(YEAR, CLASS).title == hostile.text
