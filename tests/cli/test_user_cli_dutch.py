"""`usis --lang nl user …` in Dutch: the output, the prompts and the errors (one line on
stderr); a sign-in with --user is refused in the same Dutch words for an unknown name and a wrong
password (needs the merged catalogue: /work/i18n/rest.json)."""

from __future__ import annotations

import io
import sys

import pytest
from helpers import DEMO_NOW, otp_for, set_up_totp

from usis_tui.cli import main

NOW = "2026-11-23T09:30"
EVA = "s1234567"
SECRET = "Tr0ub4dor&3 horse"


@pytest.fixture
def demo(demo_db_url, dutch):
    """The demo database; the test ends in English whatever the command set."""
    for staff in ("support", "board", "trainer"):
        set_up_totp(demo_db_url, staff, DEMO_NOW)
    return demo_db_url


def run(capsys, monkeypatch, *args: str, stdin: str = "", password: str | None = None,
        tty: bool = False, otp: bool = True) -> tuple[int, str, str]:
    if password is None:
        monkeypatch.delenv("USIS_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("USIS_PASSWORD", password)
    monkeypatch.delenv("USIS_USER", raising=False)
    monkeypatch.delenv("USIS_LANG", raising=False)
    stream = io.StringIO(stdin)
    stream.isatty = lambda: tty  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stdin", stream)
    if otp:  # (an unknown --user has no authenticator app)
        otp_for(monkeypatch, args, DEMO_NOW)
    code = 0
    try:
        main(["--lang", "nl", *args, "--now", NOW])
    except SystemExit as exc:
        code = exc.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def error_line(result: tuple[int, str, str]) -> str:
    code, out, err = result
    assert code != 0 and out == "" and "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_add_lock_and_passwd_say_it_in_dutch(demo, capsys, monkeypatch):
    url = demo
    assert run(capsys, monkeypatch, "user", "add", "s1111111", "--role", "student",
               "--name", "Nieuwe Student", "--programme", "Computer Science",
               "--password-stdin", "--db", url, stdin=SECRET + "\n")[:2] == (
        0, "Account s1111111 (student, Computer Science) aangemaakt voor Nieuwe Student.\n")
    assert run(capsys, monkeypatch, "user", "lock", "s1111111", "--db", url)[:2] == (
        0, "Account s1111111 geblokkeerd.\n")
    assert run(capsys, monkeypatch, "user", "lock", "s1111111", "--unlock", "--db", url)[:2] == (
        0, "Account s1111111 gedeblokkeerd.\n")
    assert run(capsys, monkeypatch, "user", "passwd", "s1111111", "--password-stdin",
               "--db", url, stdin="another good one")[:2] == (
        0, "Wachtwoord van s1111111 gewijzigd.\n")


def test_errors_in_dutch(demo, capsys, monkeypatch):
    url = demo
    line = error_line(run(capsys, monkeypatch, "user", "passwd", "nobody", "--password-stdin",
                          "--db", url, stdin=SECRET))
    assert line.endswith("Er is geen account 'nobody'. Maak het aan met `usis user add`."), line
    line = error_line(run(capsys, monkeypatch, "user", "add", "s1111111", "--role", "student",
                          "--programme", "Computer Science", "--db", url))
    assert line.endswith("Geen terminal om het nieuwe wachtwoord in te typen: geef het via een "
                         "pipe aan --password-stdin."), line
    line = error_line(run(capsys, monkeypatch, "user", "add", "bob", "--role", "trainer",
                          "--password-stdin", "--db", url, stdin="short"))
    assert line.endswith("Een wachtwoord heeft minstens 8 tekens."), line
    line = error_line(run(capsys, monkeypatch, "user", "lock", "s1111111", "--user", EVA,
                          "--db", url))
    assert line.endswith(f"Geen wachtwoord voor {EVA}: stel USIS_PASSWORD in of voer de "
                         "opdracht uit in een terminal om het te typen."), line


def test_a_wrong_password_and_an_unknown_user_are_refused_alike_in_dutch(demo, capsys,
                                                                          monkeypatch):
    url = demo
    wrong = error_line(run(capsys, monkeypatch, "user", "mfa", "status", EVA, "--user", EVA,
                           "--db", url, password="wrong password"))
    unknown = error_line(run(capsys, monkeypatch, "user", "mfa", "status", EVA, "--user",
                             "s7777777", "--db", url, password="wrong password", otp=False))
    assert wrong == unknown
    assert wrong.endswith("Je gebruikersnaam en/of wachtwoord is ongeldig."), wrong


def test_the_prompts_are_dutch(demo, capsys, monkeypatch):
    import click

    asked = []

    def prompt(text, **kwargs):
        asked.append((text, kwargs.get("confirmation_prompt")))
        return "demo" if text.startswith("Wachtwoord") else SECRET

    monkeypatch.setattr(click, "prompt", prompt)
    code, out, err = run(capsys, monkeypatch, "user", "passwd", EVA, "--user", EVA,
                         "--db", demo, tty=True)
    assert (code, err) == (0, ""), err
    assert asked == [(f"Wachtwoord voor {EVA}", None),
                     (f"Nieuw wachtwoord voor {EVA}", "Herhaal ter bevestiging")]
    assert out == f"Wachtwoord van {EVA} gewijzigd.\n"
