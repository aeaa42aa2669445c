"""Every `usis` command that shows or changes one student's data, run with another student's
identity (`--user`): refused with one line, a non-zero exit, no traceback, the database
unchanged (apart from the audit trail, which records the sign-in and the refusal)."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import click
import pytest
from factories import dump
from helpers import DEMO_NOW, otp_for, set_up_totp

from usis_tui.cli import cli, main
from usis_tui.db import Database

NOW = "2026-11-23T09:30"
EVA, JAN = "s1234567", "s7654321"
OTHER_STUDENT = "You are not authorised to see or change another student's data."

# Every command, by what protects the data it shows or changes. A new command fails
# test_every_command_is_classified until it is put in one of these.
GUARDED = {"timetable", "audit", "user add", "user passwd", "user lock", "user mfa status",
           "user mfa reset", "results import", "results list",
           "schedule"}  # --user + the guard
# the local administrator (no student's data is shown; `import` writes the catalogue)
ADMIN = {"db init", "db reset", "db upgrade", "db current", "import"}
PUBLIC = {"catalogue"}  # the published class numbers
# the Course Portal: its jobs (cron) and the mail queue as the local administrator; the
# published offering and the certificate check are public (tests/cli/test_portal_cli.py)
ADMIN |= {"portal remind", "portal expire", "mail flush"}
PUBLIC |= {"portal offerings", "portal verify"}
IN_APP = {"replay", "serve"}  # the app: everyone signs in on its login page
# guided tours: run is the app (its login page); check replays a tour on a throwaway copy, as
# replay does; list reads the shipped tour files, no database
IN_APP |= {"tour run", "tour check"}
PUBLIC |= {"tour list"}
# the user's own settings (config file, USIS_*, options): no database is opened, passwords masked
OWN_SETTINGS = {"config path", "config show"}


def leaf_commands(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    out = {}
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # the lazy group imports each command here
        command = group.get_command(ctx, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            out.update(leaf_commands(command, f"{prefix}{name} "))
        else:
            out[f"{prefix}{name}"] = command
    return out


def run(capsys, monkeypatch, *args: str, password: str | None = "demo",
        stdin: str = "") -> tuple[int, str, str]:
    if password is None:
        monkeypatch.delenv("USIS_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("USIS_PASSWORD", password)
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    otp_for(monkeypatch, args, DEMO_NOW)  # staff: the code of their authenticator app
    code = 0
    try:
        main([*args, "--now", NOW])
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def assert_refused(code: int, out: str, err: str, needle: str = "") -> None:
    assert code != 0
    assert "Traceback" not in err and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("usis: error: ")
    assert needle in lines[0]


def test_every_command_is_classified():
    commands = leaf_commands(cli)
    classified = GUARDED | ADMIN | PUBLIC | IN_APP | OWN_SETTINGS
    assert set(commands) <= classified, (
        "classify the new command in tests/cli/test_access_cli.py (and guard it if it shows "
        f"or changes a student's data): {sorted(set(commands) - classified)}")
    assert GUARDED | PUBLIC <= set(commands)
    for name, command in commands.items():
        options = {o for p in command.params for o in getattr(p, "opts", [])}
        if "--student" in options or name in GUARDED:
            assert name in GUARDED and "--user" in options, name
        if name in ADMIN | PUBLIC | OWN_SETTINGS:
            assert "--student" not in options, name


@pytest.fixture
def demo_db(demo_db_url):
    for staff in ("support", "board", "trainer"):  # staff sign in with two steps
        set_up_totp(demo_db_url, staff, DEMO_NOW)
    db = Database(demo_db_url)
    yield demo_db_url, db
    db.dispose()


def other_student_cases(tmp_path) -> list[tuple[str, ...]]:
    """(args...) run by Jan about Eva."""
    return [
        ("timetable", "--student", EVA),
        ("timetable", "--student", EVA, "--week", "49"),
        ("timetable", "--student", EVA, "--exams"),
        ("timetable", "--student", EVA, "--ics", str(tmp_path / "eva.ics"),
         "--include", "waitlisted,planned"),
        ("audit", "--student", EVA),
        ("audit", "--student", EVA, "--json"),
        ("schedule", "--student", EVA, "--courses", "4031CNETY,4031CCONY"),
    ]


def test_another_students_identity_is_refused(demo_db, tmp_path, capsys, monkeypatch):
    url, db = demo_db
    before = dump(db)
    cases = other_student_cases(tmp_path)
    for args in cases:
        assert_refused(*run(capsys, monkeypatch, *args, "--db", url, "--user", JAN),
                       "You are not authorised")
    assert not (tmp_path / "eva.ics").exists()
    assert dump(db) == before
    # the trail: Jan signed in each time, and each refusal is on Eva's record
    from usis_tui.services import Usis

    usis = Usis(db, clock=lambda: None)  # reading only
    refused = [r for r in usis.audit.entries(EVA) if r.action == "access"]
    assert len(refused) == len(cases)
    assert {(r.actor, r.outcome) for r in refused} == {(JAN, "refused")}


def test_the_timetable_refusal_reads_as_one_line(demo_db, capsys, monkeypatch):
    url, _ = demo_db
    code, out, err = run(capsys, monkeypatch, "timetable", "--db", url, "--student", EVA,
                         "--user", JAN)
    assert_refused(code, out, err)
    assert err == (f"usis: error: {OTHER_STUDENT} You can only see and change your own "
                   "data.\n")


@pytest.mark.parametrize("who", ["board", "trainer"])
def test_staff_without_the_role_are_refused(who, demo_db, tmp_path, capsys, monkeypatch):
    url, db = demo_db
    before = dump(db, sign_in=True)
    for args in other_student_cases(tmp_path):
        assert_refused(*run(capsys, monkeypatch, *args, "--db", url, "--user", who))
    assert dump(db, sign_in=True) == before


def test_the_own_student_and_support_get_through(demo_db, tmp_path, capsys, monkeypatch):
    url, _ = demo_db
    code, out, err = run(capsys, monkeypatch, "timetable", "--db", url, "--student", EVA,
                         "--user", EVA)
    assert (code, err) == (0, "") and out.startswith(f"{EVA} · Week 48")
    code, out, err = run(capsys, monkeypatch, "timetable", "--db", url, "--student", EVA,
                         "--user", "support")  # support acts for the student named
    assert (code, err) == (0, "") and out.startswith(f"{EVA} · Week 48")
    code, out, err = run(capsys, monkeypatch, "audit", "--db", url, "--student", EVA,
                         "--user", "support")
    assert (code, err) == (0, "") and "Audit trail" in out
    # a student does not read the audit trail, not even their own
    assert_refused(*run(capsys, monkeypatch, "audit", "--db", url, "--student", EVA,
                        "--user", EVA), "Only support staff")


def test_sign_in_problems_are_one_line(demo_db, capsys, monkeypatch):
    url, _ = demo_db
    assert_refused(*run(capsys, monkeypatch, "timetable", "--db", url, "--student", EVA,
                        "--user", EVA, password="wrong"),
                   "Your User ID and/or Password are invalid.")
    assert_refused(*run(capsys, monkeypatch, "timetable", "--db", url, "--student", EVA,
                        "--user", EVA, password=None), "set USIS_PASSWORD")
    monkeypatch.setenv("USIS_USER", JAN)  # the environment names the user too
    assert_refused(*run(capsys, monkeypatch, "timetable", "--db", url, "--student", EVA),
                   "You are not authorised")


def test_in_a_real_process(demo_db_url, tmp_path):
    env = {**os.environ, "USIS_NOW": NOW, "USIS_PASSWORD": "demo"}
    env.pop("USIS_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "usis_tui", "timetable", "--db", demo_db_url, "--student", EVA,
         "--user", JAN, "--ics", str(tmp_path / "x.ics")],
        capture_output=True, text=True, env=env, timeout=120, check=False)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith(f"usis: error: {OTHER_STUDENT}")
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "x.ics").exists()
