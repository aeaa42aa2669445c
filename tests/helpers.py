"""Helpers shared by the Pilot tests and the snapshots: the demo clock, an app on a database,
and waiting until the app has settled.

``from helpers import DEMO_NOW, make_app, settle`` (tests/ is on pytest's pythonpath,
pyproject.toml). Textual is imported only when an app is made, so unit and CLI tests can take
``DEMO_NOW`` from here cheaply.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from usis_tui.app import UsisApp

# Monday of a teaching week in the demo academic year 2026-2027: the clock the demo database is
# seeded with (the root conftest.py, fixture ``demo_now``).
DEMO_NOW = datetime(2026, 11, 23, 9, 30)


def make_app(url: str, **kw) -> UsisApp:
    """The app on the database ``url`` with the clock at DEMO_NOW (``now=`` to change it), in
    the test's language when it chose Dutch (the ``dutch`` fixture), else as the app decides
    (``lang=``, USIS_LANG, the config file)."""
    from usis_tui import i18n
    from usis_tui.app import UsisApp

    kw.setdefault("now", DEMO_NOW)
    if i18n.get_language() != "en":
        kw.setdefault("lang", i18n.get_language())
    return UsisApp(database_url=url, **kw)


async def settle(pilot, *, rounds: int = 3, cancelled_ok: bool = False) -> None:
    """Wait until the workers are done and the screen has been refreshed, ``rounds`` times (a
    worker's result may start another one).

    ``cancelled_ok``: a worker cancelled meanwhile (an exclusive worker replaced by a newer one,
    e.g. on a reload) is no error; otherwise ``WorkerCancelled`` propagates.
    """
    from textual.worker import WorkerCancelled

    for _ in range(rounds):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            if not cancelled_ok:
                raise
        await pilot.pause()


def totp_secret(url_or_db, username: str) -> tuple[str | None, str | None, int | None]:
    """(confirmed secret, pending secret, last accepted time step) of an account."""
    from sqlalchemy import select

    from usis_tui.db import Database
    from usis_tui.models import StaffUser, Student

    db = Database(url_or_db) if isinstance(url_or_db, str) else url_or_db
    model, column = ((Student, Student.student_number) if username[1:].isdigit()
                     else (StaffUser, StaffUser.username))
    try:
        with db.read() as session:
            account = session.scalar(select(model).where(column == username))
            assert account is not None, username
            return account.mfa_secret, account.mfa_pending, account.mfa_last_step
    finally:
        if isinstance(url_or_db, str):
            db.dispose()


def next_code(secret: str, now: datetime, last_step: int | None) -> str:
    """A code of ``secret`` for the clock ``now`` that has not been used yet (this step, else
    the next one: ±1 step of clock drift is accepted), as an authenticator app would show."""
    from usis_tui.services import mfa

    base = mfa._timecodes(now)[0]
    for offset in (0, 1):
        if last_step is None or base + offset > last_step:
            return mfa.code_at(secret, now, offset)
    raise AssertionError("every code of this moment has been used: move the clock")


async def second_factor(pilot) -> None:
    """Past the two-step sign-in screens if they are shown (after the password): the set-up
    (the key on the screen, its first code, Continue on the recovery codes) or the code (the
    account's secret from the database), each code computed for the app's frozen clock."""
    from usis_tui.screens.second_factor import (
        RecoveryCodesScreen,
        SecondFactorScreen,
        SetupScreen,
    )

    app = pilot.app
    screen = app.screen
    if isinstance(screen, SetupScreen):
        for _ in range(200):
            if screen.secret:
                break
            await pilot.pause(0.02)
        assert screen.secret, "the set-up shows no key"
        code = next_code(screen.secret, app.now(), None)
    elif isinstance(screen, SecondFactorScreen):
        secret, _pending, last = totp_secret(app.raw_usis.db, screen.pending.username)
        assert secret is not None
        code = next_code(secret, app.now(), last)
    else:
        return
    field = screen.query_one("#mfa-code")
    field.value = code
    field.focus()
    await pilot.press("enter")
    await settle(pilot)
    if isinstance(app.screen, RecoveryCodesScreen):
        app.screen.query_one("#mfa-continue").press()
        await settle(pilot)


def set_up_totp(url: str, username: str, now: datetime, password: str = "demo") -> str:
    """Two-step sign-in set up for ``username`` (services: the password step, the first code
    of the new secret, a step before ``now`` so that both codes of ``now`` are still unused);
    returns the secret, as a person would have it in their authenticator app."""
    from usis_tui.services import Usis, mfa
    from usis_tui.services.schemas import PendingSignIn

    usis = Usis.open(url, clock=lambda: now)
    try:
        pending = usis.auth.login(username, password)
        assert isinstance(pending, PendingSignIn) and pending.step == "setup", pending
        secret = usis.mfa.setup_key(pending.ticket).secret
        done = usis.mfa.confirm_setup(pending.ticket, mfa.code_at(secret, now, -1))
        _RECOVERY[(url, username)] = list(done.recovery_codes)
        return secret
    finally:
        usis.close()


#: the recovery codes of the accounts set up by set_up_totp, by (database URL, user name)
_RECOVERY: dict[tuple[str, str], list[str]] = {}


def otp_for(monkeypatch, args, now: datetime) -> None:
    """USIS_OTP for a command's ``--user`` (and ``--db``) when that account has a second factor:
    the next unused code at ``now``, as the person would read it from their app (when both
    codes of the frozen moment are used, one of its recovery codes)."""
    monkeypatch.delenv("USIS_OTP", raising=False)
    args = list(args)
    if "--user" not in args or "--db" not in args:
        return
    user, url = args[args.index("--user") + 1], args[args.index("--db") + 1]
    secret, _pending, last = totp_secret(url, user)
    if secret is None:
        return
    try:
        code = next_code(secret, now, last)
    except AssertionError:  # both codes of this moment used: a recovery code, as people do
        code = _RECOVERY[(url, user)].pop()
    monkeypatch.setenv("USIS_OTP", code)


def run_usis(capsys, *args: str) -> tuple[int, str, str]:
    """Run the `usis` command in this process: (exit code, stdout, stderr)."""
    from usis_tui.cli import main

    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err
