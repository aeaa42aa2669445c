"""`usis results import FILE [--check]` and `usis results list CLASS`: the example file on the
demo (s1234567 fails 2014 and may then enrol in its resit 2015), every bad line on stderr with
exit 1 and nothing written, and `--user`: the board gets through, a student is refused."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from factories import dump
from helpers import DEMO_NOW, otp_for, set_up_totp

from usis_tui.cli import main
from usis_tui.db import Database
from usis_tui.services import Usis

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "results.csv"
NOW = "2026-11-23T09:30"
EVA = "s1234567"


def run(capsys, monkeypatch, *args: str, password: str | None = "demo") -> tuple[int, str, str]:
    if password is not None:
        monkeypatch.setenv("USIS_PASSWORD", password)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    otp_for(monkeypatch, args, DEMO_NOW)
    code = 0
    try:
        main([*args, "--now", NOW])
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def resit_would(url: str) -> str:
    usis = Usis.open(url, clock=lambda: DEMO_NOW)
    try:
        line = usis.cart.add(EVA, "2026-2027", "2015")
        usis.cart.remove(EVA, line.item_id)
        return line.would
    finally:
        usis.close()


def test_the_example_checked_then_imported_then_listed(demo_db_url, capsys, monkeypatch):
    db = Database(demo_db_url)
    try:
        before = dump(db, audit=True)
        code, out, err = run(capsys, monkeypatch, "results", "import", str(EXAMPLE), "--check",
                             "--db", demo_db_url)
        assert (code, err) == (0, "")
        assert out == (f"{EXAMPLE}: 4 rows, all good (4 new results, 0 corrections). Nothing "
                       "was registered (--check).\n")
        assert dump(db, audit=True) == before
        assert resit_would(demo_db_url) == "failed"
        code, out, err = run(capsys, monkeypatch, "results", "import", str(EXAMPLE),
                             "--db", demo_db_url)
        assert (code, err) == (0, "")
        assert out.splitlines() == [
            f"Registered 4 results from {EXAMPLE} (4 new, 0 corrected); each student got a "
            "message \"New study result\".",
            "  Class 2014 4031CARCY Computer Architecture: 4 new, 0 corrected, 1 not passed."]
        assert resit_would(demo_db_url) == "enrolled"
        code, out, err = run(capsys, monkeypatch, "results", "list", "2014", "--db",
                             demo_db_url)
        assert (code, err) == (0, "")
        lines = out.splitlines()
        assert lines[0] == ("2014 4031CARCY Computer Architecture · Exam · 20 Jan 2027 · "
                            "2026-2027")
        assert lines[1] == "70 enrolled, 4 with a result registered."
        assert lines[3].split() == [EVA, "Eva", "de", "Vries", "4.5", "–"]
    finally:
        db.dispose()


def test_a_bad_file_reports_every_line_and_writes_nothing(demo_db_url, tmp_path, capsys,
                                                          monkeypatch):
    bad = tmp_path / "bad.csv"
    text = EXAMPLE.read_text().splitlines()
    text[1] = text[1].replace('"4,5"', "12")         # line 2: no grade
    text[3] = text[3].replace("2014", "2013")        # line 4: a tutorial
    text.append("2026-2027,2014,s7654321,6,")        # line 6: not enrolled
    bad.write_text("\n".join(text) + "\n")
    db = Database(demo_db_url)
    try:
        before = dump(db, audit=True)
        code, out, err = run(capsys, monkeypatch, "results", "import", str(bad), "--db",
                             demo_db_url)
        assert (code, out) == (1, "")
        assert err.splitlines() == [
            "Line 2, grade: '12' is not between 1 and 10",
            "Line 4, class_number: class 2013 is a tutorial class; results are registered for "
            "exam and resit classes",
            "Line 6, student_number: Jan Jansen is not enrolled in class 2014",
            "usis: error: Nothing was imported: 3 of 5 rows have problems. Fix the file and "
            "import it again."]
        assert dump(db, audit=True) == before
        # a file that is no CSV at all: one line
        code, out, err = run(capsys, monkeypatch, "results", "import", "/dev/null", "--db",
                             demo_db_url)
        assert code == 1 and len(err.splitlines()) == 1 and "(a device)" in err
        empty = tmp_path / "empty.csv"
        empty.write_bytes(b"")
        code, out, err = run(capsys, monkeypatch, "results", "import", str(empty), "--db",
                             demo_db_url)
        assert code == 1 and err.startswith("usis: error: Nothing was imported: ")
        assert "the file is empty" in err and len(err.splitlines()) == 1
        assert dump(db, audit=True) == before
    finally:
        db.dispose()


def test_with_user_the_board_gets_through_and_a_student_is_refused(demo_db_url, capsys,
                                                                   monkeypatch):
    set_up_totp(demo_db_url, "board", DEMO_NOW)
    db = Database(demo_db_url)
    try:
        before = dump(db, sign_in=True)
        for args in (("results", "list", "2014"), ("results", "import", str(EXAMPLE))):
            code, out, err = run(capsys, monkeypatch, *args, "--db", demo_db_url, "--user", EVA)
            assert code == 1 and out == ""
            assert err == ("usis: error: Only the Board of Examiners can do this. Sign in with "
                           "a Board of Examiners account.\n")
        assert dump(db, sign_in=True) == before
        code, out, err = run(capsys, monkeypatch, "results", "import", str(EXAMPLE), "--db",
                             demo_db_url, "--user", "board")
        assert (code, err) == (0, "") and out.startswith("Registered 4 results")
    finally:
        db.dispose()
    usis = Usis.open(demo_db_url, clock=lambda: DEMO_NOW)
    try:
        entry = usis.audit.entries(EVA, action="result_register")[-1]
        assert (entry.actor, entry.outcome) == ("board", "ok")
    finally:
        usis.close()
