"""`usis user add|passwd|lock`: accounts for students and staff; passwords only from a hidden
prompt or standard input, never shown, never in the audit trail; who may do what."""

from __future__ import annotations

import io
import sys

import pytest
from factories import dump
from helpers import DEMO_NOW, otp_for, set_up_totp
from sqlalchemy import select

from usis_tui.cli import main
from usis_tui.models import StaffUser, Student
from usis_tui.services import ServiceError, Usis

NOW = "2026-11-23T09:30"
EVA, JAN = "s1234567", "s7654321"
SECRET = "Tr0ub4dor&3 horse"
OTHER_SECRET = "another good one"


@pytest.fixture
def demo(demo_db_url, demo_now):
    for staff in ("support", "board", "trainer"):  # staff sign in with two steps
        set_up_totp(demo_db_url, staff, DEMO_NOW)
    usis = Usis.open(demo_db_url, clock=lambda: demo_now)
    yield demo_db_url, usis
    usis.close()


def run(capsys, monkeypatch, *args: str, stdin: str = "", password: str | None = None,
        tty: bool = False) -> tuple[int, str, str]:
    if password is None:
        monkeypatch.delenv("USIS_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("USIS_PASSWORD", password)
    monkeypatch.delenv("USIS_USER", raising=False)
    stream = io.StringIO(stdin)
    stream.isatty = lambda: tty  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stdin", stream)
    otp_for(monkeypatch, args, DEMO_NOW)  # staff: the code of their authenticator app
    code = 0
    try:
        main([*args, "--now", NOW])
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(result: tuple[int, str, str], needle: str = "") -> str:
    code, out, err = result
    assert code != 0 and out == "" and "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("usis: error: "), err
    assert needle in lines[0], lines[0]
    return lines[0]


def stored_hash(usis, username: str) -> str:
    with usis.db.read() as session:
        if username.startswith("s") and username[1:].isdigit():
            return session.scalar(select(Student.password_hash).where(
                Student.student_number == username))
        return session.scalar(select(StaffUser.password_hash).where(
            StaffUser.username == username))


def everything(usis) -> str:
    """Every row of every table, audit trail included, as one text."""
    return repr(dump(usis.db, audit=True))


# ---------------------------------------------------------------------------- add
def test_add_a_student_and_a_staff_member(demo, capsys, monkeypatch):
    url, usis = demo
    code, out, err = run(capsys, monkeypatch, "user", "add", "s1111111", "--role", "student",
                         "--name", "Nieuwe Student", "--programme", "Computer Science",
                         "--password-stdin", "--db", url, stdin=SECRET + "\n")
    assert (code, err) == (0, "")
    assert out == "Account s1111111 (student, Computer Science) created for Nieuwe Student.\n"
    code, out, err = run(capsys, monkeypatch, "user", "add", "helpdesk2", "--role", "support",
                         "--password-stdin", "--db", url, stdin=OTHER_SECRET)
    assert (code, out) == (0, "Account helpdesk2 (support) created for helpdesk2.\n")
    assert usis.auth.login("s1111111", SECRET).name == "Nieuwe Student"
    assert usis.auth.login("helpdesk2", OTHER_SECRET).role == "support"
    # the parameters of every new hash (USIS_SCRYPT_N: 16384 in the tests, see conftest.py)
    assert stored_hash(usis, "s1111111").startswith("scrypt$16384$8$1$")
    text = everything(usis)
    assert SECRET not in text and OTHER_SECRET not in text


def test_the_interactive_prompt_hides_and_confirms(demo, capsys, monkeypatch):
    url, usis = demo
    import click

    asked = []

    def prompt(text, **kwargs):
        asked.append((text, kwargs.get("hide_input"), kwargs.get("confirmation_prompt")))
        return SECRET

    monkeypatch.setattr(click, "prompt", prompt)
    code, out, err = run(capsys, monkeypatch, "user", "add", "trainer2", "--role", "trainer",
                         "--db", url, tty=True)
    assert (code, err) == (0, "")
    assert asked == [("New password for trainer2", True, True)]
    assert SECRET not in out
    assert usis.auth.login("trainer2", SECRET).role == "trainer"


@pytest.mark.parametrize("args, needle", [
    (("s1111111", "--role", "student"), "needs a programme"),
    (("s1111111", "--role", "student", "--programme", "Alchemy"), "No programme called"),
    (("s12", "--role", "student", "--programme", "Computer Science"), "s and 7 digits"),
    ((EVA, "--role", "student", "--programme", "Computer Science"), "already exists"),
    (("support", "--role", "support"), "already exists"),
    (("s2222222", "--role", "board"), "not a student number"),
])
def test_add_refusals(demo, capsys, monkeypatch, args, needle):
    url, usis = demo
    before = dump(usis.db, audit=True)
    one_line_error(run(capsys, monkeypatch, "user", "add", *args, "--password-stdin",
                       "--db", url, stdin=SECRET), needle)
    assert dump(usis.db, audit=True) == before


def test_bad_passwords_and_no_password_source(demo, capsys, monkeypatch):
    url, usis = demo
    before = dump(usis.db, audit=True)
    base = ("user", "add", "bob", "--role", "trainer", "--db", url)
    line = one_line_error(run(capsys, monkeypatch, *base, "--password-stdin", stdin="short\n"),
                          "at least 8 characters")
    assert "short" not in line.replace("at least", "")
    one_line_error(run(capsys, monkeypatch, *base, "--password-stdin", stdin=""),
                   "at least 8 characters")
    one_line_error(run(capsys, monkeypatch, *base), "--password-stdin")  # no terminal
    # never as an argument
    one_line_error(run(capsys, monkeypatch, *base, "--password", SECRET), "No such option")
    one_line_error(run(capsys, monkeypatch, "user", "add", "bob", "--role", "admin",
                       "--password-stdin", "--db", url, stdin=SECRET), "admin")
    assert dump(usis.db, audit=True) == before


# ---------------------------------------------------------------------------- passwd
def test_passwd_by_the_administrator_and_by_oneself(demo, capsys, monkeypatch):
    url, usis = demo
    code, out, _ = run(capsys, monkeypatch, "user", "passwd", EVA, "--password-stdin",
                       "--db", url, stdin=SECRET + "\n")
    assert (code, out) == (0, f"Password of {EVA} changed.\n")
    with pytest.raises(ServiceError):
        usis.auth.login(EVA, "demo")
    # Eva changes it again herself: signs in with the current one, types the new one
    code, out, err = run(capsys, monkeypatch, "user", "passwd", EVA, "--password-stdin",
                         "--user", EVA, "--db", url, stdin=OTHER_SECRET, password=SECRET)
    assert (code, out, err) == (0, f"Password of {EVA} changed.\n", "")
    assert usis.auth.login(EVA, OTHER_SECRET).username == EVA
    trail = [(r.actor, r.action, r.detail) for r in usis.audit.entries(EVA)
             if r.action == "user_passwd"]
    assert trail == [("(local admin)", "user_passwd", f"Password of {EVA} changed"),
                     (EVA, "user_passwd", f"Password of {EVA} changed")]
    text = everything(usis)
    assert SECRET not in text and OTHER_SECRET not in text
    assert stored_hash(usis, EVA) not in repr([r for r in usis.audit.entries(EVA)])


def test_passwd_of_someone_else_is_refused(demo, capsys, monkeypatch):
    url, usis = demo
    before = dump(usis.db, sign_in=True)
    for user in (JAN, "support", "board", "trainer"):
        one_line_error(run(capsys, monkeypatch, "user", "passwd", EVA, "--password-stdin",
                           "--user", user, "--db", url, stdin=SECRET, password="demo"),
                       "You can only change your own account.")
    assert dump(usis.db, sign_in=True) == before
    assert usis.auth.login(EVA, "demo").username == EVA
    one_line_error(run(capsys, monkeypatch, "user", "passwd", "nobody", "--password-stdin",
                       "--db", url, stdin=SECRET), "There is no account 'nobody'")


# ---------------------------------------------------------------------------- lock
def test_lock_and_unlock(demo, capsys, monkeypatch):
    url, usis = demo
    assert run(capsys, monkeypatch, "user", "lock", EVA, "--db", url)[:2] == (
        0, f"Account {EVA} locked.\n")
    with pytest.raises(ServiceError) as err:
        usis.auth.login(EVA, "demo")
    assert str(err.value) == "Your account is locked."
    # the locked student cannot use the command line either
    one_line_error(run(capsys, monkeypatch, "timetable", "--student", EVA, "--user", EVA,
                       "--db", url, password="demo"), "Your account is locked.")
    # support unlocks student accounts (the lock message sends students to the helpdesk)
    code, out, _ = run(capsys, monkeypatch, "user", "lock", EVA, "--unlock", "--user",
                       "support", "--db", url, password="demo")
    assert (code, out) == (0, f"Account {EVA} unlocked.\n")
    assert usis.auth.login(EVA, "demo").username == EVA
    steps = [(r.actor, r.action) for r in usis.audit.entries(EVA) if r.action.startswith("user_")]
    assert steps == [("(local admin)", "user_lock"), ("support", "user_unlock")]


@pytest.mark.parametrize("user, target, needle", [
    (EVA, JAN, "Only support staff"),
    (JAN, JAN, "Only support staff"),
    ("board", EVA, "Only support staff"),
    ("trainer", EVA, "Only support staff"),
    ("support", "board", "student accounts only"),
])
def test_lock_refusals(demo, capsys, monkeypatch, user, target, needle):
    url, usis = demo
    before = dump(usis.db, sign_in=True)
    one_line_error(run(capsys, monkeypatch, "user", "lock", target, "--user", user,
                       "--db", url, password="demo"), needle)
    assert dump(usis.db, sign_in=True) == before
    assert usis.auth.login(target, "demo")


def test_only_the_administrator_adds_accounts(demo, capsys, monkeypatch):
    url, usis = demo
    before = dump(usis.db, sign_in=True)
    for user in (EVA, "support", "board", "trainer"):
        one_line_error(run(capsys, monkeypatch, "user", "add", "s1111111", "--role", "student",
                           "--programme", "Computer Science", "--password-stdin",
                           "--user", user, "--db", url, stdin=SECRET, password="demo"),
                       "Only the administrator")
    assert dump(usis.db, sign_in=True) == before


def test_help_lists_the_commands(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, "user", "--help")
    assert code == 0
    for name in ("add", "passwd", "lock"):
        assert name in out


def test_the_real_account_hash(demo, capsys, monkeypatch):
    """Without the test shortcut (USIS_SCRYPT_N): `usis user` stores N=2**17 hashes."""
    monkeypatch.delenv("USIS_SCRYPT_N")
    url, usis = demo
    assert run(capsys, monkeypatch, "user", "passwd", "trainer", "--password-stdin",
               "--db", url, stdin=SECRET)[0] == 0
    assert stored_hash(usis, "trainer").startswith("scrypt$131072$8$1$")
    assert usis.auth.login("trainer", SECRET).role == "trainer"


@pytest.mark.parametrize("name", [
    "Evil\x1b]0;PWNED\x07Name\x1b[31mRED",  # sets the terminal's title, then red
    "Evil\x9b31mName",  # C1 CSI
    "Two\nlines",
    "Eva \u202egnp.exe",  # right-to-left override
    "x" * 5039,
], ids=["osc-ansi", "c1-csi", "newline", "rlo", "5039"])
def test_add_refuses_a_hostile_name(demo, capsys, monkeypatch, name):
    url, usis = demo
    before = dump(usis.db)
    line = one_line_error(run(capsys, monkeypatch, "user", "add", "helpdesk2", "--role",
                              "support", "--name", name, "--password-stdin", "--db", url,
                              stdin=SECRET), "Name: ")
    assert "\x1b" not in line and "\x9b" not in line and "\u202e" not in line
    assert len(line) < 200
    assert dump(usis.db) == before
