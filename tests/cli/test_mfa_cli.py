"""`usis user mfa status|reset`, the code of `--user` (USIS_OTP) and the `code` step of
`usis replay` (USIS_OTP_SECRET)."""

from __future__ import annotations

import io
import sys

import pytest
from helpers import DEMO_NOW, next_code, set_up_totp, totp_secret

from usis_tui.cli import main
from usis_tui.replay import Code, StepsError, parse_steps
from usis_tui.services import Usis
from usis_tui.services.mfa import code_at

NOW = "2026-11-23T09:30"
EVA = "s1234567"


def run(capsys, monkeypatch, *args: str, otp: str | None = None,
        password: str | None = "demo") -> tuple[int, str, str]:
    for name, value in (("USIS_PASSWORD", password), ("USIS_OTP", otp)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    monkeypatch.delenv("USIS_USER", raising=False)
    stream = io.StringIO("")
    stream.isatty = lambda: False  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stdin", stream)
    code = 0
    try:
        main([*args, "--now", NOW])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(result: tuple[int, str, str], needle: str) -> None:
    code, out, err = result
    assert code != 0 and out == "" and "Traceback" not in err, (code, out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("usis: error: ") and needle in lines[0], err


def mfa_trail(url: str) -> list[tuple[str, str, str]]:
    usis = Usis.open(url, clock=lambda: DEMO_NOW)
    try:
        from sqlalchemy import select

        from usis_tui.models import AuditEntry

        with usis.db.read() as session:
            return [tuple(r) for r in session.execute(
                select(AuditEntry.actor, AuditEntry.action, AuditEntry.detail)
                .where(AuditEntry.action == "mfa_reset").order_by(AuditEntry.id))]
    finally:
        usis.close()


def test_status_and_reset_by_the_administrator(demo_db_url, capsys, monkeypatch):
    url = demo_db_url
    assert run(capsys, monkeypatch, "user", "mfa", "status", "support", "--db", url)[:2] == (
        0, "support: two-step sign-in is off; it is set up at the next sign-in (required).\n")
    assert run(capsys, monkeypatch, "user", "mfa", "status", EVA, "--db", url)[1] == (
        f"{EVA}: two-step sign-in is off (optional).\n")
    secret = set_up_totp(url, "support", DEMO_NOW)
    assert run(capsys, monkeypatch, "user", "mfa", "status", "support", "--db", url)[1] == (
        "support: two-step sign-in is on (required); 10 recovery codes left.\n")
    code, out, err = run(capsys, monkeypatch, "user", "mfa", "reset", "support", "--db", url)
    assert (code, out, err) == (0, "Two-step sign-in of support reset: it is set up again at "
                                   "the next sign-in.\n", "")
    assert totp_secret(url, "support") == (None, None, None)
    assert mfa_trail(url) == [("(local admin)", "mfa_reset", "Two-step sign-in of support reset")]
    # the next sign-in sets it up again, with a new key
    usis = Usis.open(url, clock=lambda: DEMO_NOW)
    try:
        pending = usis.auth.login("support", "demo")
        assert pending.step == "setup" and usis.mfa.setup_key(pending.ticket).secret != secret
    finally:
        usis.close()
    one_line_error(run(capsys, monkeypatch, "user", "mfa", "reset", "nobody", "--db", url),
                   "There is no account 'nobody'")


def test_user_asks_the_code(demo_db_url, capsys, monkeypatch):
    url = demo_db_url
    # staff without a second factor: set it up first (not in a pipe)
    one_line_error(run(capsys, monkeypatch, "user", "mfa", "status", EVA, "--db", url,
                       "--user", "support"), "support has to set up two-step sign-in first")
    secret = set_up_totp(url, "support", DEMO_NOW)
    one_line_error(run(capsys, monkeypatch, "user", "mfa", "status", EVA, "--db", url,
                       "--user", "support"), "set USIS_OTP to the code")
    one_line_error(run(capsys, monkeypatch, "user", "mfa", "status", EVA, "--db", url,
                       "--user", "support", otp="000000"), "The code is not valid.")
    code = next_code(secret, DEMO_NOW, totp_secret(url, "support")[2])
    assert run(capsys, monkeypatch, "user", "mfa", "status", EVA, "--db", url,
               "--user", "support", otp=code)[:2] == (
        0, f"{EVA}: two-step sign-in is off (optional).\n")
    # a code works once
    one_line_error(run(capsys, monkeypatch, "user", "mfa", "status", EVA, "--db", url,
                       "--user", "support", otp=code), "This code has been used already.")
    # support resets a student's, not a colleague's
    code = next_code(secret, DEMO_NOW, totp_secret(url, "support")[2])
    one_line_error(run(capsys, monkeypatch, "user", "mfa", "reset", "board", "--db", url,
                       "--user", "support", otp=code), "student accounts only")
    # a student: no code asked (optional), and may not reset anybody's
    one_line_error(run(capsys, monkeypatch, "user", "mfa", "reset", EVA, "--db", url,
                       "--user", EVA), "Only support staff")
    # the secret and the code are in no output and no audit entry
    assert secret not in str(mfa_trail(url))


# ---------------------------------------------------------------------------- replay
def test_the_code_step_parses_without_a_value():
    assert parse_steps("login support demo\ncode\n")[1] == Code(line=2)
    with pytest.raises(StepsError) as err:
        parse_steps("login support demo\ncode 123456\n")
    assert "line 2" in str(err.value) and "never written in the steps file" in str(err.value)


def write(tmp_path, text: str):
    steps = tmp_path / "mfa.steps"
    steps.write_text(text, encoding="utf-8")
    return steps


STEPS = 'login support demo\ncode\nopen "Find a student"\nexpect "Find a student"\n'


def test_replay_signs_in_with_the_code(demo_db_url, tmp_path, capsys, monkeypatch):
    url = demo_db_url
    # a first sign-in: the set-up's key is on the screen
    code, out, err = run(capsys, monkeypatch, "replay", str(write(tmp_path, STEPS)), "--db", url,
                         "--out", str(tmp_path / "first"))
    assert code == 0, err
    assert "PASSED: 4 of 4 steps" in out
    # set up (on the database itself, not the replay's copy): the secret is given to replay
    secret = set_up_totp(url, "support", DEMO_NOW)
    monkeypatch.delenv("USIS_OTP_SECRET", raising=False)
    code, out, err = run(capsys, monkeypatch, "replay", str(write(tmp_path, STEPS)), "--db", url,
                         "--out", str(tmp_path / "without"))
    assert code == 1 and "line 2" in err and "USIS_OTP_SECRET" in err
    assert secret not in out + err
    monkeypatch.setenv("USIS_OTP_SECRET", f"board=AAAA,support={secret.lower()}")
    code, out, err = run(capsys, monkeypatch, "replay", str(write(tmp_path, STEPS)), "--db", url,
                         "--out", str(tmp_path / "with"))
    assert code == 0, err
    assert secret.lower() not in out + err and code_at(secret, DEMO_NOW) not in out + err
    summary = (tmp_path / "with" / "summary.json").read_text(encoding="utf-8")
    assert '"step": "code"' in summary and secret not in summary
    # or as an option (the environment variable is the safer way)
    monkeypatch.delenv("USIS_OTP_SECRET")
    code, out, err = run(capsys, monkeypatch, "replay", str(write(tmp_path, STEPS)), "--db", url,
                         "--out", str(tmp_path / "option"), "--otp-secret", secret)
    assert code == 0, err
    assert secret not in out + err
    # without the code step: the open step says what is missing
    code, _out, err = run(capsys, monkeypatch, "replay", str(write(
        tmp_path, 'login support demo\nopen "Find a student"\n')), "--db", url,
        "--out", str(tmp_path / "nocode"))
    assert code == 1 and "add a code step" in err
