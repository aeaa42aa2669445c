"""Who runs a `usis` command, and `usis user add|passwd|lock`.

Commands that show or change one student's data (`usis timetable`, `usis audit`, `usis user`) take
``--user NAME`` (or USIS_USER, or ``user`` in the config file): the command then signs in as NAME —
password from USIS_PASSWORD, else a hidden prompt — with the same rules as the app (failures count,
and after 5 the name is refused for a while) and every service call goes through the access guard
(services/access.py), so a student can only ask for their own data and a support member acts for
the student named with ``--student``. Without ``--user`` the command runs as the local
administrator: whoever can reach the database (its file, or its URL with credentials) already has
every row, so there is nothing to guard; the administrator alone creates accounts.

Passwords are never command-line arguments (they would show in `ps` and the shell history):
the new password of `usis user add/passwd` comes from a hidden prompt (typed twice) or, with
``--password-stdin``, from the first line of standard input.
"""

from __future__ import annotations

import sys

import click

from ..errors import UsisError
from ..i18n import N_, _, ngettext
from .options import Settings, common_options, open_usis, user_option

PASSWORD_ENV = "USIS_PASSWORD"
OTP_ENV = "USIS_OTP"
#: click's second prompt for a new password
REPEAT = N_("Repeat for confirmation")


def sign_in(usis, user: str | None, *, student: str | None = None):
    """``usis`` itself for the local administrator (no ``user``), else the guarded facade of
    ``user`` after a login; a support member acts for ``student``."""
    if user is None:
        return usis
    from ..config import settings
    from ..services.access import Principal, guard

    secret = settings().password  # USIS_PASSWORD (never from the config file)
    password = secret.get_secret_value() if secret is not None else None
    if password is None:
        if not sys.stdin.isatty():
            raise UsisError(_("No password for {user}: set {env} or run the command in a "
                              "terminal to type it.").format(user=user, env=PASSWORD_ENV))
        password = click.prompt(_("Password for {user}").format(user=user), hide_input=True,
                                err=True)
    identity = usis.auth.login(user, password)
    from ..services.schemas import PendingSignIn

    if isinstance(identity, PendingSignIn):  # two-step sign-in: the code (or set-up) first
        identity = second_factor(usis, identity)
    acting_for = (student or "").strip().lower() or None
    return guard(usis, Principal(username=identity.username, role=identity.role,
                                 acting_for=acting_for if identity.role == "support" else None))


def second_factor(usis, pending):
    """The second step of ``--user``'s sign-in: the code from USIS_OTP, else typed in a
    terminal; an account without a second factor yet sets it up in a terminal (QR code, key,
    first code, recovery codes). Returns the Identity."""
    import os

    user = pending.username
    if pending.step == "setup":
        if not sys.stdin.isatty():
            raise UsisError(_("{user} has to set up two-step sign-in first: sign in to uSis "
                              "once (in the app, or this command in a terminal).")
                            .format(user=user))
        from ..screens.second_factor import key_lines, recovery_text
        from ..widgets.qr import qr_text

        key = usis.mfa.setup_key(pending.ticket)
        click.echo(_("Set up two-step sign-in for {user}: scan the QR code with an "
                     "authenticator app, or type this key in it:").format(user=user), err=True)
        click.echo(qr_text(key.uri), err=True)
        click.echo(key_lines(key.grouped), err=True)
        code = click.prompt(_("The 6-digit code it shows"), err=True)
        done = usis.mfa.confirm_setup(pending.ticket, code)
        click.echo(_("Two-step sign-in is on. Your recovery codes (each works once instead of a "
                     "code; they are not shown again):"), err=True)
        click.echo(recovery_text(done.recovery_codes), err=True)
        return done.identity
    code = os.environ.get(OTP_ENV, "").strip() or None
    if code is None:
        if not sys.stdin.isatty():
            raise UsisError(_("{user} signs in with two steps: set {env} to the code of the "
                              "authenticator app, or run the command in a terminal to type "
                              "it.").format(user=user, env=OTP_ENV))
        code = click.prompt(_("Code for {user} (authenticator app)").format(user=user),
                            err=True)
    return usis.mfa.verify(pending.ticket, code).identity


def new_password(username: str, from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.removesuffix("\n")
    if not sys.stdin.isatty():
        raise UsisError(_("No terminal to type the new password in: pipe it to "
                          "--password-stdin."))
    repeat = _(REPEAT)  # click's own words in English (True), else the translation
    return click.prompt(_("New password for {user}").format(user=username), hide_input=True,
                        confirmation_prompt=True if repeat == REPEAT else repeat, err=True)


password_stdin_option = click.option(
    "--password-stdin", is_flag=True,
    help="Read the new password from the first line of standard input instead of a prompt.")


@click.group("user")
@common_options
def user_group() -> None:
    """Accounts: add one, set a password, lock or unlock (students and staff)."""


@user_group.command("add")
@common_options
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["student", "support", "board",
                                                          "trainer"]),
              help="student (USERNAME is the student number) or a staff role.")
@click.option("--name", metavar="NAME", help="Full name (default: USERNAME).")
@click.option("--programme", metavar="NAME", help="Student accounts: programme name or code.")
@password_stdin_option
@user_option
@click.pass_obj
def user_add(settings: Settings, username: str, role: str, name: str | None,
             programme: str | None, password_stdin: bool, user: str | None) -> None:
    """Create an account (the administrator only)."""
    usis = open_usis(settings)
    try:
        service = sign_in(usis, user)
        password = new_password(username, password_stdin)
        identity = service.auth.add_user(username, role, password, name=name,
                                         programme=programme)
    finally:
        usis.close()
    if identity.role == "student":
        text = _("Account {user} (student, {programme}) created for {name}.").format(
            user=identity.username, programme=identity.programme, name=identity.name)
    else:
        text = _("Account {user} ({role}) created for {name}.").format(
            user=identity.username, role=identity.role, name=identity.name)
    click.echo(text)


@user_group.command("passwd")
@common_options
@click.argument("username")
@password_stdin_option
@user_option
@click.pass_obj
def user_passwd(settings: Settings, username: str, password_stdin: bool,
                user: str | None) -> None:
    """Set an account's password (the administrator, or the account itself with --user)."""
    usis = open_usis(settings)
    try:
        service = sign_in(usis, user)
        service.auth.set_password(username, new_password(username, password_stdin))
    finally:
        usis.close()
    click.echo(_("Password of {user} changed.").format(user=username.strip()))


@user_group.command("lock")
@common_options
@click.argument("username")
@click.option("--unlock", is_flag=True, help="Unlock it instead (also after 5 failed logins).")
@user_option
@click.pass_obj
def user_lock(settings: Settings, username: str, unlock: bool, user: str | None) -> None:
    """Lock an account until it is unlocked (the administrator; support: student accounts)."""
    usis = open_usis(settings)
    try:
        service = sign_in(usis, user)
        service.auth.set_locked(username, not unlock)
    finally:
        usis.close()
    click.echo((_("Account {user} unlocked.") if unlock else _("Account {user} locked."))
               .format(user=username.strip()))


# ---------------------------------------------------------------------------- two-step sign-in
@user_group.group("mfa")
@common_options
def mfa_group() -> None:
    """Two-step sign-in of an account: status, reset (support: student accounts)."""


def _status_line(status) -> str:
    if status.enabled:
        left = ngettext("{n} recovery code left", "{n} recovery codes left",
                        status.recovery_left).format(n=status.recovery_left)
        text = (_("{user}: two-step sign-in is on (required); {left}.") if status.required
                else _("{user}: two-step sign-in is on; {left}.")).format(
                    user=status.username, left=left)
    elif status.required:
        text = _("{user}: two-step sign-in is off; it is set up at the next sign-in "
                 "(required).").format(user=status.username)
    else:
        text = _("{user}: two-step sign-in is off (optional).").format(user=status.username)
    return text


@mfa_group.command("status")
@common_options
@click.argument("username")
@user_option
@click.pass_obj
def mfa_status(settings: Settings, username: str, user: str | None) -> None:
    """Whether USERNAME signs in with a code (the administrator; support; the account)."""
    usis = open_usis(settings)
    try:
        status = sign_in(usis, user).mfa.status(username)
    finally:
        usis.close()
    click.echo(_status_line(status))


@mfa_group.command("reset")
@common_options
@click.argument("username")
@user_option
@click.pass_obj
def mfa_reset(settings: Settings, username: str, user: str | None) -> None:
    """Forget USERNAME's second factor: its next sign-in sets it up again (a lost phone).
    The administrator: any account; support: student accounts. Audited."""
    usis = open_usis(settings)
    try:
        status = sign_in(usis, user).mfa.reset(username)
    finally:
        usis.close()
    click.echo((_("Two-step sign-in of {user} reset: it is set up again at the next sign-in.")
                if status.required else
                _("Two-step sign-in of {user} reset: it is off.")).format(user=status.username))
