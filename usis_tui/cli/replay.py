"""`usis replay STEPS_FILE [--db URL] [--now ISO] [--out DIR] [--write]`: run a steps file
headless, on a throwaway copy of the database unless --write (usis_tui/dbcopy.py).

The engine and the file format are in usis_tui/replay.py (and the README, "Replaying steps").
Exit status: 0 every step passed, 1 a step could not be done (stderr names its line and why),
2 the steps file has bad lines (each reported with its number; nothing is replayed).
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from ..errors import UsisError
from ..i18n import _, ngettext
from .options import Settings, common_options


class _BadSteps(click.ClickException):
    """A steps file with bad lines: exit status 2, like a usage error."""

    exit_code = 2


def _size(value: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in value.lower().split("x"))
    except ValueError:
        raise click.BadParameter(_("{value} is not WIDTHxHEIGHT, e.g. 120x40.")
                                 .format(value=repr(value)),
                                 param_hint="--size") from None
    if not (40 <= width <= 400 and 10 <= height <= 200):
        raise click.BadParameter(_("{value} is too small or too large.").format(value=repr(value)),
                                 param_hint="--size")
    return width, height


@click.command("replay")
@common_options
@click.argument("steps_file", metavar="STEPS_FILE",
                type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--out", "out_dir", metavar="DIR", type=click.Path(file_okay=False),
              help="Where the screenshots (NN-step.svg) and summary.json go "
                   "(default: replay-<name of the steps file>).")
@click.option("--size", default="120x40", show_default=True, metavar="WxH",
              help="Terminal size of the replay.")
@click.option("--write", is_flag=True,
              help="Replay on the database itself: its enrolments, drops and audit entries stay. "
                   "Without it the replay works on a throwaway copy and changes nothing.")
@click.option("--otp-secret", "otp_secret", metavar="SECRET", envvar="USIS_OTP_SECRET",
              show_envvar=True,
              help="The two-step sign-in secret for `code` steps (SECRET, or USER=SECRET,... "
                   "for several accounts); never written in the steps file. Prefer the "
                   "environment variable: an option is visible to other users of the machine.")
@click.pass_obj
def replay_command(settings: Settings, steps_file: str, out_dir: str | None, size: str,
                   write: bool, otp_secret: str | None = None) -> None:
    """Replay a steps file headless at a frozen date, with an SVG screenshot after every step.

    It works on a throwaway copy of the database (SQLite: a backup of the file; PostgreSQL: a
    new database made from it), so reproducing a student's problem does not change the
    student's record; --write replays on the database itself.

    One step per line (# comments, "quoted values"):

    \b
      login USER PASSWORD        open "PAGE"             enter class NNNN
      type "LABEL" "TEXT"        press "LABEL"           key KEY [KEY ...]
      select "ROW TEXT"          expect "TEXT"           wait [MS]

    Exit status 1 names the first step that could not be done; 2 lists bad lines.

    Steps files are in English (labels, expected texts): the replay, and what it prints, is
    in English unless --lang or USIS_LANG names the language the steps are written in.
    """
    headless()
    dims = _size(size)
    path = Path(steps_file)
    from ..replay import StepsError, format_result, parse_steps

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsisError(_("{file} is not a UTF-8 text file.").format(file=steps_file)) from None
    try:
        steps = parse_steps(text, source=steps_file)
    except StepsError as exc:
        echo_bad_lines(exc, steps_file)
        lines = ", ".join(str(n) for n, _ in exc.problems)
        raise _BadSteps(ngettext(
            "{file} has {n} bad line (line {lines}); nothing was replayed. See usis replay "
            "--help for the format.",
            "{file} has {n} bad lines (line {lines}); nothing was replayed. See usis replay "
            "--help for the format.", len(exc.problems)).format(
                file=steps_file, n=len(exc.problems), lines=lines)) from None
    settings.check()  # a bad option copies or opens no database
    now = settings.frozen or settings.moment()
    out = Path(out_dir) if out_dir else Path(f"replay-{path.stem}")
    url = settings.url
    from ..db import mask_url

    shown = mask_url(url)
    facts = {"file": steps_file, "n": len(steps), "now": f"{now:%Y-%m-%dT%H:%M}",
             "size": f"{dims[0]}x{dims[1]}", "database": shown, "out": out}
    if write:
        click.echo(_("Replaying {file} ({n} steps) at {now} ({size}) on {database} itself "
                     "(--write). Screenshots in {out}/").format(**facts))
    else:
        click.echo(_("Replaying {file} ({n} steps) at {now} ({size}) on a copy of {database}; "
                     "the database itself is not changed. Screenshots in {out}/")
                   .format(**facts))
    run: dict[str, Any] = {"steps": steps, "now": now, "out_dir": out, "size": dims,
                           "steps_file": steps_file, "otp_secret": otp_secret}
    if write:
        report = _replay_on(settings, url, shown, **run)
    else:
        report = replay_on_copy(settings, url, shown, **run)
    for result in report.steps:
        if result.status == "not run":
            click.echo(format_result(result))
    done = sum(1 for s in report.steps if s.status == "passed")
    if report.passed:
        click.echo(_("PASSED: {done} of {n} steps ({summary})").format(
            done=done, n=len(report.steps), summary=out / "summary.json"))
        return
    failed = report.failed()
    what = f" ({failed.step})" if failed else ""
    click.echo(_("FAILED at line {line}{step}: {failure} ({done} of {n} steps passed; "
                 "{summary})").format(line=report.failed_line, step=what,
                                      failure=report.failure, done=done, n=len(report.steps),
                                      summary=out / "summary.json"))
    raise UsisError(_("replay failed at {file} line {line}{step}: {failure}").format(
        file=steps_file, line=report.failed_line, step=what, failure=report.failure))


def headless() -> None:
    """Before a headless replay: the language the steps are written in (English unless --lang
    or USIS_LANG says otherwise) and no animations."""
    from ..config import explicit_language
    from ..i18n import set_language

    set_language(explicit_language() or "en")
    # Textual's own setting (not a uSis option), before Textual is imported: stable screenshots
    os.environ["TEXTUAL_ANIMATIONS"] = "none"


def echo_bad_lines(exc: Any, source: str) -> None:
    """Every bad line of a steps (or tour) file on stderr, as ``FILE:LINE: problem``."""
    for number, message in exc.problems:
        click.echo(f"{source}:{number}: {message}", err=True)


def replay_on_copy(settings: Settings, url: str, shown: str, **run: Any):
    """Replay on a throwaway copy of the database at ``url`` (usis_tui/dbcopy.py), deleted
    afterwards; the report names the original (``shown``, masked)."""
    from ..dbcopy import throwaway_copy

    def warn(line: str) -> None:
        click.echo(_("usis: warning: {message}").format(message=line), err=True)

    with throwaway_copy(url, warn=warn) as copy:
        click.echo(_("The copy is {how}; it is deleted afterwards.").format(how=copy.how))
        return _replay_on(settings, copy.url,
                          _("the copy of {database}").format(database=shown),
                          copy_of=url, **run)


def _replay_on(settings: Settings, url: str, shown: str, *, now: datetime,
               demo: bool | None = None, **run: Any):
    """Prepare the database at ``url`` as `usis` would (a copy holds the same rows, so it gets
    the demo data exactly when the original would; ``demo`` True: fill it with the demo data
    when it is empty) and replay on it; errors name it as ``shown`` (masked: never a password,
    nor a copy's temporary name)."""
    from ..bootstrap import ensure_database
    from ..db import Database
    from ..replay import replay_sync

    try:
        db = Database(url)
        try:
            if demo is None:
                demo = settings.wants_demo(db)
            if demo and not db.has_schema():
                click.echo(_("Preparing the demo database (first start)…"), err=True)
            ensure_database(db, now, demo=demo)
        finally:
            db.dispose()
    except UsisError as exc:
        raise UsisError(str(exc).replace(url, shown)) from None
    # the app redirects sys.stdout while it runs: each step's line goes to this command's own
    stream = sys.stdout
    return replay_sync(database_url=url, now=now,
                       echo=lambda line: click.echo(line, file=stream), **run)
