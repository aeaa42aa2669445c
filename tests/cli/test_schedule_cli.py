"""`usis schedule` on the demo database (clock 2026-11-23 09:30): the best results as text and
JSON, a preference that changes them, and exit 1 with the explanation when no schedule exists;
bad options are one clear line."""

from __future__ import annotations

import io
import json
import sys

from usis_tui.cli import main

NOW = "2026-11-23T09:30"
FOUR = "4031DATABY,4031CNETY,4031SENGY,4031CCONY"


def run(capsys, monkeypatch, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code = 0
    try:
        main([*args, "--now", NOW])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    out, err = capsys.readouterr()
    return code, out, err


def test_schedule_prints_the_best_results_and_json(demo_db_url, capsys, monkeypatch):
    code, out, err = run(capsys, monkeypatch, "schedule", "--student", "s1234567", "--courses",
                         FOUR, "--limit", "2", "--db", demo_db_url)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == ("Schedule assistant for s1234567: 4031DATABY, 4031CNETY, 4031SENGY, "
                        "4031CCONY, semester 2 of 2026-2027.")
    assert lines[1] == "Preferences: open seats over wait lists."
    assert lines[2] == "The best 2 schedules:"
    assert lines[4].startswith("1. score ") and "days on campus" in lines[4]
    assert any(line.split()[:3] == ["4031CNETY", "Tutorial", "1901"] for line in lines)
    assert any(line.rstrip().endswith("enrolled") and "2027" in line for line in lines)

    code, out, err = run(capsys, monkeypatch, "schedule", "--student", "s1234567", "--courses",
                         FOUR, "--prefer", "days-off=Fr", "--json", "--db", demo_db_url)
    assert code == 0
    data = json.loads(out)
    assert data["prefs"]["days_off"] == [4] and data["semester"] == 2
    top = data["results"][0]
    numbers = [p["cls"]["class_number"] for p in top["picks"]]
    assert "1902" in numbers and "1901" not in numbers  # Friday off: Wednesday's group
    assert "preview" not in top and top["rank"] == 1


def test_no_schedule_exits_1_with_the_reason(demo_db_url, capsys, monkeypatch):
    code, out, err = run(capsys, monkeypatch, "schedule", "--student", "s1234567", "--courses",
                         "4031CNETY,4031IPROY", "--db", demo_db_url)
    assert code == 1 and err == ""
    assert out.splitlines()[-3:] == [
        "No schedule: these courses cannot be combined.",
        "  4031CNETY exam Tue 14:00 clashes with 4031IPROY exam Tue 14:00.",
        "  Drop one of them or look at next period's classes."]


def test_bad_options_are_one_clear_line(demo_db_url, capsys, monkeypatch):
    code, out, err = run(capsys, monkeypatch, "schedule", "--student", "s1234567", "--courses",
                         FOUR, "--prefer", "days-off=Xx", "--db", demo_db_url)
    assert code != 0 and out == ""
    assert "Days off: xx is not a day (Mo, Tu, We, Th, Fr)." in err
    assert "Traceback" not in err
    code, out, err = run(capsys, monkeypatch, "schedule", "--student", "s1234567", "--courses",
                         "4031NOPE", "--db", demo_db_url)
    assert code != 0 and "There is no course 4031NOPE." in err
    code, out, err = run(capsys, monkeypatch, "schedule", "--student", "s1234567", "--courses",
                         FOUR, "--year", "2026-2027", "--db", demo_db_url)
    assert code == 2 and "Give --year and --semester together, or neither." in err
