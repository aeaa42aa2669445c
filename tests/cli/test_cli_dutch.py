"""The `usis` command in Dutch: its output and its errors (one line on stderr) are translated;
JSON, .ics and the steps files stay as they are."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from usis_tui.cli import main

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "catalogue.csv"
NOW = "2026-11-23T09:30"
EVA = "s1234567"


@pytest.fixture(autouse=True)
def _in_dutch(dutch, monkeypatch):
    """Dutch both ways the `usis` command knows it: the process's language and USIS_LANG."""
    monkeypatch.setenv("USIS_LANG", "nl")
    monkeypatch.setenv("USIS_PASSWORD", "demo")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


def run(capsys, *args: str, now: str = NOW) -> tuple[int, str, str]:
    code = 0
    try:
        main([*args, "--now", now])
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_db_current_says_the_revision_in_dutch(demo_db_url, capsys):
    code, out, err = run(capsys, "db", "upgrade", "--db", demo_db_url)
    assert code == 0, err
    assert "revisie" in out and "revision" not in out
    code, out, err = run(capsys, "db", "current", "--db", demo_db_url)
    assert code == 0, err
    assert out.startswith(f"{demo_db_url}: revisie ") and out.endswith(" (nieuwste).\n")


def test_exam_schedule_in_dutch(demo_db_url, capsys):
    code, out, err = run(capsys, "timetable", "--db", demo_db_url, "--student", EVA, "--exams")
    assert code == 0, err
    assert out.startswith(f"{EVA} · Tentamenrooster (schrijf je uiterlijk 10 dagen voor elk "
                          "tentamen in)")
    assert " Tentamen " in out and "Exam schedule" not in out
    assert "jan. 2027" in out  # Dutch dates: "ma 18 jan. 2027"


def test_week_in_dutch_with_dutch_days_and_components(demo_db_url, capsys):
    code, out, err = run(capsys, "timetable", "--db", demo_db_url, "--student", EVA)
    assert code == 0, err
    assert "ma 23 nov.  (vandaag)" in out
    assert "Hoorcollege" in out and "Lecture" not in out


def test_ics_to_a_folder_is_refused_in_dutch(demo_db_url, capsys, tmp_path):
    code, out, err = run(capsys, "timetable", "--db", demo_db_url, "--student", EVA,
                         "--ics", str(tmp_path))
    assert code == 1 and out == ""
    assert one_error_line(err).endswith(f"{tmp_path} is een map: geef de naam van een nieuw "
                                        "bestand.")


def test_ics_stays_ics_with_the_event_titles_in_dutch(demo_db_url, capsys):
    """The calendar file's structure is the same in both languages; what a person reads in
    their calendar (the event's title) is in the language of the export."""
    code, out, err = run(capsys, "timetable", "--db", demo_db_url, "--student", EVA,
                         "--ics", "-")
    assert code == 0, err
    assert out.startswith("BEGIN:VCALENDAR") and "DTSTART;TZID=Europe/Amsterdam:" in out
    assert "(Hoorcollege)" in out and "(Lecture)" not in out


def test_a_bad_clock_is_one_dutch_line(demo_db_url, capsys):
    code, _out, err = run(capsys, "timetable", "--db", demo_db_url, "--student", EVA,
                          now="garbage")
    assert code != 0
    assert "Geen ISO-datum-tijd: 'garbage' (verwacht bijv. 2026-09-07T10:00)." in \
        one_error_line(err)


def test_catalogue_table_in_dutch_json_unchanged(demo_db_url, capsys):
    code, out, err = run(capsys, "catalogue", "--db", demo_db_url, "--programme",
                         "Computer Science")
    assert code == 0, err
    assert "Computer Science — Studiejaar 2026-2027" in out
    assert "Hoorcollege" in out and "Werkcollege" in out
    code, out, err = run(capsys, "catalogue", "--db", demo_db_url, "--programme",
                         "Computer Science", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert {r["component"] for r in rows} <= {"Lecture", "Tutorial", "Practical", "Exam",
                                              "Resit"}


def test_import_reports_every_bad_row_in_dutch(demo_db_url, capsys, tmp_path):
    text = EXAMPLE.read_text().splitlines()
    text[2] = text[2].replace(",5002,", ",50X2,")          # line 3
    text[6] = text[6].replace(",80,", ",eighty,")           # line 7 (capacity)
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(text) + "\n")
    code, out, err = run(capsys, "import", str(bad), "--db", demo_db_url)
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert lines[0] == ("Regel 3, class_number: '50X2' is geen studieactiviteitnummer "
                        "(precies 4 cijfers, bijv. 1052)")
    assert lines[1] == "Regel 7, capacity: 'eighty' is geen geheel getal"
    assert lines[-1].endswith(": Er is niets geïmporteerd: 3 van 8 rijen hebben problemen. "
                              "Verbeter het bestand en importeer het opnieuw.")
    assert "Regel 8, part_of: studieactiviteit 5010 staat op regel 7, die zelf problemen " \
        "heeft" in lines


def test_import_of_an_empty_file_is_one_dutch_line(demo_db_url, capsys, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    code, _out, err = run(capsys, "import", str(empty), "--db", demo_db_url)
    assert code == 1
    line = one_error_line(err)
    assert f"Er is niets geïmporteerd: {empty}: het bestand is leeg;" in line
    assert "Bestand:" not in line


def test_bad_steps_file_lists_each_line_in_dutch(capsys, tmp_path):
    steps = tmp_path / "bad.steps"
    steps.write_text('login s1234567\nopen "Shopping cart"\nenter class 12\nfly away\n')
    code, out, err = run(capsys, "replay", str(steps))
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert lines[0] == (f"{steps}:1: login: verwacht een gebruikersnaam en een wachtwoord, "
                        "kreeg 1 waarde (syntaxis: login USERNAME PASSWORD)")
    assert lines[1] == (f"{steps}:3: enter: een studieactiviteitnummer heeft precies 4 cijfers, "
                        "bijv. 1052 (niet '12')")
    assert lines[2].startswith(f"{steps}:4: onbekende stap 'fly' (stappen: login, code, open,")
    assert lines[3].endswith(f"{steps} heeft 3 foute regels (regel 1, 3, 4); er is niets "
                             "afgespeeld. Zie usis replay --help voor de opmaak.")


def test_messages_outside_the_commands_in_dutch(dutch):
    from usis_tui.clock import Clock
    from usis_tui.errors import ConfigError
    from usis_tui.serving import check_public_url, full_message

    assert full_message(1) == "uSis is vol: 1 sessie is in gebruik; probeer het zo opnieuw."
    assert full_message(8) == "uSis is vol: 8 sessies zijn in gebruik; probeer het zo opnieuw."
    with pytest.raises(ValueError, match="is geen http://- of https://-adres"):
        check_public_url("ftp://x")
    from datetime import datetime, timedelta

    clock = Clock(datetime(2200, 12, 31, 12, 0))
    with pytest.raises(ConfigError, match=r"met \+2 dagen verzet worden: uSis werkt alleen met "
                                          r"de jaren 1900-2200"):
        clock.move(timedelta(days=2))


def _replay(capsys, steps, db_url, out, *more):
    try:
        main(["replay", str(steps), "--db", db_url, "--now", "2026-11-23T09:30", "--out",
              str(out), *more])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


DUTCH_STEPS = """\
login s1234567 demo
open "Winkelwagen"
enter class 1052
press "Volgende"
expect "Winkelwagen"
press "Inschrijven"
press "Inschrijving voltooien"
expect "Resultaten bekijken"
"""


def test_an_english_steps_file_replays_in_english_whatever_the_account_chose(
        demo_db_url, tmp_path, capsys, monkeypatch):
    """Steps files (shipped, exported) are written in English: the replayed app is English
    even when the config file's default and the student's own choice are Dutch."""
    from pathlib import Path

    from usis_tui.services import Usis

    monkeypatch.delenv("USIS_LANG")
    usis = Usis.open(demo_db_url)
    usis.preferences.set_language("s1234567", "nl")
    usis.close()
    config = tmp_path / "config.toml"
    config.write_text('lang = "nl"\n')
    monkeypatch.setenv("USIS_CONFIG", str(config))
    example = Path(__file__).resolve().parents[2] / "examples" / "enrol-1052.steps"
    code, out, err = _replay(capsys, example, demo_db_url, tmp_path / "out")
    assert code == 0, out + err
    assert "PASSED: 9 of 9 steps" in out  # and said in English, as the steps are


def test_lang_nl_replays_a_dutch_steps_file(demo_db_url, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("USIS_LANG")
    steps = tmp_path / "inschrijven.steps"
    steps.write_text(DUTCH_STEPS)
    code, out, err = _replay(capsys, steps, demo_db_url, tmp_path / "out", "--lang", "nl")
    assert code == 0, out + err
    code, out, err = _replay(capsys, steps, demo_db_url, tmp_path / "out2")
    assert code == 1  # in English there is no "Winkelwagen" page label to press
