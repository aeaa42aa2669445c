"""The `usis` group: its own options, and the app it launches without a command.

Each command lives in its own module (cli/database.py, cli/catalogue.py, …) and is listed once
in ``COMMANDS``; the group imports a command's module only when that command is run (or when
``--help`` lists them all), so `usis` without a command reaches the Login without loading the
code of `serve`, `import` or `replay` (click's "lazily loading subcommands" pattern).
"""

from __future__ import annotations

import importlib
import sys

import click

from .. import __version__
from ..errors import UsisError
from .options import Settings, common_options, invocation


def _max_sessions(ctx: click.Context, _param, value: int | None) -> int | None:
    """--max-sessions N: the opening queue's limit (the max_sessions setting, services/queue.py),
    for this invocation only."""
    if value is not None:
        from .. import config

        invocation(ctx)  # made first: a new invocation forgets earlier overrides
        config.override(max_sessions=str(value))
    return value


def _tour(ctx: click.Context, _param, value: str | None) -> str | None:
    if value is not None:
        from ..tours import TourNotFound, load_tour

        try:
            load_tour(value)
        except TourNotFound as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param_hint="--tour") from None
        invocation(ctx).tour = value
    return value


def _join(ctx: click.Context, _param, value: str | None) -> str | None:
    if value is not None:
        invocation(ctx).join = value
    return value


def _demo(ctx: click.Context, _param, value: bool) -> bool:
    if value:
        invocation(ctx).demo = True
    return value


#: command name → "module:attribute" in this package, the one list of the `usis` commands
COMMANDS = {
    "audit": "audit:audit",
    "catalogue": "catalogue:catalogue",
    "config": "config:config_group",
    "db": "database:db",
    "import": "importer:import_command",
    "mail": "portal:mail_group",
    "portal": "portal:portal_group",
    "replay": "replay:replay_command",
    "results": "results:results_group",
    "schedule": "schedule:schedule_command",
    "serve": "serve:serve_command",
    "timetable": "timetable:timetable",
    "tour": "tour:tour_group",
    "user": "user:user_group",
}


class LazyGroup(click.Group):
    """A group whose commands are imported when they are asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attribute = target.partition(":")
        command = getattr(importlib.import_module(f"{__package__}.{module}"), attribute)
        assert isinstance(command, click.Command)
        return command


#: the commands that start the app and so can fill an empty database with the demo data
DEMO_COMMANDS = (None, "serve", "portal")


@click.group(cls=LazyGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="usis")
@click.option("--max-sessions", type=click.IntRange(min=1), metavar="N", expose_value=False,
              callback=_max_sessions, help="At most N students use uSis at once; the others "
              "wait in the opening queue (default: USIS_MAX_SESSIONS, else no limit).")
@click.option("--demo", is_flag=True, expose_value=False, callback=_demo,
              help="Fill an empty database with the demo catalogue and accounts (password "
                   "demo) before starting; also for `usis --demo serve`. Without it only the "
                   "default database is filled, on its first start.")
@click.option("--tour", metavar="NAME", expose_value=False, callback=_tour, envvar="USIS_TOUR",
              help="Start a guided tour (usis tour list): its panel shows each step's "
                   "instruction and waits until you have done it (also USIS_TOUR; `usis "
                   "--tour NAME serve`: in every browser session).")
@click.option("--join", metavar="CODE", expose_value=False, callback=_join,
              help="Join a trainer's classroom: the Login asks your name, then you follow "
                   "the classroom's tour as a student of your own.")
@common_options
@click.pass_context
def cli(ctx: click.Context) -> None:
    """uSis in the terminal: Leiden University course and exam enrolment.

    Without a command, launches the app. The default database is filled with the demo data on
    its first start (log in as s1234567, password demo); any other starts as it is.
    """
    settings = invocation(ctx)
    if settings.demo and ctx.invoked_subcommand not in DEMO_COMMANDS:
        raise click.UsageError(f"--demo starts the app on the demo data (usis --demo, usis "
                               f"--demo serve); for `usis {ctx.invoked_subcommand}` use "
                               "`usis db init --demo` first.")
    if ctx.invoked_subcommand is None:
        launch(settings)


def launch(settings: Settings, start_page: str | None = None, tour: str | None = None) -> None:
    """The app, with its Login on screen at once: the configuration is read and the database
    prepared (and, when asked, filled with the demo data) in the background while the user
    types. What must be right before the app takes the terminal (the clock, the password-hash
    cost, the database URL) is checked first, cheaply; anything else is the app's "uSis cannot
    start" page."""
    from ..app import UsisApp
    from ..config import check_before_start

    check_before_start(now=settings.now, database_url=settings.db)

    app = UsisApp(database_url=settings.db, now=settings.now, demo=settings.demo,
                  demo_on_first_start=settings.db is None, exit_on_start_error=True,
                  start_page=start_page, tour=tour or settings.tour, join=settings.join)
    if not (sys.__stdout__ and sys.__stdout__.isatty() and sys.__stderr__
            and sys.__stderr__.isatty()):
        # no terminal to show the Login on at once: prepare first, so that a problem is the one
        # line of an error and nothing of a screen reaches the output
        app._read_settings()
        app._ensure_database()
    app.run()
    if app.start_error is not None:  # back in the shell: the one line (see cli/main.py)
        raise UsisError(app.start_error)
