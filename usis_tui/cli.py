"""The `usis` command.

    usis                         launch the app on the embedded demo database
    usis db init|reset [--demo] [--size N]
    usis catalogue [--year 2026-2027] [--programme NAME] [--class 1052] [--json]
    usis timetable --student s1234567 [--week 48] [--ics FILE] [--include waitlisted,planned]
    usis audit --student s1234567 [--json] [--action enrol] [--since ISO] [--until ISO]

--db URL / USIS_DATABASE_URL and --now ISO / USIS_NOW apply to every subcommand. Every error
prints one line on stderr and exits non-zero.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import UsisError
from .text import raw_stream

EXIT_ERROR = 1
EXIT_USAGE = 2


class Settings:
    current: Settings | None = None  # the invocation's settings, for error messages

    def __init__(self) -> None:
        self.db: str | None = None
        self.now: str | None = None
        self.demo = False  # usis --demo
        Settings.current = self

    @property
    def url(self) -> str:
        from .db import resolve_database_url

        return resolve_database_url(self.db)

    @property
    def frozen(self) -> datetime | None:
        from .clock import resolve_now

        return resolve_now(self.now)

    def moment(self) -> datetime:
        from .clock import make_clock

        return make_clock(self.frozen)()

    @property
    def default_database(self) -> bool:
        """No --db and no USIS_DATABASE_URL: the embedded database in the user data folder."""
        import os

        return self.db is None and not os.environ.get("USIS_DATABASE_URL")

    def check(self) -> None:
        """Every setting that can be wrong, before any database is touched (ConfigError)."""
        from .services.auth import scrypt_n

        self.check_clock()
        scrypt_n()  # USIS_SCRYPT_N

    def check_clock(self) -> None:
        """--now, else USIS_NOW (ConfigError saying where a bad value came from)."""
        try:
            self.frozen  # noqa: B018
        except UsisError as exc:
            if self.now is None:  # from the environment: say where it came from
                raise type(exc)(f"USIS_NOW: {exc}") from None
            raise

    def wants_demo(self, db) -> bool:
        """Fill ``db`` with the demo data? Only when asked (``usis --demo``), or for the default
        embedded database on its first start (never used, not made empty on purpose)."""
        if self.demo:
            return True
        from .bootstrap import first_start

        return self.default_database and first_start(db)


def common_options(fn: Callable) -> Callable:
    """--db and --now, accepted both before and after a subcommand."""

    def remember(attr: str):
        def callback(ctx: click.Context, _param, value):
            if value is not None:
                if attr == "now":  # checked at once: before any command opens a database
                    from .clock import parse_now

                    parse_now(value)
                setattr(ctx.ensure_object(Settings), attr, value)
            return value
        return callback

    fn = click.option("--now", metavar="ISO-DATETIME", expose_value=False,
                      callback=remember("now"), envvar=None,
                      help="Freeze the clock (default: USIS_NOW, else the wall clock).")(fn)
    fn = click.option("--db", metavar="URL", expose_value=False, callback=remember("db"),
                      help="SQLAlchemy database URL (default: USIS_DATABASE_URL, else the "
                           "embedded SQLite database).")(fn)
    return fn


def user_option(fn: Callable) -> Callable:
    """--user NAME: sign in as NAME (see cli_user.py); without it, the local administrator."""
    return click.option("--user", metavar="NAME", envvar="USIS_USER", default=None,
                        help="Sign in as this account (password: USIS_PASSWORD, else a hidden "
                             "prompt). Default: the local administrator.")(fn)


def open_db(settings: Settings):
    from .db import Database

    return Database(settings.url)


def _max_sessions(_ctx: click.Context, _param, value: int | None) -> int | None:
    """--max-sessions N: the opening queue's limit (USIS_MAX_SESSIONS, services/queue.py)."""
    if value is not None:
        import os

        os.environ["USIS_MAX_SESSIONS"] = str(value)
    return value


def _demo(ctx: click.Context, _param, value: bool) -> bool:
    if value:
        ctx.ensure_object(Settings).demo = True
    return value


#: the commands that start the app and so can fill an empty database with the demo data
DEMO_COMMANDS = (None, "serve")


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="usis")
@click.option("--max-sessions", type=click.IntRange(min=1), metavar="N", expose_value=False,
              callback=_max_sessions, help="At most N students use uSis at once; the others "
              "wait in the opening queue (default: USIS_MAX_SESSIONS, else no limit).")
@click.option("--demo", is_flag=True, expose_value=False, callback=_demo,
              help="Fill an empty database with the demo catalogue and accounts (password "
                   "demo) before starting; also for `usis --demo serve`. Without it only the "
                   "default database is filled, on its first start.")
@common_options
@click.pass_context
def cli(ctx: click.Context) -> None:
    """uSis in the terminal: Leiden University course and exam enrolment.

    Without a command, launches the app. The default database is filled with the demo data on
    its first start (log in as s1234567, password demo); any other starts as it is.
    """
    settings = ctx.ensure_object(Settings)
    if settings.demo and ctx.invoked_subcommand not in DEMO_COMMANDS:
        raise click.UsageError(f"--demo starts the app on the demo data (usis --demo, usis "
                               f"--demo serve); for `usis {ctx.invoked_subcommand}` use "
                               "`usis db init --demo` first.")
    if ctx.invoked_subcommand is None:
        launch(settings)


def launch(settings: Settings) -> None:
    """The app, with its Login on screen at once: the database is prepared (and, when asked,
    filled with the demo data) in the background while the user types."""
    settings.check_clock()  # a bad --now / USIS_NOW: one line, no app
    from .app import UsisApp

    UsisApp(database_url=settings.db, now=settings.frozen, demo=settings.demo,
            demo_on_first_start=settings.default_database).run()


@cli.group()
@common_options
def db() -> None:
    """Create or reset the database."""


@db.command("init")
@common_options
@click.option("--demo/--empty", default=None,
              help="Fill an empty database with the demo catalogue and accounts (password "
                   "demo), or keep it empty. Default: --demo only for the default database "
                   "on its first start.")
@click.option("--size", type=click.IntRange(min=1), default=None, metavar="N",
              help="With --demo: at least N class sections (e.g. 50000 for benchmarks).")
@click.pass_obj
def db_init(settings: Settings, demo: bool | None, size: int | None) -> None:
    """Create or upgrade the schema; fill an empty database with the demo data if asked."""
    from .bootstrap import ensure_database, is_blank, mark_empty_on_purpose
    from .db import mask_url

    if size and demo is False:
        raise click.UsageError("--size goes with --demo (the demo catalogue's size).")
    settings.check()  # a bad option creates no database
    database = open_db(settings)
    try:
        if demo is None:
            demo = bool(size) or settings.wants_demo(database)
        with _progress(size) as progress:
            seeded = ensure_database(database, settings.moment(), demo=demo, size=size,
                                     progress=progress)
        if seeded:
            _report(seeded, database.url)  # the demo accounts: only when they were made now
        elif is_blank(database):
            if not demo:
                mark_empty_on_purpose(database)
            click.echo(f"Empty database ready at {mask_url(database.url)}: add accounts with "
                       "`usis user add`.")
        else:
            click.echo(f"Database ready at {mask_url(database.url)}.")
    finally:
        database.dispose()


@contextlib.contextmanager
def _progress(size: int | None):
    """A progress callback for seed_demo: a bar on stderr for a large catalogue (--size)."""
    if not size:
        yield None
        return
    with click.progressbar(length=100, label="Writing the demo catalogue",
                           file=raw_stream(sys.stderr),  # the bar's cursor codes, our text
                           show_percent=True) as bar:
        state = {"pct": 0}

        def progress(done: int, total: int) -> None:
            pct = int(done * 100 / max(total, 1))
            if pct > state["pct"]:
                bar.update(pct - state["pct"])
                state["pct"] = pct
        yield progress


@db.command("reset")
@common_options
@click.option("--demo/--empty", default=True, show_default=True,
              help="Fill the new database with the demo catalogue and accounts.")
@click.option("--size", type=click.IntRange(min=1), default=None, metavar="N",
              help="With --demo: at least N class sections (e.g. 50000 for benchmarks).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def db_reset(settings: Settings, demo: bool, size: int | None, yes: bool) -> None:
    """Delete everything and start again (all enrolments are lost)."""
    from .bootstrap import database_problem

    settings.check()  # a bad option creates no database
    if not yes and sys.stdin.isatty():
        click.confirm(f"Delete every row in {settings.url}?", abort=True)
    database = open_db(settings)
    try:
        try:
            from .bootstrap import reset_schema

            reset_schema(database)
        except Exception as exc:  # noqa: BLE001 - reported as one line below
            from sqlalchemy.exc import SQLAlchemyError

            if isinstance(exc, SQLAlchemyError):
                raise UsisError(database_problem(database.url, exc)) from None
            raise
        if demo:
            _report(_seed_with_progress(database, settings, size), database.url)
        else:
            from .bootstrap import mark_empty_on_purpose

            mark_empty_on_purpose(database)  # no later start fills it with the demo data
            click.echo(f"Empty database ready at {database.url}.")
    finally:
        database.dispose()


def _seed_with_progress(database, settings: Settings, size: int | None):
    from .data.demo import seed_demo

    with _progress(size) as progress:
        return seed_demo(database, settings.moment(), size=size, progress=progress)


def _report(summary, url: str) -> None:
    from .db import mask_url

    click.echo(f"Demo database ready at {mask_url(url)}: {summary.programmes} programmes, "
               f"{summary.courses} courses, {summary.sections} class sections, "
               f"{summary.students} students, academic year {summary.academic_year}.")
    click.echo("Log in as s1234567 (student), s7654321 (master), support, board or trainer; "
               "password: demo.")


@cli.command()
@common_options
@click.option("--year", metavar="YYYY-YYYY", help="Academic year (default: the current one).")
@click.option("--programme", metavar="NAME", help="Only this programme (name or code).")
@click.option("--class", "class_number", metavar="NUMBER", help="Only this class number.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def catalogue(settings: Settings, year: str | None, programme: str | None,
              class_number: str | None, as_json: bool) -> None:
    """Print the class numbers, as Leiden publishes them per programme."""
    from .services import Usis

    usis = Usis.open(settings.url, clock=lambda: settings.moment())
    try:
        if not usis.db.has_schema():
            raise UsisError(f"The database {settings.url} has no uSis data yet: run "
                            "`usis db init` first.")
        code = year or usis.catalogue.current_year()
        if class_number is not None:
            classes = [usis.catalogue.lookup(code, class_number)]
        else:
            classes = usis.catalogue.class_list(code, programme)
    finally:
        usis.close()
    if as_json:
        click.echo(json.dumps([_class_json(c) for c in classes], indent=2, ensure_ascii=False))
        return
    current = object()
    for c in classes:
        heading = c.programme or "Faculty of Science minors"
        if heading != current:
            click.echo(f"\n{heading} — Studiejaar {c.academic_year}")
            current = heading
        click.echo(f"  {c.class_number}  {c.catalogue_number:<11} {c.component:<9} "
                   f"{c.status:<9} {c.seats:>7}  {c.title}")


def _class_json(c) -> dict[str, Any]:
    return {
        "class_number": c.class_number, "catalogue_number": c.catalogue_number,
        "title": c.title, "component": c.component, "section": c.section,
        "academic_year": c.academic_year, "programme": c.programme or "Minors",
        "status": c.status, "enrolled": c.enrolled, "capacity": c.capacity,
        "waitlisted": c.waitlisted, "waitlist_capacity": c.waitlist_capacity,
        "ec": c.ec, "level": c.level, "instructor": c.instructor,
        "days_times": c.days_times, "rooms": c.rooms,
        "enrolment_opens": c.enrol_opens_at.isoformat(),
        "enrolment_closes": c.enrol_closes_at.isoformat(),
        "minor_type": c.minor_type, "part_of": c.parent_class_number,
        "brightspace_url": c.brightspace_url,
    }


@cli.command()
@common_options
@click.option("--student", "student_number", required=True, metavar="SNUMBER",
              help="The student, e.g. s1234567.")
@click.option("--week", metavar="WEEK",
              help="Week to print: 48, 2026-W48 or a date (default: this week).")
@click.option("--ics", "ics_path", metavar="FILE",
              help="Write the timetable as an iCalendar (.ics) file instead of printing a week "
                   "('-' for standard output). An existing file is not replaced without "
                   "--force, and only a regular file ever is.")
@click.option("--force", is_flag=True, help="With --ics: replace FILE if it is a regular file.")
@click.option("--include", "include", metavar="KINDS", default="",
              help="Also show/export these kinds, comma separated: waitlisted, planned "
                   "(enrolled classes are always included).")
@click.option("--exams", "exams", is_flag=True, help="Print the exam schedule.")
@user_option
@click.pass_obj
def timetable(settings: Settings, student_number: str, week: str | None, ics_path: str | None,
              force: bool, include: str, exams: bool, user: str | None) -> None:
    """MyTimetable: print a student's week, the exam schedule, or export an .ics file."""
    from .services import Usis
    from .services.timetable import KINDS, parse_week

    extra = [k.strip().lower() for k in include.split(",") if k.strip()]
    unknown = [k for k in extra if k not in KINDS]
    if unknown:
        raise click.BadParameter(f"unknown kind {unknown[0]!r}; use waitlisted or planned.",
                                 param_hint="--include")
    kinds = tuple(k for k in KINDS if k == "enrolled" or k in extra)
    usis = Usis.open(settings.url, clock=lambda: settings.moment())
    try:
        if not usis.db.has_schema():
            raise UsisError(f"The database {settings.url} has no uSis data yet: run "
                            "`usis db init` first.")
        usis = sign_in(usis, user, student=student_number)
        student = student_number.strip().lower()
        if ics_path is not None:
            if ics_path != "-":
                check_new_file(ics_path, force=force)  # before any work, and again at write
            result = usis.timetable.export(student, kinds=kinds)
            if ics_path == "-":
                sys.stdout.buffer.write(result.data)
                sys.stdout.flush()
                return
            target = write_new_file(ics_path, result.data, force=force)
            click.echo(f"Wrote {result.events} events ({', '.join(result.kinds)}) to "
                       f"{target}.")
            return
        if exams:
            lines = usis.timetable.exams(student)
        else:
            today = usis.now().date()
            view = usis.timetable.week(student, parse_week(week, today), kinds=kinds)
    finally:
        usis.close()
    if exams:
        _print_exams(student, lines)
    else:
        _print_week(view)


def check_new_file(path: str, *, force: bool) -> Path:
    """Where a command may write ``path``: a new file, or (with ``force``) an existing regular
    file — never a device, a FIFO, a folder or a symbolic link (``/dev/full``, the database).
    Raises UsisError (one line) otherwise."""
    target = Path(os.path.expanduser(path))
    try:
        info = target.lstat()
    except FileNotFoundError:
        if not target.parent.is_dir():
            raise UsisError(f"Cannot write {target}: the folder {target.parent} does not "
                            "exist.") from None
        return target
    except OSError as exc:
        raise UsisError(f"Cannot write {target}: {exc.strerror or exc}.") from None
    if not stat.S_ISREG(info.st_mode):
        kind = ("a folder" if stat.S_ISDIR(info.st_mode) else
                "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a regular file")
        raise UsisError(f"{target} is {kind}: give the name of a new file.")
    if not force:
        raise UsisError(f"{target} already exists: choose another name, or add --force to "
                        "replace it.")
    return target


def write_new_file(path: str, data: bytes, *, force: bool) -> Path:
    """Write ``data`` to ``path`` under the rules of :func:`check_new_file`: a new file is
    created exclusively (O_EXCL, so nothing that appeared meanwhile is overwritten); a replaced
    regular file is swapped in whole (a temporary file, then rename)."""
    target = check_new_file(path, force=force)
    try:
        if not target.exists():
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            return target
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, target)
        except BaseException:
            os.unlink(tmp)
            raise
    except FileExistsError:
        raise UsisError(f"{target} already exists: choose another name, or add --force to "
                        "replace it.") from None
    except OSError as exc:
        raise UsisError(f"Cannot write {target}: {exc.strerror or exc}.") from None
    return target


def _print_week(view) -> None:
    click.echo(f"{view.student_number} · {view.title()}")
    if not view.occurrences:
        hints = []
        if view.previous_class:
            hints.append(f"previous class {view.previous_class:%a %d %b %Y}")
        if view.next_class:
            hints.append(f"next class {view.next_class:%a %d %b %Y} "
                         f"(week {view.next_class.isocalendar().week})")
        click.echo("  No classes this week" + (f"; {', '.join(hints)}." if hints else "."))
        return
    for day in view.days:
        todays = view.on(day)
        if not todays:
            continue
        click.echo(f"\n{day:%a %d %b}" + ("  (today)" if day == view.today else ""))
        for o in todays:
            tags = []
            if o.kind != "enrolled":
                tags.append(o.kind_label.lower())
            if o.conflicts:
                tags.append("CONFLICT with " + ", ".join(o.conflicts))
            tag = f"  [{'; '.join(tags)}]" if tags else ""
            click.echo(f"  {o.times}  {o.class_number}  {o.catalogue_number:<10} "
                       f"{o.component:<9} {o.room or 'TBA':<24} {o.title}{tag}")


def _print_exams(student: str, lines) -> None:
    click.echo(f"{student} · Exam schedule (enrol at the latest 10 days before each exam)")
    if not lines:
        click.echo("  No exams.")
    for e in lines:
        click.echo(f"  {e.day:%a %d %b %Y} {e.start:%H:%M}–{e.end:%H:%M}  {e.component:<5} "
                   f"{e.class_number}  {e.catalogue_number:<10} {e.room or 'TBA':<24} "
                   f"{e.status_label:<12} deadline {e.deadline_label}  {e.title}")


@cli.command()
@common_options
@click.option("--student", "student_number", required=True, metavar="SNUMBER",
              help="The student, e.g. s1234567.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--action", metavar="ACTION",
              help="Only this action, e.g. login, cart_add, enrol, drop, swap.")
@click.option("--outcome", type=click.Choice(["ok", "refused", "failed"]),
              help="Only steps with this outcome.")
@click.option("--since", metavar="ISO-DATETIME", help="Only steps at or after this moment.")
@click.option("--until", metavar="ISO-DATETIME", help="Only steps at or before this moment.")
@user_option
@click.pass_obj
def audit(settings: Settings, student_number: str, as_json: bool, action: str | None,
          outcome: str | None, since: str | None, until: str | None, user: str | None) -> None:
    """Audit trail: a student's steps (who, acting for whom, when, what, outcome)."""
    from .services import Usis

    start, end = _iso(since, "--since"), _iso(until, "--until")
    usis = Usis.open(settings.url, clock=lambda: settings.moment())
    try:
        if not usis.db.has_schema():
            raise UsisError(f"The database {settings.url} has no uSis data yet: run "
                            "`usis db init` first.")
        usis = sign_in(usis, user, student=student_number)
        rows = usis.audit.entries(student_number, action=action, since=start, until=end,
                                  outcome=outcome)
    finally:
        usis.close()
    if as_json:
        click.echo(json.dumps([{**r.model_dump(), "at": r.at.isoformat()} for r in rows],
                              indent=2, ensure_ascii=False))
        return
    student = student_number.strip().lower()
    click.echo(f"{student} · Audit trail ({len(rows)} step{'s' if len(rows) != 1 else ''})")
    if not rows:
        click.echo("  No steps recorded.")
        return
    click.echo(f"  {'Time':<16}  {'Actor':<12} {'Acting for':<12} {'Action':<12} "
               f"{'Outcome':<8} Detail")
    for r in rows:
        click.echo(f"  {r.at:%Y-%m-%d %H:%M}  {r.actor:<12} {r.acting_for or '-':<12} "
                   f"{r.action:<12} {r.outcome:<8} {r.detail}")


def _iso(value: str | None, option: str) -> datetime | None:
    from .clock import parse_now

    return None if value is None else parse_now(value)


from . import cli_replay, cli_serve  # noqa: E402  (usis replay, usis serve)

cli.add_command(cli_replay.replay_command)
cli.add_command(cli_serve.serve_command)
from .cli_user import sign_in, user_group  # noqa: E402  (usis user; --user sign-in)

cli.add_command(user_group)
from . import cli_import  # noqa: E402  (usis import; usis db upgrade / current)

cli.add_command(cli_import.import_command)
db.add_command(cli_import.db_upgrade)
db.add_command(cli_import.db_current)


def _one_line(exc: UsisError) -> str:
    problems = getattr(exc, "problems", None)
    if problems:
        return " ".join(f"{p.message} {p.hint}".strip() for p in problems)
    return str(exc)


def main(argv: list[str] | None = None) -> None:
    """Entry point: one clear line on stderr for every error, never a traceback. Everything
    printed passes through usis_tui.text.CleanStream: a name or a title holding terminal
    escapes is shown, not obeyed."""
    from .text import CleanStream

    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = CleanStream(out), CleanStream(err)
    try:
        _main(argv)
    finally:
        sys.stdout, sys.stderr = out, err


def _is_database_error(exc: BaseException) -> bool:
    """A SQLAlchemy error (checked without importing SQLAlchemy: `usis` starts the app before
    it is needed)."""
    module = sys.modules.get("sqlalchemy.exc")
    return module is not None and isinstance(exc, module.SQLAlchemyError)


def _main(argv: list[str] | None) -> None:
    try:
        cli.main(args=argv, prog_name="usis", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("usis: aborted.", err=True)
        sys.exit(EXIT_ERROR)
    except click.ClickException as exc:
        hint = " (see usis --help)" if isinstance(exc, click.UsageError) else ""
        click.echo(f"usis: error: {exc.format_message()}{hint}", err=True)
        sys.exit(exc.exit_code or EXIT_USAGE)
    except UsisError as exc:
        click.echo(f"usis: error: {_one_line(exc)}", err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as exc:
        click.echo(f"usis: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # noqa: BLE001 - a database error or a bug: one line
        if not _is_database_error(exc):
            _unexpected(exc, argv)
        from .bootstrap import database_problem
        from .db import mask_url, resolve_database_url

        url = resolve_database_url(Settings.current.db if Settings.current else None)
        click.echo(f"usis: error: {database_problem(mask_url(url), exc)}", err=True)
        sys.exit(EXIT_ERROR)


def _unexpected(exc: BaseException, argv: list[str] | None) -> None:
    """A bug: one line, the detail in the log."""
    from .failures import log_failure

    reference = log_failure(exc, "usis " + " ".join((argv or sys.argv[1:])[:1]))
    click.echo(f"usis: error: something went wrong (reference {reference}; the details are "
               "in the uSis log).", err=True)
    sys.exit(EXIT_ERROR)
